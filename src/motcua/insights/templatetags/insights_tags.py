from django import template

from motcua.ledger.actions import label

register = template.Library()


@register.filter
def activity_label(code: str) -> str:
    """The Vietnamese name of a history action (the code itself for an external log)."""
    return label(code)
