"""The import app's error codes (a previous system's history): one registry, documented in the API (docs/errors.md).

Services raise ``DomainError`` subclasses with ``code=ImportsError.X``; the generic codes of
``motcua.core.errors.CoreError`` may appear too. A ``StrEnum``: the value is the stable string.
"""

from enum import StrEnum


class ImportsError(StrEnum):
    # the file has errors; nothing was imported (details list them)
    IMPORT_INVALID = "import_invalid"
    # this very file (same SHA-256) was already imported in full: nothing to do
    IMPORT_ALREADY_DONE = "import_already_done"
    # the mapping file is not a JSON object of units, actions and statuses
    IMPORT_MAPPING_INVALID = "import_mapping_invalid"
    # the uploaded history is no longer stored (the job was purged)
    IMPORT_FILE_MISSING = "import_file_missing"
