from django.contrib import admin

from motcua.core.service_admin import ReadOnlyAdminMixin
from motcua.dossiers.models import ChecklistItem, Consultation, Dossier, Pause, RuleSet


@admin.register(RuleSet)
class RuleSetAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: rule sets follow the law and the printed forms; a new one comes with code
    (a data migration), and dossiers keep the one they were received under."""

    list_display = ("code", "name", "effective_from", "effective_to")


class ChecklistInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    can_delete = False


class PauseInline(admin.TabularInline):
    model = Pause
    extra = 0
    can_delete = False


class ConsultationInline(admin.TabularInline):
    model = Consultation
    extra = 0
    can_delete = False


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    """Read-only: a dossier changes only through its services (and leaves an event)."""

    list_display = ("code", "procedure", "status", "competent_unit", "received_at", "due_at")
    list_filter = ("status", "channel", "classification", "rule_set")
    search_fields = ("code", "applicant_name")
    list_select_related = ("procedure", "competent_unit")
    inlines = [ChecklistInline, PauseInline, ConsultationInline]
    date_hierarchy = "submitted_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
