"""JSON API of feedback (/api/feedback/). Officers: the queue, one item, one POST endpoint per
row of the allowed-actions table (generated from it; the services check status, role and
unit), statistics. Citizens (the same token or session as the citizen API): ``/mine``, their
own items only."""

import datetime as dt

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from motcua.core.api_pagination import Pagination
from motcua.core.errors import PermissionDenied
from motcua.feedback import actions, selectors, services, stats
from motcua.organization.auth import officer_auth
from motcua.organization.permissions import has_role, units_of
from motcua.organization.selectors import unit_subtree_ids

router = Router(tags=["Phản ánh, kiến nghị"], auth=officer_auth)


class FeedbackItemOut(Schema):
    code: str
    title: str
    status: str
    status_label: str
    channel: str
    current_unit: str
    received_at: dt.datetime
    due_at: dt.datetime | None
    paused: bool
    round: int

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_current_unit(obj) -> str:
        return obj.current_unit.name

    @staticmethod
    def resolve_paused(obj) -> bool:
        return obj.is_paused


class DetailOut(FeedbackItemOut):
    content: str
    sender_name: str
    sender_phone: str
    sender_address: str
    is_public: bool
    show_name: bool
    allowed_actions: list[str]


class CitizenStepOut(Schema):
    at: dt.datetime
    label: str
    unit: str


class CitizenFeedbackOut(Schema):
    code: str
    title: str
    status: str
    status_label: str
    current_unit: str
    field: str | None
    received_at: dt.datetime
    due_at: dt.datetime | None
    paused: bool
    closed_at: dt.datetime | None
    is_public: bool
    merged_into: str | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_current_unit(obj) -> str:
        return obj.current_unit.name

    @staticmethod
    def resolve_field(obj) -> str | None:
        return obj.field.name if obj.field else None

    @staticmethod
    def resolve_paused(obj) -> bool:
        return obj.is_paused

    @staticmethod
    def resolve_merged_into(obj) -> str | None:
        return obj.merged_into.code if obj.merged_into_id else None


class CitizenAnswerOut(Schema):
    round: int
    answer: str
    published_at: dt.datetime | None
    rating: int | None


class CitizenFeedbackDetailOut(CitizenFeedbackOut):
    content: str
    place_address: str
    show_name: bool
    answer: CitizenAnswerOut | None
    timeline: list[CitizenStepOut]
    allowed_actions: list[str]


@router.get("/mine", response=list[CitizenFeedbackOut], summary="Phản ánh, kiến nghị của tôi")
@paginate(Pagination)
def my_items(request):
    return selectors.citizen_items(request.user)


@router.get(
    "/mine/{code}",
    response=CitizenFeedbackDetailOut,
    summary="Một phản ánh của tôi (trả lời, quá trình xử lý, thao tác được làm)",
)
def my_item(request, code: str):
    return _mine_detail(selectors.citizen_item(request.user, code), request.user)


def _mine_detail(item, user):
    """The sender's view of ``item``: the answer, the public timeline, what he may do now."""
    followed = selectors.followed(item)
    answer = selectors.final_answer(followed)
    item.answer = (
        {
            "round": answer.number,
            "answer": answer.answer,
            "published_at": answer.published_at,
            "rating": answer.rating,
        }
        if answer is not None
        else None
    )
    item.timeline = selectors.timeline(followed, public=True)
    item.allowed_actions = [a.code for a in selectors.allowed_actions(item, user) if a.for_sender]
    return item


def _sender_endpoint(row: actions.Action):
    """The sender's own action (reopen, rate) on one of his items: the page's service."""

    def endpoint(request, code, payload):
        item = selectors.citizen_item(request.user, code)  # 404 for anybody else's item
        item = services.feedback_perform(
            feedback=item, action=row.code, actor=request.user, data=payload.dict()
        )
        return _mine_detail(item, request.user)

    endpoint.__annotations__ = {"code": str, "payload": row.schema}
    endpoint.__name__ = f"feedback_mine_{row.code}"
    return endpoint


for _row in actions.ACTIONS:
    if not _row.for_sender:
        continue
    router.add_api_operation(
        f"/mine/{{code}}/{_row.code}",
        ["POST"],
        _sender_endpoint(_row),
        response=CitizenFeedbackDetailOut,
        summary=f"{_row.label} (người gửi)",
        description=(
            f"Từ trạng thái: {', '.join(str(s.label) for s in _row.sources)}. "
            "Chỉ người gửi đã đăng nhập, trên phản ánh của chính mình."
        ),
    )


class FeedbackQueueFilters(Schema):
    scope: str = "unit"
    view: str = ""


@router.get("/", response=list[FeedbackItemOut], summary="Hàng đợi phản ánh của cán bộ")
@paginate(Pagination)
def queue(request, filters: Query[FeedbackQueueFilters]):
    return selectors.officer_queue(request.user, scope=filters.scope, view=filters.view)


def _detail(item, user):
    """The item with the actions ``user`` may take now (what DetailOut reads)."""
    item.allowed_actions = [
        a.code for a in selectors.allowed_actions(item, user) if not a.for_sender
    ]
    return item


@router.get("/items/{code}", response=DetailOut, summary="Một phản ánh (cán bộ xử lý)")
def detail(request, code: str):
    return _detail(selectors.officer_item(request.user, code), request.user)


def _action_endpoint(row: actions.Action):
    def endpoint(request, code, payload):
        item = selectors.officer_item(request.user, code)
        item = services.feedback_perform(
            feedback=item, action=row.code, actor=request.user, data=payload.dict()
        )
        return _detail(item, request.user)

    endpoint.__annotations__ = {"code": str, "payload": row.schema}  # the row's own schema
    endpoint.__name__ = f"feedback_{row.code}"
    return endpoint


for _row in actions.ACTIONS:
    if _row.for_sender:
        continue
    router.add_api_operation(
        f"/items/{{code}}/{_row.code}",
        ["POST"],
        _action_endpoint(_row),
        response=DetailOut,
        summary=_row.label,
        description=(
            f"Từ trạng thái: {', '.join(str(s.label) for s in _row.sources)}. "
            f"Vai trò: {', '.join(str(r.label) for r in _row.roles)} tại đơn vị đang xử lý."
        ),
    )


class FeedbackStatsFilters(Schema):
    start: dt.date
    end: dt.date
    by: str = "unit"


@router.get("/stats", summary="Thống kê phản ánh theo đơn vị hoặc lĩnh vực")
def statistics(request, filters: Query[FeedbackStatsFilters]):
    user = request.user
    if not has_role(user, selectors.READERS):
        raise PermissionDenied("Chỉ cán bộ xem được thống kê này.")
    unit_ids = None
    if not user.is_superuser and not has_role(user, ("inspector", "province_admin")):
        unit_ids = unit_subtree_ids([u.pk for u in units_of(user, selectors.READERS)])
    data = stats.feedback_stats(
        start=filters.start, end=filters.end, by=filters.by, unit_ids=unit_ids
    )
    return {
        "start": data["start"],
        "end": data["end"],
        "by": data["by"],
        "rows": [r.as_dict() for r in data["rows"]],
        "total": data["total"].as_dict(),
    }
