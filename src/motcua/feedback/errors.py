"""The feedback app's error codes: one registry, documented in the API.

Every domain error the feedback services, pages, JSON API and Open311 raise carries one of
these codes (the ``code`` of the JSON error body; Open311 answers with its own error list);
the generic codes of ``motcua.core.errors`` (``invalid_input``, ``not_found``,
``permission_denied``, ``conflict``, ``transition_not_allowed``) may appear too. A ``StrEnum``:
the value is the stable string.
"""

from enum import StrEnum


class FeedbackError(StrEnum):
    ACTION_NOT_FOUND = "action_not_found"  # no such action in the allowed-actions table (404)
    ALREADY_RATED = "already_rated"  # the round's answer was rated already (409)
    ANSWER_NOT_FOUND = "answer_not_found"  # no approved answer in that round (404)
    API_KEY_INVALID = "api_key_invalid"  # an Open311 key unknown or revoked (403)
    CHANNEL_INVALID = "channel_invalid"  # not one of the intake channels
    CLASSIFICATION_UNCHANGED = "classification_unchanged"  # a correction that changes nothing
    CODE_COLLISION = "code_collision"  # no free feedback code after five tries (409)
    CONTENT_REQUIRED = "content_required"  # no title or no content
    CONTENT_TOO_LONG = "content_too_long"  # title over 255 or content over 20.000 characters
    COORDINATE_INVALID = "coordinate_invalid"  # a latitude/longitude not a number or out of range
    FEEDBACK_NOT_FOUND = "feedback_not_found"  # no feedback with this code (404)
    FIELD_NOT_FOUND = "field_not_found"  # no field (lĩnh vực) with this code or id
    FILE_EMPTY = "file_empty"  # an empty upload
    FILE_NOT_FOUND = "file_not_found"  # no such attachment on this item (404)
    FILE_TOO_LARGE = "file_too_large"  # an upload over the size limit
    FILE_TYPE = "file_type"  # an upload that is not a valid JPEG, PNG or PDF by its content
    GROUP_INVALID = "group_invalid"  # statistics grouped by neither unit nor field
    MEDIA_URL_INVALID = "media_url_invalid"  # an Open311 media_url that is not an https URL
    MERGE_SELF = "merge_self"  # an item merged into itself
    MERGE_TARGET_CLOSED = "merge_target_closed"  # the original is closed or merged itself
    NO_RECEIVING_UNIT = "no_receiving_unit"  # no service centre nor province unit exists
    NOT_SENDER = "not_sender"  # a sender's action by someone else (403)
    NOT_YOUR_UNIT = "not_your_unit"  # the officer holds no role at the item's units (403)
    OFFICER_ACTION = "officer_action"  # an officer's action asked from the public page (403)
    ORGANIZATION_REQUIRED = "organization_required"  # an Open311 key without organization
    ORIGINAL_NOT_FOUND = "original_not_found"  # merge into a code that does not exist (404)
    PHONE_INVALID = "phone_invalid"  # a sender's phone number not 9–15 digits
    PROCEDURE_NOT_FOUND = "procedure_not_found"  # no procedure with this code
    RANGE_REVERSED = "range_reversed"  # a statistics period ending before it starts
    RATE_LIMITED = "rate_limited"  # too many submissions from one client or key (429)
    RATING_INVALID = "rating_invalid"  # a rating not in 1–5
    RECEIPT_NOT_FOUND = "receipt_not_found"  # a receipt asked by someone who did not send it
    REOPEN_EXPIRED = "reopen_expired"  # reopening asked after the reopen window (409)
    SENDER_REQUIRED = "sender_required"  # no name, phone or address (Decree 20/2008)
    TOO_MANY_FILES = "too_many_files"  # more than 5 attachments
    TRACK_MISMATCH = "track_mismatch"  # code and last phone digits do not match (403)
    TRANSFER_DESTINATION = "transfer_destination"  # neither or both of unit and outside body
    TRANSFER_NOT_FOUND = "transfer_not_found"  # no such transfer on this item (404)
    TRANSFER_SAME_UNIT = "transfer_same_unit"  # transferred to the unit holding it
    UNIT_INACTIVE = "unit_inactive"  # a unit that no longer exists on that day
    UNIT_NOT_FOUND = "unit_not_found"  # no unit with this id (404)
    UNIT_REQUIRED = "unit_required"  # an office intake without receiving unit
