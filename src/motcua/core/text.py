"""Vietnamese text folding for search: 'Cấp giấy phép xây dựng' ~ 'cap giay phep xay dung'."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s./&-]+")


def fold(text: str | None) -> str:
    """Replace đ/Đ with d/D, strip the marks, casefold and collapse white space."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.casefold()).strip()


def search_tokens(query: str | None) -> list[str]:
    """The folded words of a query, punctuation dropped."""
    return [t for t in _NON_WORD.sub(" ", fold(query)).split() if t]
