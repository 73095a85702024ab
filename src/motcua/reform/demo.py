"""Demo data for reform monitoring: frameworks, the 2020 results, plan 359/KH-UBND.

Real figures (Hà Tĩnh, footnote [1] of plan 359/KH-UBND): PAR INDEX 2020 85.31/100, rank
16/63; SIPAS 2020 89.13% (8.92/10), rank 11/63; PAPI 2020 45.005/80, rank 5/63. The plan
publishes no per-area figures, so the demo's PAR INDEX per-criterion scores are SIMULATED:
the 14.69 points lost are spread over the criteria that Appendix II lists as having lost
points, in proportion to their maximum. The source text of each result says so.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from motcua.organization.models import Role, StaffRole
from motcua.reform import services
from motcua.reform.models import Framework, NodeLevel, Task
from motcua.reform.sample_plan import SAMPLE_XLSX

SOURCE = "Kế hoạch số 359/KH-UBND ngày 27/9/2021 của UBND tỉnh Hà Tĩnh, chú thích [1]."
RESULTS_2020 = [
    # index, total, rank, rank_of
    ("par-index", Decimal("85.31"), 16, 63),
    ("sipas", Decimal("89.13"), 11, 63),
    ("papi", Decimal("45.005"), 5, 63),
]
# Criteria that Appendix II of plan 359 names as having lost points in 2020.
PAR_LOST_2020 = [
    "1.5", "1.6", "2.4", "3.4", "4.1", "4.2", "4.3", "5.5", "5.6", "6.1", "6.2", "6.3",
    "6.4", "6.5", "7.1", "7.2", "7.3", "7.4", "7.6", "8.1", "8.2", "8.4",
]  # fmt: skip
Q = Decimal("0.01")


def simulated_par_scores(framework: Framework, total: Decimal) -> dict[str, Decimal]:
    """Per-criterion scores summing to ``total``; losses only where Appendix II lists them."""
    nodes = {n.code: n for n in framework.nodes.all()}
    lost_total = framework.max_total - total
    weight = sum(nodes[c].max_points for c in PAR_LOST_2020)
    scores: dict[str, Decimal] = {}
    remaining = lost_total
    for n, code in enumerate(PAR_LOST_2020):
        node = nodes[code]
        if n == len(PAR_LOST_2020) - 1:
            lost = remaining
        else:
            lost = (lost_total * node.max_points / weight).quantize(Q, ROUND_HALF_UP)
        lost = min(lost, node.max_points)
        remaining -= lost
        scores[code] = node.max_points - lost
    for node in nodes.values():
        if node.level == NodeLevel.CRITERION and node.code not in scores:
            scores[node.code] = node.max_points
    for node in nodes.values():
        if node.level == NodeLevel.AREA:
            scores[node.code] = sum(
                (scores[c.code] for c in nodes.values() if c.parent_id == node.pk), Decimal("0")
            )
    return scores


PROGRESS = [
    ("STP", "Đã ban hành văn bản hướng dẫn nghiệp vụ chứng thực cho cấp huyện, cấp xã.", 100),
    ("SNV", "Đã rà soát, trình UBND tỉnh phương án sắp xếp tổ chức bộ máy các sở.", 60),
    ("STTTT", "Dự thảo Kiến trúc CQĐT phiên bản 2.0 đã lấy ý kiến các sở, ngành.", 70),
    ("VPUBND", "Báo cáo tháng về thực hiện quy chế làm việc đã gửi UBND tỉnh.", 100),
    ("STC", "Đã tham mưu điều chuyển kế hoạch vốn của 12 dự án giải ngân chậm.", 40),
]


def load(*, rng, stdout, options) -> None:
    frameworks = {f.index.code: f for f in services.frameworks_load_shipped()}
    for code, total, rank, rank_of in RESULTS_2020:
        scores, source, simulated = {}, SOURCE, False
        if code == "par-index":
            simulated = True
            scores = simulated_par_scores(frameworks[code], total)
            source += (
                " Điểm từng lĩnh vực, tiêu chí: MÔ PHỎNG cho tỉnh mẫu (văn bản không công bố)."
            )
        services.result_record(
            actor=None, index_code=code, year=2020, total=total, rank=rank, rank_of=rank_of,
            scores=scores, source=source, simulated=simulated, check_permission=False,
        )  # fmt: skip
    preview = services.plan_import(
        actor=None,
        data=SAMPLE_XLSX.read_bytes(),
        filename=SAMPLE_XLSX.name,
        commit=True,
        check_permission=False,
    )
    reported = 0
    for unit_code, text, percent in PROGRESS:
        role = (
            StaffRole.objects.filter(role=Role.REFORM_OFFICER, unit__code=unit_code)
            .select_related("user")
            .first()
        )
        task = Task.objects.filter(plan_id=preview["plan_id"], lead_unit__code=unit_code).first()
        if role is None or task is None:
            continue
        services.task_report_progress(actor=role.user, task=task, text=text, percent=percent)
        reported += 1
    opened = _self_assessment()
    stdout.write(
        f"CCHC: {len(frameworks)} bộ chỉ số, kết quả 2020, kế hoạch 359/KH-UBND "
        f"({preview['task_count']} nhiệm vụ, {reported} báo cáo tiến độ)"
        + (f", tự đánh giá năm {opened.year} ({opened.items.count()} tiêu chí)." if opened else ".")
    )


def _self_assessment():
    """This year's PAR INDEX self-assessment, opened by Sở Nội vụ's reform officer (criteria
    the platform measures are pre-filled from the demo's dossiers and catalog)."""
    import datetime as dt

    from django.utils import timezone

    from motcua.reform.models import Index

    role = (
        StaffRole.objects.filter(role=Role.REFORM_OFFICER, unit__code="SNV")
        .select_related("user")
        .first()
    )
    if role is None:
        return None
    year = timezone.localdate().year
    return services.self_assessment_open(
        actor=role.user, index=Index.objects.get(code="par-index"), year=year,
        deadline=dt.date(year, 12, 15),
    )  # fmt: skip
