"""The work queue's rows written in Python are the bytes the template's loops wrote."""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace

from django.template import Context, Template

from motcua.dossiers.lifecycle import Status
from motcua.dossiers.queue_markup import queue_cards, queue_table_rows, queue_tabs, status_options
from motcua.dossiers.selectors import DossierFilters
from motcua.dossiers.selectors_queue import QueueRow

# the two loops of dossiers/queue.html before they were written in Python (verbatim)
CARDS = """{% for d in page %}
  <li class="card mb-2"><div class="card-body p-3">
    <a class="fw-semibold d-block mb-1" href="{{ d.url }}">{{ d.procedure_card }}</a>
    <div><span class="badge bg-light text-dark border text-wrap">{{ d.status_label }}</span></div>
    <div class="small {% if d.overdue %}text-danger fw-bold{% endif %}">Hạn trả: {{ d.due_text }}</div>
    <div class="small">Tiếp theo: <strong>{{ d.next_step }}</strong></div>
    {% with r=d.risk %}{% if r %}<div class="small">Nguy cơ trễ hạn: <span class="badge {% if r.probability >= 0.5 %}bg-danger{% elif r.probability >= 0.2 %}bg-warning text-dark{% else %}bg-light text-dark border{% endif %} mc-risk">{% widthratio r.probability 1 100 %}%</span> {{ r.reasons|first|default:"" }}</div>{% endif %}{% endwith %}
    <div class="small text-muted">{{ d.code }} · {{ d.applicant_name }} · {{ d.holder_unit }}</div>
  </div></li>
  {% empty %}
  <li class="text-muted">Không có hồ sơ.</li>
  {% endfor %}"""  # noqa: E501
ROWS = """{% for d in page %}
    <tr>
      <td><a href="{{ d.url }}">{{ d.code }}</a></td>
      <td class="small">{{ d.procedure_short }}</td>
      <td>{{ d.applicant_name }}</td>
      <td><span class="badge bg-light text-dark border">{{ d.status_label }}</span></td>
      <td class="small">{{ d.holder_unit }}{% if d.assignee %}<br>{{ d.assignee }}{% endif %}</td>
      <td class="small">{{ d.received_text }}</td>
      <td class="small {% if d.overdue %}text-danger fw-bold{% endif %}">{{ d.due_text }}</td>
      <td class="small">{% with r=d.risk %}{% if r %}<span class="badge {% if r.probability >= 0.5 %}bg-danger{% elif r.probability >= 0.2 %}bg-warning text-dark{% else %}bg-light text-dark border{% endif %} mc-risk" title="{{ r.reasons|join:'; ' }}">{% widthratio r.probability 1 100 %}%</span>{% if r.reasons %}<div class="small text-muted">{{ r.reasons|first }}</div>{% endif %}{% else %}<span class="text-muted small">—</span>{% endif %}{% endwith %}</td>
    </tr>
  {% empty %}
    <tr><td colspan="8" class="text-muted">Không có hồ sơ.</td></tr>
  {% endfor %}"""  # noqa: E501

TABS = """{% for key, label, count in tabs %}
  <li class="nav-item"><a class="nav-link {% if filters.queue == key %}active{% endif %}" {% if filters.queue == key %}aria-current="page"{% endif %} href="?scope={{ filters.scope }}&amp;queue={{ key }}{% if filters.sort %}&amp;sort={{ filters.sort }}{% endif %}">{{ label }}{% if count is not None %} <span class="badge {% if key == 'overdue' %}bg-danger{% elif key == 'due_soon' %}bg-warning text-dark{% else %}bg-secondary{% endif %}">{{ count }}</span>{% endif %}</a></li>
  {% endfor %}"""  # noqa: E501
OPTIONS = """{% for v, l in statuses %}<option value="{{ v }}" {% if filters.status == v %}selected{% endif %}>{{ l }}</option>{% endfor %}"""  # noqa: E501

RISKS = [
    None,
    SimpleNamespace(probability=0.734, reasons=["Bước <thẩm định> chậm", "Đơn vị & quá tải"]),
    SimpleNamespace(probability=0.5, reasons=[]),
    SimpleNamespace(probability=0.2049, reasons=["Thiếu \"giấy tờ\" 'bổ sung'"]),
    SimpleNamespace(probability=0.0, reasons=["một lý do"]),
    SimpleNamespace(probability=0.125, reasons=[]),
]


def _row(n: int, *, risk, overdue: bool, assignee: str) -> QueueRow:
    at = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)
    return QueueRow(
        code=f"H01.{n}-260302-000{n}",
        url=f"/can-bo/ho-so/H01.{n}-260302-000{n}/",
        procedure_name="Cấp giấy phép <xây dựng> & sửa chữa",
        applicant_name="Nguyễn Văn \"A\" <b>'x'</b>",
        status="in_progress",
        status_label="Đang xử lý",
        holder_unit="Sở Xây dựng & Giao thông",
        assignee=assignee,
        received_at=at,
        due_at=at,
        overdue=overdue,
        next_step="Bước 2: Thẩm định — <Trần Thị B>",
        procedure_short="Cấp giấy phép <xây dựng> &…",
        procedure_card="Cấp giấy phép <xây dựng> & sửa…",
        received_text="02/03/2026 15:00",
        due_text="—",
        risk=risk,
    )


def test_the_rows_are_the_bytes_the_template_wrote_on_every_branch():
    # given rows on every branch: risk levels and reasons, overdue or not, assignee or none
    branches = itertools.product(RISKS, (True, False), ("", "Lê <C> & D"))
    rows = [
        _row(n, risk=risk, overdue=overdue, assignee=who)
        for n, (risk, overdue, who) in enumerate(branches)
    ]
    for page in (rows, rows[:1], []):
        # when / then
        context = Context({"page": page})
        assert queue_cards(page) == Template(CARDS).render(context)
        assert queue_table_rows(page) == Template(ROWS).render(context)


def test_the_tabs_and_the_status_options_are_the_bytes_the_template_wrote():
    from motcua.dossiers.views import QUEUES

    counts = [12345, 0, 7, 1_000_000, None, None]
    tabs = [(key, label, n) for (key, label), n in zip(QUEUES, counts, strict=True)]
    for queue, sort, status in itertools.product(
        ("todo", "overdue", ""), ("", "risk"), (None, "in_progress", "4")
    ):
        filters = DossierFilters(scope="mine", queue=queue, sort=sort, status=status)
        context = Context({"tabs": tabs, "filters": filters, "statuses": Status.choices})
        assert queue_tabs(tabs, filters=filters) == Template(TABS).render(context)
        expected = Template(OPTIONS).render(context)
        assert status_options(selected=status) == expected
