"""Public pages: anyone, no login."""

from django.http import Http404
from django.shortcuts import render

from motcua.catalog import selectors as catalog
from motcua.catalog.models import Field, OnlineType
from motcua.core.client import client_address
from motcua.core.errors import DomainError, NotFound
from motcua.core.files import file_response
from motcua.core.pagination import paginate
from motcua.core.public_cache import public_page
from motcua.core.throttle import without_digits
from motcua.organization.models import Level
from motcua.portal import answers, services
from motcua.portal.forms import TrackForm


def home(request):
    fields = Field.objects.order_by("name")
    return render(request, "portal/home.html", {"fields": fields})


@public_page(answers.CATALOG)
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


@public_page(answers.CATALOG)
def procedure_detail(request, code):
    try:
        procedure = catalog.procedure_detail(code=code)
    except NotFound as error:
        raise Http404(error.message) from error
    process = procedure.processes.all()[0] if procedure.processes.all() else None
    return render(request, "portal/procedure_detail.html", {"p": procedure, "process": process})


def track(request):
    """Public tracking by dossier code + the last 4 digits of the applicant's phone (POST;
    a GET with the digits in its query string goes back to the form without them)."""
    if request.method == "GET" and (response := without_digits(request)) is not None:
        return response
    form = TrackForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    view, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            view = services.track_answer(
                code=form.cleaned_data["code"],
                phone4=form.cleaned_data["phone4"],
                client=client_address(request),
            )
        except DomainError as error:
            form.add_error(None, error.message)
            status = error.status
    return render(request, "portal/track.html", {"form": form, "d": view}, status=status)


def procedure_form(request, code, order):
    """A component's form: the uploaded template, or a Word form generated from the catalog."""
    from django.http import HttpResponse

    from motcua.catalog.forms_docx import component_form_docx
    from motcua.catalog.models import DossierComponent

    component = (
        DossierComponent.objects.select_related("procedure")
        .filter(procedure__code=code, order=order)
        .first()
    )
    if component is None or not (component.form_template or component.form_name):
        raise Http404("Thủ tục không có mẫu đơn, tờ khai này.")
    if component.form_template:
        return file_response(component.form_template, download=True)
    response = HttpResponse(
        component_form_docx(component),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="mau-{code}-{order}.docx"'
    return response
