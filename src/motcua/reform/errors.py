"""The reform app's error codes: one registry.

Every domain error the reform services, selectors, pages and API raise carries one of these
codes (the ``code`` of the JSON error body); the generic codes of ``motcua.core.errors``
(``invalid_input``, ``not_found``, ``permission_denied``, ``conflict``,
``transition_not_allowed``) may appear too. A ``StrEnum``: the value is the stable string.
"""

from enum import StrEnum


class ReformError(StrEnum):
    EVIDENCE_TOO_LARGE = "evidence_too_large"  # an evidence file over 20 MB
    FILE_NOT_FOUND = "file_not_found"  # no such evidence file, or not readable by the user (404)
    FRAMEWORK_MISSING = "framework_missing"  # results entered for an index with no framework
    INDEX_NOT_FOUND = "index_not_found"  # no index with this code (404)
    NODE_UNKNOWN = "node_unknown"  # a result names a criterion code not in the framework
    PLAN_FILE_TOO_LARGE = "plan_file_too_large"  # a plan workbook over 10 MB
    PLAN_FILE_UNREADABLE = "plan_file_unreadable"  # not an .xlsx workbook
    PLAN_IMPORT_INVALID = "plan_import_invalid"  # the plan preview has blocking errors
    PLAN_NOT_FOUND = "plan_not_found"  # no such plan (404)
    PROGRESS_PERCENT = "progress_percent"  # progress not a number from 0 to 100
    PROGRESS_PERIOD_INVALID = "progress_period_invalid"  # a period not of this task
    PROGRESS_TEXT_REQUIRED = "progress_text_required"  # a progress report with no text
    RANK_INVALID = "rank_invalid"  # a rank outside 1..number of provinces
    REFORM_MANAGE_DENIED = "reform_manage_denied"  # not the Department of Home Affairs (403)
    REFORM_NO_FRAMEWORK = "reform_no_framework"  # a self-assessment for an index with no framework
    REFORM_PROGRESS_DENIED = "reform_progress_denied"  # not the task's lead unit (403)
    REFORM_SELF_CLOSED = "reform_self_closed"  # the self-assessment is consolidated (409)
    REFORM_SELF_DENIED = "reform_self_denied"  # not the criterion's preparing unit (403)
    REFORM_SELF_EVIDENCE = "reform_self_evidence"  # evidence with neither file nor link
    REFORM_SELF_EXISTS = "reform_self_exists"  # the year's self-assessment is already open (409)
    REFORM_SELF_INCOMPLETE = "reform_self_incomplete"  # submitted without score or explanation
    REFORM_SELF_LINK = "reform_self_link"  # an evidence link outside the platform
    REFORM_SELF_NO_EVIDENCE = "reform_self_no_evidence"  # submitted without any evidence
    REFORM_SELF_NOT_FOUND = "reform_self_not_found"  # no such self-assessment or criterion (404)
    REFORM_SELF_NOT_SUBMITTED = "reform_self_not_submitted"  # reviewing a criterion not sent (409)
    REFORM_SELF_PENDING = "reform_self_pending"  # consolidating while criteria are not accepted
    REFORM_SELF_RETURN_REASON = "reform_self_return_reason"  # returned without a reason
    REFORM_SELF_SCORE = "reform_self_score"  # a self-assessed score that is not a number
    REFORM_SELF_SCORE_RANGE = "reform_self_score_range"  # a score outside 0..maximum
    REFORM_SELF_SUBMITTED = "reform_self_submitted"  # editing a criterion already sent (409)
    REFORM_TASK_CLOSED = "reform_task_closed"  # reporting progress on a done or stopped task
    RESULT_FILE_DUPLICATE_YEAR = "result_file_duplicate_year"  # two sheets for one index and year
    RESULT_FILE_HEADER = "result_file_header"  # a results sheet without index code or year
    RESULT_FILE_UNREADABLE = "result_file_unreadable"  # a results file that is not .xlsx
    RESULT_NOT_FOUND = "result_not_found"  # no result for this index and year (404)
    RESULT_NOT_NUMBER = "result_not_number"  # a score that is not a non-negative number
    RESULT_YEAR_INVALID = "result_year_invalid"  # a result year out of range
    SCORE_ABOVE_MAX = "score_above_max"  # a criterion score above its maximum
    SIPAS_ONLY = "sipas_only"  # a survey refresh asked of a self-assessment that is not SIPAS
    STAFF_ONLY = "staff_only"  # the reform area is for staff: citizens get 403
    STATUS_REASON_REQUIRED = "status_reason_required"  # stopping or reopening without a reason
    SURVEY_CRITERION_NOT_WEAK = "survey_criterion_not_weak"  # not under target: no task
    SURVEY_TASK_EXISTS = "survey_task_exists"  # the plan already has this remediation task
    TASK_NOT_FOUND = "task_not_found"  # no such task (404)
    TOTAL_ABOVE_MAX = "total_above_max"  # a total above the framework's maximum
    TOTAL_MISSING = "total_missing"  # neither a total nor area scores
    UNIT_NOT_FOUND = "unit_not_found"  # a filter names an unknown unit (404)
