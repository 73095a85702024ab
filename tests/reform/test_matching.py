import datetime as dt

import pytest

from motcua.organization.models import UnitKind
from motcua.reform.matching import UnitMatcher
from motcua.reform.models import UnitGroup

pytestmark = pytest.mark.django_db
ON = dt.date(2021, 9, 27)


def _summary(parties):
    return [
        (p.status, p.unit.code if p.unit else (str(p.group) if p.group else p.text))
        for p in parties
    ]


def test_abbreviations_and_accents_match_units(departments):
    m = UnitMatcher(on=ON)
    assert _summary(m.match("Sở LĐTB&XH")) == [("matched", "SLDTBXH")]
    assert _summary(m.match("so ldtb&xh")) == [("matched", "SLDTBXH")]
    assert _summary(m.match("SỞ TT&TT; Sở KH&ĐT")) == [
        ("matched", "STTTT"),
        ("matched", "SKHDT"),
    ]
    assert _summary(m.match("Văn phòng UBND tỉnh")) == [("matched", "VPUBND")]
    assert _summary(m.match("Văn phòng Ủy ban nhân dân tỉnh")) == [("matched", "VPUBND")]
    assert _summary(m.match("Sở Lao động - Thương binh và Xã hội")) == [("matched", "SLDTBXH")]


def test_groups_and_lists(departments):
    m = UnitMatcher(on=ON)
    assert _summary(m.match("UBND cấp huyện, cấp xã")) == [
        ("matched", UnitGroup.DISTRICTS),
        ("matched", UnitGroup.COMMUNES),
    ]
    assert _summary(m.match("Các sở, ban, ngành cấp tỉnh, UBND các huyện, thành phố thị xã")) == [
        ("matched", UnitGroup.DEPARTMENTS),
        ("matched", UnitGroup.DISTRICTS),
    ]
    assert _summary(m.match("Văn phòng UBND tỉnh, các Sở: Nội vụ, KHCN, Tài chính")) == [
        ("matched", "VPUBND"),
        ("matched", "SNV"),
        ("matched", "SKHCN"),
        ("matched", "STC"),
    ]


def test_unmatched_names_are_reported_with_their_wording(departments):
    m = UnitMatcher(on=ON)
    parties = m.match("Văn phòng UBND tỉnh, Kho bạc Nhà nước tỉnh, Cục Thuế tỉnh Hà Tĩnh")
    assert _summary(parties) == [
        ("matched", "VPUBND"),
        ("unmatched", "Kho bạc Nhà nước tỉnh"),
        ("unmatched", "Cục Thuế tỉnh Hà Tĩnh"),
    ]
    assert m.match("") == []


def test_a_name_shared_by_two_active_units_is_ambiguous(departments, make_unit, province):
    make_unit("Sở Tư pháp", kind=UnitKind.OTHER, code="STP2")
    [party] = UnitMatcher(on=ON).match("Sở Tư pháp")
    assert party.status == "ambiguous"
    assert sorted(u.code for u in party.candidates) == ["STP", "STP2"]


def test_only_units_active_on_the_plan_date_match(departments, make_unit):
    make_unit("Sở Du lịch", kind=UnitKind.DEPARTMENT, valid_from=dt.date(2023, 1, 1))
    [party] = UnitMatcher(on=ON).match("Sở Du lịch")
    assert party.status == "unmatched"


def test_matcher_never_raises_and_reports_text_from_the_cell(departments):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    matcher = UnitMatcher(on=ON)
    alphabet = st.sampled_from(list("Sở Tư pháp,;()&-đĐ UBND cấp huyện xã Ủy ban nhân dân\n"))

    @settings(max_examples=200, deadline=None)
    @given(st.text(alphabet=alphabet, max_size=60))
    def check(text):
        for party in matcher.match(text):
            assert party.text and party.text in text

    check()
