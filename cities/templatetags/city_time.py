"""Template filters that show a session's time in its city's zone with WIB, WITA or WIT.

Every template that shows a session time uses these (never `|date` or `|time` on a session
time: those convert to Jakarta time first). `{% load city_time %}`; `{% load schedule %}`
gives the same filters.

    {{ session|session_when }}            15 Des 2026, 09.00–12.00 WIT
    {{ session|session_when:"long" }}     Senin, 15 Desember 2026, 09.00–12.00 WIT
    {{ session|session_when:"time" }}     09.00–12.00 WIT
    {{ session|session_start_time }}      09.00 WIT
    {{ moment|local_datetime:city }}      15 Des 2026 09.00 WIT
    {{ moment|zone_datetime:"Asia/Jayapura" }}  15 Des 2026 09.00 WIT (a zone name instead of a city)
"""

from django import template

from cities.timezones import city_time_text, session_time_text, zone_time_text

register = template.Library()


@register.filter
def session_when(session, style: str = "medium") -> str:
    if session is None:
        return ""
    return session_time_text(session, style=style or "medium")


@register.filter
def session_start_time(session) -> str:
    return city_time_text(session.starts_at, session.city, style="time")


@register.filter
def local_datetime(moment, city) -> str:
    if moment is None or city is None:
        return ""
    return city_time_text(moment, city)


@register.filter
def zone_datetime(moment, time_zone: str) -> str:
    return zone_time_text(moment, time_zone)
