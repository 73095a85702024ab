"""Printable forms 01–07 (Circular 03/2025/TT-VPCP; the 2018 set for older dossiers).

Every form is built from the dossier's recorded events (and the rows written with them),
never typed by hand; the rule set kept by the dossier decides the titles and the set.
"""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from motcua.core.errors import NotFound
from motcua.dossiers import events as ev
from motcua.dossiers.errors import DossierError
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Classification, Dossier
from motcua.dossiers.selectors import dossier_events
from motcua.ledger.actions import label as action_label
from motcua.organization.models import Unit

FORMS = ("01", "02", "03", "04", "05", "06", "07")
# Apps above this one add blocks to the slip the applicant keeps (form 01, shown again when
# the result is collected): each gets the dossier and returns safe HTML or "" (surveys: the
# QR code of a satisfaction-survey invitation).
SLIP_EXTRAS: list = []
STOP_EVENTS = (ev.WITHDRAWN, ev.STOPPED)


def vn_long(value: dt.datetime | None) -> str:
    """'HH giờ mm phút, ngày dd tháng MM năm yyyy' in Vietnamese local time."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d} tháng {local:%m} năm {local:%Y}"


def vn_day(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return f"ngày {value:%d} tháng {value:%m} năm {value:%Y}"


def _parse(value):
    return parse_datetime(value) if isinstance(value, str) and value else None


def _unit_names(codes) -> dict[str, str]:
    codes = {c for c in codes if c}
    return dict(Unit.objects.filter(code__in=codes).values_list("code", "name"))


def _form_events() -> dict[str, set[str]]:
    """Form → the events that produce it: the printed form of each action and creation."""
    from motcua.dossiers.actions import ACTIONS, CREATIONS

    produced: dict[str, set[str]] = {}
    for spec in (*ACTIONS, *CREATIONS):
        if spec.form:
            produced.setdefault(spec.form, set()).add(spec.event)
    return produced


def available_forms(dossier: Dossier, history=None) -> list[str]:
    """The forms this dossier's history produced (01–05), then 06 and 07 once received."""
    history = history if history is not None else list(dossier_events(dossier=dossier))
    actions = {e.action for e in history}
    produced = _form_events()
    out = [form for form in ("01", "02", "03", "04") if actions & produced.get(form, set())]
    if (
        actions & produced["05"]
        and "05" in dossier.rule_set.forms
        and dossier.rule_set.code != "2018"
    ):
        out.append("05")
    if dossier.received_at is not None:
        out.extend(["06", "07"])
    return out


def _last(history, actions) -> object | None:
    found = [e for e in history if e.action in actions]
    return found[-1] if found else None


def _handover_rows(history) -> list[dict]:
    rows = []
    names = _unit_names(
        [e.payload.get("from_unit") for e in history] + [e.payload.get("to_unit") for e in history]
    )
    for event in history:
        if event.action not in ev.HANDOVERS:
            continue
        p = event.payload
        from_unit = names.get(p.get("from_unit"), "")
        to_unit = names.get(p.get("to_unit"), "")
        rows.append(
            {
                "label": action_label(event.action),
                "from": ", ".join(
                    x for x in (p.get("from_user") or event.actor_label, from_unit) if x
                ),
                "to": ", ".join(x for x in (p.get("to_user"), to_unit) if x),
                "at": vn_long(event.at),
                "result": "Trễ hạn" if p.get("late") else "Đúng hạn",
                "note": p.get("reasons") or p.get("note") or "",
            }
        )
    return rows


def form_context(dossier: Dossier, form: str) -> dict:
    if form not in FORMS:
        raise NotFound(f"Không có mẫu {form}.", code=DossierError.FORM_UNKNOWN)
    history = list(dossier_events(dossier=dossier))
    if form not in available_forms(dossier, history):
        raise NotFound(
            f"Hồ sơ {dossier.code} chưa có sự kiện để lập mẫu {form}.",
            code=DossierError.FORM_NOT_AVAILABLE,
        )
    unit = dossier.receiving_unit
    context = {
        "dossier": dossier,
        "form": form,
        "rule_set": dossier.rule_set,
        "title": dossier.rule_set.form_title(form),
        "is_2018": dossier.rule_set.code == "2018",
        "issuer": unit,
        "issuer_parent": unit.parent,
        "place": unit.short_name or unit.name,
        "history": history,
    }
    if form == "01":
        event = _last(history, (ev.RECEIVED, ev.ACCEPTED))
        context.update(
            event=event,
            issued=event.at,
            received_long=vn_long(event.at),
            due_long=vn_long(_parse(event.payload.get("due_after"))),
            checklist=event.payload.get("checklist") or [],
            officer=event.actor_label,
            slip_extras=[html for extra in SLIP_EXTRAS if (html := extra(dossier))],
        )
    elif form == "02":
        event = _last(history, (ev.COMPLETION_REQUESTED, ev.SUPPLEMENT_REQUESTED))
        items = event.payload.get("items") or event.payload.get("missing") or []
        context.update(
            event=event,
            issued=event.at,
            items=items,
            reasons=event.payload.get("reasons", ""),
            officer=event.actor_label,
            during_processing=event.action == ev.SUPPLEMENT_REQUESTED,
        )
    elif form == "03":
        event = _last(history, (ev.INTAKE_REFUSED,))
        context.update(
            event=event,
            issued=event.at,
            reasons=event.payload.get("reasons", ""),
            officer=event.actor_label,
        )
    elif form == "04":
        event = _last(history, (ev.APOLOGIZED,))
        context.update(
            event=event,
            issued=event.at,
            reasons=event.payload.get("reasons", ""),
            received_long=vn_long(dossier.received_at),
            due_long=vn_long(_parse(event.payload.get("due_before"))),
            new_due_long=vn_long(_parse(event.payload.get("new_due"))),
            officer=event.actor_label,
            issuer=dossier.competent_unit,
            issuer_parent=dossier.competent_unit.parent,
            place=dossier.competent_unit.short_name or dossier.competent_unit.name,
        )
    elif form == "05":
        event = _last(history, STOP_EVENTS)
        context.update(
            event=event,
            issued=event.at,
            reasons=event.payload.get("reasons", ""),
            withdrawn=event.action == ev.WITHDRAWN,
            officer=event.actor_label,
        )
    elif form == "06":
        received = _last(history, (ev.RECEIVED, ev.ACCEPTED))
        context.update(
            issued=received.at,
            received_long=vn_long(received.at),
            due_long=vn_long(dossier.due_at),
            rows=_handover_rows(history),
        )
    elif form == "07":
        context.update(issued=dossier.received_at, **register_context(dossier=dossier))
    context["issued_day"] = vn_day(context.get("issued"))
    return context


def register_context(*, dossier: Dossier) -> dict:
    """Form 07: the register of the receiving unit for the day this dossier was received."""
    day = timezone.localtime(dossier.received_at).date()
    rows = (
        Dossier.objects.filter(receiving_unit=dossier.receiving_unit, received_at__date=day)
        .select_related("procedure")
        .order_by("received_at", "code")
    )
    classes = dict(Classification.choices)
    return {
        "register_day": vn_day(day),
        "register_rows": [
            {
                "n": n,
                "code": d.code,
                "procedure": d.procedure.name,
                "applicant": d.applicant_name,
                "received": vn_long(d.received_at),
                "due": vn_long(d.effective_due_at),
                "returned": vn_long(d.returned_at),
                "status": Status(d.status).label,
                "classification": classes.get(d.classification, ""),
            }
            for n, d in enumerate(rows, start=1)
        ],
    }


def render_form_html(dossier: Dossier, form: str) -> str:
    context = form_context(dossier, form)
    return render_to_string(f"dossiers/printed/form{form}.html", context)


def render_form_pdf(dossier: Dossier, form: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_form_html(dossier, form)).write_pdf()
