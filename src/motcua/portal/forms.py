"""Page forms: they parse; services decide."""

from __future__ import annotations

from django import forms

from motcua.dossiers.models import ReturnMethod


class BootstrapForm(forms.Form):
    """Bootstrap classes and autocomplete hints on every widget."""

    autocomplete: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)
            if name in self.autocomplete:
                widget.attrs["autocomplete"] = self.autocomplete[name]


class RegisterForm(BootstrapForm):
    autocomplete = {
        "full_name": "name",
        "email": "email",
        "phone": "tel",
        "password": "new-password",
        "password2": "new-password",
    }
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    email = forms.CharField(label="Thư điện tử", required=False, max_length=254)
    phone = forms.CharField(label="Số điện thoại di động", required=False, max_length=20)
    password = forms.CharField(label="Mật khẩu (ít nhất 8 ký tự)", widget=forms.PasswordInput)
    password2 = forms.CharField(label="Nhập lại mật khẩu", widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", "Hai mật khẩu không giống nhau.")
        if not data.get("email") and not data.get("phone"):
            raise forms.ValidationError("Cần nhập thư điện tử hoặc số điện thoại.")
        return data


class LoginForm(BootstrapForm):
    autocomplete = {"identifier": "username", "password": "current-password"}
    identifier = forms.CharField(label="Thư điện tử hoặc số điện thoại", max_length=254)
    password = forms.CharField(label="Mật khẩu", widget=forms.PasswordInput)


class CodeForm(BootstrapForm):
    autocomplete = {"code": "one-time-code"}
    code = forms.CharField(label="Mã xác minh (6 chữ số)", max_length=6, min_length=6)


class TrackForm(BootstrapForm):
    code = forms.CharField(label="Mã hồ sơ", max_length=64)
    phone4 = forms.CharField(label="4 số cuối điện thoại người nộp", max_length=4, min_length=4)


class SubmitForm(BootstrapForm):
    """The fixed part of the submission form; one file input per component is added."""

    autocomplete = {
        "applicant_name": "name",
        "applicant_phone": "tel",
        "applicant_email": "email",
        "applicant_address": "street-address",
    }

    unit = forms.ChoiceField(label="Nơi nộp hồ sơ")
    applicant_name = forms.CharField(label="Họ và tên người nộp", max_length=255)
    applicant_id_number = forms.CharField(label="Số định danh cá nhân (12 số)", max_length=20)
    applicant_phone = forms.CharField(label="Số điện thoại", max_length=20)
    applicant_email = forms.CharField(label="Thư điện tử", max_length=254, required=False)
    applicant_address = forms.CharField(label="Địa chỉ", max_length=500, required=False)
    return_method = forms.ChoiceField(
        label="Hình thức nhận kết quả", choices=ReturnMethod.choices, initial=ReturnMethod.ONLINE
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm = forms.BooleanField(
        label="Tôi cam đoan nội dung khai và các tệp đính kèm là đúng sự thật."
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.code, u.name) for u in units]

    def applicant(self) -> dict[str, str]:
        d = self.cleaned_data
        return {
            "name": d["applicant_name"],
            "id_number": d["applicant_id_number"],
            "phone": d["applicant_phone"],
            "email": d["applicant_email"],
            "address": d["applicant_address"],
        }
