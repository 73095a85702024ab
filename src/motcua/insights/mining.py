"""Process mining on an event log, independent of where the log comes from.

The dossier history (``selectors.dossier_event_log``) and an external log (``logs.read_csv``)
both become a list of :class:`LogEvent`; :func:`mine` computes the directly-follows graph, the
variants and the rework loops. Durations are asked from a ``durations`` function so that the
dossier history is measured in working time (work calendar) and an external log in clock time.

Conventions (the same as pm4py's defaults, so the figures can be checked against it):

- a case's trace is its events sorted by time, ties kept in log order;
- a variant is the sequence of activity names of a trace;
- the edge ``a → b`` counts every pair of consecutive events of a trace;
- a case's duration is from its first to its last event.

The time between ``a`` and ``b`` is the time the step ``b`` took (waiting plus working): it is
charged to the group (unit) that recorded ``b``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

#: Actions that send a dossier back (rework) and that ask the applicant for more papers.
SEND_BACK = frozenset({"dossier.sent_back", "send_back"})
SUPPLEMENT = frozenset({"dossier.supplement_requested", "request_supplement"})


@dataclass(frozen=True)
class LogEvent:
    case: str
    activity: str
    at: dt.datetime
    resource: str = ""
    group: str = ""
    unit_id: int | None = None
    lifecycle: str = "complete"


#: A pair to measure: (from, to, unit whose calendar applies).
Pair = tuple[dt.datetime, dt.datetime, int | None]
Durations = Callable[[Sequence[Pair]], Sequence[float]]


def clock_hours(pairs: Sequence[Pair]) -> list[float]:
    """Elapsed clock hours (for logs that have no work calendar)."""
    return [(b - a).total_seconds() / 3600 for a, b, _ in pairs]


@dataclass
class Step:
    """One edge of the directly-follows graph, or one unit: where time went."""

    key: str
    count: int = 0
    hours: float = 0.0
    #: (hours, case) of the longest occurrences, longest first
    cases: list[tuple[float, str]] = field(default_factory=list)

    @property
    def mean_hours(self) -> float:
        return self.hours / self.count if self.count else 0.0


@dataclass
class Edge(Step):
    source: str = ""
    target: str = ""


@dataclass
class Variant:
    activities: tuple[str, ...]
    count: int
    share: float
    mean_hours: float
    cases: list[str]


@dataclass
class ProcessMap:
    cases: int
    events: int
    activities: Counter
    edges: list[Edge]
    variants: list[Variant]
    units: list[Step]
    case_hours: dict[str, float]
    rework: dict[str, int]
    starts: Counter
    ends: Counter

    def slowest_steps(self, n: int = 5) -> list[Edge]:
        return sorted(self.edges, key=lambda e: (-e.hours, e.key))[:n]

    def slowest_units(self, n: int = 5) -> list[Step]:
        return sorted(self.units, key=lambda u: (-u.hours, u.key))[:n]

    def dfg(self) -> dict[tuple[str, str], int]:
        return {(e.source, e.target): e.count for e in self.edges}


def traces(events: Iterable[LogEvent]) -> dict[str, list[LogEvent]]:
    """Events grouped by case, each case sorted by time (stable: ties keep log order)."""
    grouped: dict[str, list[LogEvent]] = defaultdict(list)
    for event in events:
        grouped[event.case].append(event)
    for trace in grouped.values():
        trace.sort(key=lambda e: e.at)
    return dict(grouped)


def _keep(step: Step, hours: float, case: str, keep: int) -> None:
    step.count += 1
    step.hours += hours
    step.cases.append((hours, case))
    if len(step.cases) > 4 * keep:
        step.cases.sort(key=lambda x: -x[0])
        del step.cases[keep:]


def mine(
    events: Iterable[LogEvent], *, durations: Durations = clock_hours, keep: int = 10
) -> ProcessMap:
    """The process map of ``events``: graph, variants, units, rework (``keep`` cases per step)."""
    by_case = traces(events)
    pairs: list[Pair] = []
    owners: list[tuple[str, str, str, str]] = []  # (case, source, target, group)
    spans: list[Pair] = []
    for case, trace in by_case.items():
        for a, b in zip(trace, trace[1:], strict=False):
            pairs.append((a.at, b.at, b.unit_id))
            owners.append((case, a.activity, b.activity, b.group))
        spans.append((trace[0].at, trace[-1].at, trace[-1].unit_id))
    hours = list(durations(pairs)) if pairs else []
    span_hours = list(durations(spans)) if spans else []

    edges: dict[tuple[str, str], Edge] = {}
    units: dict[str, Step] = {}
    for (case, source, target, group), h in zip(owners, hours, strict=True):
        edge = edges.get((source, target))
        if edge is None:
            edge = edges[(source, target)] = Edge(
                key=f"{source} → {target}", source=source, target=target
            )
        _keep(edge, h, case, keep)
        if group:
            _keep(units.setdefault(group, Step(key=group)), h, case, keep)
    for step in [*edges.values(), *units.values()]:
        step.cases.sort(key=lambda x: -x[0])
        del step.cases[keep:]

    case_hours = dict(zip(by_case, span_hours, strict=True))
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for case, trace in by_case.items():
        groups[tuple(e.activity for e in trace)].append(case)
    total = len(by_case) or 1
    variants = [
        Variant(
            activities=acts,
            count=len(cases),
            share=len(cases) / total,
            mean_hours=sum(case_hours[c] for c in cases) / len(cases),
            cases=cases[:keep],
        )
        for acts, cases in groups.items()
    ]
    variants.sort(key=lambda v: (-v.count, v.activities))
    return ProcessMap(
        cases=len(by_case),
        events=sum(len(t) for t in by_case.values()),
        activities=Counter(e.activity for t in by_case.values() for e in t),
        edges=sorted(edges.values(), key=lambda e: (-e.count, e.key)),
        variants=variants,
        units=sorted(units.values(), key=lambda u: (-u.hours, u.key)),
        case_hours=case_hours,
        rework=rework(by_case),
        starts=Counter(t[0].activity for t in by_case.values()),
        ends=Counter(t[-1].activity for t in by_case.values()),
    )


def rework(by_case: dict[str, list[LogEvent]]) -> dict[str, int]:
    """Loops: send-backs, repeated supplement requests, any activity done twice in a case."""
    send_backs = cases_sent_back = repeated_supplements = repeats = 0
    for trace in by_case.values():
        counts = Counter(e.activity for e in trace)
        backs = sum(counts[a] for a in SEND_BACK)
        send_backs += backs
        cases_sent_back += backs > 0
        repeated_supplements += sum(counts[a] for a in SUPPLEMENT) > 1
        repeats += any(n > 1 for n in counts.values())
    return {
        "send_backs": send_backs,
        "cases_sent_back": cases_sent_back,
        "cases_repeated_supplement": repeated_supplements,
        "cases_with_repeat": repeats,
    }
