"""Event action codes of the payment history (subject_type="payment", subject_id=order ref)."""

from motcua.ledger.actions import register

SUBJECT = "payment"

CREATED = register("payment.created", "Tạo giao dịch thanh toán trực tuyến")
PAID = register("payment.paid", "Thanh toán thành công, cấp biên lai")
FAILED = register("payment.failed", "Thanh toán không thành công")
DOSSIER_UPDATED = register("payment.dossier_updated", "Cập nhật nghĩa vụ tài chính của hồ sơ")
DOSSIER_PENDING = register("payment.dossier_pending", "Chờ đối soát: chưa cập nhật được vào hồ sơ")
