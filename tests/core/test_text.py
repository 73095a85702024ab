import pytest

from motcua.core.formats import vn_number
from motcua.core.text import fold, search_tokens


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("đăng ký đất đai", "dang ky dat dai"),
        ("Đăng Ký Đất Đai", "dang ky dat dai"),
        ("Cấp giấy phép xây dựng", "cap giay phep xay dung"),
        ("  Hộ   tịch ", "ho tich"),
        ("Sở LĐTB&XH", "so ldtb&xh"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_strips_marks_and_folds_d(text, folded):
    assert fold(text) == folded


def test_fold_handles_decomposed_unicode():
    # given the same words typed with combining marks (NFD), as some keyboards send them
    decomposed = "đăng ký".replace("ă", "a\u0306").replace("ý", "y\u0301")
    # then they fold like the precomposed text
    assert fold(decomposed) == fold("đăng ký") == "dang ky"


def test_search_tokens_drop_punctuation_and_keep_codes():
    assert search_tokens("Cấp, giấy phép!") == ["cap", "giay", "phep"]
    assert search_tokens("1.004227") == ["1.004227"]


def test_vietnamese_number_format():
    assert vn_number(1234567) == "1.234.567"
    assert vn_number(1234.5, 1) == "1.234,5"
