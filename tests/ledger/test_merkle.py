"""The Merkle tree is RFC 9162's, inclusion proofs verify, and tampered proofs do not."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from motcua.ledger import merkle


def _reference_root(leaves: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1, literally: MTH(D[n]) with k the largest power of two below n."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return merkle.node_hash(_reference_root(leaves[:k]), _reference_root(leaves[k:]))


def _hashes(n: int) -> list[str]:
    return [hashlib.sha256(str(i).encode()).hexdigest() for i in range(n)]


@given(st.integers(min_value=0, max_value=70))
def test_streaming_root_equals_the_rfc_definition(n):
    hashes = _hashes(n)
    expected = _reference_root([merkle.leaf_hash(h) for h in hashes]).hex()
    assert merkle.merkle_root(hashes) == expected


@given(st.integers(min_value=1, max_value=70), st.data())
def test_every_inclusion_proof_verifies_and_a_wrong_one_does_not(n, data):
    hashes = _hashes(n)
    root = merkle.merkle_root(hashes)
    index = data.draw(st.integers(min_value=0, max_value=n - 1))
    path = merkle.audit_paths(hashes, [index])[index]
    assert merkle.verify_inclusion(hashes[index], index, n, path, root)
    other = hashlib.sha256(b"forged").hexdigest()
    assert not merkle.verify_inclusion(other, index, n, path, root)
    if n > 1:
        assert not merkle.verify_inclusion(hashes[index], (index + 1) % n, n, path, root)
