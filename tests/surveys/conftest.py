import datetime as dt
import zoneinfo

import pytest

from cities.models import TimeZone
from participants.models import AttendanceStatus
from surveys.seed import surveys_seed_defaults
from tests.factories import CityFactory, ProgrammeFactory, TrainingSessionFactory
from tests.factories.participants import AttendanceFactory, ParticipantFactory

WIT = zoneinfo.ZoneInfo("Asia/Jayapura")
WITA = zoneinfo.ZoneInfo("Asia/Makassar")


@pytest.fixture
def programme(db):
    programme = ProgrammeFactory()
    surveys_seed_defaults(programme_id=programme.pk)
    return programme


@pytest.fixture
def makassar(db):
    return CityFactory(name="Makassar", time_zone=TimeZone.WITA)


@pytest.fixture
def jayapura(db):
    return CityFactory(name="Jayapura", time_zone=TimeZone.WIT, province="Papua", province_code="91")


@pytest.fixture
def attend():
    """attend(session, **participant fields) -> a participant checked in at the session."""

    def _attend(session, **fields):
        person = ParticipantFactory(city=session.city, **fields)
        AttendanceFactory(participant=person, session=session, status=AttendanceStatus.ATTENDED, checked_in_at=session.starts_at)
        return person

    return _attend


@pytest.fixture
def session_in(programme):
    def _session(city, local_start: dt.datetime, **fields):
        return TrainingSessionFactory(programme=programme, city=city, starts_at=local_start, **fields)

    return _session


from tests.jobs import celery_queue, fake_provider, start_worker  # noqa: E402, F401  (the real-worker kit)
