"""Merkle trees of RFC 9162 (Certificate Transparency v2): one day's tree (daily roots) and
the one append-only tree over every sealed event (signed checkpoints).

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
    """SHA-256(0x00 || the event's 32-byte hash)."""
    if len(event_hash_hex) != 64:
        raise ValueError("an event hash must be 64 hex digits")
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


# --- one append-only tree over every sealed event (RFC 9162 §2.1) -------------------------
#
# The functions below work on any tree given as ``subtree(start, end) -> bytes``, the hash
# MTH(D[start:end]) of a range of leaves; in memory (``ListTree``) or from the database
# (``ledger.tree.StoredTree``). Every hash is 32 bytes; anything else is refused.

HASH_SIZE = 32


def _check(digest: bytes) -> bytes:
    if not isinstance(digest, bytes | bytearray) or len(digest) != HASH_SIZE:
        raise ValueError("a hash must be 32 bytes")
    return bytes(digest)


def from_hex(value: str) -> bytes:
    """Hex text to a 32-byte hash; ValueError otherwise."""
    if not isinstance(value, str) or len(value) != 2 * HASH_SIZE:
        raise ValueError("a hash must be 64 hex digits")
    return bytes.fromhex(value)


def split_point(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def mth(leaf_hashes: list[bytes]) -> bytes:
    """MTH over already hashed leaves (stack form of RFC 9162 §2.1.1)."""
    if not leaf_hashes:
        return hashlib.sha256(b"").digest()
    stack: list[tuple[int, bytes]] = []
    for digest in leaf_hashes:
        size = 1
        while stack and stack[-1][0] == size:
            left_size, left = stack.pop()
            size, digest = left_size + size, node_hash(left, digest)
        stack.append((size, digest))
    digest = stack[-1][1]
    for _, left in reversed(stack[:-1]):
        digest = node_hash(left, digest)
    return digest


def mth_of_nodes(nodes: list[bytes]) -> bytes:
    """Root of a perfect tree whose nodes at some level are given (a power of two of them)."""
    level = list(nodes)
    while len(level) > 1:
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


class ListTree:
    """A tree held in memory: leaf hashes (already ``leaf_hash``-ed) in order."""

    def __init__(self, leaf_hashes: list[bytes]) -> None:
        self.leaves = [_check(h) for h in leaf_hashes]

    def subtree(self, start: int, end: int) -> bytes:
        return mth(self.leaves[start:end])


def inclusion_path(tree, index: int, size: int) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1, bottom-up."""
    if not 0 <= index < size:
        raise ValueError("leaf index outside the tree")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            path.append(tree.subtree(start + k, end))
            end = start + k
        else:
            path.append(tree.subtree(start, start + k))
            start += k
    path.reverse()
    return path


def consistency_path(tree, first: int, second: int) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1; empty when m = 0 or m = n."""
    if not 0 <= first <= second:
        raise ValueError("the first tree must not be larger than the second")
    if first == 0 or first == second:
        return []
    path: list[bytes] = []
    start, end, m, complete = 0, second, first, True
    while True:
        n = end - start
        if m == n:
            if not complete:
                path.append(tree.subtree(start, end))
            break
        k = split_point(n)
        if m <= k:
            path.append(tree.subtree(start + k, end))
            end = start + k
        else:
            path.append(tree.subtree(start, start + k))
            start, m, complete = start + k, m - k, False
    path.reverse()
    return path


def root_from_inclusion(leaf: bytes, index: int, size: int, path: list[bytes]) -> bytes | None:
    """RFC 9162 §2.1.3.2: the root the path leads to, or None if the path is malformed."""
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, _check(leaf)
    for p in path:
        _check(p)
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, path: list[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2."""
    _check(first_root)
    _check(second_root)
    for p in path:
        _check(p)
    if not 0 <= first <= second:
        return False
    if first == second:
        return not path and first_root == second_root
    if first == 0:
        return not path and first_root == hashlib.sha256(b"").digest()
    if not path:
        return False
    if first & (first - 1) == 0:  # an exact power of two: the first root is a node of the path
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
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_root and sr == second_root
