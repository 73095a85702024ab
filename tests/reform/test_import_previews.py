"""Uploaded plans that were previewed but never confirmed are deleted after a day."""

import datetime as dt
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from motcua.core import schedule
from motcua.reform import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_unconfirmed_previews_older_than_a_day_are_purged():
    old = default_storage.save(f"{services.IMPORT_PREVIEWS}/cu.xlsx", ContentFile(b"PK cu"))
    new = default_storage.save(f"{services.IMPORT_PREVIEWS}/moi.xlsx", ContentFile(b"PK moi"))
    now = timezone.now()
    # nothing is a day old yet
    assert services.import_previews_purge(now=now) == 0
    # a day and a minute later only files saved before then go; a later upload stays
    later = now + services.PREVIEW_TTL + dt.timedelta(minutes=1)
    newer = default_storage.save(f"{services.IMPORT_PREVIEWS}/sau.xlsx", ContentFile(b"PK"))
    recent = later.timestamp() - 60
    os.utime(default_storage.path(newer), (recent, recent))
    assert services.import_previews_purge(now=later) == 2
    assert not default_storage.exists(old) and not default_storage.exists(new)
    assert default_storage.exists(newer)


def test_the_purge_is_a_daily_job():
    assert "motcua.reform.tasks.purge_import_previews" in schedule.DAILY_JOBS
    assert services.import_previews_purge() == 0  # an empty folder is fine
