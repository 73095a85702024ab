"""Seed the two one-stop rule sets (data, editable in the admin)."""

import datetime as dt

from django.db import migrations

FORMS_2018 = {
    "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "03": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "04": "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
    "05": "Thông báo dừng giải quyết hồ sơ",
    "06": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    "07": "Sổ theo dõi hồ sơ",
}
FORMS_2025 = {
    **FORMS_2018,
    "04": "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết hồ sơ",
}


def seed(apps, schema_editor):
    RuleSet = apps.get_model("dossiers", "RuleSet")
    RuleSet.objects.update_or_create(
        code="2018",
        defaults={
            "name": "Cơ chế một cửa theo Nghị định 61/2018/NĐ-CP",
            "legal_basis": "Nghị định 61/2018/NĐ-CP (sửa đổi bởi Nghị định 107/2021/NĐ-CP); "
            "Thông tư 01/2018/TT-VPCP",
            "effective_from": dt.date(2018, 6, 21),
            "effective_to": dt.date(2025, 6, 30),
            "code_format": "{electronic_id}-{yymmdd}-{seq:04d}",
            "forms": FORMS_2018,
        },
    )
    RuleSet.objects.update_or_create(
        code="2025",
        defaults={
            "name": "Cơ chế một cửa theo Nghị định 118/2025/NĐ-CP",
            "legal_basis": "Nghị định 118/2025/NĐ-CP; Thông tư 03/2025/TT-VPCP",
            "effective_from": dt.date(2025, 7, 1),
            "effective_to": None,
            "code_format": "{electronic_id}-{yymmdd}-{seq:04d}",
            "forms": FORMS_2025,
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("dossiers", "RuleSet").objects.filter(code__in=["2018", "2025"]).delete()


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
