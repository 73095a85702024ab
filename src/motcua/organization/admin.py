from django.contrib import admin

from motcua.core.text import fold
from motcua.organization.models import ApiToken, StaffRole, Unit, UnitSuccession


class SuccessionInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ("successor",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "electronic_id", "parent", "valid_from", "valid_to")
    list_filter = ("kind", "valid_to")
    search_fields = ("code", "name", "electronic_id", "name_folded")
    autocomplete_fields = ("parent",)
    inlines = [SuccessionInline]

    def save_model(self, request, obj, form, change):
        obj.name_folded = fold(obj.name)
        super().save_model(request, obj, form, change)


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit", "valid_from", "valid_to")
    list_filter = ("role",)
    search_fields = ("user__username", "unit__name")
    autocomplete_fields = ("user", "unit")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "token_hash", "created_at", "last_used_at")
