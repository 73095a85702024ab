"""Event action codes of satisfaction ratings (subject_type="rating", subject_id=dossier code)."""

from motcua.ledger.actions import register

SUBJECT = "rating"

SUBMITTED = register("rating.submitted", "Người nộp đánh giá mức độ hài lòng")
QUESTIONNAIRE_SAVED = register("questionnaire.saved", "Cập nhật bộ câu hỏi đánh giá hài lòng")
QUESTIONNAIRE_DELETED = register("questionnaire.deleted", "Xóa bộ câu hỏi đánh giá hài lòng")

# SIPAS-style surveys: subject_type="survey_response" (id = answer sheet) and "survey_form"
RESPONSE_SUBJECT = "survey_response"
FORM_SUBJECT = "survey_form"
RESPONSE_RECORDED = register("survey.response_recorded", "Ghi nhận phiếu khảo sát hài lòng")
FORM_UPDATED = register("survey.form_updated", "Sửa phiếu khảo sát hài lòng")
FORM_VERSIONED = register("survey.form_versioned", "Tạo phiên bản mới của phiếu khảo sát")
FORM_IMPORTED = register("survey.form_imported", "Nhập phiếu khảo sát từ XLSForm")

# campaigns: subject_type="survey_campaign" (id = campaign)
CAMPAIGN_SUBJECT = "survey_campaign"
CAMPAIGN_CREATED = register("survey.campaign_created", "Tạo đợt khảo sát hài lòng")
CAMPAIGN_DRAWN = register("survey.campaign_drawn", "Chọn mẫu hồ sơ cho đợt khảo sát")
CAMPAIGN_SENT = register("survey.campaign_sent", "Gửi lời mời khảo sát (thư, SMS)")
CAMPAIGN_CLOSED = register("survey.campaign_closed", "Kết thúc đợt khảo sát")
