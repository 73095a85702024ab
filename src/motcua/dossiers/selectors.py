"""Reads shared by pages, API and exports (so that the numbers agree everywhere)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.core import public_cache
from motcua.core.db import using_replica
from motcua.core.errors import NotFound, PermissionDenied
from motcua.dossiers import deadlines, queue_cache
from motcua.dossiers.action_rights import actions_for, current_unit
from motcua.dossiers.actions import allowed_actions
from motcua.dossiers.errors import DossierError
from motcua.dossiers.events import SUBJECT as DOSSIER_SUBJECT
from motcua.dossiers.lifecycle import (
    CLOCK_RUNNING,
    CLOSED,
    FINISHED,
    NATIONAL_STATUS,
    NOT_RECEIVED,
    OPEN,
    PAUSED,
    Status,
)
from motcua.dossiers.models import (
    Channel,
    Classification,
    Consultation,
    Decision,
    Dossier,
    overdue_q,
)
from motcua.dossiers.risk import risk_expression
from motcua.ledger.models import Event
from motcua.ledger.selectors import events_for_subject
from motcua.organization.models import Role, Unit, UnitKind
from motcua.organization.permissions import has_role, user_roles
from motcua.organization.selectors import unit_subtree_ids

WIDE_ROLES = {Role.PROVINCE_ADMIN, Role.INSPECTOR}


def submitted_between(qs, date_from: dt.date | None, date_to: dt.date | None):
    """Dossiers submitted on these local days, as a range on the stored instant: the same
    rows as ``submitted_at__date`` but without converting every row's time in Python (on
    SQLite that conversion was half the statistics page's time) and able to use an index."""
    zone = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(submitted_at__gte=dt.datetime.combine(date_from, dt.time.min, zone))
    if date_to:
        end = date_to + dt.timedelta(days=1)
        qs = qs.filter(submitted_at__lt=dt.datetime.combine(end, dt.time.min, zone))
    return qs


def visible_unit_ids(user) -> set[int] | None:
    """Units whose dossiers ``user`` may read; None means all of them.

    Kept on the user object for the request, like its roles: a page asks several times.
    """
    if user.is_superuser:
        return None
    key = f"_motcua_visible_units_{timezone.localdate().isoformat()}"
    if hasattr(user, key):
        return getattr(user, key)
    roles = user_roles(user)
    if any(r.role in WIDE_ROLES for r in roles) or any(r.unit.parent_id is None for r in roles):
        ids = None
    else:
        ids = _subtree({r.unit_id for r in roles})
    setattr(user, key, ids)
    return ids


def _subtree(unit_ids: set[int]) -> set[int]:
    """``unit_subtree_ids``, kept in the shared cache until a unit changes (``queue_cache``)."""
    if not unit_ids or not queue_cache.enabled():
        return unit_subtree_ids(unit_ids)
    found = public_cache.answer(
        queue_cache.UNIT_TREE,
        f"subtree:{queue_cache.ids_key(unit_ids)}",
        lambda: sorted(unit_subtree_ids(unit_ids)),
        timeout=queue_cache.UNIT_TREE_TIMEOUT,
    )
    return set(found)


def _visible(qs: QuerySet, user) -> QuerySet:
    """The consulted units see the dossier too: an ``EXISTS`` on the consultations, not a
    join (a join repeats a dossier per consultation and needs a ``DISTINCT`` over every
    selected column, which cost the work queue most of its time on a large table)."""
    ids = visible_unit_ids(user)
    if ids is None:
        return qs
    consulted = Consultation.objects.filter(dossier=OuterRef("pk"), unit_id__in=ids)
    return qs.filter(
        Q(receiving_unit_id__in=ids)
        | Q(competent_unit_id__in=ids)
        | Q(holder_unit_id__in=ids)
        | Q(Exists(consulted))
    )


def dossier_get(*, code: str, user=None) -> Dossier:
    qs = Dossier.objects.select_related(
        "procedure",
        "procedure__field",
        "process",
        "rule_set",
        "receiving_unit",
        "competent_unit",
        "holder_unit",
        "current_step",
        "assignee",
    )
    # a NUL byte (PostgreSQL refuses it in a query) or an over-long code matches no dossier
    dossier = qs.filter(code=code).first() if "\x00" not in code and len(code) <= 64 else None
    if dossier is None:
        raise NotFound(
            f"Không tìm thấy hồ sơ {code[:64].replace(chr(0), '')}.",
            code=DossierError.DOSSIER_NOT_FOUND,
        )
    if user is not None and not can_view(user, dossier):
        raise PermissionDenied("Bạn không có quyền xem hồ sơ này.")
    return dossier


def can_view(user, dossier: Dossier) -> bool:
    if not user.is_authenticated:
        return False
    every_role = list(Role.values)
    units = [dossier.receiving_unit, dossier.competent_unit, dossier.holder_unit]
    units += [current_unit(u) for u in units if u is not None and u.valid_to is not None]
    if any(has_role(user, every_role, u) for u in units):
        return True
    if any(r.role in WIDE_ROLES for r in user_roles(user)):
        return True
    return dossier.consultations.filter(unit_id__in=[r.unit_id for r in user_roles(user)]).exists()


def dossier_events(*, dossier: Dossier) -> QuerySet[Event]:
    return events_for_subject(subject_type="dossier", subject_id=dossier.code)


def dossier_actions_for(*, dossier: Dossier, user=None) -> tuple[str, ...]:
    """The actions allowed from the dossier's status; with ``user``, those ``user`` may do."""
    if user is None:
        return allowed_actions(dossier.status)
    return actions_for(user, dossier)


@dataclass
class DossierFilters:
    unit: str | None = None  # unit code: received, competent or holding
    status: str | None = None  # internal status or national code ("4")
    overdue: bool | None = None
    procedure: str | None = None
    date_from: dt.date | None = None  # received (or submitted) on or after
    date_to: dt.date | None = None
    q: str = ""  # code or applicant name
    scope: str = "unit"  # "mine" or "unit"
    queue: str = ""  # "todo", "due_soon", "overdue", "waiting" (for the applicant), "done"
    sort: str = ""  # "" (the queue's own order) or "risk" (highest risk of lateness first)
    extra: dict = field(default_factory=dict)

    def narrowed(self) -> bool:
        """Whether a filter other than the scope and the queue narrows the list (the list is
        then not the whole queue that ``queue_counts`` counted)."""
        return bool(
            self.unit
            or self.status
            or self.overdue is not None
            or self.procedure
            or self.date_from
            or self.date_to
            or self.q
            or self.extra
        )


def _due_soon_limit(now: dt.datetime) -> dt.datetime:
    return deadlines.one_working_day_after(now, unit=None)


#: the work queue's tabs, as conditions on a dossier (the list and the counts use the same)
QUEUE_NAMES = ("todo", "due_soon", "overdue", "waiting", "done")
#: the queues counted on the tabs, and every status a dossier of one of them can have
COUNTED_QUEUES = ("todo", "due_soon", "overdue", "waiting")
_COUNTED_STATUSES = tuple(
    dict.fromkeys((*OPEN, Status.SUBMITTED, Status.RESULT_READY, *PAUSED, *CLOCK_RUNNING))
)


def queue_q(queue: str, now: dt.datetime) -> Q:
    """The condition of ``queue`` (one of ``QUEUE_NAMES``) at ``now``."""
    if queue == "todo":
        return Q(status__in=(*OPEN, Status.SUBMITTED, Status.RESULT_READY))
    if queue == "due_soon":
        return Q(status__in=OPEN, due_at__gte=now, due_at__lte=_due_soon_limit(now))
    if queue == "overdue":
        return overdue_q(now)
    if queue == "waiting":
        return Q(status__in=PAUSED)
    if queue == "done":
        return Q(status__in=(*FINISHED, *CLOSED))
    raise ValueError(queue)


def dossier_list(*, user, filters: DossierFilters, now: dt.datetime | None = None) -> QuerySet:
    """Dossiers ``user`` may see, filtered; the work queue, the API list and exports."""
    now = now or timezone.now()
    qs = _visible(Dossier.objects.all(), user).select_related(
        "procedure", "receiving_unit", "competent_unit", "holder_unit", "current_step", "assignee"
    )
    if filters.scope == "mine":
        qs = qs.filter(assignee=user)
    if filters.unit:
        qs = qs.filter(
            Q(receiving_unit__code=filters.unit)
            | Q(competent_unit__code=filters.unit)
            | Q(holder_unit__code=filters.unit)
        )
    if filters.status:
        if filters.status.isdigit():
            codes = [s for s, n in NATIONAL_STATUS.items() if n == int(filters.status)]
            qs = qs.filter(status__in=codes)
        else:
            qs = qs.filter(status=filters.status)
    if filters.overdue is True:
        qs = qs.filter(overdue_q(now))
    elif filters.overdue is False:
        qs = qs.exclude(overdue_q(now))
    if filters.procedure:
        qs = qs.filter(procedure__code=filters.procedure)
    qs = submitted_between(qs, filters.date_from, filters.date_to)
    if filters.q:
        qs = qs.filter(Q(code__icontains=filters.q) | Q(applicant_name__icontains=filters.q))
    if filters.queue in QUEUE_NAMES:
        qs = qs.filter(queue_q(filters.queue, now))
    if filters.sort == "risk":
        risk = risk_expression()
        if risk is not None:  # highest first, unscored last, then the queue's order
            return qs.annotate(risk=risk).order_by(
                F("risk").desc(nulls_last=True), "due_at", "-submitted_at", "-id"
            )
    return (
        qs.order_by("due_at", "-submitted_at", "-id")
        if filters.queue
        else qs.order_by("-submitted_at", "-id")
    )


def queue_counts(*, user, scope: str, now: dt.datetime | None = None) -> dict[str, int]:
    """The size of each counted queue (the work queue's tabs), in one query: a conditional
    count per queue over the dossiers in any of their statuses (an indexed range)."""
    now = now or timezone.now()
    qs = dossier_list(user=user, filters=DossierFilters(scope=scope), now=now)
    qs = qs.select_related(None).order_by().filter(status__in=_COUNTED_STATUSES)
    return qs.aggregate(**{q: Count("pk", filter=queue_q(q, now)) for q in COUNTED_QUEUES})


def queue_counts_kept(*, user, scope: str, now: dt.datetime | None = None) -> dict[str, int]:
    """``queue_counts`` kept in the shared cache (``queue_cache.QUEUE_COUNTS``): the same
    answer for every officer who sees the same units (and, for "mine", per officer), dropped
    at every dossier event and after ``COUNTS_TIMEOUT`` seconds (the clock-driven tabs)."""
    if not queue_cache.enabled():
        return queue_counts(user=user, scope=scope, now=now)
    who = f"{user.pk}" if scope == "mine" else ""
    key = f"counts:{scope}:{who}:{queue_cache.ids_key(visible_unit_ids(user))}"
    return public_cache.answer(
        queue_cache.QUEUE_COUNTS,
        key,
        lambda: queue_counts(user=user, scope=scope, now=now),
        timeout=queue_cache.COUNTS_TIMEOUT,
    )


# ---------------------------------------------------------------- statistics

GROUPS = {
    "unit": ("competent_unit__code", "competent_unit__name"),
    "receiving_unit": ("receiving_unit__code", "receiving_unit__name"),
    "procedure": ("procedure__code", "procedure__name"),
    "field": ("procedure__field__code", "procedure__field__name"),
    "channel": ("channel", None),
    "month": ("month", None),
}

GROUP_LABELS = {
    "unit": "Cơ quan giải quyết",
    "receiving_unit": "Nơi tiếp nhận",
    "procedure": "Thủ tục",
    "field": "Lĩnh vực",
    "channel": "Hình thức nộp",
    "month": "Tháng",
}

STAT_COLUMNS = (
    "received",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_progress",
    "in_progress_within",
    "in_progress_overdue",
    "paused",
    "withdrawn",
    "stopped",
    "refused",
    "refused_at_intake",
    "online",
)


@dataclass
class StatsFilters:
    unit: str | None = None  # competent unit code (its sub-units included)
    level: str | None = None  # province / district / commune (of the competent unit)
    field: str | None = None  # field code
    procedure: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _level_kinds(level: str) -> list[str]:
    from motcua.organization.models import KIND_LEVEL

    return [kind for kind, lv in KIND_LEVEL.items() if lv == level]


def stats_as_of(*, filters: StatsFilters, now: dt.datetime | None = None) -> dt.datetime:
    """The moment a period's figures describe: the last instant of ``date_to`` (local time),
    or now while the period is not over. A closed period always gives the same moment."""
    now = now or timezone.now()
    if filters.date_to is None:
        return now
    return min(now, timezone.make_aware(dt.datetime.combine(filters.date_to, dt.time.max)))


# A dossier's state at the end of a period, folded into one word (else its status then).
RESOLVED, WITHIN, OVERDUE, WAITING = "resolved", "within", "overdue", "paused"


# margin for the clock readings of one service call (the events of a dossier never precede it)
_BEFORE_SUBMISSION = Value(dt.timedelta(days=1), output_field=DurationField())


def _state_at(as_of: dt.datetime) -> Subquery:
    """Each dossier's state at ``as_of``, read from its history alone.

    The dossier's last event at or before ``as_of`` (highest ``seq``) records the status it
    left the dossier in (``status_to``) and its due time then (``due_after``): resolved,
    within / past its due time (``overdue_q``, the same rule as the lists), paused, or that
    status (closed, not received); NULL if nothing had happened yet. One indexed look-up per
    dossier (the ``subject, seq`` index), evaluated by the database. A dossier's events are
    recorded from its submission on (the same clock reading), so the look-up starts a day
    before it: on PostgreSQL the event table's monthly partitions before that are skipped at
    run time instead of each being searched for every dossier.
    """
    then = (
        Event.objects.filter(
            subject_type=DOSSIER_SUBJECT,
            subject_id=OuterRef("code"),
            at__gte=OuterRef("submitted_at") - _BEFORE_SUBMISSION,
            at__lte=as_of,
            payload__has_key="status_to",  # as the replay reads it (every dossier event has it)
        )
        .annotate(
            status_then=Cast(KT("payload__status_to"), CharField()),
            due_then=Cast(KT("payload__due_after"), DateTimeField()),
        )
        .annotate(
            state=Case(
                When(status_then__in=FINISHED, then=Value(RESOLVED)),
                When(status_then__in=PAUSED, then=Value(WAITING)),
                When(overdue_q(as_of, status="status_then", due="due_then"), then=Value(OVERDUE)),
                When(status_then__in=OPEN, then=Value(WITHIN)),
                default=F("status_then"),
                output_field=CharField(),
            )
        )
        .order_by("-seq")
        .values("state")[:1]
    )
    return Subquery(then, output_field=CharField())


_RESOLVED_BY = {
    Classification.EARLY: "resolved_early",
    Classification.ON_TIME: "resolved_on_time",
    Classification.LATE: "resolved_late",
}
_IN_PROGRESS_BY = {WITHIN: "in_progress_within", OVERDUE: "in_progress_overdue", WAITING: "paused"}
_CLOSED_BY = {
    Status.WITHDRAWN: "withdrawn",
    Status.STOPPED: "stopped",
    Status.CANCELLED: "stopped",
    Status.INTAKE_REFUSED: "refused_at_intake",
}


def _fold(parts: list[dict]) -> dict:
    """The columns of one row from its (state, classification, decision, channel) counts."""
    row = dict.fromkeys(STAT_COLUMNS, 0)
    for part in parts:
        n, state = part["n"], part["state"]
        if state in _CLOSED_BY:
            row[_CLOSED_BY[state]] += n
        if state is None or state in NOT_RECEIVED:
            continue
        row["received"] += n
        if part["channel"] == Channel.ONLINE:
            row["online"] += n
        if state == RESOLVED:
            row["resolved"] += n
            if part["classification"] in _RESOLVED_BY:
                row[_RESOLVED_BY[part["classification"]]] += n
            if part["decision"] == Decision.REFUSED:
                row["refused"] += n
        elif state in _IN_PROGRESS_BY:
            row["in_progress"] += n
            row[_IN_PROGRESS_BY[state]] += n
    return row


@using_replica()  # statistics may lag the primary by a little: read from a replica if any
def dossier_stats(
    *, filters: StatsFilters, group_by: str | None = None, now: dt.datetime | None = None
) -> list[dict]:
    """Received, resolved early/on time/late, in progress within/past deadline, paused,
    withdrawn, refused and online share for dossiers received (submitted) in the period.

    Every figure is measured at ``stats_as_of`` (the end of the period, or now if earlier)
    from the history — each dossier's status and due time as they stood then — so a closed
    period gives the same rows whenever it is asked. The one query behind the statistics
    page, the API and the exports.
    """
    as_of = stats_as_of(filters=filters, now=now)
    if group_by and group_by not in GROUPS:
        from motcua.core.errors import InvalidInput

        raise InvalidInput(
            f"Không thể nhóm theo '{group_by}'. Chọn: {', '.join(GROUPS)}.",
            code=DossierError.GROUP_BY_INVALID,
        )
    qs = Dossier.objects.all()
    if filters.unit:
        unit = Unit.objects.filter(code=filters.unit).first()
        if unit is None:
            raise NotFound(
                f"Không tìm thấy đơn vị {filters.unit}.", code=DossierError.UNIT_NOT_FOUND
            )
        qs = qs.filter(competent_unit_id__in=unit_subtree_ids({unit.pk}))
    if filters.level:
        qs = qs.filter(competent_unit__kind__in=_level_kinds(filters.level))
    if filters.field:
        qs = qs.filter(procedure__field__code=filters.field)
    if filters.procedure:
        qs = qs.filter(procedure__code=filters.procedure)
    qs = submitted_between(qs, filters.date_from, filters.date_to)
    qs = qs.annotate(state=_state_at(as_of))
    dims = ["state", "classification", "decision", "channel"]
    if not group_by:
        parts = list(qs.values(*dims).annotate(n=Count("pk")).order_by())
        return [_with_shares({"group": "", "label": "Tổng", **_fold(parts)})]
    key, label = GROUPS[group_by]
    if group_by == "month":
        qs = qs.annotate(month=TruncMonth("submitted_at"))
    names = [key] + ([label] if label else [])
    groups: dict = {}
    for part in qs.values(*names, *dims).annotate(n=Count("pk")).order_by():
        value = part[key]
        groups.setdefault(value, (part[label] if label else None, []))[1].append(part)
    out = []
    for value in sorted(groups, key=lambda v: (v is None, v)):
        name, parts = groups[value]
        if isinstance(value, dt.datetime | dt.date):
            value = (
                timezone.localtime(value).strftime("%Y-%m")
                if isinstance(value, dt.datetime)
                else value.strftime("%Y-%m")
            )
        row = {"group": str(value), "label": name or str(value), **_fold(parts)}
        out.append(_with_shares(row))
    return out


def _with_shares(row: dict) -> dict:
    received = row["received"] or 0
    resolved = row["resolved"] or 0
    row["online_share"] = round(row["online"] / received, 4) if received else 0.0
    on_time = (row["resolved_early"] or 0) + (row["resolved_on_time"] or 0)
    row["on_time_share"] = round(on_time / resolved, 4) if resolved else 0.0
    return row


def dossier_checklist_file(*, dossier: Dossier, item: int):
    """The digitized file of one checklist item of a dossier the caller may read."""
    row = dossier.checklist.filter(pk=item).first()
    if row is None:
        raise NotFound("Không tìm thấy tệp.", code=DossierError.FILE_NOT_FOUND)
    return row.file  # file_response answers the same for an item without a file


def submission_units(procedure: Procedure) -> QuerySet[Unit]:
    """Where an online dossier of ``procedure`` can be submitted (active, with an e-id).

    Shared by the portal and the national portal's inbound dossiers (interop).
    Commune procedures: the communes; others: the public administration service centres
    (any centre of the province receives any dossier of the province, Decree 118/2025).
    """
    today = timezone.localdate()
    kinds = (
        [UnitKind.COMMUNE]
        if procedure.competent_unit_kind == UnitKind.COMMUNE
        else [UnitKind.SERVICE_CENTRE]
    )
    return (
        Unit.objects.active_on(today)
        .filter(kind__in=kinds, electronic_id__isnull=False)
        .exclude(electronic_id="")
        .order_by("name")
    )
