"""Writes to the procedure catalog: the Excel import, internal process versions, admin edits.

Each service checks the actor's role and records its ledger event in its transaction.
"""

from motcua.catalog.models import TimeLimitKind
from motcua.catalog.services.editing import (
    decision_delete,
    decision_entries_save,
    decision_save,
    field_delete,
    field_save,
    procedure_delete,
    procedure_parts_save,
    procedure_refresh_search,
    procedure_save,
)
from motcua.catalog.services.exports import catalog_export, catalog_rows
from motcua.catalog.services.imports import (
    PROCEDURE_FIELDS,
    ImportResult,
    catalog_import,
    catalog_import_rows,
)
from motcua.catalog.services.jobs import catalog_export_start, catalog_import_start
from motcua.catalog.services.processes import (
    CATALOG_ROLES,
    process_approve,
    process_delete,
    process_in_use,
    process_save,
    process_steps_save,
    processes_in_use,
)

__all__ = [
    "CATALOG_ROLES",
    "PROCEDURE_FIELDS",
    "ImportResult",
    "TimeLimitKind",
    "catalog_export",
    "catalog_export_start",
    "catalog_import",
    "catalog_import_start",
    "catalog_import_rows",
    "catalog_rows",
    "decision_delete",
    "decision_entries_save",
    "decision_save",
    "field_delete",
    "field_save",
    "procedure_delete",
    "procedure_parts_save",
    "procedure_refresh_search",
    "procedure_save",
    "process_approve",
    "process_delete",
    "process_in_use",
    "process_save",
    "process_steps_save",
    "processes_in_use",
]
