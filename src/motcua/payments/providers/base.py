"""The interface every payment provider implements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol


@dataclass(frozen=True)
class GatewayResult:
    """What a verified return or notification says about one order."""

    order_ref: str
    amount: Decimal
    success: bool
    response_code: str
    provider_txn: str = ""
    bank_code: str = ""
    paid_at: dt.datetime | None = None
    raw: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class NotificationReply:
    """The answer the gateway expects to its notification (e.g. VNPAY's RspCode/Message)."""

    code: str
    message: str
    accepted: bool

    def as_dict(self) -> dict[str, str]:
        return {"RspCode": self.code, "Message": self.message}


class SignatureError(Exception):
    """The parameters are not signed with the shared secret (or not signed at all)."""


class PaymentProvider(Protocol):
    code: str
    name: str

    def __init__(self, *, code: str, options: Mapping[str, Any]) -> None: ...

    def checkout_url(
        self,
        *,
        order_ref: str,
        amount: Decimal,
        description: str,
        return_url: str,
        client_ip: str,
        created_at: dt.datetime,
    ) -> str:
        """The signed URL the citizen's browser is redirected to."""

    def verify(self, params: Mapping[str, str]) -> GatewayResult:
        """Check the signature of a return or notification; raise SignatureError if bad."""

    def reply(self, outcome: str) -> NotificationReply:
        """The provider's answer for an outcome: confirmed, already_confirmed,
        order_not_found, invalid_amount, invalid_signature, error."""
