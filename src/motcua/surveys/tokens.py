"""One-time invitation codes: derived from a random nonce with the server's secret key, stored
only as a hash. Short enough to type at the desk's tablet (12 characters, no 0/O or 1/I/L),
about 59 bits: with the per-device limit, guessing one is hopeless."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # 31 symbols, none mistaken for another
LENGTH = 12


def new_nonce() -> str:
    return secrets.token_hex(16)


def token_of(nonce: str) -> str:
    """The code printed and sent for an invitation (the same every time it is asked for)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"surveys.invitation:{nonce}".encode(), hashlib.sha256
    ).digest()
    number = int.from_bytes(digest, "big")
    out = []
    for _ in range(LENGTH):
        number, rest = divmod(number, len(ALPHABET))
        out.append(ALPHABET[rest])
    return "".join(out)


def normalize(typed: str) -> str:
    """What a person typed (spaces, dashes, lower case) → the code as issued."""
    return "".join(ch for ch in (typed or "").upper() if ch.isalnum())[:64]


def hash_of(token: str) -> str:
    return hashlib.sha256(normalize(token).encode()).hexdigest()


def grouped(token: str) -> str:
    """ABCD-EFGH-JKMN: easier to read aloud and type."""
    return "-".join(token[i : i + 4] for i in range(0, len(token), 4))
