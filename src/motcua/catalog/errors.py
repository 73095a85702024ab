"""The catalog app's error codes (the ``code`` of its domain errors); the generic codes of
``motcua.core.errors`` may appear too. A ``StrEnum``: the value is the stable string."""

from enum import StrEnum


class CatalogError(StrEnum):
    PROCEDURE_NOT_FOUND = "procedure_not_found"  # no procedure with this code (404)
    PROCESS_ALLOTMENT_MISMATCH = "process_allotment_mismatch"  # steps' hours ≠ the time limit
    PROCESS_IN_USE = "process_in_use"  # a version dossiers use cannot change (409)
    WORKBOOK_MISSING = "workbook_missing"  # an import job without its workbook
