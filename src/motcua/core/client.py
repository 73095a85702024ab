"""Who is calling: the client's address for rate limits, logs and payment gateways."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.checks import Error, register


@lru_cache(maxsize=8)
def _networks(spec: str) -> tuple:
    return tuple(ipaddress.ip_network(part.strip()) for part in spec.split(",") if part.strip())


def _trusted(address: str) -> bool:
    return _trusted_by(getattr(settings, "MOTCUA_TRUSTED_PROXIES", ""), address)


@lru_cache(maxsize=4096)  # the proxies' few addresses are asked on every request
def _trusted_by(spec: str, address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(spec))


def client_address(request) -> str:
    """The caller's address.

    Directly connected clients: ``REMOTE_ADDR``. Behind reverse proxies listed in
    ``MOTCUA_TRUSTED_PROXIES`` (addresses or networks, comma-separated), the right-most
    address of ``X-Forwarded-For`` that is not one of them: a client can prepend anything
    to that header, but not what the proxies appended after it.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if not _trusted(address):
        return address
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([a for a in forwarded if a]):
        if not _trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return address  # a malformed hop: fall back to the proxy itself
    return address


@register()
def check_trusted_proxies(app_configs, **kwargs) -> list:
    """A mistyped MOTCUA_TRUSTED_PROXIES is reported when the server starts, not per request."""
    try:
        _networks(getattr(settings, "MOTCUA_TRUSTED_PROXIES", ""))
    except ValueError as error:
        return [
            Error(
                f"MOTCUA_TRUSTED_PROXIES không hợp lệ: {error}",
                hint="Liệt kê địa chỉ hoặc dải mạng, cách nhau bằng dấu phẩy: 10.0.0.0/8, ::1",
                id="motcua.E001",
            )
        ]
    return []
