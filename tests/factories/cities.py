import datetime as dt
from decimal import Decimal

import factory

from cities.models import City, CityTarget, Programme, Region, TimeZone


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    starts_on = dt.date(2018, 8, 14)
    ends_on = dt.date(2019, 8, 13)
    umkm_target = 10_000
    pemda_target = 1_000


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Kota {n}")
    province = "Sulawesi Selatan"
    province_code = "73"
    region = Region.EASTERN
    time_zone = TimeZone.WITA
    latitude = Decimal("-5.14")
    longitude = Decimal("119.42")


class CityTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CityTarget

    programme = factory.SubFactory(ProgrammeFactory)
    city = factory.SubFactory(CityFactory)
    umkm_target = 1_000
