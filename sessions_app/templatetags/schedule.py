"""Show session times in the session city's own zone, with its label (WIB, WITA, WIT)."""

import zoneinfo

from django import template
from django.utils import dateformat
from django.utils.translation import get_language

register = template.Library()


def _time_format() -> str:
    return "H.i" if (get_language() or "id").startswith("id") else "H:i"


def _local(moment, city):
    return moment.astimezone(zoneinfo.ZoneInfo(city.time_zone))


@register.filter
def session_when(session) -> str:
    """'12 Sep 2018, 09.00–13.00 WITA' in the city's local time."""
    start, end = _local(session.starts_at, session.city), _local(session.ends_at, session.city)
    tf = _time_format()
    text = f"{dateformat.format(start, 'j M Y')}, {dateformat.format(start, tf)}–"
    if end.date() != start.date():
        text += f"{dateformat.format(end, 'j M Y')} "
    return f"{text}{dateformat.format(end, tf)} {session.city.zone_label}"


@register.filter
def session_start_time(session) -> str:
    """'09.00 WITA'."""
    return f"{dateformat.format(_local(session.starts_at, session.city), _time_format())} {session.city.zone_label}"


@register.filter
def local_datetime(moment, city) -> str:
    if moment is None:
        return ""
    return f"{dateformat.format(_local(moment, city), 'j M Y ' + _time_format())} {city.zone_label}"
