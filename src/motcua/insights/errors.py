"""The process-insights app's error codes: one registry, documented in the API (docs/errors.md)."""

from enum import StrEnum


class InsightsError(StrEnum):
    NOT_ENOUGH_HISTORY = "not_enough_history"  # too few finished dossiers to train the model
    NO_MODEL = "risk_model_missing"  # no early-warning model trained yet
