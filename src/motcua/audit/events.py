"""Event action codes of the audit app (registered in the ledger's registry)."""

from motcua.ledger.actions import register

SUBJECT = "integrity_findings"

FINDINGS_REFRESHED = register(
    "integrity.findings_refreshed", "Cập nhật danh sách dấu hiệu cập nhật khống"
)
