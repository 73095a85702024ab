"""The process-insights app's error codes: one registry, documented in the API (docs/errors.md).

This app raises only the generic codes of ``motcua.core.errors.CoreError`` today;
a code of its own goes here.
"""

from enum import StrEnum


class InsightsError(StrEnum):
    """No code of its own yet."""
