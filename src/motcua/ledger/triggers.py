"""Database triggers that make the ledger tables append-only (SQLite and PostgreSQL).

Created by migrations. A database administrator can still drop them; ``verify`` is what
proves the history intact, the triggers stop accidents and application-level tampering.
"""

from __future__ import annotations

APPEND_ONLY_TABLES = (
    "ledger_event",
    "ledger_seal",
    "ledger_dailyroot",
    "ledger_treetile",
    "ledger_checkpoint",
)

MESSAGE = "Sổ cái chỉ được ghi thêm: không được sửa hoặc xoá (append-only)"

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}: % %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;
"""


def _names(table: str) -> tuple[str, str]:
    return f"{table}_no_update", f"{table}_no_delete"


def install_sql(vendor: str, tables: tuple[str, ...] = APPEND_ONLY_TABLES) -> list[str]:
    statements: list[str] = []
    if vendor == "postgresql":
        statements.append(_PG_FUNCTION)
        for table in tables:
            name = f"{table}_append_only"
            statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            statements.append(
                f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()"
            )
    elif vendor == "sqlite":
        for table in tables:
            no_update, no_delete = _names(table)
            for name, op in ((no_update, "UPDATE"), (no_delete, "DELETE")):
                statements.append(
                    f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {op} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: {op} {table}'); END"
                )
    else:  # pragma: no cover - other databases are not supported
        raise NotImplementedError(f"append-only triggers for {vendor}")
    return statements


def drop_sql(vendor: str, tables: tuple[str, ...] = APPEND_ONLY_TABLES) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}" for table in tables]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for table in tables for name in _names(table)]
    raise NotImplementedError(f"append-only triggers for {vendor}")  # pragma: no cover


def install(connection, tables: tuple[str, ...] = APPEND_ONLY_TABLES) -> None:
    with connection.cursor() as cursor:
        for sql in install_sql(connection.vendor, tables):
            cursor.execute(sql)


def drop(connection, tables: tuple[str, ...] = APPEND_ONLY_TABLES) -> None:
    with connection.cursor() as cursor:
        for sql in drop_sql(connection.vendor, tables):
            cursor.execute(sql)


def active(connection, table: str = "ledger_event") -> bool:
    """True when both UPDATE and DELETE on ``table`` are refused by a trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname = %s AND NOT tgisinternal",
                [f"{table}_append_only"],
            )
            return cursor.fetchone()[0] == 1
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s)",
            list(_names(table)),
        )
        return cursor.fetchone()[0] == 2
