"""``has_role`` asks for the roles of today at every call: inside a dossier batch (its time
zone pinned) a role that ends today still counts until midnight, and no longer after."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone

from motcua.dossiers.services import dossier_batch
from motcua.organization.models import Role, StaffRole
from motcua.organization.permissions import has_role

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def test_a_role_ending_today_counts_until_midnight_within_one_batch(
    make_unit, make_user, monkeypatch
):
    unit = make_unit()
    user = make_user()
    StaffRole.objects.create(
        user=user,
        role=Role.SPECIALIST,
        unit=unit,
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2026, 3, 1),
    )
    now = {"value": dt.datetime(2026, 3, 1, 23, 59, tzinfo=HCM)}
    monkeypatch.setattr(timezone, "now", lambda: now["value"])
    with timezone.override(HCM), dossier_batch():
        assert has_role(user, [Role.SPECIALIST], unit)
        now["value"] += dt.timedelta(minutes=2)
        assert not has_role(user, [Role.SPECIALIST], unit)


def test_kept_answers_are_per_user_and_unit_and_end_with_the_batch(
    make_unit, make_user, django_user_model
):
    here, there = make_unit(), make_unit()
    officer = make_user(Role.SPECIALIST, unit=here)
    other = make_user(Role.DESK_OFFICER, unit=here)
    with dossier_batch():
        assert has_role(officer, [Role.SPECIALIST], here)
        assert not has_role(other, [Role.SPECIALIST], here)  # not the officer's answer
        assert not has_role(officer, [Role.SPECIALIST], there)  # nor another unit's
        assert has_role(other, {Role.DESK_OFFICER}, here)
    StaffRole.objects.filter(user=officer).delete()
    again = django_user_model.objects.get(pk=officer.pk)  # no roles kept on the object
    with dossier_batch():  # the next batch asks again
        assert not has_role(again, [Role.SPECIALIST], here)
    assert not has_role(again, [Role.SPECIALIST], here)
