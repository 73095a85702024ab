"""The current time zone, pinned for the duration of bulk work.

Django's ``timezone.get_current_timezone()`` reads an asgiref ``Local`` (about 10 µs a call),
and a dossier service asks for it several times (the event's times, the day of a code, the
roles of today). Bulk work (``dossiers.services.dossier_batch``: the import, the demo, the
benchmark) pins the zone that is current when it starts: inside, ``current()``,
``localtime()`` and ``localdate()`` answer without the look-up. The clock is still read at
every call (``localdate()`` is today's date at that moment, never a date kept from earlier);
only the zone is kept, and only until the pin ends (one batch). Outside a pin these are
Django's own functions. A batch runs in one zone: ``timezone.activate`` inside it is not seen
until it ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_PINNED: ContextVar[dt.tzinfo | None] = ContextVar("motcua_pinned_zone", default=None)


@contextmanager
def pinned() -> Iterator[dt.tzinfo]:
    """Keep the current time zone for the block (nested pins keep the outer one)."""
    zone = _PINNED.get()
    if zone is not None:
        yield zone
        return
    zone = timezone.get_current_timezone()
    token = _PINNED.set(zone)
    try:
        yield zone
    finally:
        _PINNED.reset(token)


def current() -> dt.tzinfo:
    """The pinned zone inside ``pinned()``, else Django's current time zone."""
    zone = _PINNED.get()
    return zone if zone is not None else timezone.get_current_timezone()


def localtime(value: dt.datetime | None = None) -> dt.datetime:
    """``timezone.localtime`` in ``current()``'s zone (now when ``value`` is None)."""
    return timezone.localtime(value, current())


def localdate(value: dt.datetime | None = None) -> dt.date:
    """``timezone.localdate`` in ``current()``'s zone (today when ``value`` is None)."""
    return timezone.localtime(value, current()).date()
