"""Routing suggestion: which field and which unit a feedback text belongs to.

A small multinomial naive Bayes over folded words and word pairs, trained locally (nothing is
downloaded) on the procedure catalog (procedure name → field) and on past routed items (text →
field; field → the units that handled it). The officer confirms or changes the suggestion.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from motcua.catalog.models import Field, Procedure
from motcua.core.text import search_tokens
from motcua.feedback.models import Feedback, Transfer

ALPHA = 0.5
CACHE_SECONDS = 600
STOP = {
    "va",
    "cua",
    "cho",
    "the",
    "de",
    "nghi",
    "toi",
    "da",
    "duoc",
    "khong",
    "co",
    "la",
    "khi",
    "mot",
    "cac",
    "nhung",
    "tai",
    "ve",
    "voi",
    "trong",
    "nhu",
    "thu",
    "tuc",
}


def features(text: str) -> list[str]:
    words = [w for w in search_tokens(text) if w not in STOP and len(w) > 1]
    return words + [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)]


@dataclass
class NaiveBayes:
    counts: dict = field(default_factory=lambda: defaultdict(Counter))
    totals: Counter = field(default_factory=Counter)
    docs: Counter = field(default_factory=Counter)
    vocabulary: set = field(default_factory=set)

    def add(self, text: str, label, weight: int = 1) -> None:
        words = features(text)
        for _ in range(weight):
            self.counts[label].update(words)
            self.totals[label] += len(words)
            self.docs[label] += 1
        self.vocabulary.update(words)

    def posterior(self, text: str) -> dict:
        words = [w for w in features(text) if w in self.vocabulary]
        n_docs, v = sum(self.docs.values()), len(self.vocabulary) or 1
        scores = {}
        for label, count in self.docs.items():
            c, total = self.counts[label], self.totals[label]
            scores[label] = math.log(count / n_docs) + sum(
                math.log((c[w] + ALPHA) / (total + ALPHA * v)) for w in words
            )
        if not scores:
            return {}
        top = max(scores.values())
        exp = {k: math.exp(s - top) for k, s in scores.items()}
        norm = sum(exp.values())
        return {k: e / norm for k, e in exp.items()}


@dataclass
class Router:
    fields: NaiveBayes
    unit_by_field: dict  # field id → Counter of unit ids

    def suggest(self, text: str, k: int = 3) -> dict:
        p_field = self.fields.posterior(text)
        units: Counter = Counter()
        for field_id, p in p_field.items():
            handled = self.unit_by_field.get(field_id)
            if not handled:
                continue
            n = sum(handled.values())
            for unit_id, c in handled.items():
                units[unit_id] += p * c / n
        best_fields = sorted(p_field.items(), key=lambda kv: -kv[1])[:k]
        return {"fields": best_fields, "units": units.most_common(k)}


def _routed(items=None) -> list[tuple[Feedback, int]]:
    """(item, unit that handled it) for items transferred within the province."""
    first = {}
    for t in (
        Transfer.objects.filter(to_unit__isnull=False)
        .order_by("at")
        .values("feedback_id", "to_unit_id")
    ):
        first.setdefault(t["feedback_id"], t["to_unit_id"])
    qs = Feedback.objects.filter(pk__in=list(first)) if items is None else items
    return [
        (i, first[i.pk]) for i in qs.only("pk", "title", "content", "field_id") if i.pk in first
    ]


def train(routed: list[tuple[Feedback, int]]) -> Router:
    nb = NaiveBayes()
    for name, field_id in Procedure.objects.values_list("name", "field_id"):
        nb.add(name, field_id)
    for f in Field.objects.values_list("pk", "name"):
        nb.add(f[1], f[0])
    unit_by_field: dict = defaultdict(Counter)
    for item, unit_id in routed:
        if item.field_id is not None:
            nb.add(f"{item.title} {item.content}", item.field_id, weight=2)
            unit_by_field[item.field_id][unit_id] += 1
    return Router(nb, dict(unit_by_field))


_CACHE: dict = {}


def router() -> Router:
    cached = _CACHE.get("router")
    if cached is None or time.monotonic() - cached[0] > CACHE_SECONDS:
        cached = (time.monotonic(), train(_routed()))
        _CACHE["router"] = cached
    return cached[1]


def suggest(item: Feedback) -> dict:
    """Top-3 fields and units for ``item`` as (object, probability) pairs."""
    from motcua.organization.models import Unit

    raw = router().suggest(f"{item.title} {item.content}")
    fields = Field.objects.in_bulk([f for f, _ in raw["fields"]])
    units = Unit.objects.in_bulk([u for u, _ in raw["units"]])
    return {
        "fields": [(fields[f], p) for f, p in raw["fields"] if f in fields],
        "units": [(units[u], p) for u, p in raw["units"] if u in units],
    }


def evaluate(*, share: float = 0.2, seed: int = 7) -> dict:
    """Top-1/top-3 accuracy on a held-out split of the routed items (unit and field)."""
    routed = _routed()
    random.Random(seed).shuffle(routed)
    cut = int(len(routed) * (1 - share))
    model, test = train(routed[:cut]), routed[cut:]
    hits = Counter()
    for item, unit_id in test:
        s = model.suggest(f"{item.title} {item.content}")
        units, fields = [u for u, _ in s["units"]], [f for f, _ in s["fields"]]
        hits["unit1"] += units[:1] == [unit_id]
        hits["unit3"] += unit_id in units[:3]
        hits["field1"] += fields[:1] == [item.field_id]
        hits["field3"] += item.field_id in fields[:3]
    n = len(test) or 1
    return {
        "train": cut,
        "test": len(test),
        **{k: hits[k] / n for k in ("unit1", "unit3", "field1", "field3")},
    }
