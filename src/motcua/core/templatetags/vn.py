import datetime as dt

from django import template

from motcua.core import formats

register = template.Library()


def _parsed(value):
    """ISO text (event payloads keep times as ISO 8601) → date or aware datetime."""
    if not isinstance(value, str):
        return value
    if not value:
        return None
    from django.utils.dateparse import parse_date, parse_datetime

    try:
        parsed = parse_datetime(value) if "T" in value or " " in value else parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        return value
    if isinstance(parsed, dt.datetime) and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=formats.VN_TZ)
    return parsed


@register.filter
def vn_date(value):
    value = _parsed(value)
    return value if isinstance(value, str) else formats.vn_date(value)


@register.filter
def vn_datetime(value):
    value = _parsed(value)
    if isinstance(value, str):
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return formats.vn_date(value)
    return formats.vn_datetime(value)


@register.filter
def working_time(hours):
    """Working hours as people say them: "2 ngày làm việc", "4 giờ làm việc"."""
    return formats.working_time(hours)


@register.filter
def vn_number(value, decimals=0):
    return formats.vn_number(value, int(decimals))


@register.simple_tag(takes_context=True)
def page_url(context, page_number):
    """The current query string with another page number."""
    query = context["request"].GET.copy()
    query["page"] = page_number
    return "?" + query.urlencode()
