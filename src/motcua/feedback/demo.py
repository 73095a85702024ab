"""Demo feedback history: a few hundred items over the last months, made through the services
(back-dated with their ``now``), some late, some reopened, some still open in the queues.

Each field of the catalog is handled by one department (with some noise), so that past routed
items say which unit handles which subject.
"""

from __future__ import annotations

import datetime as dt
import time

from django.utils import timezone

from motcua.catalog.models import Field, Procedure
from motcua.core.formats import VN_TZ
from motcua.feedback.clocks import HOURS_PER_DAY
from motcua.feedback.models import Channel, Feedback
from motcua.feedback.services import feedback_perform, feedback_submit
from motcua.ledger.services import event_batch
from motcua.organization.models import Role, StaffRole, UnitKind
from motcua.workcalendar.services import add_working_time

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Quốc", "Ngọc", "Đức", "Thu", "Hữu"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dung",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Ngân",
    "Phúc",
    "Quang",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trung",
    "Tuấn",
    "Yến",
]
STREETS = [
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Hùng Vương",
    "Nguyễn Huệ",
    "Quang Trung",
    "Lý Thường Kiệt",
    "Hai Bà Trưng",
    "Phan Chu Trinh",
    "Nguyễn Trãi",
    "Lê Duẩn",
]
ISSUES = [
    (
        "Yêu cầu nộp thêm giấy tờ ngoài quy định",
        "Khi nộp hồ sơ {p}, cán bộ yêu cầu bổ sung giấy tờ không có trong thành phần hồ sơ đã "
        "công bố. Đề nghị làm rõ quy định.",
    ),
    (
        "Thời gian giải quyết kéo dài",
        "Hồ sơ {p} của tôi đã quá hạn trả kết quả nhưng chưa nhận được thông báo hay thư xin lỗi.",
    ),
    (
        "Phí, lệ phí chưa rõ ràng",
        "Mức thu phí khi làm thủ tục {p} khác với mức niêm yết. Đề nghị công khai mức thu.",
    ),
    (
        "Đề nghị đơn giản hóa thủ tục",
        "Thủ tục {p} yêu cầu nhiều bản sao chứng thực, đề nghị cho phép dùng dữ liệu dân cư "
        "thay cho bản sao.",
    ),
    (
        "Hướng dẫn không thống nhất",
        "Mỗi lần hỏi về {p} cán bộ hướng dẫn một kiểu, đề nghị ban hành hướng dẫn thống nhất.",
    ),
    (
        "Không nộp được hồ sơ trực tuyến",
        "Cổng dịch vụ công báo lỗi khi nộp hồ sơ {p} trực tuyến, tôi phải đến nộp trực tiếp.",
    ),
    (
        "Thái độ phục vụ chưa tốt",
        "Cán bộ tiếp nhận hồ sơ {p} có thái độ thiếu tôn trọng người dân, đề nghị chấn chỉnh.",
    ),
]
ANSWERS = [
    "Qua kiểm tra, đơn vị đã chấn chỉnh việc tiếp nhận và hướng dẫn đúng thành phần hồ sơ theo "
    "quyết định công bố thủ tục hành chính.",
    "Đơn vị đã rà soát quy trình, rút ngắn thời gian xử lý và gửi thư xin lỗi đến người dân.",
    "Mức thu phí, lệ phí được thực hiện theo nghị quyết của HĐND tỉnh; đơn vị đã niêm yết lại "
    "đầy đủ tại bộ phận một cửa.",
    "Đơn vị ghi nhận kiến nghị và đã đề xuất phương án đơn giản hóa trong kế hoạch rà soát năm.",
]


def _user(role: str, unit) -> object | None:
    row = (
        StaffRole.objects.filter(role=role, unit=unit, valid_to__isnull=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return row.user if row else None


def _staff():
    """Receiving desk (the centre) and handling units with a specialist and a leader."""
    centre_role = (
        StaffRole.objects.filter(role=Role.DESK_OFFICER, unit__kind=UnitKind.SERVICE_CENTRE)
        .select_related("unit", "user")
        .first()
    )
    handlers = []
    for role in (
        StaffRole.objects.filter(
            role=Role.UNIT_LEADER,
            valid_to__isnull=True,
            unit__kind=UnitKind.DEPARTMENT,
            unit__valid_to__isnull=True,  # the feedback is recent: today's departments
        )
        .select_related("unit", "user")
        .order_by("unit__code")
    ):
        specialist = _user(Role.SPECIALIST, role.unit)
        if specialist is not None:
            handlers.append((role.unit, specialist, role.user))
    return centre_role, handlers


def _wd(t: dt.datetime, days: float, unit) -> dt.datetime:
    return add_working_time(t, days * HOURS_PER_DAY, unit=unit)


def load(*, rng, stdout, options) -> None:
    started = time.monotonic()
    centre_role, handlers = _staff()
    fields = list(Field.objects.order_by("code"))
    if centre_role is None or not handlers or not fields:
        stdout.write("  Phản ánh mẫu: bỏ qua (thiếu đơn vị, cán bộ hoặc lĩnh vực).")
        return
    centre, desk = centre_role.unit, centre_role.user
    owner = {f.pk: handlers[i % len(handlers)] for i, f in enumerate(fields)}
    procedures = {}
    for p in Procedure.objects.only("pk", "name", "field_id").order_by("code"):
        procedures.setdefault(p.field_id, []).append(p)
    count = 60 if options.get("small") else 300
    now = timezone.now()
    first = now - dt.timedelta(days=150)
    stamps = sorted(first + dt.timedelta(seconds=rng.uniform(0, 148 * 86400)) for _ in range(count))
    made = {"late": 0, "reopened": 0, "open": 0}
    done: list[Feedback] = []
    for chunk in range(0, count, 40):
        with event_batch():
            for received in stamps[chunk : chunk + 40]:
                _one(rng, received, now, centre, desk, fields, owner, procedures, done, made)
    stdout.write(
        f"  Phản ánh mẫu: {count} phản ánh, kiến nghị ({made['late']} trả lời trễ hạn, "
        f"{made['reopened']} xử lý lại, {made['open']} đang xử lý) trong "
        f"{time.monotonic() - started:.1f} giây."
    )


def _one(rng, received, now, centre, desk, fields, owner, procedures, done, made) -> None:
    received = received.astimezone(VN_TZ).replace(
        hour=rng.randint(7, 16), minute=rng.choice((5, 20, 35, 50))
    )
    field = rng.choice(fields)
    procedure = rng.choice(procedures[field.pk]) if procedures.get(field.pk) else None
    title, text = rng.choice(ISSUES)
    subject = procedure.name if procedure else "thủ tục hành chính"
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    channel = rng.choice([Channel.PORTAL] * 6 + [Channel.HOTLINE, Channel.DESK, Channel.EMAIL])
    item = feedback_submit(
        channel=channel,
        actor=None if channel == Channel.PORTAL else desk,
        title=title,
        content=text.format(p=subject),
        sender_name=name,
        sender_phone=f"09{rng.randint(10_000_000, 99_999_999)}",
        sender_address=f"{rng.randint(1, 300)} {rng.choice(STREETS)}",
        show_name=rng.random() < 0.3,
        is_public=rng.random() < 0.85,
        procedure=procedure,
        field=field,
        receiving_unit=centre,
        throttle=False,
        now=received,
    )
    done.append(item)
    t = received

    def step(action, actor, days, **data):
        nonlocal t, item
        when = _wd(t, days, item.current_unit)
        if when >= now:
            return False
        item = feedback_perform(feedback=item, action=action, actor=actor, data=data, now=when)
        t = when
        return True

    draw = rng.random()
    if draw < 0.07:
        step(
            "reject",
            desk,
            rng.uniform(0.3, 2.5),
            reason="Nội dung là khiếu nại, đã hướng "
            "dẫn người gửi làm đơn khiếu nại theo Luật Khiếu nại.",
        )
        return
    if draw < 0.11 and len(done) > 5:
        original = rng.choice(done[-30:-1])
        original.refresh_from_db(fields=["status"])
        if original.pk != item.pk and original.status not in (
            "merged",
            "rejected",
            "transferred_out",
        ):
            step("merge", desk, rng.uniform(0.2, 1.5), into_code=original.code)
            return
    if draw < 0.14:
        step(
            "transfer",
            desk,
            rng.uniform(0.5, 4),
            body_name="Bộ Tài chính",
            reason="Nội dung thuộc thẩm quyền của bộ, ngành trung ương.",
        )
        return
    if draw < 0.2:
        if not step(
            "request_info",
            desk,
            rng.uniform(0.3, 2),
            question="Đề nghị cho biết số biên nhận hồ sơ và thời gian nộp.",
        ):
            made["open"] += 1
            return
        if not step(
            "provide_info",
            None,
            rng.uniform(0.5, 4),
            info="Số biên nhận trên giấy tiếp nhận, nộp tuần trước.",
            phone4=item.sender_phone[-4:],
        ):
            made["open"] += 1
            return
    unit, specialist, leader = (
        owner[field.pk] if rng.random() < 0.9 else rng.choice(list(owner.values()))
    )
    late = rng.random() < 0.15
    ok = (
        step(
            "transfer",
            desk,
            rng.uniform(0.3, 6 if late else 4),
            to_unit=unit.pk,
            reason=f"Nội dung thuộc lĩnh vực {field.name} do {unit.name} quản lý.",
        )
        and step("accept", specialist, rng.uniform(0.2, 2), note="")
        and step(
            "draft",
            specialist,
            rng.uniform(16, 22) if late else rng.uniform(2, 12),
            answer=rng.choice(ANSWERS),
            legality="Quy định phù hợp pháp luật hiện hành.",
        )
        and step("approve", leader, rng.uniform(0.1, 1.5))
        and step("publish", leader, rng.uniform(0.1, 3 if late else 1.8))
    )
    if not ok:
        made["open"] += 1
        return
    made["late"] += item.rounds.filter(answered_at__gt=item.rounds.first().due_at).count()
    phone4 = item.sender_phone[-4:]
    if rng.random() < 0.6:
        step(
            "rate",
            None,
            rng.uniform(0.1, 3),
            rating=rng.choices((5, 4, 3, 2, 1), (35, 35, 15, 10, 5))[0],
            phone4=phone4,
        )
        if item.rounds.last().rating and item.rounds.last().rating <= 2 and rng.random() < 0.6:
            if step(
                "reopen",
                None,
                rng.uniform(0.1, 4),
                reason="Câu trả lời chưa giải quyết được vấn đề.",
                phone4=phone4,
            ):
                made["reopened"] += 1
                ok = (
                    step("draft", specialist, rng.uniform(2, 10), answer=rng.choice(ANSWERS))
                    and step("approve", leader, rng.uniform(0.1, 1))
                    and step("publish", leader, rng.uniform(0.1, 1.5))
                )
                if not ok:
                    made["open"] += 1
