import datetime as dt
import zoneinfo

import pytest

from cities.models import TimeZone
from tests.factories import CityFactory, PartnerFactory, ProgrammeFactory, RoadshowFactory, TrainerFactory

WITA = zoneinfo.ZoneInfo("Asia/Makassar")
WIT = zoneinfo.ZoneInfo("Asia/Jayapura")


@pytest.fixture
def world(db):
    """A programme, one partner with a certified trainer, roadshows in Kupang (WITA) and Jayapura (WIT)."""
    programme = ProgrammeFactory()
    partner = PartnerFactory(name="Yayasan Digital Timur")
    kupang = CityFactory(name="Kupang", time_zone=TimeZone.WITA, province="Nusa Tenggara Timur", province_code="53")
    jayapura = CityFactory(name="Jayapura", time_zone=TimeZone.WIT, province="Papua", province_code="91")
    days = {"starts_on": dt.date(2018, 9, 10), "ends_on": dt.date(2018, 9, 20)}
    return {
        "programme": programme,
        "partner": partner,
        "kupang": kupang,
        "jayapura": jayapura,
        "rs_kupang": RoadshowFactory(programme=programme, partner=partner, city=kupang, **days),
        "rs_jayapura": RoadshowFactory(programme=programme, partner=partner, city=jayapura, **days),
        "trainer": TrainerFactory(partner=partner),
    }


def at(zone, day, hour, minute=0):
    return dt.datetime(2018, 9, day, hour, minute, tzinfo=zone)
