"""`motcua token create` and `motcua users`."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from motcua.organization.services import api_token_authenticate

pytestmark = pytest.mark.django_db


def test_token_create_prints_a_working_token(world):
    out, err = io.StringIO(), io.StringIO()
    call_command("token", "create", "--user", world.desk.username, stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert api_token_authenticate(raw) == world.desk
    call_command("token", "revoke", "--user", world.desk.username, "--prefix", raw[:10], stdout=out)
    assert api_token_authenticate(raw) is None


def test_users_lists_accounts_by_role_and_unit(world):
    out = io.StringIO()
    call_command("users", "--role", "desk_officer", "--unit", world.commune.code, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(world.desk.username)
