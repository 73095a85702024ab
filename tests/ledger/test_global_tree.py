"""The global tree: RFC 6962/9162 reference vectors, the stored tree (tiles), golden roots."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.ledger import merkle
from motcua.ledger.models import Event, TreeTile
from motcua.ledger.services import ledger_seal
from motcua.ledger.tree import StoredTree

# The RFC 6962 test tree used by Certificate Transparency and transparency-dev/merkle:
# leaf inputs (hex) and the roots of the trees of their first 1 … 8 leaves.
RFC6962_LEAVES = [
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]  # fmt: skip
RFC6962_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",  # empty tree
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# Known proofs of the same tree (RFC 6962 test data): inclusion of leaf 0 in the 8-leaf tree,
# and consistency of the 1-leaf tree with the 8-leaf tree (the same three nodes).
PATH_0_OF_8 = [
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
]


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _leaves() -> list[bytes]:
    return [_sha(b"\x00" + bytes.fromhex(x)) for x in RFC6962_LEAVES]


# --- an independent, literal implementation of RFC 9162 §2.1 (recursive, as written) -----


def ref_mth(d: list[bytes]) -> bytes:
    if not d:
        return _sha(b"")
    if len(d) == 1:
        return d[0]
    k = 1
    while k * 2 < len(d):
        k *= 2
    return _sha(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:]))


def ref_path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = 1
    while k * 2 < len(d):
        k *= 2
    if m < k:
        return ref_path(m, d[:k]) + [ref_mth(d[k:])]
    return ref_path(m - k, d[k:]) + [ref_mth(d[:k])]


def ref_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [ref_mth(d)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return ref_subproof(m, d[:k], b) + [ref_mth(d[k:])]
    return ref_subproof(m - k, d[k:], False) + [ref_mth(d[:k])]


def _synthetic(n: int) -> list[bytes]:
    return [_sha(b"\x00" + _sha(f"leaf-{i}".encode())) for i in range(n)]


def test_known_roots_of_the_rfc6962_tree():
    leaves = _leaves()
    for n, root in enumerate(RFC6962_ROOTS):
        assert merkle.mth(leaves[:n]).hex() == root
        assert ref_mth(leaves[:n]).hex() == root


def test_known_proofs_of_the_rfc6962_tree():
    tree = merkle.ListTree(_leaves())
    assert [p.hex() for p in merkle.inclusion_path(tree, 0, 8)] == PATH_0_OF_8
    assert [p.hex() for p in merkle.consistency_path(tree, 1, 8)] == PATH_0_OF_8
    root8 = bytes.fromhex(RFC6962_ROOTS[8])
    assert (
        merkle.root_from_inclusion(_leaves()[0], 0, 8, merkle.inclusion_path(tree, 0, 8)) == root8
    )


def test_every_proof_of_small_trees_equals_the_rfc_and_verifies():
    d = _synthetic(40)
    tree = merkle.ListTree(d)
    for n in range(1, 41):
        root = ref_mth(d[:n])
        for m in range(n):
            path = merkle.inclusion_path(tree, m, n)
            assert path == ref_path(m, d[:n])
            assert merkle.root_from_inclusion(d[m], m, n, path) == root
            assert merkle.root_from_inclusion(d[(m + 1) % n], m, n, path) != root or n == 1
        for m in range(1, n + 1):
            proof = merkle.consistency_path(tree, m, n)
            assert proof == (ref_subproof(m, d[:n], True) if m < n else [])
            assert merkle.verify_consistency(m, n, ref_mth(d[:m]), root, proof)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 300), st.data())
def test_a_tampered_consistency_proof_or_root_fails(n, data):
    d = _synthetic(n)
    m = data.draw(st.integers(1, n - 1))
    tree = merkle.ListTree(d)
    proof = merkle.consistency_path(tree, m, n)
    old, new = ref_mth(d[:m]), ref_mth(d)
    assert merkle.verify_consistency(m, n, old, new, proof)
    forged = _sha(b"forged")
    assert not merkle.verify_consistency(m, n, forged, new, proof)  # a fork of the old tree
    assert not merkle.verify_consistency(m, n, old, forged, proof)
    if proof:
        i = data.draw(st.integers(0, len(proof) - 1))
        bad = [*proof[:i], forged, *proof[i + 1 :]]
        assert not merkle.verify_consistency(m, n, old, new, bad)
        assert not merkle.verify_consistency(m, n, old, new, proof[:-1])
    assert not merkle.verify_consistency(n, m, new, old, proof)


def test_hashes_of_the_wrong_length_are_refused():
    with pytest.raises(ValueError):
        merkle.verify_consistency(1, 2, b"\x00" * 31, b"\x00" * 32, [b"\x00" * 32])
    with pytest.raises(ValueError):
        merkle.root_from_inclusion(b"\x00" * 32, 0, 2, [b"\x00" * 33])
    with pytest.raises(ValueError):
        merkle.leaf_hash("ab" * 31)
    with pytest.raises(ValueError):
        merkle.ListTree([b"short"])


# --- golden roots: frozen, they must never change (the tree is published) ----------------

GOLDEN = {
    96: "8dc5dc1f615f93998d8704e124cb240670e7eb00c7c928947ca13f535cf0cd8d",
    871: "da4733e4d249ff52655096b6f0e43223e744d7c41cf55cc6cad746d3729aef5b",
    1000: "138a2bbd0cc580afef2a898726af51e269c2e9bb016b27faed53cbb0fada5e02",
    1024: "b72c84dcafc43dd482831be8cf2c0ef419f7712844fe221aac9049050a57b12d",
}


def _event_hashes(n: int) -> list[str]:
    return [hashlib.sha256(f"motcua-{i}".encode()).hexdigest() for i in range(n)]


def test_golden_roots_in_memory():
    hashes = _event_hashes(1024)
    for n, root in GOLDEN.items():
        assert merkle.merkle_root(hashes[:n]) == root
        assert ref_mth([merkle.leaf_hash(h) for h in hashes[:n]]).hex() == root


def test_golden_roots_and_proofs_from_the_stored_tree(db):
    # given: 1,024 sealed events whose hashes are the synthetic ones (the tree reads only the
    # hashes), sealed in two runs so that a block is completed across seals
    hashes = _event_hashes(1024)
    when = dt.datetime(2026, 3, 2, 1, tzinfo=dt.UTC)

    def insert(part):
        Event.objects.bulk_create(
            Event(
                subject_type="test",
                subject_id=str(i),
                seq=1,
                action="test.changed",
                at=when,
                hash=h,
            )  # fmt: skip
            for i, h in part
        )

    insert(list(enumerate(hashes[:871])))
    ledger_seal(now=when)
    insert(list(enumerate(hashes[871:], start=871)))
    ledger_seal(now=when)
    # then
    assert TreeTile.objects.count() == 4
    stored, memory = StoredTree(), merkle.ListTree([merkle.leaf_hash(h) for h in hashes])
    for n, root in GOLDEN.items():
        assert stored.root(n).hex() == root
    for m, n in ((96, 871), (871, 1000), (1, 1024), (256, 1000), (700, 1024)):
        assert merkle.consistency_path(stored, m, n) == merkle.consistency_path(memory, m, n)
    for index in (0, 255, 256, 870, 1023):
        assert merkle.inclusion_path(stored, index, 1024) == merkle.inclusion_path(
            memory, index, 1024
        )
    event = Event.objects.order_by("id")[300]
    assert stored.leaf_index(event.pk) == 300


def test_the_worked_example_of_the_docs():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from motcua.ledger import checkpoints

    events = [hashlib.sha256(x.encode()).hexdigest() for x in "abc"]
    leaves = [merkle.leaf_hash(e) for e in events]
    tree = merkle.ListTree(leaves)
    root = merkle.mth(leaves)
    assert root.hex() == "cac3d448d4e20a2ad5eae1f500e63c2a7f9217cd14572ba7fd22e26dc1ec2648"
    assert merkle.consistency_path(tree, 2, 3) == [leaves[2]]
    assert merkle.inclusion_path(tree, 0, 3) == [leaves[1], leaves[2]]
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    name = "example.org/so-cai"
    body = checkpoints.body_text(name, 3, root)
    blob = checkpoints.key_hash(name, public) + key.sign(body.encode())
    note = f"{body}\n\u2014 {name} {base64.b64encode(blob).decode()}\n"
    docs = (Path(__file__).resolve().parents[2] / "docs" / "ledger.md").read_text()
    assert note.rstrip("\n") in docs
    vkey = checkpoints.verifier_key(name, public)
    assert vkey in docs
    assert checkpoints.open_note(note, vkey).tree_size == 3
