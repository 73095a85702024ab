"""Admin: citizens, their sign-ins, submissions and notifications, for operations (read-only:
citizens change their own data through the portal, which records it)."""

from django.contrib import admin

from motcua.core.service_admin import ReadOnlyAdminMixin
from motcua.portal.models import Citizen, ExternalIdentity, Notification, Submission


@admin.register(Citizen)
class CitizenAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "user", "verified_at", "created_at")
    search_fields = ("user__username", "user__email", "user__first_name", "phone")
    readonly_fields = ("user", "verified_at", "created_at", "id_number")


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("provider", "subject", "user", "last_login_at")
    search_fields = ("subject", "user__username")
    readonly_fields = ("user", "provider", "subject", "created_at", "last_login_at")


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("dossier", "user", "created_at")
    search_fields = ("dossier__code", "user__username")
    readonly_fields = ("user", "idempotency_key", "fingerprint", "dossier", "created_at")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("dossier_code", "action", "channel", "status", "attempts", "created_at")
    list_filter = ("status", "channel", "action")
    search_fields = ("dossier_code",)
    readonly_fields = [f.name for f in Notification._meta.fields]
