"""The demo history is made through the services: every item has its history, clocks hold."""

from __future__ import annotations

import io
import random

from motcua.feedback import demo
from motcua.feedback.models import Feedback, Round, Status
from motcua.ledger.models import Event


def test_demo_feedback_history(demo_province):
    out = io.StringIO()
    demo.load(rng=random.Random(3), stdout=out, options={"small": True})
    assert Feedback.objects.count() == 60
    assert "Phản ánh mẫu: 60" in out.getvalue()
    statuses = set(Feedback.objects.values_list("status", flat=True))
    assert {Status.PUBLISHED, Status.REJECTED} <= statuses
    assert Round.objects.filter(answered_at__isnull=False).exists()
    for item in Feedback.objects.all():
        events = Event.objects.filter(subject_type="feedback", subject_id=str(item.pk))
        assert events.filter(action="feedback.submitted").count() == 1
        assert item.received_at <= item.stage_started_at
