"""Seed the per-dossier evaluation (DOMAIN.md §6): 9 indicators of 2 / 1 / 0 points (max 18)
and the unit classification bands as half-open intervals [lower, upper)."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

CODE = "DG-HS"

INDICATORS = [
    (
        "tong_thoi_gian",
        "Tổng thời gian giải quyết hồ sơ so với thời gian quy định",
        ["Trước hạn", "Đúng hạn", "Quá hạn"],
    ),
    (
        "thoi_gian_tung_co_quan",
        "Thời gian thực hiện của từng cơ quan, đơn vị so với thời gian được phân bổ",
        ["Trước hạn", "Đúng hạn", "Quá hạn"],
    ),
    (
        "so_lan_lien_he",
        "Số lần phải liên hệ với nơi tiếp nhận hồ sơ để hoàn thiện hồ sơ",
        ["Không phải bổ sung", "Bổ sung một lần", "Bổ sung nhiều hơn một lần"],
    ),
    (
        "so_co_quan",
        "Số cơ quan, đơn vị, tổ chức phải liên hệ để hoàn thiện hồ sơ",
        ["Một cơ quan (Bộ phận Một cửa)", "Hai cơ quan", "Trên hai cơ quan"],
    ),
    (
        "mot_cua",
        "Thực hiện tiếp nhận hồ sơ và trả kết quả tại Bộ phận Một cửa",
        [
            "Cả tiếp nhận và trả kết quả tại Bộ phận Một cửa",
            "Chỉ tiếp nhận hoặc chỉ trả kết quả tại Bộ phận Một cửa",
            "Không thực hiện tại Bộ phận Một cửa",
        ],
    ),
    (
        "cong_khai",
        "Công khai thủ tục hành chính",
        ["Công khai đầy đủ, đúng quy định", "Công khai chưa đầy đủ", "Không công khai"],
    ),
    (
        "thai_do",
        "Thái độ của cán bộ, công chức, viên chức khi hướng dẫn, tiếp nhận, giải quyết hồ sơ",
        ["Tận tình, chu đáo", "Bình thường", "Gây phiền hà, sách nhiễu"],
    ),
    (
        "phan_anh",
        "Tiếp thu, giải trình đối với các ý kiến phản ánh, kiến nghị",
        [
            "Không có phản ánh hoặc được trả lời đúng hạn",
            "Được trả lời nhưng quá hạn",
            "Không được tiếp thu, trả lời",
        ],
    ),
    (
        "truc_tuyen",
        "Cung cấp dịch vụ công trực tuyến",
        ["Toàn trình", "Một phần", "Không cung cấp trực tuyến"],
    ),
]

BANDS = [  # (label, lower inclusive, upper exclusive) on the unit's average of 18 points
    ("Yếu", None, Decimal(6)),
    ("Trung bình", Decimal(6), Decimal(9)),
    ("Khá", Decimal(9), Decimal(12)),
    ("Tốt", Decimal(12), Decimal(15)),
    ("Xuất sắc", Decimal(15), None),
]


def seed(apps, schema_editor):
    Questionnaire = apps.get_model("surveys", "Questionnaire")
    Indicator = apps.get_model("surveys", "Indicator")
    Band = apps.get_model("surveys", "Band")
    questionnaire = Questionnaire.objects.create(
        code=CODE,
        version=1,
        name="Đánh giá việc giải quyết thủ tục hành chính đối với từng hồ sơ",
        legal_basis=(
            "Thông tư 01/2018/TT-VPCP (chỉ số đánh giá việc giải quyết TTHC); "
            "Nghị định 61/2018/NĐ-CP, 107/2021/NĐ-CP; xếp loại theo quy định của tỉnh"
        ),
        effective_from=dt.date(2018, 8, 21),
    )
    for order, (code, text, labels) in enumerate(INDICATORS, start=1):
        Indicator.objects.create(
            questionnaire=questionnaire,
            order=order,
            code=code,
            text=text,
            choices=[
                {"points": points, "label": label}
                for points, label in zip((2, 1, 0), labels, strict=True)
            ],
        )
    for order, (label, lower, upper) in enumerate(BANDS, start=1):
        Band.objects.create(
            questionnaire=questionnaire, order=order, label=label, lower=lower, upper=upper
        )


def unseed(apps, schema_editor):
    Questionnaire = apps.get_model("surveys", "Questionnaire")
    Questionnaire.objects.filter(code=CODE, version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
