"""The routing suggestion: trained on the catalog and past routed items, top-3, evaluated."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.catalog.models import Field, Procedure, UnitKind
from motcua.feedback import routing
from motcua.feedback.services import feedback_perform

TEXTS = {
    "XD": ("Cấp giấy phép xây dựng nhà ở riêng lẻ", "Giấy phép xây dựng nhà ở bị chậm"),
    "DD": (
        "Đăng ký đất đai lần đầu, cấp giấy chứng nhận quyền sử dụng đất",
        "Cấp giấy chứng nhận quyền sử dụng đất quá hạn",
    ),
}


@pytest.fixture
def trained(submit, org):
    routing._CACHE.clear()
    owners = {"XD": org["dept"], "DD": org["other"]}
    for code, (procedure, complaint) in TEXTS.items():
        field = Field.objects.create(code=code, name=f"Lĩnh vực {code}")
        Procedure.objects.create(
            code=f"P-{code}", name=procedure, field=field, competent_unit_kind=UnitKind.DEPARTMENT
        )
        for n in range(3):
            item = submit(title=complaint, content=f"{complaint} lần {n}", field=field)
            feedback_perform(
                feedback=item,
                action="transfer",
                actor=org["desk"],
                data={"to_unit": owners[code].pk, "reason": "Đúng thẩm quyền"},
            )
    yield owners
    routing._CACHE.clear()


def test_suggests_the_field_and_the_unit_that_handled_it(trained, submit):
    item = submit(title="Xin giấy phép xây dựng", content="Xây nhà ở, giấy phép chưa cấp")
    s = routing.suggest(item)
    assert s["fields"][0][0].code == "XD" and s["units"][0][0] == trained["XD"]
    assert len(s["units"]) <= 3 and 0.5 < s["fields"][0][1] <= 1
    other = routing.suggest(submit(title="Quyền sử dụng đất", content="Chứng nhận đất đai"))
    assert other["units"][0][0] == trained["DD"]


def test_evaluate_reports_top1_and_top3(trained):
    result = routing.evaluate(share=0.3, seed=1)
    assert result["test"] == 2 and result["train"] == 4
    assert result["unit3"] >= result["unit1"] and result["unit1"] == 1.0


def test_officer_page_preselects_the_suggested_unit(client, trained, submit, org):
    item = submit(title="Giấy phép xây dựng nhà ở", content="Đề nghị cấp giấy phép xây dựng")
    client.force_login(org["desk"])
    page = client.get(reverse("feedback:officer_detail", args=[item.code])).content.decode()
    assert 'id="goi-y"' in page
    assert f'<option value="{trained["XD"].pk}" selected>' in page
