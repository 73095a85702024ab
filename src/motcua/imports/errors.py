"""The import app's error codes (a previous system's history): one registry, documented in the API (docs/errors.md).

Services raise ``DomainError`` subclasses with ``code=ImportsError.X``; the generic codes of
``motcua.core.errors.CoreError`` may appear too. A ``StrEnum``: the value is the stable string.
"""

from enum import StrEnum


class ImportsError(StrEnum):
    # the file has errors; nothing was imported (details list them)
    IMPORT_INVALID = "import_invalid"
