"""The time zone pinned for bulk work (``core.zone``): one batch keeps the zone it started
with, the next batch reads it again, and the clock is read at every call."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone

from motcua.core import zone

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
UTC = dt.UTC
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def test_outside_a_pin_the_current_zone_is_djangos():
    with timezone.override(TOKYO):
        assert zone.current() is timezone.get_current_timezone()
        assert zone.localtime(dt.datetime(2026, 1, 1, tzinfo=UTC)).tzinfo is TOKYO
    assert zone.current() is timezone.get_current_timezone()


def test_a_pin_keeps_its_zone_and_the_next_pin_reads_it_again():
    with timezone.override(TOKYO):
        with zone.pinned() as pinned:
            assert pinned is TOKYO and zone.current() is TOKYO
            with zone.pinned() as inner:  # nested: the outer pin stays
                assert inner is TOKYO
    with timezone.override(HCM), zone.pinned():
        assert zone.current() is HCM  # not the zone of the earlier pin
    with timezone.override(UTC):
        assert zone.current() is UTC  # no pin left behind


def test_localdate_reads_the_clock_at_every_call(monkeypatch):
    now = {"value": dt.datetime(2026, 3, 1, 16, 59, tzinfo=UTC)}  # 23:59 in Hà Nội
    monkeypatch.setattr(timezone, "now", lambda: now["value"])
    with timezone.override(HCM), zone.pinned():
        assert zone.localdate() == dt.date(2026, 3, 1)
        now["value"] += dt.timedelta(minutes=2)  # midnight passes inside the pin
        assert zone.localdate() == dt.date(2026, 3, 2)


def test_a_dossier_batch_pins_the_zone_it_starts_in(db):
    from motcua.dossiers.services import dossier_batch

    with timezone.override(TOKYO), dossier_batch():
        assert zone._PINNED.get() is TOKYO
    assert zone._PINNED.get() is None
    with timezone.override(HCM), dossier_batch():
        assert zone._PINNED.get() is HCM
