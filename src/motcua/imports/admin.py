"""Import runs in the admin: read only (runs are written by ``history_import`` alone)."""

from django.contrib import admin

from motcua.imports.models import ImportedDossier, ImportRun


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(_ReadOnly):
    list_display = (
        "file_name",
        "started_at",
        "finished_at",
        "dossiers_done",
        "dossiers",
        "events_done",
        "batches_done",
        "sha256",
    )


@admin.register(ImportedDossier)
class ImportedDossierAdmin(_ReadOnly):
    list_display = ("code", "run", "batch", "events", "previous_on_time", "classification")
    list_filter = ("run", "previous_on_time", "classification")
    search_fields = ("code",)
