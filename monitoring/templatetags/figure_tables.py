"""The body of a figures table (monitoring/_table.html) rendered in one pass.

The same HTML as a {% for %} over rows and cells, at a fraction of the cost: template nodes cost
about 0.1 ms a row, and the survey table by gender, scale and city alone has 334 rows (issue 16:
that loop was most of the KSP view's and the dashboard's CPU). Values go through the same
localisation and escaping as {{ v }} (render_value_in_context).

Each table's cells are rendered once per page (`_texts`): a chart card shows the same table's first
two columns again in its text alternative. Equal numbers, words and days render alike under the same
language and formats, so each is rendered once per process (the daily table alone has hundreds of days
and counts, the same on every page).
"""

import datetime as dt

from django import template
from django.conf import settings
from django.template.base import render_value_in_context
from django.utils.formats import get_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

register = template.Library()
NONE = "–"
# Exact types whose equal values always render alike (not Decimal: 1.0 and 1.00 are equal but print differently).
_SAME_TEXT_TYPES = frozenset({int, str, dt.date, type(None)})
# Rendering settings -> {(type, value): text}, kept for the process: the daily table has hundreds of distinct days
# and counts on every page, the same ones. Cleared when it grows past _SEEN_MAX values.
_SEEN: dict[tuple, dict[tuple, str]] = {}
_SEEN_MAX = 50_000


def _rendering(context) -> tuple:
    """Everything render_value_in_context's output depends on for an int, a str, a date or None, besides the value."""
    formats = tuple(
        get_format(name, use_l10n=context.use_l10n)
        for name in ("DATE_FORMAT", "DECIMAL_SEPARATOR", "THOUSAND_SEPARATOR", "NUMBER_GROUPING")
    )
    return (context.autoescape, context.use_l10n, context.use_tz, get_language(), settings.USE_THOUSAND_SEPARATOR, formats)


def _texts(context, table) -> list[list[str]]:
    """Every cell of `table` as {{ v }} renders it in this context, worked out once per table and rendering settings."""
    rendering = _rendering(context)
    kept = table.__dict__.get("_rendered_texts")
    if kept is not None and kept[0] == rendering and kept[1] is table.rows:
        return kept[2]
    if sum(len(texts) for texts in list(_SEEN.values())) > _SEEN_MAX:  # list(): other threads may add a key
        _SEEN.clear()
    seen = _SEEN.setdefault(rendering, {})
    texts = []
    for row in table.rows:
        line = []
        for value in row:
            kind = type(value)
            if kind not in _SAME_TEXT_TYPES:
                line.append(render_value_in_context(value, context))
                continue
            text = seen.get((kind, value))
            if text is None:
                text = seen[(kind, value)] = render_value_in_context(value, context)
            line.append(text)
        texts.append(line)
    table.__dict__["_rendered_texts"] = (rendering, table.rows, texts)
    return texts


@register.simple_tag(takes_context=True)
def table_body(context, table) -> SafeString:
    """<tr> rows of `table`: the first cell a row header, the rest right-aligned, linked where the table has a link."""
    if not table.rows:
        return format_html(
            '<tr><td colspan="{}" class="text-muted">{}</td></tr>', len(table.headers), gettext("No data for these filters.")
        )
    links = table.links
    out = []
    for i, (row, texts) in enumerate(zip(table.rows, _texts(context, table), strict=True)):
        out.append("<tr>")
        for j, (value, text) in enumerate(zip(row, texts, strict=True)):
            if value is None:
                text = NONE
            link = links.get((i, j)) if links else None
            if j == 0:
                out.append(f'<th scope="row" class="fw-normal">{text}</th>')
            elif link and value is not None:
                out.append(f'<td class="text-end"><a href="{conditional_escape(link)}" data-testid="drill-link">{text}</a></td>')
            else:
                out.append(f'<td class="text-end">{text}</td>')
        out.append("</tr>")
    return mark_safe("".join(out))  # noqa: S308  every value above is escaped by render_value_in_context or conditional_escape


@register.simple_tag(takes_context=True)
def chart_label(context, table) -> SafeString:
    """The chart's text alternative: "label value" for every row, joined by "; " (first two columns)."""
    parts = []
    for row, texts in zip(table.rows, _texts(context, table), strict=True):
        parts.append(f"{texts[0]} {texts[1] if len(row) > 1 else ''}")
    return mark_safe("; ".join(parts))  # noqa: S308  each value is escaped by render_value_in_context (_texts)
