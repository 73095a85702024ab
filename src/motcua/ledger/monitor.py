"""A checkpoint monitor, as Certificate Transparency monitors work: keep the last checkpoint
seen (a state file), fetch the newest, check its signature and that it is a consistent
extension of the one kept (RFC 9162 consistency proof). Runs anywhere with the public API;
``fetch(path)`` returns the JSON of ``/api/ledger{path}``."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from motcua.ledger import checkpoints, merkle


@dataclass
class Outcome:
    ok: bool
    message: str


def check(state_file: Path, fetch: Callable[[str], dict], vkey: str | None = None) -> Outcome:
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    vkey = vkey or state.get("verifier_key") or fetch("/key")["verifier_key"]
    if state.get("verifier_key") and state["verifier_key"] != vkey:
        return Outcome(False, "CẢNH BÁO: khoá ký của sổ cái đã đổi so với khoá đã lưu.")
    latest = fetch("/checkpoints/latest")
    try:
        new = checkpoints.open_note(latest["note"], vkey)
    except (checkpoints.CheckpointError, KeyError) as error:
        return Outcome(False, f"CẢNH BÁO: điểm kiểm tra mới nhất không hợp lệ: {error}")
    old_size = state.get("tree_size")
    if old_size is not None:
        old_root = merkle.from_hex(state["root_hash"])
        if new.tree_size < old_size:
            return Outcome(
                False,
                f"CẢNH BÁO: sổ cái bị quay lui: điểm kiểm tra mới có {new.tree_size} lá, ít hơn "
                f"{old_size} lá đã thấy trước đây.",
            )
        if new.tree_size == old_size and new.root_hash != old_root:
            return Outcome(
                False,
                f"CẢNH BÁO: sổ cái bị rẽ nhánh: hai điểm kiểm tra cùng {old_size} lá nhưng gốc "
                "khác nhau.",
            )
        if new.tree_size > old_size:
            try:
                answer = fetch(f"/consistency?first={old_size}&second={new.tree_size}")
                proof = [merkle.from_hex(p) for p in answer["proof"]]
                consistent = merkle.verify_consistency(
                    old_size, new.tree_size, old_root, new.root_hash, proof
                )
            except Exception:  # no proof served (404 …) or a malformed one: not proven
                consistent = False
            if not consistent:
                return Outcome(
                    False,
                    f"CẢNH BÁO: điểm kiểm tra {new.tree_size} lá không mở rộng nhất quán điểm "
                    f"kiểm tra {old_size} lá đã thấy (sổ cái bị viết lại hoặc rẽ nhánh).",
                )
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(
        json.dumps(
            {
                "verifier_key": vkey,
                "tree_size": new.tree_size,
                "root_hash": new.root_hash.hex(),
                "note": latest["note"],
            },
            ensure_ascii=False,
            indent=1,
        )
    )
    if old_size is None:
        return Outcome(True, f"Đã lưu điểm kiểm tra đầu tiên: {new.tree_size} lá.")
    return Outcome(
        True, f"Điểm kiểm tra {new.tree_size} lá mở rộng nhất quán điểm {old_size} lá đã thấy."
    )
