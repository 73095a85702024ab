"""The global tree as stored: leaves are the sealed events in id order, complete blocks of
256 leaves are kept as tiles (``TreeTile``). Proofs are computed from the tiles plus at most
one block of leaves per proof node, so their cost grows with n / 256, not n."""

from __future__ import annotations

from bisect import bisect_left

from django.db import connection

from motcua.ledger import merkle
from motcua.ledger.errors import LedgerError
from motcua.ledger.models import Checkpoint, Seal, TreeTile

BLOCK = 256
_BLOCK_BITS = 8


class StoredTree:
    """``subtree(start, end)`` over the stored tree; caches what one request reads."""

    def __init__(self) -> None:
        self._tiles: list[bytes] | None = None
        self._tile_last_ids: list[int] = []
        self._blocks: dict[int, list[bytes]] = {}

    # tiles and leaves ------------------------------------------------------------------
    def _load_tiles(self) -> list[bytes]:
        if self._tiles is None:
            rows = TreeTile.objects.order_by("index").values_list("index", "last_event_id", "hash")
            self._tiles, self._tile_last_ids = [], []
            for index, last_id, digest in rows.iterator(chunk_size=10_000):
                if index != len(self._tiles):
                    raise ValueError(f"tile {len(self._tiles)} missing")
                self._tiles.append(merkle.from_hex(digest))
                self._tile_last_ids.append(last_id)
        return self._tiles

    def block_leaves(self, block: int) -> list[bytes]:
        """Leaf hashes of block ``block`` (up to 256 of them, fewer for the last one)."""
        leaves = self._blocks.get(block)
        if leaves is None:
            self._load_tiles()
            if block > len(self._tile_last_ids):
                raise ValueError("the tree has fewer sealed events than asked")
            after = self._tile_last_ids[block - 1] if block > 0 else 0
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT e.hash FROM ledger_event e JOIN ledger_seal s ON s.event_id = e.id "
                    "WHERE e.id > %s ORDER BY e.id LIMIT %s",
                    [after, BLOCK],
                )
                leaves = [merkle.leaf_hash(h) for (h,) in cursor.fetchall()]
            self._blocks[block] = leaves
        return leaves

    def subtree(self, start: int, end: int) -> bytes:
        n = end - start
        if n <= 0:
            return merkle.mth([])
        block = start >> _BLOCK_BITS
        if n <= BLOCK and (end - 1) >> _BLOCK_BITS == block:
            leaves = self.block_leaves(block)
            offset = block << _BLOCK_BITS
            part = leaves[start - offset : end - offset]
            if len(part) != n:
                raise ValueError("the tree has fewer sealed events than asked")
            return merkle.mth(part)
        if start % BLOCK == 0 and n & (n - 1) == 0:  # a perfect subtree made of whole tiles
            tiles = self._load_tiles()
            first, last = start >> _BLOCK_BITS, end >> _BLOCK_BITS
            if last > len(tiles):
                raise ValueError("the tree has fewer sealed events than asked")
            return merkle.mth_of_nodes(tiles[first:last])
        k = merkle.split_point(n)
        return merkle.node_hash(self.subtree(start, start + k), self.subtree(start + k, end))

    def root(self, size: int) -> bytes:
        return self.subtree(0, size)

    def leaf_index(self, event_id: int) -> int | None:
        """Position of a sealed event in the tree, or None if it is not sealed."""
        if not Seal.objects.filter(event_id=event_id).exists():
            return None
        self._load_tiles()
        block = bisect_left(self._tile_last_ids, event_id)
        after = self._tile_last_ids[block - 1] if block > 0 else 0
        before = Seal.objects.filter(event_id__gt=after, event_id__lt=event_id).count()
        return (block << _BLOCK_BITS) + before


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-tree_size", "-id").first()


def tiles_extend() -> int:
    """Write the tiles of every complete block of sealed events not yet tiled (after each
    seal; on the first run after the upgrade, over all events sealed before checkpoints
    existed). Returns the tree size: the number of sealed events."""
    last = TreeTile.objects.order_by("-index").values_list("index", "last_event_id").first()
    block, after = (last[0] + 1, last[1]) if last else (0, 0)
    size = block << _BLOCK_BITS
    pending: list[bytes] = []
    tiles: list[TreeTile] = []
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            "SELECT e.id, e.hash FROM ledger_event e JOIN ledger_seal s ON s.event_id = e.id "
            "WHERE e.id > %s ORDER BY e.id",
            [after],
        )
        while rows := cursor.fetchmany(10_000):
            for event_id, digest in rows:
                pending.append(merkle.leaf_hash(digest))
                if len(pending) == BLOCK:
                    tiles.append(
                        TreeTile(
                            index=block, last_event_id=event_id, hash=merkle.mth(pending).hex()
                        )
                    )
                    block, pending, size = block + 1, [], size + BLOCK
            if len(tiles) >= 1000:
                TreeTile.objects.bulk_create(tiles)
                tiles = []
    TreeTile.objects.bulk_create(tiles)
    return size + len(pending)


# --- proofs served by the API (reads only) ---------------------------------------------------


def checkpoint_of_size(size: int) -> Checkpoint:
    from motcua.core.errors import NotFound

    cp = Checkpoint.objects.filter(tree_size=size).order_by("-id").first()
    if cp is None:
        raise NotFound(
            f"Không có điểm kiểm tra nào với {size} lá.", code=LedgerError.CHECKPOINT_NOT_FOUND
        )
    return cp


def consistency_proof(first: int, second: int) -> dict:
    """RFC 9162 consistency proof between two published checkpoints (sizes)."""
    from motcua.core.errors import InvalidInput

    if first > second:
        raise InvalidInput(
            "Điểm kiểm tra thứ nhất phải không lớn hơn điểm thứ hai.",
            code=LedgerError.CHECKPOINT_ORDER,
        )
    old, new = checkpoint_of_size(first), checkpoint_of_size(second)
    path = merkle.consistency_path(StoredTree(), first, second)
    return {
        "first": first,
        "second": second,
        "first_root": old.root_hash,
        "second_root": new.root_hash,
        "proof": [p.hex() for p in path],
    }


def inclusion_proof(event_id: int, size: int | None) -> dict:
    """RFC 9162 inclusion proof of a sealed event in the tree of a published checkpoint."""
    from motcua.core.errors import NotFound

    cp = checkpoint_of_size(size) if size is not None else latest_checkpoint()
    if cp is None:
        raise NotFound("Chưa có điểm kiểm tra nào.", code=LedgerError.CHECKPOINT_NOT_FOUND)
    stored = StoredTree()
    index = stored.leaf_index(event_id)
    if index is None or index >= cp.tree_size:
        raise NotFound(
            "Sự kiện chưa được niêm phong vào cây của điểm kiểm tra này.",
            code=LedgerError.NOT_IN_TREE,
        )
    digest = Seal.objects.filter(event_id=event_id).values_list("event__hash", flat=True).get()
    return {
        "event_id": event_id,
        "event_hash": digest,
        "leaf_index": index,
        "tree_size": cp.tree_size,
        "root_hash": cp.root_hash,
        "audit_path": [p.hex() for p in merkle.inclusion_path(stored, index, cp.tree_size)],
    }
