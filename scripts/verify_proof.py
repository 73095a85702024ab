#!/usr/bin/env python3
"""Check a Một Cửa ledger proof without trusting the server (Python 3 standard library only).

Usage:
    python3 verify_proof.py proof.json [--roots roots.json]
    python3 verify_proof.py --key VKEY --checkpoint new.txt [--old-checkpoint old.txt
                            --consistency consistency.json] [--inclusion inclusion.json]

proof.json  downloaded from /so-cai/ho-so/ (or POST /api/ledger/dossiers/{code}/proof)
roots.json  the daily roots as published, fetched separately (GET /api/ledger/roots), or
            saved earlier: each root in the proof must be the one that was published

Checks, for every event: its hash recomputed from its canonical content (except for an
event listing ``redacted`` fields: personal names hidden from a reader who is not an
officer of the dossier's units; such an event is still chained and checked in its root); the chain
seq 1, 2, 3 … with each prev_hash equal to the previous event's hash; its Merkle inclusion
path (RFC 9162) up to the root of its day. For every daily root: its hash recomputed from
its fields. Exit code 0 when everything holds, 1 otherwise.

Global tree (docs/ledger.md §5b): ``--checkpoint`` is a signed checkpoint note (C2SP
tlog-checkpoint, the ``note`` of GET /api/ledger/checkpoints/latest), checked against the
verifier key ``--key`` (GET /api/ledger/key, saved once); ``--consistency`` is the answer of
GET /api/ledger/consistency?first=&second=, checked from ``--old-checkpoint`` (also signed)
to ``--checkpoint``; ``--inclusion`` is the answer of GET /api/ledger/inclusion?event=&size=.
Ed25519 signatures are checked with the ``cryptography`` package if it is installed, else
with the pure-Python verification of RFC 8032 §6 below.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys

FORMAT = "motcua-ledger-proof/1"


def event_hash(canonical: dict) -> str:
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def root_hash(root: dict) -> str:
    fields = {k: root[k] for k in ("day", "event_count", "merkle_root", "chain_head_event_id",
                                   "chain_head", "prev_hash")}  # fmt: skip
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def leaf_hash(event_hash_hex: str) -> bytes:
    return hashlib.sha256(b"\x00" + bytes.fromhex(event_hash_hex)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(event_hash_hex, leaf_index, tree_size, path, root_hex) -> bool:
    """RFC 9162 section 2.1.3.2."""
    if leaf_index < 0 or leaf_index >= tree_size or len(event_hash_hex) != 64:
        return False
    if len(root_hex) != 64 or any(len(p) != 64 for p in path):
        return False
    fn, sn = leaf_index, tree_size - 1
    r = leaf_hash(event_hash_hex)
    for p_hex in path:
        p = bytes.fromhex(p_hex)
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r.hex() == root_hex


# --- RFC 9162 consistency, C2SP checkpoints, Ed25519 ---------------------------------------


def _node_bytes(value: str) -> bytes:
    raw = bytes.fromhex(value)
    if len(raw) != 32:
        raise ValueError("a hash must be 32 bytes")
    return raw


def verify_consistency(first, second, first_root: bytes, second_root: bytes, path) -> bool:
    """RFC 9162 section 2.1.4.2."""
    if len(first_root) != 32 or len(second_root) != 32 or any(len(p) != 32 for p in path):
        return False
    if not 0 <= first <= second:
        return False
    if first == second:
        return not path and first_root == second_root
    if first == 0:
        return not path and first_root == hashlib.sha256(b"").digest()
    if not path:
        return False
    if first & (first - 1) == 0:
        path = [first_root, *path]
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root


# Ed25519 verification, RFC 8032 section 6 (reference code, used without `cryptography`)
_P = 2**255 - 19
_D = -121665 * pow(121666, -1, _P) % _P
_Q = 2**252 + 27742317777372353535851937790883648493
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _add(a, b):
    x = (a[1] - a[0]) * (b[1] - b[0]) % _P
    y = (a[1] + a[0]) * (b[1] + b[0]) % _P
    c = 2 * a[3] * b[3] * _D % _P
    d = 2 * a[2] * b[2] % _P
    e, f, g, h = y - x, d - c, d + c, y + x
    return (e * f, g * h, f * g, e * h)


def _mul(s, point):
    acc = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            acc = _add(acc, point)
        point, s = _add(point, point), s >> 1
    return acc


def _recover_x(y, sign):
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, -1, _P)
    if x2 % _P == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    return _P - x if (x & 1) != sign else x


def _decompress(s: bytes):
    y = int.from_bytes(s, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


_GY = 4 * pow(5, -1, _P) % _P
_GX = _recover_x(_GY, 0)
_G = (_GX, _GY, 1, _GX * _GY % _P)


def ed25519_verify_pure(public: bytes, message: bytes, signature: bytes) -> bool:
    if len(public) != 32 or len(signature) != 64:
        return False
    a, r = _decompress(public), _decompress(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _Q:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little") % _Q
    left, right = _mul(s, _G), _add(r, _mul(h, a))
    return (left[0] * right[2] - right[0] * left[2]) % _P == 0 and (
        left[1] * right[2] - right[1] * left[2]
    ) % _P == 0


def ed25519_verify(public: bytes, message: bytes, signature: bytes) -> bool:
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        return ed25519_verify_pure(public, message, signature)
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def open_checkpoint(note: str, vkey: str) -> tuple[int, bytes, str]:
    """(tree size, root, origin) of a signed checkpoint note; ValueError if not valid."""
    name, key_hash_hex, key_b64 = vkey.strip().split("+", 2)
    raw_key = base64.b64decode(key_b64, validate=True)
    if len(raw_key) != 33 or raw_key[0] != 1:
        raise ValueError("khoá xác minh không phải Ed25519")
    public = raw_key[1:]
    key_hash = hashlib.sha256(name.encode() + b"\n\x01" + public).digest()[:4]
    if key_hash.hex() != key_hash_hex:
        raise ValueError("mã băm khoá không khớp")
    body, sep, signatures = note.partition("\n\n")
    if not sep:
        raise ValueError("thiếu dòng trống trước chữ ký")
    body += "\n"
    lines = body.split("\n")
    origin, size_text, root_b64 = lines[0], lines[1], lines[2]
    size, root = int(size_text), base64.b64decode(root_b64, validate=True)
    if str(size) != size_text or size < 0 or len(root) != 32:
        raise ValueError("số lá hoặc gốc cây không đúng định dạng")
    for line in signatures.split("\n"):
        parts = line.split(" ")
        if len(parts) == 3 and parts[0] == "\u2014" and parts[1] == name:
            blob = base64.b64decode(parts[2], validate=True)
            if (
                len(blob) == 68
                and blob[:4] == key_hash
                and ed25519_verify(public, body.encode(), blob[4:])
            ):
                return size, root, origin
    raise ValueError(f"không có chữ ký hợp lệ của khoá {name}")


def check_tree(args) -> list[str]:
    """Checks of the global tree; returns the problems found (printing what holds)."""
    problems: list[str] = []
    with open(args.checkpoint, encoding="utf-8") as f:
        try:
            size, root, origin = open_checkpoint(f.read(), args.key)
        except ValueError as error:
            return [f"điểm kiểm tra {args.checkpoint}: {error}"]
    print(f"Điểm kiểm tra {origin}: {size} lá, gốc {root.hex()} — chữ ký hợp lệ")
    if args.consistency:
        if not args.old_checkpoint:
            return ["--consistency cần --old-checkpoint"]
        with open(args.old_checkpoint, encoding="utf-8") as f:
            try:
                old_size, old_root, _ = open_checkpoint(f.read(), args.key)
            except ValueError as error:
                return [f"điểm kiểm tra {args.old_checkpoint}: {error}"]
        with open(args.consistency, encoding="utf-8") as f:
            answer = json.load(f)
        try:
            path = [_node_bytes(p) for p in answer["proof"]]
        except (KeyError, ValueError):
            path = None
        if path is None or not verify_consistency(old_size, size, old_root, root, path):
            problems.append(f"cây {size} lá KHÔNG mở rộng nhất quán cây {old_size} lá")
        else:
            print(f"Cây {size} lá mở rộng nhất quán cây {old_size} lá (RFC 9162)")
    if args.inclusion:
        with open(args.inclusion, encoding="utf-8") as f:
            inc = json.load(f)
        ok = inc.get("tree_size") == size and verify_inclusion(
            inc["event_hash"], inc["leaf_index"], size, inc["audit_path"], root.hex()
        )
        if ok:
            print(f"Sự kiện #{inc.get('event_id')} là lá {inc['leaf_index']} của cây {size} lá")
        else:
            problems.append(f"sự kiện #{inc.get('event_id')} không thuộc cây {size} lá")
    return problems


def check(proof: dict, published: list | None = None) -> tuple[list[str], list[str]]:
    """Return (problems, notes)."""
    problems: list[str] = []
    notes: list[str] = []
    if proof.get("format") != FORMAT:
        return [f"định dạng không đúng: {proof.get('format')!r} (cần {FORMAT})"], notes
    roots = {}
    for root in proof.get("roots", []):
        if root_hash(root) != root["hash"]:
            problems.append(f"gốc ngày {root['day']}: băm gốc không khớp nội dung")
        roots[root["day"]] = root
    if published is not None:
        by_day = {r["day"]: r for r in published}
        for day, root in roots.items():
            other = by_day.get(day)
            if other is None:
                problems.append(f"gốc ngày {day}: không có trong danh sách gốc đã công bố")
            elif other["hash"] != root["hash"] or other["merkle_root"] != root["merkle_root"]:
                problems.append(f"gốc ngày {day}: khác với gốc đã công bố")
    prev_hash, prev_seq = "", 0
    for event in proof.get("events", []):
        c = event["canonical"]
        name = f"sự kiện thứ tự {c.get('seq')} ({c.get('action')}, {c.get('at')})"
        if event.get("redacted"):
            # fields hidden to protect personal data: the hash cannot be recomputed from the
            # text shown, but the event is still chained and included in its day's root
            hidden = ", ".join(event["redacted"])
            notes.append(f"{name}: đã ẩn {hidden}; nội dung không tính lại được băm")
        elif event_hash(c) != event["hash"]:
            problems.append(f"{name}: băm không khớp nội dung (nội dung hoặc thời điểm bị sửa)")
        if c["seq"] != prev_seq + 1:
            problems.append(f"{name}: thứ tự không liền sau {prev_seq} (thiếu hoặc chèn sự kiện)")
        if c["prev_hash"] != prev_hash:
            problems.append(f"{name}: không nối với sự kiện trước")
        prev_hash, prev_seq = event["hash"], c["seq"]
        inclusion = event.get("inclusion")
        if inclusion is None:
            notes.append(f"{name}: ngày này chưa có gốc công bố, chưa thể đối chiếu")
            continue
        root = roots.get(inclusion["day"])
        if root is None:
            problems.append(f"{name}: thiếu gốc ngày {inclusion['day']}")
            continue
        if inclusion["tree_size"] != root["event_count"]:
            problems.append(f"{name}: số sự kiện của cây khác số trong gốc ngày")
        if not verify_inclusion(event["hash"], inclusion["leaf_index"], inclusion["tree_size"],
                                inclusion["audit_path"], root["merkle_root"]):  # fmt: skip
            problems.append(f"{name}: không thuộc gốc Merkle ngày {inclusion['day']}")
    return problems, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Kiểm tra bằng chứng sổ cái Một Cửa")
    parser.add_argument("proof", nargs="?", help="tệp bằng chứng hồ sơ (JSON)")
    parser.add_argument("--roots", help="danh sách gốc ngày đã công bố (JSON), để đối chiếu")
    parser.add_argument("--key", help="khoá xác minh điểm kiểm tra (GET /api/ledger/key)")
    parser.add_argument("--checkpoint", help="điểm kiểm tra đã ký (văn bản)")
    parser.add_argument("--old-checkpoint", help="điểm kiểm tra cũ đã ký (văn bản)")
    parser.add_argument("--consistency", help="bằng chứng nhất quán (JSON)")
    parser.add_argument("--inclusion", help="bằng chứng thuộc cây toàn cục (JSON)")
    args = parser.parse_args(argv)
    if args.checkpoint:
        if not args.key:
            parser.error("--checkpoint cần --key")
        problems = check_tree(args)
        for problem in problems:
            print(f"  LỖI: {problem}")
        print("KẾT QUẢ: KHÔNG HỢP LỆ" if problems else "KẾT QUẢ: HỢP LỆ")
        if problems or not args.proof:
            return 1 if problems else 0
    if not args.proof:
        parser.error("cần tệp bằng chứng hoặc --checkpoint")
    with open(args.proof, encoding="utf-8") as f:
        proof = json.load(f)
    published = None
    if args.roots:
        with open(args.roots, encoding="utf-8") as f:
            data = json.load(f)
        published = data["items"] if isinstance(data, dict) else data
    problems, notes = check(proof, published)
    subject = proof.get("subject", {})
    events = len(proof.get("events", []))
    print(f"Đối tượng: {subject.get('type')} {subject.get('id')} — {events} sự kiện")
    history = subject.get("history") or {}
    if history.get("source") == "import":
        print(
            f"  lịch sử nhập từ hệ thống cũ: tệp {history.get('file')}, SHA-256 "
            f"{history.get('sha256')}, lần nhập {history.get('run')} (thời điểm theo hệ thống cũ)"
        )
    for note in notes:
        print(f"  lưu ý: {note}")
    if problems:
        for problem in problems:
            print(f"  LỖI: {problem}")
        print("KẾT QUẢ: KHÔNG HỢP LỆ")
        return 1
    unrooted = sum(1 for e in proof.get("events", []) if e.get("inclusion") is None)
    hidden = sum(1 for e in proof.get("events", []) if e.get("redacted"))
    checked = events - unrooted
    print(f"KẾT QUẢ: HỢP LỆ ({checked}/{events} sự kiện đối chiếu được với gốc ngày đã công bố"
          f"{f'; {hidden} sự kiện có trường được ẩn' if hidden else ''})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
