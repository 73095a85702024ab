"""Merkle tree of RFC 9162 (Certificate Transparency v2), over one day's event hashes.

leaf = SHA-256(0x00 || event hash bytes), node = SHA-256(0x01 || left || right); an odd
node at the end of a level moves up unchanged, which is exactly RFC 9162's tree. The
standalone ``scripts/verify_proof.py`` repeats ``verify_inclusion`` with the standard
library only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

EMPTY_ROOT = hashlib.sha256(b"").hexdigest()


def leaf_hash(event_hash_hex: str) -> bytes:
    return hashlib.sha256(b"\x00" + bytes.fromhex(event_hash_hex)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class Accumulator:
    """Streaming root: O(log n) memory, leaves added in order."""

    __slots__ = ("count", "_stack")

    def __init__(self) -> None:
        self.count = 0
        self._stack: list[tuple[int, bytes]] = []  # perfect subtrees (size, hash), left to right

    def add(self, event_hash_hex: str) -> None:
        size, digest = 1, leaf_hash(event_hash_hex)
        stack = self._stack
        while stack and stack[-1][0] == size:
            left_size, left = stack.pop()
            size, digest = left_size + size, node_hash(left, digest)
        stack.append((size, digest))
        self.count += 1

    def root(self) -> str:
        if not self._stack:
            return EMPTY_ROOT
        digest = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            digest = node_hash(left, digest)
        return digest.hex()


def merkle_root(event_hashes: Iterable[str]) -> str:
    acc = Accumulator()
    for h in event_hashes:
        acc.add(h)
    return acc.root()


def audit_paths(event_hashes: list[str], indexes: Iterable[int]) -> dict[int, list[str]]:
    """Inclusion paths (hex, bottom-up) for the leaves at ``indexes``; one pass over the tree."""
    wanted = {i: i for i in indexes}  # original index -> position at the current level
    paths: dict[int, list[str]] = {i: [] for i in wanted}
    level = [leaf_hash(h) for h in event_hashes]
    while len(level) > 1:
        for original, pos in wanted.items():
            if pos % 2 == 1:
                paths[original].append(level[pos - 1].hex())
            elif pos + 1 < len(level):
                paths[original].append(level[pos + 1].hex())
            wanted[original] = pos // 2
        level = [
            node_hash(level[i], level[i + 1]) if i + 1 < len(level) else level[i]
            for i in range(0, len(level), 2)
        ]
    return paths


def verify_inclusion(
    event_hash_hex: str, leaf_index: int, tree_size: int, path: list[str], root_hex: str
) -> bool:
    """RFC 9162 §2.1.3.2."""
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
