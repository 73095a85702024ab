from motcua.ledger.actions import register

CATALOG_IMPORTED = register("catalog.imported", "Nhập danh mục TTHC từ Excel")
PROCEDURE_SAVED = register("procedure.saved", "Cập nhật thủ tục hành chính")
PROCESS_APPROVED = register("procedure.process_approved", "Phê duyệt quy trình nội bộ")
PROCEDURE_DELETED = register("procedure.deleted", "Xóa thủ tục hành chính")
PROCESS_SAVED = register("procedure.process_saved", "Sửa quy trình nội bộ chưa sử dụng")
PROCESS_DELETED = register("procedure.process_deleted", "Xóa quy trình nội bộ chưa sử dụng")
PROCESS_WITHDRAWN = register("procedure.process_withdrawn", "Ngừng áp dụng quy trình nội bộ")
PROCESS_RESTORED = register("procedure.process_restored", "Áp dụng lại quy trình nội bộ")
FIELD_SAVED = register("catalog.field_saved", "Cập nhật lĩnh vực")
FIELD_DELETED = register("catalog.field_deleted", "Xóa lĩnh vực")
DECISION_SAVED = register("catalog.decision_saved", "Cập nhật quyết định công bố")
DECISION_DELETED = register("catalog.decision_deleted", "Xóa quyết định công bố")
