"""Stopgap for transactional tests of the portal: put back the rows seeded by data migrations
(rule sets, holidays …) before and after each test, without re-inserting the content types
and permissions that Django's post-migrate signal already recreated after the flush.

tests/conftest.py's ``_reseed_after_flush`` re-inserts the whole snapshot and fails with
«UNIQUE constraint failed: django_content_type…» once the flush recreated the content
types; a later test then finds no rule set. Modules that import this fixture override it.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers

SKIPPED = (ContentType, Permission)


def restore_seeded_rows(snapshot: str) -> int:
    restored = 0
    for item in serializers.deserialize("json", snapshot):
        model = type(item.object)
        if issubclass(model, SKIPPED):
            continue
        if not model._default_manager.filter(pk=item.object.pk).exists():
            item.save()
            restored += 1
    return restored


@pytest.fixture(autouse=True)
def _reseed_after_flush(request, django_db_blocker):
    names = request.fixturenames
    if "transactional_db" not in names and "live_server" not in names:
        yield
        return
    snapshot = request.getfixturevalue("_seeded_rows")
    with django_db_blocker.unblock():
        restore_seeded_rows(snapshot)
    yield
    with django_db_blocker.unblock():
        restore_seeded_rows(snapshot)
