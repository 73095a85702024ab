"""A questionnaire version as XLSForm (ODK / KoboToolbox), out and back in.

Sheets: ``survey`` (type, name, label, required; one group per section, ``begin_group`` /
``end_group``), ``choices`` (list_name, name, label) and ``settings`` (form_title, form_id,
version). The section kind and the "confirmed" flag travel in extra columns
(``motcua_kind``, ``motcua_confirmed``) that ODK tools ignore.
"""

from __future__ import annotations

import re
from io import BytesIO
from typing import IO, Any

from openpyxl import Workbook, load_workbook

from motcua.core.errors import InvalidInput
from motcua.surveys.errors import SurveysError
from motcua.surveys.models import QuestionKind, SurveyForm, SurveyQuestion

SURVEY_COLUMNS = ["type", "name", "label", "required", "motcua_kind", "motcua_confirmed"]
SHARED_LISTS = {QuestionKind.SCALE5: "muc_hai_long", QuestionKind.EXPECT3: "muc_mong_doi"}


def _list_name(question: SurveyQuestion) -> str:
    return SHARED_LISTS.get(question.kind, f"{question.code}_luachon")


def xlsform_export(form: SurveyForm) -> bytes:
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(SURVEY_COLUMNS)
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    written: set[str] = set()
    for section in form.sections.prefetch_related("questions").order_by("order"):
        survey.append(["begin_group", section.code, section.title, "", section.kind, ""])
        for q in section.questions.all():
            if q.kind == QuestionKind.TEXT:
                kind = "text"
            else:
                word = "select_multiple" if q.kind == QuestionKind.MULTIPLE else "select_one"
                kind = f"{word} {_list_name(q)}"
                if _list_name(q) not in written:
                    written.add(_list_name(q))
                    for option in q.options():
                        choices.append([_list_name(q), option["value"], option["label"]])
            survey.append(
                [
                    kind,
                    q.code,
                    q.text,
                    "yes" if q.required else "",
                    q.kind,
                    "yes" if q.confirmed else "no",
                ]
            )
        survey.append(["end_group", "", "", "", "", ""])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version"])
    settings.append([form.name, form.code, str(form.version)])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,39}$")  # a slug of 40 (an XML name too)
SHEETS = ("survey", "choices", "settings")
MAX_ROWS = 2_000


def _cells(sheet) -> list[tuple]:
    rows = []
    for n, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if n > MAX_ROWS:
            break
        rows.append(row)
    return rows


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def xlsform_read(file: IO[bytes]) -> dict[str, Any]:
    """The settings and sections (with their questions) of an XLSForm file.

    Every problem found is listed (sheet and row, in Vietnamese) in one ``InvalidInput``
    ``xlsform_invalid`` with ``problems``; nothing is returned then."""
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable file gets the same answer
        raise InvalidInput(
            "Tệp không phải XLSForm hợp lệ (cần các trang survey, choices, settings).",
            code=SurveysError.XLSFORM_INVALID,
            problems=["Không đọc được tệp Excel."],
        ) from error
    missing = [name for name in SHEETS if name not in book.sheetnames]
    if missing:
        book.close()
        problems = [f"Thiếu trang «{name}»." for name in missing]
        raise InvalidInput(
            "Tệp không phải XLSForm hợp lệ (cần các trang survey, choices, settings): "
            + " ".join(problems),
            code=SurveysError.XLSFORM_INVALID,
            problems=problems,
        )
    rows, choice_rows, settings_rows = (_cells(book[name]) for name in SHEETS)
    book.close()
    problems: list[str] = []
    lists = _choices(choice_rows, problems)
    sections = _survey(rows, lists, problems)
    settings = dict(
        zip(
            (_text(h) for h in (settings_rows[0] if settings_rows else ())),
            settings_rows[1] if len(settings_rows) > 1 else (),
            strict=False,
        )
    )
    code = _text(settings.get("form_id"))
    if not code:
        problems.append("Trang settings: thiếu form_id (mã phiếu) ở dòng 2.")
    if problems:
        raise InvalidInput(
            f"XLSForm có {len(problems)} lỗi, chưa ghi gì: "
            + " ".join(problems[:5])
            + (" …" if len(problems) > 5 else ""),
            code=SurveysError.XLSFORM_INVALID,
            problems=problems,
        )
    return {
        "name": _text(settings.get("form_title")),
        "code": code,
        "version": _text(settings.get("version")),
        "sections": sections,
    }


def _choices(choice_rows: list[tuple], problems: list[str]) -> dict[str, list[dict[str, str]]]:
    header = [_text(h) for h in (choice_rows[0] if choice_rows else ())]
    if not {"list_name", "name", "label"} <= set(header):
        problems.append("Trang choices: dòng 1 cần các cột list_name, name, label.")
        return {}
    lists: dict[str, list[dict[str, str]]] = {}
    for n, raw in enumerate(choice_rows[1:], start=2):
        row = {h: _text(v) for h, v in zip(header, raw, strict=False)}
        if not any(row.values()):
            continue
        where = f"Trang choices, dòng {n}"
        if not row.get("list_name"):
            problems.append(f"{where}: thiếu list_name.")
        elif not row.get("name") or not row.get("label"):
            problems.append(f"{where}: lựa chọn thiếu name hoặc label.")
        elif len(row["name"]) > 10:
            problems.append(f"{where}: giá trị «{row['name'][:20]}» dài quá 10 ký tự.")
        else:
            lists.setdefault(row["list_name"], []).append(
                {"value": row["name"], "label": row["label"][:200]}
            )
    return lists


def _survey(rows: list[tuple], lists: dict, problems: list[str]) -> list[dict[str, Any]]:
    header = [_text(h) for h in (rows[0] if rows else ())]
    if not {"type", "name", "label"} <= set(header):
        problems.append("Trang survey: dòng 1 cần các cột type, name, label.")
        return []
    sections: list[dict[str, Any]] = []
    seen: dict[tuple[bool, str], int] = {}
    open_group = False
    for n, raw in enumerate(rows[1:], start=2):
        row = {h: _text(v) for h, v in zip(header, raw, strict=False)}
        kind, name, label = row.get("type", ""), row.get("name", ""), row.get("label", "")
        where = f"Trang survey, dòng {n}"
        if not kind:
            if name or label:
                problems.append(f"{where}: thiếu loại (type).")
            continue
        if kind == "end_group":
            if not open_group:
                problems.append(f"{where}: end_group không có begin_group tương ứng.")
            open_group = False
            continue
        if not _NAME.match(name):
            problems.append(
                f"{where}: tên (name) «{name[:40]}» phải bắt đầu bằng chữ cái, chỉ gồm chữ "
                "không dấu, số, «_» hoặc «-», tối đa 40 ký tự."
            )
        elif (kind == "begin_group", name) in seen:  # a group may share its name with a question
            problems.append(
                f"{where}: tên «{name}» trùng với dòng {seen[kind == 'begin_group', name]}."
            )
        else:
            seen[kind == "begin_group", name] = n
        if not label:
            problems.append(f"{where}: thiếu nội dung (label).")
        if kind == "begin_group":
            if open_group:
                problems.append(f"{where}: nhóm lồng trong nhóm chưa được hỗ trợ.")
            open_group = True
            sections.append(
                {
                    "code": name,
                    "title": label[:300],
                    "kind": row.get("motcua_kind") or "other",
                    "questions": [],
                }
            )
            continue
        question = _question(row, lists, where, problems)
        if not open_group:
            problems.append(f"{where}: câu hỏi nằm ngoài mọi phần (begin_group … end_group).")
        elif question is not None:
            sections[-1]["questions"].append(question)
    if open_group:
        problems.append("Trang survey: thiếu end_group ở cuối phần cuối cùng.")
    if not sections and not problems:
        problems.append("Trang survey: không có phần nào (begin_group).")
    for section in sections:
        if not section["questions"]:
            problems.append(f"Trang survey: phần «{section['code']}» không có câu hỏi nào.")
    return sections


def _question(row: dict, lists: dict, where: str, problems: list[str]) -> dict[str, Any] | None:
    kind = row["type"]
    word, _, list_name = kind.partition(" ")
    list_name = list_name.strip()
    ours = row.get("motcua_kind") or {
        "text": QuestionKind.TEXT,
        "select_one": QuestionKind.SINGLE,
        "select_multiple": QuestionKind.MULTIPLE,
    }.get(word)
    if ours not in QuestionKind.values:
        problems.append(
            f"{where}: loại câu hỏi «{kind[:40]}» không hỗ trợ (dùng text, select_one, "
            "select_multiple)."
        )
        return None
    if word in ("select_one", "select_multiple") and list_name not in lists:
        problems.append(f"{where}: danh sách lựa chọn «{list_name}» không có ở trang choices.")
        return None
    if ours in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and word == "text":
        problems.append(
            f"{where}: câu chọn một / chọn nhiều cần type select_one / select_multiple."
        )
        return None
    return {
        "code": row.get("name", ""),
        "text": row.get("label", "")[:500],
        "kind": ours,
        "required": row.get("required", "").lower() in ("yes", "true", "1"),
        "confirmed": row.get("motcua_confirmed", "").lower() == "yes",
        "choices": [] if ours in SHARED_LISTS else lists.get(list_name, []),
    }
