"""Admin for the province office: every save goes through ``reporting.services`` (role check
and ledger event) via ``core.service_admin.ServiceAdminMixin``, as pages and the API do.
Nothing is deleted: an indicator or template is switched off instead; targets are versions."""

from __future__ import annotations

from django.contrib import admin

from motcua.core.service_admin import ServiceAdminMixin
from motcua.reporting import services
from motcua.reporting.models import (
    IndexCriterion,
    IndexRuleSet,
    Indicator,
    Report,
    ReportTemplate,
    Target,
)


def _fields(model, instance, created: bool, changed: list[str]) -> dict:
    names = [f.name for f in model._meta.fields if f.name != "id"] if created else changed
    return {name: getattr(instance, name) for name in names}


def _save_indicator(*, actor, instance, created, changed):
    saved = services.indicator_save(
        actor=actor,
        indicator=None if created else Indicator.objects.get(pk=instance.pk),
        **_fields(Indicator, instance, created, changed),
    )
    instance.pk = saved.pk


def _save_target(*, actor, instance, created, changed):
    saved = services.target_set(
        actor=actor,
        indicator=instance.indicator,
        year=instance.year,
        level=instance.level,
        value=instance.value,
        source=instance.source,
        effective_from=instance.effective_from,
    )
    instance.pk = saved.pk


def _save_criterion(*, actor, instance, created, changed):
    services.criterion_save(
        actor=actor,
        criterion=IndexCriterion.objects.get(pk=instance.pk),
        **{name: getattr(instance, name) for name in changed},
    )


def _save_template(*, actor, instance, created, changed):
    saved = services.template_save(
        actor=actor,
        template=None if created else ReportTemplate.objects.get(pk=instance.pk),
        **_fields(ReportTemplate, instance, created, changed),
    )
    instance.pk = saved.pk


@admin.register(Indicator)
class IndicatorAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "formula", "direction", "public", "active", "order")
    list_filter = ("direction", "public", "active")
    search_fields = ("code", "name")
    save_service = _save_indicator


@admin.register(Target)
class TargetAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """A change with the same ``effective_from`` corrects that version (recorded); a new
    ``effective_from`` adds a version."""

    list_display = ("indicator", "year", "level", "value", "effective_from", "source")
    list_filter = ("level", "year", "indicator")
    save_service = _save_target


@admin.register(IndexRuleSet)
class IndexRuleSetAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "effective_from")
    readonly_fields = ("code", "name", "source", "effective_from", "note")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IndexCriterion)
class IndexCriterionAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("code", "group_name", "name", "formula", "max_points", "threshold",
                    "confirmed")  # fmt: skip
    list_filter = ("rule_set", "group_code", "confirmed")
    fields = ("name", "formula", "max_points", "threshold", "confirmed", "note", "order")
    save_service = _save_criterion

    def has_add_permission(self, request):
        return False  # criteria come with a rule set version (migration)


@admin.register(ReportTemplate)
class ReportTemplateAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "frequency", "due_days", "active")
    save_service = _save_template


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
