"""Public pages: anyone, no login."""

from django.http import Http404
from django.shortcuts import render

from motcua.catalog import selectors as catalog
from motcua.catalog.models import Field, OnlineType
from motcua.core.errors import NotFound
from motcua.core.pagination import paginate
from motcua.organization.models import Level


def home(request):
    fields = Field.objects.order_by("name")
    return render(request, "portal/home.html", {"fields": fields})


def procedures(request):
    filters = {
        "q": request.GET.get("q", "").strip(),
        "field": request.GET.get("field") or None,
        "level": request.GET.get("level") if request.GET.get("level") in Level.values else None,
        "online_type": request.GET.get("online_type")
        if request.GET.get("online_type") in OnlineType.values
        else None,
    }
    page = paginate(request, catalog.procedure_search(**filters))
    context = {
        "page": page,
        "filters": filters,
        "fields": Field.objects.order_by("name"),
        "levels": Level.choices,
        "online_types": OnlineType.choices,
    }
    template = (
        "portal/_procedure_results.html"
        if request.headers.get("HX-Request")
        else "portal/procedures.html"
    )
    return render(request, template, context)


def procedure_detail(request, code):
    try:
        procedure = catalog.procedure_detail(code=code)
    except NotFound as error:
        raise Http404(error.message) from error
    process = procedure.processes.all()[0] if procedure.processes.all() else None
    return render(request, "portal/procedure_detail.html", {"p": procedure, "process": process})
