"""One-time codes and look-up digits never reach the logs: the SMS log line, the access log
and the console e-mail output are masked by motcua.core.redact."""

from __future__ import annotations

import io
import logging

import pytest
from django.core.mail import EmailMessage

from motcua.core.redact import ConsoleEmailBackend, RedactSecretsFilter, redact
from motcua.portal import notify
from motcua.portal.sms import LoggingSmsGateway


@pytest.fixture
def handler_output():
    """What a configured handler (settings.LOGGING) writes, captured."""
    captured = []

    def capture(handler):
        buffer = io.StringIO()
        old = handler.setStream(buffer)
        captured.append((handler, old))
        return buffer

    yield capture
    for handler, old in captured:
        handler.setStream(old)


def configured_handler(logger_name: str) -> logging.StreamHandler:
    logger = logging.getLogger(logger_name)
    for candidate in (logger, logging.getLogger()):
        for handler in candidate.handlers:
            if any(isinstance(f, RedactSecretsFilter) for f in handler.filters):
                return handler
    raise AssertionError(f"no redacting handler for {logger_name}")


def test_the_sms_log_line_does_not_show_the_code(handler_output):
    buffer = handler_output(configured_handler("motcua.sms"))
    LoggingSmsGateway().send(to="0912345678", text=notify.code_message("482913"))
    line = buffer.getvalue()
    assert "Mã xác minh" in line and "482913" not in line and "******" in line


def test_the_access_log_does_not_show_look_up_digits(handler_output):
    logger = logging.getLogger("django.server")
    buffer = handler_output(configured_handler("django.server"))
    logger.info(
        '"%s" %s %s',
        "GET /tra-cuu/?code=HS-2026-000123&phone4=5678 HTTP/1.1",
        "200",
        "512",
        extra={"request": None, "server_time": "02/Dec/2026 09:00:00", "status_code": 200},
    )
    line = buffer.getvalue()
    assert "HS-2026-000123" in line and "5678" not in line and "phone4=***" in line


def test_the_console_mail_does_not_show_the_code():
    stream = io.StringIO()
    backend = ConsoleEmailBackend(stream=stream)
    backend.send_messages(
        [EmailMessage("Mã xác minh", notify.code_message("735102"), to=["an@example.vn"])]
    )
    output = stream.getvalue()
    assert "Mã xác minh" in output and "735102" not in output


def test_redact_keeps_dossier_codes_dates_and_amounts_readable():
    text = "Hồ sơ 000.00.31.H99-260101-0001 ngày 02/12/2026, lệ phí 50.000 đồng, SĐT 0912345678"
    masked = redact(text)
    assert "000.00.31.H99-260101-0001" in masked and "02/12/2026" in masked
    assert "50.000" in masked and "0912345678" not in masked and masked.endswith("78")
