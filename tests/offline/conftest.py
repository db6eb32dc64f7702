import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import PartnerFactory, TrainerFactory, TrainingSessionFactory
from users.models import Role


@pytest.fixture
def trainer_setup(make_user):
    """A trainer of one partner with a session running today in Makassar (WITA)."""
    partner = PartnerFactory()
    user = make_user(Role.TRAINER, partner=partner)
    trainer = TrainerFactory(partner=partner, user=user)
    now = timezone.now()
    session = TrainingSessionFactory(
        partner=partner,
        lead_trainer=trainer,
        starts_at=now - dt.timedelta(minutes=30),
        ends_at=now + dt.timedelta(hours=3),
        capacity=30,
    )
    return user, session
