"""Open data: the public indicators and the 766 index per unit and period, as CSV and JSON.

Aggregates only (counts and rates per unit), never a dossier or a person. A stable URL per
period (``/thong-ke/du-lieu-mo/2026-Q1/chi-tieu.csv``); answers are cached for a few minutes
and each client is limited to ``MOTCUA_OPEN_DATA_LIMIT`` requests a minute (default 30).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from motcua.core.db import using_replica
from motcua.core.errors import DomainError
from motcua.core.periods import Period
from motcua.core.throttle import over_limit
from motcua.organization.models import UnitKind
from motcua.reporting import exports
from motcua.reporting.errors import ReportingError
from motcua.reporting.index766 import index_score
from motcua.reporting.scorecard import (
    Counter,
    Row,
    light,
    ranked_units,
    unit_level,
)

CACHE_SECONDS = 300


class TooManyRequests(DomainError):
    code = ReportingError.RATE_LIMITED
    status = 429
    default_message = "Bạn đã tải dữ liệu quá nhiều lần. Vui lòng thử lại sau một phút."


def open_data_throttle(*, client: str, now: float | None = None) -> None:
    """Count one download; refuse past the limit per client and minute (cache counter:
    atomic with Redis, per process with the local-memory default)."""
    limit = getattr(settings, "MOTCUA_OPEN_DATA_LIMIT", 30)
    minute = int((now or time.time()) // 60)
    key = f"reporting:open:{client or '?'}:{minute}"
    if over_limit(key, limit=limit, window=120):
        raise TooManyRequests()


def _units(period: Period, counter: Counter) -> list:
    return [counter.scopes.root(), *ranked_units(period)]


def indicator_rows(period: Period) -> list[dict]:
    counter = Counter()
    cards = []
    for unit in _units(period, counter):
        level = unit_level(unit)
        rows = []
        for ind in counter.indicators(level, public_only=True):
            value = counter.value(ind.formula, ind.filters, period, unit.pk)
            target = counter.target(ind, level, period.start.year)
            rows.append(
                Row(ind, value, target, light(ind, value.percent if value else None, target))
            )
        cards.append((unit, rows))
    return exports.open_rows(period=period, cards=cards)


INDEX_COLUMNS = [
    ("period", "Kỳ"),
    ("unit_code", "Mã đơn vị"),
    ("unit_name", "Tên đơn vị"),
    ("criterion", "Mã tiêu chí"),
    ("criterion_name", "Tiêu chí"),
    ("group", "Nhóm"),
    ("numerator", "Tử số"),
    ("denominator", "Mẫu số"),
    ("rate", "Tỷ lệ (0–1), trống nếu chưa có dữ liệu"),
    ("points", "Điểm"),
    ("max_points", "Điểm tối đa"),
    ("threshold", "Ngưỡng đạt tối đa (0–1)"),
    ("confirmed", "Quy tắc đã đối chiếu văn bản"),
]


def index_rows(period: Period) -> list[dict]:
    counter = Counter()
    out = []
    for unit in _units(period, counter):
        if unit.kind == UnitKind.SERVICE_CENTRE:
            continue
        score = index_score(unit=unit, period=period, counter=counter)
        for c in score.criteria:
            d = c.as_dict()
            out.append({
                "period": period.key, "unit_code": unit.code, "unit_name": unit.name,
                "criterion": d["code"], "criterion_name": d["name"], "group": d["group"],
                "numerator": d["numerator"], "denominator": d["denominator"],
                "rate": None if d["rate"] is None else round(d["rate"], 4),
                "points": d["points"], "max_points": d["max_points"],
                "threshold": d["threshold"], "confirmed": d["confirmed"],
            })  # fmt: skip
    return out


STATS_COLUMNS = [
    ("period", "Kỳ"),
    ("unit_code", "Mã đơn vị"),
    ("unit_name", "Tên đơn vị"),
    ("received", "Hồ sơ tiếp nhận trong kỳ"),
    ("finished", "Hồ sơ có kết quả trong kỳ"),
    ("good", "— trước hạn, đúng hạn"),
    ("late", "— quá hạn"),
    ("open", "Đang giải quyết tại cuối kỳ"),
    ("overdue", "— đã quá hạn tại cuối kỳ"),
    ("online", "Nộp trực tuyến"),
]


def stats_rows(period: Period) -> list[dict]:
    from motcua.reporting.reports import unit_period_stats

    counter = Counter()
    out = []
    for unit in _units(period, counter):
        counts = {r["key"]: r["value"] for r in unit_period_stats(unit=unit, period=period,
                                                                   counter=counter)}  # fmt: skip
        out.append({"period": period.key, "unit_code": unit.code, "unit_name": unit.name,
                    **counts})  # fmt: skip
    return out


DATASETS = {
    "thong-ke": (stats_rows, STATS_COLUMNS),
    "chi-tieu": (indicator_rows, exports.OPEN_COLUMNS),
    "chi-so-766": (index_rows, INDEX_COLUMNS),
}


def dataset(name: str, period: Period, fmt: str) -> bytes:
    """The bytes of one dataset (``chi-tieu`` or ``chi-so-766``) as ``csv`` or ``json``."""
    import csv
    import io
    import json

    key = f"reporting:dataset:{name}:{period.key}:{fmt}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    build, columns = DATASETS[name]
    with using_replica():  # aggregates only; a few seconds of lag do not matter
        rows = build(period)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=[k for k, _ in columns])
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
        body = ("\ufeff" + buffer.getvalue()).encode()
    else:
        body = json.dumps(
            {
                "period": period.as_dict() | {"key": period.key},
                "columns": [{"key": k, "label": label} for k, label in columns],
                "rows": rows,
            },
            ensure_ascii=False,
        ).encode()
    cache.set(key, body, CACHE_SECONDS)
    return body
