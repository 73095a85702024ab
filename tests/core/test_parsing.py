import datetime as dt

from motcua.core.parsing import parse_date


def test_both_written_forms_and_date_values_are_read():
    assert parse_date("13/02/2026") == dt.date(2026, 2, 13)
    assert parse_date(" 2026-02-13 ") == dt.date(2026, 2, 13)
    assert parse_date(dt.date(2026, 2, 13)) == dt.date(2026, 2, 13)
    assert parse_date(dt.datetime(2026, 2, 13, 9, 30)) == dt.date(2026, 2, 13)


def test_anything_else_is_none():
    for value in (None, "", "  ", "31/02/2026", "13-02-2026", "hôm nay", 45000):
        assert parse_date(value) is None
