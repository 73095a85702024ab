"""Per-dossier satisfaction (DOMAIN.md §6): a versioned questionnaire of indicators worth
2 / 1 / 0 points, the overall satisfaction, and classification bands as half-open intervals.

Questionnaires, indicators and bands are data (seeded by a data migration, editable in the
admin); ratings are written only by ``surveys.services``.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Questionnaire(models.Model):
    code = models.CharField(_("mã bộ câu hỏi"), max_length=30)
    version = models.PositiveIntegerField(_("phiên bản"))
    name = models.CharField(_("tên"), max_length=255)
    legal_basis = models.CharField(_("căn cứ"), max_length=500, blank=True)
    effective_from = models.DateField(_("áp dụng từ"))
    effective_to = models.DateField(_("áp dụng đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("bộ câu hỏi đánh giá")
        verbose_name_plural = _("bộ câu hỏi đánh giá")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="questionnaire_version"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="questionnaire_valid_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (phiên bản {self.version})"

    @property
    def max_points(self) -> int:
        return sum(i.max_points for i in self.indicators.all())

    def band_for(self, score) -> Band | None:
        for band in self.bands.all():
            if band.contains(score):
                return band
        return None


class Indicator(models.Model):
    """One evaluation indicator; ``choices`` is a list of {"points": 2, "label": "…"}."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="indicators"
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    code = models.SlugField(_("mã chỉ số"), max_length=40)
    text = models.CharField(_("nội dung"), max_length=500)
    choices = models.JSONField(_("các mức"), default=list)

    class Meta:
        verbose_name = _("chỉ số đánh giá")
        verbose_name_plural = _("chỉ số đánh giá")
        ordering = ["questionnaire", "order"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="indicator_code"),
            models.UniqueConstraint(fields=["questionnaire", "order"], name="indicator_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"

    @property
    def max_points(self) -> int:
        return max((int(c["points"]) for c in self.choices), default=0)

    def points_allowed(self) -> set[int]:
        return {int(c["points"]) for c in self.choices}

    def label_for(self, points: int) -> str:
        return next((c["label"] for c in self.choices if int(c["points"]) == points), "")


def _number(value: Decimal) -> str:
    """6.00 → '6', 12.50 → '12,5' (Vietnamese decimal comma)."""
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


class Band(models.Model):
    """A classification of a unit's average score: lower ≤ score < upper (half-open).

    An empty lower bound means −∞, an empty upper bound +∞, so consecutive bands cover every
    score exactly once (15.0 is "good" or "excellent", never neither).
    """

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="bands")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    label = models.CharField(_("xếp loại"), max_length=100)
    lower = models.DecimalField(
        _("từ (bao gồm)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    upper = models.DecimalField(
        _("đến (không bao gồm)"), max_digits=6, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("mức xếp loại")
        verbose_name_plural = _("mức xếp loại")
        ordering = ["questionnaire", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lower__isnull=True)
                | Q(upper__isnull=True)
                | Q(lower__lt=models.F("upper")),
                name="band_lower_below_upper",
            ),
            models.UniqueConstraint(fields=["questionnaire", "order"], name="band_order"),
        ]

    def __str__(self) -> str:
        low = "−∞" if self.lower is None else _number(self.lower)
        high = "+∞" if self.upper is None else _number(self.upper)
        return f"{self.label} [{low}; {high})"

    def contains(self, score) -> bool:
        score = Decimal(str(score))
        return (self.lower is None or score >= self.lower) and (
            self.upper is None or score < self.upper
        )


class Overall(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Rất hài lòng")
    SATISFIED = "satisfied", _("Hài lòng")
    UNSATISFIED = "unsatisfied", _("Không hài lòng")


class Rating(models.Model):
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="+"
    )
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=64)
    unit = models.ForeignKey(
        "organization.Unit",
        verbose_name=_("cơ quan giải quyết"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("bộ câu hỏi"), on_delete=models.PROTECT, related_name="+"
    )
    overall = models.CharField(_("mức độ hài lòng"), max_length=16, choices=Overall.choices)
    points = models.PositiveSmallIntegerField(_("tổng điểm"))
    max_points = models.PositiveSmallIntegerField(_("điểm tối đa"))
    comment = models.TextField(_("ý kiến khác"), blank=True)
    created_at = models.DateTimeField(_("đánh giá lúc"))

    class Meta:
        verbose_name = _("đánh giá của người nộp")
        verbose_name_plural = _("đánh giá của người nộp")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier"], name="rating_one_per_dossier"),
            models.CheckConstraint(
                condition=Q(points__lte=models.F("max_points")), name="rating_points_within_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_code}: {self.points}/{self.max_points}"


class Answer(models.Model):
    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="answers")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField(_("điểm"))

    class Meta:
        verbose_name = _("điểm chỉ số")
        verbose_name_plural = _("điểm chỉ số")
        constraints = [
            models.UniqueConstraint(fields=["rating", "indicator"], name="answer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.rating_id} {self.indicator_id}: {self.points}"


# --- SIPAS-style surveys (a different instrument from the per-dossier rating above) --------


class SurveyForm(models.Model):
    """A versioned questionnaire of the SIPAS kind; frozen once an answer uses it."""

    code = models.CharField(_("mã phiếu khảo sát"), max_length=30)
    version = models.PositiveIntegerField(_("phiên bản"))
    name = models.CharField(_("tên"), max_length=255)
    source = models.CharField(_("căn cứ, nguồn"), max_length=500, blank=True)
    note = models.TextField(_("ghi chú (điểm chưa xác nhận)"), blank=True)
    effective_from = models.DateField(_("áp dụng từ"))
    effective_to = models.DateField(_("áp dụng đến"), null=True, blank=True)
    # The index formula of this version (frozen with it): see ``formula_of`` for the keys.
    formula = models.JSONField(_("công thức chỉ số"), default=dict, blank=True)

    class Meta:
        verbose_name = _("phiếu khảo sát SIPAS")
        verbose_name_plural = _("phiếu khảo sát SIPAS")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="survey_form_version"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="survey_form_valid_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (phiên bản {self.version})"

    def is_in_use(self) -> bool:
        return self.responses.exists()

    @property
    def rule(self) -> dict:
        return formula_of(self.formula)


#: The default formula: share of "Hài lòng" + "Rất hài lòng" per factor, averaged over the
#: factors with answers; a criterion (one 5-point item of a factor) is "under target" below
#: 80 %. Not confirmed against Decision 1001/QĐ-BNV (``confirmed``: False).
DEFAULT_FORMULA = {
    "satisfied": ["4", "5"],
    "overall": "mean_of_factors",  # or "pooled": every factor answer counted together
    "target": 0.8,
    "confirmed": False,
    "text": (
        "Mỗi tiêu chí, mỗi yếu tố: (số câu trả lời Hài lòng + Rất hài lòng) / số câu trả lời "
        "thang 5 mức; chỉ số chung: bình quân các yếu tố có câu trả lời. Công thức mặc định, "
        "chưa đối chiếu Quyết định 1001/QĐ-BNV."
    ),
}
OVERALL_RULES = ("mean_of_factors", "pooled")


def formula_of(data: dict | None) -> dict:
    """A form's formula with the defaults filled in (unknown keys kept, wrong ones reset)."""
    rule = {**DEFAULT_FORMULA, **(data or {})}
    if rule["overall"] not in OVERALL_RULES:
        rule["overall"] = DEFAULT_FORMULA["overall"]
    rule["satisfied"] = [str(v) for v in rule["satisfied"]]
    return rule


class SectionKind(models.TextChoices):
    PROFILE = "profile", _("Thông tin người trả lời")  # age, sex, … (never identifies)
    FACTOR = "factor", _("Yếu tố cung ứng dịch vụ")  # one of the five SIPAS factors
    POLICY = "policy", _("Chính sách")  # the policy items
    EXPECTATION = "expectation", _("Mong đợi")  # what the respondent wants improved
    OTHER = "other", _("Khác")  # free comments


class SurveySection(models.Model):
    form = models.ForeignKey(SurveyForm, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    code = models.SlugField(_("mã phần"), max_length=40)
    title = models.CharField(_("tên phần"), max_length=300)
    kind = models.CharField(_("loại"), max_length=16, choices=SectionKind.choices)

    class Meta:
        verbose_name = _("phần của phiếu")
        verbose_name_plural = _("phần của phiếu")
        ordering = ["form", "order"]
        constraints = [
            models.UniqueConstraint(fields=["form", "code"], name="survey_section_code"),
            models.UniqueConstraint(fields=["form", "order"], name="survey_section_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class QuestionKind(models.TextChoices):
    SCALE5 = "scale5", _("Thang 5 mức hài lòng")  # 1 Rất không hài lòng … 5 Rất hài lòng
    EXPECT3 = "expect3", _("Thang 3 mức mong đợi")  # 1 … 3
    SINGLE = "single", _("Chọn một")  # one of ``choices``
    MULTIPLE = "multiple", _("Chọn nhiều")  # any of ``choices``
    TEXT = "text", _("Trả lời tự do")  # free text, shown as text


SCALE5 = [
    {"value": "1", "label": "Rất không hài lòng"},
    {"value": "2", "label": "Không hài lòng"},
    {"value": "3", "label": "Bình thường"},
    {"value": "4", "label": "Hài lòng"},
    {"value": "5", "label": "Rất hài lòng"},
]
SATISFIED_VALUES = ("4", "5")  # the default; a form's own formula may say otherwise
EXPECT3 = [
    {"value": "1", "label": "Không cần thiết"},
    {"value": "2", "label": "Cần thiết"},
    {"value": "3", "label": "Rất cần thiết"},
]


class SurveyQuestion(models.Model):
    section = models.ForeignKey(SurveySection, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    code = models.SlugField(_("mã câu hỏi"), max_length=40)
    text = models.CharField(_("nội dung"), max_length=500)
    kind = models.CharField(_("loại câu hỏi"), max_length=10, choices=QuestionKind.choices)
    choices = models.JSONField(_("các lựa chọn"), default=list, blank=True)
    required = models.BooleanField(_("bắt buộc"), default=True)
    confirmed = models.BooleanField(
        _("đã đối chiếu văn bản gốc"),
        default=False,
        help_text=_("Bỏ chọn khi nội dung chưa được xác nhận với văn bản của Bộ Nội vụ."),
    )

    class Meta:
        verbose_name = _("câu hỏi khảo sát")
        verbose_name_plural = _("câu hỏi khảo sát")
        ordering = ["section__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["section", "order"], name="survey_question_order"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.text}"

    def options(self) -> list[dict]:
        if self.kind == QuestionKind.SCALE5:
            return SCALE5
        if self.kind == QuestionKind.EXPECT3:
            return EXPECT3
        return list(self.choices or [])


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")  # the public page
    DESK = "desk", _("Phiếu giấy tại bộ phận một cửa")  # keyed in by an officer
    KIOSK = "kiosk", _("Máy tính bảng tại quầy")  # the desk's tablet, with an invitation code
    INVITED = "invited", _("Liên kết mời (thư, SMS, mã QR)")  # a campaign's one-time link


class SurveyResponse(models.Model):
    """One anonymous answer sheet: no person, no dossier, only the unit and the day."""

    form = models.ForeignKey(SurveyForm, on_delete=models.PROTECT, related_name="responses")
    unit = models.ForeignKey(
        "organization.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField(_("ghi nhận lúc"))
    # the stratum of a campaign's sheet (never the invitation, the dossier or the person)
    campaign = models.ForeignKey(
        "Campaign",
        verbose_name=_("đợt khảo sát"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
    )
    procedure = models.ForeignKey(
        "catalog.Procedure",
        verbose_name=_("thủ tục"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("phiếu trả lời")
        verbose_name_plural = _("phiếu trả lời")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Phiếu {self.pk} ({self.unit_id})"


class SurveyAnswer(models.Model):
    """``value``: "4" for a scale or single choice, ["a", "b"] for multiple, text for text."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="+")
    value = models.JSONField(_("trả lời"))

    class Meta:
        verbose_name = _("câu trả lời")
        verbose_name_plural = _("câu trả lời")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id} {self.question_id}"


# --- campaigns: a sample of returned dossiers invited to answer (issue 18) -----------------


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Đang chuẩn bị")  # units, period, margin and seed still editable
    DRAWN = "drawn", _("Đã chọn mẫu")  # invitations exist; answers come in
    CLOSED = "closed", _("Đã kết thúc")  # invitations no longer accepted


class Campaign(models.Model):
    """A survey over one period and some units: dossiers returned in the period are sampled,
    stratified by unit and procedure, with the size per unit from the chosen margin of error
    (Cochran with the finite population correction), drawn reproducibly from ``seed``."""

    form = models.ForeignKey(SurveyForm, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(_("tên đợt khảo sát"), max_length=255)
    date_from = models.DateField(_("trả kết quả từ ngày"))
    date_to = models.DateField(_("trả kết quả đến ngày"))
    units = models.ManyToManyField("organization.Unit", verbose_name=_("đơn vị"), related_name="+")
    margin = models.DecimalField(_("sai số (± điểm %)"), max_digits=4, decimal_places=1)
    seed = models.PositiveIntegerField(_("số gieo ngẫu nhiên"))
    valid_days = models.PositiveSmallIntegerField(_("liên kết hiệu lực (ngày)"), default=30)
    status = models.CharField(
        _("trạng thái"),
        max_length=8,
        choices=CampaignStatus.choices,
        default=CampaignStatus.DRAFT,
    )
    created_at = models.DateTimeField(_("tạo lúc"))
    drawn_at = models.DateTimeField(_("chọn mẫu lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("đợt khảo sát")
        verbose_name_plural = _("đợt khảo sát")
        ordering = ["-date_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_to__gte=models.F("date_from")), name="campaign_valid_period"
            ),
            models.CheckConstraint(
                condition=Q(margin__gt=0) & Q(margin__lt=50), name="campaign_margin_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """One sampled dossier invited to answer, by a single-use link that expires.

    The token is never stored: only its SHA-256 (``token_hash``) to find it, and a random
    ``nonce`` from which the server (with its secret key) re-derives the token to print it
    again on the slip. ``used_on`` says the invitation was used and on which day, nothing
    more: no answer sheet points back here (the sheet keeps only the stratum)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="invitations")
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "organization.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.ForeignKey(
        "catalog.Procedure", verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="+"
    )
    nonce = models.CharField(max_length=32)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    sent_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    used_on = models.DateField(_("đã trả lời ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("lời mời khảo sát")
        verbose_name_plural = _("lời mời khảo sát")
        ordering = ["campaign", "unit", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "dossier"], name="invitation_once"),
        ]

    def __str__(self) -> str:
        return f"Lời mời {self.pk} ({self.campaign_id})"
