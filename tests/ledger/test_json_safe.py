"""The payload's fast copy gives exactly what the JSON round trip gives (the hash depends on
it), and falls back to the round trip for anything that is not plain JSON."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from enum import StrEnum

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from motcua.ledger.services import _json_safe


class Kind(StrEnum):
    A = "a"


class Loud(str):
    """A str subclass whose str() is not its text: JSON writes the text."""

    def __str__(self) -> str:
        return "LOUD"


PAYLOADS = [
    {"status_to": "in_progress", "step": 1, "ok": True, "none": None, "rate": 0.1},
    {"items": [{"name": "Tờ khai", "quantity": 2}, ["x", 1.5, None]], "tuple": ("a", 1)},
    {"amount": Decimal("150000.50"), "day": dt.date(2026, 7, 1)},
    {"at": dt.datetime(2026, 7, 1, 8, 30, tzinfo=dt.UTC), "id": uuid.UUID(int=5)},
    {"kind": Kind.A, "nested": {"deep": [Decimal("1")]}},
    {1: "int key"},
    {"who": Loud("quiet"), "list": [Kind.A, Decimal("-0.10"), dt.date(1999, 12, 31)]},
    {},
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_same_as_the_round_trip(payload):
    expected = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    got = _json_safe(payload)
    assert got == expected
    assert json.dumps(got, sort_keys=True) == json.dumps(expected, sort_keys=True)
    # a copy: changing the recorded payload later does not change the caller's
    if isinstance(payload.get("items"), list):
        got["items"][0]["name"] = "khác"
        assert payload["items"][0]["name"] == "Tờ khai"
