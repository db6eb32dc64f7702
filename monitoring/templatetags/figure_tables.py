"""The body of a figures table (monitoring/_table.html) rendered in one pass.

The same HTML as a {% for %} over rows and cells, at a fraction of the cost: template nodes cost
about 0.1 ms a row, and the survey table by gender, scale and city alone has 334 rows (issue 16:
that loop was most of the KSP view's and the dashboard's CPU). Values go through the same
localisation and escaping as {{ v }} (render_value_in_context).

Each table's cells are rendered once per page (`_texts`): a chart card shows the same table's first
two columns again in its text alternative, and equal numbers, words and days render alike, so each is
rendered once per table (the daily table alone has hundreds of days and zeros).
"""

import datetime as dt
import functools

from django import template
from django.template.base import render_value_in_context
from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

register = template.Library()
NONE = "–"
# Exact types whose equal values always render alike (not Decimal: 1.0 and 1.00 are equal but print differently).
_SAME_TEXT_TYPES = frozenset({int, str, dt.date, type(None)})


@functools.lru_cache(maxsize=8192)
def _day_text(day: dt.date, date_format: str, language: str | None) -> str:
    """A day as localize() writes it (dateformat with DATE_FORMAT); the month names follow `language`.

    Kept for the process: the daily table has hundreds of distinct days on every page, the same ones.
    """
    return dateformat.format(day, date_format)


def _texts(context, table) -> list[list[str]]:
    """Every cell of `table` as {{ v }} renders it in this context, worked out once per table and rendering settings."""
    settings = (context.autoescape, context.use_l10n, context.use_tz, get_language())
    kept = table.__dict__.get("_rendered_texts")
    if kept is not None and kept[0] == settings and kept[1] is table.rows:
        return kept[2]
    seen: dict[tuple, str] = {}
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
                if kind is dt.date:  # render_value_in_context's own path for a day, with the formatting kept
                    day = _day_text(value, get_format("DATE_FORMAT", use_l10n=context.use_l10n), settings[3])
                    text = conditional_escape(day) if context.autoescape else day
                else:
                    text = render_value_in_context(value, context)
                seen[(kind, value)] = text
            line.append(text)
        texts.append(line)
    table.__dict__["_rendered_texts"] = (settings, table.rows, texts)
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
