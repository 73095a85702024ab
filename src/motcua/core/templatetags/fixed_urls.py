"""``{% fixed_url 'name' %}`` and ``{% fixed_static 'path' %}``: ``{% url %}`` and
``{% static %}`` for addresses without arguments, worked out once per process.

The base template names some thirty such addresses on every page; ``reverse`` and the static
files' manifest took a few percent of a light page's time (the officers' work queue). An
address without arguments changes only with the URL configuration, the script prefix (a
deployment under a sub-path) or the settings (tests), which are all in the key or clear it.
"""

from __future__ import annotations

from django import template
from django.core.signals import setting_changed
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

_KEPT: dict[tuple, tuple[str, str]] = {}


def _clear(**kwargs) -> None:
    _KEPT.clear()


setting_changed.connect(_clear, dispatch_uid="core.fixed_urls.clear")


class _FixedNode(template.Node):
    def __init__(self, kind: str, name: str) -> None:
        self.kind, self.name = kind, name

    def render(self, context) -> str:
        key = (self.kind, self.name, get_script_prefix(), get_urlconf())
        found = _KEPT.get(key)
        if found is None:
            raw = reverse(self.name) if self.kind == "url" else static(self.name)
            found = _KEPT[key] = (raw, conditional_escape(raw))
        return found[1] if context.autoescape else found[0]


def _fixed(kind: str):
    def tag(parser, token):
        bits = token.split_contents()
        name = bits[1] if len(bits) == 2 else ""
        if len(name) < 3 or name[0] != name[-1] or name[0] not in "'\"":
            raise template.TemplateSyntaxError(f"{bits[0]} takes one quoted name")
        return _FixedNode(kind, name[1:-1])

    return tag


register.tag("fixed_url", _fixed("url"))
register.tag("fixed_static", _fixed("static"))
