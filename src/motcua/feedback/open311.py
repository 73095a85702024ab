"""Open311 GeoReport v2 under /open311/v2/ (XML and JSON): discovery, services, service
definitions, requests (GET, and POST with an API key), one request, and an updates feed.

Services are the catalog's fields; requests are public feedback items (private ones never
appear; rejected ones neither); no sender data is ever served. Statuses map to open/closed,
our own status goes into ``status_notes``. Every timestamp carries its offset (+07:00).

Media (docs/feedback.md): a POST may carry a photo as the multipart field ``media`` (as many
Open311 servers accept) — a JPEG or PNG checked and re-encoded by ``core.files.check_content``
before it is stored — and/or ``media_url``, a link the client hosts, which the server keeps
for the officers as a link and never fetches. GET answers ``media_url`` with our own address
of the checked photo, only once the item's answer is published.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import CharField, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from motcua.catalog.models import Field, Procedure
from motcua.core.client import client_address
from motcua.core.errors import DomainError
from motcua.core.files import file_response
from motcua.core.formats import VN_TZ
from motcua.feedback import events, limits
from motcua.feedback import files as feedback_files
from motcua.feedback import services as feedback_services
from motcua.feedback.models import OPEN, Attachment, Channel, Feedback, Status
from motcua.ledger.actions import label as event_label
from motcua.ledger.models import Event

OTHER = "KHAC"  # the service for feedback outside any field
DEFAULT_DAYS = 90
MAX_ROWS = 1000
BOOL_VALUES = [{"key": "true", "name": "Có"}, {"key": "false", "name": "Không"}]

# Nested lists: which XML tag each list item gets.
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "service_request_updates": "request_update",
}


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        self.status, self.description = status, description


def jurisdiction() -> str:
    return getattr(settings, "MOTCUA_OPEN311_JURISDICTION", "motcua.demo.gov.vn")


def stamp(value: dt.datetime | None) -> str | None:
    return value.astimezone(VN_TZ).isoformat(timespec="seconds") if value else None


def _to_xml(parent: ET.Element, key: str, value) -> None:
    node = ET.SubElement(parent, key)
    if isinstance(value, list):
        for item in value:
            _to_xml(node, ITEM_TAGS.get(key, "item"), item)
    elif isinstance(value, dict):
        for k, v in value.items():
            _to_xml(node, k, v)
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    elif value is not None:
        node.text = str(value)


def render(fmt: str, root: str, data, status: int = 200) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False)
        return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
    tree = ET.Element(root)
    if isinstance(data, list):
        for item in data:
            _to_xml(tree, ITEM_TAGS.get(root, "item"), item)
    else:
        for k, v in data.items():
            _to_xml(tree, k, v)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(tree, encoding="utf-8")
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def _errors(fmt: str, status: int, description: str) -> HttpResponse:
    return render(fmt, "errors", [{"code": status, "description": description}], status)


def endpoint(view):
    """Check jurisdiction_id, turn refusals into the spec's error list."""

    def wrapped(request, fmt: str, **kwargs):
        try:
            given = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
            if request.method != "POST":  # a submission is counted by its own, lower limit
                limits.read_throttle(client=client_address(request))
            if given and given != jurisdiction():
                raise Open311Error(404, f"Không có jurisdiction_id «{given}».")
            return view(request, fmt, **kwargs)
        except Open311Error as error:
            return _errors(fmt, error.status, error.description)
        except DomainError as error:
            return _errors(fmt, error.status if error.status != 409 else 400, error.message)

    wrapped.__name__ = view.__name__
    return csrf_exempt(wrapped)


# ------------------------------------------------------------------ discovery and services


@endpoint
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("feedback:o311_services", args=["json"]))
    return render(
        fmt,
        "discovery",
        {
            "changeset": stamp(dt.datetime(2026, 1, 1, tzinfo=VN_TZ)),
            "contact": f"Văn phòng UBND — {settings.MOTCUA['PROVINCE_NAME']}",
            "key_service": "Khóa API do quản trị hệ thống tỉnh cấp cho tổ chức đối tác.",
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base.rsplit("/services.json", 1)[0],
                    "changeset": stamp(dt.datetime(2026, 1, 1, tzinfo=VN_TZ)),
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


def _services() -> list[dict]:
    rows = [(f.code, f.name) for f in Field.objects.order_by("code")]
    rows.append((OTHER, "Phản ánh, kiến nghị khác"))
    return [
        {
            "service_code": code,
            "service_name": name,
            "description": f"Phản ánh, kiến nghị về quy định hành chính lĩnh vực {name}",
            "metadata": True,
            "type": "realtime",
            "keywords": "phản ánh, kiến nghị",
            "group": "Phản ánh, kiến nghị",
        }
        for code, name in rows
    ]


@endpoint
def service_list(request, fmt):
    return render(fmt, "services", _services())


def _field(code: str):
    if code == OTHER:
        return None
    field = Field.objects.filter(code=code).first()
    if field is None:
        raise Open311Error(404, f"Không có dịch vụ mã «{code}».")
    return field


ATTRIBUTES = [
    (
        "sender_address",
        "string",
        True,
        "Địa chỉ liên hệ của người gửi (bắt buộc theo Nghị định 20/2008/NĐ-CP)",
        None,
    ),
    ("procedure", "string", False, "Mã thủ tục hành chính liên quan (nếu có)", None),
    ("public", "singlevaluelist", False, "Cho phép công khai phản ánh và câu trả lời", BOOL_VALUES),
    ("show_name", "singlevaluelist", False, "Cho phép hiển thị họ tên người gửi", BOOL_VALUES),
]


@endpoint
def service_definition(request, fmt, code):
    _field(code)
    attributes = []
    for order, (name, datatype, required, description, values) in enumerate(ATTRIBUTES, 1):
        row = {
            "variable": True,
            "code": name,
            "datatype": datatype,
            "required": required,
            "datatype_description": "",
            "order": order,
            "description": description,
        }
        if values:
            row["values"] = values
        attributes.append(row)
    return render(fmt, "service_definition", {"service_code": code, "attributes": attributes})


# ------------------------------------------------------------------ requests


def _status(item: Feedback) -> tuple[str, str]:
    notes = item.get_status_display()
    if item.status == Status.MERGED and item.merged_into_id:
        notes += f" {item.merged_into.code}"
    elif item.status == Status.TRANSFERRED_OUT:
        last = item.transfers.order_by("-at").first()
        notes += f": {last.body_name}" if last else ""
    return ("open" if item.status in OPEN else "closed"), notes


IMAGE_TYPES = ("image/jpeg", "image/png")


def with_media(items):
    """Annotate ``media_id``: the first photo of an item whose answer is published."""
    photos = Attachment.objects.filter(
        feedback=OuterRef("pk"), content_type__in=IMAGE_TYPES
    ).order_by("pk")
    return items.annotate(media_id=Subquery(photos.values("pk")[:1]))


def _media_url(request, item: Feedback) -> str:
    media_id = getattr(item, "media_id", None)
    if media_id is None or item.status != Status.PUBLISHED:
        return ""
    return request.build_absolute_uri(reverse("feedback:o311_media", args=[item.code, media_id]))


def _request_row(item: Feedback, request=None) -> dict:
    status, notes = _status(item)
    return {
        "service_request_id": item.code,
        "status": status,
        "status_notes": notes,
        "service_name": item.field.name if item.field else "Phản ánh, kiến nghị khác",
        "service_code": item.field.code if item.field else OTHER,
        "description": item.content,
        "agency_responsible": item.current_unit.name,
        "service_notice": "",
        "requested_datetime": stamp(item.received_at),
        "updated_datetime": stamp(max(t for t in (item.stage_started_at, item.closed_at) if t)),
        "expected_datetime": stamp(item.due_at) if item.status in OPEN else None,
        "address": item.place_address,
        "address_id": "",
        "zipcode": "",
        "lat": float(item.lat) if item.lat is not None else None,
        "long": float(item.lon) if item.lon is not None else None,
        "media_url": _media_url(request, item) if request is not None else "",
    }


def visible() -> Q:
    return Q(is_public=True) & ~Q(status=Status.REJECTED)


def _date(request, name: str) -> dt.datetime | None:
    raw = request.GET.get(name)
    if not raw:
        return None
    value = parse_datetime(raw.replace(" ", "+"))
    if value is None:
        raise Open311Error(400, f"{name} không đúng định dạng W3C (ví dụ 2026-01-01T00:00:00Z).")
    return value if value.tzinfo else value.replace(tzinfo=VN_TZ)


def _int(request, name: str, default: int, high: int) -> int:
    raw = request.GET.get(name)
    if raw in (None, ""):
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= high:
        raise Open311Error(400, f"{name} phải là số nguyên từ 1 đến {high}.")
    return int(raw)


def _window(request) -> tuple[dt.datetime, dt.datetime]:
    start, end = _date(request, "start_date"), _date(request, "end_date")
    end = end or timezone.now()
    start = start or end - dt.timedelta(days=DEFAULT_DAYS)
    if end < start:
        raise Open311Error(400, "end_date phải sau start_date.")
    if end - start > dt.timedelta(days=DEFAULT_DAYS):
        raise Open311Error(400, "Khoảng start_date–end_date không được quá 90 ngày.")
    return start, end


def _page(request, rows):
    size = _int(request, "page_size", MAX_ROWS, MAX_ROWS)
    page = _int(request, "page", 1, 10**6)
    return rows[(page - 1) * size : page * size]


@endpoint
def service_requests(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    items = Feedback.objects.filter(visible()).select_related(
        "field", "current_unit", "merged_into"
    )
    ids = request.GET.get("service_request_id")
    if ids:
        items = items.filter(code__in=[c.strip().upper() for c in ids.split(",") if c.strip()])
    else:
        start, end = _window(request)
        items = items.filter(received_at__gte=start, received_at__lte=end)
        codes = [c.strip() for c in request.GET.get("service_code", "").split(",") if c.strip()]
        if codes:
            q = Q(field__code__in=codes)
            if OTHER in codes:
                q |= Q(field__isnull=True)
            items = items.filter(q)
        statuses = {s.strip() for s in request.GET.get("status", "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, "status chỉ nhận open hoặc closed.")
        if statuses == {"open"}:
            items = items.filter(status__in=OPEN)
        elif statuses == {"closed"}:
            items = items.exclude(status__in=OPEN)
    rows = _page(request, with_media(items).order_by("-received_at", "pk"))
    return render(fmt, "service_requests", [_request_row(i, request) for i in rows])


@endpoint
def request_detail(request, fmt, request_id):
    item = (
        with_media(Feedback.objects.filter(visible(), code=request_id.upper()))
        .select_related("field", "current_unit", "merged_into")
        .first()
    )
    if item is None:
        raise Open311Error(404, f"Không có yêu cầu «{request_id}».")
    return render(fmt, "service_requests", [_request_row(item, request)])


def media(request, code: str, pk: int):
    """The checked photo behind a ``media_url``: public items with a published answer only."""
    try:
        limits.read_throttle(client=client_address(request))
    except limits.TooManyRequests as refused:
        return HttpResponse(refused.message, status=429, content_type="text/plain; charset=utf-8")
    item = Feedback.objects.filter(visible(), code=code.upper(), status=Status.PUBLISHED).first()
    photo = item.attachments.filter(pk=pk, content_type__in=IMAGE_TYPES).first() if item else None
    if photo is None:
        raise Http404("Không có ảnh công khai này.")
    response = file_response(photo.file, name=f"{item.code}-{photo.pk}{photo.file.name[-4:]}")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _flag(value: str | None, default: bool) -> bool:
    if value in (None, ""):
        return default
    return value.strip().lower() in ("true", "1", "yes", "co")


def _media(request) -> list:
    """The ``media`` upload as a checked JPEG or PNG (a PDF or anything else is refused)."""
    uploads = request.FILES.getlist("media")
    if len(uploads) > 1:
        raise Open311Error(400, "Chỉ gửi một ảnh trong trường media.")
    if not uploads:
        return []
    upload = uploads[0]
    label = upload.name or "media"
    if upload.size > feedback_files.max_bytes():
        raise Open311Error(400, f"Ảnh «{label}» vượt quá dung lượng cho phép.")
    data = upload.read()
    kind, _ = feedback_files.check_content(data, label=label)  # raises on a non-image/PDF
    if kind not in ("jpeg", "png"):
        raise Open311Error(400, "Trường media chỉ nhận ảnh JPEG hoặc PNG.")
    return [SimpleUploadedFile(label, data)]


def _create(request, fmt):
    key = feedback_services.open311_key_check(request.POST.get("api_key", ""))
    data = request.POST
    field = _field(data.get("service_code", "") or "")  # 404 for an unknown service
    lat, lon, address = data.get("lat"), data.get("long"), data.get("address_string", "")
    if not ((lat and lon) or address or data.get("address_id")):
        raise Open311Error(400, "Cần vị trí: lat và long, hoặc address_string.")
    name = " ".join(p for p in (data.get("first_name", ""), data.get("last_name", "")) if p)
    procedure = None
    if data.get("attribute[procedure]"):
        procedure = Procedure.objects.filter(code=data["attribute[procedure]"]).first()
        if procedure is None:
            raise Open311Error(400, "Không có thủ tục với mã đã gửi.")
    description = (data.get("description") or "").strip()
    item = feedback_services.feedback_submit(
        files=_media(request),
        media_url=data.get("media_url", ""),
        channel=Channel.OPEN311,
        title=description[:80] or "Phản ánh qua Open311",
        content=description,
        sender_name=name,
        sender_phone=data.get("phone", ""),
        sender_address=data.get("attribute[sender_address]", ""),
        sender_email=data.get("email", ""),
        field=field,
        procedure=procedure,
        place_address=address or data.get("address_id", ""),
        lat=lat or None,
        lon=lon or None,
        is_public=_flag(data.get("attribute[public]"), True),
        show_name=_flag(data.get("attribute[show_name]"), False),
        receiving_unit=key.receiving_unit,
        client=client_address(request),
    )
    return render(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": item.code,
                "service_notice": "Đã tiếp nhận; thời hạn phân loại đến " + stamp(item.due_at),
                "account_id": "",
            }
        ],
    )


@endpoint
def updates(request, fmt):
    """Status changes of public items, oldest first: the history's events, mapped."""
    start, end = _window(request)
    visible_ids = Feedback.objects.filter(visible()).annotate(s=Cast("pk", CharField())).values("s")
    rows = (
        Event.objects.filter(
            subject_type=events.SUBJECT, subject_id__in=visible_ids, at__gte=start, at__lte=end
        )
        .exclude(action__in=[events.RATED, events.DUE_SOON_WARNED, events.RECLASSIFIED])
        .order_by("at", "id")
    )
    page = list(_page(request, rows))
    codes = Feedback.objects.filter(pk__in=[int(e.subject_id) for e in page])
    ids = {str(pk): code for pk, code in codes.values_list("pk", "code")}
    result = []
    for e in page:
        status = "open" if e.payload.get("status") in OPEN else "closed"
        result.append(
            {
                "update_id": e.id,
                "service_request_id": ids[e.subject_id],
                "status": status,
                "status_notes": event_label(e.action),
                "updated_datetime": stamp(e.at),
            }
        )
    return render(fmt, "service_request_updates", result)
