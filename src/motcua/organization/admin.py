"""Admin: units, staff roles, API tokens and accounts; every write goes through a service."""

from contextvars import ContextVar

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.shortcuts import render

from motcua.core.errors import DomainError
from motcua.core.service_admin import ReadOnlyAdminMixin, ReadOnlyInlineMixin, ServiceAdminMixin
from motcua.organization import services
from motcua.organization.admin_roles import RoleAdminMixin
from motcua.organization.models import ApiToken, StaffRole, Unit, UnitSuccession
from motcua.organization.services import units_merge

User = get_user_model()


class SuccessionInline(ReadOnlyInlineMixin, admin.TabularInline):
    """Successions are written by the merge action (with their events), never by hand."""

    model = UnitSuccession
    fk_name = "predecessor"
    fields = ("successor", "effective_on", "decision")
    readonly_fields = fields


class MergeForm(forms.Form):
    effective_on = forms.DateField(label="Ngày hiệu lực", input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    into = forms.ModelChoiceField(
        label="Đơn vị kế thừa có sẵn",
        queryset=Unit.objects.filter(valid_to__isnull=True),
        required=False,
    )
    new_code = forms.CharField(label="hoặc mã đơn vị mới", required=False)
    new_name = forms.CharField(label="Tên đơn vị mới", required=False)
    new_electronic_id = forms.CharField(label="Mã định danh điện tử mới", required=False)
    decision = forms.CharField(label="Văn bản quyết định", required=False)


@admin.register(Unit)
class UnitAdmin(ServiceAdminMixin, RoleAdminMixin, admin.ModelAdmin):
    save_service = services.unit_save
    delete_service = services.unit_delete
    actions = ["merge_units"]
    list_display = ("code", "name", "kind", "electronic_id", "parent", "valid_from", "valid_to")
    list_filter = ("kind", "valid_to")
    search_fields = ("code", "name", "electronic_id", "name_folded")
    autocomplete_fields = ("parent",)
    inlines = [SuccessionInline]

    @admin.action(description="Sáp nhập các đơn vị đã chọn")
    def merge_units(self, request, queryset):
        form = MergeForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            data = form.cleaned_data
            try:
                successor = units_merge(
                    actor=request.user,
                    units=list(queryset),
                    effective_on=data["effective_on"],
                    into=data["into"],
                    new_code=data["new_code"] or None,
                    new_name=data["new_name"] or None,
                    new_electronic_id=data["new_electronic_id"] or None,
                    decision=data["decision"],
                )
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(
                    request, f"Đã sáp nhập {queryset.count()} đơn vị vào {successor.name}."
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Sáp nhập đơn vị",
            "units": queryset,
            "form": form,
            "opts": self.model._meta,
        }
        return render(request, "admin/organization/unit/merge.html", context)


@admin.register(StaffRole)
class StaffRoleAdmin(ServiceAdminMixin, RoleAdminMixin, admin.ModelAdmin):
    save_service = services.staff_role_save
    delete_service = services.staff_role_delete
    actions = ["revoke_roles"]
    list_display = ("user", "role", "unit", "valid_from", "valid_to")
    list_filter = ("role",)
    search_fields = ("user__username", "unit__name")
    autocomplete_fields = ("user", "unit")

    @admin.action(description="Thu hồi các quyền đã chọn (hết hiệu lực từ hôm nay)")
    def revoke_roles(self, request, queryset):
        for staff_role in queryset:
            services.staff_role_revoke(actor=request.user, staff_role=staff_role)
        self.message_user(request, f"Đã thu hồi {len(queryset)} quyền.")


@admin.register(ApiToken)
class ApiTokenAdmin(ServiceAdminMixin, RoleAdminMixin, admin.ModelAdmin):
    """Issue (the raw value is shown once) and revoke; a token is never edited nor deleted."""

    save_service = services.api_token_create
    actions = ["revoke_tokens"]
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    autocomplete_fields = ("user",)

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        token, raw = services.api_token_create(actor=request.user, user=obj.user, name=obj.name)
        obj.pk = token.pk
        self.message_user(
            request,
            f"Mã truy cập của {obj.user}: {raw} (chỉ hiện một lần, hãy sao chép ngay).",
            messages.WARNING,
        )

    @admin.action(description="Thu hồi các mã truy cập đã chọn")
    def revoke_tokens(self, request, queryset):
        for token in queryset:
            services.api_token_revoke(actor=request.user, token=token)
        self.message_user(request, f"Đã thu hồi {len(queryset)} mã truy cập.")


_password_actor: ContextVar = ContextVar("password_actor")


class PasswordForm(AdminPasswordChangeForm):
    def save(self, commit=True):
        usable = self.cleaned_data.get("set_usable_password", True)
        services.user_password_set(
            actor=_password_actor.get(),
            user=self.user,
            password=self.cleaned_data["password1"] if usable else None,
        )
        return self.user


admin.site.unregister(Group)  # access is given by staff roles (StaffRole), not by groups
admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(ServiceAdminMixin, UserAdmin):
    save_service = services.user_save
    delete_service = services.user_delete
    change_password_form = PasswordForm

    def user_change_password(self, request, id, form_url=""):
        token = _password_actor.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        except DomainError as error:
            return self._refused(request, error)
        finally:
            _password_actor.reset(token)


# --- login security: the third-party pages, re-registered so that writes leave a history ----
# Importing their admin modules registers their pages first (whatever the app order).

from axes import admin as axes_admin  # noqa: E402
from axes.models import AccessAttempt, AccessFailureLog, AccessLog  # noqa: E402
from django_otp.plugins.otp_totp import admin as totp_admin  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402


def _replace(model, admin_class) -> None:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, admin_class)


class SecondFactorAdmin(ServiceAdminMixin, totp_admin.TOTPDeviceAdmin):
    """Authenticators are enrolled by their owner (the setup page); the admin may only remove
    one (a lost phone), which is recorded in the account's history."""

    delete_service = services.totp_device_remove


class LoginLockAdmin(ServiceAdminMixin, axes_admin.AccessAttemptAdmin):
    """Deleting a record of failed logins unlocks the account; recorded as such."""

    delete_service = services.login_lock_reset
    actions = ["delete_selected"]


class LoginLogAdmin(ReadOnlyAdminMixin, axes_admin.AccessLogAdmin):
    pass


class LoginFailureLogAdmin(ReadOnlyAdminMixin, axes_admin.AccessFailureLogAdmin):
    pass


_replace(TOTPDevice, SecondFactorAdmin)
_replace(AccessAttempt, LoginLockAdmin)
_replace(AccessLog, LoginLogAdmin)
_replace(AccessFailureLog, LoginFailureLogAdmin)
