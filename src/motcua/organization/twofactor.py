"""Login hardening shared by every login path: the lock-out answer of django-axes, and the
TOTP second factor (django-otp) of the admin and of officers with an administrative role.

Audience of the pages: a signed-in account that must still prove its second factor.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.core.client import client_address
from motcua.core.errors import InvalidInput
from motcua.core.throttle import one_at_a_time
from motcua.ledger.actions import register
from motcua.ledger.services import event_record
from motcua.organization.errors import OrganizationError
from motcua.organization.models import Role
from motcua.organization.permissions import user_roles

ADMIN_ROLES = {Role.PROVINCE_ADMIN, Role.CATALOG_ADMIN}
SECOND_FACTOR_ENROLLED = register("staff.second_factor_enrolled", "Đăng ký xác thực hai bước")
LOCKOUT_MESSAGE = (
    "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút "
    "(hoặc liên hệ quản trị hệ thống)."
)
DEVICE_NAME = "Ứng dụng xác thực"

# ---------------------------------------------------------------- django-axes hooks


def login_username(request, credentials) -> str:
    """The account a login try is counted under (case-insensitive)."""
    value = (credentials or {}).get("username") or ""
    if not value and request is not None:
        value = request.POST.get("username") or request.POST.get("identifier") or ""
    return str(value).strip().lower()[:150]


def lockout_response(request, original_response=None, credentials=None):
    """429 with a Vietnamese message: JSON under /api/, the error page elsewhere."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) or 1
    message = LOCKOUT_MESSAGE.format(minutes=minutes)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": OrganizationError.LOGIN_RATE_LIMITED, "message": message},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    context = {
        "title": "Tạm khóa đăng nhập",
        "message": message,
        "code": OrganizationError.LOGIN_RATE_LIMITED,
    }
    return render(request, "core/error.html", context, status=429)


def authenticate_one_at_a_time(request, *, username: str, password: str):
    """``django.contrib.auth.authenticate`` with the account's and the client's tries run
    one after the other (``core.throttle.one_at_a_time``): django-axes checks the count
    before the password and records the failure after it, so parallel tries would all pass
    the check; serialized, the limit holds exactly. The failure is committed either way."""
    from django.contrib.auth import authenticate

    with one_at_a_time(
        "login:" + login_username(request, {"username": username}),
        "login-client:" + client_address(request),
    ):
        return authenticate(request, username=username, password=password)


class _OneAtATime:
    """For Django's login forms (``/dang-nhap/``, ``/admin/login/``)."""

    def clean(self):
        failure = None
        with one_at_a_time(
            "login:" + login_username(self.request, {"username": self.data.get("username")}),
            "login-client:" + client_address(self.request),
        ):
            try:
                return super().clean()
            except ValidationError as error:  # the failure stays counted (committed)
                failure = error
        raise failure


class OfficerLoginForm(_OneAtATime, AuthenticationForm):
    pass


class AdminLoginForm(_OneAtATime, AdminAuthenticationForm):
    pass


# ---------------------------------------------------------------- who needs a second factor


def second_factor_required(user) -> bool:
    """The admin (staff, superusers) and officers with an administrative role, unless the
    development setting ``MOTCUA_REQUIRE_OTP`` is off."""
    if not getattr(settings, "MOTCUA_REQUIRE_OTP", True):
        return False
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return any(r.role in ADMIN_ROLES for r in user_roles(user))


def _confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


@transaction.atomic
def totp_device_start(*, user) -> TOTPDevice:
    """The account's unconfirmed authenticator (a new secret if there is none yet)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_device_confirm(*, user, token: str) -> TOTPDevice:
    """Confirm the authenticator with its first code; recorded in the account's history.
    A wrong code is counted by the device (django-otp slows down repeated failures)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None or not device.verify_token((token or "").strip()):
        raise InvalidInput(
            "Mã xác thực không đúng hoặc đã hết hạn.", code=OrganizationError.OTP_INVALID
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.confirmed = True
        event_record(
            subject_type="user",
            subject_id=user.pk,
            action=SECOND_FACTOR_ENROLLED,
            actor=user,
            payload={"device": "totp"},
        )
    return device


# ---------------------------------------------------------------- enforcement

ALLOWED_PREFIXES = ("/static/", "/dang-xuat/", "/admin/logout/", "/dang-nhap/xac-thuc")


class SecondFactorMiddleware:
    """An account that needs a second factor reaches nothing until it has given one:
    pages redirect to the code (or enrolment) page, the API answers 403 JSON.
    API calls with a personal Bearer token are not session logins and are not affected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and second_factor_required(user)
            and not user.is_verified()
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "code": OrganizationError.SECOND_FACTOR_REQUIRED,
                        "message": "Cần xác thực hai bước: mở /dang-nhap/xac-thuc/ để nhập mã.",
                    },
                    status=403,
                )
            target = "otp_verify" if _confirmed_device(user) else "otp_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


# ---------------------------------------------------------------- pages


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def _login_first(request):
    return redirect(f"{settings.LOGIN_URL}?next={request.get_full_path()}")


def otp_verify(request):
    """Second step of the login: the 6-digit code of the account's authenticator app."""
    if not request.user.is_authenticated:
        return _login_first(request)
    device = _confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('otp_setup')}?next={_next(request)}")
    error, status = "", 200
    if request.method == "POST":
        allowed, _ = device.verify_is_allowed()
        if allowed and device.verify_token(request.POST.get("token", "").strip()):
            otp_login(request, device)
            return redirect(_next(request))
        error = (
            "Mã xác thực không đúng hoặc đã hết hạn."
            if allowed
            else "Nhập sai quá nhiều lần. Vui lòng chờ ít phút rồi thử lại."
        )
        status = 400 if allowed else 429
    context = {"error": error, "next": _next(request)}
    return render(request, "organization/otp_verify.html", context, status=status)


def otp_setup(request):
    """Enrol an authenticator app: the otpauth:// address and its secret, then one code."""
    if not request.user.is_authenticated:
        return _login_first(request)
    if _confirmed_device(request.user) is not None:
        return redirect(f"{reverse('otp_verify')}?next={_next(request)}")
    error, status = "", 200
    if request.method == "POST":
        try:
            device = totp_device_confirm(user=request.user, token=request.POST.get("token", ""))
        except InvalidInput as failure:
            error, status = failure.message, failure.status
        else:
            otp_login(request, device)
            return redirect(_next(request))
    device = totp_device_start(user=request.user)
    context = {
        "uri": device.config_url,
        "secret": base64.b32encode(device.bin_key).decode(),
        "error": error,
        "next": _next(request),
    }
    return render(request, "organization/otp_setup.html", context, status=status)
