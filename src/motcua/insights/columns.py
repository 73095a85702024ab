"""Process mining on a log held as columns (NumPy arrays), for the large logs of a province.

:func:`mine_columns` returns the same :class:`~motcua.insights.mining.ProcessMap` as
:func:`~motcua.insights.mining.mine` — same conventions, same order of every list, the same
floating-point sums (``numpy.bincount`` adds its weights one by one in array order, as the
plain loop does) — without one Python object per event: the events are integer codes, the
durations one vectorised call per calendar, the groupings ``bincount`` and ``lexsort``. Only
what the map keeps (edges, units, variants, the longest cases of each) becomes Python objects.
``tests/insights/test_columns.py`` checks the two give equal maps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from motcua.insights.mining import (
    CLAIM,
    SEND_BACK,
    SUPPLEMENT,
    Edge,
    LogEvent,
    ProcessMap,
    Split,
    Step,
    Variant,
)

#: (from µs, to µs, calendar unit id or -1) → hours, all arrays of one length.
ColumnDurations = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
US_PER_HOUR = 3_600_000_000


def clock_hours_us(a: np.ndarray, b: np.ndarray, unit: np.ndarray) -> np.ndarray:
    """Elapsed clock hours (as ``mining.clock_hours``: seconds first, then hours)."""
    return (b - a).astype(np.float64) / 1_000_000 / 3600


class Codes:
    """Dictionary encoding in order of first appearance (``code(value)`` → small integer)."""

    def __init__(self) -> None:
        self.index: dict = {}
        self.names: list = []

    def code(self, value) -> int:
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.names)
            self.names.append(value)
        return found

    def codes(self, values: Iterable) -> np.ndarray:
        """Codes of ``values``; new names appended in order of first appearance (the loops
        run in C: ``dict.fromkeys`` for the new names, ``map`` for the lookups)."""
        values = values if isinstance(values, list | tuple) else list(values)
        index, names = self.index, self.names
        for value in dict.fromkeys(values):
            if value not in index:
                index[value] = len(names)
                names.append(value)
        return np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))


@dataclass
class Columns:
    """One row per event, in log order. Names are looked up by code (``""`` = none)."""

    case: np.ndarray  # codes in order of first appearance (the log's case order)
    activity: np.ndarray
    at: np.ndarray  # µs since the epoch, UTC (int64)
    resource: np.ndarray
    group: np.ndarray
    unit: np.ndarray  # calendar unit id, -1 for none
    step: np.ndarray
    start: np.ndarray  # bool: lifecycle "start"
    case_names: list[str] = field(default_factory=list)
    activity_names: list[str] = field(default_factory=list)
    resource_names: list[str] = field(default_factory=list)
    group_names: list[str] = field(default_factory=list)
    step_names: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.case)

    @classmethod
    def from_events(cls, events: Iterable[LogEvent]) -> Columns:
        cases, acts, res, groups, steps = Codes(), Codes(), Codes(), Codes(), Codes()
        rows = list(events)
        at = np.array([round(e.at.timestamp() * 1_000_000) for e in rows], dtype=np.int64).reshape(
            -1
        )
        return cls(
            case=cases.codes(e.case for e in rows),
            activity=acts.codes(e.activity for e in rows),
            at=at,
            resource=res.codes(e.resource for e in rows),
            group=groups.codes(e.group for e in rows),
            unit=np.array(
                [-1 if e.unit_id is None else e.unit_id for e in rows], dtype=np.int64
            ).reshape(-1),
            step=steps.codes(e.step for e in rows),
            start=np.array([e.lifecycle == "start" for e in rows], dtype=bool).reshape(-1),
            case_names=cases.names,
            activity_names=acts.names,
            resource_names=res.names,
            group_names=groups.names,
            step_names=steps.names,
        )


def _member(codes: np.ndarray, names: list[str], wanted: frozenset[str]) -> np.ndarray:
    table = np.array([n in wanted for n in names] + [False], dtype=bool)
    return table[codes]


def _nonempty(names: list[str]) -> np.ndarray:
    return np.array([bool(n) for n in names] + [False], dtype=bool)


def _canonical(names: list[str]) -> tuple[np.ndarray, list[str]]:
    """Codes whose names repeat mapped to one code each (first appearance wins)."""
    index: dict[str, int] = {}
    remap = np.empty(len(names), dtype=np.int64)
    for i, name in enumerate(names):
        remap[i] = index.setdefault(name, len(index))
    return remap, list(index)


def _steps(
    key: np.ndarray,
    names: list[str],
    hours: np.ndarray,
    case: np.ndarray,
    case_names: list[str],
    keep: int,
    make: Callable[[int, str], Step],
    by_hours: np.ndarray | None = None,
) -> dict[int, Step]:
    """Group rows by ``key``: count, hours (summed in row order) and the ``keep`` longest
    (hours, case) of each, longest first, ties in row order — what ``mining._keep`` keeps.
    ``by_hours``: the rows longest first, ties in row order (``_by_hours``), if known."""
    out: dict[int, Step] = {}
    if not len(key):
        return out
    n = len(names)
    counts = np.bincount(key, minlength=n)
    sums = np.bincount(key, weights=hours, minlength=n)
    # by key, then longest first, then row order: a stable sort by key of the rows already
    # longest first (the same order as ``np.lexsort((rows, -hours, key))``, at a fraction of
    # its cost: small keys are sorted by radix)
    if by_hours is None:
        by_hours = _by_hours(hours)
    keys = key[by_hours]
    if n <= np.iinfo(np.int16).max:
        keys = keys.astype(np.int16)
    order = by_hours[np.argsort(keys, kind="stable")]
    k_sorted = key[order]
    firsts = np.flatnonzero(np.r_[True, k_sorted[1:] != k_sorted[:-1]])
    starts = np.repeat(firsts, np.diff(np.r_[firsts, len(key)]))
    top = order[(np.arange(len(key)) - starts) < keep]
    top_hours = hours[top].tolist()
    top_case = case[top].tolist()
    top_key = key[top].tolist()
    for k in np.flatnonzero(counts).tolist():
        step = out[k] = make(k, names[k])
        step.count = int(counts[k])
        step.hours = float(sums[k])
    for k, h, c in zip(top_key, top_hours, top_case, strict=True):
        out[k].cases.append((h, case_names[c]))
    return out


def _by_hours(hours: np.ndarray) -> np.ndarray:
    """Row numbers, longest first, ties in row order."""
    return np.argsort(-hours, kind="stable")


def _subset(by_hours: np.ndarray, sel: np.ndarray, n: int) -> np.ndarray:
    """``_by_hours`` of the rows ``sel`` (increasing row numbers out of ``n``), from that of
    all rows: the same order, as positions in ``sel``."""
    member = np.zeros(n, dtype=bool)
    member[sel] = True
    position = np.cumsum(member) - 1
    return position[by_hours[member[by_hours]]]


def _first_order_counter(codes: np.ndarray, names: list[str]) -> Counter:
    """Counter of ``names[codes]``, keys inserted in order of first appearance."""
    counter: Counter = Counter()
    if not len(codes):
        return counter
    uniq, first, counts = np.unique(codes, return_index=True, return_counts=True)
    for i in np.argsort(first, kind="stable").tolist():
        name = names[int(uniq[i])]
        counter[name] += int(counts[i])
    return counter


def mine_columns(
    log: Columns, *, durations: ColumnDurations = clock_hours_us, keep: int = 10
) -> ProcessMap:
    """The process map of ``log``, equal to ``mining.mine`` of the same events."""
    n = len(log)
    # traces: by case (codes follow the log's case order), then time, ties in log order —
    # the log's own order when it is so already (as the dossier history is read)
    ordered = n < 2 or bool(
        np.all(
            (log.case[1:] > log.case[:-1])
            | ((log.case[1:] == log.case[:-1]) & (log.at[1:] >= log.at[:-1]))
        )
    )
    order = np.arange(n) if ordered else np.lexsort((log.at, log.case))
    case, act, at = log.case[order], log.activity[order], log.at[order]
    res, grp, unit, stp, start = (
        log.resource[order],
        log.group[order],
        log.unit[order],
        log.step[order],
        log.start[order],
    )
    new_case = np.r_[True, case[1:] != case[:-1]] if n else np.zeros(0, dtype=bool)
    firsts = np.flatnonzero(new_case)
    lasts = np.r_[firsts[1:] - 1, n - 1] if n else firsts
    a = np.flatnonzero(~new_case[1:]) if n else firsts  # pair (a, a + 1) within a case
    b = a + 1
    hours = np.asarray(durations(at[a], at[b], unit[b]), dtype=np.float64) if len(a) else a * 0.0
    span = (
        np.asarray(durations(at[firsts], at[lasts], unit[lasts]), dtype=np.float64)
        if len(firsts)
        else np.zeros(0)
    )
    pair_case = case[b]
    names = log.case_names
    by_hours = _by_hours(hours)  # shared by every grouping of the pairs below

    # directly-follows edges
    n_act = max(len(log.activity_names), 1)
    edge_key = act[a] * n_act + act[b]
    edge_names: list[str] = []
    uniq_edges = np.unique(edge_key)
    dense = np.searchsorted(uniq_edges, edge_key)
    for k in uniq_edges.tolist():
        source, target = log.activity_names[k // n_act], log.activity_names[k % n_act]
        edge_names.append(f"{source} → {target}")

    def make_edge(k: int, key: str) -> Step:
        code = int(uniq_edges[k])
        return Edge(
            key=key,
            source=log.activity_names[code // n_act],
            target=log.activity_names[code % n_act],
        )

    edges = _steps(dense, edge_names, hours, pair_case, names, keep, make_edge, by_hours)

    # units: the group that recorded the second event of the pair
    has_group = _nonempty(log.group_names)[grp[b]]
    g_sel = np.flatnonzero(has_group)
    g_by_hours = _subset(by_hours, g_sel, len(hours))
    units = _steps(
        grp[b][g_sel],
        log.group_names,
        hours[g_sel],
        pair_case[g_sel],
        names,
        keep,
        lambda k, key: Step(key=key),
        g_by_hours,
    )

    # waiting vs working, per step (the first event's step, else its activity) and unit
    step_text = [*log.step_names, *log.activity_names]
    remap, step_keys = _canonical(step_text)
    has_step = _nonempty(log.step_names)[stp[a]]
    step_code = remap[np.where(has_step, stp[a], len(log.step_names) + act[a])]
    waiting = _member(act[b], log.activity_names, CLAIM) | start[b]
    split_names = [f"{k}\x00{w}" for k in step_keys for w in (0, 1)]
    parts = _steps(
        step_code * 2 + waiting,
        split_names,
        hours,
        pair_case,
        names,
        keep,
        lambda k, key: Step(key="waiting" if k % 2 else "working"),
        by_hours,
    )
    step_split = _splits(parts, step_keys)
    unit_names2 = [f"{g}\x00{w}" for g in log.group_names for w in (0, 1)]
    uparts = _steps(
        (grp[b] * 2 + waiting)[g_sel],
        unit_names2,
        hours[g_sel],
        pair_case[g_sel],
        names,
        keep,
        lambda k, key: Step(key="waiting" if k % 2 else "working"),
        g_by_hours,
    )
    unit_split = _splits(uparts, log.group_names)

    # hand-overs between officers and between units
    def handovers_of(code: np.ndarray, labels: list[str]):
        """Pairs whose two events name two different, non-empty ``labels``."""
        n_lab = max(len(labels), 1)
        has = _nonempty(labels)
        sel = np.flatnonzero(has[code[a]] & has[code[b]] & (code[a] != code[b]))
        return _handovers(
            code[a][sel] * n_lab + code[b][sel],
            n_lab,
            labels,
            hours[sel],
            pair_case[sel],
            names,
            keep,
            _subset(by_hours, sel, len(hours)),
        )

    officer = handovers_of(res, log.resource_names)
    unit_hand = handovers_of(grp, log.group_names)

    # variants: the activity sequence of each case, cases in log order
    case_ids = case[firsts]
    lengths = np.diff(np.r_[firsts, n])
    buf = act.astype(np.int32).tobytes()
    bounds = (firsts * 4).tolist()
    ends = ((firsts + lengths) * 4).tolist()
    seen: dict[bytes, int] = {}
    variant_of = np.fromiter(
        (seen.setdefault(buf[s:e], len(seen)) for s, e in zip(bounds, ends, strict=True)),
        dtype=np.int64,
        count=len(firsts),
    )
    total = len(firsts) or 1
    v_count = np.bincount(variant_of, minlength=len(seen))
    v_sum = np.bincount(variant_of, weights=span, minlength=len(seen))
    v_order = np.lexsort((np.arange(len(firsts)), variant_of))
    v_first = np.searchsorted(variant_of[v_order], np.arange(len(seen)))
    case_list = case_ids[v_order].tolist()
    variants = []
    for v, key in enumerate(seen):
        activities = tuple(log.activity_names[c] for c in np.frombuffer(key, dtype=np.int32))
        count = int(v_count[v])
        first = int(v_first[v])
        variants.append(
            Variant(
                activities=activities,
                count=count,
                share=count / total,
                mean_hours=float(v_sum[v]) / count,
                cases=[names[c] for c in case_list[first : first + min(count, keep)]],
            )
        )
    variants.sort(key=lambda v: (-v.count, v.activities))

    case_hours = dict(zip([names[c] for c in case_ids.tolist()], span.tolist(), strict=True))
    return ProcessMap(
        cases=len(firsts),
        events=n,
        activities=_first_order_counter(act, log.activity_names),
        edges=sorted(edges.values(), key=lambda e: (-e.count, e.key)),  # type: ignore[misc]
        variants=variants,
        units=sorted(units.values(), key=lambda u: (-u.hours, u.key)),
        case_hours=case_hours,
        rework=_rework(case, act, log.activity_names, len(firsts)),
        starts=_first_order_counter(act[firsts], log.activity_names),
        ends=_first_order_counter(act[lasts], log.activity_names),
        step_split=sorted(step_split, key=lambda x: (-x.hours, x.key)),
        unit_split=sorted(unit_split, key=lambda x: (-x.hours, x.key)),
        officer_handovers=sorted(officer, key=lambda x: (-x.count, x.key)),
        unit_handovers=sorted(unit_hand, key=lambda x: (-x.count, x.key)),
    )


def _splits(parts: dict[int, Step], keys: list[str]) -> list[Split]:
    out: dict[int, Split] = {}
    for k, part in parts.items():
        split = out.setdefault(k // 2, Split(key=keys[k // 2]))
        if k % 2:
            split.waiting = part
        else:
            split.working = part
    return list(out.values())


def _handovers(
    pair: np.ndarray,
    n: int,
    names: list[str],
    hours: np.ndarray,
    case: np.ndarray,
    case_names: list[str],
    keep: int,
    by_hours: np.ndarray | None = None,
) -> list[Step]:
    """Hand-overs keyed by their text ``from → to`` (two pairs of names could write it alike)."""
    if not len(pair):
        return []
    uniq = np.unique(pair)
    texts = [f"{names[k // n]} → {names[k % n]}" for k in uniq.tolist()]
    remap, keys = _canonical(texts)
    dense = remap[np.searchsorted(uniq, pair)]
    return list(
        _steps(
            dense, keys, hours, case, case_names, keep, lambda k, key: Step(key=key), by_hours
        ).values()
    )


def _rework(case: np.ndarray, act: np.ndarray, names: list[str], cases: int) -> dict[str, int]:
    """As ``mining.rework``: send-backs, repeated supplement requests, any repeated activity."""
    back = _member(act, names, SEND_BACK)
    supplement = _member(act, names, SUPPLEMENT)
    per_case_back = np.bincount(case[back], minlength=cases) if cases else np.zeros(0)
    per_case_supp = np.bincount(case[supplement], minlength=cases) if cases else np.zeros(0)
    n_act = max(len(names), 1)
    pairs, pair_counts = np.unique(case * n_act + act, return_counts=True)
    repeated = np.unique(pairs[pair_counts > 1] // n_act)
    return {
        "send_backs": int(back.sum()),
        "cases_sent_back": int((per_case_back > 0).sum()),
        "cases_repeated_supplement": int((per_case_supp > 1).sum()),
        "cases_with_repeat": len(repeated),
    }
