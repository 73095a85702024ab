"""Secrets never reach the logs: one-time codes and the phone digits that unlock a look-up.

``RedactSecretsFilter`` is attached to every logging handler in settings (the console, the
web server's access log); ``ConsoleEmailBackend`` is the console mail backend with the same
masking (it prints to standard output, outside logging). What is masked:

- a verification code: any stand-alone group of 6 digits (``123456`` → ``******``);
- the value of a look-up parameter in a query string or form (``phone4=1234``,
  ``phone=0912345678``, ``otp=…``, ``code=…`` is kept: a dossier code alone opens nothing);
- a phone number: all but its last 2 digits.
"""

from __future__ import annotations

import logging
import re

from django.core.mail.backends.console import EmailBackend as _ConsoleBackend

MASK = "***"

#: Query-string or form parameters whose value is a secret (the look-up digits, codes, tokens).
SECRET_PARAMS = (
    "phone4",
    "phone",
    "phone_last4",
    "digits",
    "otp",
    "token",
    "password",
    "so_dien_thoai",
)
_PARAM = re.compile(
    r"(?P<key>\b(?:" + "|".join(SECRET_PARAMS) + r"))=(?P<value>[^&\s\"']*)", re.IGNORECASE
)
_OTP = re.compile(r"(?<![\w.,/-])\d{6}(?![\w/-]|[.,]\d)")
_PHONE = re.compile(r"(?<![\w.,/-])(?:\+?84|0)\d{7,9}(?=\d{2}(?![\w/-]|[.,]\d))")


def redact(text: str) -> str:
    """The text with one-time codes, look-up digits and phone numbers masked."""
    if not text:
        return text
    text = _PARAM.sub(lambda m: f"{m['key']}={MASK}" if m["value"] else m[0], text)
    text = _PHONE.sub(lambda m: "*" * len(m[0]), text)
    return _OTP.sub("******", text)


class RedactSecretsFilter(logging.Filter):
    """Masks secrets in the formatted message of every record (keeps the record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: leave it to the formatter
            return True
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


class ConsoleEmailBackend(_ConsoleBackend):
    """Django's console mail backend, with one-time codes and digits masked."""

    def write_message(self, message):
        msg = message.message()
        data = msg.as_bytes()
        charset = msg.get_charset().get_output_charset() if msg.get_charset() else "utf-8"
        text = data.decode(charset, errors="replace")
        if "Content-Transfer-Encoding: base64" in text or "quoted-printable" in text:
            # The body is encoded: print the decoded text parts instead, masked.
            text = _decoded(message)
        self.stream.write(f"{redact(text)}\n")
        self.stream.write("-" * 79)
        self.stream.write("\n")


def _decoded(message) -> str:
    parts = [f"Subject: {message.subject}", f"From: {message.from_email}"]
    parts.append("To: " + ", ".join(message.to))
    parts.append("")
    parts.append(message.body)
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype.startswith("text/"):
            parts.extend(["", f"[{mimetype}]", str(content)])
    return "\n".join(parts)
