from django.contrib import admin

from motcua.ledger.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("at", "subject_type", "subject_id", "seq", "action", "actor_label")
    list_filter = ("subject_type", "action")
    search_fields = ("subject_id", "actor_label")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
