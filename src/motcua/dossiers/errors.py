"""The dossier app's error codes: one registry, documented in the API.

Every domain error the dossier services, pages and API raise carries one of these codes (the
``code`` of the JSON error body); the generic codes of ``motcua.core.errors.CoreError``
(``invalid_input``, ``not_found``, ``permission_denied``, ``conflict``,
``transition_not_allowed``…) may appear too; docs/errors.md lists them all. A ``StrEnum``: the
value is the stable string.
"""

from enum import StrEnum

from motcua.core.error_codes import error_responses, error_schema


class DossierError(StrEnum):
    ALREADY_ANSWERED = "already_answered"  # the consulted unit has already answered
    AMOUNT_INVALID = "amount_invalid"  # an amount is not > 0
    APOLOGY_TOO_LATE = "apology_too_late"  # less than one working day before the due time
    APPLICANT_KIND = "applicant_kind"  # neither person nor organization
    APPLICANT_REQUIRED = "applicant_required"  # no applicant name or ID number
    # the officer lacks the step's role at the holding unit
    ASSIGNEE_NOT_ELIGIBLE = "assignee_not_eligible"
    CHANNEL = "channel"  # an online channel given to a desk intake
    COMPETENT_UNIT_REQUIRED = "competent_unit_required"  # no competent unit can be derived
    COMPONENT_UNKNOWN = "component_unknown"  # a checklist component of another procedure
    CONSULTATION_NOT_FOUND = "consultation_not_found"  # no such consultation on this dossier
    CONSULT_SELF = "consult_self"  # the holding unit consulted itself
    COPY_KIND = "copy_kind"  # an unknown kind of copy
    DOSSIER_CHANGED = "dossier_changed"  # the version read is stale (409)
    DOSSIER_INCOMPLETE = "dossier_incomplete"  # received while components are missing (use form 02)
    DOSSIER_NOT_FOUND = "dossier_not_found"  # no dossier with this code (404)
    FEE_NEGATIVE = "fee_negative"  # a negative fee
    FILE_NOT_FOUND = "file_not_found"  # no such file on this dossier (404)
    FORM_NOT_AVAILABLE = "form_not_available"  # the history did not produce this form
    FORM_UNKNOWN = "form_unknown"  # not one of forms 01–07 (404)
    GROUP_BY_INVALID = "group_by_invalid"  # an unknown statistics grouping
    # Idempotency-Key not 8–64 of [A-Za-z0-9_.:-]
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"  # the same key with other content (409)
    ITEMS_REQUIRED = "items_required"  # a supplement request lists nothing
    LAST_STEP = "last_step"  # no step after the last one: approve or refuse
    # a late entry claims a time before receipt
    LATE_ENTRY_BEFORE_RECEIPT = "late_entry_before_receipt"
    # a late entry without content
    LATE_ENTRY_DESCRIPTION_REQUIRED = "late_entry_description_required"
    LATE_ENTRY_NOT_IN_PAST = "late_entry_not_in_past"  # a late entry claims a future time
    # a late entry's reason under 10 characters
    LATE_ENTRY_REASON_REQUIRED = "late_entry_reason_required"
    NAIVE_DATETIME = "naive_datetime"  # a time without time zone
    NEW_DUE_INVALID = "new_due_invalid"  # the apology's new time is not after the due time
    # the apology's new time is more than a year after the due time
    NEW_DUE_TOO_FAR = "new_due_too_far"
    NO_DUE_DATE = "no_due_date"  # the procedure sets no time limit
    NO_RULE_SET = "no_rule_set"  # no one-stop rule set in force on that day
    OPINION_REQUIRED = "opinion_required"  # an empty opinion
    POSTAL_TRACKING_REQUIRED = "postal_tracking_required"  # a postal intake without tracking number
    PROCEDURE_ABOLISHED = "procedure_abolished"  # the procedure is no longer active
    PROCEDURE_NOT_FOUND = "procedure_not_found"  # no procedure with this code (404)
    QUANTITY_INVALID = "quantity_invalid"  # a component's quantity not in 1–1000
    QUESTION_REQUIRED = "question_required"  # an empty consultation question
    REAPPOINTMENT_ONCE = "reappointment_once"  # a second apology
    REASON_REQUIRED = "reason_required"  # an empty reason
    RECEIVED_BY_REQUIRED = "received_by_required"  # a return without who received it
    RESULT_INCOMPLETE = "result_incomplete"  # a result without number, date, signer or file
    RETURN_METHOD = "return_method"  # an unknown return method
    STEP_INVALID = "step_invalid"  # sent back to a step that is not earlier
    SUPPLEMENT_FILES_REQUIRED = "supplement_files_required"  # an online supplement without files
    SUPPLEMENT_ONCE = "supplement_once"  # a second supplement request without a reason
    UNIT_NOT_COMPETENT = "unit_not_competent"  # transferred to a unit of the wrong kind
    UNIT_NOT_FOUND = "unit_not_found"  # no unit with this code (404)
    UNIT_REQUIRED = "unit_required"  # an intake without a receiving unit (superuser)
    # the unit has no electronic ID for codes
    UNIT_WITHOUT_ELECTRONIC_ID = "unit_without_electronic_id"
    USER_NOT_FOUND = "user_not_found"  # no active officer with this login (404)


#: The body of every dossier API error (its codes listed in the OpenAPI) and what a dossier
#: endpoint may answer besides its success.
DossierErrorOut = error_schema(DossierError)
ERROR_RESPONSES = error_responses(DossierError)
