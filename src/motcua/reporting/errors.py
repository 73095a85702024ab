"""The reporting app's error codes: one registry, documented in the API.

Every domain error the reporting services, selectors, pages and API raise carries one of these
codes (the ``code`` of the JSON error body); the generic codes of ``motcua.core.errors``
(``invalid_input``, ``not_found``, ``permission_denied``, ``conflict``) and the period codes
of ``motcua.core.periods`` (``period_invalid``, ``date_invalid``) may appear too. A
``StrEnum``: the value is the stable string.
"""

from enum import StrEnum

from motcua.core.error_codes import error_responses, error_schema


class ReportingError(StrEnum):
    CORRECTION_REASON_REQUIRED = "correction_reason_required"  # a correction without a reason
    CRITERION_NO_DATA = "criterion_no_data"  # what-if on a 766 criterion without data
    CRITERION_NOT_FOUND = "criterion_not_found"  # no such 766 criterion in the rule set
    DATASET_INVALID = "dataset_invalid"  # not thong-ke, chi-tieu or chi-so-766 (API)
    DATASET_NOT_FOUND = "dataset_not_found"  # no such open dataset or format (page, 404)
    DATE_INVALID = "date_invalid"  # a date not in YYYY-MM-DD
    DIRECTION_INVALID = "direction_invalid"  # neither higher nor lower is better
    DRILLDOWN_UNAVAILABLE = "drilldown_unavailable"  # the indicator is not counted from dossiers
    FIELD_NOT_FOUND = "field_not_found"  # no field with this code (404)
    FORMAT_NOT_FOUND = "format_not_found"  # an export other than Word, Excel or PDF (404)
    FORMULA_UNKNOWN = "formula_unknown"  # not a registered formula
    FREQUENCY_INVALID = "frequency_invalid"  # a report frequency not quarter, half or year
    GROUP_BY = "group_by"  # public statistics grouped by neither unit nor field
    INDEX_RULES_MISSING = "index_rules_missing"  # no 766 rule set in force (404)
    INDICATOR_NOT_FOUND = "indicator_not_found"  # no indicator with this code (404)
    LEADERS_ONLY = "leaders_only"  # not a leader, reform officer, inspector or admin (403)
    LEVEL_INVALID = "level_invalid"  # not province/district/commune, or not the indicator's
    NO_TEMPLATES = "no_templates"  # no periodic report template yet
    NUMBER_INVALID = "number_invalid"  # a value that is not a number
    PART_INVALID = "part_invalid"  # a drill-down part not num, rest or all
    PERCENT_OUT_OF_RANGE = "percent_out_of_range"  # a percentage outside 0–100
    PERIOD_INVALID = "period_invalid"  # a report period that cannot be read
    RATE_INVALID = "rate_invalid"  # a what-if rate not a number in 0–100
    RATE_LIMITED = "rate_limited"  # too many open-data downloads this minute (429)
    REPORT_ALREADY_SUBMITTED = "report_already_submitted"  # submitted twice (409)
    REPORT_INCOMPLETE = "report_incomplete"  # a text section is empty at submission
    REPORT_NOT_DRAFT = "report_not_draft"  # editing a submitted report (409)
    REPORT_NOT_FOUND = "report_not_found"  # no report with this id (404)
    REPORT_NOT_SUBMITTED = "report_not_submitted"  # correcting what is not the current sent one
    REPORT_PERIOD_INVALID = "report_period_invalid"  # a start that is not the template's period
    REPORT_TEMPLATE_NOT_FOUND = "report_template_not_found"  # no template with this code (404)
    REPORT_UNIT_DENIED = "report_unit_denied"  # not a leader or reform officer of the unit (403)
    REPORTING_MANAGE_DENIED = "reporting_manage_denied"  # not the province office (403)
    SECTION_UNKNOWN = "section_unknown"  # narrative for a section the template lacks
    TARGET_SOURCE_REQUIRED = "target_source_required"  # a target without its legal source
    TEMPLATE_INACTIVE = "template_inactive"  # the report template is no longer used
    TEXT_TOO_LONG = "text_too_long"  # a narrative section over the limit
    THRESHOLD_INVALID = "threshold_invalid"  # a 766 threshold not in (0, 1]
    UNIT_NOT_EXPECTED = "unit_not_expected"  # the unit's kind does not send this report
    UNIT_NOT_FOUND = "unit_not_found"  # no unit with this code (404)
    UNIT_REQUIRED = "unit_required"  # no reporting unit chosen
    YEAR_INVALID = "year_invalid"  # a target year out of range


#: The body of every reporting API error (a stable code and a Vietnamese message), and what a
#: reporting endpoint may answer besides its success (declared in the OpenAPI).
ReportingErrorOut = error_schema(ReportingError)
ERROR_RESPONSES = error_responses(ReportingError)
