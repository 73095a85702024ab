"""The catalog app's error codes (procedures, internal processes): one registry, documented in the API (docs/errors.md).

Services raise ``DomainError`` subclasses with ``code=CatalogError.X``; the generic codes of
``motcua.core.errors.CoreError`` may appear too. A ``StrEnum``: the value is the stable string.
"""

from enum import StrEnum


class CatalogError(StrEnum):
    PROCEDURE_NOT_FOUND = "procedure_not_found"  # no procedure with this code (404)
    # the steps' hours do not add up to the procedure's time limit
    PROCESS_ALLOTMENT_MISMATCH = "process_allotment_mismatch"
    # a process dossiers already use cannot be changed or deleted (409)
    PROCESS_IN_USE = "process_in_use"
    WORKBOOK_MISSING = "workbook_missing"  # an import job without its workbook
