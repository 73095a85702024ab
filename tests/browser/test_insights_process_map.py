"""A unit leader opens the process map of the land procedure, clicks the slowest step, sees
its dossiers, then the at-risk list with its reasons. On a phone-sized screen too."""

from __future__ import annotations

import pytest

from motcua.catalog.models import Field
from motcua.dossiers import services
from motcua.insights.services import risk_model_train, risk_scores_refresh
from tests.browser.conftest import axe_violations
from tests.dossiers.conftest import approve, at, make_procedure, receive, world  # noqa: F401

PASSWORD = "Mk-kiem-thu-2026"
LAND = "1.004227"
NOW = at(30, 10)


def _finished(w, land, day: int, *, slow: bool):
    d = receive(w, when=at(day, 8), procedure=land)
    d = services.dossier_transfer(actor=w.desk, dossier=d, at=at(day, 8, 30))
    d = services.dossier_self_assign(actor=w.specialist, dossier=d, at=at(day, 8, 45))
    d = services.dossier_complete_step(
        actor=w.specialist, dossier=d, next_assignee=w.leader, at=at(day + (7 if slow else 0), 11)
    )
    return approve(w, d, when=at(day + (8 if slow else 1), 14))


@pytest.fixture
def land_history(transactional_db, world):  # noqa: F811
    land = make_procedure(code=LAND)
    land.field, _ = Field.objects.get_or_create(code="DD", defaults={"name": "Đất đai"})
    land.name = "Đăng ký biến động đất đai"
    land.save()
    done = [_finished(world, land, day, slow=day % 3 == 0) for day in range(9)]
    stuck = receive(world, when=at(29, 8), procedure=land)
    stuck = services.dossier_transfer(actor=world.desk, dossier=stuck, at=at(29, 8, 30))
    stuck = services.dossier_self_assign(actor=world.specialist, dossier=stuck, at=at(29, 8, 45))
    other = receive(world, when=at(29, 9))  # another procedure: not on the land map
    risk_model_train(now=NOW)
    risk_scores_refresh(now=NOW)
    return done, stuck, other


def login(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto(page.base + "/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def open_land_map(page) -> None:
    page.goto(page.base + "/phan-tich/")
    page.get_by_label("Mã thủ tục").fill(LAND)
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url(f"**/phan-tich/?procedure={LAND}*")


def test_leader_clicks_the_slowest_step_and_sees_the_at_risk_list(page, land_history, world):  # noqa: F811
    done, stuck, other = land_history
    login(page, world.leader.username)
    open_land_map(page)
    assert page.locator("#do-thi-svg").is_visible()  # the drawn graph
    assert other.code not in page.content()
    slowest = page.locator("#buoc-cham tbody tr").first
    longest = slowest.locator("td").last.inner_text()
    slowest.get_by_role("link").first.click()
    page.wait_for_url("**buoc=**")
    listed = page.locator("#ho-so-cua-buoc tbody").inner_text()
    assert listed.split()[0] in longest  # the step's longest dossier, now listed
    assert any(d.code in listed for d in done)
    found = axe_violations(page)
    assert found == [], [(v["id"], [n["html"][:200] for n in v["nodes"][:2]]) for v in found]
    # the at-risk list: the stuck land dossier, with its reasons
    page.locator("#xem-nguy-co").click()
    page.wait_for_url("**/phan-tich/nguy-co-tre-han/**")
    first = page.locator("#nguy-co-mo-hinh tbody tr").first.inner_text()
    assert stuck.code in first and "%" in first
    assert page.locator("#mo-hinh").inner_text().startswith("Xác suất")
    assert axe_violations(page) == []


def test_the_process_map_fits_a_phone(browser, live_server, land_history, world):  # noqa: F811
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.base = live_server.url
    try:
        login(page, world.leader.username)
        open_land_map(page)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        assert page.locator("#do-thi-svg").bounding_box()["width"] <= 390
        page.locator("#buoc-cham tbody tr").first.get_by_role("link").first.click()
        assert page.locator("#ho-so-cua-buoc").is_visible()
        page.goto(page.base + f"/phan-tich/nguy-co-tre-han/?procedure={LAND}")
        assert page.locator("#nguy-co-the").is_visible()  # cards on a phone
        assert not page.locator("#nguy-co-mo-hinh").is_visible()
        assert land_history[1].code in page.locator("#nguy-co-the li").first.inner_text()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
    finally:
        context.close()
