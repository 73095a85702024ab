"""Admin: indices, frameworks, criteria, plans and tasks are edited through the reform services
(each change in the history); results, periods, progress and evidence only through the pages
and the API, so they are read-only here."""

from django.contrib import admin

from motcua.core.service_admin import ReadOnlyAdminMixin, ReadOnlyInlineMixin, ServiceAdminMixin
from motcua.reform import services
from motcua.reform.models import (
    Evidence,
    Framework,
    Index,
    Node,
    NodeScore,
    Occurrence,
    Plan,
    Progress,
    Result,
    SelfAssessment,
    SelfEvidence,
    SelfItem,
    Task,
    TaskAssignment,
)


class ReformAdmin(ServiceAdminMixin, admin.ModelAdmin):
    save_service = services.reform_row_save
    delete_service = services.reform_row_delete
    parts_service = services.reform_parts_save


class NodeInline(admin.TabularInline):
    model = Node
    extra = 0
    fields = ("code", "name", "level", "parent", "max_points", "assessment", "order")
    raw_id_fields = ("parent",)


@admin.register(Index)
class IndexAdmin(ReformAdmin):
    list_display = ("code", "short_name", "publisher", "unit_label", "order")


@admin.register(Framework)
class FrameworkAdmin(ReformAdmin):
    list_display = ("index", "year", "max_total", "aggregation", "source_file")
    inlines = [NodeInline]


@admin.register(Node)
class NodeAdmin(ReformAdmin):
    list_display = ("code", "name", "framework", "level", "max_points", "assessment")
    list_filter = ("framework", "level")
    search_fields = ("code", "name")


class ScoreInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = NodeScore
    raw_id_fields = ("node",)


@admin.register(Result)
class ResultAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Results are recorded through the page or the API (``result_record``, with its event)."""

    list_display = ("index", "year", "total", "rank", "rank_of")
    list_filter = ("index",)
    inlines = [ScoreInline]


@admin.register(Plan)
class PlanAdmin(ReformAdmin):
    list_display = ("number", "issued_on", "title", "signer", "year")
    search_fields = ("number", "title")


class AssignmentInline(admin.TabularInline):
    model = TaskAssignment
    extra = 0
    raw_id_fields = ("unit",)


@admin.register(Task)
class TaskAdmin(ReformAdmin):
    list_display = ("number", "plan", "lead_unit", "deadline_text", "status", "progress_percent")
    list_filter = ("plan", "status", "deadline_kind", "index")
    search_fields = ("number", "text", "lead_text")
    readonly_fields = ("status", "progress_percent", "next_due_on")
    raw_id_fields = ("lead_unit",)
    filter_horizontal = ("nodes",)
    inlines = [AssignmentInline]


@admin.register(Occurrence)
class OccurrenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A task's periods follow from its deadline; they are closed by progress reports."""

    list_display = ("task", "label", "due_on", "done_at", "progress_percent")


@admin.register(Progress)
class ProgressAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Progress reports are the units' own words (``task_report_progress``)."""

    list_display = ("task", "percent", "author_label", "at")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Evidence files come with a progress report."""

    list_display = ("progress", "__str__")


class SelfItemInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = SelfItem
    fields = ("node", "unit", "score", "status", "measure", "measured_value")


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The yearly self-assessment is written through its pages (``self_*`` services, each
    with its event): read-only here."""

    list_display = ("index", "year", "deadline", "status", "total")
    inlines = [SelfItemInline]


@admin.register(SelfEvidence)
class SelfEvidenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("item", "name", "link", "added_at")
