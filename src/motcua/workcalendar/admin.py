"""Admin: the province admin edits working hours and the dated exceptions, or imports a CSV."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path

from motcua.core.errors import DomainError
from motcua.core.service_admin import ServiceAdminMixin
from motcua.organization.models import Role
from motcua.organization.permissions import has_role
from motcua.workcalendar import services
from motcua.workcalendar.models import (
    CalendarException,
    Weekday,
    WorkPeriod,
    WorkSchedule,
)


class ProvinceAdminOnly:
    """Superusers and holders of the province-admin role (staff accounts) may edit."""

    def _allowed(self, request) -> bool:
        return (
            request.user.is_active
            and request.user.is_staff
            and (request.user.is_superuser or has_role(request.user, [Role.PROVINCE_ADMIN]))
        )

    def has_module_permission(self, request):
        return self._allowed(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self._allowed(request) or super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request) or super().has_delete_permission(request, obj)


class PeriodInline(ProvinceAdminOnly, admin.TabularInline):
    model = WorkPeriod
    extra = 0


@admin.register(WorkSchedule)
class WorkScheduleAdmin(ServiceAdminMixin, ProvinceAdminOnly, admin.ModelAdmin):
    list_display = ("name", "unit", "effective_from", "same_day_cutoff", "decision")
    list_filter = ("unit__kind",)
    search_fields = ("name", "unit__name", "unit__code")
    autocomplete_fields = ("unit",)
    inlines = [PeriodInline]
    save_service = services.schedule_save
    delete_service = services.schedule_delete
    parts_service = services.schedule_periods_save


class CsvForm(forms.Form):
    file = forms.FileField(
        label="Tệp CSV (cột date,kind,reason,document)",
        help_text="kind: holiday (nghỉ lễ), day_off (nghỉ bù/hoán đổi), makeup (làm bù).",
    )


@admin.register(CalendarException)
class CalendarExceptionAdmin(ServiceAdminMixin, ProvinceAdminOnly, admin.ModelAdmin):
    list_display = ("date", "weekday", "kind", "reason", "document", "source")
    list_filter = ("kind", "source")
    search_fields = ("reason", "document")
    date_hierarchy = "date"
    readonly_fields = ("source", "updated_at")
    ordering = ("-date",)
    change_list_template = "admin/workcalendar/calendarexception/change_list.html"
    save_service = services.exception_save  # a row the admin touched is the admin's
    delete_service = services.exception_remove

    @admin.display(description="Thứ")
    def weekday(self, obj):
        return Weekday(obj.date.weekday()).label

    def get_urls(self):
        return [
            path(
                "nhap-csv/",
                self.admin_site.admin_view(self.import_view),
                name="workcalendar_import_csv",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self._allowed(request):
            messages.error(request, "Cần vai trò Quản trị hệ thống tỉnh.")
            return redirect("..")
        form = CsvForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                content = form.cleaned_data["file"].read().decode("utf-8")
                rows = services.calendar_import_csv(actor=request.user, content=content)
            except UnicodeDecodeError:
                messages.error(request, "Tệp phải mã hóa UTF-8.")
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"Đã nhập {len(rows)} ngày nghỉ, ngày làm bù.")
                return redirect("..")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "Nhập thông báo lịch nghỉ, ngày làm bù từ CSV",
            "opts": self.model._meta,
        }
        return render(request, "admin/workcalendar/calendarexception/import.html", context)
