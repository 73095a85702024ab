from motcua.ledger.actions import register

SUBJECT_TASK = "reform_task"
SUBJECT_PLAN = "reform_plan"
SUBJECT_RESULT = "reform_result"

TASK_CREATED = register("reform_task.created", "Giao nhiệm vụ cải cách hành chính")
TASK_STATUS_CHANGED = register("reform_task.status_changed", "Đổi trạng thái nhiệm vụ CCHC")
TASK_PROGRESS_REPORTED = register("reform_task.progress_reported", "Báo cáo tiến độ nhiệm vụ CCHC")
TASK_EVIDENCE_ADDED = register("reform_task.evidence_added", "Bổ sung minh chứng nhiệm vụ CCHC")
TASK_PERIOD_COMPLETED = register("reform_task.period_completed", "Hoàn thành kỳ nhiệm vụ CCHC")
TASK_REMINDED = register("reform_task.reminded", "Nhắc hạn nhiệm vụ CCHC")
PLAN_IMPORTED = register("reform_plan.imported", "Nhập kế hoạch khắc phục chỉ số")
RESULT_RECORDED = register("reform_result.recorded", "Ghi nhận kết quả chỉ số")
TASK_SAVED = register("reform_task.saved", "Sửa nhiệm vụ CCHC")
TASK_DELETED = register("reform_task.deleted", "Xóa nhiệm vụ CCHC")
PLAN_SAVED = register("reform_plan.saved", "Sửa kế hoạch khắc phục chỉ số")
PLAN_DELETED = register("reform_plan.deleted", "Xóa kế hoạch khắc phục chỉ số")
FRAMEWORK_SAVED = register("reform_framework.saved", "Cập nhật bộ chỉ số, tiêu chí CCHC")
FRAMEWORK_DELETED = register("reform_framework.deleted", "Xóa bộ chỉ số, tiêu chí CCHC")

SUBJECT_SELF = "reform_self"  # a yearly self-assessment (subject id: its pk)
SELF_OPENED = register("reform_self.opened", "Mở đợt tự đánh giá chỉ số CCHC")
SELF_ITEM_ASSIGNED = register("reform_self.item_assigned", "Giao đơn vị chuẩn bị tiêu chí")
SELF_ITEM_SAVED = register("reform_self.item_saved", "Ghi điểm tự đánh giá, giải trình")
SELF_EVIDENCE_ADDED = register("reform_self.evidence_added", "Thêm tài liệu kiểm chứng")
SELF_ITEM_SUBMITTED = register("reform_self.item_submitted", "Gửi tiêu chí tự đánh giá")
SELF_ITEM_RETURNED = register("reform_self.item_returned", "Trả lại tiêu chí tự đánh giá")
SELF_ITEM_ACCEPTED = register("reform_self.item_accepted", "Chấp nhận tiêu chí tự đánh giá")
SELF_CONSOLIDATED = register("reform_self.consolidated", "Tổng hợp tự đánh giá của tỉnh")
SELF_REMINDED = register("reform_self.reminded", "Nhắc hạn gửi tự đánh giá")
SELF_SURVEY_REFRESHED = register(
    "reform_self.survey_refreshed", "Cập nhật tự đánh giá SIPAS từ khảo sát của tỉnh"
)
