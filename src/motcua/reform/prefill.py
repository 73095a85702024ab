"""Self-assessment criteria the platform can measure, pre-filled from its own data.

One function per measure, each returning the value, what it counts and the query behind it
(shown next to the score, so the evidence is the data). Feedback handled on time reads the
feedback app's ``feedback_stats`` (its total row). The first four read the dossiers and
catalog selectors directly (written before the reporting app's indicators were merged);
``results_digitized`` already reads reporting's formula registry (``_reporting``), and the
others can move to it one by one — the rest of the reform app only sees ``MEASURES``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef
from django.urls import reverse

from motcua.core.text import fold


@dataclass(frozen=True)
class Measured:
    code: str
    label: str
    value: Decimal  # a share in [0, 1]
    numerator: int
    denominator: int
    query: str  # the query behind the number, in words and code
    link: str  # the platform page showing the same figure

    @property
    def percent(self) -> Decimal:
        return (self.value * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _share(num: int, den: int) -> Decimal:
    return (Decimal(num) / Decimal(den)).quantize(Decimal("0.0001")) if den else Decimal(0)


def _year_stats(year: int) -> dict:
    from motcua.dossiers.selectors import StatsFilters, dossier_stats

    filters = StatsFilters(date_from=dt.date(year, 1, 1), date_to=dt.date(year, 12, 31))
    return dossier_stats(filters=filters)[0]


def _stats_link(year: int) -> str:
    return reverse("dossiers:stats") + f"?from={year}-01-01&to={year}-12-31&group_by=unit"


def on_time_rate(year: int) -> Measured:
    """Dossiers received in the year and resolved early or on time / all resolved."""
    row = _year_stats(year)
    on_time = row["resolved_early"] + row["resolved_on_time"]
    return Measured(
        code="on_time_rate",
        label="Tỷ lệ hồ sơ giải quyết đúng hạn",
        value=_share(on_time, row["resolved"]),
        numerator=on_time,
        denominator=row["resolved"],
        query=(
            f"dossiers.selectors.dossier_stats(StatsFilters(date_from=01/01/{year}, "
            f"date_to=31/12/{year})): (giải quyết trước hạn + đúng hạn) / đã giải quyết, "
            "trạng thái đọc từ sổ cái tại cuối kỳ"
        ),
        link=_stats_link(year),
    )


def online_share(year: int) -> Measured:
    """Dossiers received online in the year / all dossiers received."""
    row = _year_stats(year)
    return Measured(
        code="online_share",
        label="Tỷ lệ hồ sơ nộp trực tuyến",
        value=_share(row["online"], row["received"]),
        numerator=row["online"],
        denominator=row["received"],
        query=(
            f"dossiers.selectors.dossier_stats(StatsFilters(date_from=01/01/{year}, "
            f"date_to=31/12/{year})): hồ sơ kênh trực tuyến / hồ sơ tiếp nhận"
        ),
        link=_stats_link(year),
    )


def published_procedures(year: int) -> Measured:
    """Procedures in force that publish their dossier components / procedures in force."""
    from motcua.catalog.models import DossierComponent, Procedure, ProcedureStatus

    active = Procedure.objects.filter(status=ProcedureStatus.ACTIVE)
    published = active.filter(Exists(DossierComponent.objects.filter(procedure=OuterRef("pk"))))
    return Measured(
        code="published_procedures",
        label="Thủ tục đang hiệu lực được công khai đủ thành phần hồ sơ",
        value=_share(published.count(), active.count()),
        numerator=published.count(),
        denominator=active.count(),
        query=(
            "catalog.Procedure(status=active) có ít nhất một DossierComponent / "
            "catalog.Procedure(status=active)"
        ),
        link="/thu-tuc/",
    )


def internal_processes(year: int) -> Measured:
    """Procedures in force with an approved internal process in force on 31/12 of the year."""
    from motcua.catalog.models import InternalProcess, Procedure, ProcedureStatus

    end = dt.date(year, 12, 31)
    active = Procedure.objects.filter(status=ProcedureStatus.ACTIVE)
    processes = InternalProcess.objects.filter(
        procedure=OuterRef("pk"), withdrawn_at__isnull=True, effective_from__lte=end
    )
    with_process = active.filter(Exists(processes)).count()
    return Measured(
        code="internal_processes",
        label="Thủ tục có quy trình nội bộ được phê duyệt",
        value=_share(with_process, active.count()),
        numerator=with_process,
        denominator=active.count(),
        query=(
            "catalog.Procedure(status=active) có InternalProcess (không ngừng áp dụng, "
            f"áp dụng từ ≤ 31/12/{year}) / catalog.Procedure(status=active)"
        ),
        link="/thu-tuc/",
    )


def _reporting(formula_code: str, year: int) -> tuple[int, int, str, str]:
    """(numerator, denominator, label, source) of a reporting indicator over the year, all
    units together: the reporting app's own formula, so the two pages agree."""
    from motcua.core.periods import parse_period
    from motcua.reporting.formulas import get

    formula = get(formula_code)
    start, end = parse_period("year", dt.date(year, 1, 1)).window
    counts = formula.counts(start, end, {})
    num = sum(n for n, _ in counts.values())
    den = sum(d for _, d in counts.values())
    return num, den, str(formula.label), formula.source


def results_digitized(year: int) -> Measured:
    """Results of the year with an electronic result file (reporting's indicator)."""
    num, den, label, source = _reporting("results_digitized_share", year)
    return Measured(
        code="results_digitized",
        label=label,
        value=_share(num, den),
        numerator=num,
        denominator=den,
        query=f"reporting.formulas 'results_digitized_share', năm {year}: {source}",
        link=f"/thong-ke/?period=year&date={year}-01-01",
    )


def feedback_on_time(year: int) -> Measured:
    """Feedback (phản ánh, kiến nghị) answered on time / answered in the year, all units: the
    total row of the feedback app's own statistics, so the two pages agree."""
    from motcua.feedback.stats import feedback_stats

    total = feedback_stats(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))["total"]
    return Measured(
        code="feedback_on_time",
        label="Tỷ lệ phản ánh, kiến nghị được trả lời đúng hạn",
        value=_share(total.answered_on_time, total.answered),
        numerator=total.answered_on_time,
        denominator=total.answered,
        query=(
            f"feedback.stats.feedback_stats(start=01/01/{year}, end=31/12/{year}), dòng tổng: "
            "trả lời đúng hạn / (đúng hạn + trễ hạn); đúng hạn khi duyệt trả lời không muộn hơn "
            "hạn xử lý của lượt theo lịch làm việc"
        ),
        link=f"/phan-anh/can-bo/thong-ke/?tu={year}-01-01&den={year}-12-31",
    )


#: The SIPAS framework's five factors (nodes "1"–"5") in the order of the surveys app's factor
#: sections (access, procedures, officials, results, feedback): position gives the match.
SIPAS_FACTOR_NODES = ("1", "2", "3", "4", "5")


def survey_factors(year: int) -> dict[str, Measured]:
    """The province's own SIPAS survey over the year, per factor (node code → share of
    satisfied or very satisfied answers, all units together): the surveys app's
    ``survey_index``, summed over units. Empty when no survey form was in force that year."""
    from motcua.core.errors import NotFound
    from motcua.surveys.selectors import survey_form_in_force, survey_index

    try:
        form = survey_form_in_force(on=dt.date(year, 12, 31))
    except NotFound:
        return {}
    rows = survey_index(form=form, date_from=dt.date(year, 1, 1), date_to=dt.date(year, 12, 31))
    titles: dict[str, str] = {}
    sums: dict[str, list[int]] = {}
    for row in rows:
        for factor in row.factors:
            titles[factor.code] = factor.title
            pair = sums.setdefault(factor.code, [0, 0])
            pair[0] += factor.satisfied
            pair[1] += factor.answers
    link = reverse("surveys:sipas_index", args=[form.code]) + f"?period=year&date={year}-01-01"
    out = {}
    for node_code, (code, (ok, n)) in zip(SIPAS_FACTOR_NODES, sums.items(), strict=False):
        out[node_code] = Measured(
            code=f"sipas_{code}",
            label=f"Khảo sát SIPAS của tỉnh: {titles[code]}",
            value=_share(ok, n),
            numerator=ok,
            denominator=n,
            query=(
                f"surveys.selectors.survey_index(form={form.code} v{form.version}, "
                f"date_from=01/01/{year}, date_to=31/12/{year}), cộng mọi đơn vị: câu trả lời "
                f"hài lòng, rất hài lòng / câu trả lời thang 5 mức của yếu tố «{titles[code]}»"
            ),
            link=link,
        )
    return out


MEASURES: dict[str, Callable[[int], Measured]] = {
    "on_time_rate": on_time_rate,
    "online_share": online_share,
    "published_procedures": published_procedures,
    "internal_processes": internal_processes,
    "results_digitized": results_digitized,
    "feedback_on_time": feedback_on_time,
}

# Which criterion of the framework a measure fills, by words of the criterion's name.
_RULES: list[tuple[tuple[str, ...], str]] = [
    (("ty le ho so", "dung han"), "on_time_rate"),
    (("truc tuyen", "phat sinh ho so"), "online_share"),
    (("cong khai thu tuc hanh chinh",), "published_procedures"),
    (("mot cua",), "internal_processes"),
    (("so hoa",), "results_digitized"),
    (("phan anh", "kien nghi"), "feedback_on_time"),
]


def measure_for(node_name: str) -> str:
    name = fold(node_name)
    for words, code in _RULES:
        if all(w in name for w in words):
            return code
    return ""


def suggested_score(max_points: Decimal, measured: Measured) -> Decimal:
    """The maximum scaled by the measured share (a suggestion the unit may change)."""
    return (max_points * measured.value).quantize(Decimal("0.01"), ROUND_HALF_UP)
