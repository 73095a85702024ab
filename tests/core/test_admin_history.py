"""Every write made in the Django admin is in the history (the ledger), or the page is read-only.

The test walks every model registered in ``admin.site``. For each one the admin lets a
superuser write, it posts the real admin forms (add, change, delete) with the test client and
expects new ledger events recorded by the same user; for the others it asserts that the admin
offers no add, change or delete and refuses a posted form. A model registered later with a
plain ``ModelAdmin`` writes directly: this test then fails (no event, or no sample row here).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.test import RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.catalog.models import (
    DossierComponent,
    Field,
    InternalProcess,
    OnlineType,
    Procedure,
    ProcedureLevel,
    ProcessStep,
    PublicationDecision,
    TimeLimitKind,
)
from motcua.feedback.models import Open311Key
from motcua.ledger.models import Event
from motcua.organization.models import ApiToken, Role, StaffRole, Unit, UnitKind
from motcua.reform.models import DeadlineKind, Framework, Index, Node, NodeLevel, Plan, Task
from motcua.reporting.models import IndexCriterion, Indicator, ReportTemplate, Target
from motcua.surveys.models import Questionnaire
from motcua.workcalendar.models import CalendarException, ExceptionKind, WorkSchedule

User = get_user_model()


# --- reading an admin form as a browser would -------------------------------------------------


class _FormReader(HTMLParser):
    """The name/value pairs a browser would post from the admin's main form."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.pairs: list[tuple[str, str]] = []
        self._select: tuple[str, bool] | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and "__prefix__" not in name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.pairs.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name and "__prefix__" not in name:
            self._select = (name, "multiple" in a)
        elif tag == "option" and self._select and "selected" in a:
            self.pairs.append((self._select[0], a.get("value", "")))
        elif tag == "textarea" and name and "__prefix__" not in name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.pairs.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def _form_data(response, model) -> dict[str, list[str]]:
    reader = _FormReader(f"{model._meta.model_name}_form")
    reader.feed(response.content.decode())
    assert reader.pairs, f"no form found on {response.request['PATH_INFO']}"
    data: dict[str, list[str]] = {}
    for name, value in reader.pairs:
        data.setdefault(name, []).append(value)
    return data


def _inline_rows_as_new(model_admin, data: dict[str, list[str]]) -> dict[str, list[str]]:
    """For an add form built from a change form: the sample's inline rows become new rows
    (no id, no parent), as if typed again on the add page."""
    from django.forms.models import _get_foreign_key

    request = RequestFactory().get("/admin/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    out = dict(data)
    for inline in model_admin.get_inline_instances(request):
        prefix = inline.get_formset(request).get_default_prefix()
        fk = _get_foreign_key(model_admin.model, inline.model, fk_name=inline.fk_name).name
        for key in list(out):
            if key.startswith(prefix + "-") and key.rsplit("-", 1)[-1] in ("id", fk, "DELETE"):
                del out[key]
        out[f"{prefix}-INITIAL_FORMS"] = ["0"]
    return out


def _shift(field: models.Field, value: str) -> str:
    """Another value of the same kind, so that an added copy of a row is not a duplicate."""
    if isinstance(field, models.DateField):
        for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                day = dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a date)
            except ValueError:
                continue
            return (day + dt.timedelta(days=400)).strftime(fmt)
        return value
    if isinstance(field, models.IntegerField):
        return str(int(value or 0) + 100)
    suffix = "-x2"
    return value[: (field.max_length or 100) - len(suffix)] + suffix


def _unique_groups(model) -> list[list[str]]:
    groups = [[f.name] for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    groups += [list(g) for g in model._meta.unique_together]
    groups += [
        list(c.fields) for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)
    ]
    return groups


def _distinct_copy(model, data: dict[str, list[str]]) -> dict[str, list[str]]:
    data = dict(data)
    for group in _unique_groups(model):
        for name in group:
            field = model._meta.get_field(name)
            if field.is_relation or field.choices or name not in data or not data[name][0]:
                continue
            if isinstance(field, models.CharField | models.DateField | models.IntegerField):
                data[name] = [_shift(field, data[name][0])]
                break
    return data


def _editable_text_field(model, data) -> str | None:
    for field in model._meta.concrete_fields:
        if (
            isinstance(field, models.CharField | models.TextField)
            and not isinstance(field, models.SlugField)
            and not field.unique
            and not field.choices
            and field.name in data
        ):
            return field.name
    return None


#: The add form of accounts is not their change form.
ADD_DATA = {
    User: {
        "username": ["canbo.moi"],
        "password1": ["Mk-kiem-thu-2026!"],
        "password2": ["Mk-kiem-thu-2026!"],
        "usable_password": ["true"],
    },
}
#: Models whose change form has no free text to edit: the field and value to post instead.
CHANGE_DATA = {StaffRole: ("valid_to", "2030-12-31")}


# --- one row of every model the admin may write ----------------------------------------------


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("quantri.cao", "qt@example.vn", "Mk-kiem-thu-2026")


@pytest.fixture
def samples(superuser, province, make_unit) -> dict[type[models.Model], models.Model]:
    commune = make_unit("UBND xã Mẫu")
    field = Field.objects.create(code="HT", name="Hộ tịch")
    procedure = Procedure.objects.create(
        code="1.000001",
        name="Đăng ký khai sinh",
        field=field,
        competent_unit_kind=UnitKind.COMMUNE,
        time_limit_kind=TimeLimitKind.WORKING_DAYS,
        time_limit=Decimal("3"),
        online_type=OnlineType.FULL,
    )
    ProcedureLevel.objects.create(procedure=procedure, level="commune")
    DossierComponent.objects.create(procedure=procedure, order=1, name="Tờ khai")
    process = InternalProcess.objects.create(
        procedure=procedure, version=1, effective_from=dt.date(2025, 7, 1)
    )
    ProcessStep.objects.create(
        process=process, order=1, name="Tiếp nhận", role=Role.DESK_OFFICER, hours=Decimal("24")
    )
    index = Index.objects.create(code="par", name="Chỉ số CCHC", short_name="PAR INDEX")
    framework = Framework.objects.create(
        index=index, year=2020, methodology="Quyết định 1149", max_total=Decimal("100")
    )
    node = Node.objects.create(
        framework=framework, level=NodeLevel.AREA, code="1", name="Công tác chỉ đạo",
        max_points=Decimal("10"),
    )  # fmt: skip
    plan = Plan.objects.create(
        number="12/KH-UBND", issued_on=dt.date(2025, 3, 1), title="Khắc phục", year=2025,
        horizon_year=2026,
    )  # fmt: skip
    task = Task.objects.create(
        plan=plan,
        index=index,
        number="1",
        text="Rà soát thủ tục",
        deadline_kind=DeadlineKind.REGULAR,
    )
    return {
        User: User.objects.create_user("canbo.mau", password="Mk-kiem-thu-2026"),
        Unit: commune,
        StaffRole: StaffRole.objects.create(
            user=superuser, role=Role.DESK_OFFICER, unit=commune, valid_from=dt.date(2025, 1, 1)
        ),
        ApiToken: None,  # issued by the admin below
        Open311Key: None,  # issued and revoked in tests/feedback/test_open311.py
        WorkSchedule: WorkSchedule.objects.filter(unit__isnull=True).first(),
        CalendarException: CalendarException.objects.create(
            date=dt.date(2029, 5, 2), kind=ExceptionKind.DAY_OFF, reason="Nghỉ bù"
        ),
        Field: field,
        Procedure: procedure,
        InternalProcess: process,
        PublicationDecision: PublicationDecision.objects.create(
            number="101/QĐ-UBND", date=dt.date(2025, 6, 1), title="Công bố TTHC"
        ),
        Index: index,
        Framework: framework,
        Node: node,
        Plan: plan,
        Task: task,
        Questionnaire: Questionnaire.objects.order_by("pk").first(),
        # reporting: rows seeded by its migration 0002
        Indicator: Indicator.objects.get(code="dung-han"),
        Target: Target.objects.filter(indicator__code="so-hoa-ket-qua").order_by("pk").first(),
        IndexCriterion: IndexCriterion.objects.get(code="TT2"),
        ReportTemplate: ReportTemplate.objects.get(code="cchc-quy"),
        TOTPDevice: TOTPDevice.objects.create(user=superuser, name="Điện thoại", confirmed=True),
        AccessAttempt: AccessAttempt.objects.create(
            username="canbo.mau",
            ip_address="10.0.0.9",
            user_agent="kiểm thử",
            http_accept="*/*",
            path_info="/dang-nhap/",
            get_data="",
            post_data="",
            failures_since_start=5,
        ),  # fmt: skip
    }


def _can(model_admin, user, what: str) -> bool:
    request = RequestFactory().get("/admin/")
    request.user = user
    return getattr(model_admin, f"has_{what}_permission")(request)


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _events_since(last_id: int, actor) -> list[Event]:
    return list(Event.objects.filter(id__gt=last_id, actor_id=actor.pk).order_by("id"))


def _last_event_id() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _post(client, url: str, data) -> None:
    response = client.post(url, data)
    if response.status_code != 302:
        errors = ""
        if response.context and "adminform" in response.context:
            errors = response.context["adminform"].form.errors.as_text()
            for formset in response.context.get("inline_admin_formsets", []):
                errors += str(formset.formset.errors) + str(formset.formset.non_form_errors())
        raise AssertionError(f"POST {url} → {response.status_code}: {errors}")


def _check_change(client, superuser, model, obj) -> None:
    data = _form_data(client.get(_url(model, "change", obj.pk)), model)
    if model in CHANGE_DATA:
        name, value = CHANGE_DATA[model]
    else:
        name = _editable_text_field(model, data)
        assert name, f"{model._meta.label}: no text field to change; add it to CHANGE_DATA"
        value = (data[name][0] or "Mẫu")[:40] + " (sửa)"
    data[name] = [value]
    data["_save"] = ["Lưu"]
    before = _last_event_id()
    _post(client, _url(model, "change", obj.pk), data)
    obj.refresh_from_db()
    if model not in CHANGE_DATA:
        assert getattr(obj, name) == value, f"{model._meta.label}: the change was not saved"
    assert _events_since(before, superuser), f"{model._meta.label}: change left no event"


def _check_add(client, superuser, model, obj) -> models.Model:
    if model in ADD_DATA:
        data = dict(ADD_DATA[model])
    else:
        source = _form_data(client.get(_url(model, "change", obj.pk)), model)
        data = _distinct_copy(model, _inline_rows_as_new(admin.site._registry[model], source))
    data["_save"] = ["Lưu"]
    before, count = _last_event_id(), model._default_manager.count()
    _post(client, _url(model, "add"), data)
    assert model._default_manager.count() == count + 1, f"{model._meta.label}: nothing added"
    assert _events_since(before, superuser), f"{model._meta.label}: add left no event"
    return model._default_manager.order_by("-pk").first()


def _check_delete(client, superuser, model, obj) -> None:
    before = _last_event_id()
    _post(client, _url(model, "delete", obj.pk), {"post": "yes"})
    assert not model._default_manager.filter(pk=obj.pk).exists(), f"{model._meta.label}: kept"
    events = _events_since(before, superuser)
    assert events, f"{model._meta.label}: delete left no event"


def _check_read_only(client, model, model_admin, superuser) -> None:
    assert not _can(model_admin, superuser, "add"), model._meta.label
    assert not _can(model_admin, superuser, "change"), model._meta.label
    assert not _can(model_admin, superuser, "delete"), model._meta.label
    before = _last_event_id()
    response = client.post(_url(model, "add"), {"_save": "Lưu"})
    assert response.status_code == 403, f"{model._meta.label}: add form accepted a post"
    assert _last_event_id() == before


def test_every_admin_write_is_recorded_in_the_ledger(client, superuser, samples):
    # given a superuser in the admin and one row of each model the admin may write
    client.force_login(superuser)
    checked = []
    for model, model_admin in admin.site._registry.items():
        can = {w: _can(model_admin, superuser, w) for w in ("add", "change", "delete")}
        if not any(can.values()):
            # then a page that may not write refuses writes
            _check_read_only(client, model, model_admin, superuser)
            checked.append((model._meta.label, "read-only"))
            continue
        assert model in samples, (
            f"{model._meta.label} is writable in the admin: route its saves through a service "
            "(core.service_admin.ServiceAdminMixin) and add a sample row to this test"
        )
        obj = samples[model]
        # when the superuser changes, adds and deletes through the real admin pages
        # then each write has its event, recorded as the superuser's
        if can["change"]:
            _check_change(client, superuser, model, obj)
        added = None
        if can["add"] and obj is not None:
            added = _check_add(client, superuser, model, obj)
        if can["delete"]:
            _check_delete(client, superuser, model, added or obj)
        checked.append((model._meta.label, "+".join(w for w, ok in can.items() if ok)))
    labels = dict(checked)
    assert labels["catalog.Procedure"] == "add+change+delete"
    assert labels["ledger.Event"] == "read-only"
    assert "auth.Group" not in labels  # roles are staff roles, not groups


def test_api_token_is_issued_once_and_revoked_through_the_service(client, superuser, samples):
    # given the superuser in the admin
    client.force_login(superuser)
    staff = samples[User]
    # when a token is issued for an account
    before = _last_event_id()
    response = client.post(
        _url(ApiToken, "add"), {"user": staff.pk, "name": "Máy trạm một cửa", "_save": "Lưu"}
    )
    # then the raw value is shown once, only its hash is stored, and the issue is recorded
    assert response.status_code == 302
    token = ApiToken.objects.get(user=staff)
    shown = [str(m) for m in response.wsgi_request._messages]
    raw = re.search(r"(mc_[\w-]+)", " ".join(shown)).group(1)
    assert token.prefix == raw[:10] and raw not in token.token_hash
    assert [e.action for e in _events_since(before, superuser)] == ["api_token.issued"]
    # when it is revoked with the admin action
    client.post(
        _url(ApiToken, "changelist"),
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
    )
    # then it no longer works and the revocation is in the user's history
    token.refresh_from_db()
    assert token.revoked_at is not None
    history = Event.objects.filter(subject_type="user", subject_id=str(staff.pk))
    assert list(history.values_list("action", flat=True)) == [
        "api_token.issued",
        "api_token.revoked",
    ]


def test_staff_role_grant_and_revoke_from_the_admin(client, superuser, samples):
    client.force_login(superuser)
    staff, unit = samples[User], samples[Unit]
    # when a role is granted through the add form
    response = client.post(
        _url(StaffRole, "add"),
        {
            "user": staff.pk,
            "role": Role.DESK_OFFICER,
            "unit": unit.pk,
            "valid_from": "2026-01-01",
            "_save": "Lưu",
        },
    )
    assert response.status_code == 302
    role = StaffRole.objects.get(user=staff)
    # and revoked with the action
    client.post(
        _url(StaffRole, "changelist"),
        {"action": "revoke_roles", "_selected_action": [role.pk]},
    )
    # then both are in the user's history, with the unit
    role.refresh_from_db()
    assert role.valid_to is not None
    events = Event.objects.filter(subject_type="user", subject_id=str(staff.pk)).order_by("seq")
    assert [(e.action, e.unit_id) for e in events] == [
        ("staff.role_granted", unit.pk),
        ("staff.role_revoked", unit.pk),
    ]


def test_procedure_parts_edited_in_the_admin_are_recorded(client, superuser, samples):
    client.force_login(superuser)
    procedure = samples[Procedure]
    data = _form_data(client.get(_url(Procedure, "change", procedure.pk)), Procedure)
    # when a dossier component is renamed on the procedure's page
    name_key = next(k for k in data if re.fullmatch(r"components-0-name", k))
    data[name_key] = ["Tờ khai đăng ký khai sinh (mẫu mới)"]
    data["_save"] = ["Lưu"]
    before = _last_event_id()
    _post(client, _url(Procedure, "change", procedure.pk), data)
    # then the procedure's history says which part changed, to what
    events = _events_since(before, superuser)
    assert [e.action for e in events] == ["procedure.saved"]
    saved = events[0].payload["saved"]
    assert saved[0]["row"] == "catalog.dossiercomponent"
    assert saved[0]["values"] == {"name": "Tờ khai đăng ký khai sinh (mẫu mới)"}


def test_password_set_in_the_admin_is_recorded_without_the_password(client, superuser, samples):
    client.force_login(superuser)
    staff = samples[User]
    before = _last_event_id()
    response = client.post(
        reverse("admin:auth_user_password_change", args=[staff.pk]),
        {"password1": "Mk-moi-2026-rat-dai", "password2": "Mk-moi-2026-rat-dai"},
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("Mk-moi-2026-rat-dai")
    events = _events_since(before, superuser)
    assert [e.action for e in events] == ["user.password_set"]
    assert "Mk-moi" not in str(events[0].payload)


def test_delete_selected_action_deletes_through_the_service(client, superuser, samples):
    client.force_login(superuser)
    fields = [Field.objects.create(code=f"X{i}", name=f"Lĩnh vực {i}") for i in range(3)]
    before = _last_event_id()
    response = client.post(
        _url(Field, "changelist"),
        {"action": "delete_selected", "post": "yes", "_selected_action": [f.pk for f in fields]},
    )
    assert response.status_code == 302
    assert not Field.objects.filter(pk__in=[f.pk for f in fields]).exists()
    events = _events_since(before, superuser)
    assert sorted((e.action, e.subject_id) for e in events) == sorted(
        ("catalog.field_deleted", str(f.pk)) for f in fields
    )
