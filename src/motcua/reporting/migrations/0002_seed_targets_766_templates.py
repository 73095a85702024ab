"""Seed the indicators and targets of the seeds, the 766 rule set and the report templates.

Sources (seed documents in shared/seeds):
- 000: "Yêu cầu đến năm 2022 phải giảm tỷ lệ hồ sơ đất đai giải quyết trễ hẹn đối với hộ gia
  đình, cá nhân xuống dưới 5%".
- 001: "100% hồ sơ được giải quyết theo quy trình điện tử và được công khai trên Hệ thống thông
  tin giải quyết TTHC tỉnh".
- 002 (Chỉ thị của Chủ tịch UBND tỉnh Nam Định, mục 2.1): số hóa kết quả giải quyết TTHC cấp
  tỉnh, huyện, xã tối thiểu 30%, 20%, 15% năm 2021, mỗi năm tăng tối thiểu 20% đến 100%;
  phân cấp ít nhất 20% TTHC (Nghị quyết 75/NQ-CP ngày 14/7/2021).
- 003 (Kế hoạch 359/KH-UBND ngày 27/9/2021, Hà Tĩnh): SIPAS hài lòng trên 90%; báo cáo CCHC
  định kỳ hằng quý, 6 tháng, năm gửi Sở Nội vụ.
- DOMAIN.md §7: Decision 766/QĐ-TTg groups and thresholds (group weights unconfirmed).
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

LEVELS = ("province", "district", "commune")
ALL = list(LEVELS)

S000 = (
    "Chỉ đạo của Chủ tịch UBND tỉnh về CCHC (tài liệu mẫu 000): đến năm 2022 giảm tỷ lệ hồ sơ "
    "đất đai giải quyết trễ hẹn đối với hộ gia đình, cá nhân xuống dưới 5%"
)
S001 = (
    "Báo cáo CCHC quý I/2024 (tài liệu mẫu 001): 100% hồ sơ được giải quyết theo quy trình "
    "điện tử và được công khai trên Hệ thống thông tin giải quyết TTHC tỉnh"
)
S002 = (
    "Chỉ thị của Chủ tịch UBND tỉnh Nam Định về đẩy mạnh Chương trình tổng thể CCHC giai đoạn "
    "2021-2030 (tài liệu mẫu 002), mục 2.1"
)
S002_PC = S002 + "; Nghị quyết 75/NQ-CP ngày 14/7/2021: phân cấp ít nhất 20% TTHC"
S003 = "Kế hoạch 359/KH-UBND ngày 27/9/2021 của UBND tỉnh Hà Tĩnh (tài liệu mẫu 003), mục I.1.a"

# code, name, formula, filters, direction, levels, public, source, order
INDICATORS = [
    ("dat-dai-tre-han", "Tỷ lệ hồ sơ đất đai của hộ gia đình, cá nhân giải quyết trễ hẹn",
     "late_share", {"fields": ["DD"], "applicant_kind": "person"}, "lower", ALL, True, S000, 10),
    ("quy-trinh-dien-tu", "Tỷ lệ hồ sơ giải quyết theo quy trình điện tử, công khai trên hệ thống",
     "electronic_share", {}, "higher", ALL, True, S001, 20),
    ("so-hoa-ket-qua", "Tỷ lệ số hóa kết quả giải quyết TTHC", "results_digitized_share", {},
     "higher", ALL, True, S002, 30),
    ("phan-cap", "Tỷ lệ TTHC được phân cấp, ủy quyền giải quyết", "decentralised_share", {},
     "higher", ["province"], True, S002_PC, 40),
    ("dung-han", "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn", "on_time_share", {}, "higher",
     ALL, True, "Nghị định 61/2018/NĐ-CP; Nghị định 118/2025/NĐ-CP", 50),
    ("truc-tuyen", "Tỷ lệ hồ sơ nộp trực tuyến", "online_share", {}, "higher", ALL, True,
     "Nghị định 42/2022/NĐ-CP", 60),
    ("truc-tuyen-toan-trinh", "Tỷ lệ hồ sơ trực tuyến toàn trình", "full_online_share", {},
     "higher", ALL, True, "Nghị định 42/2022/NĐ-CP; tài liệu mẫu 001", 70),
    ("thanh-toan-truc-tuyen", "Tỷ lệ hồ sơ thanh toán phí, lệ phí trực tuyến",
     "paid_online_share", {}, "higher", ALL, True, "Tài liệu mẫu 001", 80),
    ("so-hoa-ho-so", "Tỷ lệ số hóa hồ sơ TTHC", "dossiers_digitized_share", {}, "higher", ALL,
     True, "Thông tư 01/2023/TT-VPCP", 90),
    ("phan-anh-dung-han", "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn",
     "feedback_answered_on_time", {}, "higher", ALL, True,
     "Nghị định 20/2008/NĐ-CP (dữ liệu từ ứng dụng phản ánh, kiến nghị khi có)", 100),
    ("hai-long", "Tỷ lệ người dân, tổ chức hài lòng", "satisfied_share", {}, "higher", ALL,
     True, S003, 110),
]  # fmt: skip


def _targets():
    rows = []
    for year in range(2022, 2027):
        for level in LEVELS:
            rows.append(("dat-dai-tre-han", year, level, 5, S000, dt.date(2021, 1, 1)))
    for year in range(2024, 2027):
        for level in LEVELS:
            rows.append(("quy-trinh-dien-tu", year, level, 100, S001, dt.date(2024, 1, 1)))
    base = {"province": 30, "district": 20, "commune": 15}
    for year in range(2021, 2027):
        for level in LEVELS:
            value = min(100, base[level] + 20 * (year - 2021))
            rows.append(("so-hoa-ket-qua", year, level, value, S002, dt.date(2021, 1, 1)))
    for year in range(2021, 2027):
        rows.append(("phan-cap", year, "province", 20, S002_PC, dt.date(2021, 7, 14)))
        for level in LEVELS:
            rows.append(("hai-long", year, level, 90, S003, dt.date(2021, 9, 27)))
    return rows


S766 = (
    "Quyết định 766/QĐ-TTg ngày 23/6/2022 (Bộ chỉ số chỉ đạo, điều hành và đánh giá chất "
    "lượng phục vụ người dân, doanh nghiệp); nhóm và ngưỡng theo DOMAIN.md §7"
)
UNCONFIRMED = "Trọng số nhóm và cách chia điểm trong nhóm chưa đối chiếu văn bản."

# group code, group name, code, name, formula ("" = no data), max, threshold, confirmed, note
CRITERIA = [
    ("CK", "Công khai, minh bạch", "CK1", "TTHC được công bố, công khai đầy đủ",
     "published_share", 9, "1", False, UNCONFIRMED),
    ("CK", "Công khai, minh bạch", "CK2", "Đồng bộ, cập nhật hồ sơ lên Cổng DVC quốc gia đúng hạn",
     "", 9, "1", False, "Chưa có dữ liệu đồng bộ với Cổng Dịch vụ công quốc gia."),
    ("TD", "Tiến độ giải quyết", "TD1", "Hồ sơ giải quyết trước hạn, đúng hạn",
     "progress_766", 14, "1", False,
     "Kết thúc = trạng thái có kết quả; trừ thời gian chờ bổ sung; bổ sung quá 1 lần là quá "
     "hạn; hồ sơ chưa xong đánh giá tại cuối kỳ."),
    ("TD", "Tiến độ giải quyết", "TD2", "Thời gian giải quyết trung bình", "", 6, "1", False,
     "Chưa có quy tắc tính điểm đã xác nhận."),
    ("TT", "Dịch vụ công trực tuyến", "TT1", "TTHC cung cấp dịch vụ công trực tuyến toàn trình",
     "online_procedures_share", 6, "0.8", True, "Đạt tối đa ở 80% (DOMAIN.md §7)."),
    ("TT", "Dịch vụ công trực tuyến", "TT2", "Hồ sơ nộp trực tuyến", "online_share", 6, "0.5",
     True, "Đạt tối đa ở 50% (DOMAIN.md §7)."),
    ("TTT", "Thanh toán trực tuyến", "TTT1", "TTHC có phí cho phép thanh toán trực tuyến",
     "fees_online_share", 5, "1", False, UNCONFIRMED),
    ("TTT", "Thanh toán trực tuyến", "TTT2", "Hồ sơ thanh toán trực tuyến", "paid_online_share",
     5, "1", False, UNCONFIRMED),
    ("SH", "Số hóa hồ sơ", "SH1", "Cấp kết quả giải quyết điện tử", "results_digitized_share", 8,
     "1", False, UNCONFIRMED),
    ("SH", "Số hóa hồ sơ", "SH2", "Số hóa hồ sơ TTHC", "dossiers_digitized_share", 8, "0.8", True,
     "Đạt tối đa ở 80% (DOMAIN.md §7)."),
    ("SH", "Số hóa hồ sơ", "SH3", "Khai thác, sử dụng lại dữ liệu số hóa", "", 6, "1", False,
     "Chưa ghi nhận việc tái sử dụng dữ liệu số hóa."),
    ("HL", "Mức độ hài lòng", "HL1", "100% − tỷ lệ trễ hạn − tỷ lệ phản ánh, kiến nghị",
     "satisfaction_766", 18, "0.9", True,
     "Đạt tối đa ở 90%; cần tỷ lệ phản ánh, kiến nghị (ứng dụng phản ánh chưa có dữ liệu)."),
]  # fmt: skip

FIGURES_QUARTER = [
    "dung-han", "dat-dai-tre-han", "quy-trinh-dien-tu", "so-hoa-ket-qua", "truc-tuyen",
    "truc-tuyen-toan-trinh", "thanh-toan-truc-tuyen", "hai-long",
]  # fmt: skip
TEXT_SECTIONS = [
    ("ket_qua", "Kết quả thực hiện nhiệm vụ cải cách hành chính trong kỳ"),
    ("ton_tai", "Tồn tại, hạn chế và nguyên nhân"),
    ("nhiem_vu", "Nhiệm vụ, giải pháp trọng tâm kỳ tới"),
    ("kien_nghi", "Đề xuất, kiến nghị"),
]


def _sections(figures):
    return [
        {"key": "so_lieu", "title": "Kết quả giải quyết thủ tục hành chính", "kind": "figures",
         "indicators": figures},
        *({"key": k, "title": t, "kind": "text"} for k, t in TEXT_SECTIONS),
    ]  # fmt: skip


S003_REPORTS = (
    "Kế hoạch 359/KH-UBND ngày 27/9/2021 (tài liệu mẫu 003), mục III: báo cáo công tác CCHC "
    "định kỳ hằng quý, 6 tháng, năm gửi Sở Nội vụ tổng hợp"
)
TEMPLATES = [
    ("cchc-quy", "Báo cáo công tác cải cách hành chính quý", "quarter", 10, S003_REPORTS,
     "Sở Nội vụ", FIGURES_QUARTER),
    ("cchc-6-thang", "Báo cáo công tác cải cách hành chính 6 tháng", "half", 10, S003_REPORTS,
     "Sở Nội vụ", FIGURES_QUARTER),
    ("cchc-nam", "Báo cáo công tác cải cách hành chính năm", "year", 15, S003_REPORTS,
     "Sở Nội vụ", FIGURES_QUARTER + ["so-hoa-ho-so"]),
    ("mot-cua-quy", "Báo cáo tình hình, kết quả thực hiện cơ chế một cửa, một cửa liên thông",
     "quarter", 10, "Tài liệu mẫu 001 (báo cáo quý về giải quyết TTHC trên hệ thống)",
     "Văn phòng UBND tỉnh", ["dung-han", "quy-trinh-dien-tu", "truc-tuyen", "thanh-toan-truc-tuyen"]),
]  # fmt: skip


def seed(apps, schema_editor):
    Indicator = apps.get_model("reporting", "Indicator")
    Target = apps.get_model("reporting", "Target")
    RuleSet = apps.get_model("reporting", "IndexRuleSet")
    Criterion = apps.get_model("reporting", "IndexCriterion")
    Template = apps.get_model("reporting", "ReportTemplate")
    by_code = {}
    for code, name, formula, filters, direction, levels, public, source, order in INDICATORS:
        by_code[code] = Indicator.objects.create(
            code=code, name=name, formula=formula, filters=filters, direction=direction,
            levels=levels, public=public, source=source, order=order,
        )  # fmt: skip
    for code, year, level, value, source, since in _targets():
        Target.objects.create(
            indicator=by_code[code], year=year, level=level, value=Decimal(value),
            source=source, effective_from=since,
        )  # fmt: skip
    rule_set = RuleSet.objects.create(
        code="766-2022",
        name="Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)",
        source=S766,
        effective_from=dt.date(2022, 6, 23),
        note=UNCONFIRMED,
    )
    for order, row in enumerate(CRITERIA, start=1):
        group, group_name, code, name, formula, points, threshold, confirmed, note = row
        Criterion.objects.create(
            rule_set=rule_set, group_code=group, group_name=group_name, code=code, name=name,
            formula=formula, max_points=Decimal(points), threshold=Decimal(threshold),
            confirmed=confirmed, note=note, order=order,
        )  # fmt: skip
    for code, name, frequency, due, source, recipient, figures in TEMPLATES:
        Template.objects.create(
            code=code, name=name, frequency=frequency, due_days=due, source=source,
            recipient=recipient, unit_kinds=["department", "district", "commune"],
            sections=_sections(figures),
        )  # fmt: skip


def unseed(apps, schema_editor):
    for model in ("ReportTemplate", "IndexRuleSet", "Indicator"):
        apps.get_model("reporting", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_indicators_index_reports")]

    operations = [migrations.RunPython(seed, unseed)]
