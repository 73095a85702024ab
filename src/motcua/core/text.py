"""Vietnamese text folding for search: 'Cấp giấy phép xây dựng' ~ 'cap giay phep xay dung'."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s./&-]+")
#: Invisible characters that make two equal-looking names differ (and searches miss them).
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)


def fold(text: str | None) -> str:
    """Replace đ/Đ with d/D, strip the marks, casefold and collapse white space."""
    if not text:
        return ""
    text = text.translate(ZERO_WIDTH).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.casefold()).strip()


def search_tokens(query: str | None) -> list[str]:
    """The folded words of a query, punctuation dropped."""
    return [t for t in _NON_WORD.sub(" ", fold(query)).split() if t]


def clean_text(text: str | None) -> str:
    """Input text as stored: NFC (one code point per Vietnamese letter), zero-width
    characters removed, surrounding white space stripped.

    'Nguyễn' typed with combining marks (NFD, as some keyboards send it) and 'Nguy\\u200bễn'
    both become the same 'Nguyễn' a search folds and finds.
    """
    if not text:
        return ""
    return unicodedata.normalize("NFC", text.translate(ZERO_WIDTH)).strip()
