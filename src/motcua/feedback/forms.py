"""Page forms of the feedback app: they parse; services decide."""

from __future__ import annotations

from django import forms

from motcua.catalog.models import Field
from motcua.feedback.models import Channel
from motcua.organization.models import Unit


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [d for d in data if d]
        return [data] if data else []


class BootstrapForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


class FeedbackForm(BootstrapForm):
    title = forms.CharField(label="Tiêu đề", max_length=255)
    content = forms.CharField(
        label="Nội dung phản ánh, kiến nghị",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    field = forms.ModelChoiceField(
        label="Lĩnh vực",
        queryset=Field.objects.order_by("name"),
        required=False,
        empty_label="— Chọn lĩnh vực —",
    )
    procedure_code = forms.CharField(
        label="Mã thủ tục hành chính (nếu có)", max_length=40, required=False
    )
    subject_unit = forms.ModelChoiceField(
        label="Cơ quan, đơn vị bị phản ánh (nếu biết)",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="— Không rõ —",
    )
    place_address = forms.CharField(label="Địa điểm xảy ra", max_length=500, required=False)
    lat = forms.DecimalField(label="Vĩ độ", required=False, max_digits=9, decimal_places=6)
    lon = forms.DecimalField(label="Kinh độ", required=False, max_digits=9, decimal_places=6)
    sender_name = forms.CharField(label="Họ và tên người gửi", max_length=200)
    sender_phone = forms.CharField(label="Số điện thoại", max_length=20)
    sender_address = forms.CharField(label="Địa chỉ liên hệ", max_length=500)
    sender_email = forms.EmailField(label="Thư điện tử (để nhận trả lời)", required=False)
    is_public = forms.BooleanField(
        label="Cho phép công khai nội dung phản ánh và câu trả lời", required=False, initial=True
    )
    show_name = forms.BooleanField(
        label="Cho phép hiển thị họ tên của tôi khi công khai", required=False
    )
    files = MultipleFileField(
        label="Ảnh, tài liệu kèm theo (tối đa 5 tệp JPEG, PNG, PDF)", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject_unit"].queryset = Unit.objects.filter(valid_to__isnull=True).order_by(
            "name"
        )
        self.fields["files"].widget.attrs["accept"] = "image/jpeg,image/png,application/pdf"


class OfficeFeedbackForm(FeedbackForm):
    channel = forms.ChoiceField(
        label="Kênh tiếp nhận",
        choices=[(c.value, c.label) for c in (Channel.DESK, Channel.HOTLINE, Channel.EMAIL)],
    )
    receiving_unit = forms.ModelChoiceField(label="Đơn vị tiếp nhận", queryset=Unit.objects.none())

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiving_unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        self.fields["content"].label = "Nội dung (ghi lại cuộc gọi, dán thư điện tử…)"


class TrackForm(BootstrapForm):
    code = forms.CharField(label="Mã phản ánh", max_length=24)
    phone4 = forms.CharField(
        label="4 số cuối điện thoại (để xem trả lời riêng, bổ sung, đánh giá)",
        max_length=4,
        required=False,
    )
