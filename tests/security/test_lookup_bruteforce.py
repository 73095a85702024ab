"""Guessing the 4 phone digits of a dossier code, on every look-up surface: the limit on
failed tries holds exactly, one after the other and all at once, for everyone (signed in or
not), across surfaces; the owner is not locked out by others' failures; digits never
travel in a URL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from motcua.organization.services import api_token_create
from tests.dossiers.conftest import receive

LIMIT = 5
RATING = {"overall": "satisfied", "answers": {}, "comment": ""}


def _page(path, code_field="code", phone_field="phone4"):
    def send(client, code, digits):
        return client.post(path(code), {code_field: code, phone_field: digits})

    return send


def _api(path, phone_field="phone4", extra=None, with_code=False):
    def send(client, code, digits):
        body = {phone_field: digits, **(extra or {})}
        if with_code:
            body["code"] = code
        return client.post(path(code), body, content_type="application/json")

    return send


SURFACES = {
    "tracking page": _page(lambda c: "/tra-cuu/"),
    "tracking API": _api(lambda c: "/api/portal/track", with_code=True),
    "payment page": _page(lambda c: "/thanh-toan/"),
    "payment API": _api(lambda c: f"/api/payments/dossiers/{c}"),
    "rating page": _page(lambda c: "/danh-gia/"),
    "rating API": _api(lambda c: f"/api/surveys/dossiers/{c}/rating", extra=RATING),
    "proof page": _page(lambda c: "/so-cai/ho-so/", phone_field="phone"),
    "proof download": _page(lambda c: f"/so-cai/ho-so/{c}/bang-chung.json", phone_field="phone"),
    "proof API": _api(lambda c: f"/api/ledger/dossiers/{c}/proof", phone_field="phone"),
}


@pytest.fixture
def limits(settings):
    settings.MOTCUA_LOOKUP_LIMITS = {"per_client": LIMIT, "per_code": LIMIT, "window_minutes": 15}


@pytest.fixture
def dossier(world, limits):
    return receive(world)  # the applicant's phone ends with 5678


def wrong(n: int) -> str:
    return f"{1000 + n:04d}"


@pytest.mark.django_db
@pytest.mark.parametrize("surface", SURFACES)
def test_sequential_guesses_stop_exactly_at_the_limit(dossier, surface):
    send = SURFACES[surface]
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    # when: one client tries endings one after the other
    answers = [send(attacker, dossier.code, wrong(n)).status_code for n in range(LIMIT + 3)]
    # then: exactly LIMIT wrong answers, then refusals, even for the right digits
    assert answers == [404] * LIMIT + [429] * 3
    assert send(attacker, dossier.code, "5678").status_code == 429
    # and the owner, from another client that never failed, still gets an answer
    owner = send(Client(REMOTE_ADDR="198.51.100.20"), dossier.code, "5678")
    assert owner.status_code not in (404, 429)


@pytest.mark.django_db
def test_right_answers_are_not_counted(dossier):
    owner = Client(REMOTE_ADDR="198.51.100.20")
    for _ in range(LIMIT * 3):
        assert SURFACES["tracking API"](owner, dossier.code, "5678").status_code == 200


@pytest.mark.django_db
def test_one_counter_for_every_surface(dossier):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    names = list(SURFACES)
    answers = [
        SURFACES[names[n % len(names)]](attacker, dossier.code, wrong(n)).status_code
        for n in range(LIMIT)
    ]
    assert answers == [404] * LIMIT
    assert all(
        send(attacker, dossier.code, wrong(99)).status_code == 429 for send in SURFACES.values()
    )


@pytest.mark.django_db
def test_many_clients_on_one_code_get_one_wrong_guess_each_once_it_is_under_attack(dossier):
    send = SURFACES["tracking API"]
    clients = [Client(REMOTE_ADDR=f"203.0.113.{n}") for n in range(LIMIT)]
    assert [send(c, dossier.code, wrong(n)).status_code for n, c in enumerate(clients)] == [
        404
    ] * LIMIT
    # the code has had LIMIT failures: the clients that failed on it are refused
    assert {send(c, dossier.code, wrong(50)).status_code for c in clients} == {429}
    # a fresh client still gets its answer: the owner is not locked out by others
    assert send(Client(REMOTE_ADDR="198.51.100.20"), dossier.code, "5678").status_code == 200


@pytest.mark.django_db
def test_signed_in_users_and_tokens_are_counted_on_proofs(world, limits, django_user_model):
    # given: two dossiers, a registered account without any role, with a personal token
    user = django_user_model.objects.create_user("tai.khoan", password="Mk-2026-kiem-thu")
    _, raw = api_token_create(actor=None, user=user, name="thử")
    token_client = Client(REMOTE_ADDR="203.0.113.8", HTTP_AUTHORIZATION=f"Bearer {raw}")
    session_client = Client(REMOTE_ADDR="203.0.113.9")
    session_client.force_login(user)
    for client in (token_client, session_client):
        code = receive(world).code
        answers = [
            SURFACES["proof API"](client, code, wrong(n)).status_code for n in range(LIMIT + 1)
        ]
        assert answers == [404] * LIMIT + [429]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, query, target",
    [
        ("/tra-cuu/", {"code": "MA-1", "phone4": "5678"}, "/tra-cuu/?code=MA-1"),
        ("/thanh-toan/", {"ma": "MA-1", "phone4": "5678"}, "/thanh-toan/?ma=MA-1"),
        ("/danh-gia/", {"ma": "MA-1", "phone4": "5678"}, "/danh-gia/?ma=MA-1"),
        ("/so-cai/ho-so/", {"code": "MA-1", "phone": "5678"}, "/so-cai/ho-so/?code=MA-1"),
        ("/so-cai/ho-so/MA-1/bang-chung.json", {"phone": "5678"}, "/so-cai/ho-so/?code=MA-1"),
        ("/api/portal/track", {"code": "MA-1", "phone4": "5678"}, "/tra-cuu/?code=MA-1"),
        ("/api/payments/dossiers/MA-1", {"phone4": "5678"}, "/thanh-toan/?ma=MA-1"),
        ("/api/ledger/dossiers/MA-1/proof", {"phone": "5678"}, "/so-cai/ho-so/?code=MA-1"),
    ],
)
def test_old_links_with_digits_go_to_the_form_without_them(client, path, query, target):
    response = client.get(path, query)
    assert response.status_code == 303
    assert response["Location"] == target and "5678" not in response["Location"]
    assert client.get(target).status_code == 200  # the page shows its form


# ---------------------------------------------------------------- all at once

PARALLEL = 12


def _all_at_once(send, code: str, digits: list[str], address: str) -> list[int]:
    barrier = threading.Barrier(len(digits))
    statuses: list[int] = []

    def one(guess: str) -> None:
        try:
            client = Client(REMOTE_ADDR=address)
            barrier.wait(timeout=20)
            statuses.append(send(client, code, guess).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(d,)) for d in digits]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return sorted(statuses)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("surface", ["tracking API", "payment API", "proof API", "tracking page"])
def test_parallel_guesses_stop_exactly_at_the_limit(world, limits, surface):
    dossier = receive(world)
    # when: PARALLEL wrong guesses from one client arrive together
    statuses = _all_at_once(
        SURFACES[surface], dossier.code, [wrong(n) for n in range(PARALLEL)], "203.0.113.7"
    )
    # then: exactly LIMIT were looked up, every other one was refused
    assert statuses == [404] * LIMIT + [429] * (PARALLEL - LIMIT)
