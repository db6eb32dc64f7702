import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from partners.models import TotStatus
from partners.services import partner_create, partner_update, trainer_calendar_token_rotate, trainer_update
from tests.factories import CityFactory, PartnerFactory, TrainerFactory

pytestmark = pytest.mark.django_db


def test_partner_names_are_unique_whatever_the_case():
    partner_create(name="Yayasan Kopernik")
    with pytest.raises(ValidationError) as exc:
        partner_create(name="yayasan kopernik ")
    assert "name" in exc.value.message_dict
    other = PartnerFactory()
    with pytest.raises(ValidationError):
        partner_update(partner=other, name="YAYASAN KOPERNIK")


@pytest.mark.parametrize(
    ("status", "started", "certified", "field"),
    [
        (TotStatus.CERTIFIED, dt.date(2018, 7, 1), None, "tot_certified_on"),
        (TotStatus.IN_TRAINING, None, None, "tot_started_on"),
        (TotStatus.IN_TRAINING, dt.date(2018, 7, 1), dt.date(2018, 8, 1), "tot_certified_on"),
        (TotStatus.CERTIFIED, dt.date(2018, 8, 1), dt.date(2018, 7, 1), "tot_certified_on"),
    ],
)
def test_tot_status_and_dates_must_agree(status, started, certified, field):
    trainer = TrainerFactory()
    with pytest.raises(ValidationError) as exc:
        trainer_update(trainer=trainer, tot_status=status, tot_started_on=started, tot_certified_on=certified)
    assert field in exc.value.message_dict
    trainer.refresh_from_db()
    assert trainer.tot_status == TotStatus.CERTIFIED


def test_trainer_update_sets_tot_and_cities_served():
    trainer = TrainerFactory(tot_status=TotStatus.NOT_STARTED, tot_started_on=None, tot_certified_on=None)
    kupang, ambon = CityFactory(name="Kupang"), CityFactory(name="Ambon")
    trainer_update(
        trainer=trainer,
        tot_status=TotStatus.CERTIFIED,
        tot_started_on=dt.date(2018, 7, 1),
        tot_certified_on=dt.date(2018, 8, 1),
        cities=[kupang, ambon],
    )
    trainer.refresh_from_db()
    assert trainer.tot_status == TotStatus.CERTIFIED
    assert set(trainer.cities.all()) == {kupang, ambon}


def test_rotating_the_calendar_token_replaces_the_old_one():
    trainer = TrainerFactory()
    first = trainer_calendar_token_rotate(trainer=trainer)
    second = trainer_calendar_token_rotate(trainer=trainer)
    assert first != second and len(second) >= 40
    trainer.refresh_from_db()
    assert trainer.calendar_token == second
