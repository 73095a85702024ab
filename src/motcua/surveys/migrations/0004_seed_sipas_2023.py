"""Seed the SIPAS questionnaire for 2023–2026 (Decision 1001/QĐ-BNV of 11/12/2023).

Confirmed from the brief of issue 18: the five service-delivery factors (access, procedures,
officials, results, handling of feedback). NOT confirmed: the wording of each item below,
which follows the structure of the 2017–2020 SIPAS questionnaire and has not been checked
against the text of Decision 1001/QĐ-BNV; every such question has ``confirmed=False`` and the
form's note says so. The reform officer corrects the wording in a new version before use.
"""

import datetime as dt

from django.db import migrations

CODE = "SIPAS"
SOURCE = (
    "Quyết định số 1001/QĐ-BNV ngày 11/12/2023 của Bộ trưởng Bộ Nội vụ phê duyệt Đề án "
    "đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính "
    "nhà nước giai đoạn 2023–2026"
)
NOTE = (
    "Đã xác nhận: 5 yếu tố cung ứng dịch vụ (tiếp cận dịch vụ, thủ tục hành chính, công chức, "
    "kết quả, tiếp nhận và xử lý góp ý, phản ánh, kiến nghị). Chưa xác nhận: câu chữ từng tiêu "
    "chí (theo cấu trúc phiếu SIPAS 2017–2020), câu hỏi chính sách, mong đợi và công thức chỉ "
    "số (mặc định: tỷ lệ hài lòng + rất hài lòng, bình quân các yếu tố)."
)

# (section code, kind, title, [(question code, kind, text, choices, required)])
SECTIONS = [
    (
        "thong_tin",
        "profile",
        "Thông tin chung về người trả lời",
        [
            ("gioi_tinh", "single", "Giới tính", ["Nam", "Nữ"], False),
            (
                "do_tuoi",
                "single",
                "Độ tuổi",
                ["Dưới 25", "Từ 25 đến 40", "Từ 41 đến 60", "Trên 60"],
                False,
            ),
        ],
    ),
    (
        "tiep_can",
        "factor",
        "Tiếp cận dịch vụ",
        [
            ("tc1", "scale5", "Nơi ngồi chờ có đủ chỗ ngồi", [], True),
            ("tc2", "scale5", "Trang thiết bị phục vụ người dân, tổ chức đầy đủ", [], True),
            ("tc3", "scale5", "Trang thiết bị phục vụ hiện đại, dễ sử dụng", [], True),
        ],
    ),
    (
        "thu_tuc",
        "factor",
        "Thủ tục hành chính",
        [
            ("tt1", "scale5", "Thủ tục hành chính được niêm yết công khai đầy đủ, chính xác", [], True),
            ("tt2", "scale5", "Thành phần hồ sơ phải nộp đúng quy định", [], True),
            ("tt3", "scale5", "Phí, lệ phí phải nộp đúng quy định", [], True),
            ("tt4", "scale5", "Thời hạn giải quyết đúng quy định", [], True),
        ],
    ),
    (
        "cong_chuc",
        "factor",
        "Công chức trực tiếp giải quyết công việc",
        [
            ("cc1", "scale5", "Công chức có thái độ giao tiếp lịch sự", [], True),
            ("cc2", "scale5", "Công chức chú ý lắng nghe ý kiến của người dân, tổ chức", [], True),
            ("cc3", "scale5", "Công chức hướng dẫn kê khai hồ sơ tận tình, dễ hiểu", [], True),
            ("cc4", "scale5", "Công chức tuân thủ đúng quy định trong giải quyết công việc", [], True),
        ],
    ),
    (
        "ket_qua",
        "factor",
        "Kết quả cung ứng dịch vụ",
        [
            ("kq1", "scale5", "Kết quả đúng quy định", [], True),
            ("kq2", "scale5", "Kết quả có thông tin đầy đủ, chính xác", [], True),
        ],
    ),
    (
        "gop_y",
        "factor",
        "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị",
        [
            ("gy1", "scale5", "Có bố trí hình thức tiếp nhận góp ý, phản ánh, kiến nghị", [], True),
            ("gy2", "scale5", "Góp ý, phản ánh, kiến nghị được tiếp nhận, xử lý tích cực", [], False),
            ("gy3", "scale5", "Kết quả xử lý được thông báo kịp thời", [], False),
        ],
    ),
    (
        "mong_doi",
        "expectation",
        "Mong đợi của người dân, tổ chức",
        [
            ("md1", "expect3", "Mở rộng hình thức thông tin, tuyên truyền về thủ tục hành chính", [], False),
            ("md2", "expect3", "Tăng cường giải quyết thủ tục hành chính trực tuyến", [], False),
            (
                "md_nhieu",
                "multiple",
                "Những nội dung cần ưu tiên cải thiện",
                ["Tiếp cận dịch vụ", "Thủ tục hành chính", "Công chức", "Kết quả", "Góp ý, phản ánh"],
                False,
            ),
        ],
    ),
    ("y_kien", "other", "Ý kiến khác", [("y_kien", "text", "Ý kiến khác của Ông/Bà", [], False)]),
]


def seed(apps, schema_editor):
    Form = apps.get_model("surveys", "SurveyForm")
    Section = apps.get_model("surveys", "SurveySection")
    Question = apps.get_model("surveys", "SurveyQuestion")
    form = Form.objects.create(
        code=CODE,
        version=1,
        name="Phiếu khảo sát sự hài lòng của người dân, tổ chức (SIPAS 2023–2026)",
        source=SOURCE,
        note=NOTE,
        effective_from=dt.date(2023, 12, 11),
    )
    for s_order, (s_code, kind, title, questions) in enumerate(SECTIONS, start=1):
        section = Section.objects.create(
            form=form, order=s_order, code=s_code, title=title, kind=kind
        )
        for q_order, (q_code, q_kind, text, choices, required) in enumerate(questions, start=1):
            Question.objects.create(
                section=section,
                order=q_order,
                code=q_code,
                text=text,
                kind=q_kind,
                choices=[{"value": str(i), "label": c} for i, c in enumerate(choices, start=1)],
                required=required,
                confirmed=False,
            )


def unseed(apps, schema_editor):
    Form = apps.get_model("surveys", "SurveyForm")
    Form.objects.filter(code=CODE, version=1, responses__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0003_sipas_forms")]

    operations = [migrations.RunPython(seed, unseed)]
