"""Early warning: the probability that an open case finishes late, from a logistic regression
trained on the history (scikit-learn), with the main reasons of each score.

Independent of where the history comes from: the dossier history (``selectors_risk``) and an
external log (``logs.read_cases_csv``) both become a list of :class:`Case`, each a sequence of
:class:`State` (the case's situation after each event: holding unit and officer, due time,
clock running or paused, steps and supplement requests so far).

A *snapshot* is a case seen at a prediction time ``t``: only cases received, not ended, clock
running and **not yet overdue** at ``t`` (a case already past its due time is trivially late).
Its features are those the issue names — procedure, unit, channel, elapsed and remaining
working time, the share of the allotted time used, steps done, supplements, and the queue
sizes of the holding officer and unit at ``t`` (cases they held at ``t``) — all read from
what was known at ``t``. The label is whether the case finished after its due time.

The fitted model is kept as plain numbers (JSON: categories, means, scales, coefficients), so
scoring needs neither scikit-learn nor a pickle; each feature's contribution to the logit is
``coef × standardised value`` (its pull away from the average snapshot), summed per feature.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from motcua.insights.mining import Durations, Pair, clock_hours

CATEGORICAL = ("procedure", "unit", "channel")
NUMERIC = (
    "elapsed",
    "remaining",
    "share",
    "steps",
    "supplements",
    "officer_queue",
    "unit_queue",
)
#: Numeric features given to the model as log(1 + x) (long tails).
LOGGED = frozenset({"elapsed", "remaining", "officer_queue", "unit_queue"})
#: Categories kept per categorical feature (the most frequent; the rest count as "other").
MAX_CATEGORIES = 40
MIN_SNAPSHOTS = 20
MIN_PER_CLASS = 3


@dataclass(frozen=True)
class State:
    """A case's situation from ``at`` until its next event."""

    at: dt.datetime
    unit: str = ""
    officer: str = ""
    due: dt.datetime | None = None
    running: bool = True
    steps: int = 0
    supplements: int = 0


@dataclass
class Case:
    key: str
    procedure: str
    channel: str
    start: dt.datetime
    end: dt.datetime | None  # None: still open
    late: bool | None  # None: not finished (open, withdrawn, stopped)
    states: list[State]
    calendar: int | None = None  # unit whose work calendar measures the case
    unit_label: dict[str, str] = field(default_factory=dict)

    def state_at(self, t: dt.datetime, stamps: list[dt.datetime] | None = None) -> State | None:
        i = bisect.bisect_right(stamps or [s.at for s in self.states], t)
        return self.states[i - 1] if i else None


@dataclass
class Snapshots:
    keys: list[str]
    times: list[dt.datetime]
    categorical: dict[str, list[str]]
    numeric: dict[str, np.ndarray]
    late: np.ndarray  # 1 late, 0 on time, -1 unknown

    def __len__(self) -> int:
        return len(self.keys)

    def take(self, idx: np.ndarray) -> Snapshots:
        return Snapshots(
            keys=[self.keys[i] for i in idx],
            times=[self.times[i] for i in idx],
            categorical={k: [v[i] for i in idx] for k, v in self.categorical.items()},
            numeric={k: v[idx] for k, v in self.numeric.items()},
            late=self.late[idx],
        )

    @property
    def baseline(self) -> np.ndarray:
        """The issue's baseline score: the share of the allotted time already used."""
        return self.numeric["share"]


def _holder_counts(cases: Sequence[Case]) -> tuple[dict, dict]:
    """Per officer and per unit: sorted starts and ends of the periods they held a case."""
    spans: dict[str, dict[str, tuple[list, list]]] = {"officer": {}, "unit": {}}
    for case in cases:
        for i, state in enumerate(case.states):
            if case.end is not None and state.at >= case.end:
                break
            nxt = case.states[i + 1].at if i + 1 < len(case.states) else case.end
            end = nxt.timestamp() if nxt is not None else math.inf
            for kind, holder in (("officer", state.officer), ("unit", state.unit)):
                if holder:
                    starts, ends = spans[kind].setdefault(holder, ([], []))
                    starts.append(state.at.timestamp())
                    ends.append(end)
    out: tuple[dict, dict] = ({}, {})
    for n, kind in enumerate(("officer", "unit")):
        for holder, (starts, ends) in spans[kind].items():
            out[n][holder] = (np.sort(starts), np.sort(ends))
    return out


def _queue(index: dict, holders: list[str], times: np.ndarray) -> np.ndarray:
    counts = np.zeros(len(holders))
    by_holder: dict[str, list[int]] = defaultdict(list)
    for i, h in enumerate(holders):
        if h:
            by_holder[h].append(i)
    for holder, idx in by_holder.items():
        if holder not in index:
            continue
        starts, ends = index[holder]
        t = times[idx]
        counts[idx] = np.searchsorted(starts, t, "right") - np.searchsorted(ends, t, "right")
    return counts


def snapshots(
    cases: Sequence[Case],
    times: Iterable[dt.datetime],
    *,
    durations: Durations = clock_hours,
    queues_from: Sequence[Case] | None = None,
) -> Snapshots:
    """Every case seen at every time of ``times`` at which it is open, running and not overdue.

    ``queues_from``: the cases whose holders make the queues (default ``cases``; scoring a
    selection still counts every open case in the queues)."""
    times = sorted(times)
    picked: list[tuple[Case, dt.datetime, State]] = []
    for case in cases:
        lo = bisect.bisect_left(times, case.start)
        hi = len(times) if case.end is None else bisect.bisect_left(times, case.end)
        if hi <= lo:
            continue
        stamps = [s.at for s in case.states]
        for t in times[lo:hi]:
            state = case.state_at(t, stamps) or State(at=case.start)
            if state.running and state.due is not None and t < state.due:
                picked.append((case, t, state))
    pairs_used: list[Pair] = [(c.start, t, c.calendar) for c, t, _ in picked]
    pairs_left: list[Pair] = [(t, s.due, c.calendar) for c, t, s in picked]  # type: ignore[misc]
    used = np.asarray(durations(pairs_used) if picked else [], dtype=float)
    left = np.asarray(durations(pairs_left) if picked else [], dtype=float)
    used = np.maximum(used, 0.0)
    left = np.maximum(left, 0.0)
    allotted = used + left
    share = np.divide(used, allotted, out=np.ones_like(used), where=allotted > 0)
    stamps = np.array([t.timestamp() for _, t, _ in picked], dtype=float)
    officers, units = _holder_counts(queues_from if queues_from is not None else cases)
    officer_of = [s.officer for _, _, s in picked]
    unit_of = [s.unit for _, _, s in picked]
    return Snapshots(
        keys=[c.key for c, _, _ in picked],
        times=[t for _, t, _ in picked],
        categorical={
            "procedure": [c.procedure for c, _, _ in picked],
            "unit": unit_of,
            "channel": [c.channel for c, _, _ in picked],
        },
        numeric={
            "elapsed": used,
            "remaining": left,
            "share": share,
            "steps": np.array([s.steps for _, _, s in picked], dtype=float),
            "supplements": np.array([s.supplements for _, _, s in picked], dtype=float),
            "officer_queue": _queue(officers, officer_of, stamps),
            "unit_queue": _queue(units, unit_of, stamps),
        },
        late=np.array([-1 if c.late is None else int(c.late) for c, _, _ in picked], dtype=np.int8),
    )


def daily_times(
    start: dt.datetime, end: dt.datetime, *, hour: int = 9, every_days: int = 1
) -> list[dt.datetime]:
    """Prediction times: ``hour`` o'clock (in ``start``'s time zone) every ``every_days``."""
    first = start.replace(hour=hour, minute=0, second=0, microsecond=0)
    if first < start:
        first += dt.timedelta(days=1)
    out = []
    t = first
    while t < end:
        out.append(t)
        t += dt.timedelta(days=every_days)
    return out


# ---------------------------------------------------------------- the model as plain numbers


@dataclass
class Model:
    categories: dict[str, list[str]]
    columns: list[tuple[str, str]]  # (feature, category or "")
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def to_json(self) -> dict:
        return {
            "kind": "logistic_regression",
            "categories": self.categories,
            "columns": [list(c) for c in self.columns],
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
        }

    @classmethod
    def from_json(cls, data: dict) -> Model:
        return cls(
            categories={k: list(v) for k, v in data["categories"].items()},
            columns=[(c[0], c[1]) for c in data["columns"]],
            mean=np.asarray(data["mean"], dtype=float),
            scale=np.asarray(data["scale"], dtype=float),
            coef=np.asarray(data["coef"], dtype=float),
            intercept=float(data["intercept"]),
        )

    def matrix(self, snaps: Snapshots) -> np.ndarray:
        x = np.zeros((len(snaps), len(self.columns)))
        for j, (feature, category) in enumerate(self.columns):
            if category:
                x[:, j] = [v == category for v in snaps.categorical[feature]]
            else:
                values = snaps.numeric[feature]
                x[:, j] = np.log1p(values) if feature in LOGGED else values
        return x

    def contributions(self, snaps: Snapshots) -> tuple[np.ndarray, np.ndarray]:
        """(probabilities, contributions per feature: rows × len(CATEGORICAL + NUMERIC))."""
        z = (self.matrix(snaps) - self.mean) / self.scale
        parts = z * self.coef
        logit = parts.sum(axis=1) + self.intercept
        names = [*CATEGORICAL, *NUMERIC]
        per_feature = np.zeros((len(snaps), len(names)))
        for j, (feature, _) in enumerate(self.columns):
            per_feature[:, names.index(feature)] += parts[:, j]
        return 1 / (1 + np.exp(-logit)), per_feature

    def predict(self, snaps: Snapshots) -> np.ndarray:
        return self.contributions(snaps)[0]


class NotEnoughHistory(ValueError):
    pass


def train(snaps: Snapshots, *, c: float = 1.0) -> Model:
    """Fit a logistic regression on the labelled snapshots (scikit-learn)."""
    from sklearn.linear_model import LogisticRegression

    known = snaps.late >= 0
    y = snaps.late[known]
    if len(y) < MIN_SNAPSHOTS or min(int(y.sum()), int(len(y) - y.sum())) < MIN_PER_CLASS:
        raise NotEnoughHistory(f"{len(y)} snapshots, {int(y.sum())} late: too few to learn from")
    categories: dict[str, list[str]] = {}
    for feature in CATEGORICAL:
        counts: dict[str, int] = defaultdict(int)
        for value, keep in zip(snaps.categorical[feature], known, strict=True):
            if keep and value:
                counts[value] += 1
        categories[feature] = sorted(counts, key=lambda v: (-counts[v], v))[:MAX_CATEGORIES]
    columns = [(f, cat) for f in CATEGORICAL for cat in categories[f]] + [(f, "") for f in NUMERIC]
    model = Model(categories, columns, np.zeros(0), np.zeros(0), np.zeros(0), 0.0)
    x = model.matrix(snaps)[known]
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    fitted = LogisticRegression(C=c, max_iter=2000).fit((x - mean) / scale, y)
    model.mean, model.scale = mean, scale
    model.coef = fitted.coef_[0].astype(float)
    model.intercept = float(fitted.intercept_[0])
    return model


def _reason(feature: str, snaps: Snapshots, i: int) -> str:
    from motcua.core.formats import vn_number

    if feature in CATEGORICAL:
        label = {"procedure": "Thủ tục", "unit": "Đơn vị đang giữ", "channel": "Hình thức nộp"}
        return f"{label[feature]}: {snaps.categorical[feature][i] or 'không rõ'}"
    v = float(snaps.numeric[feature][i])
    return {
        "elapsed": f"Đã dùng {vn_number(v, 1)} giờ làm việc",
        "remaining": f"Còn {vn_number(v, 1)} giờ làm việc đến hạn",
        "share": f"Đã dùng {vn_number(100 * v)}% thời hạn",
        "steps": f"Đã qua {vn_number(v)} bước",
        "supplements": f"Đã yêu cầu bổ sung {vn_number(v)} lần",
        "officer_queue": f"Cán bộ đang giữ {vn_number(v)} hồ sơ",
        "unit_queue": f"Đơn vị đang giữ {vn_number(v)} hồ sơ",
    }[feature]


def reasons(snaps: Snapshots, contributions: np.ndarray, *, top: int = 3) -> list[list[str]]:
    """The main reasons of each score: the features pulling it up the most (in Vietnamese)."""
    names = [*CATEGORICAL, *NUMERIC]
    out = []
    for i, row in enumerate(contributions):
        order = [j for j in np.argsort(-row) if row[j] > 0.05][:top]
        out.append([_reason(names[j], snaps, i) for j in order])
    return out


# ---------------------------------------------------------------- evaluation


def reliability(p: np.ndarray, y: np.ndarray, bins: int = 10) -> list[dict]:
    """Calibration table: per bin of predicted probability, the mean prediction and the
    observed share late."""
    rows = []
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    for b in range(bins):
        mask = which == b
        if mask.any():
            rows.append(
                {
                    "bin": (float(edges[b]), float(edges[b + 1])),
                    "count": int(mask.sum()),
                    "predicted": float(p[mask].mean()),
                    "observed": float(y[mask].mean()),
                }
            )
    return rows


def precision_at_k(snaps: Snapshots, score: np.ndarray, k: int) -> float:
    """Mean over prediction times of the share late among the ``k`` highest scores."""
    by_time: dict[dt.datetime, list[int]] = defaultdict(list)
    for i, t in enumerate(snaps.times):
        by_time[t].append(i)
    values = []
    for idx in by_time.values():
        top = sorted(idx, key=lambda i: -score[i])[:k]
        values.append(float(np.mean(snaps.late[top])))
    return float(np.mean(values)) if values else math.nan


def scores_of(p: np.ndarray, snaps: Snapshots, *, k: int) -> dict:
    from sklearn.metrics import brier_score_loss, roc_auc_score

    y = snaps.late
    both = 0 < y.sum() < len(y)
    return {
        "auc": float(roc_auc_score(y, p)) if both else math.nan,
        "precision_at_k": precision_at_k(snaps, p, k),
        "brier": float(brier_score_loss(y, np.clip(p, 0, 1))),
        "reliability": reliability(np.clip(p, 0, 1), y),
    }


@dataclass
class Evaluation:
    split_at: dt.datetime
    train_snapshots: int
    train_late: int
    test_snapshots: int
    test_late: int
    test_times: int
    k: int
    model: dict
    baseline: dict


def evaluate(
    cases: Sequence[Case],
    *,
    split_at: dt.datetime,
    until: dt.datetime,
    durations: Durations = clock_hours,
    every_days: int = 1,
    k: int = 10,
) -> Evaluation:
    """Time-based split: the model learns from cases that ENDED before ``split_at`` (seen at
    prediction times before it); it is tested at the prediction times from ``split_at`` to
    ``until`` on the cases then open and not overdue, whose outcome came later."""
    ended = [c for c in cases if c.late is not None]
    start = min(c.start for c in ended)
    before = [c for c in ended if c.end is not None and c.end < split_at]
    train_snaps = snapshots(
        before,
        daily_times(start, split_at, every_days=every_days),
        durations=durations,
        queues_from=cases,
    )
    model = train(train_snaps)
    test = snapshots(
        ended,
        daily_times(split_at, until, every_days=every_days),
        durations=durations,
        queues_from=cases,
    )
    p = model.predict(test)
    return Evaluation(
        split_at=split_at,
        train_snapshots=len(train_snaps),
        train_late=int((train_snaps.late == 1).sum()),
        test_snapshots=len(test),
        test_late=int((test.late == 1).sum()),
        test_times=len(set(test.times)),
        k=k,
        model=scores_of(p, test, k=k),
        baseline=scores_of(test.baseline, test, k=k),
    )
