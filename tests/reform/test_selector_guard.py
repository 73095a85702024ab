"""Issue 11: the staff-only rule of the reform area is enforced inside every reform selector,
not only at the pages and the API, so a new view cannot forget it.

The test walks the public functions of the reform read modules: each takes the requesting
user, and a citizen (or an account with no role, or nobody) is refused before anything is read
— whatever the other arguments are. The few functions that read nothing of the reform area
(the rule itself, settings, transforms of a queryset already read through a guarded selector)
are listed with their reason."""

from __future__ import annotations

import inspect

import pytest

from motcua.core.errors import PermissionDenied
from motcua.organization.models import Role
from motcua.reform import (
    accountability,
    exports,
    selectors,
    self_exports,
    self_selectors,
    sipas,
)

pytestmark = pytest.mark.django_db

MODULES = [selectors, self_selectors, accountability, exports, self_exports, sipas]
EXEMPT = {
    "selectors.is_staff_member": "the rule itself",
    "selectors.require_staff": "the rule itself",
    "selectors.due_soon_days": "a setting, no data",
    "selectors.area_chart": "reshapes an IndexView read by index_tree",
    "selectors.task_status_counts": "counts a queryset read by task_list",
    "selectors.task_counts_by_lead_unit": "counts a queryset read by task_list",
    "accountability.unit_head": "organization data (a unit's leader), no reform data",
    "self_exports.title_of": "formats an assessment already read",
}


def _public(module):
    for name, fn in inspect.getmembers(module, inspect.isfunction):
        if fn.__module__ == module.__name__ and not name.startswith("_"):
            yield f"{module.__name__.rsplit('.', 1)[1]}.{name}", fn


def _call(fn, user):
    kwargs = {}
    for name, param in inspect.signature(fn).parameters.items():
        if name == "user":
            kwargs[name] = user
        elif param.default is inspect.Parameter.empty and param.kind not in (
            param.VAR_POSITIONAL,
            param.VAR_KEYWORD,
        ):
            kwargs[name] = None  # never reached: the guard comes first
    return fn(**kwargs)


GUARDED = [(name, fn) for m in MODULES for name, fn in _public(m) if name not in EXEMPT]


def test_the_walk_finds_the_selectors():
    names = {name for name, _ in GUARDED}
    assert {
        "selectors.task_list", "selectors.index_tree", "selectors.evidence_for",
        "self_selectors.self_items", "accountability.accountability_table",
        "exports.plan_report_xlsx", "sipas.sipas_factors",
    } <= names  # fmt: skip
    assert set(EXEMPT) <= {name for m in MODULES for name, _ in _public(m)}  # no stale entry


@pytest.fixture
def citizen(db):
    """A verified citizen account of the portal (no staff role)."""
    from django.utils import timezone

    from motcua.portal import services as portal_services

    citizen = portal_services.citizen_register(
        full_name="Nguyễn Văn An", email="an@example.vn", phone="0912345678",
        password="Mk-cong-dan-2026",
    )  # fmt: skip
    citizen.verified_at = timezone.now()
    citizen.save(update_fields=["verified_at"])
    return citizen.user


@pytest.mark.parametrize("name,fn", GUARDED, ids=[n for n, _ in GUARDED])
def test_every_reform_selector_takes_the_user_and_refuses_a_citizen(name, fn, citizen, make_user):
    assert "user" in inspect.signature(fn).parameters, f"{name} must take the requesting user"
    for user in (citizen, make_user(), None):  # a citizen, an account with no role, nobody
        with pytest.raises(PermissionDenied) as refused:
            _call(fn, user)
        assert refused.value.code == "staff_only"


def test_staff_pass_the_guard(make_user, province, frameworks):
    reader = make_user(Role.INSPECTOR, unit=province)
    assert selectors.index_list(reader).count() == 3
    assert list(self_selectors.self_assessment_list(reader)) == []
