from django import template

from motcua.ledger.actions import label

register = template.Library()


@register.filter
def activity_label(code: str) -> str:
    """The Vietnamese name of a history action (the code itself for an external log)."""
    return label(code)


@register.filter
def link_of(links: dict, key: str) -> str:
    """The page address that lists the dossiers of step ``key``."""
    return links.get(key, "")
