"""The officer work queue and the dossier API sort by risk (highest first, unscored last),
in the database and paginated; dossiers reaches the scores only through its registry."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from motcua.dossiers.models import Dossier
from motcua.dossiers.risk import risk_expression
from motcua.insights.models import RiskScore
from motcua.insights.services import risk_model_train, risk_scores_refresh
from motcua.organization.services import api_token_create
from tests.dossiers.conftest import at, receive
from tests.insights.test_early_warning import NOW, history  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def _bearer(user) -> dict:
    _, raw = api_token_create(actor=user, user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _scored(world, history):  # noqa: F811
    """Two open dossiers scored by the real job, and a third one received earlier (due
    first in the queue's own order) after the scoring: not scored."""
    _, stuck, moving = history
    risk_model_train(now=NOW)
    assert risk_scores_refresh(now=NOW) == 2
    fresh = receive(world, when=at(28, 8))
    p = dict(RiskScore.objects.values_list("dossier_code", "probability"))
    assert p[stuck.code] > p[moving.code] and fresh.code not in p
    return stuck, moving, fresh


def _order(html: str, codes: list[str]) -> list[str]:
    table = html[html.index("<tbody>") :]
    found = {c: table.index(c) for c in codes if c in table}
    return sorted(found, key=found.get)


def test_the_queue_sorts_by_risk_highest_first_unscored_last(world, history, client):  # noqa: F811
    stuck, moving, fresh = _scored(world, history)
    codes = [stuck.code, moving.code, fresh.code]
    client.force_login(world.leader)
    url = reverse("dossiers:queue")
    plain = client.get(url, {"queue": "todo"}).content.decode()
    assert _order(plain, codes)[0] == fresh.code  # the queue's own order: due time first
    by_risk = client.get(url, {"queue": "todo", "sort": "risk"}).content.decode()
    assert _order(by_risk, codes) == [stuck.code, moving.code, fresh.code]
    assert 'aria-sort="descending"' in by_risk and 'value="risk" selected' in by_risk
    # the queue tabs keep the sort
    assert re.search(r'queue=overdue&amp;sort=risk"', by_risk)


def test_the_sort_is_paginated_in_the_database(world, history, client, settings):  # noqa: F811
    stuck, moving, _ = _scored(world, history)
    client.force_login(world.leader)
    url = reverse("dossiers:queue")
    codes = list(Dossier.objects.values_list("code", flat=True))
    plain = _order(client.get(url, {"queue": "todo"}).content.decode(), codes)
    assert len(plain) > 3
    settings.MOTCUA = {**settings.MOTCUA, "PAGE_SIZE": 1}
    pages = [
        client.get(url, {"queue": "todo", "sort": "risk", "page": n}).content.decode()
        for n in range(1, len(plain) + 1)
    ]
    assert f"Trang 1 / {len(plain)}" in pages[0]
    # scored first, riskiest first; then the unscored ones in the queue's own order
    expected = [stuck.code, moving.code] + [c for c in plain if c not in (stuck.code, moving.code)]
    assert [code for page in pages for code in _order(page, codes)] == expected
    assert "page=2" in pages[0] and "sort=risk" in pages[0]  # the next page keeps the sort


def test_the_api_sorts_by_risk_and_paginates(world, history, client):  # noqa: F811
    stuck, moving, fresh = _scored(world, history)
    auth = _bearer(world.leader)
    plain = client.get("/api/dossiers", {"queue": "todo", "page_size": 100}, **auth).json()
    order = [item["code"] for item in plain["items"]]
    assert order.index(stuck.code) > 0  # the queue's own order (due time) differs
    seen = []
    for page in range(1, (len(order) + 1) // 2 + 1):
        body = client.get(
            "/api/dossiers",
            {"queue": "todo", "sort": "risk", "page_size": 2, "page": page},
            **auth,
        ).json()
        assert body["count"] == len(order)
        seen += [item["code"] for item in body["items"]]
    scored = [stuck.code, moving.code]
    assert seen == scored + [c for c in order if c not in scored]
    bad = client.get("/api/dossiers", {"sort": "nope"}, **auth)
    assert bad.status_code == 400  # a coded validation error, not a silent default


def test_the_registry_gives_the_insights_expression():
    assert risk_expression() is not None
