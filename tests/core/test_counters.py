"""``core.throttle.over_limit`` counts every try where every server process sees it: in the
database on the embedded default (a per-process cache would let each gunicorn worker count
on its own), in Redis when it is the cache. Feedback's submission limits use it too."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from motcua.core.models import ThrottleCounter
from motcua.core.throttle import over_limit, tries_counted

T0 = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_tries_over_the_limit_are_refused_until_the_window_passes():
    results = [over_limit("dem:10.0.0.1", limit=3, window=60, now=T0) for _ in range(5)]
    assert results == [False, False, False, True, True]
    # a per-process cache plays no part: clearing it forgives nothing
    cache.clear()
    assert over_limit("dem:10.0.0.1", limit=3, window=60, now=T0 + dt.timedelta(seconds=59))
    # another key counts apart
    assert not over_limit("dem:10.0.0.2", limit=3, window=60, now=T0)
    # the window starts at its first try and ends ``window`` later: then the count restarts
    later = T0 + dt.timedelta(seconds=60)
    assert tries_counted("dem:10.0.0.1", window=dt.timedelta(seconds=60), now=later) == 1
    # keys are stored hashed: no client address in clear
    assert not ThrottleCounter.objects.filter(key__contains="10.0.0").exists()


@pytest.mark.django_db(transaction=True)
def test_separate_connections_counting_one_key_share_one_count():
    """8 threads, each with its own database connection, 15 tries each, released together:
    every try is counted once and exactly ``limit`` tries pass (no lost update)."""
    threads_n, tries, limit = 8, 15, 50
    barrier = threading.Barrier(threads_n)
    passed: list[bool] = []
    lock = threading.Lock()
    connections_seen: set[int] = set()

    def run():
        try:
            barrier.wait()
            for _ in range(tries):
                refused = over_limit("dem:chung", limit=limit, window=600)
                with lock:
                    passed.append(not refused)
                    connections_seen.add(id(connection.connection))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(connections_seen) == threads_n  # one connection per thread
    assert len(passed) == threads_n * tries
    assert sum(passed) == limit
    assert ThrottleCounter.objects.get(key__startswith="n:").failures == threads_n * tries


@pytest.mark.django_db
def test_feedback_submissions_are_counted_by_the_shared_counter(settings):
    from motcua.feedback.limits import TooManyRequests, intake_throttle

    settings.MOTCUA_FEEDBACK_LIMITS = {"intake": 2, "window_minutes": 60}
    now = timezone.now()
    intake_throttle(client="10.0.0.9", now=now)
    intake_throttle(client="10.0.0.9", now=now)
    with pytest.raises(TooManyRequests) as refused:
        intake_throttle(client="10.0.0.9", now=now)
    assert refused.value.status == 429 and "quá nhiều phản ánh" in refused.value.message
    assert ThrottleCounter.objects.filter(key__startswith="n:").count() == 1
    intake_throttle(client="10.0.0.9", now=now + dt.timedelta(minutes=61))  # a new window
