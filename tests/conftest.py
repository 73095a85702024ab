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


@pytest.fixture(autouse=True, scope="session")
def _ledger_triggers_survive_flush():
    """Keep the ledger's append-only triggers through the flush of transactional tests.

    On SQLite, flush (end of every transactional and live-server test) runs
    ``DELETE FROM ledger_event``, which the triggers refuse; PostgreSQL flushes with
    TRUNCATE, which the ledger refuses too. Flush itself is changed to drop them just before
    its DELETEs (TRUNCATE) and create them again right after, in the same transaction, so
    every test still runs with the triggers in force.
    """
    from motcua.ledger import triggers

    vendor = connection.vendor
    operations_class = type(connection.ops)
    original = operations_class.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
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


_SEEDED: dict[str, str | None] = {"rows": None}


def _restore_seeded_rows(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """After a flush, put back what the migrations seeded. Flush emits post_migrate once per
    app; act on the last one, when content types and permissions exist again."""
    if _SEEDED["rows"] is None or sender.label != _LAST_APP_WITH_MODELS[0]:
        return
    connections[using].creation.deserialize_db_from_string(_SEEDED["rows"])
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
        _SEEDED["rows"] = connection.creation.serialize_db_to_string()
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
