from django.contrib import admin

from motcua.dossiers.models import ChecklistItem, Consultation, Dossier, Pause, RuleSet


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
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
