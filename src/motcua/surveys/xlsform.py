"""A questionnaire version as XLSForm (ODK / KoboToolbox), out and back in.

Sheets: ``survey`` (type, name, label, required; one group per section, ``begin_group`` /
``end_group``), ``choices`` (list_name, name, label) and ``settings`` (form_title, form_id,
version). The section kind and the "confirmed" flag travel in extra columns
(``motcua_kind``, ``motcua_confirmed``) that ODK tools ignore.
"""

from __future__ import annotations

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


def xlsform_read(file: IO[bytes]) -> dict[str, Any]:
    """The settings and sections (with their questions) of an XLSForm file."""
    try:
        book = load_workbook(file, read_only=True, data_only=True)
        rows = list(book["survey"].iter_rows(values_only=True))
        choice_rows = list(book["choices"].iter_rows(values_only=True))
        settings_rows = list(book["settings"].iter_rows(values_only=True))
    except Exception as error:  # noqa: BLE001 - any unreadable file gets the same answer
        raise InvalidInput(
            "Tệp không phải XLSForm hợp lệ (cần các trang survey, choices, settings).",
            code=SurveysError.XLSFORM_INVALID,
        ) from error
    header = [str(h or "") for h in rows[0]]
    lists: dict[str, list[dict[str, str]]] = {}
    for list_name, name, label in (r[:3] for r in choice_rows[1:] if r and r[0]):
        lists.setdefault(str(list_name), []).append({"value": str(name), "label": str(label)})
    sections: list[dict[str, Any]] = []
    for raw in rows[1:]:
        row = {h: ("" if v is None else str(v)) for h, v in zip(header, raw, strict=False)}
        kind = row.get("type", "").strip()
        if kind == "begin_group":
            sections.append(
                {
                    "code": row["name"],
                    "title": row["label"],
                    "kind": row.get("motcua_kind") or "other",
                    "questions": [],
                }
            )
        elif kind and kind != "end_group":
            if not sections:
                raise InvalidInput(
                    "Câu hỏi nằm ngoài mọi phần của phiếu.", code=SurveysError.XLSFORM_INVALID
                )
            word, _, list_name = kind.partition(" ")
            ours = row.get("motcua_kind") or {
                "text": QuestionKind.TEXT,
                "select_one": QuestionKind.SINGLE,
                "select_multiple": QuestionKind.MULTIPLE,
            }.get(word)
            if ours not in QuestionKind.values:
                raise InvalidInput(
                    f"Loại câu hỏi không hỗ trợ: {kind}.", code=SurveysError.XLSFORM_INVALID
                )
            shared = ours in SHARED_LISTS
            sections[-1]["questions"].append(
                {
                    "code": row["name"],
                    "text": row["label"],
                    "kind": ours,
                    "required": row.get("required", "").lower() in ("yes", "true", "1"),
                    "confirmed": row.get("motcua_confirmed", "").lower() == "yes",
                    "choices": [] if shared else lists.get(list_name, []),
                }
            )
    title, form_id, version = (list(settings_rows[1]) + [None, None, None])[:3]
    return {
        "name": str(title or ""),
        "code": str(form_id or ""),
        "version": str(version or ""),
        "sections": sections,
    }
