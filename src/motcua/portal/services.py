"""Every portal write: citizen accounts, one-time codes, online submissions, tracking lookups.

The dossier itself is created by ``dossiers.services.dossier_submit_online``; this module
checks who submits, what is uploaded, and that a double click makes one dossier only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.catalog.models import OnlineType, Procedure, ProcedureStatus
from motcua.core import public_cache
from motcua.core.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from motcua.core.text import clean_text
from motcua.core.throttle import TooManyRequests, counted_answer, lookup_guard
from motcua.dossiers.models import ComponentCopy, Dossier, ReturnMethod
from motcua.dossiers.services import dossier_submit_online
from motcua.organization.models import Unit
from motcua.portal import answers, notify
from motcua.portal.contacts import normalize_email, normalize_phone
from motcua.portal.errors import PortalError
from motcua.portal.models import (
    Citizen,
    ExternalIdentity,
    NotificationChannel,
    OneTimeCode,
    Submission,
)
from motcua.portal.selectors import DossierView, citizen_dossier, dossier_view, submission_units
from motcua.portal.uploads import CheckedFile, check_upload

CODE_TTL = dt.timedelta(minutes=15)
CODE_MAX_ATTEMPTS = 5
CODES_PER_HOUR = 5
_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


# ---------------------------------------------------------------- accounts


def _code_hash(citizen: Citizen, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{citizen.pk}:{code}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def citizen_register(
    *, full_name: str, password: str, email: str = "", phone: str = "", address: str = ""
) -> Citizen:
    """A citizen account with email or phone (or both) and a password; a code is sent.

    Conflict ``account_exists`` if the email or phone is taken (for internal callers; the
    registration page and API use ``citizen_register_or_notify``, which does not tell)."""
    citizen = citizen_register_or_notify(
        full_name=full_name, password=password, email=email, phone=phone, address=address
    )
    if citizen is None:
        raise Conflict(
            "Thư điện tử hoặc số điện thoại này đã được dùng để đăng ký. Hãy đăng nhập.",
            code=PortalError.ACCOUNT_EXISTS,
        )
    return citizen


def citizen_register_or_notify(
    *, full_name: str, password: str, email: str = "", phone: str = "", address: str = ""
) -> Citizen | None:
    """Register a citizen, or — when the email or phone already has an account — create
    nothing, tell that account's owner (someone tried to register with their address) and
    return None. The caller answers both cases alike: registration never reveals whether an
    address has an account. Every check that does not depend on existing accounts (name,
    contacts, password strength) runs first, so refusals are the same either way."""
    full_name = " ".join(clean_text(full_name).split())
    if not full_name:
        raise InvalidInput("Cần nhập họ và tên.", code=PortalError.NAME_REQUIRED)
    if len(full_name) > 150:
        raise InvalidInput("Họ và tên dài quá 150 ký tự.", code=PortalError.NAME_TOO_LONG)
    email, phone = normalize_email(email), normalize_phone(phone)
    if not email and not phone:
        raise InvalidInput(
            "Cần nhập thư điện tử hoặc số điện thoại để nhận mã xác minh.",
            code=PortalError.CONTACT_REQUIRED,
        )
    User = get_user_model()
    username = email or phone
    user = User(username=username, email=email, first_name=full_name)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), code=PortalError.PASSWORD_WEAK) from error
    user.set_password(password)  # hashed in both cases: the answer takes the same time
    with transaction.atomic():
        taken = (
            User.objects.filter(username__iexact=username).exists()
            or (email and User.objects.filter(email__iexact=email).exists())
            or (phone and Citizen.objects.filter(phone=phone).exists())
        )
        if taken:
            _notify_existing_account(email=email, phone=phone)
            return None
        user.save()
        citizen = Citizen.objects.create(user=user, phone=phone, address=clean_text(address)[:500])
        citizen_send_code(citizen=citizen)
    return citizen


def _notify_existing_account(*, email: str, phone: str) -> None:
    text = (
        "Có người vừa dùng địa chỉ này để đăng ký tài khoản Cổng dịch vụ công, nhưng địa chỉ "
        "đã có tài khoản nên không có tài khoản mới nào được tạo. Nếu là bạn, hãy đăng nhập "
        f"tại {notify.site_url()}/tai-khoan/dang-nhap/. Nếu không phải bạn, hãy bỏ qua tin này."
    )
    channel = NotificationChannel.EMAIL if email else NotificationChannel.SMS
    notify.queue(
        channel=channel,
        recipient=email or phone,
        action="account.exists",
        subject="Đăng ký tài khoản Cổng dịch vụ công",
        body=text,
        sensitive=True,
    )


@transaction.atomic
def citizen_send_code(*, citizen: Citizen, now: dt.datetime | None = None) -> OneTimeCode:
    """Send a 6-digit code to the citizen's email (else phone); at most 5 an hour."""
    now = now or timezone.now()
    recent = citizen.codes.filter(created_at__gte=now - dt.timedelta(hours=1)).count()
    if recent >= CODES_PER_HOUR:
        raise TooManyRequests(
            "Đã gửi quá nhiều mã xác minh trong một giờ. Vui lòng thử lại sau.",
            code=PortalError.TOO_MANY_CODES,
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    email, phone = citizen.user.email, citizen.phone
    channel = NotificationChannel.EMAIL if email else NotificationChannel.SMS
    recipient = email or phone
    one_time = OneTimeCode.objects.create(
        citizen=citizen,
        code_hash=_code_hash(citizen, code),
        sent_to=recipient,
        expires_at=now + CODE_TTL,
    )
    notify.queue(
        channel=channel,
        recipient=recipient,
        action="account.code",
        subject="Mã xác minh tài khoản Cổng dịch vụ công",
        body=notify.code_message(code),
        sensitive=True,
    )
    return one_time


def citizen_verify_code(*, citizen: Citizen, code: str, now: dt.datetime | None = None) -> Citizen:
    """Check a one-time code; wrong codes are counted (5 tries per code), then refused."""
    now = now or timezone.now()
    error = None
    with transaction.atomic():
        one_time = (
            OneTimeCode.objects.select_for_update()
            .filter(citizen=citizen, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        wrong = InvalidInput(
            "Mã xác minh không đúng hoặc đã hết hạn.", code=PortalError.CODE_INVALID
        )
        if one_time is None or one_time.expires_at < now or one_time.attempts >= CODE_MAX_ATTEMPTS:
            error = wrong
        elif not hmac.compare_digest(one_time.code_hash, _code_hash(citizen, (code or "").strip())):
            one_time.attempts += 1
            one_time.save(update_fields=["attempts"])
            error = wrong
        else:
            one_time.used_at = now
            one_time.save(update_fields=["used_at"])
            citizen.verified_at = citizen.verified_at or now
            citizen.save(update_fields=["verified_at"])
    if error is not None:
        raise error  # after the block: the counted attempt is kept
    return citizen


def citizen_find(identifier: str):
    """The user behind an email or a phone number typed at login, or None."""
    identifier = (identifier or "").strip()
    User = get_user_model()
    if "@" in identifier:
        return User.objects.filter(email__iexact=identifier, citizen__isnull=False).first()
    try:
        phone = normalize_phone(identifier)
    except InvalidInput:
        return None
    citizen = Citizen.objects.select_related("user").filter(phone=phone).first()
    return citizen.user if citizen else None


def citizen_of(user) -> Citizen | None:
    if user is None or not user.is_authenticated:
        return None
    return getattr(user, "citizen", None)  # cached on the user for the rest of the request


@transaction.atomic
def citizen_from_identity(*, provider: str, identity) -> Citizen:
    """The citizen behind an identity-provider login; created (verified) on first login."""
    link = (
        ExternalIdentity.objects.select_related("user__citizen")
        .filter(provider=provider, subject=identity.subject)
        .first()
    )
    now = timezone.now()
    if link is not None:
        link.last_login_at = now
        link.save(update_fields=["last_login_at"])
        citizen = Citizen.objects.filter(user=link.user).first()
        if citizen is None:
            citizen = Citizen.objects.create(user=link.user, verified_at=now)
        if identity.id_number and citizen.id_number != identity.id_number:
            citizen.id_number = identity.id_number
            citizen.save(update_fields=["id_number"])
        return citizen
    User = get_user_model()
    username = f"{provider}:{identity.subject}"[:150]
    email = identity.email if identity.email_verified else ""
    if email and User.objects.filter(email__iexact=email).exists():
        email = ""  # never take over an existing account through an unverified link
    try:
        phone = normalize_phone(identity.phone)
    except InvalidInput:
        phone = ""
    if phone and Citizen.objects.filter(phone=phone).exists():
        phone = ""
    user = User(username=username, email=email, first_name=(identity.name or "")[:150])
    user.set_unusable_password()
    user.save()
    citizen = Citizen.objects.create(
        user=user, phone=phone, id_number=identity.id_number or "", verified_at=now
    )
    ExternalIdentity.objects.create(
        user=user, provider=provider, subject=identity.subject, last_login_at=now
    )
    return citizen


# ---------------------------------------------------------------- submissions


@dataclass
class SubmissionResult:
    submission: Submission
    created: bool

    @property
    def dossier(self) -> Dossier:
        return self.submission.dossier


def _fingerprint(procedure: str, unit: str, applicant: dict, files: dict[int, CheckedFile]) -> str:
    body = {
        "procedure": procedure,
        "unit": unit,
        "applicant": applicant,
        "files": {str(k): f.sha256 for k, f in sorted(files.items())},
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _earlier(user, key: str) -> Submission | None:
    """The submission already made with this idempotency key, if any."""
    return (
        Submission.objects.select_related("dossier", "dossier__procedure")
        .filter(user=user, idempotency_key=key)
        .first()
    )


def _replay(existing: Submission, fingerprint: str) -> SubmissionResult:
    """The same key again: the first submission, unless the content differs."""
    if existing.fingerprint != fingerprint:
        raise Conflict(
            "Khóa chống nộp trùng này đã được dùng cho một hồ sơ khác.",
            code=PortalError.IDEMPOTENCY_KEY_REUSED,
            dossier=existing.dossier.code,
        )
    return SubmissionResult(existing, created=False)


def _applicant(citizen: Citizen, applicant: dict[str, Any]) -> dict[str, str]:
    name = " ".join(clean_text(applicant.get("name") or citizen.user.get_full_name()).split())
    id_number = re.sub(r"\s", "", applicant.get("id_number") or citizen.id_number or "")
    if not name:
        raise InvalidInput("Cần họ và tên người nộp.", code=PortalError.APPLICANT_NAME_REQUIRED)
    if not re.fullmatch(r"\d{9,12}|\d{10}(-\d{3})?", id_number):
        raise InvalidInput(
            "Số định danh cá nhân (12 số) hoặc mã số thuế không hợp lệ.",
            code=PortalError.ID_NUMBER_INVALID,
        )
    phone = normalize_phone(applicant.get("phone") or citizen.phone)
    if not phone:
        raise InvalidInput(
            "Cần số điện thoại của người nộp (dùng để tra cứu hồ sơ).",
            code=PortalError.PHONE_REQUIRED,
        )
    return {
        "kind": "person",
        "name": name,
        "id_number": id_number,
        "phone": phone,
        "email": normalize_email(applicant.get("email") or citizen.user.email),
        "address": " ".join(clean_text(applicant.get("address") or citizen.address).split()),
    }


def _procedure_for_online(code: str) -> Procedure:
    procedure = Procedure.objects.filter(code=code).prefetch_related("components").first()
    if procedure is None:
        raise NotFound(
            f"Không tìm thấy thủ tục có mã {code}.", code=PortalError.PROCEDURE_NOT_FOUND
        )
    if procedure.status != ProcedureStatus.ACTIVE:
        raise InvalidInput(
            f"Thủ tục {procedure.code} đã bị bãi bỏ.", code=PortalError.PROCEDURE_ABOLISHED
        )
    if procedure.online_type == OnlineType.NONE:
        raise InvalidInput(
            "Thủ tục này chưa cung cấp dịch vụ công trực tuyến; vui lòng nộp tại Bộ phận Một cửa.",
            code=PortalError.PROCEDURE_NOT_ONLINE,
        )
    return procedure


def check_files(procedure: Procedure, uploads: dict) -> dict[int, CheckedFile]:
    """One checked file per component; every required component must have one."""
    components = {c.pk: c for c in procedure.components.all()}
    checked: dict[int, CheckedFile] = {}
    for key, upload in uploads.items():
        try:
            component = components[int(key)]
        except (KeyError, TypeError, ValueError):
            raise InvalidInput(
                f"Tệp gửi kèm không thuộc thành phần hồ sơ nào của thủ tục ({key}).",
                code=PortalError.COMPONENT_UNKNOWN,
            ) from None
        checked[component.pk] = check_upload(upload, label=component.name)
    missing = [c.name for c in components.values() if c.required and c.pk not in checked]
    if missing:
        raise InvalidInput(
            "Còn thiếu tệp cho: " + "; ".join(missing) + ".",
            code=PortalError.FILES_MISSING,
            components=missing,
        )
    return checked


def submission_create(
    *,
    user,
    procedure_code: str,
    unit_code: str,
    idempotency_key: str,
    applicant: dict[str, Any] | None = None,
    files: dict | None = None,
    return_method: str = ReturnMethod.ONLINE,
    at: dt.datetime | None = None,
) -> SubmissionResult:
    """Submit a dossier online (national status 1 «Mới đăng ký») — once per idempotency key.

    The same key again returns the first submission (``created`` False); the same key with
    different content is a conflict. Files are checked by content before anything is written.
    """
    key = (idempotency_key or "").strip()
    if not _KEY.fullmatch(key):
        raise InvalidInput(
            "Thiếu hoặc sai khóa chống nộp trùng (Idempotency-Key, 8–64 ký tự).",
            code=PortalError.IDEMPOTENCY_KEY_INVALID,
        )
    citizen = citizen_of(user)
    if citizen is None:
        raise PermissionDenied(
            "Cần đăng nhập bằng tài khoản công dân.", code=PortalError.CITIZEN_REQUIRED
        )
    if not citizen.is_verified:
        raise PermissionDenied(
            "Tài khoản chưa được xác minh. Nhập mã xác minh đã gửi tới bạn.",
            code=PortalError.CITIZEN_NOT_VERIFIED,
        )
    earlier = _earlier(user, key)
    procedure = _procedure_for_online(procedure_code)
    unit = submission_units(procedure).filter(code=unit_code).first()
    if unit is None:
        raise InvalidInput(
            "Nơi nộp hồ sơ không tiếp nhận thủ tục này; hãy chọn trong danh sách.",
            code=PortalError.UNIT_INVALID,
        )
    if return_method not in ReturnMethod.values:
        raise InvalidInput("Hình thức nhận kết quả không hợp lệ.", code=PortalError.RETURN_METHOD)
    person = _applicant(citizen, applicant or {})
    checked = check_files(procedure, files or {})
    fingerprint = _fingerprint(procedure.code, unit.code, person, checked)
    if earlier is not None:
        return _replay(earlier, fingerprint)
    try:
        return _submit(
            user=user,
            key=key,
            fingerprint=fingerprint,
            procedure=procedure,
            unit=unit,
            applicant=person,
            checked=checked,
            return_method=return_method,
            at=at,  # trusted internal callers only (the demo paces its clock)
        )
    except IntegrityError:
        # A concurrent request with the same key won the race: answer with its dossier.
        earlier = _earlier(user, key)
        if earlier is None:
            raise
        return _replay(earlier, fingerprint)


@transaction.atomic
def _submit(
    *, user, key, fingerprint, procedure, unit: Unit, applicant, checked, return_method, at=None
):
    checklist = [
        {
            "component": component_id,
            "provided": True,
            "copy_kind": ComponentCopy.ELECTRONIC,
            "file": checked_file.as_django_file(f"tp{component_id}"),
        }
        for component_id, checked_file in sorted(checked.items())
    ]
    dossier = dossier_submit_online(
        procedure=procedure,
        unit=unit,
        applicant=applicant,
        checklist=checklist,
        return_method=return_method,
        actor=user,
        at=at,
    )
    submission = Submission.objects.create(
        user=user, idempotency_key=key, fingerprint=fingerprint, dossier=dossier
    )
    return SubmissionResult(submission, created=True)


# ---------------------------------------------------------------- supplements

MAX_SUPPLEMENT_FILES = 10


def supplement_items(dossier: Dossier) -> list[str]:
    """What the officer asked for, from the open supplement pause (listed once, in writing)."""
    from motcua.dossiers.models import PauseKind

    pause = (
        dossier.pauses.filter(kind=PauseKind.SUPPLEMENT, ended_at__isnull=True)
        .order_by("-started_at")
        .first()
    )
    return [item.strip() for item in (pause.reason if pause else "").split(";") if item.strip()]


def citizen_supplement_submit(*, user, code: str, uploads: list, note: str = "") -> Dossier:
    """The signed-in citizen sends the requested supplement for one of their dossiers."""
    from motcua.dossiers.lifecycle import Status
    from motcua.dossiers.services import dossier_receive_supplement_online

    dossier = citizen_dossier(user, code)
    if dossier is None:
        raise NotFound(
            "Không tìm thấy hồ sơ của bạn với mã này.", code=PortalError.DOSSIER_NOT_FOUND
        )
    if dossier.status != Status.SUPPLEMENT_REQUESTED:
        raise InvalidInput(
            "Hồ sơ không ở trạng thái chờ bổ sung.", code=PortalError.NOT_WAITING_FOR_SUPPLEMENT
        )
    uploads = [u for u in uploads if u]
    if not uploads:
        raise InvalidInput(
            "Chọn ít nhất một tệp bổ sung.", code=PortalError.SUPPLEMENT_FILES_REQUIRED
        )
    if len(uploads) > MAX_SUPPLEMENT_FILES:
        raise InvalidInput(
            f"Gửi tối đa {MAX_SUPPLEMENT_FILES} tệp mỗi lần.", code=PortalError.TOO_MANY_FILES
        )
    files = []
    for index, upload in enumerate(uploads, start=1):
        label = f"tệp {index}"
        checked = check_upload(upload, label=label)
        files.append((label, checked.as_django_file(f"bo-sung-{dossier.pk}-{index}")))
    return dossier_receive_supplement_online(dossier=dossier, files=files, note=note[:500])


# ---------------------------------------------------------------- tracking


TRACK_NOT_FOUND = "Không tìm thấy hồ sơ với mã hồ sơ và 4 số cuối điện thoại đã nhập."


def track_dossier(
    *, code: str, phone4: str, client: str, now: dt.datetime | None = None
) -> Dossier:
    """The dossier with this code whose applicant's phone ends with ``phone4``.

    Unknown code and wrong digits give the same error; failed look-ups are limited per client
    and per code (``core.throttle.lookup_guard``: a code cannot be probed for its 10,000
    possible endings, and others' failures do not lock out the owner).
    """
    code, phone4 = _track_input(code, phone4)
    with lookup_guard(subject=code, client=client, now=now or timezone.now()):
        return _tracked(code, phone4)


def track_answer(
    *,
    code: str,
    phone4: str,
    client: str,
    now: dt.datetime | None = None,
    render: Callable[[DossierView], Any] | None = None,
) -> Any:
    """What the tracking page and API show (``selectors.dossier_view`` without reasons) for
    ``track_dossier``'s dossier, under the same limits: every look-up passes the guard, hit
    or not. The answer is kept in the shared cache under the code and the 4 digits together
    (``portal.answers``): wrong digits never meet a kept answer (they are looked up, fail and
    count), and the dossier's next event makes a new one.

    ``render`` (the API's JSON body) turns the view into what is kept and returned, so that a
    kept answer is not converted again on every look-up; each rendering is kept apart."""
    code, phone4 = _track_input(code, phone4)

    def compute():
        view = dossier_view(_tracked(code, phone4), with_reasons=False)
        return view if render is None else render(view)

    shape = answers.TRACK_SHAPE + (f":{render.__module__}.{render.__qualname__}" if render else "")
    return counted_answer(
        subject=code,
        client=client,
        generation=answers.dossier_generation(code),
        key=public_cache.digest(code, phone4, shape),
        compute=compute,
        now=now or timezone.now(),
    )


def _track_input(code: str, phone4: str) -> tuple[str, str]:
    code = (code or "").strip().upper()
    phone4 = (phone4 or "").strip()
    if not code or len(code) > 64 or not re.fullmatch(r"\d{4}", phone4):
        raise InvalidInput(
            "Nhập mã hồ sơ và đúng 4 chữ số cuối của số điện thoại người nộp.",
            code=PortalError.TRACK_INPUT_INVALID,
        )
    return code, phone4


def _tracked(code: str, phone4: str) -> Dossier:
    dossier = (
        Dossier.objects.select_related("procedure", "receiving_unit", "competent_unit")
        .filter(code=code)
        .first()
    )
    if dossier is None or not dossier.applicant_phone_ends_with(phone4):
        raise NotFound(TRACK_NOT_FOUND, code=PortalError.TRACK_NOT_FOUND)
    return dossier


# --- tokens for citizen apps ---------------------------------------------------------------


class LoginFailed(DomainError):
    code = PortalError.LOGIN_FAILED
    status = 401
    default_message = "Thư điện tử/số điện thoại hoặc mật khẩu không đúng."


def citizen_token_create(*, identifier: str, password: str, name: str, request):
    """A personal API token for a citizen app: the same credentials and the same login
    throttle as the login pages (django-axes counts the failures of ``authenticate``; the
    request carries the client for it); only verified citizens. Returns (token row, raw
    value shown once)."""
    from motcua.organization.services import api_token_create
    from motcua.organization.twofactor import authenticate_one_at_a_time

    user = citizen_find(identifier)
    # an unknown identifier is tried as it was typed, so that it is counted as well
    username = user.get_username() if user is not None else (identifier or "").strip()[:150]
    user = authenticate_one_at_a_time(request, username=username, password=password)
    citizen = citizen_of(user) if user is not None else None
    if citizen is None:  # no account, a wrong password, or an officer: the same answer
        raise LoginFailed()
    if not citizen.is_verified:
        raise PermissionDenied(
            "Tài khoản chưa được xác minh. Nhập mã xác minh đã gửi tới bạn rồi thử lại.",
            code=PortalError.CITIZEN_NOT_VERIFIED,
        )
    return api_token_create(actor=user, user=user, name=name.strip() or "Ứng dụng công dân")


def citizen_tokens(user):
    """The citizen's own tokens, newest first (the raw values are never stored)."""
    from motcua.organization.models import ApiToken

    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def citizen_token_revoke(*, user, token_id: int):
    from motcua.organization.services import api_token_revoke

    token = citizen_tokens(user).filter(pk=token_id).first()
    if token is None:
        raise NotFound("Không tìm thấy mã truy cập.", code=PortalError.TOKEN_NOT_FOUND)
    return api_token_revoke(actor=user, token=token)
