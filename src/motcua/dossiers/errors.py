"""The dossier app's error codes: one registry, documented in the API.

Every domain error the dossier services, pages and API raise carries one of these codes (the
``code`` of the JSON error body); the generic codes of ``motcua.core.errors``
(``invalid_input``, ``not_found``, ``permission_denied``, ``conflict``,
``transition_not_allowed``) may appear too. A ``StrEnum``: the value is the stable string.
"""

from enum import StrEnum

from ninja import Field, Schema


class DossierError(StrEnum):
    ALREADY_ANSWERED = "already_answered"
    AMOUNT_INVALID = "amount_invalid"
    APOLOGY_TOO_LATE = "apology_too_late"
    APPLICANT_KIND = "applicant_kind"
    APPLICANT_REQUIRED = "applicant_required"
    ASSIGNEE_NOT_ELIGIBLE = "assignee_not_eligible"
    CHANNEL = "channel"
    COMPETENT_UNIT_REQUIRED = "competent_unit_required"
    COMPONENT_UNKNOWN = "component_unknown"
    CONSULTATION_NOT_FOUND = "consultation_not_found"
    CONSULT_SELF = "consult_self"
    COPY_KIND = "copy_kind"
    DOSSIER_CHANGED = "dossier_changed"
    DOSSIER_INCOMPLETE = "dossier_incomplete"
    DOSSIER_NOT_FOUND = "dossier_not_found"
    FEE_NEGATIVE = "fee_negative"
    FILE_NOT_FOUND = "file_not_found"
    FORM_NOT_AVAILABLE = "form_not_available"
    FORM_UNKNOWN = "form_unknown"
    GROUP_BY_INVALID = "group_by_invalid"
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    ITEMS_REQUIRED = "items_required"
    LAST_STEP = "last_step"
    LATE_ENTRY_BEFORE_RECEIPT = "late_entry_before_receipt"
    LATE_ENTRY_DESCRIPTION_REQUIRED = "late_entry_description_required"
    LATE_ENTRY_NOT_IN_PAST = "late_entry_not_in_past"
    LATE_ENTRY_REASON_REQUIRED = "late_entry_reason_required"
    NAIVE_DATETIME = "naive_datetime"
    NEW_DUE_INVALID = "new_due_invalid"
    NEW_DUE_TOO_FAR = "new_due_too_far"
    NO_DUE_DATE = "no_due_date"
    NO_RULE_SET = "no_rule_set"
    OPINION_REQUIRED = "opinion_required"
    POSTAL_TRACKING_REQUIRED = "postal_tracking_required"
    PROCEDURE_ABOLISHED = "procedure_abolished"
    PROCEDURE_NOT_FOUND = "procedure_not_found"
    QUANTITY_INVALID = "quantity_invalid"
    QUESTION_REQUIRED = "question_required"
    REAPPOINTMENT_ONCE = "reappointment_once"
    REASON_REQUIRED = "reason_required"
    RECEIVED_BY_REQUIRED = "received_by_required"
    RESULT_INCOMPLETE = "result_incomplete"
    RETURN_METHOD = "return_method"
    STEP_INVALID = "step_invalid"
    SUPPLEMENT_FILES_REQUIRED = "supplement_files_required"
    SUPPLEMENT_ONCE = "supplement_once"
    UNIT_NOT_COMPETENT = "unit_not_competent"
    UNIT_NOT_FOUND = "unit_not_found"
    UNIT_REQUIRED = "unit_required"
    UNIT_WITHOUT_ELECTRONIC_ID = "unit_without_electronic_id"
    USER_NOT_FOUND = "user_not_found"


GENERIC_CODES = (
    "invalid_input",
    "not_found",
    "permission_denied",
    "conflict",
    "transition_not_allowed",
    "unauthenticated",
)


class DossierErrorOut(Schema):
    """The body of every dossier API error: a stable code and a Vietnamese message."""

    code: str = Field(
        ...,
        description="Mã lỗi ổn định: "
        + ", ".join(f"`{c}`" for c in (*GENERIC_CODES, *(e.value for e in DossierError))),
    )
    message: str = Field(..., description="Thông báo tiếng Việt")
    details: dict | None = None


#: What a dossier endpoint may answer besides its success (declared in the OpenAPI).
ERROR_RESPONSES = dict.fromkeys((400, 401, 403, 404, 409), DossierErrorOut)
