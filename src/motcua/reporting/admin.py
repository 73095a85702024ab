"""Admin for the province office: every save goes through ``reporting.services`` (role check
and ledger event), as pages and the API do. Targets are versions: added, never edited."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

from motcua.core.errors import DomainError
from motcua.reporting import services
from motcua.reporting.models import (
    IndexCriterion,
    IndexRuleSet,
    Indicator,
    Report,
    ReportTemplate,
    Target,
)


class ServiceAdmin(admin.ModelAdmin):
    """Writes through a service; a domain error is shown instead of saving."""

    def service_save(self, request, obj, change, fields: dict):  # pragma: no cover - abstract
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        if not change:
            fields = {name: form.cleaned_data[name] for name in form.fields}
        try:
            saved = self.service_save(request, obj, change, fields)
        except DomainError as error:
            raise DjangoPermissionDenied(error.message) from error
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        messages.error(request, "Không xoá dữ liệu này; hãy ngừng áp dụng thay vì xoá.")

    def has_delete_permission(self, request, obj=None):
        return False


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    can_delete = False
    readonly_fields = ("year", "level", "value", "source", "effective_from")

    def has_add_permission(self, request, obj=None):
        return False  # added with the "Chỉ tiêu năm" form (a new version, recorded)


@admin.register(Indicator)
class IndicatorAdmin(ServiceAdmin):
    list_display = ("code", "name", "formula", "direction", "public", "active", "order")
    list_filter = ("direction", "public", "active")
    search_fields = ("code", "name")
    inlines = [TargetInline]

    def service_save(self, request, obj, change, fields):
        return services.indicator_save(
            actor=request.user, indicator=Indicator.objects.get(pk=obj.pk) if change else None,
            **fields,
        )  # fmt: skip


@admin.register(Target)
class TargetAdmin(ServiceAdmin):
    list_display = ("indicator", "year", "level", "value", "effective_from", "source")
    list_filter = ("level", "year", "indicator")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def service_save(self, request, obj, change, fields):
        return services.target_set(
            actor=request.user,
            indicator=fields["indicator"],
            year=fields["year"],
            level=fields["level"],
            value=fields["value"],
            source=fields["source"],
            effective_from=fields["effective_from"],
        )


class CriterionInline(admin.TabularInline):
    model = IndexCriterion
    extra = 0
    can_delete = False
    fields = ("code", "group_name", "name", "formula", "max_points", "threshold", "confirmed")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(IndexRuleSet)
class IndexRuleSetAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "effective_from")
    inlines = [CriterionInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(IndexCriterion)
class IndexCriterionAdmin(ServiceAdmin):
    list_display = ("code", "group_name", "name", "formula", "max_points", "threshold",
                    "confirmed")  # fmt: skip
    list_filter = ("rule_set", "group_code", "confirmed")
    fields = ("name", "formula", "max_points", "threshold", "confirmed", "note", "order")

    def has_add_permission(self, request):
        return False

    def service_save(self, request, obj, change, fields):
        return services.criterion_save(
            actor=request.user, criterion=IndexCriterion.objects.get(pk=obj.pk), **fields
        )


@admin.register(ReportTemplate)
class ReportTemplateAdmin(ServiceAdmin):
    list_display = ("code", "name", "frequency", "due_days", "active")

    def service_save(self, request, obj, change, fields):
        return services.template_save(
            actor=request.user,
            template=ReportTemplate.objects.get(pk=obj.pk) if change else None,
            **fields,
        )


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("template", "unit", "period_start", "version", "status", "submitted_at")
    list_filter = ("template", "status")
    readonly_fields = [f.name for f in Report._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
