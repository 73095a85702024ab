"""The surveys app's error codes (ratings, SIPAS survey forms): one registry, documented in the API (docs/errors.md).

Services raise ``DomainError`` subclasses with ``code=SurveysError.X``; the generic codes of
``motcua.core.errors.CoreError`` may appear too. A ``StrEnum``: the value is the stable string.
"""

from enum import StrEnum


class SurveysError(StrEnum):
    CAMPAIGN_NOT_FOUND = "campaign_not_found"  # no survey campaign with this id (404)
    CAMPAIGN_INPUT = "campaign_input"  # a campaign's period, units or margin is not valid
    INVITATION_EXPIRED = "invitation_expired"  # the invitation link is past its date (410)
    INVITATION_UNKNOWN = "invitation_unknown"  # no invitation with this code (404)
    INVITATION_USED = "invitation_used"  # the invitation was already answered (409)
    QUESTIONNAIRE_MISSING = "questionnaire_missing"  # no rating questionnaire in force (404)
    RATING_EXISTS = "rating_exists"  # the dossier is already rated (409)
    RATING_INCOMPLETE = "rating_incomplete"  # an indicator is unanswered or unknown
    RATING_NOT_RETURNED = "rating_not_returned"  # the dossier's result is not returned yet
    RATING_OVERALL = "rating_overall"  # the overall rating is not one of its three levels
    RATING_POINTS = "rating_points"  # an indicator's points are not one of its choices
    # an answer that is not one of the question's choices
    SURVEY_ANSWER_INVALID = "survey_answer_invalid"
    SURVEY_ANSWER_MISSING = "survey_answer_missing"  # a required question is unanswered
    SURVEY_ANSWER_UNKNOWN = "survey_answer_unknown"  # an answer to a question not in the form
    SURVEY_CHANNEL = "survey_channel"  # an unknown survey channel
    SURVEY_FORM_EXPIRED = "survey_form_expired"  # the survey form is no longer in force
    SURVEY_FORM_FROZEN = "survey_form_frozen"  # a form with responses cannot be changed
    SURVEY_FORMULA = "survey_formula"  # an index formula the index cannot apply
    SURVEY_FORM_MISSING = "survey_form_missing"  # no survey form in force (404)
    SURVEY_FORM_NOT_LATEST = "survey_form_not_latest"  # a new version made from an older one
    SURVEY_PERIOD = "survey_period"  # the form's period of application is not valid
    SURVEY_UNIT = "survey_unit"  # no active unit with this code
    SURVEY_UNIT_INACTIVE = "survey_unit_inactive"  # the surveyed unit no longer exists
    UNIT_NOT_FOUND = "unit_not_found"  # no unit with this code (404)
    XLSFORM_INVALID = "xlsform_invalid"  # an XLSForm workbook that cannot be read as a survey
