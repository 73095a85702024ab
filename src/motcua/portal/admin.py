"""Admin: citizens and, for operations, the notification log (read-only)."""

from django.contrib import admin

from motcua.portal.models import Citizen, ExternalIdentity, Notification, Submission


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin):
    list_display = ("__str__", "user", "verified_at", "created_at")
    search_fields = ("user__username", "user__email", "user__first_name", "phone")
    readonly_fields = ("user", "verified_at", "created_at", "id_number")


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    list_display = ("provider", "subject", "user", "last_login_at")
    search_fields = ("subject", "user__username")
    readonly_fields = ("user", "provider", "subject", "created_at", "last_login_at")


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("dossier", "user", "created_at")
    search_fields = ("dossier__code", "user__username")
    readonly_fields = ("user", "idempotency_key", "fingerprint", "dossier", "created_at")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("dossier_code", "action", "channel", "status", "attempts", "created_at")
    list_filter = ("status", "channel", "action")
    search_fields = ("dossier_code",)
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False
