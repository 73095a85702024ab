from django import forms

from motcua.reform.models import TaskStatus


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ProgressForm(forms.Form):
    text = forms.CharField(label="Kết quả thực hiện", widget=forms.Textarea(attrs={"rows": 4}))
    percent = forms.IntegerField(label="Tiến độ (%)", min_value=0, max_value=100)
    evidence = MultipleFileField(label="Tệp minh chứng", required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Trạng thái mới",
        choices=[(TaskStatus.CANCELLED, "Dừng thực hiện"), (TaskStatus.IN_PROGRESS, "Mở lại")],
    )
    reason = forms.CharField(label="Lý do", max_length=500)


class PlanUploadForm(forms.Form):
    workbook = forms.FileField(label="Tệp Excel kế hoạch (.xlsx)")
