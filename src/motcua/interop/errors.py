"""The interoperability app's error codes (national portal synchronisation): one registry, documented in the API (docs/errors.md).

Services raise ``DomainError`` subclasses with ``code=InteropError.X``; the generic codes of
``motcua.core.errors.CoreError`` may appear too. A ``StrEnum``: the value is the stable string.
"""

from enum import StrEnum


class InteropError(StrEnum):
    INTEROP_NOT_PARKED = "interop_not_parked"  # only a parked or failed record can be sent again
