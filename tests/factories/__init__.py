"""factory_boy factories per app; import from here in tests."""

from .cities import CityFactory, CityTargetFactory, ProgrammeFactory
from .participants import AttendanceFactory, ParticipantFactory
from .partners import PartnerFactory, TrainerFactory
from .sessions import RoadshowFactory, TrainingSessionFactory
from .users import UserFactory

__all__ = [
    "AttendanceFactory",
    "CityFactory",
    "CityTargetFactory",
    "ParticipantFactory",
    "PartnerFactory",
    "ProgrammeFactory",
    "RoadshowFactory",
    "TrainerFactory",
    "TrainingSessionFactory",
    "UserFactory",
]
