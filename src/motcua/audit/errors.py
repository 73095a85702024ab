"""The audit app's error codes: one registry (proofs and integrity findings).

Every domain error the audit pages and API raise carries one of these codes (the ``code`` of
the JSON error body); the generic codes of ``motcua.core.errors`` (``invalid_input``,
``not_found``, ``permission_denied``) may appear too. A ``StrEnum``: the value is the stable
string.
"""

from enum import StrEnum


class AuditError(StrEnum):
    DATE_INVALID = "date_invalid"  # a date filter not in dd/mm/yyyy (Excel export)
    DATE_RANGE_INVALID = "date_range_invalid"  # the start date after the end date
    FINDING_KIND_INVALID = "finding_kind_invalid"  # not one of the kinds of finding
    # no such dossier, or the phone digits do not match its applicant (404)
    PROOF_NOT_FOUND = "proof_not_found"
    UNIT_NOT_FOUND = "unit_not_found"  # no unit with this code (findings filter)
