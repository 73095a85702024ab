"""Reads shared by the pages, the JSON API, Open311 and the statistics."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from motcua.core.errors import NotFound, PermissionDenied
from motcua.core.text import search_tokens
from motcua.feedback import actions, clocks, events
from motcua.feedback.errors import FeedbackError
from motcua.feedback.models import CLOSED, OPEN, Feedback, Status
from motcua.feedback.services import can
from motcua.ledger.actions import label as event_label
from motcua.ledger.models import Event
from motcua.organization.models import Role
from motcua.organization.permissions import has_role, units_of
from motcua.organization.selectors import unit_subtree_ids

READERS = (*actions.OFFICERS, Role.INSPECTOR, Role.PROVINCE_ADMIN)
HIDDEN_NAME = "Người gửi không công khai tên"
#: History events that change no status and are the officers' own (not public steps).
INTERNAL_EVENTS = (events.DUE_SOON_WARNED, events.RECLASSIFIED)


def public_items() -> QuerySet[Feedback]:
    """Answered feedback that may be shown: public, published, not merged into another."""
    return Feedback.objects.filter(
        is_public=True, status=Status.PUBLISHED, merged_into__isnull=True
    ).select_related("field", "current_unit")


def public_search(query: str | None = None, *, field=None, unit=None) -> QuerySet[Feedback]:
    items = public_items()
    for token in search_tokens(query):
        items = items.filter(search_folded__contains=token)
    if field is not None:
        items = items.filter(field=field)
    if unit is not None:
        items = items.filter(current_unit=unit)
    return items.order_by("-closed_at")


def public_sender(item: Feedback) -> str:
    return item.sender_name if item.show_name else HIDDEN_NAME


def final_answer(item: Feedback):
    """The last published round (the answer the public sees), or None."""
    return item.rounds.filter(published_at__isnull=False).order_by("-number").first()


def by_code(code: str) -> Feedback:
    item = (
        Feedback.objects.select_related("current_unit", "field", "procedure", "merged_into")
        .filter(code=(code or "").strip().upper())
        .first()
    )
    if item is None:
        raise NotFound(
            "Không tìm thấy phản ánh với mã đã nhập.", code=FeedbackError.FEEDBACK_NOT_FOUND
        )
    return item


def followed(item: Feedback) -> Feedback:
    """The item the sender follows: the original once merged (chains followed)."""
    seen = set()
    while item.merged_into_id is not None and item.pk not in seen:
        seen.add(item.pk)
        original = item.merged_into
        if original is None:
            break
        item = original
    return item


def can_read(user, item: Feedback) -> bool:
    """Officers of the item's units (now or in its transfers) and inspectors read personal data."""
    if user is None or not user.is_authenticated:
        return False
    if has_role(user, (Role.INSPECTOR, Role.PROVINCE_ADMIN)):
        return True
    units = {item.current_unit, item.receiving_unit}
    units.update(t.to_unit for t in item.transfers.select_related("to_unit") if t.to_unit)
    return any(has_role(user, actions.OFFICERS, u) for u in units)


def officer_item(user, code: str) -> Feedback:
    item = by_code(code)
    if not can_read(user, item):
        raise PermissionDenied(
            "Phản ánh này không thuộc đơn vị của bạn.", code=FeedbackError.NOT_YOUR_UNIT
        )
    return item


def allowed_actions(item: Feedback, user, phone4: str = "") -> list[actions.Action]:
    return [a for a in actions.ACTIONS if can(item, a, user, phone4)]


def officer_queue(user, *, scope: str = "unit", view: str = "", now=None) -> QuerySet:
    """Open items of the officer's units (scope "unit") or those he last acted on ("mine").

    view: "classify" (waiting for classification), "due_soon", "overdue" or "" (all open).
    """
    now = now or timezone.now()
    unit_ids = unit_subtree_ids([u.pk for u in units_of(user, READERS)])
    if user.is_superuser:
        items = Feedback.objects.all()
    else:
        items = Feedback.objects.filter(current_unit_id__in=unit_ids)
    items = items.filter(status__in=OPEN).select_related("current_unit", "field")
    if scope == "mine":
        mine = Event.objects.filter(subject_type=events.SUBJECT, actor_id=user.pk).values(
            "subject_id"
        )
        items = items.annotate(pk_text=Cast("pk", CharField())).filter(pk_text__in=mine)
    if view == "classify":
        items = items.filter(status=Status.NEW)
    elif view == "due_soon":
        items = items.filter(paused_at__isnull=True, due_at__gt=now, due_at__lte=clocks.soon(now))
    elif view == "overdue":
        items = items.filter(paused_at__isnull=True, due_at__lt=now)
    return items.order_by("due_at")


@dataclass(frozen=True)
class Step:
    at: dt.datetime
    label: str
    actor: str
    unit: str
    payload: dict
    on_time: bool | None


def timeline(item: Feedback, *, public: bool = False) -> list[Step]:
    """The item's history; the public view leaves out officers' names and free notes."""
    rows = Event.objects.filter(subject_type=events.SUBJECT, subject_id=str(item.pk)).order_by(
        "seq"
    )
    if public:  # officers' own warnings and corrections are not the sender's steps
        rows = rows.exclude(action__in=INTERNAL_EVENTS)
    steps = []
    for e in rows.select_related("unit"):
        payload = {} if public else e.payload
        steps.append(
            Step(
                at=e.at,
                label=event_label(e.action),
                actor="" if public else e.actor_label,
                unit=e.unit.name if e.unit else "",
                payload=payload,
                on_time=e.payload.get("on_time"),
            )
        )
    return steps


def lateness(item: Feedback) -> dict[str, int]:
    """How many timed steps of the history were on time and late (from the events)."""
    result = {"on_time": 0, "late": 0}
    for on_time in Event.objects.filter(
        subject_type=events.SUBJECT, subject_id=str(item.pk), payload__has_key="on_time"
    ).values_list("payload__on_time", flat=True):
        result["on_time" if on_time else "late"] += 1
    return result


def open_statuses() -> tuple:
    return OPEN


def closed_statuses() -> tuple:
    return CLOSED


def public_filter(items: QuerySet) -> QuerySet:
    return items.filter(Q(is_public=True) & Q(merged_into__isnull=True))


# ------------------------------------------------------------------ the sender's own items


def citizen_items(user) -> QuerySet[Feedback]:
    """The feedback a logged-in person sent from the portal (nobody else's), newest first."""
    if user is None or not user.is_authenticated:
        return Feedback.objects.none()
    return (
        Feedback.objects.filter(sender_user=user)
        .select_related("current_unit", "field", "merged_into")
        .order_by("-received_at", "-pk")
    )


def citizen_item(user, code: str) -> Feedback:
    """One of the person's own items; NotFound for any other code (no hint it exists)."""
    item = citizen_items(user).filter(code=(code or "").strip().upper()).first()
    if item is None:
        raise NotFound(
            "Không tìm thấy phản ánh của bạn với mã này.", code=FeedbackError.FEEDBACK_NOT_FOUND
        )
    return item
