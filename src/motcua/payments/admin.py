from django.contrib import admin

from motcua.payments.models import Payment


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Read-only: payments change only through the gateway's notification."""

    list_display = (
        "order_ref",
        "dossier_code",
        "amount",
        "status",
        "receipt_number",
        "dossier_updated",
        "created_at",
    )
    list_filter = ("status", "provider", "dossier_updated")
    search_fields = ("order_ref", "dossier_code", "receipt_number")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
