"""Who may read what: every cell of actors (roles × units, citizens, visitors) × surfaces
(dossier API and pages, its files, its ledger proof, reform pages, API and exports,
integrity findings), generated from the rules and asserted one by one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from motcua.organization.models import Role
from motcua.portal import services as portal_services
from motcua.reform.models import Index
from tests.dossiers.conftest import approve, receive, to_leader, to_specialist

pytestmark = pytest.mark.django_db

OK, DENIED, LOGIN, HIDDEN = "cho phép", "403", "đăng nhập", "404"

# actor → (its kind for the rules below)
ACTORS = {
    "khách (chưa đăng nhập)": "visitor",
    "công dân": "citizen",
    "tài khoản không vai trò": "citizen",
    "một cửa xã A": "officer_a",
    "chuyên viên xã A": "officer_a",
    "lãnh đạo xã A": "officer_a",
    "một cửa xã B": "officer_b",
    "lãnh đạo xã B": "officer_b",
    "một cửa trung tâm tỉnh": "officer_b",
    "cán bộ CCHC Sở Nội vụ": "officer_b",
    "thanh tra tỉnh": "inspector",
    "quản trị tỉnh": "admin",
    "siêu quản trị": "admin",
}


def dossier_rule(kind: str, api: bool) -> str:
    if kind in ("officer_a", "inspector", "admin"):
        return OK
    if kind == "visitor":
        return LOGIN
    return DENIED  # officers of other units, citizens, accounts without a role


def proof_rule(kind: str, api: bool) -> str:
    if kind in ("officer_a", "inspector", "admin"):
        return OK
    if kind == "officer_b":
        return DENIED  # the same unit scope as the dossier API
    return HIDDEN  # no digits: the same answer as a wrong code


def reform_rule(kind: str, api: bool) -> str:
    if kind == "visitor":
        return LOGIN
    return DENIED if kind == "citizen" else OK


def integrity_rule(kind: str, api: bool) -> str:
    if kind == "visitor":
        return LOGIN
    return OK if kind in ("inspector", "admin") else DENIED


def surfaces(s) -> dict:
    """surface → (url, rule, is it an API?)"""
    code = s["dossier"].code
    return {
        "API hồ sơ": (f"/api/dossiers/{code}", dossier_rule, True),
        "API lịch sử hồ sơ": (f"/api/dossiers/{code}/events", dossier_rule, True),
        "trang hồ sơ": (f"/can-bo/ho-so/{code}/", dossier_rule, False),
        "tệp kết quả (API)": (f"/api/dossiers/{code}/result", dossier_rule, True),
        "tệp kết quả (trang)": (f"/can-bo/ho-so/{code}/tep/ket-qua/", dossier_rule, False),
        "mẫu 01 (PDF)": (f"/can-bo/ho-so/{code}/mau-01.pdf", dossier_rule, False),
        "bằng chứng sổ cái (API)": (f"/api/ledger/dossiers/{code}/proof", proof_rule, True),
        "bằng chứng sổ cái (tệp)": (f"/so-cai/ho-so/{code}/bang-chung.json", proof_rule, False),
        "CCHC: tổng quan": ("/cai-cach/", reform_rule, False),
        "CCHC: chỉ số": (f"/cai-cach/chi-so/{s['index']}/", reform_rule, False),
        "CCHC: nhập kết quả": (f"/cai-cach/chi-so/{s['index']}/nhap-ket-qua/", reform_rule, False),
        "CCHC: mẫu kết quả (Excel)": (
            f"/cai-cach/chi-so/{s['index']}/mau-ket-qua.xlsx?nam=2020",
            reform_rule,
            False,
        ),
        "CCHC: nhiệm vụ": ("/cai-cach/nhiem-vu/", reform_rule, False),
        "CCHC: một nhiệm vụ": (f"/cai-cach/nhiem-vu/{s['task']}/", reform_rule, False),
        "CCHC: báo cáo Word": (f"/cai-cach/ke-hoach/{s['plan']}/bao-cao.docx", reform_rule, False),
        "CCHC: báo cáo Excel": (f"/cai-cach/ke-hoach/{s['plan']}/bao-cao.xlsx", reform_rule, False),
        "API CCHC: chỉ số": ("/api/reform/indices", reform_rule, True),
        "API CCHC: kế hoạch": ("/api/reform/plans", reform_rule, True),
        "API CCHC: nhiệm vụ": ("/api/reform/tasks", reform_rule, True),
        "API CCHC: một nhiệm vụ": (f"/api/reform/tasks/{s['task']}", reform_rule, True),
        "kiểm tra toàn vẹn (trang)": ("/so-cai/kiem-tra/", integrity_rule, False),
        "kiểm tra toàn vẹn (Excel)": ("/so-cai/kiem-tra/phat-hien.xlsx", integrity_rule, False),
        "API kiểm tra toàn vẹn": ("/api/integrity/findings", integrity_rule, True),
    }


@pytest.fixture
def scene(world, make_user, province, small_plan, home_affairs_officer, django_user_model):
    dossier = receive(world, dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC))
    dossier = to_specialist(world, dossier)
    dossier = to_leader(world, dossier)
    dossier = approve(world, dossier)  # with a result file
    citizen = portal_services.citizen_register(
        full_name="Nguyễn Văn An", email="an@example.vn", phone="0912345678",
        password="Mk-cong-dan-2026",
    )  # fmt: skip
    citizen.verified_at = timezone.now()
    citizen.save(update_fields=["verified_at"])
    users = {
        "khách (chưa đăng nhập)": None,
        "công dân": citizen.user,
        "tài khoản không vai trò": django_user_model.objects.create_user("khong.vai.tro"),
        "một cửa xã A": world.desk,
        "chuyên viên xã A": world.specialist,
        "lãnh đạo xã A": world.leader,
        "một cửa xã B": world.other_desk,
        "lãnh đạo xã B": world.other_leader,
        "một cửa trung tâm tỉnh": world.centre_desk,
        "cán bộ CCHC Sở Nội vụ": home_affairs_officer,
        "thanh tra tỉnh": make_user(Role.INSPECTOR, unit=province),
        "quản trị tỉnh": make_user(Role.PROVINCE_ADMIN, unit=province),
        "siêu quản trị": django_user_model.objects.create_superuser("root", password="x"),
    }
    return {
        "dossier": dossier,
        "users": users,
        "plan": small_plan.pk,
        "task": small_plan.tasks.order_by("pk").first().pk,
        "index": Index.objects.order_by("code").first().code,
    }


def observed(response, api: bool) -> str:
    status = response.status_code
    if status == 200:
        return OK
    if (api and status == 401) or (
        not api and status == 302 and response["Location"].startswith("/dang-nhap/")
    ):
        return LOGIN
    return {403: DENIED, 404: HIDDEN}.get(status, str(status))


def test_every_cell_of_the_matrix(scene, settings):
    # the look-up limits are tested on their own (test_lookup_bruteforce); here they stay out
    settings.MOTCUA_LOOKUP_LIMITS = {"per_client": 1000, "per_code": 1000}
    wrong = []
    table = surfaces(scene)
    for n, (actor, kind) in enumerate(ACTORS.items()):
        client = Client(REMOTE_ADDR=f"198.51.100.{n + 1}")  # limits are per client
        if scene["users"][actor] is not None:
            client.force_login(scene["users"][actor])
        for surface, (url, rule, api) in table.items():
            expected = rule(kind, api)
            got = observed(client.get(url), api)
            if got != expected:
                wrong.append(f"{actor} × {surface}: mong đợi {expected}, thực tế {got}")
    assert wrong == [], "\n".join(wrong)
    assert len(ACTORS) * len(table) >= 250  # the whole matrix was asserted
