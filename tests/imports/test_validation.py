"""Every problem of a file is listed with its line, in Vietnamese, and nothing is written."""

from __future__ import annotations

import json

import pytest

from motcua.dossiers.models import Dossier
from motcua.imports.models import ImportRun
from motcua.imports.services import ImportInvalid, history_import
from motcua.ledger.models import Event
from tests.imports.conftest import read_csv, write_csv


def _problems(path) -> list[str]:
    events = Event.objects.count()
    with pytest.raises(ImportInvalid) as caught:
        history_import(path=path)
    # nothing written: no dossier, no run, no event
    assert Dossier.objects.count() == 0 and ImportRun.objects.count() == 0
    assert Event.objects.count() == events
    return [str(p) for p in caught.value.problems]


def _line_of(rows, index) -> int:
    return index + 2  # line 1 is the header


def _first_row_of(rows, action):
    return next(i for i, r in enumerate(rows) if r["action"] == action)


@pytest.fixture
def rows(source):
    return read_csv(source["history"])


def test_unknown_procedure(world, rows, tmp_path):
    rows[0]["procedure"] = "KHONG.CO"
    problems = _problems(write_csv(tmp_path / "f.csv", rows))
    assert problems == [f"Dòng 2: hồ sơ {rows[0]['dossier']}: không tìm thấy thủ tục «KHONG.CO»."]


def test_unknown_unit_and_officer(world, rows, tmp_path):
    i = _first_row_of(rows, "dossier.transferred")
    rows[i]["unit"] = "XA-LA"
    rows[i + 1]["actor"] = "ai.do"
    problems = _problems(write_csv(tmp_path / "f.csv", rows))
    assert f"Dòng {i + 2}: không tìm thấy đơn vị «XA-LA»." in problems
    assert f"Dòng {i + 3}: không tìm thấy cán bộ «ai.do»." in problems


def test_impossible_transition(world, rows, tmp_path):
    # a result returned straight after the transfer (no decision): the registry refuses
    i = _first_row_of(rows, "dossier.transferred")
    rows[i + 1]["action"] = "dossier.returned"
    problems = _problems(write_csv(tmp_path / "f.csv", rows))
    assert any(
        p.startswith(f"Dòng {i + 3}: hồ sơ {rows[i]['dossier']}: không thể «dossier.returned»")
        for p in problems
    ), problems


def test_status_that_the_action_cannot_reach(world, rows, tmp_path):
    i = _first_row_of(rows, "dossier.transferred")
    rows[i]["status"] = "returned"
    problems = _problems(write_csv(tmp_path / "f.csv", rows))
    assert any(
        p.startswith(f"Dòng {i + 2}:") and "trạng thái «returned» không thể đạt được" in p
        for p in problems
    ), problems


def test_times_out_of_order(world, rows, tmp_path):
    i = _first_row_of(rows, "dossier.transferred")
    rows[i]["at"] = "2020-01-01T08:00:00+07:00"
    problems = _problems(write_csv(tmp_path / "f.csv", rows))
    assert (
        f"Dòng {i + 2}: hồ sơ {rows[i]['dossier']}: thời điểm sớm hơn sự kiện liền trước (dòng {i + 1})."
        in problems
    )


def test_bad_time_and_payload(world, rows, tmp_path):
    rows[3]["at"] = "03/07/2026 08:00"
    rows[4]["payload"] = "{khong phai json"
    problems = _problems(write_csv(tmp_path / "f.csv", rows))
    assert "Dòng 5: thời điểm «03/07/2026 08:00» không hợp lệ (ISO 8601 kèm múi giờ)." in problems
    assert "Dòng 6: cột payload không phải một đối tượng JSON." in problems


def test_duplicate_code_in_the_file(world, rows, tmp_path):
    # the first dossier's rows appear again at the end of the file
    first = [r for r in rows if r["dossier"] == rows[0]["dossier"]]
    problems = _problems(write_csv(tmp_path / "f.csv", rows + first[:1]))
    line = len(rows) + 2
    assert problems == [
        f"Dòng {line}: mã hồ sơ {rows[0]['dossier']} trùng: các dòng của một hồ sơ phải liền nhau."
    ]


def test_code_already_in_the_database(world, rows, tmp_path, source):
    # given the file was imported under another name (another hash)
    history_import(path=source["history"])
    copy = write_csv(tmp_path / "copy.csv", rows[: _first_row_of(rows[1:], "dossier.received") + 1])
    copy.write_text(copy.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(ImportInvalid) as caught:
        history_import(path=copy)
    assert [str(p) for p in caught.value.problems] == [
        f"Dòng 2: mã hồ sơ {rows[0]['dossier']} đã có trong hệ thống."
    ]


def test_unknown_action_and_status_need_a_mapping(world, rows, tmp_path):
    rows[1]["action"] = "Chuyển xử lý"
    rows[2]["status"] = "Đang giải quyết"
    problems = _problems(write_csv(tmp_path / "f.csv", rows))
    assert (
        "Dòng 3: hành động «Chuyển xử lý» không xác định (cần ánh xạ trong tệp mapping)."
        in problems
    )
    assert any(
        p.startswith("Dòng 4:") and "«Đang giải quyết» không xác định" in p for p in problems
    )
    # with the mapping (national code 4 = đang xử lý) the same file passes validation
    mapping = tmp_path / "m.json"
    mapping.write_text(
        json.dumps(
            {"actions": {"Chuyển xử lý": "dossier.transferred"}, "statuses": {"Đang giải quyết": 4}}
        )
    )
    history_import(path=tmp_path / "f.csv", mapping_path=mapping)
    assert Dossier.objects.count() == 30


def test_every_problem_is_listed_not_only_the_first(world, rows, tmp_path):
    for i in (0, 40, 80):
        rows[i]["at"] = "hôm qua"
    problems = _problems(write_csv(tmp_path / "f.csv", rows))
    assert [p.split(":")[0] for p in problems] == ["Dòng 2", "Dòng 42", "Dòng 82"]


def test_a_row_the_services_refuse_is_reported_with_its_line(world, rows, tmp_path):
    # given a transfer by an officer of another unit (roles are judged by the services)
    i = _first_row_of(rows, "dossier.transferred")
    rows[i]["actor"] = "cv.stp"
    with pytest.raises(ImportInvalid) as caught:
        history_import(path=write_csv(tmp_path / "f.csv", rows))
    # then the row is named, and its batch (here the first) wrote no dossier
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 1
    assert problems[0].startswith(f"Dòng {i + 2}: hồ sơ {rows[i]['dossier']}: ")
    assert Dossier.objects.count() == 0 and ImportRun.objects.get().dossiers_done == 0
