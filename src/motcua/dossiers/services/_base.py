"""What every dossier service shares: clock, lock, permission, event, notification."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Field, Model
from django.db.models.base import ModelState
from django.utils import timezone

from motcua.core import zone
from motcua.core.errors import Conflict, InvalidInput, NotFound
from motcua.dossiers import events
from motcua.dossiers.action_rights import current_unit
from motcua.dossiers.actions import ACTIONS
from motcua.dossiers.errors import DossierError
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import DailyCounter, Dossier
from motcua.ledger.services import EventBuffer, event_batch, event_record
from motcua.organization.models import Role, Unit, UnitKind
from motcua.organization.permissions import has_role, roles_memo

# Actions the applicant hears about (email/SMS via the portal's hook in tasks.py).
NOTIFIED = {
    events.SUBMITTED,
    events.RECEIVED,
    events.ACCEPTED,
    events.COMPLETION_REQUESTED,
    events.INTAKE_REFUSED,
    events.SUPPLEMENT_REQUESTED,
    events.PAYMENT_REQUESTED,
    events.APPROVED,
    events.REFUSED,
    events.RETURNED,
    events.STOPPED,
    events.WITHDRAWN,
    events.APOLOGIZED,
}


class Batch:
    """What a ``dossier_batch`` holds between the first action and the commit, by code.

    ``held``: the version and status this batch left each dossier in (rows it locked or
    created), so later actions need not lock them again. ``latest``: each held dossier's
    newest object. ``new``: dossiers created in the batch, inserted once at the end with
    their final state; ``dirty``: changed fields of rows that already exist, updated once at
    the end. ``children``: new checklist items and pauses, inserted at the end. Daily
    counters stay locked for the whole batch and are written at the end.
    """

    def __init__(self, events: EventBuffer) -> None:
        self.events = events
        self.held: dict[str, tuple[int, str]] = {}
        self.latest: dict[str, Dossier] = {}
        self.new: dict[str, None] = {}  # ordered: rows get ids in the order received
        self.dirty: dict[str, set[str]] = {}
        self.children: list[Any] = []
        self.children_of: dict[str, list[Any]] = defaultdict(list)  # by dossier code
        self.counters: dict[tuple[int, dt.date], Any] = {}
        #: (unit, day) → the highest kept (imported) sequence: the counter moves past it
        self.kept_codes: dict[tuple[int, dt.date], int] = {}
        self.memo: dict[tuple, Any] = {}
        #: a code the next intake uses instead of the daily counter (the import keeps the
        #: previous system's codes); consumed by that intake
        self.preset_code: str | None = None
        self.failed: BaseException | None = None

    def pending(self, model, dossier: Dossier) -> list:
        """The batch's not yet inserted ``model`` rows of ``dossier``."""
        return [c for c in self.children_of.get(dossier.code, ()) if type(c) is model]

    def flush(self) -> None:
        for counter in self.counters.values():
            type(counter).objects.filter(pk=counter.pk).update(last=counter.last)
        if self.kept_codes:  # last, before the commit: the counters other importers share
            kept = dict(self.kept_codes)
            self.events.before_commit(lambda: _counters_past(kept))
            self.kept_codes.clear()
        insert_rows(Dossier, [self.latest[code] for code in self.new], ids=True)
        self.new.clear()
        groups: dict[frozenset[str], list[Dossier]] = defaultdict(list)
        for code, fields in self.dirty.items():
            groups[frozenset(fields)].append(self.latest[code])
        for names, dossiers in groups.items():
            if names:  # a row written early and not changed since needs no update
                _update(dossiers, sorted(names))
        self.dirty.clear()
        by_model: dict[type[Model], list] = defaultdict(list)
        for child in self.children:
            child.dossier = self.latest[child.dossier.code]  # the copy that got the id
            by_model[type(child)].append(child)
        for model, rows in by_model.items():
            insert_rows(model, rows, ids=False)
        self.children.clear()
        self.children_of.clear()


#: field types whose Python value psycopg writes as the column's text as it is
_NATIVE = {
    "AutoField", "BigAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
    "PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField",
    "FloatField", "BooleanField", "DateTimeField", "DateField", "DecimalField",
    "CharField", "TextField", "EmailField", "ForeignKey", "OneToOneField",
}  # fmt: skip


def _copy_plan(model) -> tuple[str, list[tuple[Field, bool]]]:
    """(COPY statement, [(field, needs Django's conversion)]) of a model, without its pk."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            raise ValueError(f"{model.__name__}.{f.name}: COPY does not fill automatic times")
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in [model._meta.pk.column, *(f.column for f in fields)])
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    return sql, [(f, f.get_internal_type() not in _NATIVE) for f in fields]


_COPY_PLANS: dict[type, tuple[str, list[tuple[Field, bool]]]] = {}


def insert_rows(model, rows: list, *, ids: bool) -> None:
    """Insert new ``rows`` of ``model`` at the end of a batch. PostgreSQL: one COPY, the ids
    drawn first from the table's sequence in one query (in the rows' order, as an INSERT
    gives them) when ``ids``, so that rows pointing to these get them; no per-row model
    work. Elsewhere: ``bulk_create``."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(rows, batch_size=1000)
        return
    plan = _COPY_PLANS.get(model)
    if plan is None:
        plan = _COPY_PLANS[model] = _copy_plan(model)
    sql, fields = plan
    meta = model._meta
    with connection.cursor() as cursor:
        if ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            for row, (pk,) in zip(rows, sorted(cursor.fetchall()), strict=True):
                row.pk = pk
        else:
            sql = sql.replace(f"({connection.ops.quote_name(meta.pk.column)}, ", "(", 1)
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                values = [
                    f.get_db_prep_save(getattr(row, f.attname), connection)
                    if convert
                    else getattr(row, f.attname)
                    for f, convert in fields
                ]
                copy.write_row([row.pk, *values] if ids else values)
    for row in rows:
        row._state.adding, row._state.db = False, connection.alias


def _counters_past(kept: dict[tuple[int, dt.date], int]) -> None:
    """One upsert: each (unit, day) counter at least at its kept sequence (in key order, so
    that two importers never wait on each other in a cycle)."""
    table = connection.ops.quote_name(DailyCounter._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    rows = [(unit, adapt(day), seq) for (unit, day), seq in sorted(kept.items())]
    # Identifiers from the model's own meta; every value goes as a parameter.
    sql = (
        f"INSERT INTO {table} (unit_id, day, last) VALUES (%s, %s, %s) "  # noqa: S608
        "ON CONFLICT (unit_id, day) DO UPDATE SET last = CASE WHEN excluded.last > "
        f"{table}.last THEN excluded.last ELSE {table}.last END"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _update(dossiers: list[Dossier], names: list[str]) -> None:
    """One UPDATE statement for many rows (psycopg sends them in one pipeline)."""
    meta, quote = Dossier._meta, connection.ops.quote_name
    fields = [cast(Field, meta.get_field(name)) for name in names]
    columns = [cast(str, f.column) for f in [*fields, meta.pk]]  # concrete: each has a column
    # Identifiers from the model's own meta; every value goes as a parameter.
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        quote(meta.db_table),
        ", ".join(f"{quote(column)} = %s" for column in columns[:-1]),
        quote(columns[-1]),
    )
    rows = [
        [f.get_db_prep_save(getattr(d, f.attname), connection) for f in fields] + [d.pk]
        for d in dossiers
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


_BATCH: ContextVar[Batch | None] = ContextVar("dossier_batch", default=None)


@contextmanager
def dossier_batch() -> Iterator[Batch]:
    """Run many dossier services in one transaction and write their changes together.

    The services run exactly as alone (same checks, deadlines and events), but a row is
    locked once, written once at the end with its final state, and the events are inserted
    together. All or nothing: if any service fails, even when the caller catches the error,
    the batch raises it again at the end and nothing is written. For bulk work (the demo
    province, the benchmark, future imports); pages and the API act one dossier at a time.
    """
    if _BATCH.get() is not None:
        raise RuntimeError("dossier_batch cannot be nested")
    with zone.pinned(), roles_memo(), event_batch() as events:
        batch = Batch(events)
        token = _BATCH.set(batch)
        try:
            yield batch
            if batch.failed is not None:
                raise batch.failed
            batch.flush()
        finally:
            _BATCH.reset(token)


def service(func: Callable) -> Callable:
    """A dossier service: its own transaction alone, or one step of the current batch."""
    atomic = transaction.atomic(func)

    @functools.wraps(func)
    def run(*args, **kwargs):
        batch = _BATCH.get()
        if batch is None:
            return atomic(*args, **kwargs)
        if batch.failed is not None:
            raise RuntimeError("an earlier action of this batch failed") from batch.failed
        try:
            return func(*args, **kwargs)
        except BaseException as error:
            batch.failed = error
            raise

    return run


def memo(key: tuple, compute: Callable[[], Any]) -> Any:
    """Reference data read once per batch (rule set, process, components, fees)."""
    batch = _BATCH.get()
    if batch is None:
        return compute()
    try:
        return batch.memo[key]
    except KeyError:
        value = batch.memo[key] = compute()
        return value


def current_batch() -> Batch | None:
    return _BATCH.get()


def clock(at: dt.datetime | None) -> dt.datetime:
    """Server time. ``at`` is accepted only from trusted internal callers (demo, bench)."""
    return at or timezone.now()


def lock(dossier: Dossier, action: str) -> Dossier:
    """Lock the row, refuse if someone changed it since the caller read it, check the table.

    Every write bumps ``version``, so an equal version means the caller's copy is the current
    row: the service works on a copy of it (the caller's object stays as it was if the
    service fails) without reading the row and its relations again.
    """
    batch = _BATCH.get()
    row = batch.held.get(dossier.code) if batch is not None else None
    if row is None:
        row = (
            Dossier.objects.select_for_update()
            .filter(pk=dossier.pk)
            .values_list("version", "status")
            .first()
        )
        if row is None:
            raise NotFound(
                f"Không tìm thấy hồ sơ {dossier.code}.", code=DossierError.DOSSIER_NOT_FOUND
            )
        if batch is not None:
            batch.held[dossier.code] = row
            batch.latest[dossier.code] = dossier
    version, status = row
    if version != dossier.version:
        raise Conflict(
            f"Hồ sơ {dossier.code} vừa được người khác cập nhật "
            f"(trạng thái hiện tại: {Status(status).label}). Vui lòng tải lại trang.",
            code=DossierError.DOSSIER_CHANGED,
        )
    ACTIONS.check(status, action)
    return _copy(dossier)


def _copy(dossier: Dossier) -> Dossier:
    """``copy.copy`` of a model instance (its ``__getstate__``: the fields, the state and
    the related objects' cache, copied one level), without the pickling protocol's detour."""
    state = dossier.__dict__.copy()
    model_state = state["_state"] = ModelState.__new__(ModelState)
    model_state.__dict__.update(dossier._state.__dict__)
    model_state.fields_cache = dossier._state.fields_cache.copy()
    new = Dossier.__new__(Dossier)
    new.__dict__ = state
    return new


def advance(dossier: Dossier, action: str, status_from: str) -> None:
    """Move the dossier to the status the registry declares for ``action`` (never by hand)."""
    dossier.status = ACTIONS.result(action, dossier, status_from)


def step_unit(dossier: Dossier, step) -> Unit:
    """The unit that holds a step: its own unit (or, once merged away, its successor), the
    desk for desk steps, else competent."""
    if step is None:
        return dossier.competent_unit
    if step.unit_id:
        return current_unit(step.unit)
    if step.role == Role.DESK_OFFICER or step.unit_kind == UnitKind.SERVICE_CENTRE:
        return dossier.receiving_unit
    return dossier.competent_unit


def check_assignee(user, step, unit: Unit) -> None:
    role = step.role if step is not None else Role.SPECIALIST
    roles = {role, Role.UNIT_LEADER} if role != Role.UNIT_LEADER else {role}
    if not has_role(user, roles, unit):
        raise InvalidInput(
            f"Cán bộ {user.get_full_name() or user.username} không có vai trò "
            f"{Role(role).label} tại {unit.name}.",
            code=DossierError.ASSIGNEE_NOT_ELIGIBLE,
        )


def insert(dossier: Dossier) -> None:
    """A new dossier: its row now, or in a batch once at the end with its final state."""
    batch = _BATCH.get()
    if batch is None:
        dossier.save(force_insert=True)
        return
    batch.held[dossier.code] = (dossier.version, dossier.status)
    batch.latest[dossier.code] = dossier
    batch.new[dossier.code] = None
    batch.events.new_subject(events.SUBJECT, dossier.code)


def persist(dossier: Dossier) -> None:
    """Make sure the dossier's row exists now (a row that points to it needs its id)."""
    batch = _BATCH.get()
    if batch is None or dossier.code not in batch.new:
        return
    dossier.save(force_insert=True)
    batch.new.pop(dossier.code, None)
    batch.dirty[dossier.code] = set()
    batch.latest[dossier.code] = dossier


def add_children(rows: list) -> None:
    """New rows of one model that point to a dossier (checklist items, a pause)."""
    batch = _BATCH.get()
    if batch is not None:
        batch.children.extend(rows)
        for row in rows:
            batch.children_of[row.dossier.code].append(row)
    elif len(rows) == 1:
        rows[0].save(force_insert=True)
    elif rows:
        type(rows[0]).objects.bulk_create(rows)


def children(model, dossier: Dossier, related: str) -> list:
    """The dossier's stored ``related`` rows plus the batch's rows not yet inserted."""
    batch = _BATCH.get()
    stored = list(getattr(dossier, related).all()) if dossier.pk is not None else []
    return stored + (batch.pending(model, dossier) if batch is not None else [])


def save(dossier: Dossier, fields: Iterable[str]) -> None:
    dossier.version += 1
    batch = _BATCH.get()
    if batch is None:
        dossier.save(update_fields=[*set(fields), "version"])
        return
    batch.held[dossier.code] = (dossier.version, dossier.status)
    batch.latest[dossier.code] = dossier
    if dossier.code not in batch.new:
        batch.dirty[dossier.code] = batch.dirty.get(dossier.code, set()) | {*fields, "version"}


def iso(value, tz=None):
    """Datetimes in payloads: ISO 8601 in Vietnamese local time, the same way every time.
    ``tz``: the current time zone, when the caller already has it (``record``: three times)."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value, tz or zone.current()).isoformat()
    return value.isoformat() if isinstance(value, dt.date) else value


def record(
    *,
    dossier: Dossier,
    action: str,
    actor,
    unit: Unit | None,
    at: dt.datetime,
    status_from: str | None,
    due_before: dt.datetime | None = None,
    payload: dict[str, Any] | None = None,
    notify: bool = True,
) -> None:
    step, tz = dossier.current_step, zone.current()
    body: dict[str, Any] = {
        "status_from": status_from,
        "status_to": dossier.status,
        "step": step.order if step else None,
        "step_name": step.name if step else "",
        "holder_unit": dossier.holder_unit.code if dossier.holder_unit else None,
        "assignee": dossier.assignee.get_username() if dossier.assignee else None,
        "due_before": iso(due_before, tz),
        "due_after": iso(dossier.due_at, tz),
        "step_due": iso(dossier.step_due_at, tz),
    }
    body.update(payload or {})
    event_record(
        subject_type=events.SUBJECT,
        subject_id=dossier.code,
        action=action,
        actor=actor,
        unit=unit,
        payload=body,
        at=at,
    )
    if notify and action in NOTIFIED:
        code = dossier.code

        def send():
            from motcua.dossiers.tasks import dossier_notify

            dossier_notify.enqueue(code, action)

        transaction.on_commit(send)
