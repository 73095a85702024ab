"""`motcua serve --collect-only` (make run: static files collected while the demo loads)."""

from __future__ import annotations

import shutil

import pytest

from motcua.core.management.commands.serve import STAMP
from tests.children import COLLECT_OUTPUT
from tests.deploy.conftest import motcua, motcua_env

pytestmark = pytest.mark.django_db


def test_collect_only_collects_once_and_exits_without_serving(var_dir, collected_static):
    # the run's shared static files (tests/conftest.py: collected_static) were collected by
    # `motcua serve --collect-only` in an empty var/: its first run, checked here (collecting
    # costs ~20 s; it is done once per test run, not once more for this test)
    first = (collected_static.parent / COLLECT_OUTPUT).read_text()
    assert "Đã thu thập tệp tĩnh" in first and "gunicorn" not in first
    assert (collected_static / STAMP).exists()
    assert list(collected_static.rglob("*.css.br"))  # compressed copies ready for serve
    shutil.copytree(collected_static, var_dir / "static")
    env = motcua_env(var_dir)
    again = motcua("serve", "--collect-only", env=env, timeout=600)  # then `serve` skips it
    assert "Đã thu thập tệp tĩnh" not in again.stdout
