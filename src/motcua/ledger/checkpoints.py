"""Signed checkpoints of the global tree: the C2SP tlog-checkpoint note, Ed25519 signed.

Checkpoint body (UTF-8, each line ends with a newline)::

    <origin>
    <tree size, decimal>
    <root hash, standard base64 of the 32 bytes>

Signed note (C2SP signed-note): the body, one empty line, then one signature line
``— <key name> <base64(key hash (4 bytes) || Ed25519 signature (64 bytes))>``, where the
signature is over the body bytes and key hash = SHA-256(key name || "\\n" || 0x01 || the
32-byte public key)[:4]. The verifier key is published as
``<key name>+<key hash, 8 hex digits>+<base64(0x01 || public key)>``.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from functools import cache

from django.conf import settings

from motcua.ledger.merkle import HASH_SIZE

ED25519 = b"\x01"
DASH = "\u2014"


class CheckpointError(ValueError):
    """A checkpoint note that does not parse or whose signature does not verify."""


@dataclass(frozen=True)
class Parsed:
    origin: str
    tree_size: int
    root_hash: bytes
    body: str


def body_text(origin: str, tree_size: int, root_hash: bytes) -> str:
    if len(root_hash) != HASH_SIZE:
        raise ValueError("a root hash must be 32 bytes")
    if not origin or any(c in origin for c in "\n+ "):
        raise ValueError("origin must be one non-empty line without '+' or spaces")
    return f"{origin}\n{tree_size}\n{base64.b64encode(root_hash).decode()}\n"


def key_hash(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public_key).digest()[:4]


def verifier_key(name: str, public_key: bytes) -> str:
    return f"{name}+{key_hash(name, public_key).hex()}+{base64.b64encode(ED25519 + public_key).decode()}"


def parse_verifier_key(vkey: str) -> tuple[str, bytes, bytes]:
    """(name, key hash, public key) of ``name+hash+base64``."""
    try:
        name, hash_hex, b64 = vkey.strip().split("+", 2)
        raw = base64.b64decode(b64, validate=True)
    except ValueError as error:
        raise CheckpointError("khoá xác minh không đúng định dạng") from error
    if len(raw) != 33 or raw[:1] != ED25519:
        raise CheckpointError("khoá xác minh không phải Ed25519")
    if key_hash(name, raw[1:]).hex() != hash_hex:
        raise CheckpointError("mã băm khoá không khớp khoá xác minh")
    return name, bytes.fromhex(hash_hex), raw[1:]


def parse(note: str) -> tuple[Parsed, list[tuple[str, bytes]]]:
    """Split a signed note into its checkpoint and its (key name, signature blob) lines."""
    body, sep, signatures = note.partition("\n\n")
    if not sep:
        raise CheckpointError("thiếu dòng trống trước chữ ký")
    body += "\n"
    lines = body.split("\n")[:-1]
    if len(lines) < 3:
        raise CheckpointError("điểm kiểm tra thiếu dòng")
    try:
        size = int(lines[1])
        root = base64.b64decode(lines[2], validate=True)
    except ValueError as error:
        raise CheckpointError("số lá hoặc gốc cây không đúng định dạng") from error
    if size < 0 or lines[1] != str(size):
        raise CheckpointError("số lá không đúng định dạng")
    if len(root) != HASH_SIZE:
        raise CheckpointError("gốc cây phải dài 32 byte")
    sigs = []
    for line in signatures.split("\n"):
        if not line:
            continue
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH:
            raise CheckpointError("dòng chữ ký không đúng định dạng")
        try:
            sigs.append((parts[1], base64.b64decode(parts[2], validate=True)))
        except ValueError as error:
            raise CheckpointError("chữ ký không phải base64") from error
    return Parsed(lines[0], size, root, body), sigs


def open_note(note: str, vkey: str) -> Parsed:
    """Parse and check the signature of ``vkey``; CheckpointError when it does not hold."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    name, khash, public = parse_verifier_key(vkey)
    parsed, sigs = parse(note)
    for sig_name, blob in sigs:
        if sig_name == name and blob[:4] == khash and len(blob) == 68:
            try:
                Ed25519PublicKey.from_public_bytes(public).verify(blob[4:], parsed.body.encode())
            except InvalidSignature as error:
                raise CheckpointError("chữ ký Ed25519 không hợp lệ") from error
            return parsed
    raise CheckpointError(f"không có chữ ký của khoá {name}")


# --- the server's key ----------------------------------------------------------------------


@cache
def _private_key(path: str):
    from pathlib import Path

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    file = Path(path)
    if not file.exists():
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
        file.chmod(0o600)
    seed = base64.b64decode(file.read_text().strip())
    if len(seed) != 32:
        raise CheckpointError(f"khoá ký {path} phải là 32 byte (base64)")
    return Ed25519PrivateKey.from_private_bytes(seed)


def signing_key():
    return _private_key(str(settings.LEDGER_SIGNING_KEY_FILE))


def key_name() -> str:
    return settings.LEDGER_ORIGIN


def public_key() -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return signing_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def server_verifier_key() -> str:
    return verifier_key(key_name(), public_key())


def sign(tree_size: int, root_hash: bytes) -> str:
    """The signed note of the server's checkpoint for this tree."""
    body = body_text(settings.LEDGER_ORIGIN, tree_size, root_hash)
    name = key_name()
    blob = key_hash(name, public_key()) + signing_key().sign(body.encode())
    return f"{body}\n{DASH} {name} {base64.b64encode(blob).decode()}\n"
