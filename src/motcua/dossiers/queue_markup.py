"""The work queue's rows as HTML, written in Python.

The rows were most of the queue page's rendering time: each of the page's twenty rows is shown
twice (a card on phones, a table row otherwise) and the template engine resolved, localized and
escaped some forty variables and conditions per row. Here each loop's output is written by
string formatting, every value escaped as the template escapes it (``conditional_escape``); the
bytes are the ones ``dossiers/queue.html`` wrote with its two ``{% for %}`` loops
(``tests/dossiers/test_queue_markup.py`` renders the former loops and compares, on every
branch: overdue or not, an assignee or none, a risk of each level, with and without reasons).
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable
from typing import Any

from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from motcua.dossiers.lifecycle import Status
from motcua.dossiers.selectors_queue import QueueRow


def _escape(value: Any) -> str:
    """``conditional_escape``: the standard library's ``html.escape`` for plain text (what
    Django's ``escape`` calls, without its lazy-text wrapper), Django's for anything else."""
    return html.escape(value) if type(value) is str else conditional_escape(value)


_EMPTY_CARD = '\n  <li class="text-muted">Không có hồ sơ.</li>\n  '
_EMPTY_ROW = '\n    <tr><td colspan="8" class="text-muted">Không có hồ sơ.</td></tr>\n  '
_NO_RISK = '<span class="text-muted small">—</span>'


def _at_least(value: Any, limit: float) -> bool:
    """``{% if value >= limit %}``: false when the two do not compare."""
    try:
        return bool(value >= limit)
    except Exception:  # noqa: BLE001 — the template's comparison swallows any error too
        return False


def _badge(probability: Any) -> str:
    if _at_least(probability, 0.5):
        return "bg-danger"
    if _at_least(probability, 0.2):
        return "bg-warning text-dark"
    return "bg-light text-dark border"


def _percent(probability: Any) -> str:
    """``{% widthratio probability 1 100 %}``."""
    try:
        return str(round((float(probability) / 1.0) * 100))
    except (ValueError, TypeError, OverflowError):
        return ""


def _first(reasons: Any) -> Any:
    """``reasons|first`` (the empty text for an empty list)."""
    try:
        return reasons[0]
    except IndexError:
        return ""


def _card(d: QueueRow, e=_escape) -> str:
    r = d.risk
    risk = ""
    if r:
        risk = (
            f'<div class="small">Nguy cơ trễ hạn: <span class="badge {_badge(r.probability)} '
            f'mc-risk">{_percent(r.probability)}%</span> {e(_first(r.reasons) or "")}</div>'
        )
    return (
        '\n  <li class="card mb-2"><div class="card-body p-3">\n'
        f'    <a class="fw-semibold d-block mb-1" href="{e(d.url)}">{e(d.procedure_card)}</a>\n'
        '    <div><span class="badge bg-light text-dark border text-wrap">'
        f"{e(d.status_label)}</span></div>\n"
        f'    <div class="small {"text-danger fw-bold" if d.overdue else ""}">'
        f"Hạn trả: {e(d.due_text)}</div>\n"
        f'    <div class="small">Tiếp theo: <strong>{e(d.next_step)}</strong></div>\n'
        f"    {risk}\n"
        f'    <div class="small text-muted">{e(d.code)} · {e(d.applicant_name)} · '
        f"{e(d.holder_unit)}</div>\n"
        "  </div></li>\n  "
    )


def _row(d: QueueRow, e=_escape) -> str:
    r = d.risk
    if r:
        reasons = r.reasons
        joined = "; ".join(e(v) for v in reasons) if _iterable(reasons) else e(reasons)
        risk = (
            f'<span class="badge {_badge(r.probability)} mc-risk" title="{joined}">'
            f"{_percent(r.probability)}%</span>"
        )
        if reasons:
            risk += f'<div class="small text-muted">{e(_first(reasons))}</div>'
    else:
        risk = _NO_RISK
    assignee = f"<br>{e(d.assignee)}" if d.assignee else ""
    return (
        "\n    <tr>\n"
        f'      <td><a href="{e(d.url)}">{e(d.code)}</a></td>\n'
        f'      <td class="small">{e(d.procedure_short)}</td>\n'
        f"      <td>{e(d.applicant_name)}</td>\n"
        '      <td><span class="badge bg-light text-dark border">'
        f"{e(d.status_label)}</span></td>\n"
        f'      <td class="small">{e(d.holder_unit)}{assignee}</td>\n'
        f'      <td class="small">{e(d.received_text)}</td>\n'
        f'      <td class="small {"text-danger fw-bold" if d.overdue else ""}">'
        f"{e(d.due_text)}</td>\n"
        f'      <td class="small">{risk}</td>\n'
        "    </tr>\n  "
    )


def _iterable(value: Any) -> bool:
    try:
        iter(value)
    except TypeError:
        return False
    return True


def queue_cards(rows: Iterable[QueueRow]) -> SafeString:
    """The phone cards of ``rows`` (the former ``{% for d in page %}`` of ``#queue-cards``)."""
    return mark_safe("".join(_card(d) for d in rows) or _EMPTY_CARD)  # noqa: S308 — escaped


def queue_table_rows(rows: Iterable[QueueRow]) -> SafeString:
    """The table's rows of ``rows`` (the former ``{% for d in page %}`` of the ``<tbody>``)."""
    return mark_safe("".join(_row(d) for d in rows) or _EMPTY_ROW)  # noqa: S308 — escaped


def queue_tabs(tabs: Iterable[tuple[str, Any, int | None]], *, filters: Any) -> SafeString:
    """The queue's tabs with their counts (the former ``{% for key, label, count in tabs %}``)."""
    e = _escape
    scope, current, sort = filters.scope, filters.queue, filters.sort
    sorted_by = f"&amp;sort={e(sort)}" if sort else ""
    out = []
    for key, label, count in tabs:
        active = current == key
        badge = ""
        if count is not None:
            tone = _TAB_TONES.get(key, "bg-secondary")
            badge = f' <span class="badge {tone}">{e(localize(count))}</span>'
        out.append(
            f'\n  <li class="nav-item"><a class="nav-link {"active" if active else ""}" '
            f'{_CURRENT if active else ""} href="?scope={e(scope)}&amp;queue='
            f'{e(key)}{sorted_by}">{e(label)}{badge}</a></li>\n  '
        )
    return mark_safe("".join(out))  # noqa: S308 — every value escaped


_CURRENT = 'aria-current="page"'
_TAB_TONES = {"overdue": "bg-danger", "due_soon": "bg-warning text-dark"}


def status_options(*, selected: str | None) -> SafeString:
    """The status filter's options (the former ``{% for v, l in statuses %}`` over
    ``Status.choices``)."""
    e = _escape
    return mark_safe(  # noqa: S308 — every value escaped
        "".join(
            f'<option value="{e(v)}" {"selected" if selected == v else ""}>{label}</option>'
            for v, label in _labels(get_language())
        )
    )


@functools.lru_cache(maxsize=16)
def _labels(language: str | None) -> list[tuple[str, str]]:
    """The statuses and their escaped labels, once per language (translated texts)."""
    return [(v, _escape(label)) for v, label in Status.choices]
