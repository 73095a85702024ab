"""The import runs and their progress, for the province's administrators (read only).

Imports are started with ``motcua import history FILE`` on the server (a province's history
is a file of gigabytes, validated and replayed for minutes); this page follows them: a
progress bar per run, refreshed every 2 seconds while one is running.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from motcua.imports.selectors import run_list
from motcua.organization.models import Role
from motcua.organization.permissions import require_role


@require_GET
@login_required
def runs(request):
    require_role(request.user, (Role.PROVINCE_ADMIN,))
    context = {"runs": run_list()}
    context["running"] = any(r["running"] for r in context["runs"])
    template = "imports/_runs.html" if request.headers.get("HX-Request") else "imports/runs.html"
    return render(request, template, context)
