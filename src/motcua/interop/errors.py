"""The interoperability app's error codes (national portal synchronisation): one registry, documented in the API (docs/errors.md).

Services raise ``DomainError`` subclasses with ``code=InteropError.X``; the generic codes of
``motcua.core.errors.CoreError`` may appear too. A ``StrEnum``: the value is the stable string.
"""

from enum import StrEnum


class InteropError(StrEnum):
    INTEROP_NOT_PARKED = "interop_not_parked"  # only a parked or failed record can be sent again
    INBOUND_INVALID = (
        "interop_inbound_invalid"  # an inbound dossier lacks a field or names what we do not have
    )
    INBOUND_CONFLICT = (
        "interop_inbound_conflict"  # the same national code came again with other content
    )
    INBOUND_TOKEN = "interop_inbound_token"  # the push endpoint's token is missing or wrong
    CATALOG_UNCHANGED = "interop_catalog_unchanged"  # the national export brings no difference
    CATALOG_STALE = "interop_catalog_stale"  # the export changed since its differences were shown
    CATALOG_INVALID = (
        "interop_catalog_invalid"  # the export or the decision has errors; nothing applied
    )
    CONSENT_REQUIRED = (
        "interop_consent_required"  # looking up a citizen needs the citizen's consent
    )
    CITIZEN_UNKNOWN = "interop_citizen_unknown"  # the population database has no such ID number
    DOCUMENT_UNKNOWN = (
        "interop_document_unknown"  # the document is not among the citizen's digitized ones
    )
