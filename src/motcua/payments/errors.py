"""The payments app's error codes (providers, transactions): one registry, documented in the API (docs/errors.md).

Services raise ``DomainError`` subclasses with ``code=PaymentsError.X``; the generic codes of
``motcua.core.errors.CoreError`` may appear too. A ``StrEnum``: the value is the stable string.
"""

from enum import StrEnum


class PaymentsError(StrEnum):
    DOSSIER_NOT_PAYABLE = "dossier_not_payable"  # the dossier does not wait for an online payment
    NOTHING_TO_PAY = "nothing_to_pay"  # the dossier owes nothing
    PAYMENT_NOT_FOUND = "payment_not_found"  # no such transaction (404)
    PROVIDER_NOT_FOUND = "provider_not_found"  # no payment provider with this code (404)
