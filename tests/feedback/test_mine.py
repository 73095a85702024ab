"""«Phản ánh của tôi»: a logged-in person sees his own feedback (page and citizen API, with
the citizen API's token), never anybody else's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from motcua.feedback.models import Channel
from motcua.feedback.services import feedback_perform, feedback_submit
from motcua.organization.services import api_token_create

from .conftest import MONDAY


@pytest.fixture
def two_senders(org, make_user, submit):
    other = make_user(username="fb.congdan2", first_name="Lê Thị Cúc")

    def portal(user, title, now):
        return feedback_submit(
            actor=user, channel=Channel.PORTAL, title=title,
            content="Nội dung phản ánh về đường ngập.", sender_phone="0912345678",
            sender_address="12 Lê Lợi", receiving_unit=org["centre"], now=now,
        )  # fmt: skip

    mine = [portal(org["citizen"], f"Phản ánh số {n}", MONDAY + dt.timedelta(hours=n))
            for n in range(1, 4)]  # fmt: skip
    theirs = portal(other, "Phản ánh của người khác", MONDAY)
    anonymous = submit(title="Phản ánh không đăng nhập")  # same phone, no account
    return {"mine": mine, "theirs": theirs, "anonymous": anonymous, "other": other}


def test_the_page_lists_only_my_items_newest_first(client, org, two_senders):
    client.force_login(org["citizen"])
    html = client.get(reverse("feedback:mine")).content.decode()
    codes = [i.code for i in reversed(two_senders["mine"])]
    positions = [html.index(c) for c in codes]
    assert positions == sorted(positions)
    assert two_senders["theirs"].code not in html
    assert two_senders["anonymous"].code not in html
    assert "Chờ phân loại" in html and "Trung tâm Phục vụ hành chính công" in html


def test_the_page_is_paginated(client, org, two_senders, settings):
    settings.MOTCUA = {**settings.MOTCUA, "PAGE_SIZE": 2}
    client.force_login(org["citizen"])
    first = client.get(reverse("feedback:mine")).content.decode()
    second = client.get(reverse("feedback:mine") + "?page=2").content.decode()
    newest, middle, oldest = (i.code for i in reversed(two_senders["mine"]))
    assert "Trang 1 / 2" in first
    assert newest in first and middle in first and oldest not in first
    assert oldest in second and newest not in second


def test_anonymous_visitors_are_sent_to_the_citizen_login(client):
    response = client.get(reverse("feedback:mine"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:citizen_login"))


def test_my_item_page_shows_the_answer_and_refuses_others_items(client, org, two_senders):
    item = two_senders["mine"][0]
    client.force_login(org["citizen"])
    page = client.get(reverse("feedback:my_detail", args=[item.code]))
    assert page.status_code == 200 and item.title in page.content.decode()
    theirs = client.get(reverse("feedback:my_detail", args=[two_senders["theirs"].code]))
    assert theirs.status_code == 404
    anonymous = client.get(reverse("feedback:my_detail", args=[two_senders["anonymous"].code]))
    assert anonymous.status_code == 404


def test_the_citizen_api_lists_and_details_own_items_with_a_token(org, two_senders):
    _, raw = api_token_create(actor=org["citizen"], user=org["citizen"], name="Điện thoại")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    listed = api.get("/api/feedback/mine")
    assert listed.status_code == 200
    body = listed.json()
    codes = [row["code"] for row in body["items"]]
    assert codes == [i.code for i in reversed(two_senders["mine"])]
    assert body["count"] == 3
    one = api.get(f"/api/feedback/mine/{two_senders['mine'][0].code}").json()
    assert one["status"] == "new" and one["answer"] is None
    assert [s["label"] for s in one["timeline"]] == ["Tiếp nhận phản ánh, kiến nghị"]
    assert "sender_phone" not in one  # the sender knows it; the API never echoes it
    # nobody else's item, by any code
    for other in (two_senders["theirs"], two_senders["anonymous"]):
        missing = api.get(f"/api/feedback/mine/{other.code}")
        assert missing.status_code == 404 and missing.json()["code"] == "feedback_not_found"
    # and another person's token sees only his own
    _, raw2 = api_token_create(actor=two_senders["other"], user=two_senders["other"], name="App")
    theirs = Client(HTTP_AUTHORIZATION=f"Bearer {raw2}").get("/api/feedback/mine").json()
    assert [r["code"] for r in theirs["items"]] == [two_senders["theirs"].code]


def test_the_api_shows_the_published_answer_and_the_sender_actions(org, two_senders):
    item = two_senders["mine"][0]
    steps = [
        ("accept", org["desk"], {}),
        ("draft", org["centre_leader"], {"answer": "Đã chỉ đạo khơi thông cống ngay."}),
        ("approve", org["centre_leader"], {}),
        ("publish", org["centre_leader"], {}),
    ]
    for action, actor, data in steps:  # published now: the sender may still ask to reopen
        item = feedback_perform(feedback=item, action=action, actor=actor, data=data)
    _, raw = api_token_create(actor=org["citizen"], user=org["citizen"], name="Điện thoại")
    one = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(f"/api/feedback/mine/{item.code}")
    body = one.json()
    assert body["status"] == "published"
    assert body["answer"]["answer"] == "Đã chỉ đạo khơi thông cống ngay."
    assert set(body["allowed_actions"]) == {"reopen", "rate"}
    assert all(s["label"] for s in body["timeline"]) and "actor" not in body["timeline"][0]


def test_the_api_needs_a_login(client):
    assert client.get("/api/feedback/mine").status_code == 401


def test_the_sender_rates_and_reopens_through_the_citizen_api(org, two_senders):
    """The two sender actions the page offers (rate, reopen) exist in the citizen API too, on
    one's own published item only, through the same service (history event, refusals)."""
    from motcua.ledger.models import Event

    item, theirs = two_senders["mine"][0], two_senders["theirs"]
    for target in (item, theirs):
        for action, data in (
            ("accept", {}), ("draft", {"answer": "Đã khơi thông cống."}), ("approve", {}),
            ("publish", {}),
        ):  # fmt: skip
            actor = org["desk"] if action == "accept" else org["centre_leader"]
            target = feedback_perform(feedback=target, action=action, actor=actor, data=data)
    _, raw = api_token_create(actor=org["citizen"], user=org["citizen"], name="Điện thoại")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = f"/api/feedback/mine/{item.code}"
    bad = api.post(f"{url}/rate", {"rating": 9}, content_type="application/json")
    assert bad.status_code in (400, 422) and bad.json()["code"]
    events_before = Event.objects.count()
    rated = api.post(
        f"{url}/rate", {"rating": 4, "comment": "Nhanh"}, content_type="application/json"
    )
    assert rated.status_code == 200, rated.content
    assert rated.json()["answer"]["rating"] == 4 and "rate" not in rated.json()["allowed_actions"]
    assert Event.objects.count() == events_before + 1  # the service's history event
    again = api.post(f"{url}/rate", {"rating": 5}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_rated"
    other = api.post(f"/api/feedback/mine/{theirs.code}/rate", {"rating": 1},
                     content_type="application/json")  # fmt: skip
    assert other.status_code == 404 and other.json()["code"] == "feedback_not_found"
    reopened = api.post(f"{url}/reopen", {"reason": "Cống vẫn ngập sau mưa."},
                        content_type="application/json")  # fmt: skip
    assert reopened.status_code == 200, reopened.content
    assert reopened.json()["status"] == "handling"
    item.refresh_from_db()
    theirs.refresh_from_db()
    assert item.round == 2 and theirs.status == "published"
    assert (
        Client().post(f"{url}/reopen", {"reason": "x"}, content_type="application/json").status_code
        == 401
    )


def test_an_expired_reopen_is_not_offered(org, two_senders):
    item = two_senders["mine"][0]
    for n, (action, actor, data) in enumerate(
        [
            ("accept", org["desk"], {}),
            ("draft", org["centre_leader"], {"answer": "Đã khơi thông cống."}),
            ("approve", org["centre_leader"], {}),
            ("publish", org["centre_leader"], {}),
        ],
        start=2,
    ):  # fmt: skip  (published in March: the reopen window has long closed)
        item = feedback_perform(feedback=item, action=action, actor=actor, data=data,
                                now=MONDAY + dt.timedelta(hours=n))  # fmt: skip
    _, raw = api_token_create(actor=org["citizen"], user=org["citizen"], name="Điện thoại")
    body = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(f"/api/feedback/mine/{item.code}").json()
    assert body["allowed_actions"] == ["rate"]
