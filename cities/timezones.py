"""Times in a city's own zone: the one place that turns a stored UTC moment into the city's local time.

Times are stored aware in UTC and entered and shown in the session city's zone with its
label (WIB, WITA, WIT). Everything that converts or labels goes through here.
"""

import datetime as dt
import zoneinfo

from django.utils import dateformat
from django.utils.translation import get_language

ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def zone_label(time_zone: str) -> str:
    """'WITA' for 'Asia/Makassar'; an unknown zone is shown by its name."""
    return ZONE_LABELS.get(time_zone, time_zone)


def city_zone(city) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(city.time_zone)


def to_zone_time(moment: dt.datetime, time_zone: str) -> dt.datetime:
    """The aware `moment` as the wall-clock time in `time_zone` (an IANA name)."""
    return moment.astimezone(zoneinfo.ZoneInfo(time_zone))


def to_city_time(moment: dt.datetime, city) -> dt.datetime:
    """The aware `moment` as the wall-clock time in the city."""
    return to_zone_time(moment, city.time_zone)


def zone_date(moment: dt.datetime, time_zone: str) -> dt.date:
    """The calendar date of `moment` in `time_zone`."""
    return to_zone_time(moment, time_zone).date()


def clock_format() -> str:
    """Hours and minutes as written in the active language: '09.00' in Indonesian, '09:00' in English."""
    return "H.i" if (get_language() or "id").startswith("id") else "H:i"


def format_city_time(moment: dt.datetime, city, fmt: str) -> str:
    """`moment` in the city's time, formatted with a Django date format, followed by the zone label."""
    return f"{dateformat.format(to_city_time(moment, city), fmt)} {zone_label(city.time_zone)}"
