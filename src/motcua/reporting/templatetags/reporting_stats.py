from django import template

from motcua.core.formats import vn_number

register = template.Library()


@register.filter
def pct(value) -> str:
    """0.8734 → '87,3%' (empty for no value)."""
    if value is None:
        return ""
    return f"{vn_number(value * 100, 1)}%"


@register.filter
def get_group(groups: dict, key: str) -> str:
    return groups.get(key, "")


@register.simple_tag
def cell(row: dict, key: str, kind: str) -> str:
    value = row.get(key)
    if value is None:
        return "—" if kind != "int" else "0"
    if kind == "share":
        return pct(value)
    if kind == "score":
        return vn_number(value, 2)
    return vn_number(value)
