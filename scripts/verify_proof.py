#!/usr/bin/env python3
"""Check a Một Cửa ledger proof without trusting the server (Python 3 standard library only).

Usage:
    python3 verify_proof.py proof.json [--roots roots.json]

proof.json  downloaded from /so-cai/ho-so/ (or POST /api/ledger/dossiers/{code}/proof)
roots.json  the daily roots as published, fetched separately (GET /api/ledger/roots), or
            saved earlier: each root in the proof must be the one that was published

Checks, for every event: its hash recomputed from its canonical content (except for an
event listing ``redacted`` fields: personal names hidden from a reader who is not an
officer of the dossier's units; such an event is still chained and checked in its root); the chain
seq 1, 2, 3 … with each prev_hash equal to the previous event's hash; its Merkle inclusion
path (RFC 9162) up to the root of its day. For every daily root: its hash recomputed from
its fields. Exit code 0 when everything holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
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
    if leaf_index < 0 or leaf_index >= tree_size:
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
    parser.add_argument("proof", help="tệp bằng chứng (JSON)")
    parser.add_argument("--roots", help="danh sách gốc ngày đã công bố (JSON), để đối chiếu")
    args = parser.parse_args(argv)
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
