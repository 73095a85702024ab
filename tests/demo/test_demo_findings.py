"""The demo's history without its planted irregularities is clean: the khống detector (on
recorded event times, never file times) finds nothing. With them, it finds exactly those:
tests/demo/test_demo_built.py."""

import io
from collections import defaultdict

import pytest
from django.core.management import call_command

from motcua.audit import demo as audit_demo
from motcua.audit.selectors import findings_list
from motcua.dossiers.models import Dossier
from motcua.portal import demo as portal_demo

pytestmark = pytest.mark.django_db


def _demo(settings, tmp_path) -> dict[str, set[str]]:
    settings.VAR_DIR = tmp_path  # the demo logins file
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", "--small", "--dossiers", "60", stdout=io.StringIO())
    # the portal's demo citizen's dossiers too (handled hours apart, in the past days)
    assert Dossier.objects.filter(applicant_email=portal_demo.EMAIL).count() == 3
    by_kind: dict[str, set[str]] = defaultdict(set)
    for finding in findings_list():
        by_kind[finding.kind].add(finding.code)
    return by_kind


def test_the_demo_history_without_plants_is_clean(settings, tmp_path, development, monkeypatch):
    monkeypatch.setattr(audit_demo, "PLANTED", dict.fromkeys(audit_demo.PLANTED, 0))
    assert _demo(settings, tmp_path) == {}
