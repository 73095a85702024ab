from django import forms


class LookupForm(forms.Form):
    code = forms.CharField(label="Mã hồ sơ", max_length=64)
    phone4 = forms.CharField(
        label="4 số cuối điện thoại của người nộp",
        min_length=4,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()

    def clean_phone4(self):
        value = self.cleaned_data["phone4"].strip()
        if not value.isdigit():
            raise forms.ValidationError("Nhập đúng 4 chữ số.")
        return value
