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


@register.filter
def vn_pct(value, decimals: int = 1) -> str:
    """A percent already on 0–100: 87.345 → '87,3%'; no value → 'chưa có dữ liệu'."""
    if value is None:
        return "chưa có dữ liệu"
    return f"{vn_number(float(value), decimals)}%"


LIGHT_CLASSES = {
    "green": "text-bg-success",
    "amber": "text-bg-warning",
    "red": "text-bg-danger",
    "grey": "text-bg-secondary",
}


@register.filter
def light_class(light: str) -> str:
    return LIGHT_CLASSES.get(light, "text-bg-secondary")


@register.filter
def lower_first(text: str) -> str:
    """'Hồ sơ nộp …' → 'hồ sơ nộp …' inside a sentence; 'TTHC …' stays as it is."""
    text = str(text or "")
    if len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text
