"""The public portal's error codes (citizen accounts, online submission, tracking): one registry, documented in the API (docs/errors.md).

Services raise ``DomainError`` subclasses with ``code=PortalError.X``; the generic codes of
``motcua.core.errors.CoreError`` may appear too. A ``StrEnum``: the value is the stable string.
"""

from enum import StrEnum


class PortalError(StrEnum):
    ACCOUNT_EXISTS = "account_exists"  # an account with this e-mail or phone already exists
    # an online submission without the applicant's name
    APPLICANT_NAME_REQUIRED = "applicant_name_required"
    CITIZEN_NOT_VERIFIED = "citizen_not_verified"  # the citizen account is not verified yet (403)
    CITIZEN_REQUIRED = "citizen_required"  # only a citizen account may do this (403)
    CODE_INVALID = "code_invalid"  # a wrong or expired verification code
    COMPONENT_UNKNOWN = "component_unknown"  # a file for a component of another procedure
    CONTACT_REQUIRED = "contact_required"  # neither e-mail nor phone to send the code to
    DOSSIER_NOT_FOUND = "dossier_not_found"  # no dossier of this citizen with this code (404)
    EMAIL_INVALID = "email_invalid"  # an e-mail address that is not valid
    FILES_MISSING = "files_missing"  # a required component without its file
    # Idempotency-Key not 8–64 of [A-Za-z0-9_.:-]
    IDEMPOTENCY_KEY_INVALID = "idempotency_key_invalid"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"  # the same key with other content (409)
    IDENTITY_ERROR = "identity_error"  # the identity provider login failed
    # no identity provider with this key (404)
    IDENTITY_PROVIDER_UNKNOWN = "identity_provider_unknown"
    ID_NUMBER_INVALID = "id_number_invalid"  # neither a 12-digit personal ID nor a tax code
    ID_TOKEN_INVALID = "id_token_invalid"  # the provider's ID token is malformed or its claims fail
    ID_TOKEN_MISSING = "id_token_missing"  # the provider answered without an ID token
    ID_TOKEN_SIGNATURE = "id_token_signature"  # the ID token's signature does not verify
    LOGIN_FAILED = "login_failed"  # wrong login or password (401)
    NAME_REQUIRED = "name_required"  # an account without a full name
    NAME_TOO_LONG = "name_too_long"  # a full name over 150 characters
    # a supplement sent to a dossier that asks for none
    NOT_WAITING_FOR_SUPPLEMENT = "not_waiting_for_supplement"
    OIDC_CODE_MISSING = "oidc_code_missing"  # the provider's callback without an authorization code
    OIDC_DENIED = "oidc_denied"  # the citizen cancelled or the provider refused the login
    OIDC_HTTP = "oidc_http"  # the identity provider answered with an HTTP error
    OIDC_ISSUER_MISMATCH = "oidc_issuer_mismatch"  # the provider's metadata names another issuer
    OIDC_STATE = "oidc_state"  # an unknown or expired login flow (state)
    OIDC_UNREACHABLE = "oidc_unreachable"  # the identity provider cannot be reached
    OIDC_URL = "oidc_url"  # an identity provider address that is not https
    PASSWORD_WEAK = "password_weak"  # a password the validators refuse
    PHONE_INVALID = "phone_invalid"  # a phone number not of 10 digits starting with 0
    PHONE_REQUIRED = "phone_required"  # an online submission without the applicant's phone
    PROCEDURE_ABOLISHED = "procedure_abolished"  # the procedure is no longer active
    PROCEDURE_NOT_FOUND = "procedure_not_found"  # no procedure with this code (404)
    PROCEDURE_NOT_ONLINE = "procedure_not_online"  # the procedure is not offered online
    RESULT_NOT_RETURNED = "result_not_returned"  # the dossier's result is not returned yet (404)
    RETURN_METHOD = "return_method"  # an unknown way of receiving the result
    SUPPLEMENT_FILES_REQUIRED = "supplement_files_required"  # a supplement without files
    TOKEN_NOT_FOUND = "token_not_found"  # no such API token of this citizen (404)
    TOO_MANY_CODES = "too_many_codes"  # too many verification codes within an hour (429)
    TOO_MANY_FILES = "too_many_files"  # more files than one supplement takes
    # tracking without a code and the phone's last 4 digits
    TRACK_INPUT_INVALID = "track_input_invalid"
    TRACK_NOT_FOUND = "track_not_found"  # no dossier with this code and phone (404)
    UNIT_INVALID = "unit_invalid"  # a receiving unit that does not take the procedure
