"""The computations an indicator or a 766 criterion may use, as a registry.

A formula is a *ratio*: a population of rows (dossiers, procedures, ratings) selected for a
time window ``[start, end)`` and the part of it that counts (the numerator). Counting and
drill-down read the same population, so the list behind a figure always adds up to it.

Every time test reads the events' own timestamps (received_at, finished_at, closed_at …, set
by the services from the recorded events), never today's status, so a past period gives the
same figure today as on the day after it ended.

Hook for apps below reporting (e.g. ``feedback``): an app may ship a module
``report_formulas.py`` with ``FORMULAS = [{"code", "label", "source", "counts"}]`` where
``counts(start, end, filters) -> {unit_id: (numerator, denominator)}`` (and optionally
``"counts_many"``: ``counts_many(windows, filters) -> [counts of each window]``, one query
for a trend's periods). ``ReportingConfig.ready``
imports those modules (``autodiscover``) and registers them here; the lower app never imports
reporting.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from motcua.catalog.models import FeeItem, OnlineType, Procedure, ProcedureStatus, PublicationEntry
from motcua.dossiers.models import Channel, Classification, Decision, Dossier
from motcua.ledger.models import Event
from motcua.payments.models import Payment, PaymentStatus
from motcua.surveys.models import Overall, Rating

Counts = dict[int | str, tuple[int, int]]  # unit id (or unit kind, for catalog rows) → (num, den)


@dataclass(frozen=True)
class Formula:
    code: str
    label: str
    source: str  # what rows it reads, in Vietnamese
    kind: str  # "dossier" | "procedure" | "rating" | "external"
    population: Callable[[dt.datetime, dt.datetime, dict], QuerySet] | None = None
    numerator: Callable[[dt.datetime, dt.datetime], Q] | None = None
    group: str = "competent_unit_id"  # the field counts are grouped by
    external: Callable[[dt.datetime, dt.datetime, dict], Counts] | None = None
    # read from the maintained aggregates: (denominator column, numerator column,
    # extra filter on the numerator, the timestamp that places a dossier on a day)
    daily: tuple[str, str, Q | None, str] | None = None
    # plus the open-at-end snapshot (``OpenCount``): (denominator column, numerator column)
    snapshot: tuple[str, str | None] | None = None
    # the same counts for every window (the catalog's state today): counted once per Counter
    timeless: bool = False
    # an external formula's counts for several windows at once (``[Counts per window]``)
    external_many: Callable[[list, dict], list[Counts]] | None = None

    def counts(self, start: dt.datetime, end: dt.datetime, filters: dict) -> Counts:
        """(numerator, denominator) per unit id — or per unit kind for catalog formulas."""
        if self.external is not None:
            return self.external(start, end, filters)
        qs = self.population(start, end, filters)
        rows = qs.values(self.group).annotate(
            den=Count("pk"), num=Count("pk", filter=self.numerator(start, end))
        )
        return {r[self.group]: (r["num"], r["den"]) for r in rows.order_by()}


FORMULAS: dict[str, Formula] = {}


def register(formula: Formula) -> Formula:
    FORMULAS[formula.code] = formula
    return formula


def get(code: str) -> Formula | None:
    return FORMULAS.get(code)


def choices() -> list[tuple[str, str]]:
    return [(f.code, f.label) for f in FORMULAS.values()]


# ---------------------------------------------------------------- dossier populations


def _dossiers(filters: dict) -> QuerySet[Dossier]:
    qs = Dossier.objects.all()
    if filters.get("fields"):
        qs = qs.filter(procedure__field__code__in=filters["fields"])
    if filters.get("procedures"):
        qs = qs.filter(procedure__code__in=filters["procedures"])
    if filters.get("applicant_kind"):
        qs = qs.filter(applicant_kind=filters["applicant_kind"])
    return qs


def finished_in(start, end) -> Q:
    """Processing ended (result ready: approved or refused) in the window."""
    return Q(finished_at__gte=start, finished_at__lt=end)


def received_in(start, end) -> Q:
    return Q(received_at__gte=start, received_at__lt=end)


def open_at(end) -> Q:
    """Received before ``end`` and neither finished nor closed by then."""
    return (
        Q(received_at__lt=end)
        & (Q(finished_at__isnull=True) | Q(finished_at__gte=end))
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))
    )


def paused_at(end) -> Q:
    """Waiting for the applicant (supplement) or for fees at ``end``: the clock stood still."""
    from motcua.dossiers.models import Pause

    pauses = Pause.objects.filter(dossier=OuterRef("pk"), started_at__lt=end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=end)
    )
    return Q(Exists(pauses))


def overdue_at(end) -> Q:
    """Open at ``end``, not paused then, and past its due time (paused time is added to
    due_at when the clock resumes)."""
    return open_at(end) & Q(due_at__lt=end) & ~paused_at(end)


GOOD = (Classification.EARLY, Classification.ON_TIME)


def _finished(start, end, filters):
    return _dossiers(filters).filter(finished_in(start, end))


def _received(start, end, filters):
    return _dossiers(filters).filter(received_in(start, end))


register(
    Formula(
        "late_share",
        "Tỷ lệ hồ sơ giải quyết quá hạn",
        "Hồ sơ có kết quả trong kỳ; phần quá hạn",
        "dossier",
        _finished,
        lambda s, e: Q(classification=Classification.LATE),
        daily=("finished", "finished_late", None, "finished_at"),
    )
)
register(
    Formula(
        "on_time_share",
        "Tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn",
        "Hồ sơ có kết quả trong kỳ; phần trước hạn và đúng hạn",
        "dossier",
        _finished,
        lambda s, e: Q(classification__in=GOOD),
        daily=("finished", "finished_good", None, "finished_at"),
    )
)
register(
    Formula(
        "progress_766",
        "Tiến độ giải quyết (quy tắc Quyết định 766)",
        "Hồ sơ có kết quả trong kỳ và hồ sơ chưa xong đã quá hạn tại cuối kỳ; phần trước hạn,"
        " đúng hạn (thời gian chờ bổ sung không tính; bổ sung quá 1 lần là quá hạn)",
        "dossier",
        lambda s, e, f: _dossiers(f).filter(finished_in(s, e) | overdue_at(e)),
        lambda s, e: finished_in(s, e) & Q(classification__in=GOOD),
        daily=("finished", "finished_good", None, "finished_at"),
        snapshot=("overdue", None),
    )
)

register(
    Formula(
        "open_overdue_share",
        "Tỷ lệ hồ sơ đang giải quyết đã quá hạn tại cuối kỳ",
        "Hồ sơ đã tiếp nhận, chưa có kết quả và chưa đóng tại cuối kỳ; phần đã quá hạn"
        " (không tính hồ sơ đang chờ bổ sung)",
        "dossier",
        lambda s, e, f: _dossiers(f).filter(open_at(e)),
        lambda s, e: overdue_at(e),
        snapshot=("open", "overdue"),
    )
)


def _late_entries():
    return Event.objects.filter(
        subject_type="dossier", subject_id=OuterRef("code"), action="dossier.late_entry"
    )


register(
    Formula(
        "electronic_share",
        "Tỷ lệ hồ sơ giải quyết theo quy trình điện tử, công khai trên hệ thống",
        "Hồ sơ có kết quả trong kỳ; phần có mọi bước ghi nhận đúng lúc trên hệ thống"
        " (không có lần nhập bù thông tin)",
        "dossier",
        _finished,
        lambda s, e: ~Q(Exists(_late_entries())),
        daily=("finished", "finished_no_late_entry", None, "finished_at"),
    )
)
register(
    Formula(
        "online_share",
        "Tỷ lệ hồ sơ nộp trực tuyến",
        "Hồ sơ tiếp nhận trong kỳ; phần nộp trực tuyến",
        "dossier",
        _received,
        lambda s, e: Q(channel=Channel.ONLINE),
        daily=("received", "received", Q(channel=Channel.ONLINE), "received_at"),
    )
)
register(
    Formula(
        "full_online_share",
        "Tỷ lệ hồ sơ trực tuyến toàn trình",
        "Hồ sơ tiếp nhận trong kỳ; phần nộp trực tuyến của thủ tục toàn trình",
        "dossier",
        _received,
        lambda s, e: Q(channel=Channel.ONLINE, procedure__online_type=OnlineType.FULL),
        daily=(
            "received",
            "received",
            Q(channel=Channel.ONLINE, procedure__online_type=OnlineType.FULL),
            "received_at",
        ),
    )
)


def _paid_online():
    return Payment.objects.filter(dossier=OuterRef("pk"), status=PaymentStatus.PAID)


register(
    Formula(
        "paid_online_share",
        "Tỷ lệ hồ sơ thanh toán trực tuyến",
        "Hồ sơ tiếp nhận trong kỳ có phí, lệ phí; phần đã thanh toán qua cổng thanh toán",
        "dossier",
        lambda s, e, f: _received(s, e, f).filter(fee_due__gt=0),
        lambda s, e: Q(Exists(_paid_online())),
        daily=("received_fee", "received_paid_online", None, "received_at"),
    )
)
register(
    Formula(
        "results_digitized_share",
        "Tỷ lệ số hóa kết quả giải quyết TTHC",
        "Hồ sơ được giải quyết (có văn bản kết quả) trong kỳ; phần có tệp kết quả điện tử",
        "dossier",
        lambda s, e, f: _finished(s, e, f).filter(decision=Decision.APPROVED),
        lambda s, e: ~Q(result_file=""),
        daily=("finished_approved", "finished_result_file", None, "finished_at"),
    )
)


def _paper_items():
    from motcua.dossiers.models import ChecklistItem

    return ChecklistItem.objects.filter(dossier=OuterRef("pk"), provided=True, file="")


register(
    Formula(
        "dossiers_digitized_share",
        "Tỷ lệ số hóa hồ sơ TTHC",
        "Hồ sơ tiếp nhận trong kỳ; phần mọi giấy tờ đã nộp đều có bản số hóa",
        "dossier",
        _received,
        lambda s, e: ~Q(Exists(_paper_items())),
        daily=("received", "received_digitized", None, "received_at"),
    )
)

# ---------------------------------------------------------------- ratings


def _ratings(start, end, filters):
    qs = Rating.objects.filter(created_at__gte=start, created_at__lt=end)
    if filters.get("fields"):
        qs = qs.filter(dossier__procedure__field__code__in=filters["fields"])
    return qs


register(
    Formula(
        "satisfied_share",
        "Tỷ lệ hài lòng của người dân, tổ chức",
        "Phiếu đánh giá nhận trong kỳ; phần hài lòng và rất hài lòng",
        "rating",
        _ratings,
        lambda s, e: Q(overall__in=(Overall.SATISFIED, Overall.VERY_SATISFIED)),
        group="unit_id",
    )
)

# ---------------------------------------------------------------- catalog (per unit kind)


def _procedures(start, end, filters):
    """Procedures in force at the end of the window (the catalog keeps no earlier state)."""
    return Procedure.objects.filter(status=ProcedureStatus.ACTIVE)


register(
    Formula(
        "decentralised_share",
        "Tỷ lệ TTHC được phân cấp, ủy quyền giải quyết",
        "Thủ tục đang hiệu lực; phần được phân cấp hoặc ủy quyền",
        "procedure",
        _procedures,
        lambda s, e: Q(decentralised=True) | Q(delegated=True),
        group="competent_unit_kind",
        timeless=True,
    )
)
register(
    Formula(
        "published_share",
        "Tỷ lệ TTHC được công bố, công khai",
        "Thủ tục đang hiệu lực; phần có quyết định công bố",
        "procedure",
        _procedures,
        lambda s, e: Q(
            Exists(PublicationEntry.objects.filter(procedure=OuterRef("pk"), decision__date__lt=e))
        ),
        group="competent_unit_kind",
    )
)
register(
    Formula(
        "online_procedures_share",
        "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến toàn trình",
        "Thủ tục đang hiệu lực; phần trực tuyến toàn trình",
        "procedure",
        _procedures,
        lambda s, e: Q(online_type=OnlineType.FULL),
        group="competent_unit_kind",
        timeless=True,
    )
)
register(
    Formula(
        "fees_online_share",
        "Tỷ lệ TTHC có phí, lệ phí được thanh toán trực tuyến",
        "Thủ tục đang hiệu lực có phí, lệ phí; phần trực tuyến toàn trình (nộp phí qua cổng)",
        "procedure",
        lambda s, e, f: _procedures(s, e, f).filter(
            Exists(FeeItem.objects.filter(procedure=OuterRef("pk")))
        ),
        lambda s, e: Q(online_type=OnlineType.FULL),
        group="competent_unit_kind",
        timeless=True,
    )
)


# ---------------------------------------------------------------- the hook


def autodiscover() -> list[str]:
    """Register the ``FORMULAS`` of every installed app's ``report_formulas`` module."""
    found = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.report_formulas")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.report_formulas":
                raise
            continue
        for spec in getattr(module, "FORMULAS", []):
            register(
                Formula(
                    spec["code"],
                    spec["label"],
                    spec.get("source", ""),
                    "external",
                    external=spec["counts"],
                    external_many=spec.get("counts_many"),
                )
            )
            found.append(spec["code"])
    return found
