"""The allowed-actions table of a feedback item: described once, used everywhere.

Each row says from which statuses an action may be taken, the status it leads to, who may take
it (officer roles at the item's current unit, or the sender), its input schema, the service
that performs it and the history event it records. The API endpoints (``api.py``), the page
dispatch and the buttons (``views.py``) are generated from this table; services check it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ninja import Field, Schema

from motcua.core.actions import STAY, ActionRegistry, ActionSpec, Outcome
from motcua.feedback import events
from motcua.feedback.models import Status
from motcua.organization.models import Role

OFFICERS = (Role.DESK_OFFICER, Role.SPECIALIST, Role.UNIT_LEADER)
HANDLERS = (Role.SPECIALIST, Role.UNIT_LEADER)
LEADERS = (Role.UNIT_LEADER,)
PUBLISHERS = (Role.DESK_OFFICER, Role.UNIT_LEADER)

TEXTAREA = {"widget": "textarea"}
RATING_CHOICES = [
    (5, "Rất hài lòng"),
    (4, "Hài lòng"),
    (3, "Bình thường"),
    (2, "Chưa hài lòng"),
    (1, "Không hài lòng"),
]


class FeedbackRejectIn(Schema):
    reason: str = Field(
        ..., min_length=5, max_length=4000, title="Lý do từ chối", json_schema_extra=TEXTAREA
    )


class FeedbackRequestInfoIn(Schema):
    question: str = Field(
        ...,
        min_length=5,
        max_length=4000,
        title="Thông tin cần bổ sung",
        json_schema_extra=TEXTAREA,
    )


class FeedbackTransferIn(Schema):
    to_unit: int | None = Field(
        None, title="Đơn vị có thẩm quyền trong tỉnh", json_schema_extra={"widget": "unit"}
    )
    body_name: str = Field("", max_length=255, title="Hoặc cơ quan ngoài tỉnh (ghi tên cơ quan)")
    conduct: bool = Field(False, title="Phản ánh về hành vi của cán bộ, công chức")
    reason: str = Field(
        ..., min_length=5, max_length=4000, title="Lý do chuyển", json_schema_extra=TEXTAREA
    )


class FeedbackNoteIn(Schema):
    note: str = Field("", max_length=4000, title="Ghi chú", json_schema_extra=TEXTAREA)


class FeedbackDraftIn(Schema):
    answer: str = Field(
        ..., min_length=10, max_length=20000, title="Nội dung trả lời", json_schema_extra=TEXTAREA
    )
    # The decree's six criteria, when the feedback is about a regulation.
    necessity: str = Field("", max_length=2000, title="Sự cần thiết")
    legality: str = Field("", max_length=2000, title="Tính hợp pháp, hợp lý")
    simplicity: str = Field("", max_length=2000, title="Tính đơn giản, dễ hiểu")
    feasibility: str = Field("", max_length=2000, title="Tính khả thi")
    consistency: str = Field("", max_length=2000, title="Tính đồng bộ, thống nhất")
    treaty: str = Field("", max_length=2000, title="Phù hợp điều ước quốc tế")


class FeedbackSendBackIn(Schema):
    reason: str = Field(
        ..., min_length=5, max_length=4000, title="Lý do trả lại", json_schema_extra=TEXTAREA
    )


class FeedbackEmptyIn(Schema):
    pass


class FeedbackMergeIn(Schema):
    into_code: str = Field(..., min_length=4, max_length=24, title="Mã phản ánh gốc (trùng)")


class FeedbackProvideInfoIn(Schema):
    info: str = Field(
        ..., min_length=5, max_length=8000, title="Thông tin bổ sung", json_schema_extra=TEXTAREA
    )
    phone4: str = Field("", max_length=4, title="4 số cuối điện thoại người gửi")


class FeedbackReopenIn(Schema):
    reason: str = Field(
        ...,
        min_length=5,
        max_length=4000,
        title="Vì sao câu trả lời chưa giải quyết được phản ánh",
        json_schema_extra=TEXTAREA,
    )
    phone4: str = Field("", max_length=4, title="4 số cuối điện thoại người gửi")


class FeedbackReclassifyIn(Schema):
    field: str | None = Field(
        None, max_length=20, title="Lĩnh vực (mã)", json_schema_extra={"widget": "field"}
    )
    procedure_code: str | None = Field(None, max_length=40, title="Mã thủ tục hành chính liên quan")
    subject_unit: int | None = Field(
        None, title="Đơn vị bị phản ánh", json_schema_extra={"widget": "subject_unit"}
    )
    reason: str = Field(
        ..., min_length=5, max_length=2000, title="Lý do điều chỉnh", json_schema_extra=TEXTAREA
    )


class FeedbackRateIn(Schema):
    rating: int = Field(
        ..., ge=1, le=5, title="Mức hài lòng (1 đến 5)", json_schema_extra={"widget": "rating"}
    )
    comment: str = Field("", max_length=2000, title="Ý kiến")
    phone4: str = Field("", max_length=4, title="4 số cuối điện thoại người gửi")


@dataclass(frozen=True)
class Action:
    code: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the status does not change
    roles: tuple[str, ...]  # officer roles at the item's current unit; () = the sender
    schema: type[Schema]
    service: str  # name of the function in motcua.feedback.services
    event: str
    style: str = "primary"
    printed: str | None = None  # the printed form this action produces
    limit: str | None = None  # the clock (clocks.DEFAULTS) that says on time / late
    extra: dict = field(default_factory=dict)

    @property
    def for_sender(self) -> bool:
        return not self.roles


ACTIONS: tuple[Action, ...] = (
    Action(
        "accept",
        "Thụ lý xử lý",
        (Status.NEW,),
        Status.HANDLING,
        OFFICERS,
        FeedbackNoteIn,
        "feedback_accept",
        events.ACCEPTED,
        limit="classify",
    ),
    Action(
        "request_info",
        "Đề nghị bổ sung thông tin",
        (Status.NEW,),
        Status.INFO_REQUESTED,
        OFFICERS,
        FeedbackRequestInfoIn,
        "feedback_request_info",
        events.INFO_REQUESTED,
        style="secondary",
        limit="request_info",
    ),
    Action(
        "transfer",
        "Chuyển đơn vị có thẩm quyền",
        (Status.NEW,),
        Status.NEW,
        OFFICERS,
        FeedbackTransferIn,
        "feedback_transfer",
        events.TRANSFERRED,
        style="warning",
        printed="transfer_letter",
        limit="transfer",
    ),
    Action(
        "reject",
        "Từ chối tiếp nhận",
        (Status.NEW, Status.INFO_REQUESTED),
        Status.REJECTED,
        OFFICERS,
        FeedbackRejectIn,
        "feedback_reject",
        events.REJECTED,
        style="danger",
        limit="reject",
    ),
    Action(
        "merge",
        "Gộp vào phản ánh trùng",
        (Status.NEW, Status.INFO_REQUESTED, Status.HANDLING),
        Status.MERGED,
        OFFICERS,
        FeedbackMergeIn,
        "feedback_merge",
        events.MERGED,
        style="secondary",
    ),
    Action(
        "reclassify",
        "Điều chỉnh phân loại",
        (Status.NEW, Status.INFO_REQUESTED, Status.HANDLING, Status.DRAFTED, Status.ANSWERED),
        None,
        OFFICERS,
        FeedbackReclassifyIn,
        "feedback_reclassify",
        events.RECLASSIFIED,
        style="secondary",
    ),
    Action(
        "draft",
        "Dự thảo trả lời",
        (Status.HANDLING,),
        Status.DRAFTED,
        HANDLERS,
        FeedbackDraftIn,
        "feedback_draft",
        events.DRAFTED,
        limit="handle",
    ),
    Action(
        "approve",
        "Duyệt trả lời",
        (Status.DRAFTED,),
        Status.ANSWERED,
        LEADERS,
        FeedbackNoteIn,
        "feedback_approve",
        events.APPROVED,
        style="success",
        printed="answer",
        limit="handle",
    ),
    Action(
        "send_back",
        "Trả lại dự thảo",
        (Status.DRAFTED,),
        Status.HANDLING,
        LEADERS,
        FeedbackSendBackIn,
        "feedback_send_back",
        events.SENT_BACK,
        style="secondary",
    ),
    Action(
        "publish",
        "Công khai, gửi trả lời",
        (Status.ANSWERED,),
        Status.PUBLISHED,
        PUBLISHERS,
        FeedbackEmptyIn,
        "feedback_publish",
        events.PUBLISHED,
        style="success",
        limit="publish",
    ),
    Action(
        "provide_info",
        "Bổ sung thông tin",
        (Status.INFO_REQUESTED,),
        Status.NEW,
        (),
        FeedbackProvideInfoIn,
        "feedback_provide_info",
        events.INFO_PROVIDED,
    ),
    Action(
        "reopen",
        "Đề nghị xử lý lại",
        (Status.PUBLISHED,),
        Status.HANDLING,
        (),
        FeedbackReopenIn,
        "feedback_reopen",
        events.REOPENED,
        style="warning",
        limit="reopen",
    ),
    Action(
        "rate",
        "Đánh giá câu trả lời",
        (Status.PUBLISHED,),
        None,
        (),
        FeedbackRateIn,
        "feedback_rate",
        events.RATED,
        style="success",
    ),
)

BY_CODE = {a.code: a for a in ACTIONS}

# The same rows in the project's generic registry (``core.actions``): its allowed-actions table
# and its refusal (409) are the ones the dossiers use.
REGISTRY = ActionRegistry("phản ánh", Status.values, lambda status: str(Status(status).label))
for _row in ACTIONS:
    REGISTRY.register(
        ActionSpec(
            code=_row.code,
            label=_row.label,
            allowed_from=tuple(_row.sources),
            leads_to=(
                STAY
                if _row.target is None
                else Outcome(
                    pick=lambda item: item.status,
                    statuses=(Status.NEW, Status.TRANSFERRED_OUT),
                    rule="trong tỉnh: chờ phân loại tại đơn vị nhận; ngoài tỉnh: kết thúc",
                )
                if _row.code == "transfer"
                else _row.target
            ),
            roles=frozenset(_row.roles),
            unit_rule="đơn vị đang xử lý phản ánh" if _row.roles else "người gửi phản ánh",
            input=_row.schema,
            event=_row.event,
            form=_row.printed,
        )
    )


def get(code: str) -> Action:
    from motcua.core.errors import NotFound
    from motcua.feedback.errors import FeedbackError

    try:
        return BY_CODE[code]
    except KeyError:
        raise NotFound("Không có thao tác này.", code=FeedbackError.ACTION_NOT_FOUND) from None


def form_fields(action: Action) -> list[dict]:
    """The page form of an action, from its schema (name, label, widget, required)."""
    rows = []
    for name, info in action.schema.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        widget = extra.get("widget")
        if widget is None:
            widget = "checkbox" if info.annotation is bool else "text"
        rows.append(
            {
                "name": name,
                "label": info.title or name,
                "widget": widget,
                "required": info.is_required(),
                "max_length": next(
                    (m.max_length for m in info.metadata if hasattr(m, "max_length")), None
                ),
            }
        )
    return rows


def form_label(action: Action, loc) -> str:
    name = str(loc[0]) if loc else "?"
    info = action.schema.model_fields.get(name)
    return info.title if info is not None and info.title else name
