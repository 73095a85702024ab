"""The interoperability app's error codes (national portal synchronisation): one registry, documented in the API (docs/errors.md).

Services raise ``DomainError`` subclasses with ``code=InteropError.X``; the generic codes of
``motcua.core.errors.CoreError`` may appear too. A ``StrEnum``: the value is the stable string.
"""

from enum import StrEnum


class InteropError(StrEnum):
    INTEROP_NOT_PARKED = "interop_not_parked"  # only a parked or failed record can be sent again
    INBOUND_INVALID = "interop_inbound_invalid"  # an inbound dossier is incomplete or unknown
    INBOUND_CONFLICT = "interop_inbound_conflict"  # same national code, other content
    INBOUND_TOKEN = "interop_inbound_token"  # the push token is missing or wrong
    CATALOG_UNCHANGED = "interop_catalog_unchanged"  # the export brings no difference
    CATALOG_STALE = "interop_catalog_stale"  # the export changed since it was shown
    CATALOG_INVALID = "interop_catalog_invalid"  # export or decision has errors; none applied
    ID_NUMBER_INVALID = "interop_id_number_invalid"  # not a 12- (or 9-) digit personal ID
    CONSENT_REQUIRED = "interop_consent_required"  # a look-up needs the citizen's consent
    CITIZEN_UNKNOWN = "interop_citizen_unknown"  # no such ID number in the population database
    DOCUMENT_UNKNOWN = "interop_document_unknown"  # not among the citizen's digitized documents
