"""The body of a figures table (monitoring/_table.html) rendered in one pass.

The same HTML as a {% for %} over rows and cells, at a fraction of the cost: template nodes cost
about 0.1 ms a row, and the survey table by gender, scale and city alone has 334 rows (issue 16:
that loop was most of the KSP view's and the dashboard's CPU). Values go through the same
localisation and escaping as {{ v }} (render_value_in_context).
"""

from django import template
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()
NONE = "–"


@register.simple_tag(takes_context=True)
def table_body(context, table) -> SafeString:
    """<tr> rows of `table`: the first cell a row header, the rest right-aligned, linked where the table has a link."""
    cells = table.cells
    if not cells:
        return format_html(
            '<tr><td colspan="{}" class="text-muted">{}</td></tr>', len(table.headers), gettext("No data for these filters.")
        )
    out = []
    for row in cells:
        out.append("<tr>")
        for j, (value, link) in enumerate(row):
            text = NONE if value is None else render_value_in_context(value, context)
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
    for row in table.rows:
        label = render_value_in_context(row[0], context)
        value = render_value_in_context(row[1], context) if len(row) > 1 else ""
        parts.append(f"{label} {value}")
    return mark_safe("; ".join(parts))  # noqa: S308  each value is escaped by render_value_in_context
