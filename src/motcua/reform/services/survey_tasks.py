"""A remediation task proposed from the province's own satisfaction survey: a criterion (one
5-point item of a SIPAS factor) under the form's target at one unit becomes a task of a
reform plan, led by that unit. The figures are read again here (never taken from the form
posted), so a criterion at or above target is refused."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from motcua.core.errors import Conflict, InvalidInput
from motcua.ledger.services import event_record
from motcua.organization.models import Unit
from motcua.reform import events
from motcua.reform.errors import ReformError
from motcua.reform.models import DeadlineKind, Index, Plan, Task
from motcua.reform.prefill import SIPAS_FACTOR_NODES
from motcua.reform.services.permissions import require_manage

SECTION = "Khảo sát sự hài lòng của tỉnh (SIPAS)"
DAYS_TO_FIX = 90


def survey_weak_criteria(user, *, year: int) -> dict:
    """Per unit, its criteria under the form's target in ``year`` (the surveys app's index)."""
    from motcua.core.errors import NotFound
    from motcua.reform.selectors import require_staff
    from motcua.surveys.selectors import survey_form_in_force, survey_index, weakest_criteria

    require_staff(user)
    try:
        form = survey_form_in_force(on=dt.date(year, 12, 31))
    except NotFound:
        return {"form": None, "rows": [], "target": None}
    target = float(form.rule["target"])
    rows = survey_index(form=form, date_from=dt.date(year, 1, 1), date_to=dt.date(year, 12, 31))
    return {"form": form, "rows": weakest_criteria(rows, target=target), "target": target}


@transaction.atomic
def survey_task_propose(*, actor, plan: Plan, unit_code: str, criterion: str, year: int) -> Task:
    """Create the task «khắc phục tiêu chí …» in ``plan``, led by the unit; once per plan,
    unit and criterion."""
    require_manage(actor)
    data = survey_weak_criteria(actor, year=year)
    found = next(
        (
            r
            for r in data["rows"]
            if r["unit_code"] == unit_code and r["criterion"].code == criterion
        ),
        None,
    )
    if found is None:
        raise InvalidInput(
            "Tiêu chí này của đơn vị không dưới mục tiêu trong năm đã chọn (hoặc chưa có phiếu).",
            code=ReformError.SURVEY_CRITERION_NOT_WEAK,
        )
    unit = Unit.objects.get(code=unit_code)
    number = f"KS.{criterion}"[:20]
    if Task.objects.filter(plan=plan, lead_unit=unit, number=number).exists():
        raise Conflict(
            f"Kế hoạch {plan.number} đã có nhiệm vụ khắc phục tiêu chí này của {unit.name}.",
            code=ReformError.SURVEY_TASK_EXISTS,
        )
    c, factor, target = found["criterion"], found["factor"], data["target"]
    due = timezone.localdate() + dt.timedelta(days=DAYS_TO_FIX)
    index = Index.objects.filter(code="sipas").first()
    task = Task.objects.create(
        plan=plan,
        index=index,
        section=SECTION,
        criterion_text=(
            f"{factor.title} — {c.title}: {c.percent:.1f}% hài lòng ({c.satisfied}/{c.answers} "
            f"câu trả lời năm {year}), dưới mục tiêu {target * 100:.0f}%".replace(".", ",")
        ),
        number=number,
        text=f"Khắc phục tiêu chí «{c.title}» tại {unit.name}",
        lead_unit=unit,
        lead_text=unit.name,
        deadline_kind=DeadlineKind.DATE,
        period_end=due,
        next_due_on=due,
        order=(plan.tasks.order_by("-order").values_list("order", flat=True).first() or 0) + 1,
    )
    if index is not None:
        factors = data["form"].sections.filter(kind="factor").order_by("order")
        position = [s.code for s in factors].index(factor.code)
        if position < len(SIPAS_FACTOR_NODES):
            framework = index.frameworks.filter(year__lte=year).order_by("-year").first()
            node = framework and framework.nodes.filter(code=SIPAS_FACTOR_NODES[position]).first()
            if node:
                task.nodes.add(node)
    event_record(
        subject_type=events.SUBJECT_TASK,
        subject_id=task.pk,
        action=events.TASK_CREATED,
        actor=actor,
        unit=unit,
        payload={
            "plan": plan.number,
            "number": number,
            "lead": [unit.code],
            "source": "survey",
            "criterion": criterion,
            "share": c.share,
            "target": target,
            "period_end": due,
        },
    )
    return task
