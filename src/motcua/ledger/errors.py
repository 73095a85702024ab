"""The ledger's error codes (history, checkpoints, proofs): one registry, documented in the API (docs/errors.md).

Services raise ``DomainError`` subclasses with ``code=LedgerError.X``; the generic codes of
``motcua.core.errors.CoreError`` may appear too. A ``StrEnum``: the value is the stable string.
"""

from enum import StrEnum


class LedgerError(StrEnum):
    CHECKPOINT_NOT_FOUND = "checkpoint_not_found"  # no signed checkpoint (of this size) yet (404)
    # a consistency proof asked from a larger to a smaller tree
    CHECKPOINT_ORDER = "checkpoint_order"
    DATE_RANGE_INVALID = "date_range_invalid"  # a date range whose start is after its end
    NOT_IN_TREE = "not_in_tree"  # the event is not sealed into this checkpoint's tree yet
