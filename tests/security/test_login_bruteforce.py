"""Password guessing on every login path (officers' /dang-nhap/, /admin/login/, the citizen
portal, citizen API tokens): one throttle (django-axes) per account and per client, exact
one after the other and all at once, shared by all paths, with a cool-off that tries made
during the lock-out do not extend."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client
from django.utils import timezone

from motcua.organization.models import Role
from motcua.portal import services as portal_services

PASSWORD = "Mk-kiem-thu-2026"
CITIZEN_PASSWORD = "Mk-cong-dan-2026"
LOCKED = "Đăng nhập sai quá nhiều lần"


@pytest.fixture
def officer(make_user, province):
    return make_user(Role.DESK_OFFICER, unit=province, username="motcua.tinh")


@pytest.fixture
def admin(make_user, province):
    return make_user(Role.PROVINCE_ADMIN, unit=province, username="quantri", is_staff=True)


@pytest.fixture
def citizen(db):
    citizen = portal_services.citizen_register(
        full_name="Nguyễn Văn An", email="an@example.vn", phone="0912345678",
        password=CITIZEN_PASSWORD,
    )  # fmt: skip
    citizen.verified_at = timezone.now()
    citizen.save(update_fields=["verified_at"])
    return citizen


def officer_page(client, login, password):
    return client.post("/dang-nhap/", {"username": login, "password": password})


def admin_page(client, login, password):
    return client.post(
        "/admin/login/?next=/admin/", {"username": login, "password": password, "next": "/admin/"}
    )


def citizen_page(client, login, password):
    return client.post("/tai-khoan/dang-nhap/", {"identifier": login, "password": password})


def token_api(client, login, password):
    body = {"login": login, "password": password, "name": "thử"}
    return client.post("/api/portal/tokens", body, content_type="application/json")


PATHS = {
    "officer page": (officer_page, "officer", 200, 302),
    "admin page": (admin_page, "admin", 200, 302),
    "citizen page": (citizen_page, "citizen", 200, 302),
    "citizen token API": (token_api, "citizen", 401, 201),
}


def credentials(kind, request):
    if kind == "citizen":
        request.getfixturevalue("citizen")
        return "an@example.vn", CITIZEN_PASSWORD
    user = request.getfixturevalue(kind)
    return user.username, PASSWORD


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_the_tenth_failure_locks_the_account_even_for_the_right_password(path, request):
    send, kind, failed, ok = PATHS[path]
    login, password = credentials(kind, request)
    client = Client(REMOTE_ADDR="203.0.113.7")
    # when: ten wrong passwords
    answers = [send(client, login, f"sai-{n}").status_code for n in range(10)]
    # then: nine plain failures, the tenth locks (and says so in Vietnamese)
    assert answers == [failed] * 9 + [429]
    locked = send(client, login, password)
    assert locked.status_code == 429 and LOCKED in locked.content.decode()
    # the account is locked from another client too (per account)
    assert send(Client(REMOTE_ADDR="198.51.100.20"), login, password).status_code == 429
    # and a right password before the limit would have gone through
    AccessAttempt.objects.all().delete()
    assert send(Client(REMOTE_ADDR="198.51.100.21"), login, password).status_code == ok


@pytest.mark.django_db
def test_one_throttle_for_every_path(officer, admin, citizen):
    client = Client(REMOTE_ADDR="203.0.113.7")
    # an officer's failures on /dang-nhap/ and /admin/login/ add up
    for n in range(5):
        officer_page(client, "quantri", f"sai-{n}")
        admin_page(client, "quantri", f"sai-{n}")
    assert officer_page(Client(), "quantri", PASSWORD).status_code == 429
    assert admin_page(Client(), "quantri", PASSWORD).status_code == 429
    # a citizen locked on the page cannot continue through the token API
    other = Client(REMOTE_ADDR="203.0.113.8")
    for n in range(10):
        citizen_page(other, "an@example.vn", f"sai-{n}")
    assert token_api(Client(), "an@example.vn", CITIZEN_PASSWORD).status_code == 429


@pytest.mark.django_db
def test_one_client_is_limited_across_accounts(officer, citizen):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(10):
        officer_page(attacker, f"khong-co-{n}", "sai")
    # the client is locked, even with someone's right password
    assert officer_page(attacker, "motcua.tinh", PASSWORD).status_code == 429
    # the real officer elsewhere is not
    assert (
        officer_page(Client(REMOTE_ADDR="198.51.100.20"), "motcua.tinh", PASSWORD).status_code
        == 302
    )


@pytest.mark.django_db
def test_the_lock_out_ends_and_tries_during_it_do_not_extend_it(officer):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(10):
        officer_page(client, "motcua.tinh", f"sai-{n}")
    started = AccessAttempt.objects.filter(username="motcua.tinh").get().attempt_time
    # tries during the lock-out are refused and do not move the cool-off
    for n in range(5):
        assert officer_page(client, "motcua.tinh", f"sai-them-{n}").status_code == 429
    assert AccessAttempt.objects.filter(username="motcua.tinh").get().attempt_time == started
    # 16 minutes after the last counted failure, the real officer logs in
    AccessAttempt.objects.update(attempt_time=started - dt.timedelta(minutes=16))
    assert (
        officer_page(Client(REMOTE_ADDR="198.51.100.20"), "motcua.tinh", PASSWORD).status_code
        == 302
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["citizen token API", "officer page"])
def test_parallel_guesses_check_exactly_ten_passwords(path, request):
    send, kind, failed, _ = PATHS[path]
    login, _ = credentials(kind, request)
    tries = 16
    barrier = threading.Barrier(tries)
    statuses: list[int] = []

    def one(n: int) -> None:
        try:
            client = Client(REMOTE_ADDR="203.0.113.7")
            barrier.wait(timeout=20)
            statuses.append(send(client, login, f"sai-{n}").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    # then: exactly ten passwords were checked (nine plain failures, the tenth locked)
    assert sorted(statuses) == sorted([failed] * 9 + [429] * (tries - 9))
    counted = AccessAttempt.objects.order_by("-failures_since_start").first()
    assert counted.failures_since_start == 10
