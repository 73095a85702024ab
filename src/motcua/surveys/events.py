"""Event action codes of satisfaction ratings (subject_type="rating", subject_id=dossier code)."""

from motcua.ledger.actions import register

SUBJECT = "rating"

SUBMITTED = register("rating.submitted", "Người nộp đánh giá mức độ hài lòng")
QUESTIONNAIRE_SAVED = register("questionnaire.saved", "Cập nhật bộ câu hỏi đánh giá hài lòng")
QUESTIONNAIRE_DELETED = register("questionnaire.deleted", "Xóa bộ câu hỏi đánh giá hài lòng")
