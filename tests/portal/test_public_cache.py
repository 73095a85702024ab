"""Public answers from the cache (core.public_cache, portal.answers): tracking and the
procedure pages give the same bytes from the cache as computed, change at once with the data,
never answer wrong digits, and the look-up limit holds whether the answer was kept or not.

Every test runs with a per-process cache (``locmem``: one process, as the tests are) and with
Redis (DB 15 of the local server, a key prefix of its own), on the configured database."""

from __future__ import annotations

import json
import os
import threading
import uuid

import pytest
import redis
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.catalog.models import Procedure
from motcua.catalog.services import procedure_save
from motcua.core.models import ThrottleCounter
from motcua.dossiers import services as dossier_services
from motcua.portal import services
from tests.portal.conftest import APPLICANT, two_files

REDIS_URL = os.environ.get("MOTCUA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
LIMIT = 3


def _configured(kind: str, settings):
    prefix = f"motcua-test-{uuid.uuid4().hex[:8]}"
    if kind == "redis":
        backend = {"BACKEND": "motcua.core.cache.RedisCache", "LOCATION": REDIS_URL}
    else:
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": prefix}
    settings.CACHES = {"default": {**backend, "KEY_PREFIX": prefix}}
    settings.MOTCUA_PUBLIC_CACHE = True
    settings.MOTCUA_LOOKUP_LIMITS = {"per_client": LIMIT, "per_code": 100}
    yield kind
    if kind == "locmem":
        caches["default"].clear()
    else:
        server = redis.Redis.from_url(REDIS_URL)
        for key in server.scan_iter(f"{prefix}:*"):
            server.delete(key)
    caches["default"].close()


@pytest.fixture(params=["locmem", "redis"])
def public_cache(request, settings):
    yield from _configured(request.param, settings)


@pytest.fixture
def redis_public_cache(settings):
    yield from _configured("redis", settings)


@pytest.fixture
def dossier(world, citizen):
    return services.submission_create(
        user=citizen.user,
        procedure_code=world.procedure.code,
        unit_code=world.commune.code,
        idempotency_key=f"khoa-{uuid.uuid4().hex[:8]}",
        applicant=APPLICANT,
        files=two_files(world),
    ).dossier  # the applicant's phone ends with 5678


def track(client: Client, code: str, digits: str):
    body = json.dumps({"code": code, "phone4": digits})
    return client.post("/api/portal/track", body, content_type="application/json")


def dossier_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "dossiers_dossier" in q["sql"]]


@pytest.mark.django_db
def test_a_kept_tracking_answer_is_the_same_bytes_and_reads_no_dossier(public_cache, dossier):
    client = Client(REMOTE_ADDR="198.51.100.20")
    with CaptureQueriesContext(connection) as first_queries:
        first = track(client, dossier.code, "5678")
    with CaptureQueriesContext(connection) as second_queries:
        second = track(client, dossier.code.lower(), "5678")  # the same code, typed otherwise
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert dossier_queries(first_queries) and not dossier_queries(second_queries)
    # the page shows the same kept answer
    page = Client(REMOTE_ADDR="198.51.100.21").post(
        "/tra-cuu/", {"code": dossier.code, "phone4": "5678"}
    )
    assert page.status_code == 200 and dossier.procedure.name in page.content.decode()


@pytest.mark.django_db
def test_with_redis_the_lookup_does_at_most_two_queries_and_writes_nothing(
    redis_public_cache, dossier, django_assert_max_num_queries
):
    client = Client(REMOTE_ADDR="198.51.100.20")
    with django_assert_max_num_queries(2):  # the dossier, its public history
        assert track(client, dossier.code, "5678").status_code == 200
    with django_assert_max_num_queries(0):  # kept: no query at all
        assert track(client, dossier.code, "5678").status_code == 200
    with django_assert_max_num_queries(2):  # wrong digits: looked up, counted in Redis
        assert track(client, dossier.code, "0000").status_code == 404
    assert not ThrottleCounter.objects.exists()


@pytest.mark.django_db
def test_a_new_event_changes_the_answer_at_once(
    public_cache, world, dossier, django_capture_on_commit_callbacks
):
    client = Client(REMOTE_ADDR="198.51.100.20")
    before = track(client, dossier.code, "5678").json()
    assert track(client, dossier.code, "5678").json() == before  # kept
    # when: the desk accepts the dossier (its transaction commits)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_services.dossier_accept(actor=world.desk, dossier=dossier)
    # then: the next look-up shows the new step and status
    after = track(client, dossier.code, "5678").json()
    assert len(after["timeline"]) == len(before["timeline"]) + 1
    assert after["national_status_label"] != before["national_status_label"]


@pytest.mark.django_db
def test_wrong_digits_are_never_answered_from_the_cache(public_cache, dossier):
    client = Client(REMOTE_ADDR="198.51.100.20")
    assert track(client, dossier.code, "5678").status_code == 200  # kept now
    wrong = track(client, dossier.code, "5679")
    assert wrong.status_code == 404 and wrong.json()["code"] == "track_not_found"
    assert "timeline" not in wrong.json()


@pytest.mark.django_db
def test_the_limit_refuses_past_it_even_when_the_answer_is_kept(public_cache, dossier):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    assert track(attacker, dossier.code, "5678").status_code == 200  # kept now
    answers = [track(attacker, dossier.code, f"100{n}").status_code for n in range(LIMIT + 1)]
    assert answers == [404] * LIMIT + [429]
    # the right digits, kept, are refused too: the guard runs before the cache
    assert track(attacker, dossier.code, "5678").status_code == 429
    # right answers from the cache do not count: the owner elsewhere goes on
    owner = Client(REMOTE_ADDR="198.51.100.20")
    assert [track(owner, dossier.code, "5678").status_code for _ in range(LIMIT * 3)] == [200] * (
        LIMIT * 3
    )


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_guesses_stop_exactly_at_the_limit(public_cache, world, citizen):
    dossier = services.submission_create(
        user=citizen.user,
        procedure_code=world.procedure.code,
        unit_code=world.commune.code,
        idempotency_key="khoa-song-song",
        applicant=APPLICANT,
        files=two_files(world),
    ).dossier
    parallel = 10
    barrier = threading.Barrier(parallel)
    statuses: list[int] = []

    def guess(n: int) -> None:
        try:
            client = Client(REMOTE_ADDR="203.0.113.7")
            barrier.wait(timeout=20)
            statuses.append(track(client, dossier.code, f"{1000 + n}").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(statuses) == [404] * LIMIT + [429] * (parallel - LIMIT)


# ---------------------------------------------------------------- procedure pages


@pytest.fixture
def searchable(world, catalog_admin):
    """The world's procedure saved through the catalog service (its search text filled)."""
    return procedure_save(actor=catalog_admin, instance=world.procedure, created=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/thu-tuc/?q=khai+sinh", "/thu-tuc/?q=khai+sinh&page=1", "/thu-tuc/1.000100/"]
)
def test_a_kept_procedure_page_is_the_same_bytes_and_reads_nothing(
    public_cache, searchable, path, django_assert_max_num_queries
):
    first = Client().get(path)
    with django_assert_max_num_queries(0):
        second = Client().get(path)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "Đăng ký khai sinh" in first.content.decode()


@pytest.mark.django_db
def test_htmx_results_and_the_whole_page_are_kept_apart(public_cache, searchable):
    whole = Client().get("/thu-tuc/?q=khai+sinh")
    part = Client().get("/thu-tuc/?q=khai+sinh", HTTP_HX_REQUEST="true")
    assert b"<html" in whole.content and b"<html" not in part.content
    assert Client().get("/thu-tuc/?q=khai+sinh", HTTP_HX_REQUEST="true").content == part.content


@pytest.mark.django_db
def test_a_catalog_change_shows_at_once(
    public_cache, searchable, catalog_admin, django_capture_on_commit_callbacks
):
    assert "Đăng ký khai sinh" in Client().get("/thu-tuc/?q=khai+sinh").content.decode()
    assert "Đăng ký khai sinh" in Client().get("/thu-tuc/1.000100/").content.decode()
    # when: the catalog renames the procedure (its transaction commits)
    procedure = Procedure.objects.get(code="1.000100")
    procedure.name = "Đăng ký khai sinh lưu động"
    with django_capture_on_commit_callbacks(execute=True):
        procedure_save(actor=catalog_admin, instance=procedure, created=False, changed=["name"])
    # then: search and page show the new name
    assert "khai sinh lưu động" in Client().get("/thu-tuc/?q=khai+sinh").content.decode()
    assert "khai sinh lưu động" in Client().get("/thu-tuc/1.000100/").content.decode()


@pytest.mark.django_db
def test_a_signed_in_reader_gets_their_own_page_never_a_kept_one(
    public_cache, searchable, make_user
):
    anonymous = Client().get("/thu-tuc/?q=khai+sinh").content.decode()
    officer = Client()
    officer.force_login(make_user(username="can.bo.tra.cuu", first_name="Hùng"))
    mine = officer.get("/thu-tuc/?q=khai+sinh").content.decode()
    assert "Hùng" in mine and "Đăng xuất" in mine
    assert "Hùng" not in Client().get("/thu-tuc/?q=khai+sinh").content.decode()
    assert "Đăng xuất" not in anonymous


# ---------------------------------------------------------------- the edge and round trips


@pytest.fixture
def redis_commands(redis_public_cache, monkeypatch):
    """The Redis commands the cache's client sends (names, in order)."""
    from motcua.core import public_cache

    client = public_cache.redis_client()
    sent: list[str] = []
    original = client.execute_command

    def counted(*args, **options):
        sent.append(str(args[0]).upper())
        return original(*args, **options)

    monkeypatch.setattr(client, "execute_command", counted)
    return sent


@pytest.mark.django_db
def test_with_redis_a_kept_answer_is_one_round_trip(redis_commands, dossier, searchable):
    client = Client(REMOTE_ADDR="198.51.100.20")
    assert track(client, dossier.code, "5678").status_code == 200  # computed, kept
    Client().get("/thu-tuc/?q=khai+sinh")
    redis_commands.clear()
    assert track(client, dossier.code, "5678").status_code == 200
    assert redis_commands == ["EVALSHA"]  # limits, token and answer together
    redis_commands.clear()
    assert "Đăng ký khai sinh" in Client().get("/thu-tuc/?q=khai+sinh").content.decode()
    assert redis_commands == ["EVALSHA"]  # the page's entry and its generation together


@pytest.mark.django_db
def test_a_kept_page_has_the_headers_of_the_layers_below_and_a_request_id_of_its_own(
    public_cache, searchable
):
    first = Client().get("/thu-tuc/?q=khai+sinh")
    second = Client().get("/thu-tuc/?q=khai+sinh")
    third = Client().get("/thu-tuc/?q=khai+sinh")
    assert second.content == first.content
    for header in ("Vary", "Content-Language", "X-Frame-Options", "Content-Type"):
        assert header in first and second[header] == first[header], header
    assert "Cookie" in second["Vary"]
    ids = {first["X-Request-ID"], second["X-Request-ID"], third["X-Request-ID"]}
    assert len(ids) == 3  # each answer its own id, never the kept one's
    assert "Set-Cookie" not in second


@pytest.mark.django_db
def test_a_kept_page_is_refused_to_a_host_not_allowed(public_cache, searchable):
    assert Client().get("/thu-tuc/?q=khai+sinh").status_code == 200  # kept now
    assert Client().get("/thu-tuc/?q=khai+sinh", HTTP_HOST="evil.example").status_code == 400


@pytest.mark.django_db
def test_a_page_changed_while_it_was_computed_is_never_answered(
    public_cache, searchable, monkeypatch
):
    """The page is kept under the token read before the view ran: a change committed while
    it rendered ends that token, and the next reader gets a fresh page."""
    from motcua.core import public_cache as kept
    from motcua.portal import answers
    from motcua.portal import views as portal_views

    original = portal_views.catalog.procedure_detail

    def read_then_changed(**kwargs):
        found = original(**kwargs)
        # another worker commits a change right after this view read the procedure
        Procedure.objects.filter(code="1.000100").update(name="Tên mới chưa từng hiện")
        kept.bump([answers.CATALOG])
        return found

    monkeypatch.setattr(portal_views.catalog, "procedure_detail", read_then_changed)
    assert "Tên mới chưa từng hiện" not in Client().get("/thu-tuc/1.000100/").content.decode()
    monkeypatch.setattr(portal_views.catalog, "procedure_detail", original)
    assert "Tên mới chưa từng hiện" in Client().get("/thu-tuc/1.000100/").content.decode()


@pytest.mark.django_db
def test_the_api_body_is_the_one_ninja_renders(public_cache, dossier):
    from motcua.api import api
    from motcua.portal.api import CitizenDossierOut
    from motcua.portal.selectors import dossier_view

    first = track(Client(REMOTE_ADDR="198.51.100.20"), dossier.code, "5678")
    kept = track(Client(REMOTE_ADDR="198.51.100.20"), dossier.code, "5678")
    assert first["Content-Type"] == "application/json; charset=utf-8"
    data = CitizenDossierOut.from_orm(dossier_view(dossier, with_reasons=False)).model_dump()
    rendered = api.renderer.render(None, data, response_status=200)
    assert first.content == kept.content == rendered.encode()


@pytest.mark.django_db
def test_the_citizen_menu_shows_for_citizens_and_asks_nothing_for_officers(
    citizen, make_user, make_unit
):
    from motcua.organization.models import Role

    mine = Client()
    mine.force_login(citizen.user)
    menu = '<a class="nav-link" href="/ca-nhan/">Hồ sơ của tôi</a>'
    assert menu in mine.get("/").content.decode()
    officer = Client()
    officer.force_login(make_user(Role.SPECIALIST, unit=make_unit("UBND xã Menu")))
    with CaptureQueriesContext(connection) as queries:
        html = officer.get("/").content.decode()
    assert menu not in html and "Đăng xuất" in html
    assert not [q for q in queries.captured_queries if "portal_citizen" in q["sql"]]
