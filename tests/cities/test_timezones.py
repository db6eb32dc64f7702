import datetime as dt
from types import SimpleNamespace

from django.utils import translation

from cities.timezones import format_city_time, to_city_time, zone_date, zone_label

JAYAPURA = SimpleNamespace(time_zone="Asia/Jayapura")
MAKASSAR = SimpleNamespace(time_zone="Asia/Makassar")


def test_a_utc_moment_becomes_the_wall_clock_of_the_city():
    moment = dt.datetime(2018, 9, 11, 23, 30, tzinfo=dt.UTC)
    local = to_city_time(moment, JAYAPURA)
    assert (local.date(), local.hour, local.minute) == (dt.date(2018, 9, 12), 8, 30)
    assert local == moment


def test_the_local_date_can_differ_from_the_utc_date():
    moment = dt.datetime(2018, 9, 11, 16, 0, tzinfo=dt.UTC)
    assert zone_date(moment, "Asia/Jakarta") == dt.date(2018, 9, 11)
    assert zone_date(moment, "Asia/Makassar") == dt.date(2018, 9, 12)


def test_zones_carry_their_indonesian_label():
    assert [zone_label(z) for z in ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")] == ["WIB", "WITA", "WIT"]
    assert zone_label("Europe/Paris") == "Europe/Paris"


def test_formatted_times_end_with_the_zone_label():
    moment = dt.datetime(2018, 9, 12, 1, 0, tzinfo=dt.UTC)
    with translation.override("id"):
        assert format_city_time(moment, MAKASSAR, "j M Y H.i") == "12 Sep 2018 09.00 WITA"
