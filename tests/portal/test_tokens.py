"""Tokens for citizen apps: same credentials and limits as the login page, revocable."""

import pytest
from django.test import RequestFactory
from django.utils import timezone

from motcua.organization.models import ApiToken, Role
from motcua.portal import services

pytestmark = pytest.mark.django_db

PASSWORD = "Mk-cong-dan-2026"  # the citizen fixture's


def ask_token(client, login, password=PASSWORD, name="Điện thoại của An"):
    return client.post(
        "/api/portal/tokens",
        {"login": login, "password": password, "name": name},
        content_type="application/json",
    )


def test_a_verified_citizen_gets_a_token_uses_it_and_revokes_it(client, citizen):
    # given a token asked with the phone number and password
    response = ask_token(client, "0912 345 678")
    assert response.status_code == 201, response.content
    raw = response.json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    # then it opens the citizen's own endpoints without a session
    assert client.get("/api/portal/dossiers", **auth).status_code == 200
    listed = client.get("/api/portal/tokens", **auth).json()
    assert [(t["name"], t["prefix"]) for t in listed] == [("Điện thoại của An", raw[:10])]
    assert raw not in str(listed)  # only a prefix is shown, only a hash is stored
    assert not ApiToken.objects.filter(token_hash=raw).exists()
    # when the phone is lost, the token is revoked and no longer works
    assert client.delete(f"/api/portal/tokens/{listed[0]['id']}", **auth).status_code == 204
    refused = client.get("/api/portal/dossiers", **auth)
    assert refused.status_code == 401


def test_wrong_or_foreign_credentials_get_the_same_answer(client, citizen, make_user, province):
    officer = make_user(Role.DESK_OFFICER, unit=province, username="mc.tinh", password="Mk-cb-1")
    answers = [
        ask_token(client, "an@example.vn", password="sai-mat-khau"),
        ask_token(client, "khong.co@example.vn"),
        ask_token(client, officer.username, password="Mk-cb-1"),  # officers use their profile
    ]
    assert {(r.status_code, r.json()["code"]) for r in answers} == {(401, "login_failed")}
    assert answers[0].json()["message"] == "Thư điện tử/số điện thoại hoặc mật khẩu không đúng."
    assert not ApiToken.objects.exists()


def test_an_unverified_citizen_is_told_to_verify_first(client, citizen):
    citizen.verified_at = None
    citizen.save(update_fields=["verified_at"])
    response = ask_token(client, "an@example.vn")
    assert response.status_code == 403 and response.json()["code"] == "citizen_not_verified"


def test_password_guessing_is_limited_like_the_login_page(client, citizen):
    # django-axes: the 10th failure locks the account (its answer already says so)
    statuses = [ask_token(client, "an@example.vn", password="sai").status_code for _ in range(10)]
    assert statuses == [401] * 9 + [429]
    blocked = ask_token(client, "an@example.vn")  # even the right password now
    assert blocked.status_code == 429 and blocked.json()["code"] == "login_rate_limited"


def test_a_citizen_cannot_revoke_someone_elses_token(client, citizen):
    token, _ = services.citizen_token_create(
        identifier="an@example.vn", password=PASSWORD, name="A", request=RequestFactory().post("/")
    )
    other = services.citizen_register(
        full_name="Trần Thị Bình", email="binh@example.vn", phone="0987654321", password="Mk-2026!y"
    )
    other.verified_at = timezone.now()
    other.save(update_fields=["verified_at"])
    client.force_login(other.user)
    refused = client.delete(f"/api/portal/tokens/{token.pk}")
    assert refused.status_code == 404 and refused.json()["code"] == "token_not_found"
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_citizen_sees_and_revokes_app_tokens_on_the_my_dossiers_page(client, citizen):
    raw = ask_token(client, "an@example.vn", name="Điện thoại cũ").json()["token"]
    client.force_login(citizen.user)
    page = client.get("/ca-nhan/").content.decode()
    assert "Điện thoại cũ" in page and raw[:10] in page and raw not in page
    token = ApiToken.objects.get(user=citizen.user)
    done = client.post(f"/ca-nhan/ma-truy-cap/{token.pk}/thu-hoi/", follow=True)
    assert "Đã thu hồi quyền truy cập của «Điện thoại cũ»." in done.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Điện thoại cũ" not in client.get("/ca-nhan/").content.decode()
    assert client.post("/ca-nhan/ma-truy-cap/999999/thu-hoi/").status_code == 404
    client.logout()  # the revoked token alone no longer opens anything
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/portal/dossiers", **auth).status_code == 401


def test_counted_tries_are_forgotten_by_the_daily_purge(client, citizen):
    import datetime as dt

    from axes.models import AccessAttempt

    from motcua.core import schedule
    from motcua.core.errors import NotFound
    from motcua.core.models import ThrottleCounter
    from motcua.core.tasks import purge_throttle_counters
    from motcua.core.throttle import lookup_guard, throttle_counters_purge

    ask_token(client, "an@example.vn", password="sai")  # one failed login (django-axes)
    with pytest.raises(NotFound), lookup_guard(subject="MA-1", client="1.2.3.4"):
        raise NotFound()  # one failed look-up: three keys (client, code, both)
    assert AccessAttempt.objects.count() == 1
    assert ThrottleCounter.objects.filter(key__startswith="code:").count() == 3
    assert ThrottleCounter.objects.filter(key__startswith="lock:").count() == 2  # account, client
    assert throttle_counters_purge() == 0  # still recent
    later = timezone.now() + dt.timedelta(days=1, minutes=1)
    assert throttle_counters_purge(now=later) == 5
    assert not ThrottleCounter.objects.exists()
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(days=2))
    assert purge_throttle_counters.call() == 1
    assert not AccessAttempt.objects.exists()
    assert "motcua.core.tasks.purge_throttle_counters" in schedule.DAILY_JOBS
