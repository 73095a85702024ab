"""Playwright driving the system Chromium against Django's live server."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("MOTCUA_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base = live_server.url
    yield page
    context.close()


def axe_violations(page, serious_only: bool = True) -> list[dict]:
    """Run the vendored axe-core on the current page."""
    from pathlib import Path

    axe = Path(__file__).resolve().parents[2] / "src/motcua/static/vendor/axe/axe.min.js"
    page.add_script_tag(content=axe.read_text())
    result = page.evaluate("async () => await axe.run(document)")
    violations = result["violations"]
    if serious_only:
        violations = [v for v in violations if v["impact"] in ("serious", "critical")]
    return violations
