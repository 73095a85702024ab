"""Shared fixtures: real database, real users and units; the network stays closed."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

from motcua.organization.models import Role, StaffRole, Unit, UnitKind
from motcua.organization.services import unit_create

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in tests

FAIL_ON_SKIP = os.environ.get("MOTCUA_FAIL_ON_SKIP") == "1"


def pytest_collection_modifyitems(config, items):
    """Tests that need PostgreSQL are deselected (not skipped) on SQLite."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("postgres_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if FAIL_ON_SKIP and report.skipped and item.get_closest_marker("browser"):
        report.outcome = "failed"
        report.longrepr = f"browser test skipped in CI (MOTCUA_FAIL_ON_SKIP=1): {report.longrepr}"


def built_once(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """A folder that ``build`` fills once per test run, shared by the xdist workers.

    A session fixture runs once per worker; the costly ones (a migrated database file,
    collected static files, a generated history) are the same for every worker, so the first
    worker to ask builds them under a lock and the others wait and reuse the folder. Outside
    xdist it is a plain folder of this run."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # this run's folder, shared by its workers
    folder = base / f"once-{name}"
    with open(base / f"once-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / ".built").exists():
            shutil.rmtree(folder, ignore_errors=True)  # a build that failed half-way
            folder.mkdir()
            build(folder)
            (folder / ".built").touch()
    return folder


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """One migrated SQLite database file for the run's child processes (copy it)."""
    from tests.children import motcua, motcua_env

    def build(var: Path) -> None:
        motcua("migrate", "--noinput", env=motcua_env(var), timeout=600)

    return built_once(tmp_path_factory, "migrated-sqlite", build) / "motcua.sqlite3"


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> Path:
    """Static files collected once (as `motcua serve` does at its first start): copy this
    folder to a var/ as ``static`` so that servers started there collect nothing."""
    from tests.children import collect_static

    return built_once(tmp_path_factory, "collected-static", collect_static) / "static"


@pytest.fixture
def development(settings):
    """A development environment (what `make run` sets): the demo command may run."""
    settings.MOTCUA_ENV = "development"


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def province(db) -> Unit:
    return unit_create(
        actor=None,
        code="TINH-KT",
        name="Ủy ban nhân dân tỉnh Demo",
        kind=UnitKind.PROVINCE,
        electronic_id="000.00.00.T99",
        valid_from=dt.date(2015, 1, 1),
        check_permission=False,
    )


@pytest.fixture
def make_unit(db, province):
    counter = iter(range(1, 10_000))

    def make(name: str = "", kind: str = UnitKind.COMMUNE, parent: Unit | None = None, **extra):
        n = next(counter)
        return unit_create(
            actor=None,
            code=extra.pop("code", f"U{n:04d}"),
            name=name or f"UBND xã Số {n}",
            kind=kind,
            parent=parent or province,
            electronic_id=extra.pop("electronic_id", f"000.{n:02d}.31.T99"),
            valid_from=extra.pop("valid_from", dt.date(2015, 1, 1)),
            check_permission=False,
            **extra,
        )

    return make


@pytest.fixture
def make_user(db, django_user_model):
    counter = iter(range(1, 10_000))

    def make(*roles: tuple[str, Unit] | str, unit: Unit | None = None, **extra):
        n = next(counter)
        user = django_user_model.objects.create_user(
            username=extra.pop("username", f"canbo{n}"),
            password=extra.pop("password", "Mk-kiem-thu-2026"),
            first_name=extra.pop("first_name", f"Cán bộ {n}"),
            **extra,
        )
        for role in roles:
            role_code, role_unit = role if isinstance(role, tuple) else (role, unit)
            StaffRole.objects.create(
                user=user, role=role_code, unit=role_unit, valid_from=dt.date(2015, 1, 1)
            )
        return user

    return make


@pytest.fixture
def province_admin(make_user, province):
    return make_user(Role.PROVINCE_ADMIN, unit=province, username="kt.quantri")


@pytest.fixture
def catalog_admin(make_user, province):
    return make_user(Role.CATALOG_ADMIN, unit=province, username="kt.danhmuc")


def _load_demo(settings, tmp_path):
    import io
    import random

    from motcua.demo import province as demo

    settings.VAR_DIR = tmp_path
    demo.load(rng=random.Random(7), stdout=io.StringIO(), options={"small": True})
    return demo


@pytest.fixture
def demo_province(db, settings, tmp_path):
    """The small demo province: units with the 2025 reorganization, staff, ~60 procedures."""
    return _load_demo(settings, tmp_path)


@pytest.fixture
def demo_province_live(transactional_db, settings, tmp_path):
    """The same, committed, for tests where the live server (another thread) reads it."""
    return _load_demo(settings, tmp_path)


def _tables_with_rows(conn, tables) -> list[str]:
    """The tables among ``tables`` that hold a row, in one query."""
    tables = list(tables)
    if not tables:
        return []
    quote = conn.ops.quote_name
    query = " UNION ALL ".join(
        f"SELECT %s::text WHERE EXISTS (SELECT 1 FROM {quote(table)})" for table in tables
    )
    with conn.cursor() as cursor:
        cursor.execute(query, tables)
        return [row[0] for row in cursor.fetchall()]


def _raw_tables(conn) -> list[str]:
    """Tables that no model declares and TRUNCATE ledger_event empties (its trigger): the
    ledger's subject heads on PostgreSQL."""
    from motcua.ledger.partitions import HEAD

    with conn.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [HEAD])
        return [HEAD] if cursor.fetchone()[0] else []


@pytest.fixture(autouse=True, scope="session")
def _ledger_triggers_survive_flush():
    """Keep the ledger's append-only triggers through the flush of transactional tests.

    On SQLite, flush (end of every transactional and live-server test) runs
    ``DELETE FROM ledger_event``, which the triggers refuse; on PostgreSQL flush deletes
    too (Django's TRUNCATE, refused by the ledger as well, is replaced below). Flush itself is
    changed to drop them just before its DELETEs and create them again right after, in the
    same transaction, so every test still runs with the triggers in force.
    """
    from motcua.ledger import triggers

    vendor = connection.vendor
    operations_class = type(connection.ops)
    original = operations_class.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if vendor == "postgresql" and not reset_sequences and not allow_cascade:
            # DELETE the rows of the tables that hold any, instead of one TRUNCATE of all
            # ~120 tables (3-4 s after every live-server test on PostgreSQL): the same empty
            # tables (the ledger's subject heads too, which TRUNCATE ledger_event empties by
            # a trigger), sequences left as TRUNCATE without RESTART IDENTITY leaves them,
            # the foreign keys (all deferrable) checked at the end of flush's transaction
            tables = _tables_with_rows(self.connection, [*tables, *_raw_tables(self.connection)])
            statements = [f"DELETE FROM {self.quote_name(table)};" for table in tables]
        else:
            statements = original(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        guarded = tuple(t for t in triggers.APPEND_ONLY_TABLES if t in tables)
        if not guarded:
            return statements
        return [
            *triggers.drop_sql(vendor, guarded),
            *statements,
            *triggers.install_sql(vendor, guarded),
        ]

    patch = pytest.MonkeyPatch()
    patch.setattr(operations_class, "sql_flush", sql_flush)
    yield
    patch.undo()


#: The seeded rows are copied once, right after the test database is migrated, into tables
#: that Django does not know (so that flush leaves them): on PostgreSQL in a schema of their
#: own (outside the search path), on SQLite as tables with this prefix. After each flush an
#: ``INSERT … SELECT *`` per table puts them back, the very rows and values, in milliseconds
#: (Django's serialize/deserialize round trip saved them one model instance at a time:
#: ~0.5 s after every transactional and live-server test).
SEED_SCHEMA = "motcua_test_seeds"
SEED_PREFIX = "motcua_test_seed__"
_SEEDED: dict[str, list[tuple[str, str]] | None] = {"tables": None}


def _seed_copy_name(vendor: str, table: str) -> str:
    if vendor == "postgresql":
        return f'{SEED_SCHEMA}."{table}"'
    return f'"{SEED_PREFIX}{table}"'


def _seeded_tables(conn) -> list[str]:
    """The tables whose rows Django's test runner serializes (``serialize_db_to_string``:
    every migrated model outside TEST_NON_SERIALIZED_APPS, with its many-to-many tables)."""
    from django.apps import apps
    from django.conf import settings
    from django.db import router
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(conn)
    tables: list[str] = []
    for app_config in apps.get_app_configs():
        if (
            app_config.models_module is None
            or app_config.label not in loader.migrated_apps
            or app_config.name in settings.TEST_NON_SERIALIZED_APPS
        ):
            continue
        for model in app_config.get_models():
            if model._meta.can_migrate(conn) and router.allow_migrate_model(conn.alias, model):
                tables.append(model._meta.db_table)
                for field in model._meta.local_many_to_many:
                    if field.remote_field.through._meta.auto_created:
                        tables.append(field.remote_field.through._meta.db_table)
    return list(dict.fromkeys(tables))


def _copy_seeded_rows(conn) -> list[tuple[str, str]]:
    """Copy every seeded table that has rows; (table, copy) pairs."""
    vendor, quote = conn.vendor, conn.ops.quote_name
    copies = []
    with conn.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(f"DROP SCHEMA IF EXISTS {SEED_SCHEMA} CASCADE")
            cursor.execute(f"CREATE SCHEMA {SEED_SCHEMA}")
        for table in _seeded_tables(conn):
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")
            if cursor.fetchone() is None:
                continue
            copy = _seed_copy_name(vendor, table)
            cursor.execute(f"DROP TABLE IF EXISTS {copy}")
            cursor.execute(f"CREATE TABLE {copy} AS SELECT * FROM {quote(table)}")
            copies.append((table, copy))
    return copies


def _restore_seeded_rows(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """After a flush, put back what the migrations seeded. Flush emits post_migrate once per
    app; act on the last one, when content types and permissions exist again."""
    from django.db import transaction

    if _SEEDED["tables"] is None or sender.label != _LAST_APP_WITH_MODELS[0]:
        return
    conn = connections[using]
    quote = conn.ops.quote_name
    # one transaction: the foreign keys are checked at its end (Django makes them deferred)
    with transaction.atomic(using=using), conn.cursor() as cursor:
        for table, copy in _SEEDED["tables"]:
            cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {copy}")
    from motcua.workcalendar import engine

    engine.clear_cache()


_LAST_APP_WITH_MODELS: list[str] = []


@pytest.fixture(autouse=True, scope="session")
def _restore_seeds_on_flush(django_db_setup, django_db_blocker):
    """Transactional and live-server tests end with a flush that also wipes the rows seeded by
    data migrations (holidays, rule sets, questionnaires …); restore them right after every
    flush, so that each test starts from a freshly migrated database."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    _LAST_APP_WITH_MODELS[:] = [
        [a for a in apps.get_app_configs() if a.models_module is not None][-1].label
    ]
    with django_db_blocker.unblock():
        if "django_migrations" not in connection.introspection.table_names():
            yield  # no collected test uses the database: pytest-django created none
            return
        _SEEDED["tables"] = _copy_seeded_rows(connection)
    post_migrate.connect(_restore_seeded_rows, dispatch_uid="motcua-tests-reseed")
    yield
    post_migrate.disconnect(dispatch_uid="motcua-tests-reseed")


@pytest.fixture(autouse=True)
def _second_factor_off_unless_tested(settings):
    """Production asks the admin and administrative officers for a TOTP code (on by
    default); tests that log them in with ``force_login`` do not pass it, and
    tests/security turns it on where it is what they test."""
    settings.MOTCUA_REQUIRE_OTP = False


@pytest.fixture
def run_jobs():
    """Run every queued task through our worker (``motcua worker``), as in production."""
    from motcua.core.worker import SteadyWorker

    def run() -> int:
        worker = SteadyWorker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="kiem-thu-viec",
            excluded_queue_names=[],
        )
        worker.run()
        return worker._run_tasks

    return run
