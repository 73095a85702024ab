"""Admin: feedback is read-only here (its writes are the services'); Open311 keys are issued
and revoked through the services, the plain key shown once."""

from __future__ import annotations

from django.contrib import admin, messages

from motcua.core.service_admin import ServiceAdminMixin
from motcua.feedback.models import Feedback, Open311Key
from motcua.feedback.services import open311_key_issue, open311_key_revoke


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Feedback)
class FeedbackAdmin(ReadOnly):
    list_display = ["code", "title", "status", "current_unit", "received_at", "due_at"]
    list_filter = ["status", "channel"]
    search_fields = ["code", "title"]


@admin.register(Open311Key)
class Open311KeyAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Issue (the plain key is shown once) and revoke; a key is never edited nor deleted."""

    save_service = open311_key_issue
    list_display = [
        "organization",
        "prefix",
        "receiving_unit",
        "per_hour",
        "created_at",
        "revoked_at",
    ]
    fields = ["organization", "receiving_unit", "per_hour"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        key, plain = open311_key_issue(
            actor=request.user,
            organization=obj.organization,
            receiving_unit=obj.receiving_unit,
            per_hour=obj.per_hour,
        )
        obj.pk = key.pk
        messages.warning(request, f"Khóa API (chỉ hiện một lần, hãy sao chép ngay): {plain}")

    @admin.action(description="Thu hồi các khóa đã chọn")
    def revoke(self, request, queryset):
        for key in queryset:
            open311_key_revoke(actor=request.user, key=key)
        messages.success(request, f"Đã thu hồi {queryset.count()} khóa.")
