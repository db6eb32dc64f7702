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


@pytest.fixture
def counts_events():
    """Every participants.events.counts_changed sent during the test, as (programme_id, city_id) pairs per event."""
    from participants.events import counts_changed

    events = []

    def receiver(sender, *, programme_id, slices, **kwargs):
        events.append({(programme_id, city_id) for city_id, _partner, _audience, _day in slices})

    counts_changed.connect(receiver, dispatch_uid="test-counts-events")
    yield events
    counts_changed.disconnect(dispatch_uid="test-counts-events")
