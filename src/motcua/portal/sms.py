"""The SMS gateway interface. Production plugs a carrier's gateway in through settings:

    MOTCUA_SMS_BACKEND = "yourpackage.sms.CarrierGateway"

A backend is a class with ``send(*, to, text) -> str`` (the gateway's message id) that
raises an exception when the message was not accepted (the task retries it).
"""

from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.utils.module_loading import import_string

from motcua.core.masking import mask_phone

logger = logging.getLogger("motcua.sms")

DEFAULT_BACKEND = "motcua.portal.sms.LoggingSmsGateway"


class SmsGateway:
    def send(self, *, to: str, text: str) -> str:  # pragma: no cover - interface
        raise NotImplementedError


class LoggingSmsGateway(SmsGateway):
    """Writes the message to the log (phone number masked); the default and the demo's."""

    def send(self, *, to: str, text: str) -> str:
        message_id = secrets.token_hex(8)
        logger.info("SMS %s tới %s: %s", message_id, mask_phone(to), text)
        return message_id


def gateway() -> SmsGateway:
    return import_string(getattr(settings, "MOTCUA_SMS_BACKEND", DEFAULT_BACKEND))()
