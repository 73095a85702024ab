"""API for citizen apps: submit online, track, list my dossiers. Same rules as the pages."""

import datetime as dt
import json
from typing import Literal
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from ninja import Field, Form, Header, Router, Schema, Status
from ninja.pagination import paginate
from ninja.responses import NinjaJSONEncoder

from motcua.core.api_pagination import Pagination
from motcua.core.client import client_address
from motcua.core.errors import NotFound
from motcua.core.files import file_response
from motcua.core.validation import Email, Text
from motcua.organization.auth import BearerToken, CookieSession
from motcua.portal import selectors, services
from motcua.portal.errors import PortalError
from motcua.surveys.api import register_rating

router = Router(tags=["Cổng dịch vụ công"])
register_rating(router, operation_id="portal_rating_create")

citizen_auth = [BearerToken(), CookieSession()]


class TimelineOut(Schema):
    at: dt.datetime
    action: str
    label: str
    unit: str
    status: str
    national_status: int | None
    new_due_at: dt.datetime | None = None
    reasons: str = ""


class CitizenDossierOut(Schema):
    code: str
    procedure_code: str
    procedure_name: str
    receiving_unit: str
    competent_unit: str
    channel: str
    status: str
    national_status: int = Field(description="Mã trạng thái quốc gia 1–10")
    national_status_label: str
    submitted_at: dt.datetime
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    reappointed_due_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    reasons: str = Field("", description="Lý do hướng dẫn hoàn thiện / từ chối tiếp nhận")
    timeline: list[TimelineOut]


class SubmissionOut(Schema):
    created: bool = Field(description="false: cùng khóa chống nộp trùng, trả lại hồ sơ đã nộp")
    dossier: CitizenDossierOut


class SubmissionIn(Schema):
    """Limits match the dossier's fields (``Dossier.applicant_*``)."""

    procedure: Text(40, min_length=1) = Field(description="Mã thủ tục")
    unit: Text(40, min_length=1) = Field(description="Mã đơn vị nơi nộp")
    applicant_name: Text(255) = ""
    applicant_id_number: Text(20) = ""
    applicant_phone: Text(20) = ""
    applicant_email: Email = ""
    applicant_address: Text(500) = ""
    return_method: Literal["online", "post", "desk"] = "online"


class MyDossierOut(Schema):
    code: str
    procedure_code: str = Field(alias="procedure.code")
    procedure_name: str = Field(alias="procedure.name")
    status: str
    national_status: int
    national_status_label: str
    submitted_at: dt.datetime
    due_at: dt.datetime | None = Field(alias="effective_due_at")


@router.post(
    "/submissions",
    response={201: SubmissionOut, 200: SubmissionOut},
    auth=citizen_auth,
    summary="Nộp hồ sơ trực tuyến",
    description=(
        "Công dân đã đăng nhập và xác minh. Gửi `multipart/form-data`: các trường bên dưới và "
        "mỗi thành phần hồ sơ một tệp tên `file_<mã thành phần>` (PDF/JPEG/PNG, kiểm tra theo "
        "nội dung). Bắt buộc tiêu đề `Idempotency-Key`: gửi lại cùng khóa không tạo hồ sơ thứ "
        "hai (trả 200 với hồ sơ đã có); cùng khóa với nội dung khác trả 409."
    ),
)
def submission_create(
    request: HttpRequest,
    data: Form[SubmissionIn],
    idempotency_key: str = Header(  # noqa: B008
        "",
        alias="Idempotency-Key",
        max_length=64,
        description="Khóa chống nộp trùng do ứng dụng tạo (ví dụ một UUID), mỗi hồ sơ một khóa",
    ),
):
    files = {
        name.removeprefix("file_"): upload
        for name, upload in request.FILES.items()
        if name.startswith("file_")
    }
    result = services.submission_create(
        user=request.user,
        procedure_code=data.procedure,
        unit_code=data.unit,
        idempotency_key=idempotency_key,
        applicant={
            "name": data.applicant_name,
            "id_number": data.applicant_id_number,
            "phone": data.applicant_phone,
            "email": data.applicant_email,
            "address": data.applicant_address,
        },
        files=files,
        return_method=data.return_method,
    )
    body = {"created": result.created, "dossier": selectors.dossier_view(result.dossier)}
    return Status(201 if result.created else 200, body)


class TrackIn(Schema):
    code: str = Field(..., max_length=64, description="Mã hồ sơ")
    phone4: str = Field(..., max_length=4, description="4 số cuối điện thoại của người nộp")


@router.post(
    "/track",
    response=CitizenDossierOut,
    auth=None,
    summary="Tra cứu hồ sơ bằng mã hồ sơ và 4 số cuối điện thoại",
    description=(
        "Công khai; mã và 4 số cuối gửi trong thân yêu cầu (JSON), không trên địa chỉ. Giới "
        "hạn số lần tra cứu sai (429 khi vượt). Mã không tồn tại và sai 4 số cuối cho cùng "
        "một câu trả lời 404 `track_not_found`. Không trả dữ liệu cá nhân."
    ),
)
def track(request: HttpRequest, data: TrackIn):
    body = services.track_answer(
        code=data.code, phone4=data.phone4, client=client_address(request), render=track_body
    )
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def track_body(view) -> bytes:
    """The tracking answer's JSON body, as the API renders ``CitizenDossierOut`` (kept with
    the answer: a citizen checking again gets these bytes without a conversion)."""
    data = CitizenDossierOut.from_orm(view).model_dump()
    return json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False).encode()


@router.get(
    "/track",
    response={303: None},
    auth=None,
    summary="(Cũ) tra cứu bằng GET: chuyển về trang tra cứu, bỏ 4 số cuối khỏi địa chỉ",
    deprecated=True,
)
def track_get(request: HttpRequest, code: str = ""):
    """Old links kept working without leaving the digits in access logs: 303 to the page."""
    target = reverse("portal:track") + (f"?{urlencode({'code': code})}" if code else "")
    return HttpResponseRedirect(target, status=303)


@router.get(
    "/dossiers",
    response=list[MyDossierOut],
    auth=citizen_auth,
    summary="Hồ sơ của tôi",
)
@paginate(Pagination)
def my_dossiers(request: HttpRequest):
    return selectors.citizen_dossiers(request.user)


@router.get(
    "/dossiers/{code}",
    response=CitizenDossierOut,
    auth=citizen_auth,
    summary="Chi tiết một hồ sơ của tôi (kèm lý do)",
)
def my_dossier(request: HttpRequest, code: str):
    dossier = selectors.citizen_dossier(request.user, code)
    if dossier is None:
        raise NotFound("Không tìm thấy hồ sơ.", code=PortalError.DOSSIER_NOT_FOUND)
    return selectors.dossier_view(dossier, with_reasons=True)


@router.get(
    "/dossiers/{code}/result",
    auth=citizen_auth,
    summary="Tải bản điện tử của kết quả (khi đã trả kết quả)",
)
def my_result(request: HttpRequest, code: str):
    return file_response(selectors.citizen_result_file(request.user, code))


class CitizenSupplementIn(Schema):
    note: Text(500) = ""


@router.post(
    "/dossiers/{code}/supplement",
    response=CitizenDossierOut,
    auth=citizen_auth,
    summary="Nộp bổ sung hồ sơ trực tuyến",
    description=(
        "Khi hồ sơ đang chờ bổ sung. Gửi `multipart/form-data` với một hoặc nhiều tệp tên "
        "`files` (PDF/JPEG/PNG, kiểm tra theo nội dung, tối đa 10 tệp). Thời hạn giải quyết "
        "tiếp tục được tính khi nhận đủ."
    ),
)
def supplement_create(request: HttpRequest, code: str, data: Form[CitizenSupplementIn]):
    dossier = services.citizen_supplement_submit(
        user=request.user, code=code, uploads=request.FILES.getlist("files"), note=data.note
    )
    return selectors.dossier_view(dossier, with_reasons=True)


# ---- tokens for citizen apps


class TokenIn(Schema):
    login: Text(254) = Field(..., description="Thư điện tử hoặc số điện thoại đã đăng ký")
    password: str = Field(..., max_length=128)
    name: Text(100) = Field("Ứng dụng công dân", description="Tên thiết bị / ứng dụng")


class TokenCreatedOut(Schema):
    id: int
    token: str = Field(..., description="Chỉ hiện một lần; gửi kèm `Authorization: Bearer …`")
    name: str
    created_at: dt.datetime


class TokenOut(Schema):
    id: int
    prefix: str
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


@router.post(
    "/tokens",
    response={201: TokenCreatedOut},
    auth=None,
    summary="Cấp mã truy cập cho ứng dụng của công dân",
    description=(
        "Cùng thông tin và cùng giới hạn số lần thử như trang đăng nhập (429 khi vượt). Sai "
        "tài khoản hoặc mật khẩu: 401 `login_failed`; tài khoản chưa xác minh: 403 "
        "`citizen_not_verified`. Mã chỉ trả về một lần, máy chủ chỉ lưu bản băm."
    ),
)
def token_create(request: HttpRequest, data: TokenIn):
    token, raw = services.citizen_token_create(
        identifier=data.login,
        password=data.password,
        name=data.name,
        request=request,
    )
    return Status(
        201, {"id": token.pk, "token": raw, "name": token.name, "created_at": token.created_at}
    )


@router.get("/tokens", response=list[TokenOut], auth=citizen_auth, summary="Mã truy cập của tôi")
def token_list(request: HttpRequest):
    return list(services.citizen_tokens(request.user))


@router.delete(
    "/tokens/{token_id}",
    response={204: None},
    auth=citizen_auth,
    summary="Thu hồi một mã truy cập (ví dụ khi mất điện thoại)",
)
def token_revoke(request: HttpRequest, token_id: int):
    services.citizen_token_revoke(user=request.user, token_id=token_id)
    return Status(204, None)
