from django import template

register = template.Library()


@register.filter
def column_positions(table, keys: str) -> str:
    """`table|column_positions:"attendances,no_shows"` -> "5,6": the chart script reads columns by position, the
    template names them by key (monitoring/tables.py)."""
    return ",".join(str(table.index(key.strip())) for key in keys.split(","))
