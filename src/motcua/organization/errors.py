"""The organization app's error codes (units, roles, tokens, logins): one registry, documented in the API (docs/errors.md).

Services raise ``DomainError`` subclasses with ``code=OrganizationError.X``; the generic codes of
``motcua.core.errors.CoreError`` may appear too. A ``StrEnum``: the value is the stable string.
"""

from enum import StrEnum


class OrganizationError(StrEnum):
    LOGIN_RATE_LIMITED = "login_rate_limited"  # too many failed logins; wait (429)
    MERGE_EMPTY = "merge_empty"  # a merger without units to merge
    MERGE_INTO_SELF = "merge_into_self"  # a unit merged into itself
    MERGE_SUCCESSOR_REQUIRED = "merge_successor_required"  # a merger without its successor unit
    MERGE_UNIT_INACTIVE = "merge_unit_inactive"  # a unit in the merger has already ended
    OTP_INVALID = "otp_invalid"  # a wrong or expired second-factor code
    ROLE_DATES_INVALID = "role_dates_invalid"  # a role's end date is not after its start
    ROLE_INVALID = "role_invalid"  # an unknown role
    # the account must pass its second factor first (403)
    SECOND_FACTOR_REQUIRED = "second_factor_required"
    SUPERUSER_REQUIRED = "superuser_required"  # only a superuser may do this (403)
    TOKEN_NAME_REQUIRED = "token_name_required"  # an API token without a name
    UNIT_CODE_TAKEN = "unit_code_taken"  # a unit code already in use
    UNIT_KIND_INVALID = "unit_kind_invalid"  # an unknown kind of unit
    UNIT_NOT_FOUND = "unit_not_found"  # no unit with this code (404)
