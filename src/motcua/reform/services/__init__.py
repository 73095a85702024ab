"""Every write of the reform app: frameworks, results, plan import, task progress, reminders.

Each service runs in one transaction and records its ledger event(s) in it; permissions are
checked here, not in views. The modules follow the app's seams; this package re-exports
their public names, so ``from motcua.reform import services`` keeps working.
"""

from motcua.reform.services.config import reform_parts_save, reform_row_delete, reform_row_save
from motcua.reform.services.frameworks import (
    DATA_DIR,
    FRAMEWORK_FILES,
    LEVELS,
    framework_load,
    frameworks_load_shipped,
    result_import,
    result_record,
)
from motcua.reform.services.permissions import (
    can_manage,
    can_report,
    coordinator_units,
    lead_unit_ids,
    reporting_unit,
    require_manage,
)
from motcua.reform.services.plans import plan_import, task_create
from motcua.reform.services.reminders import (
    IMPORT_PREVIEWS,
    PREVIEW_TTL,
    import_previews_purge,
    reminder_recipients,
    reminders_send,
)
from motcua.reform.services.self_assessment import (
    can_prepare,
    self_assessment_consolidate,
    self_assessment_open,
    self_evidence_add,
    self_item_assign,
    self_item_review,
    self_item_save,
    self_item_submit,
    self_reminders_send,
    sipas_self_refresh,
)
from motcua.reform.services.survey_tasks import survey_task_propose, survey_weak_criteria
from motcua.reform.services.tasks import (
    ALLOWED_STATUS,
    MAX_EVIDENCE_BYTES,
    task_change_status,
    task_report_progress,
)

__all__ = [
    "survey_task_propose",
    "survey_weak_criteria",
    "ALLOWED_STATUS",
    "DATA_DIR",
    "FRAMEWORK_FILES",
    "IMPORT_PREVIEWS",
    "LEVELS",
    "MAX_EVIDENCE_BYTES",
    "PREVIEW_TTL",
    "can_manage",
    "can_prepare",
    "can_report",
    "coordinator_units",
    "framework_load",
    "frameworks_load_shipped",
    "import_previews_purge",
    "lead_unit_ids",
    "plan_import",
    "reminder_recipients",
    "reform_parts_save",
    "reform_row_delete",
    "reform_row_save",
    "reminders_send",
    "reporting_unit",
    "require_manage",
    "result_import",
    "result_record",
    "self_assessment_consolidate",
    "self_assessment_open",
    "self_evidence_add",
    "self_item_assign",
    "self_item_review",
    "self_item_save",
    "self_item_submit",
    "self_reminders_send",
    "sipas_self_refresh",
    "task_change_status",
    "task_create",
    "task_report_progress",
]
