from motcua.ledger.actions import register

CATALOG_IMPORTED = register("catalog.imported", "Nhập danh mục TTHC từ Excel")
PROCEDURE_SAVED = register("procedure.saved", "Cập nhật thủ tục hành chính")
PROCESS_APPROVED = register("procedure.process_approved", "Phê duyệt quy trình nội bộ")
