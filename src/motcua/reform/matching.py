"""Match unit names as officials write them to units, accent- and case-insensitively.

"Sở LĐTB&XH; UBND cấp huyện, cấp xã" → Sở Lao động - Thương binh và Xã hội, the group of
district units and the group of communes. Names are matched against units active on the
plan date: full names, short names, the abbreviation table below and group phrases. What
is left between matches is reported as unmatched; a name that fits several units is
reported as ambiguous. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from motcua.core.text import fold
from motcua.organization.models import Unit
from motcua.reform.models import UnitGroup

# Abbreviations and variants seen in plans → the unit's full name (folded on use).
ABBREVIATIONS: dict[str, str] = {
    "Văn phòng UBND tỉnh": "Văn phòng Ủy ban nhân dân tỉnh",
    "VP UBND tỉnh": "Văn phòng Ủy ban nhân dân tỉnh",
    "Sở LĐTB&XH": "Sở Lao động - Thương binh và Xã hội",
    "Sở LĐ-TB&XH": "Sở Lao động - Thương binh và Xã hội",
    "Sở Lao động Thương binh và Xã hội": "Sở Lao động - Thương binh và Xã hội",
    "Sở TT&TT": "Sở Thông tin và Truyền thông",
    "Sở TTTT": "Sở Thông tin và Truyền thông",
    "Sở Thông tin truyền thông": "Sở Thông tin và Truyền thông",
    "Thông tin Truyền thông": "Sở Thông tin và Truyền thông",
    "Sở KH&ĐT": "Sở Kế hoạch và Đầu tư",
    "Sở KHĐT": "Sở Kế hoạch và Đầu tư",
    "Sở KH&CN": "Sở Khoa học và Công nghệ",
    "KHCN": "Sở Khoa học và Công nghệ",
    "Sở GD&ĐT": "Sở Giáo dục và Đào tạo",
    "Sở GDĐT": "Sở Giáo dục và Đào tạo",
    "Ngành Giáo dục": "Sở Giáo dục và Đào tạo",
    "Sở TN&MT": "Sở Tài nguyên và Môi trường",
    "Sở TNMT": "Sở Tài nguyên và Môi trường",
    "Sở NN&PTNT": "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở GTVT": "Sở Giao thông vận tải",
    "Sở VH,TT&DL": "Sở Văn hóa, Thể thao và Du lịch",
    "Ban Quản lý KKT tỉnh": "Ban Quản lý Khu kinh tế tỉnh",
    "BQL KKT tỉnh": "Ban Quản lý Khu kinh tế tỉnh",
    "Nội vụ": "Sở Nội vụ",
    "Tài chính": "Sở Tài chính",
    "Tư pháp": "Sở Tư pháp",
    "Trung tâm Phục vụ HCC tỉnh": "Trung tâm Phục vụ hành chính công tỉnh",
}

# Group phrases (regular expressions over folded text, "ubnd" normalised).
GROUP_PATTERNS: list[tuple[str, str]] = [
    (
        r"(?:cac )?(?:so|co quan chuyen mon)[,:]? ?(?:ban,? ?nganh|thuoc ubnd tinh)"
        r"(?:,? ?(?:doan the )?cap tinh)?(?: quan ly nganh,? linh vuc)?",
        UnitGroup.DEPARTMENTS,
    ),
    (r"cac co quan chuyen mon thuoc ubnd tinh", UnitGroup.DEPARTMENTS),
    (
        r"ubnd (?:cac |cap )?huyen(?:[, ]+(?:thanh pho|thi xa|tp)){0,2}",
        UnitGroup.DISTRICTS,
    ),
    (r"(?:ubnd )?cap xa", UnitGroup.COMMUNES),
    (
        r"bo phan mot cua cac cap|bo phan tiep nhan va tra ket qua cap xa"
        r"|trung tam hanh chinh cong cap huyen",
        UnitGroup.ONE_STOP,
    ),
]

_STOP = {
    "", "va", "cac", "cua", "thanh pho", "thi xa", "tinh", "huyen", "xa", "cap tinh",
    "cac so", "so", "nganh", "ban",
}  # fmt: skip
_SEPARATORS = re.compile(r"[,;:.()\n]+|(?<!\w)va(?!\w)|^-|\s-\s")


def _norm(folded: str) -> str:
    return folded.replace("uy ban nhan dan", "ubnd")


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """fold() with, for every output character, the index of its source character."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                index.append(i)
            continue
        ch = "d" if ch in "đĐ" else ch
        base = "".join(
            c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn"
        )
        for c in base.casefold():
            out.append(c)
            index.append(i)
    return "".join(out), index


@dataclass
class Party:
    """One name found in a cell: a unit, a group, or nothing (unmatched / ambiguous)."""

    text: str
    unit: Unit | None = None
    group: str = ""
    candidates: list[Unit] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.unit is not None or self.group:
            return "matched"
        return "ambiguous" if self.candidates else "unmatched"

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "status": self.status,
            "unit": self.unit.code if self.unit else None,
            "unit_name": self.unit.name if self.unit else None,
            "group": str(self.group) if self.group else None,
            "candidates": [u.code for u in self.candidates],
        }


class UnitMatcher:
    def __init__(self, *, on: dt.date):
        self.on = on
        units = list(Unit.objects.active_on(on).exclude(kind="commune"))
        by_name: dict[str, list[Unit]] = {}
        for unit in units:
            for name in {unit.name, unit.short_name}:
                if name:
                    by_name.setdefault(_norm(fold(name)), []).append(unit)
        for alias, full in ABBREVIATIONS.items():
            key = _norm(fold(alias))
            targets = by_name.get(_norm(fold(full)))
            if targets and key not in by_name:
                by_name[key] = targets
        self._by_name = {k: list(dict.fromkeys(v)) for k, v in by_name.items()}
        parts = [(re.escape(name), ("unit", name)) for name in self._by_name]
        parts.sort(key=lambda p: -len(p[0]))
        parts += [(pattern, ("group", group)) for pattern, group in GROUP_PATTERNS]
        self._targets = []
        alternatives = []
        for n, (pattern, target) in enumerate(parts):
            alternatives.append(f"(?P<g{n}>{pattern})")
            self._targets.append(target)
        self._regex = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")

    def match(self, text: str | None) -> list[Party]:
        """Every party named in ``text`` in order, matched or not."""
        if not text or not text.strip():
            return []
        folded, index = fold_with_map(text)
        normalised, index = _normalise_ubnd(folded, index)
        parties: list[Party] = []
        cursor = 0
        for m in self._regex.finditer(normalised):
            parties += self._gap(text, normalised, index, cursor, m.start())
            n = int(m.lastgroup[1:])
            kind, value = self._targets[n]
            original = _slice(text, index, m.start(), m.end())
            if kind == "group":
                parties.append(Party(original, group=value))
            else:
                units = self._by_name[value]
                if len(units) == 1:
                    parties.append(Party(original, unit=units[0]))
                else:
                    parties.append(Party(original, candidates=units))
            cursor = m.end()
        parties += self._gap(text, normalised, index, cursor, len(normalised))
        seen, unique = set(), []
        for p in parties:
            key = (p.unit.pk if p.unit else None, p.group, p.text if p.status != "matched" else "")
            if key not in seen:
                seen.add(key)
                unique.append(p)
        return unique

    def _gap(self, text, normalised, index, start, end) -> list[Party]:
        if end <= start:
            return []
        result = []
        pos = start
        # a parenthesised qualifier ("(thành viên của MTTQ tỉnh)") names nobody new
        segment = re.sub(r"\([^)]*\)?", lambda m: " " * len(m[0]), normalised[start:end])
        normalised = normalised[:start] + segment + normalised[end:]
        for piece in _SEPARATORS.split(segment):
            offset = normalised.find(piece, pos) if piece else pos
            pos = offset + len(piece) if piece else pos
            bare = piece.strip(" -*+&")
            if bare in _STOP or len(bare) < 2:
                continue
            left = offset + (len(piece) - len(piece.lstrip(" -*+&")))
            original = _slice(text, index, left, left + len(bare))
            result.append(Party(original))
        return result


def _slice(text: str, index: list[int], start: int, end: int) -> str:
    if start >= len(index):
        return ""
    last = index[min(end, len(index)) - 1]
    return text[index[start] : last + 1].strip()


def _normalise_ubnd(folded: str, index: list[int]) -> tuple[str, list[int]]:
    out, idx, i = [], [], 0
    needle = "uy ban nhan dan"
    while i < len(folded):
        if folded.startswith(needle, i):
            out.extend("ubnd")
            idx.extend(index[i : i + 4])
            i += len(needle)
        else:
            out.append(folded[i])
            idx.append(index[i])
            i += 1
    return "".join(out), idx
