"""The public look-up of one dossier: its code plus the last 4 digits of the applicant's phone.

Used by every page that serves the applicant without an account (fee payment, rating …).
"""

from __future__ import annotations

from django import forms

from motcua.core.errors import NotFound
from motcua.dossiers.errors import DossierError
from motcua.dossiers.models import Dossier


def dossier_for_applicant(*, code: str, phone4: str) -> Dossier:
    """The dossier if ``phone4`` are the last 4 digits of its applicant's phone.

    One answer for "no such code" and "wrong digits", so that codes cannot be enumerated.
    """
    dossier = (
        Dossier.objects.select_related("procedure", "receiving_unit", "competent_unit")
        .filter(code=(code or "").strip())
        .first()
    )
    if dossier is None or not dossier.applicant_phone_ends_with(phone4):
        raise NotFound(
            "Không tìm thấy hồ sơ với mã và 4 số cuối điện thoại đã nhập.",
            code=DossierError.DOSSIER_NOT_FOUND,
        )
    return dossier


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
