"""Template questions about a dossier, asked with the model's own rule (never re-written)."""

from django import template

register = template.Library()


@register.filter
def overdue_at(dossier, now) -> bool:
    """``{% if d|overdue_at:now %}``: ``Dossier.is_overdue`` (a paused dossier is not overdue)."""
    return dossier.is_overdue(now)
