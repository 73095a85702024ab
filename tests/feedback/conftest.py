"""Fixtures of the feedback tests: a centre that receives, two departments that handle."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from motcua.core.formats import VN_TZ
from motcua.feedback.services import feedback_submit
from motcua.organization.models import Role, UnitKind

MONDAY = dt.datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ)  # a working Monday, no holiday near


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def org(make_unit, make_user, province):
    centre = make_unit(
        "Trung tâm Phục vụ hành chính công", kind=UnitKind.SERVICE_CENTRE, code="TTPVHCC"
    )
    dept = make_unit("Sở Xây dựng", kind=UnitKind.DEPARTMENT, code="SXD")
    other = make_unit("Sở Tài nguyên và Môi trường", kind=UnitKind.DEPARTMENT, code="STNMT")
    return {
        "province": province,
        "centre": centre,
        "dept": dept,
        "other": other,
        "desk": make_user(Role.DESK_OFFICER, unit=centre, username="fb.motcua"),
        "specialist": make_user(Role.SPECIALIST, unit=dept, username="fb.chuyenvien"),
        "leader": make_user(Role.UNIT_LEADER, unit=dept, username="fb.lanhdao"),
        "centre_leader": make_user(Role.UNIT_LEADER, unit=centre, username="fb.lanhdao.tt"),
        "stranger": make_user(Role.SPECIALIST, unit=other, username="fb.nguoingoai"),
        "citizen": make_user(username="fb.congdan", first_name="Nguyễn Văn An"),
        "admin": make_user(Role.PROVINCE_ADMIN, unit=province, username="fb.quantri"),
    }


@pytest.fixture
def submit(org):
    def make(now=MONDAY, **extra):
        values = {
            "title": "Đường ngập nước trước UBND phường",
            "content": "Sau mưa, đoạn đường ngập sâu 40 cm, đề nghị khơi thông cống.",
            "sender_name": "Trần Thị Bình",
            "sender_phone": "0912345678",
            "sender_address": "12 Lê Lợi, phường Trung Tâm",
            "receiving_unit": org["centre"],
            "throttle": False,
        }
        values.update(extra)
        return feedback_submit(now=now, **values)

    return make
