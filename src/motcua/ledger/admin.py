from django.contrib import admin

from motcua.ledger.models import DailyRoot, Event, Seal, VerifyRun


class ReadOnlyAdmin(admin.ModelAdmin):
    """The ledger is written by services only; the admin shows it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("at", "subject_type", "subject_id", "seq", "action", "actor_label")
    list_filter = ("subject_type", "action")
    search_fields = ("subject_id", "actor_label")


@admin.register(Seal)
class SealAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "subject_type", "subject_id", "seq", "sealed_at", "hash")
    search_fields = ("subject_id",)


@admin.register(DailyRoot)
class DailyRootAdmin(ReadOnlyAdmin):
    list_display = ("day", "event_count", "merkle_root", "hash", "created_at")
    date_hierarchy = "day"


@admin.register(VerifyRun)
class VerifyRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "ok", "events", "roots", "problem_count", "first_problem")
    list_filter = ("ok",)
