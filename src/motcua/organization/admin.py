from django import forms
from django.contrib import admin, messages
from django.shortcuts import render

from motcua.core.errors import DomainError
from motcua.core.text import fold
from motcua.organization.admin_roles import RoleAdminMixin
from motcua.organization.models import ApiToken, StaffRole, Unit, UnitSuccession
from motcua.organization.services import units_merge


class SuccessionInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ("successor",)


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
class UnitAdmin(RoleAdminMixin, admin.ModelAdmin):
    actions = ["merge_units"]
    list_display = ("code", "name", "kind", "electronic_id", "parent", "valid_from", "valid_to")
    list_filter = ("kind", "valid_to")
    search_fields = ("code", "name", "electronic_id", "name_folded")
    autocomplete_fields = ("parent",)
    inlines = [SuccessionInline]

    def save_model(self, request, obj, form, change):
        obj.name_folded = fold(obj.name)
        super().save_model(request, obj, form, change)

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
class StaffRoleAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("user", "role", "unit", "valid_from", "valid_to")
    list_filter = ("role",)
    search_fields = ("user__username", "unit__name")
    autocomplete_fields = ("user", "unit")


@admin.register(ApiToken)
class ApiTokenAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "token_hash", "created_at", "last_used_at")
