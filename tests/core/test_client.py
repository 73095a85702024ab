"""The client's address: REMOTE_ADDR, or X-Forwarded-For behind trusted proxies only."""

import pytest
from django.test import RequestFactory

from motcua.core.client import client_address

pytestmark = pytest.mark.django_db


def ask(remote: str, forwarded: str | None = None) -> str:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.MOTCUA_TRUSTED_PROXIES = ""
    assert ask("203.0.113.7", "1.2.3.4") == "203.0.113.7"


def test_behind_a_trusted_proxy_the_last_untrusted_hop_is_the_client(settings):
    settings.MOTCUA_TRUSTED_PROXIES = "10.0.0.0/8, 192.168.1.5"
    # the client tried to pass as 1.2.3.4; the proxies appended its real address
    assert ask("10.0.0.2", "1.2.3.4, 203.0.113.7, 192.168.1.5") == "203.0.113.7"
    assert ask("192.168.1.5", "2001:db8::1") == "2001:db8::1"
    # nothing forwarded, or garbage: the proxy's own address (never a client's claim)
    assert ask("10.0.0.2") == "10.0.0.2"
    assert ask("10.0.0.2", "not-an-ip") == "10.0.0.2"
    # a direct caller outside the trusted list cannot use the header
    assert ask("198.51.100.9", "1.2.3.4") == "198.51.100.9"


def test_a_mistyped_proxy_list_is_reported_at_start(settings):
    from motcua.core.client import check_trusted_proxies

    settings.MOTCUA_TRUSTED_PROXIES = "10.0.0.0/8, 10.0.0.300"
    [error] = check_trusted_proxies(None)
    assert error.id == "motcua.E001" and "10.0.0.300" in error.msg
    settings.MOTCUA_TRUSTED_PROXIES = "10.0.0.0/8, ::1"
    assert check_trusted_proxies(None) == []
