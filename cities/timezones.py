"""Times in a city's own zone: the one place that turns a stored UTC moment into the city's local time.

Times are stored aware in UTC and entered and shown in the session city's zone with its
label (WIB, WITA, WIT). Everything that converts, formats or labels goes through here:
templates through the `city_time` filters (cities/templatetags/city_time.py), e-mails,
messages, PDFs and feeds through `session_time_text` and `zone_time_text`.

Why not `{{ moment|date }}`: Django's `date` and `time` filters first convert an aware
datetime to the active time zone (Asia/Jakarta), so a 09.00 WIT session printed with them
reads 07.00, and labelling that with the city's zone is wrong. `dateformat.format` keeps the
zone of the datetime it is given, which is why every formatter below uses it.
"""

import datetime as dt
import zoneinfo

from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.translation import get_language

ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}

# Date part of each style; the clock part is the active locale's TIME_FORMAT (09.00 / 09:00).
DATE_STYLES = {
    "long": "l, j F Y",  # Senin, 15 Desember 2026 (participants' pages, sign-up sheet, messages)
    "medium": "j M Y",  # 15 Des 2026 (lists and tables)
    "short": "SHORT_DATE_FORMAT",  # 15/12/2026 (dense tables)
    "time": "",  # the clock only
}


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


def zone_day_start(day: dt.date, time_zone: str) -> dt.datetime:
    """The aware moment local day `day` begins in `time_zone`: for filtering stored UTC times by local dates."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=zoneinfo.ZoneInfo(time_zone))


def clock_format() -> str:
    """Hours and minutes as written in the active language: '09.00' in Indonesian, '09:00' in English."""
    return "H.i" if (get_language() or "id").startswith("id") else "H:i"


def _date_part(local: dt.datetime, style: str) -> str:
    fmt = DATE_STYLES[style]
    if not fmt:
        return ""
    return dateformat.format(local, get_format(fmt) if fmt.isupper() else fmt)


def zone_time_text(moment: dt.datetime | None, time_zone: str, *, style: str = "medium") -> str:
    """One moment in `time_zone` with its label: '15 Des 2026 09.00 WIT' (style: long, medium, short, time)."""
    if moment is None:
        return ""
    local = to_zone_time(moment, time_zone)
    day = _date_part(local, style)
    clock = dateformat.format(local, clock_format())
    return f"{day} {clock} {zone_label(time_zone)}" if day else f"{clock} {zone_label(time_zone)}"


def city_time_text(moment: dt.datetime | None, city, *, style: str = "medium") -> str:
    """One moment in the city's time with its label: '15 Des 2026 09.00 WIT'."""
    return zone_time_text(moment, city.time_zone, style=style)


def session_time_text(session, *, style: str = "medium") -> str:
    """A session's start and end in its city's time: '15 Des 2026, 09.00–12.00 WIT'.

    style 'long' gives 'Senin, 15 Desember 2026, 09.00–12.00 WIT'; 'time' gives '09.00–12.00 WIT'.
    A session ending on a later day shows the end's date too. Works for any object with
    `starts_at`, `ends_at` and `city` (a session, or a session change's old times).
    """
    start, end = to_city_time(session.starts_at, session.city), to_city_time(session.ends_at, session.city)
    clock = clock_format()
    day = _date_part(start, style)
    text = f"{day}, " if day else ""
    text += f"{dateformat.format(start, clock)}–"
    if end.date() != start.date():
        text += f"{_date_part(end, style if day else 'medium')} "
    return f"{text}{dateformat.format(end, clock)} {zone_label(session.city.time_zone)}"


def format_city_time(moment: dt.datetime, city, fmt: str) -> str:
    """`moment` in the city's time, formatted with a Django date format, followed by the zone label."""
    return f"{dateformat.format(to_city_time(moment, city), fmt)} {zone_label(city.time_zone)}"
