"""Event action codes of an import run (registered in the ledger's registry)."""

from motcua.ledger.actions import register

SUBJECT = "import_run"

STARTED = register("import.started", "Bắt đầu nhập lịch sử hồ sơ")
BATCH = register("import.batch", "Nhập một lô hồ sơ lịch sử")
FINISHED = register("import.finished", "Hoàn tất nhập lịch sử hồ sơ")
