"""Template questions about a dossier, asked with the model's own rule (never re-written)."""

from django import template

register = template.Library()


@register.filter
def overdue_at(dossier, now) -> bool:
    """``{% if d|overdue_at:now %}``: ``Dossier.is_overdue`` (a paused dossier is not overdue)."""
    return dossier.is_overdue(now)


#: what the applicant does next, by status (the first thing a citizen looks for on a phone)
_CITIZEN_NEXT = {
    "submitted": "Chờ cán bộ một cửa tiếp nhận",
    "intake_incomplete": "Hoàn thiện hồ sơ theo hướng dẫn",
    "intake_refused": "Xem lý do không tiếp nhận",
    "received": "Chờ cơ quan giải quyết",
    "waiting_assignment": "Chờ cơ quan giải quyết",
    "in_progress": "Chờ cơ quan giải quyết",
    "consulting": "Chờ cơ quan giải quyết",
    "supplement_requested": "Bổ sung hồ sơ",
    "payment_requested": "Nộp phí, lệ phí",
    "result_ready": "Nhận kết quả",
    "returned": "Đánh giá mức độ hài lòng",
}


@register.filter
def citizen_next(dossier) -> str:
    return _CITIZEN_NEXT.get(dossier.status, "Đã kết thúc")


@register.filter
def officer_next(dossier) -> str:
    """Where the work is: the current step and who holds it (or who should take it)."""
    from motcua.dossiers.selectors_queue import next_step

    step = dossier.current_step if dossier.current_step_id else None
    assignee = ""
    if dossier.assignee_id:
        assignee = dossier.assignee.get_full_name() or dossier.assignee.get_username()
    return next_step(
        status=dossier.status,
        status_label=str(dossier.get_status_display()),
        step=(step.order, step.name) if step is not None else None,
        assignee=assignee,
    )


def _percent(share: float) -> str:
    from motcua.core.formats import vn_number

    return f"{vn_number(share * 100, 1)} %"


@register.filter
def on_time_pct(row) -> str:
    """The on-time rate of a statistics row; "—" when nothing was resolved (not "0,0 %")."""
    return _percent(row["on_time_share"]) if row.get("resolved") else "—"


@register.filter
def online_pct(row) -> str:
    """The online share of a statistics row; "—" when nothing was received."""
    return _percent(row["online_share"]) if row.get("received") else "—"


@register.filter
def risk_of(risks: dict, code: str):
    """The early-warning score of dossier ``code`` on the work queue (None when not scored)."""
    return risks.get(code) if risks else None
