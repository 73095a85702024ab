"""The process-insights app's error codes: one registry, documented in the API (docs/errors.md)."""

from enum import StrEnum


class InsightsError(StrEnum):
    NOT_ENOUGH_HISTORY = "not_enough_history"  # too few finished dossiers to train the model
    LOG_INVALID = "log_invalid"  # an uploaded event log that cannot be read (CSV or XES)
    LOG_TOO_LARGE = "log_too_large"  # an uploaded event log over the size or event limit
    WORKSPACE_NOT_FOUND = "workspace_not_found"  # no analysis workspace with this id for you (404)
