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
