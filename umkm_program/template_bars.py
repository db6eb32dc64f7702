"""`{{ value|bar_width }}`: the CSS class that draws a bar `value` percent wide (static/css/bars.css).

The browser policy forbids style="" attributes, so a bar's width is one of 101 classes instead.
Available in every template (a builtin in settings.TEMPLATES), so no app depends on another for it.
"""

from django import template

register = template.Library()


@register.filter
def bar_width(value) -> str:
    try:
        percent = round(float(value))
    except (TypeError, ValueError):
        percent = 0
    return f"bar-{min(max(percent, 0), 100)}"
