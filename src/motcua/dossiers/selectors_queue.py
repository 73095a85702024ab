"""The officer work queue's rows: only the columns the page shows, read as plain values.

The queue is the officers' most requested page. Its rows were model instances with five
joined models each, and the template asked every row for its status label (Django's
``get_FIELD_display`` rebuilds the whole choices table at each call), its overdue flag, its next
step and two URLs. Here one query reads the fifteen values the page shows (the joined names
included) and each row is a small object whose display values are computed once: the same
answers as ``Dossier.get_status_display`` and ``officer_next``, and the very rules of
``Dossier.is_overdue`` and ``Dossier.effective_due_at`` (``lifecycle.is_overdue``,
``lifecycle.effective_due``: one function each for the model and the rows;
``tests/dossiers/test_queue_page.py`` compares them on every status). The texts the template
printed through filters (the procedure's name cut to 70 and 90 characters, the two times) are
written once per row too, by the same functions (``Truncator``, ``formats.vn_datetime``), and
the rows' HTML by ``queue_markup``: the rows were most of the template's time.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.text import Truncator
from django.utils.translation import get_language

from motcua.core.formats import vn_datetime
from motcua.dossiers.lifecycle import Status, effective_due, is_overdue

#: what one row reads (the joined names included); ``queue_rows`` takes them in this order
ROW_FIELDS = (
    "code",
    "procedure__name",
    "applicant_name",
    "status",
    "holder_unit__name",
    "assignee_id",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__username",
    "received_at",
    "due_at",
    "reappointed_due_at",
    "current_step_id",
    "current_step__order",
    "current_step__name",
)


@dataclass(slots=True)
class QueueRow:
    code: str
    url: str
    procedure_name: str
    applicant_name: str
    status: str
    status_label: str
    holder_unit: str
    assignee: str  # the officer's full name (else the login), "" when nobody holds it
    received_at: dt.datetime | None
    due_at: dt.datetime | None  # the date promised to the applicant (re-appointed if any)
    overdue: bool
    next_step: str
    procedure_short: str  # the name cut as the table shows it (70 characters)
    procedure_card: str  # … and the phone card (90)
    received_text: str
    due_text: str  # "—" when there is none
    risk: Any = None  # the early-warning score, when an app scores risk


def next_step(
    *, status: str, status_label: str, step: tuple[int, str] | None, assignee: str
) -> str:
    """Where the work is: the current step and who holds it (or who should take it)."""
    where = f"Bước {step[0]}: {step[1]}" if step is not None else ""
    if status == Status.WAITING_ASSIGNMENT:
        return f"{where} — chờ phân công" if where else "Chờ phân công"
    if assignee:
        return f"{where} — {assignee}" if where else assignee
    return where or status_label


def queue_values(qs: QuerySet) -> QuerySet:
    """``qs`` (``selectors.dossier_list``) reading only the row's values, in its order."""
    return qs.values_list(*ROW_FIELDS)


def queue_rows(values, *, now: dt.datetime) -> list[QueueRow]:
    """The rows of ``values`` (tuples of ``ROW_FIELDS``, a page of ``queue_values``)."""
    language = get_language()
    labels = _status_labels(language)
    marker = "~code~"
    url = reverse("dossiers:detail", args=[marker])
    rows = []
    for (
        code,
        procedure,
        applicant,
        status,
        holder,
        assignee_id,
        first,
        last,
        username,
        received,
        due,
        reappointed,
        step_id,
        step_order,
        step_name,
    ) in values:
        label = labels.get(status, status)
        assignee = (f"{first} {last}".strip() or username) if assignee_id else ""
        short, card = _cut(procedure, language)
        due_at = effective_due(due, reappointed)
        rows.append(
            QueueRow(
                code=code,
                url=url.replace(marker, _quoted(code)) if "/" not in code else _url(code),
                procedure_name=procedure,
                applicant_name=applicant,
                status=status,
                status_label=label,
                holder_unit=holder or "",
                assignee=assignee,
                received_at=received,
                due_at=due_at,
                overdue=is_overdue(status, due, now),
                next_step=next_step(
                    status=status,
                    status_label=label,
                    step=(step_order, step_name) if step_id else None,
                    assignee=assignee,
                ),
                procedure_short=short,
                procedure_card=card,
                received_text=vn_datetime(received),
                due_text=vn_datetime(due_at) or "—",
            )
        )
    return rows


@functools.lru_cache(maxsize=16)
def _status_labels(language: str | None) -> dict[str, str]:
    """Each status's label in ``language`` (the labels are translated texts)."""
    return {value: str(label) for value, label in Status.choices}


@functools.lru_cache(maxsize=4096)
def _cut(name: str, language: str | None) -> tuple[str, str]:
    """A procedure's name cut to 70 and 90 characters (``Truncator`` weighs each character:
    the province's few thousand names are cut once per process and language — the ellipsis
    is translated)."""
    truncator = Truncator(name)
    return truncator.chars(70), truncator.chars(90)


def _quoted(code: str) -> str:
    """``code`` as ``reverse`` writes it in a path (it quotes the whole URL so)."""
    return quote(code, safe=RFC3986_SUBDELIMS + "/~:@")


def _url(code: str) -> str:
    return reverse("dossiers:detail", args=[code])
