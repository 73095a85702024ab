"""Event action codes of the interop history (registered in the ledger's registry)."""

from motcua.ledger.actions import register

SUBJECT = "interop"

SYNC_RUN = register("interop.sync_run", "Đồng bộ trạng thái hồ sơ lên Cổng DVC quốc gia")
RESENT = register("interop.resent", "Gửi lại bản ghi đồng bộ")
RECONCILED = register("interop.reconciled", "Đối soát với Cổng DVC quốc gia")
INBOUND_TAKEN = register("interop.inbound_taken", "Nhận hồ sơ nộp trên Cổng DVC quốc gia")
INBOUND_REFUSED = register(
    "interop.inbound_refused", "Không nhận được hồ sơ nộp trên Cổng DVC quốc gia"
)
CATALOG_APPLIED = register(
    "interop.catalog_applied", "Áp dụng danh mục TTHC từ CSDL quốc gia (quyết định công bố)"
)
IDENTITY_CHECKED = register(
    "interop.identity_checked", "Tra cứu CSDL quốc gia về dân cư (có sự đồng ý của công dân)"
)
DOCUMENTS_REUSED = register(
    "interop.documents_reused", "Tái sử dụng giấy tờ đã số hóa khi tiếp nhận hồ sơ"
)
