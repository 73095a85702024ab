from django.contrib import admin

from motcua.core.service_admin import ServiceAdminMixin
from motcua.surveys import services
from motcua.surveys.models import (
    Band,
    Indicator,
    Questionnaire,
    Rating,
    SurveyForm,
    SurveyQuestion,
    SurveySection,
)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


class BandInline(admin.TabularInline):
    model = Band
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("code", "version", "name", "effective_from", "effective_to")
    inlines = [IndicatorInline, BandInline]
    save_service = services.questionnaire_save
    delete_service = services.questionnaire_delete
    parts_service = services.questionnaire_parts_save


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """Read-only: ratings are the applicants' own words."""

    list_display = ("dossier_code", "unit", "overall", "points", "max_points", "created_at")
    list_filter = ("overall",)
    search_fields = ("dossier_code",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    fields = ("order", "code", "text", "kind", "required", "confirmed")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(SurveyForm)
class SurveyFormAdmin(admin.ModelAdmin):
    """Read-only here: versions are edited through ``surveys.sipas`` (refused once in use)."""

    list_display = ("code", "version", "name", "effective_from", "effective_to")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SurveySection)
class SurveySectionAdmin(admin.ModelAdmin):
    """Read-only: the sections and questions of a questionnaire version."""

    list_display = ("form", "order", "title", "kind")
    inlines = [SurveyQuestionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
