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
#: Actions by which an officer takes up (claims) the work of a step: the time before one is
#: WAITING; any other interval is WORKING. In an external log, an event with
#: ``lifecycle:transition = start`` plays the same part.
CLAIM = frozenset({"dossier.self_assigned", "dossier.assigned", "self_assigned", "assigned"})


@dataclass(frozen=True)
class LogEvent:
    case: str
    activity: str
    at: dt.datetime
    resource: str = ""
    group: str = ""
    unit_id: int | None = None
    lifecycle: str = "complete"
    step: str = ""  # the process step the case is at after this event (dossiers: step name)


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
class Split:
    """Waiting (before an officer claims the work) and working time of a step or a unit."""

    key: str
    waiting: Step = field(default_factory=lambda: Step(key="waiting"))
    working: Step = field(default_factory=lambda: Step(key="working"))

    @property
    def hours(self) -> float:
        return self.waiting.hours + self.working.hours

    @property
    def waiting_share(self) -> float:
        return self.waiting.hours / self.hours if self.hours else 0.0


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
    #: per step (``LogEvent.step``, else the activity) and per unit: waiting vs working
    step_split: list[Split] = field(default_factory=list)
    unit_split: list[Split] = field(default_factory=list)
    #: hand-overs of work: (from, to) → Step (count, hours of the receiving step)
    officer_handovers: list[Step] = field(default_factory=list)
    unit_handovers: list[Step] = field(default_factory=list)

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
    more: list[tuple[str, bool, str, str, str]] = []  # (step, waiting, from res, to res, from grp)
    spans: list[Pair] = []
    for case, trace in by_case.items():
        for a, b in zip(trace, trace[1:], strict=False):
            pairs.append((a.at, b.at, b.unit_id))
            owners.append((case, a.activity, b.activity, b.group))
            waiting = b.activity in CLAIM or b.lifecycle == "start"
            more.append((a.step or a.activity, waiting, a.resource, b.resource, a.group))
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
    steps: dict[str, Split] = {}
    unit_splits: dict[str, Split] = {}
    hand_off: dict[str, Step] = {}
    hand_unit: dict[str, Step] = {}
    for (case, _, _, group), (step_name, waiting, res_a, res_b, group_a), h in zip(
        owners, more, hours, strict=True
    ):
        split = steps.setdefault(step_name, Split(key=step_name))
        _keep(split.waiting if waiting else split.working, h, case, keep)
        if group:
            usplit = unit_splits.setdefault(group, Split(key=group))
            _keep(usplit.waiting if waiting else usplit.working, h, case, keep)
        if res_a and res_b and res_a != res_b:
            key = f"{res_a} → {res_b}"
            _keep(hand_off.setdefault(key, Step(key=key)), h, case, keep)
        if group_a and group and group_a != group:
            key = f"{group_a} → {group}"
            _keep(hand_unit.setdefault(key, Step(key=key)), h, case, keep)
    for split in [*steps.values(), *unit_splits.values()]:
        for part in (split.waiting, split.working):
            part.cases.sort(key=lambda x: -x[0])
            del part.cases[keep:]
    for step in [*edges.values(), *units.values(), *hand_off.values(), *hand_unit.values()]:
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
        step_split=sorted(steps.values(), key=lambda x: (-x.hours, x.key)),
        unit_split=sorted(unit_splits.values(), key=lambda x: (-x.hours, x.key)),
        officer_handovers=sorted(hand_off.values(), key=lambda x: (-x.count, x.key)),
        unit_handovers=sorted(hand_unit.values(), key=lambda x: (-x.count, x.key)),
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
