"""Event action codes of the dossier history (registered in the ledger's registry)."""

from motcua.ledger.actions import register

SUBJECT = "dossier"

SUBMITTED = register("dossier.submitted", "Nộp hồ sơ trực tuyến")
RECEIVED = register("dossier.received", "Tiếp nhận hồ sơ")
ACCEPTED = register("dossier.accepted", "Tiếp nhận hồ sơ trực tuyến")
COMPLETION_REQUESTED = register(
    "dossier.completion_requested", "Hướng dẫn hoàn thiện hồ sơ tại tiếp nhận"
)
INTAKE_REFUSED = register("dossier.intake_refused", "Từ chối tiếp nhận hồ sơ")
TRANSFERRED = register("dossier.transferred", "Chuyển hồ sơ xử lý")
ASSIGNED = register("dossier.assigned", "Phân công xử lý")
SELF_ASSIGNED = register("dossier.self_assigned", "Cán bộ nhận xử lý")
STEP_COMPLETED = register("dossier.step_completed", "Hoàn thành bước xử lý")
SENT_BACK = register("dossier.sent_back", "Trả lại bước trước")
CONSULTED = register("dossier.consulted", "Lấy ý kiến liên thông")
OPINION_RECORDED = register("dossier.opinion_recorded", "Đơn vị liên thông trả lời")
SUPPLEMENT_REQUESTED = register("dossier.supplement_requested", "Yêu cầu bổ sung hồ sơ")
SUPPLEMENT_RECEIVED = register("dossier.supplement_received", "Nhận hồ sơ bổ sung")
PAYMENT_REQUESTED = register("dossier.payment_requested", "Yêu cầu thực hiện nghĩa vụ tài chính")
PAYMENT_RECORDED = register("dossier.payment_recorded", "Đã thực hiện nghĩa vụ tài chính")
APPROVED = register("dossier.approved", "Phê duyệt, ban hành kết quả")
REFUSED = register("dossier.refused", "Từ chối giải quyết")
RETURNED = register("dossier.returned", "Trả kết quả cho công dân")
WITHDRAWN = register("dossier.withdrawn", "Công dân rút hồ sơ")
STOPPED = register("dossier.stopped", "Dừng xử lý hồ sơ")
CANCELLED = register("dossier.cancelled", "Hủy hồ sơ")
APOLOGIZED = register("dossier.apologized", "Xin lỗi và hẹn lại ngày trả kết quả")
LATE_ENTRY = register("dossier.late_entry", "Nhập bù thông tin xử lý (có lý do)")
DUE_SOON_WARNED = register("dossier.due_soon_warned", "Cảnh báo sắp đến hạn")
MOVED_BY_MERGER = register(
    "dossier.moved_by_merger", "Chuyển sang đơn vị kế thừa (sáp nhập đơn vị)"
)

# Events that hand the dossier from one unit or person to another: rows of form 06.
HANDOVERS = (
    RECEIVED,
    ACCEPTED,
    TRANSFERRED,
    ASSIGNED,
    SELF_ASSIGNED,
    STEP_COMPLETED,
    SENT_BACK,
    CONSULTED,
    OPINION_RECORDED,
    SUPPLEMENT_REQUESTED,
    SUPPLEMENT_RECEIVED,
    PAYMENT_REQUESTED,
    PAYMENT_RECORDED,
    APPROVED,
    REFUSED,
    RETURNED,
)
# Events that end processing (the "end" of DOMAIN.md §4, in order of preference).
RESULT_EVENTS = (APPROVED, REFUSED)
