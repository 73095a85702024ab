"""`motcua serve --collect-only` (make run: static files collected while the demo loads)."""

from __future__ import annotations

import pytest

from motcua.core.management.commands.serve import STAMP
from tests.deploy.conftest import motcua, motcua_env

pytestmark = pytest.mark.django_db


def test_collect_only_collects_once_and_exits_without_serving(var_dir):
    env = motcua_env(var_dir)
    first = motcua("serve", "--collect-only", env=env, timeout=600)
    assert "Đã thu thập tệp tĩnh" in first.stdout and "gunicorn" not in first.stdout
    assert (var_dir / "static" / STAMP).exists()
    assert list((var_dir / "static").rglob("*.css.br"))  # compressed copies ready for serve
    again = motcua("serve", "--collect-only", env=env, timeout=600)  # then `serve` skips it
    assert "Đã thu thập tệp tĩnh" not in again.stdout
