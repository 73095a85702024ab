"""Event action codes of the feedback history (registered in the ledger's registry)."""

from motcua.ledger.actions import register

SUBJECT = "feedback"

SUBMITTED = register("feedback.submitted", "Tiếp nhận phản ánh, kiến nghị")
REJECTED = register("feedback.rejected", "Từ chối tiếp nhận phản ánh")
INFO_REQUESTED = register("feedback.info_requested", "Đề nghị bổ sung thông tin")
INFO_PROVIDED = register("feedback.info_provided", "Người gửi bổ sung thông tin")
TRANSFERRED = register("feedback.transferred", "Chuyển phản ánh đến đơn vị có thẩm quyền")
TRANSFERRED_OUT = register("feedback.transferred_out", "Chuyển phản ánh đến cơ quan ngoài tỉnh")
ACCEPTED = register("feedback.accepted", "Thụ lý xử lý phản ánh")
DRAFTED = register("feedback.drafted", "Dự thảo văn bản trả lời")
SENT_BACK = register("feedback.sent_back", "Lãnh đạo trả lại dự thảo")
APPROVED = register("feedback.approved", "Lãnh đạo duyệt trả lời")
PUBLISHED = register("feedback.published", "Công khai, gửi trả lời")
MERGED = register("feedback.merged", "Gộp vào phản ánh trùng")
MERGED_IN = register("feedback.merged_in", "Nhận phản ánh trùng được gộp")
REOPENED = register("feedback.reopened", "Người gửi đề nghị xử lý lại")
RATED = register("feedback.rated", "Người gửi đánh giá câu trả lời")
RECLASSIFIED = register(
    "feedback.reclassified", "Điều chỉnh phân loại phản ánh (lĩnh vực, thủ tục)"
)
DUE_SOON_WARNED = register("feedback.due_soon_warned", "Cảnh báo phản ánh sắp đến hạn")
KEY_ISSUED = register("feedback.open311_key_issued", "Cấp khóa API Open311")
KEY_REVOKED = register("feedback.open311_key_revoked", "Thu hồi khóa API Open311")
KEY_SUBJECT = "open311_key"
