from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.shortcuts import redirect, render
from django.urls import path

from motcua.catalog import services
from motcua.catalog.models import (
    DossierComponent,
    FeeItem,
    Field,
    InternalProcess,
    Procedure,
    ProcedureLevel,
    ProcessStep,
    PublicationDecision,
    PublicationEntry,
)
from motcua.catalog.validation import step_allotment_error
from motcua.core.errors import DomainError, InvalidInput
from motcua.core.files import FORM_KINDS, check_content, read_limited
from motcua.core.selectors import job_for, job_status
from motcua.core.service_admin import ServiceAdminMixin
from motcua.organization.admin_roles import RoleAdminMixin
from motcua.organization.models import Role


class CatalogAdminMixin(ServiceAdminMixin, RoleAdminMixin):
    """Catalog administrators edit; every add, change and delete goes through a service."""

    admin_roles = (Role.CATALOG_ADMIN, Role.PROVINCE_ADMIN)


class LevelInline(admin.TabularInline):
    model = ProcedureLevel
    extra = 0


class ComponentForm(forms.ModelForm):
    """A form template is checked by its content (a PDF that parses or a Word .docx without
    macros) before anything is stored; a refused file is a Vietnamese error on its row."""

    class Meta:
        model = DossierComponent
        fields = ("order", "name", "originals", "copies", "required", "form_name", "form_template")

    def clean_form_template(self):
        upload = self.cleaned_data.get("form_template")
        if not isinstance(upload, UploadedFile):
            return upload  # unchanged, or cleared
        label = upload.name or "mẫu"
        try:
            checked = check_content(
                read_limited(upload, label=label), label=label, kinds=FORM_KINDS
            )
        except InvalidInput as error:
            raise forms.ValidationError(error.message, code=error.code) from error
        return checked.as_django_file(label.rsplit(".", 1)[0] or "mau")


class ComponentInline(admin.TabularInline):
    model = DossierComponent
    form = ComponentForm
    extra = 0


class FeeInline(admin.TabularInline):
    model = FeeItem
    extra = 0


class ImportForm(forms.Form):
    workbook = forms.FileField(label="Tệp Excel danh mục (.xlsx)")


@admin.register(Procedure)
class ProcedureAdmin(CatalogAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "field", "time_limit_display", "online_type", "status")
    list_filter = ("status", "online_type", "field", "levels__level")
    search_fields = ("code", "name", "search_text")
    inlines = [LevelInline, ComponentInline, FeeInline]
    change_list_template = "admin/catalog/procedure/change_list.html"
    save_service = services.procedure_save
    delete_service = services.procedure_delete
    parts_service = services.procedure_parts_save

    @admin.display(description="Thời hạn")
    def time_limit_display(self, obj):
        return obj.time_limit_display()

    def get_urls(self):
        return [
            path(
                "xuat-excel/", self.admin_site.admin_view(self.export_view), name="catalog_export"
            ),
            path(
                "nhap-excel/", self.admin_site.admin_view(self.import_view), name="catalog_import"
            ),
            *super().get_urls(),
        ]

    def _job(self, request) -> dict | None:
        """The job named in ``?viec=`` (its progress bar), if the user may follow it."""
        job_id = request.GET.get("viec")
        if not job_id:
            return None
        return job_status(job_for(user=request.user, job_id=job_id))

    def _page(self, request, template: str, title: str, **extra):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "job": self._job(request),
            **extra,
        }
        return render(request, template, context)

    def export_view(self, request):
        """The export runs in the background: a button starts it, a bar shows its progress,
        a link downloads the workbook when it is ready."""
        if not self.has_view_permission(request):
            raise DjangoPermissionDenied
        if request.method == "POST":
            try:
                job = services.catalog_export_start(actor=request.user)
            except DomainError as error:
                messages.error(request, error.message)
                return redirect(".")
            return redirect(f"{request.path}?viec={job.pk}")
        return self._page(
            request, "admin/catalog/procedure/export.html", "Xuất danh mục TTHC ra Excel"
        )

    def import_view(self, request):
        """The upload is checked as a workbook and imported in the background (all or
        nothing); the page follows the job and lists every error it found."""
        if not self.has_change_permission(request):
            raise DjangoPermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["workbook"]
            try:
                data = read_limited(upload, label=upload.name)
                job = services.catalog_import_start(actor=request.user, data=data, name=upload.name)
            except DomainError as error:
                messages.error(request, error.message)
                return redirect(".")
            return redirect(f"{request.path}?viec={job.pk}")
        return self._page(
            request,
            "admin/catalog/procedure/import.html",
            "Nhập danh mục TTHC từ Excel",
            form=form,
        )


class StepFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        hours = [
            f.cleaned_data["hours"]
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("hours")
        ]
        procedure = getattr(self.instance, "procedure", None)
        if procedure is not None:
            message = step_allotment_error(procedure.working_hours, hours)
            if message:
                raise forms.ValidationError(message)


class StepInline(admin.TabularInline):
    model = ProcessStep
    formset = StepFormSet
    extra = 0
    autocomplete_fields = ("unit",)


@admin.register(InternalProcess)
class InternalProcessAdmin(CatalogAdminMixin, admin.ModelAdmin):
    """A version no dossier uses yet may be corrected or deleted; a used one is read-only
    (approve a new version instead), so a dossier's process never changes under it."""

    list_display = ("procedure", "version", "effective_from", "decision", "withdrawn_at")
    list_filter = ("withdrawn_at",)
    search_fields = ("procedure__code", "procedure__name")
    autocomplete_fields = ("procedure",)
    readonly_fields = ("withdrawn_at",)
    inlines = [StepInline]
    save_service = services.process_save
    delete_service = services.process_delete
    parts_service = services.process_steps_save

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (
            obj is not None and services.process_in_use(obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (
            obj is not None and services.process_in_use(obj)
        )


@admin.register(Field)
class FieldAdmin(CatalogAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
    save_service = services.field_save
    delete_service = services.field_delete


class EntryInline(admin.TabularInline):
    model = PublicationEntry
    extra = 0
    autocomplete_fields = ("procedure",)


@admin.register(PublicationDecision)
class PublicationDecisionAdmin(CatalogAdminMixin, admin.ModelAdmin):
    list_display = ("number", "date", "signer", "title")
    search_fields = ("number", "title")
    inlines = [EntryInline]
    save_service = services.decision_save
    delete_service = services.decision_delete
    parts_service = services.decision_entries_save
