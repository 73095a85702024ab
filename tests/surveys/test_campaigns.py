"""Survey campaigns: sample sizes and the seeded stratified draw (pure functions, by hand),
single-use expiring invitations, anonymity of the answers, response rates, the slip's QR
code and the paper form (PDF re-read with pdftotext)."""

from __future__ import annotations

import datetime as dt
import subprocess
from io import BytesIO

import pytest
from django.db import models
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from motcua.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from motcua.dossiers.printed import render_form_html, render_form_pdf
from motcua.ledger.models import Event
from motcua.organization.models import Role
from motcua.portal.models import Notification
from motcua.surveys import events, sampling, services, tokens
from motcua.surveys.campaign_views import DEVICE_TRIES_PER_HOUR
from motcua.surveys.errors import SurveysError
from motcua.surveys.models import (
    Campaign,
    CampaignStatus,
    Channel,
    Invitation,
    SurveyAnswer,
    SurveyResponse,
)
from motcua.surveys.selectors import response_rates, sample_size, survey_form_in_force
from tests.surveys.conftest import returned
from tests.surveys.test_sipas import sheet

# --- sizes and the draw, by hand ---------------------------------------------------------


def test_allocation_by_hand_largest_remainder_and_caps():
    # 7 × (5, 3, 2) / 10 = 3,5 / 2,1 / 1,4 → floors 3, 2, 1; the one left goes to A (,5)
    assert sampling.allocate(7, {"A": 5, "B": 3, "C": 2}) == {"A": 4, "B": 2, "C": 1}
    # a unit of N = 1.000 at ±5: n = 278, shared 600/400 → 166,8 / 111,2 → 167 / 111
    n = sample_size(population=1000, margin=0.05)
    assert n == 278
    assert sampling.allocate(n, {"p1": 600, "p2": 400}) == {"p1": 167, "p2": 111}
    # never more than a stratum holds, never more than the population
    assert sampling.allocate(10, {"A": 2, "B": 3}) == {"A": 2, "B": 3}
    assert sampling.allocate(0, {"A": 2}) == {"A": 0}


def test_draw_is_stratified_and_reproducible_from_the_seed():
    population = {
        ("U1", "P1"): [f"U1-P1-{i:03}" for i in range(600)],
        ("U1", "P2"): [f"U1-P2-{i:03}" for i in range(400)],
        ("U2", "P1"): [f"U2-P1-{i:03}" for i in range(50)],
    }
    sizes = {
        "U1": sample_size(population=1000, margin=0.05),  # 278
        "U2": sample_size(population=50, margin=0.10),  # 96,04 / (1 + 95,04 / 50) → 34
    }
    assert sizes == {"U1": 278, "U2": 34}
    first = sampling.draw(population, sizes, seed=2026)
    assert {k: len(v) for k, v in first.items()} == {
        ("U1", "P1"): 167,
        ("U1", "P2"): 111,
        ("U2", "P1"): 34,
    }
    for key, codes in first.items():
        assert set(codes) <= set(population[key]) and len(set(codes)) == len(codes)
    shuffled = {k: list(reversed(v)) for k, v in population.items()}  # order does not matter
    assert sampling.draw(shuffled, sizes, seed=2026) == first
    assert sampling.draw(population, sizes, seed=2027) != first


# --- campaigns in the database ------------------------------------------------------------


@pytest.fixture
def reform(make_user, province):
    return make_user(Role.REFORM_OFFICER, unit=province)


@pytest.fixture
def drawn(world, reform):
    """Two dossiers of the commune returned in March 2026, drawn at ±10 (n = N = 2)."""
    dossiers = [returned(world), returned(world, day=1)]
    campaign = services.campaign_create(
        actor=reform,
        form=survey_form_in_force(),
        name="Quý I/2026",
        date_from=dt.date(2026, 3, 1),
        date_to=dt.date(2026, 3, 31),
        units=[world.commune, world.other],
        margin="10",
        seed=7,
    )
    assert services.campaign_draw(actor=reform, campaign=campaign) == 2
    campaign.refresh_from_db()
    invitations = list(campaign.invitations.order_by("pk"))
    return campaign, dossiers, invitations


def token(invitation) -> str:
    return tokens.token_of(invitation.nonce)


def test_campaign_draws_from_the_period_sends_through_the_outbox_and_records_events(drawn, reform):
    campaign, dossiers, invitations = drawn
    assert campaign.status == CampaignStatus.DRAWN
    assert {i.dossier_id for i in invitations} == {d.pk for d in dossiers}
    assert all(len(i.token_hash) == 64 and token(i) not in i.token_hash for i in invitations)
    drawn_event = Event.objects.get(action=events.CAMPAIGN_DRAWN, subject_id=str(campaign.pk))
    assert drawn_event.payload["seed"] == 7 and drawn_event.payload["invitations"] == 2
    # when
    assert services.campaign_send(actor=reform, campaign=campaign) == 2
    # then: an e-mail and an SMS each, secret (wiped once sent), with the link
    sent = Notification.objects.filter(action="survey.invitation")
    assert sent.count() == 4 and all(n.sensitive for n in sent)
    email = sent.get(channel="email", dossier_code=dossiers[0].code)
    invitation = next(i for i in invitations if i.dossier_id == dossiers[0].pk)
    assert f"/danh-gia/khao-sat/moi/{token(invitation)}/" in email.body
    assert services.campaign_send(actor=reform, campaign=campaign) == 0  # not twice
    assert Event.objects.filter(action=events.CAMPAIGN_SENT).count() == 2


def test_only_the_reform_officer_runs_campaigns_and_bad_input_is_refused(world, reform):
    form = survey_form_in_force()
    args = {
        "form": form,
        "name": "Đợt",
        "date_from": dt.date(2026, 3, 1),
        "date_to": dt.date(2026, 3, 31),
        "units": [world.commune],
        "margin": "5",
    }
    with pytest.raises(PermissionDenied):
        services.campaign_create(actor=world.desk, **args)
    with pytest.raises(InvalidInput) as error:
        services.campaign_create(actor=reform, **{**args, "margin": "4"})
    assert error.value.code == SurveysError.CAMPAIGN_INPUT
    with pytest.raises(InvalidInput):
        services.campaign_create(actor=reform, **{**args, "units": []})
    assert not Campaign.objects.exists()


def test_an_invitation_answers_once(drawn):
    campaign, dossiers, invitations = drawn
    first = token(invitations[0])
    response = services.invitation_answer(token=tokens.grouped(first).lower(), answers=sheet())
    assert response.channel == Channel.INVITED and response.campaign_id == campaign.pk
    assert response.unit_id == invitations[0].unit_id
    assert response.procedure_id == invitations[0].procedure_id
    invitations[0].refresh_from_db()
    assert invitations[0].used_on == timezone.localdate()
    with pytest.raises(Conflict) as error:
        services.invitation_answer(token=first, answers=sheet())
    assert error.value.code == SurveysError.INVITATION_USED
    with pytest.raises(NotFound) as error:
        services.invitation_answer(token="ABCD-EFGH-JKMN", answers=sheet())
    assert error.value.code == SurveysError.INVITATION_UNKNOWN
    assert SurveyResponse.objects.count() == 1


def test_an_invitation_expires_and_a_closed_campaign_takes_no_answers(drawn, reform):
    campaign, _, invitations = drawn
    Invitation.objects.filter(pk=invitations[0].pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(Conflict) as error:
        services.invitation_answer(token=token(invitations[0]), answers=sheet())
    assert error.value.code == SurveysError.INVITATION_EXPIRED
    services.campaign_close(actor=reform, campaign=campaign)
    with pytest.raises(Conflict) as error:
        services.invitation_answer(token=token(invitations[1]), answers=sheet())
    assert error.value.code == SurveysError.INVITATION_EXPIRED
    assert not SurveyResponse.objects.exists()


def test_missing_required_items_are_refused_and_the_invitation_stays_usable(drawn, client):
    _, _, invitations = drawn
    url = reverse("surveys:invitation", args=[token(invitations[0])])
    typed = {k: v for k, v in sheet("4").items() if k != "gy1"}
    page = client.post(url, {"step": "answers", **typed, "y_kien": "<script>x</script>"})
    html = page.content.decode()
    assert page.status_code == 400
    assert "Vui lòng trả lời các câu bắt buộc" in html
    assert 'id="tc1-4" value="4" checked' in html  # what was typed is kept
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x</script>" not in html
    invitations[0].refresh_from_db()
    assert invitations[0].used_on is None and not SurveyResponse.objects.exists()
    done = client.post(url, {"step": "answers", **sheet("4")})
    assert done.status_code == 200 and "Cảm ơn" in done.content.decode()
    again = client.get(url)
    assert again.status_code == 409 and "đã được dùng" in again.content.decode()


def test_no_answer_can_be_joined_to_a_person(drawn, reform, client):
    campaign, dossiers, invitations = drawn
    response = services.invitation_answer(token=token(invitations[0]), answers=sheet())
    # the sheet's model points only to the form, the unit, the campaign and the procedure
    targets = {
        f.related_model._meta.label
        for f in SurveyResponse._meta.get_fields()
        if isinstance(f, models.ForeignKey)
    }
    assert targets == {
        "surveys.SurveyForm",
        "organization.Unit",
        "surveys.Campaign",
        "catalog.Procedure",
    }
    assert not any(
        isinstance(f, models.ForeignKey) and f.related_model is SurveyResponse
        for f in Invitation._meta.get_fields()
    )
    # the invitation keeps a day, not a time; the sheet's event names no invitation/dossier
    assert isinstance(Invitation._meta.get_field("used_on"), models.DateField)
    event = Event.objects.get(action=events.RESPONSE_RECORDED, subject_id=str(response.pk))
    assert event.payload == {"form": "SIPAS v1", "channel": "invited", "campaign": campaign.pk}
    # no page or export shows who answered
    client.force_login(reform)
    index = reverse("surveys:sipas_index", args=["SIPAS"])
    pages = [
        client.get(reverse("surveys:campaign", args=[campaign.pk])).content.decode(),
        client.get(index, {"period": "year", "date": "2026-03-15"}).content.decode(),
    ]
    export = client.get(index, {"period": "year", "date": "2026-03-15", "xuat": "xlsx"})
    cells = [
        str(c)
        for row in load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True)
        for c in row
    ]
    pages.append(" ".join(cells))
    for text in pages:
        for dossier in dossiers:
            assert dossier.code not in text and dossier.applicant_name not in text
            assert dossier.applicant_phone not in text


def test_response_rates_per_unit_on_the_index_api_and_excel(drawn, reform, client):
    campaign, _, invitations = drawn
    services.invitation_answer(token=token(invitations[0]), answers=sheet("5"))
    [rate] = response_rates(campaigns=[campaign])
    assert (rate.invited, rate.answered, rate.rate) == (2, 1, 0.5)
    client.force_login(reform)
    today = timezone.localdate().isoformat()
    index = reverse("surveys:sipas_index", args=["SIPAS"])
    html = client.get(index, {"period": "year", "date": "2026-03-15"}).content.decode()
    assert "1 (50%)" in html
    api = client.get(
        "/api/surveys/sipas/SIPAS/index",
        {"period": "year", "date": today},
    ).json()
    [unit] = api["units"]
    assert (unit["invited"], unit["answered"], unit["response_rate"]) == (2, 1, 0.5)
    export = client.get(index, {"period": "year", "date": today, "xuat": "xlsx"})
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[2][-3:] == (2, 1, 0.5)
    page = client.get(reverse("surveys:campaign", args=[campaign.pk])).content.decode()
    assert "n = n₀ / (1 + (n₀ − 1) / N)" in page and "1,96² × 0,5 × 0,5 / 0,10²" in page
    assert "50,0%" in page


def pdf_text(data: bytes) -> str:
    done = subprocess.run(  # noqa: S603 - fixed command on our own bytes
        ["/usr/bin/pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return done.stdout.decode()


def test_the_slip_carries_the_invitation_qr_and_code(drawn):
    _, dossiers, invitations = drawn
    invitation = next(i for i in invitations if i.dossier_id == dossiers[0].pk)
    code = tokens.grouped(token(invitation))
    html = render_form_html(dossiers[0], "01")
    assert code in html and "<svg" in html
    assert code in pdf_text(render_form_pdf(dossiers[0], "01"))
    services.invitation_answer(token=token(invitation), answers=sheet())
    assert code not in render_form_html(dossiers[0], "01")  # used: no more QR


def test_paper_form_pdf_reads_back_with_every_question(client, make_user, province):
    client.force_login(make_user(Role.DESK_OFFICER, unit=province))
    form = survey_form_in_force()
    response = client.get(reverse("surveys:sipas_paper", args=["SIPAS"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    assert f"Mã phiếu: {form.code} phiên bản {form.version}" in text
    for section in form.sections.all():
        assert section.title in text
    assert "Rất không hài lòng" in text and "Nhập phiếu giấy" in text
    assert client.get(reverse("surveys:sipas_desk", args=["SIPAS"])).status_code == 200


def test_kiosk_is_limited_per_device(client, db):
    url = reverse("surveys:kiosk")
    first = client.get(url)
    assert first.status_code == 200 and "<svg" in first.content.decode()
    assert "motcua_kiosk" in first.cookies
    statuses = [client.post(url, {"ma": "AAAA-BBBB-CCCC"}).status_code for _ in range(21)]
    assert statuses[:DEVICE_TRIES_PER_HOUR] == [404] * DEVICE_TRIES_PER_HOUR
    assert statuses[-1] == 429


def test_campaign_pages_for_the_reform_officer(world, reform, client):
    returned(world)
    client.force_login(world.desk)
    assert client.get(reverse("surveys:campaigns")).status_code == 403
    client.force_login(reform)
    bad = client.post(
        reverse("surveys:campaigns"),
        {"name": "Quý I", "from": "01/03/2026", "to": "31/03/2026", "margin": "5"},
    )
    assert bad.status_code == 400 and "Chọn ít nhất một đơn vị" in bad.content.decode()
    assert 'value="Quý I"' in bad.content.decode()
    made = client.post(
        reverse("surveys:campaigns"),
        {
            "name": "Quý I",
            "from": "01/03/2026",
            "to": "31/03/2026",
            "margin": "5",
            "seed": "42",
            "units": [world.commune.code],
        },
    )
    campaign = Campaign.objects.get()
    assert made.status_code == 302 and campaign.seed == 42
    page = client.get(made["Location"]).content.decode()
    assert world.commune.name in page and "± 5 điểm phần trăm" in page
    client.post(made["Location"], {"do": "draw"})
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAWN and campaign.invitations.count() == 1


def test_campaign_actions_come_from_one_registry_page_and_api(world, reform, client):
    from motcua.core.errors import TransitionNotAllowed
    from motcua.surveys.actions import CAMPAIGN_ACTIONS

    assert CAMPAIGN_ACTIONS.table() == {
        "draft": ("draw", "close"),
        "drawn": ("send", "close"),
        "closed": (),
    }
    returned(world)
    campaign = services.campaign_create(
        actor=reform,
        form=survey_form_in_force(),
        name="Đợt API",
        date_from=dt.date(2026, 3, 1),
        date_to=dt.date(2026, 3, 31),
        units=[world.commune],
        margin="5",
        seed=3,
    )
    with pytest.raises(TransitionNotAllowed):
        services.campaign_send(actor=reform, campaign=campaign)
    client.force_login(reform)
    page = client.get(reverse("surveys:campaign", args=[campaign.pk])).content.decode()
    assert 'value="draw"' in page and 'value="send"' not in page
    out = client.post(f"/api/surveys/campaigns/{campaign.pk}/actions/draw").json()
    assert out["status"] == "drawn" and out["actions"] == ["send", "close"]
    assert out["rates"] == [
        {
            "unit_code": world.commune.code,
            "unit_name": world.commune.name,
            "invited": 1,
            "answered": 0,
            "response_rate": 0.0,
        }
    ]
    again = client.post(f"/api/surveys/campaigns/{campaign.pk}/actions/draw")
    assert again.status_code == 409 and again.json()["code"] == "transition_not_allowed"
    client.force_login(world.desk)
    assert client.get(f"/api/surveys/campaigns/{campaign.pk}").status_code == 403


def test_demo_has_a_finished_campaign_with_answers(world, reform, monkeypatch):
    import io
    import random

    from motcua.surveys import demo
    from motcua.surveys.demo import load_campaign

    monkeypatch.setattr(demo, "ANSWER_SHARE", 1.0)  # every invitation answered

    returned(world)
    returned(world, day=1)
    returned(world, day=2)
    campaign = load_campaign(rng=random.Random(5), stdout=io.StringIO())
    assert campaign is not None
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    assert campaign.invitations.count() == 3  # N = 3 at ±10 → n = 3
    used = campaign.invitations.filter(used_on__isnull=False).count()
    assert used == 3
    assert used == SurveyResponse.objects.filter(campaign=campaign).count()
    assert set(
        SurveyResponse.objects.filter(campaign=campaign).values_list("channel", flat=True)
    ) <= {Channel.INVITED, Channel.KIOSK}
    assert SurveyAnswer.objects.filter(response__campaign=campaign).count() >= 14 * used
    assert load_campaign(rng=random.Random(5), stdout=io.StringIO()) is None  # once


def test_invitation_links_are_limited_per_client_address(client, db):
    from motcua.surveys.campaign_views import TRIES_PER_HOUR

    url = reverse("surveys:invitation", args=["ZZZZ-ZZZZ-ZZZZ"])
    statuses = [client.get(url).status_code for _ in range(TRIES_PER_HOUR + 1)]
    assert statuses[:TRIES_PER_HOUR] == [404] * TRIES_PER_HOUR
    assert statuses[-1] == 429 and "quá nhiều lần" in client.get(url).content.decode()


def test_a_unit_reform_officer_runs_campaigns_of_its_own_units_only(world, make_user, client):
    own = make_user(Role.REFORM_OFFICER, unit=world.commune)
    args = {
        "form": survey_form_in_force(),
        "name": "Xã tự khảo sát",
        "date_from": dt.date(2026, 3, 1),
        "date_to": dt.date(2026, 3, 31),
        "margin": "10",
    }
    mine = services.campaign_create(actor=own, units=[world.commune], **args)
    with pytest.raises(PermissionDenied):
        services.campaign_create(actor=own, units=[world.commune, world.other], **args)
    other = make_user(Role.REFORM_OFFICER, unit=world.other)
    with pytest.raises(PermissionDenied):
        services.campaign_draw(actor=other, campaign=mine)
    client.force_login(other)
    assert client.get(reverse("surveys:campaign", args=[mine.pk])).status_code == 403
    assert "Xã tự khảo sát" not in client.get(reverse("surveys:campaigns")).content.decode()
    assert Campaign.objects.count() == 1
