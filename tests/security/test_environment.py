"""Production is the default: DEBUG, the payment sandbox and the demo data are development
choices (MOTCUA_ENV=development, what `make run` sets); `motcua check --deploy` is clean with
the documented production environment."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]

#: The production environment documented in docs/security.md.
PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "dichvucong.example.gov.vn",
    "CSRF_TRUSTED_ORIGINS": "https://dichvucong.example.gov.vn",
    "MOTCUA_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https",
    "MOTCUA_SITE_URL": "https://dichvucong.example.gov.vn",
}


def motcua(*args: str, env: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DJANGO_"))}
    clean.pop("DEBUG", None)
    clean.update(PYTHONPATH=str(ROOT / "src"), MOTCUA_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-m", "motcua.cli", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


def settings_of(env: dict, tmp_path: Path, *names: str) -> list[str]:
    code = "; ".join(f"print(repr(getattr(settings, {n!r}, None)))" for n in names)
    result = motcua(
        "shell",
        "--no-imports",
        "-c",
        f"from django.conf import settings; {code}",
        env=env,
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split("\n")[: len(names)]


def test_check_deploy_is_clean_with_the_documented_production_environment(tmp_path):
    result = motcua(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr


def test_production_is_the_default_and_development_is_explicit(tmp_path):
    names = (
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
        "PAYMENTS",
    )
    production = settings_of(PRODUCTION, tmp_path, *names)
    assert production == [
        "False",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO', 'https')",
        "{'SANDBOX': False}",
    ]
    assert settings_of({"DEBUG": "1"}, tmp_path, "DEBUG")[0] == "False"  # not without the env
    development = settings_of({"MOTCUA_ENV": "development"}, tmp_path, *names[:3], "PAYMENTS")
    assert development == ["True", "False", "False", "{'SANDBOX': True}"]


def test_make_run_sets_the_development_environment():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run: export MOTCUA_ENV \?= development$", makefile, re.MULTILINE)


@pytest.mark.django_db
def test_the_sandbox_is_not_served_in_production(client, settings):
    settings.PAYMENTS = {}
    assert client.get("/thanh-toan/sandbox/vpcpay.html?vnp_Amount=100").status_code == 404
    settings.MOTCUA_ENV = "development"
    assert client.get("/thanh-toan/sandbox/vpcpay.html").status_code == 400  # served: unsigned


@pytest.mark.django_db
def test_the_demo_refuses_a_production_configuration():
    from motcua.organization.models import Unit

    with pytest.raises(CommandError, match="MOTCUA_ENV=development"):
        call_command("demo", "--small")
    assert not Unit.objects.exists()
