"""Demo province: the calendar is seeded by migration; make sure it is there and say so."""

from __future__ import annotations

import importlib

from django.apps import apps

from motcua.workcalendar import engine
from motcua.workcalendar.models import CalendarException, ExceptionKind


def load(*, rng, stdout, options) -> None:
    if not CalendarException.objects.exists():  # a flushed database: seed again (idempotent)
        for name in ("0002_seed_calendar", "0003_new_year_2026_swap"):
            migration = importlib.import_module(f"motcua.workcalendar.migrations.{name}")
            (migration.seed if hasattr(migration, "seed") else migration.add)(apps, None)
        engine.clear_cache()
    off = CalendarException.objects.exclude(kind=ExceptionKind.MAKEUP).count()
    makeup = CalendarException.objects.filter(kind=ExceptionKind.MAKEUP).count()
    stdout.write(f"Lịch làm việc: {off} ngày nghỉ lễ, nghỉ bù và {makeup} ngày làm bù.")
