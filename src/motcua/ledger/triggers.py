"""Database triggers that make the ledger tables append-only (SQLite and PostgreSQL).

PostgreSQL also refuses TRUNCATE (a statement trigger, on each table and on every partition
of the partitioned event table: see ``ledger.partitions``); SQLite has no TRUNCATE.

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


TRUNCATE_TRIGGER = "ledger_no_truncate"

# the partitions of a table, for a statement on each (PL/pgSQL; no parameters)
_EACH_PARTITION = """
DO $$
DECLARE part regclass;
BEGIN
    FOR part IN SELECT inhrelid::regclass FROM pg_inherits
                 WHERE inhparent = to_regclass('{table}') LOOP
        {body}
    END LOOP;
END
$$
"""


def truncate_sql(table: str) -> list[str]:
    """PostgreSQL: refuse TRUNCATE on one table (or partition)."""
    return [
        f"DROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON {table}",
        f"CREATE TRIGGER {TRUNCATE_TRIGGER} BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()",
    ]


def _on_partitions(table: str, create: bool) -> str:
    body = f"EXECUTE format('DROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON %s', part);"
    if create:
        body += (
            f" EXECUTE format('CREATE TRIGGER {TRUNCATE_TRIGGER} BEFORE TRUNCATE ON %s "
            "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()', part);"
        )
    return _EACH_PARTITION.format(table=table, body=body)


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
            statements += truncate_sql(table)
            statements.append(_on_partitions(table, create=True))
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
        statements = []
        for table in tables:
            statements.append(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            statements.append(f"DROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON {table}")
            statements.append(_on_partitions(table, create=False))
        return statements
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
    """True when UPDATE and DELETE on ``table`` are refused by a trigger (PostgreSQL: and
    TRUNCATE, on the table and on each of its partitions)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass(%s) "
                "AND tgname = %s AND NOT tgisinternal",
                [table, f"{table}_append_only"],
            )
            if cursor.fetchone()[0] != 1:
                return False
            cursor.execute(
                "SELECT count(*) FROM (SELECT to_regclass(%s) AS rel UNION ALL "
                "SELECT inhrelid FROM pg_inherits WHERE inhparent = to_regclass(%s)) t "
                "WHERE NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = t.rel "
                "AND g.tgname = %s)",
                [table, table, TRUNCATE_TRIGGER],
            )
            return cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s)",
            list(_names(table)),
        )
        return cursor.fetchone()[0] == 2
