"""Show session times in the session city's own zone, with its label (WIB, WITA, WIT)."""

from django import template
from django.utils import dateformat

from cities.timezones import clock_format, format_city_time, to_city_time

register = template.Library()


@register.filter
def session_when(session) -> str:
    """'12 Sep 2018, 09.00–13.00 WITA' in the city's local time."""
    start, end = to_city_time(session.starts_at, session.city), to_city_time(session.ends_at, session.city)
    tf = clock_format()
    text = f"{dateformat.format(start, 'j M Y')}, {dateformat.format(start, tf)}–"
    if end.date() != start.date():
        text += f"{dateformat.format(end, 'j M Y')} "
    return f"{text}{dateformat.format(end, tf)} {session.city.zone_label}"


@register.filter
def session_start_time(session) -> str:
    """'09.00 WITA'."""
    return format_city_time(session.starts_at, session.city, clock_format())


@register.filter
def local_datetime(moment, city) -> str:
    if moment is None:
        return ""
    return format_city_time(moment, city, "j M Y " + clock_format())
