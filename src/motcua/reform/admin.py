from django.contrib import admin

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
    Task,
    TaskAssignment,
)


class NodeInline(admin.TabularInline):
    model = Node
    extra = 0
    fields = ("code", "name", "level", "parent", "max_points", "assessment", "order")
    raw_id_fields = ("parent",)


@admin.register(Index)
class IndexAdmin(admin.ModelAdmin):
    list_display = ("code", "short_name", "publisher", "unit_label", "order")


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ("index", "year", "max_total", "aggregation", "source_file")
    inlines = [NodeInline]


@admin.register(Node)
class NodeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "framework", "level", "max_points", "assessment")
    list_filter = ("framework", "level")
    search_fields = ("code", "name")

    def save_model(self, request, obj, form, change):
        from motcua.core.text import fold

        obj.name_folded = fold(obj.name)
        super().save_model(request, obj, form, change)


class ScoreInline(admin.TabularInline):
    model = NodeScore
    extra = 0
    raw_id_fields = ("node",)


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ("index", "year", "total", "rank", "rank_of")
    list_filter = ("index",)
    inlines = [ScoreInline]

    def has_change_permission(self, request, obj=None):
        return False  # results are recorded through the page or API (with a ledger event)


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("number", "issued_on", "title", "signer", "year")
    search_fields = ("number", "title")


class AssignmentInline(admin.TabularInline):
    model = TaskAssignment
    extra = 0
    raw_id_fields = ("unit",)


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("number", "plan", "lead_unit", "deadline_text", "status", "progress_percent")
    list_filter = ("plan", "status", "deadline_kind", "index")
    search_fields = ("number", "text", "lead_text")
    readonly_fields = ("status", "progress_percent", "next_due_on")
    raw_id_fields = ("lead_unit",)
    filter_horizontal = ("nodes",)
    inlines = [AssignmentInline]


@admin.register(Occurrence)
class OccurrenceAdmin(admin.ModelAdmin):
    list_display = ("task", "label", "due_on", "done_at", "progress_percent")
    readonly_fields = ("done_at", "progress_percent")


@admin.register(Progress)
class ProgressAdmin(admin.ModelAdmin):
    list_display = ("task", "percent", "author_label", "at")
    readonly_fields = [f.name for f in Progress._meta.fields]

    def has_add_permission(self, request):
        return False


admin.site.register(Evidence)
