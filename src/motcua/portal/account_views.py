"""Citizen pages: register, verify, log in (password or identity provider), submit online,
the submission receipt, and «Cá nhân» (all my dossiers). Audience: citizens."""

from __future__ import annotations

import functools
import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from motcua.catalog import selectors as catalog
from motcua.core.client import client_address
from motcua.core.errors import DomainError, InvalidInput, NotFound
from motcua.core.files import file_response
from motcua.core.masking import mask_email, mask_phone
from motcua.core.pagination import paginate
from motcua.dossiers.lifecycle import Status
from motcua.organization.twofactor import authenticate_one_at_a_time
from motcua.portal import identity, selectors, services
from motcua.portal.errors import PortalError
from motcua.portal.forms import CodeForm, LoginForm, RegisterForm, SubmitForm
from motcua.portal.models import Citizen

CITIZEN_LOGIN = "portal:citizen_login"


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def citizen_required(view):
    """A logged-in citizen (officers without a citizen profile are sent to log in as one)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        citizen = services.citizen_of(request.user)
        if citizen is None:
            return redirect(f"{reverse(CITIZEN_LOGIN)}?next={request.get_full_path()}")
        request.citizen = citizen
        return view(request, *args, **kwargs)

    return wrapper


PENDING = "portal_pending_citizen"  # session: the account waiting for its code (0: none)
PENDING_TO = "portal_pending_sent_to"


def register(request):
    """The same answer whether or not the email/phone already has an account: a redirect to
    the code page. A new account is signed in only once its code is entered; for a taken
    address nothing is created and its owner is told (``citizen_register_or_notify``)."""
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            citizen = services.citizen_register_or_notify(
                full_name=d["full_name"], password=d["password"], email=d["email"], phone=d["phone"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            email = services.normalize_email(d["email"])
            phone = services.normalize_phone(d["phone"])
            request.session.cycle_key()
            request.session[PENDING] = citizen.pk if citizen else 0
            request.session[PENDING_TO] = mask_email(email) if email else mask_phone(phone)
            return redirect(f"{reverse('portal:verify')}?next={_safe_next(request, '')}")
    return render(
        request, "portal/register.html", {"form": form, "providers": identity.providers()}
    )


def verify(request):
    if services.citizen_of(request.user) is not None:
        return _verify_signed_in(request)
    if PENDING not in request.session:
        return redirect(f"{reverse('portal:citizen_login')}?next={request.get_full_path()}")
    return _verify_pending(request)


def _verify_pending(request):
    """The code page right after registration (not signed in yet)."""
    pending = request.session.get(PENDING) or 0
    citizen = Citizen.objects.filter(pk=pending).select_related("user").first()
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("resend"):
            try:
                if citizen is not None:
                    services.citizen_send_code(citizen=citizen)
                messages.info(request, "Đã gửi lại mã xác minh.")
            except DomainError as error:
                messages.error(request, error.message)
            return redirect("portal:verify")
        if form.is_valid():
            try:
                if citizen is None:
                    raise InvalidInput(
                        "Mã xác minh không đúng hoặc đã hết hạn.", code=PortalError.CODE_INVALID
                    )
                services.citizen_verify_code(citizen=citizen, code=form.cleaned_data["code"])
            except DomainError as error:
                form.add_error("code", error.message)
            else:
                request.session.pop(PENDING, None)
                request.session.pop(PENDING_TO, None)
                login(request, citizen.user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, "Tài khoản đã được xác minh.")
                return redirect(_safe_next(request, reverse("portal:mine")))
    return render(
        request,
        "portal/verify.html",
        {"form": form, "sent_to": request.session.get(PENDING_TO, ""), "verified": False},
    )


@citizen_required
def _verify_signed_in(request):
    citizen = request.citizen
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("resend"):
            try:
                services.citizen_send_code(citizen=citizen)
                messages.info(request, "Đã gửi lại mã xác minh.")
            except DomainError as error:
                messages.error(request, error.message)
            return redirect("portal:verify")
        if form.is_valid():
            try:
                services.citizen_verify_code(citizen=citizen, code=form.cleaned_data["code"])
            except DomainError as error:
                form.add_error("code", error.message)
            else:
                messages.success(request, "Tài khoản đã được xác minh.")
                return redirect(_safe_next(request, reverse("portal:mine")))
    sent_to = mask_email(citizen.user.email) if citizen.user.email else mask_phone(citizen.phone)
    return render(
        request,
        "portal/verify.html",
        {"form": form, "sent_to": sent_to, "verified": citizen.is_verified},
    )


def citizen_login(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # django-axes counts failed tries of ``authenticate`` (per account and per client,
        # the same counters as the officers' and the admin's login) and answers 429 when over
        user = services.citizen_find(form.cleaned_data["identifier"])
        username = (
            user.get_username()
            if user is not None
            else form.cleaned_data["identifier"].strip()[:150]
        )
        user = authenticate_one_at_a_time(
            request, username=username, password=form.cleaned_data["password"]
        )
        if user is not None and services.citizen_of(user) is None:
            user = None  # an officer's account does not log in here
        if user is None:
            form.add_error(None, "Thư điện tử/số điện thoại hoặc mật khẩu không đúng.")
        else:
            login(request, user)
            citizen = services.citizen_of(user)
            if not citizen.is_verified:
                return redirect(f"{reverse('portal:verify')}?next={_safe_next(request, '')}")
            return redirect(_safe_next(request, reverse("portal:mine")))
    return render(
        request,
        "portal/login.html",
        {"form": form, "providers": identity.providers(), "next": _safe_next(request, "")},
    )


def _callback_uri(request, key: str) -> str:
    return request.build_absolute_uri(reverse("portal:oidc_callback", args=[key]))


def oidc_start(request, key):
    try:
        idp = identity.provider(key)
        request.session["motcua_oidc_next"] = _safe_next(request, reverse("portal:mine"))
        return redirect(idp.start(request, redirect_uri=_callback_uri(request, key)))
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(CITIZEN_LOGIN)


def oidc_callback(request, key):
    try:
        idp = identity.provider(key)
        found = idp.finish(request, redirect_uri=_callback_uri(request, key))
        citizen = services.citizen_from_identity(provider=key, identity=found)
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(CITIZEN_LOGIN)
    login(request, citizen.user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, f"Đã đăng nhập qua {idp.label}.")
    return redirect(request.session.pop("motcua_oidc_next", None) or reverse("portal:mine"))


@citizen_required
def mine(request):
    page = paginate(request, selectors.citizen_dossiers(request.user))
    tokens = services.citizen_tokens(request.user).filter(revoked_at__isnull=True)
    context = {"page": page, "citizen": request.citizen, "tokens": tokens}
    return render(request, "portal/mine.html", context)


@citizen_required
@require_POST
def my_token_revoke(request, pk: int):
    """Revoke an app's access (a lost or replaced phone)."""
    token = services.citizen_token_revoke(user=request.user, token_id=pk)
    messages.success(request, f"Đã thu hồi quyền truy cập của «{token.name}».")
    return redirect("portal:mine")


@citizen_required
def my_dossier(request, code):
    dossier = selectors.citizen_dossier(request.user, code)
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ.")
    view = selectors.dossier_view(dossier, with_reasons=True)
    context = {"d": view, "dossier": dossier, **_owed_and_rating(dossier)}
    return render(request, "portal/my_dossier.html", context)


def _owed_and_rating(dossier) -> dict:
    """What the citizen can do on the page: pay what is owed, rate a returned dossier."""
    from motcua.payments.services import outstanding
    from motcua.surveys.selectors import rating_of

    closed = dossier.status in (Status.WITHDRAWN, Status.STOPPED, Status.CANCELLED)
    return {
        "owed": Decimal(0) if closed else outstanding(dossier),
        "can_rate": dossier.status == Status.RETURNED and rating_of(dossier=dossier) is None,
    }


@citizen_required
@require_POST
def my_pay(request, code):
    """Pay a dossier's fees from the account: no code or phone digits to type again."""
    from motcua.payments.providers import get_provider
    from motcua.payments.services import payment_start

    dossier = selectors.citizen_dossier(request.user, code)
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ.")
    _, url = payment_start(
        dossier=dossier,
        return_url=request.build_absolute_uri(
            reverse("payments:return", args=[get_provider().code])
        ),
        client_ip=client_address(request),
    )
    return redirect(request.build_absolute_uri(url) if url.startswith("/") else url)


@citizen_required
def my_rate(request, code):
    """Rate a returned dossier from the account (the rating page trusts this session)."""
    from motcua.surveys.views import SESSION_KEY

    dossier = selectors.citizen_dossier(request.user, code)
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ.")
    codes = request.session.get(SESSION_KEY, [])
    request.session[SESSION_KEY] = [*codes[-19:], dossier.code]
    return redirect("surveys:rate", code=dossier.code)


@citizen_required
def my_result(request, code):
    """The electronic copy of the result, for its applicant, once it has been returned."""
    return file_response(selectors.citizen_result_file(request.user, code))


@citizen_required
def my_supplement(request, code):
    """Send the requested supplement online (the clock resumes when it arrives)."""
    dossier = selectors.citizen_dossier(request.user, code)
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ.")
    error, status = "", 200
    if request.method == "POST":
        try:
            services.citizen_supplement_submit(
                user=request.user,
                code=code,
                uploads=request.FILES.getlist("files"),
                note=request.POST.get("note", ""),
            )
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(
                request, "Đã gửi hồ sơ bổ sung. Thời hạn giải quyết tiếp tục được tính."
            )
            return redirect("portal:my_dossier", code=code)
    context = {
        "dossier": dossier,
        "items": services.supplement_items(dossier),
        "waiting": dossier.status == "supplement_requested",
        "error": error,
    }
    return render(request, "portal/supplement.html", context, status=status)


def _submit_initial(citizen) -> dict:
    user = citizen.user
    return {
        "applicant_name": user.get_full_name(),
        "applicant_id_number": citizen.id_number,
        "applicant_phone": citizen.phone,
        "applicant_email": user.email,
        "applicant_address": citizen.address,
        "idempotency_key": uuid.uuid4().hex,
    }


@citizen_required
def submit(request, code):
    try:
        procedure = catalog.procedure_detail(code=code)
    except NotFound as error:
        raise Http404(error.message) from error
    if not request.citizen.is_verified:
        messages.info(request, "Cần xác minh tài khoản trước khi nộp hồ sơ.")
        return redirect(f"{reverse('portal:verify')}?next={request.get_full_path()}")
    units = list(selectors.submission_units(procedure))
    form = SubmitForm(request.POST or None, units=units, initial=_submit_initial(request.citizen))
    components = list(procedure.components.all())
    kept = _kept_files(request, components)
    if request.method == "POST" and form.is_valid():
        files = {
            c.pk: request.FILES[f"file_{c.pk}"]
            for c in components
            if f"file_{c.pk}" in request.FILES
        }
        for pk, (token, name) in kept.items():
            files.setdefault(pk, _staged_open(request.user, token, name))
        try:
            result = services.submission_create(
                user=request.user,
                procedure_code=procedure.code,
                unit_code=form.cleaned_data["unit"],
                idempotency_key=form.cleaned_data["idempotency_key"],
                applicant=form.applicant(),
                files=files,
                return_method=form.cleaned_data["return_method"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
            kept = _keep_accepted(request, components, kept)
        else:
            for token, _ in kept.values():
                _staged_delete(request.user, token)
            return redirect("portal:receipt", code=result.dossier.code)
    elif request.method == "POST":
        kept = _keep_accepted(request, components, kept)
    for c in components:
        c.kept_file = kept.get(c.pk)
    return render(
        request,
        "portal/submit.html",
        {"p": procedure, "form": form, "components": components, "units": units},
        status=400 if request.method == "POST" else 200,
    )


# ---- files already accepted when the form comes back with an error (a refused file, a
# missing field): kept server-side, private, so the citizen does not choose them again.

_STAGING = "portal-staging"


def _staged_path(user, token: str) -> str:
    return f"{_STAGING}/{user.pk}/{token}"


def _kept_files(request, components) -> dict[int, tuple[str, str]]:
    """component id → (token, file name) of the files kept from the previous try."""
    from django.core.files.storage import default_storage

    kept = {}
    for c in components:
        token = request.POST.get(f"kept_{c.pk}", "")
        name = request.POST.get(f"kept_name_{c.pk}", "")[:200]
        if len(token) == 32 and token.isalnum() and token.islower():
            if default_storage.exists(_staged_path(request.user, token)):
                kept[c.pk] = (token, name or "tep")
    return kept


def _staged_open(user, token: str, name: str):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    with default_storage.open(_staged_path(user, token), "rb") as stored:
        return ContentFile(stored.read(), name=name)


def _staged_delete(user, token: str) -> None:
    from django.core.files.storage import default_storage

    default_storage.delete(_staged_path(user, token))


def _keep_accepted(request, components, kept: dict) -> dict:
    """Keep each newly sent file that passes the checks; a refused one is not kept."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from motcua.portal.uploads import check_upload

    kept = dict(kept)
    for c in components:
        upload = request.FILES.get(f"file_{c.pk}")
        if upload is None:
            continue
        try:
            checked = check_upload(upload, label=c.name)
        except DomainError:
            kept.pop(c.pk, None)
            continue
        token = uuid.uuid4().hex
        default_storage.save(_staged_path(request.user, token), ContentFile(checked.data))
        if c.pk in kept:
            _staged_delete(request.user, kept[c.pk][0])
        kept[c.pk] = (token, upload.name[:200])
    return kept


@citizen_required
def receipt(request, code):
    dossier = selectors.citizen_dossier(request.user, code)
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ.")
    return render(
        request,
        "portal/receipt.html",
        {
            "dossier": dossier,
            "items": dossier.checklist.all(),
            **_owed_and_rating(dossier),
        },
    )
