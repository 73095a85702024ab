"""Index frameworks (criteria trees) and the yearly results of the indices."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from motcua.core.errors import InvalidInput, NotFound
from motcua.core.text import fold
from motcua.ledger.services import event_record
from motcua.reform import events
from motcua.reform.errors import ReformError
from motcua.reform.models import (
    Aggregation,
    Framework,
    Index,
    Node,
    NodeLevel,
    NodeScore,
    Result,
)
from motcua.reform.services.permissions import (
    require_manage,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
FRAMEWORK_FILES = ["par_index_2020.json", "sipas_2020.json", "papi_2018.json"]
LEVELS = [NodeLevel.AREA, NodeLevel.CRITERION, NodeLevel.SUB]


# --- frameworks and results --------------------------------------------------------------


@transaction.atomic
def framework_load(*, data: dict, source_file: str = "") -> Framework:
    """Create or update an index framework from its data file (idempotent)."""
    meta = data["index"]
    index, _ = Index.objects.update_or_create(
        code=meta["code"],
        defaults={
            "name": meta["name"],
            "short_name": meta["short_name"],
            "publisher": meta.get("publisher", ""),
            "unit_label": meta.get("unit_label", "điểm"),
            "order": meta.get("order", 0),
        },
    )
    framework, _ = Framework.objects.update_or_create(
        index=index,
        year=data["year"],
        defaults={
            "methodology": data["methodology"],
            "aggregation": data.get("aggregation", Aggregation.SUM),
            "max_total": Decimal(str(data["max_total"])),
            "source_file": source_file,
        },
    )
    flat: list[tuple[int, str | None, dict]] = []  # (depth, parent code, item) in tree order

    def walk(items: list[dict], parent: str | None, depth: int) -> None:
        for item in items:
            flat.append((depth, parent, item))
            walk(item.get("children", []), str(item["code"]), depth + 1)

    walk(data["nodes"], None, 0)
    existing = {n.code: n for n in framework.nodes.all()}
    fields = ["parent", "level", "name", "name_folded", "max_points", "assessment", "order"]
    for depth in range(len(LEVELS)):
        new: list[Node] = []
        changed: list[Node] = []
        for order, (d, parent, item) in enumerate(flat, 1):
            if d != depth:
                continue
            code = str(item["code"])
            node = existing.get(code) or Node(framework=framework, code=code)
            node.parent = existing[parent] if parent else None
            node.level = LEVELS[depth]
            node.name = item["name"]
            node.name_folded = fold(item["name"])
            node.max_points = Decimal(str(item["max_points"]))
            node.assessment = item.get("assessment", "")
            node.order = order
            (changed if node.pk else new).append(node)
        Node.objects.bulk_create(new)
        Node.objects.bulk_update(changed, fields)
        if new and new[0].pk is None:  # backends that do not return keys
            existing.update({n.code: n for n in framework.nodes.filter(level=LEVELS[depth])})
        else:
            existing.update({n.code: n for n in new})
    return framework


def frameworks_load_shipped() -> list[Framework]:
    return [
        framework_load(
            data=json.loads((DATA_DIR / name).read_text(encoding="utf-8")), source_file=name
        )
        for name in FRAMEWORK_FILES
    ]


def _decimal(value, what: str) -> Decimal | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidInput(
            f"{what}: '{value}' không phải là số.", code=ReformError.RESULT_NOT_NUMBER
        ) from None
    if not number.is_finite() or number < 0:
        raise InvalidInput(f"{what}: phải là số không âm.", code=ReformError.RESULT_NOT_NUMBER)
    return number


@transaction.atomic
def result_record(
    *,
    actor,
    index_code: str,
    year: int,
    scores: dict[str, object] | None = None,
    national: dict[str, object] | None = None,
    total=None,
    rank: int | None = None,
    rank_of: int | None = None,
    national_average=None,
    source: str = "",
    simulated: bool = False,
    check_permission: bool = True,
) -> Result:
    """Record (or correct) the province's result of an index for a year. A published
    (not simulated) result replaces a simulated one entirely: its per-criterion scores that
    the new recording does not give are removed, so no simulated figure lingers."""
    if check_permission:
        require_manage(actor)
    if not 2000 <= int(year or 0) <= 2100:
        raise InvalidInput(
            f"Năm đánh giá '{year}' không hợp lệ.", code=ReformError.RESULT_YEAR_INVALID
        )
    index = Index.objects.filter(code=index_code).first()
    if index is None:
        raise NotFound(f"Không có chỉ số '{index_code}'.", code=ReformError.INDEX_NOT_FOUND)
    framework = (
        index.frameworks.filter(year__lte=year).order_by("-year").first()
        or index.frameworks.order_by("year").first()
    )
    if framework is None:
        raise InvalidInput("Chỉ số chưa có bộ tiêu chí.", code=ReformError.FRAMEWORK_MISSING)
    nodes = {n.code: n for n in framework.nodes.all()}
    parsed: dict[str, Decimal] = {}
    for code, value in (scores or {}).items():
        node = nodes.get(str(code))
        if node is None:
            raise InvalidInput(
                f"Không có tiêu chí mã '{code}' trong {framework}.", code=ReformError.NODE_UNKNOWN
            )
        number = _decimal(value, f"Tiêu chí {code}")
        if number is None:
            continue
        if number > node.max_points:
            raise InvalidInput(
                f"Tiêu chí {code}: điểm {number} vượt điểm tối đa {node.max_points}.",
                code=ReformError.SCORE_ABOVE_MAX,
            )
        parsed[node.code] = number
    total_value = _decimal(total, "Tổng điểm")
    if total_value is None:
        areas = [
            parsed[n.code] for n in nodes.values() if n.level == NodeLevel.AREA and n.code in parsed
        ]
        if not areas:
            raise InvalidInput(
                "Cần nhập tổng điểm hoặc điểm các lĩnh vực.", code=ReformError.TOTAL_MISSING
            )
        total_value = sum(areas, Decimal("0"))
        if framework.aggregation == Aggregation.MEAN:
            total_value = (total_value / len(areas)).quantize(Decimal("0.001"))
    if total_value > framework.max_total:
        raise InvalidInput(
            f"Tổng điểm {total_value} vượt điểm tối đa {framework.max_total}.",
            code=ReformError.TOTAL_ABOVE_MAX,
        )
    rank_of = rank_of or (63 if year < 2025 else 34)
    if rank is not None and not 1 <= int(rank) <= rank_of:
        raise InvalidInput(f"Xếp hạng phải từ 1 đến {rank_of}.", code=ReformError.RANK_INVALID)
    result, created = Result.objects.update_or_create(
        index=index,
        year=year,
        defaults={
            "framework": framework,
            "total": total_value,
            "rank": rank,
            "rank_of": rank_of,
            "national_average": _decimal(national_average, "Trung bình cả nước"),
            "source": source,
            "simulated": simulated,
        },
    )
    if not simulated and parsed:
        result.scores.exclude(node__code__in=list(parsed)).delete()
    averages = {str(k): _decimal(v, f"TB cả nước {k}") for k, v in (national or {}).items()}
    for code, score in parsed.items():
        NodeScore.objects.update_or_create(
            result=result,
            node=nodes[code],
            defaults={"score": score, "national_average": averages.get(code)},
        )
    event_record(
        subject_type=events.SUBJECT_RESULT,
        subject_id=result.pk,
        action=events.RESULT_RECORDED,
        actor=actor,
        payload={
            "index": index.code,
            "year": year,
            "total": total_value,
            "rank": rank,
            "rank_of": rank_of,
            "scores": {k: str(v) for k, v in parsed.items()},
            "corrected": not created,
            "simulated": simulated,
        },
    )
    return result


@transaction.atomic
def result_import(*, actor, data: bytes, check_permission: bool = True) -> list[Result]:
    """Record the results of a workbook (``results_excel``): one sheet per year (the
    Ministry's published results of several years), all or nothing."""
    from motcua.reform.results_excel import read_results_years

    return [
        result_record(actor=actor, check_permission=check_permission, **kwargs)
        for kwargs in read_results_years(data)
    ]
