import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from tests.factories import CityFactory, CityTargetFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_city_target_is_unique_per_programme_and_city():
    target = CityTargetFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CityTargetFactory(programme=target.programme, city=target.city)


def test_same_city_may_have_a_target_in_another_programme():
    city = CityFactory()
    CityTargetFactory(city=city)
    CityTargetFactory(city=city)


def test_programme_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeFactory(starts_on=dt.date(2019, 1, 1), ends_on=dt.date(2018, 1, 1))
