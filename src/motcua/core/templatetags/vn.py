from django import template

from motcua.core import formats

register = template.Library()


@register.filter
def vn_date(value):
    return formats.vn_date(value)


@register.filter
def vn_datetime(value):
    return formats.vn_datetime(value)


@register.filter
def vn_number(value, decimals=0):
    return formats.vn_number(value, int(decimals))


@register.simple_tag(takes_context=True)
def page_url(context, page_number):
    """The current query string with another page number."""
    query = context["request"].GET.copy()
    query["page"] = page_number
    return "?" + query.urlencode()
