"""The session-time filters under their older name: the same library as `{% load city_time %}`."""

from cities.templatetags.city_time import register  # noqa: F401
