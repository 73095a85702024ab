"""Payment providers, chosen by settings (``PAYMENTS``), loaded by dotted path.

Settings (all optional)::

    PAYMENTS = {
        "PROVIDER": "vnpay",  # the provider used for new payments
        "PROVIDERS": {"vnpay": "motcua.payments.providers.vnpay.VnpayProvider"},
        "VNPAY": {
            "TMN_CODE": "…",      # merchant (terminal) code
            "HASH_SECRET": "…",   # shared HMAC-SHA512 secret
            "PAY_URL": "https://…/paymentv2/vpcpay.html",  # relative = this site (sandbox)
            "EXPIRE_MINUTES": 15,
        },
        "SANDBOX": False,  # serve the local sandbox gateway under /thanh-toan/sandbox/
        "SANDBOX_IPN_URL": None,  # where the sandbox posts notifications (default: this site)
    }

Without settings the provider talks to the local sandbox with a secret derived from
SECRET_KEY, so a fresh checkout can pay end to end.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from motcua.core.errors import NotFound
from motcua.payments.errors import PaymentsError
from motcua.payments.providers.base import GatewayResult, NotificationReply, PaymentProvider

DEFAULT_PROVIDERS = {"vnpay": "motcua.payments.providers.vnpay.VnpayProvider"}

__all__ = [
    "GatewayResult",
    "NotificationReply",
    "PaymentProvider",
    "config",
    "get_provider",
    "provider_codes",
    "sandbox_enabled",
]


def config() -> dict[str, Any]:
    return dict(getattr(settings, "PAYMENTS", None) or {})


def _derived_secret(purpose: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), purpose.encode(), hashlib.sha256).hexdigest()


def provider_settings(code: str) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "TMN_CODE": "MOTCUA01",
        "HASH_SECRET": _derived_secret(f"motcua-sandbox-{code}").upper(),
        "PAY_URL": "/thanh-toan/sandbox/vpcpay.html",
        "EXPIRE_MINUTES": 15,
    }
    defaults.update(config().get(code.upper(), {}))
    return defaults


def provider_codes() -> list[str]:
    return list({**DEFAULT_PROVIDERS, **config().get("PROVIDERS", {})})


def get_provider(code: str | None = None) -> PaymentProvider:
    code = code or config().get("PROVIDER", "vnpay")
    paths = {**DEFAULT_PROVIDERS, **config().get("PROVIDERS", {})}
    if code not in paths:
        raise NotFound(f"Không có cổng thanh toán «{code}».", code=PaymentsError.PROVIDER_NOT_FOUND)
    return import_string(paths[code])(code=code, options=provider_settings(code))


def sandbox_enabled() -> bool:
    """Only an explicit setting, or a development environment, serves the sandbox."""
    return bool(config().get("SANDBOX", getattr(settings, "MOTCUA_ENV", "") == "development"))
