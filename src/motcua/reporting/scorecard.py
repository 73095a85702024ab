"""Selectors of the leaders' scorecard: indicator values per unit and period, targets,
traffic lights, trends, rankings and the dossiers behind a figure.

Fast on a province's volume: each formula is counted once per period for *all* units with
one grouped query (per competent unit), then summed over each unit's subtree in Python —
a province scorecard costs one query per indicator and period, whatever the number of units.
A unit's figures include the units merged into it (``UnitSuccession``) and those below it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.core.errors import NotFound, PermissionDenied
from motcua.core.periods import Period
from motcua.dossiers.models import Dossier
from motcua.organization.models import KIND_LEVEL, Role, StaffRole, Unit, UnitKind, UnitSuccession
from motcua.reporting import formulas
from motcua.reporting.errors import ReportingError
from motcua.reporting.models import Direction, Indicator, Target

RANKED_KINDS = (UnitKind.DEPARTMENT, UnitKind.DISTRICT, UnitKind.COMMUNE)
LIGHT_LABELS = {
    "green": "Đạt",
    "amber": "Gần đạt",
    "red": "Chưa đạt",
    "grey": "Chưa có chỉ tiêu hoặc dữ liệu",
}
NO_DATA = "chưa có dữ liệu"


class Scopes:
    """The unit tree loaded once: each unit's subtree plus the units merged into it."""

    def __init__(self) -> None:
        self.units = {u.pk: u for u in Unit.objects.all()}
        self.children: dict[int, list[int]] = defaultdict(list)
        for unit in self.units.values():
            if unit.parent_id:
                self.children[unit.parent_id].append(unit.pk)
        self.merged: dict[int, list[int]] = defaultdict(list)
        for pred, succ in UnitSuccession.objects.values_list("predecessor_id", "successor_id"):
            self.merged[succ].append(pred)
        self._cache: dict[int, frozenset[int]] = {}
        self._keys: dict[int, frozenset] = {}

    def ids(self, unit_id: int) -> frozenset[int]:
        if unit_id not in self._cache:
            found, stack = set(), [unit_id]
            while stack:
                current = stack.pop()
                if current in found:
                    continue
                found.add(current)
                stack.extend(self.children.get(current, ()))
                stack.extend(self.merged.get(current, ()))
            self._cache[unit_id] = frozenset(found)
        return self._cache[unit_id]

    def kinds(self, unit_id: int) -> set[str]:
        return {self.units[i].kind for i in self.ids(unit_id) if i in self.units}

    def keys(self, unit_id: int) -> frozenset:
        """The count keys that make up a unit's figure: its units' ids and their kinds
        (kept: a ranking asks for every unit's every figure)."""
        if unit_id not in self._keys:
            self._keys[unit_id] = self.ids(unit_id) | frozenset(self.kinds(unit_id))
        return self._keys[unit_id]

    def root(self) -> Unit:
        roots = [u for u in self.units.values() if u.parent_id is None and u.valid_to is None]
        roots = roots or [u for u in self.units.values() if u.parent_id is None]
        if not roots:
            raise NotFound("Chưa có đơn vị nào.", code=ReportingError.UNIT_NOT_FOUND)
        return sorted(roots, key=lambda u: (u.kind != UnitKind.PROVINCE, u.pk))[0]


@dataclass
class Value:
    num: int
    den: int

    @property
    def rate(self) -> float | None:
        return self.num / self.den if self.den else None

    @property
    def percent(self) -> float | None:
        return round(100 * self.num / self.den, 2) if self.den else None


class Counter:
    """Counts of each (formula, filters, window), computed once and reused for every unit."""

    def __init__(
        self,
        scopes: Scopes | None = None,
        now: dt.datetime | None = None,
        aggregates: bool | None = None,
    ) -> None:
        self.scopes = scopes or Scopes()
        self.now = now or timezone.now()
        self.aggregates = aggregates
        self._pending: set | None = None
        self._state = None
        self._first_event = None
        self._counts: dict[tuple, formulas.Counts | None] = {}
        self._daily_batches: dict[tuple, dict[str, formulas.Counts]] = {}
        self._open_now: dict[tuple, dict] = {}
        self._targets: dict[tuple, Target | None] = {}
        self._target_years: set[int] = set()
        self._indicators: list[Indicator] | None = None
        self._heads: dict[dt.date, dict[int, str]] = {}

    def heads(self, unit_ids, *, on: dt.date) -> dict[int, str]:
        """``unit_heads``, read once per day asked for (a page names heads in its ranking,
        its index ranking and each reporting rate)."""
        if on not in self._heads:
            self._heads[on] = unit_heads(None, on=on)
        every = self._heads[on]
        return {i: every[i] for i in unit_ids if i in every}

    def target(self, indicator: Indicator, level: str, year: int) -> Target | None:
        """``target_for`` of every indicator and level of a year, read in one query (a
        ranking asks for a dozen indicators at three levels)."""
        if year not in self._target_years:
            self._target_years.add(year)
            rows = Target.objects.filter(year=year, effective_from__lte=timezone.localdate())
            for found in rows.order_by("effective_from"):  # the latest version wins
                self._targets[(found.indicator_id, found.level, year)] = found
        return self._targets.get((indicator.pk, level, year))

    def indicators(self, level: str, *, public_only: bool = False) -> list[Indicator]:
        if self._indicators is None:
            self._indicators = list(Indicator.objects.filter(active=True).order_by("order", "code"))
        return [
            i for i in self._indicators if i.applies_to(level) and (i.public or not public_only)
        ]

    def window(self, period: Period) -> tuple[dt.datetime, dt.datetime]:
        start, end = period.window
        return start, min(end, max(start, self.now))

    def counts(self, code: str, filters: dict, period: Period) -> formulas.Counts | None:
        formula = formulas.get(code)
        key = (code, repr(sorted(filters.items())), period.kind, period.start)
        if formula is not None and formula.timeless:
            key = key[:2]
        if key not in self._counts:
            start, end = self.window(period)
            if formula is None:
                self._counts[key] = None
            elif formula.snapshot and self._use_aggregates():
                self._counts[key] = self._with_snapshot(formula, start, end, filters)
            elif formula.daily and self._use_aggregates():
                self._counts[key] = self._daily(formula, start, end, filters)
            else:
                self._counts[key] = formula.counts(start, end, filters)
        return self._counts[key]

    def _with_snapshot(self, formula, start, end, filters) -> formulas.Counts:
        """Ended dossiers from the daily counts plus the open-at-end snapshot; in a running
        period, yesterday's snapshot plus today's changes (``rollup.open_now``); the rows
        when no snapshot can be trusted."""
        from motcua.reporting.aggregates import filtered, open_counts, snapshot_usable
        from motcua.reporting.rollup import open_now, running_snapshot_day

        key = (repr(sorted(filters.items())), end)
        if key in self._open_now:  # one count for every snapshot formula
            now = self._open_now[key]
        elif snapshot_usable(self._state, end, self._first_event):
            now = self._open_now[key] = open_counts(end, filters)
        elif (day := running_snapshot_day(self._state, end, self._first_event)) is not None:
            scope = filtered(filters)  # the same fields on OpenCount and Dossier
            now = self._open_now[key] = open_now(end, day, snapshot_scope=scope,
                                                 rows_scope=scope, snapshot_group="unit_id",
                                                 rows_group="competent_unit_id")  # fmt: skip
        else:
            return formula.counts(start, end, filters)
        den_field, num_field = formula.snapshot
        pick = {"open": 0, "overdue": 1}
        snapshot = {
            unit: (c[pick[num_field]] if num_field else 0, c[pick[den_field]])
            for unit, c in now.items()
        }
        counts = dict(self._daily(formula, start, end, filters)) if formula.daily else {}
        for unit, (num, den) in snapshot.items():
            old_num, old_den = counts.get(unit, (0, 0))
            counts[unit] = (old_num + num, old_den + den)
        return counts

    def _daily(self, formula, start, end, filters) -> formulas.Counts:
        """The formula's counts from the aggregates; every daily formula of the same scope
        and window is counted in the same query (and kept for the next asks)."""
        from motcua.reporting.aggregates import daily_counts_many

        key = (repr(sorted(filters.items())), start, end)
        if formula.code not in self._daily_batches.get(key, {}):  # a prefetch counts fewer
            batch = [f for f in formulas.FORMULAS.values() if f.daily]
            months_until = self._state.months_until if self._state else None
            self._daily_batches[key] = daily_counts_many(
                batch, start, end, filters, self._pending or set(), months_until
            )
        return self._daily_batches[key][formula.code]

    def _use_aggregates(self) -> bool:
        """Read the maintained aggregates once they were built, unless told otherwise; the
        days touched since the last catch-up are read from the rows."""
        if self.aggregates is False:
            return False
        if self._pending is None:
            from motcua.reporting.aggregates import pending_days
            from motcua.reporting.models import AggregateState

            current = AggregateState.objects.order_by("pk").first()
            self._state = current
            if current is None or current.refreshed_at is None:
                self.aggregates = False
                return False
            pending = pending_days(current)
            if pending is None:
                self.aggregates = False
                return False
            self._pending = pending
            from motcua.reporting.aggregates import pending_event_day

            self._first_event = pending_event_day(current)
        return True

    def prefetch(self, pairs, periods: list[Period]) -> None:
        """Count each (formula code, filters) of ``pairs`` over every period in a few
        statements (``batch``; a trend reads five periods): the daily formulas of a scope
        over every window in one or two, the snapshots at the periods' ends in one, each other
        formula over every window in one. ``counts`` then finds them; the figures are those
        it would count one period at a time."""
        from motcua.reporting import batch
        from motcua.reporting.aggregates import snapshot_usable

        use = self._use_aggregates()
        scopes: dict[str, tuple[dict, set[str]]] = {}
        for code, filters in pairs:
            scopes.setdefault(repr(sorted(filters.items())), (filters, set()))[1].add(code)
        windows = list(dict.fromkeys(self.window(p) for p in periods))
        for scope, (filters, codes) in scopes.items():
            found = [f for f in (formulas.get(c) for c in sorted(codes)) if f is not None]
            if use and any(f.daily for f in found):
                todo = [w for w in windows if (scope, *w) not in self._daily_batches]
                daily = [f for f in found if f.daily]  # only those asked for (fewer sums)
                months_until = self._state.months_until if self._state else None
                results = batch.daily_windows(daily, todo, filters, self._pending or set(),
                                              months_until) if todo else []  # fmt: skip
                for window, result in zip(todo, results, strict=True):
                    self._daily_batches[(scope, *window)] = result
            if use and any(f.snapshot for f in found):
                ends = [e for _, e in windows if (scope, e) not in self._open_now
                        and snapshot_usable(self._state, e, self._first_event)]  # fmt: skip
                for end, now in zip(ends, batch.open_counts_days(ends, filters), strict=True):
                    self._open_now[(scope, end)] = now
            for formula in found:
                if formula.timeless or (use and (formula.daily or formula.snapshot)):
                    continue
                if formula.external is not None and formula.external_many is None:
                    continue
                keys = {(formula.code, scope, p.kind, p.start): self.window(p) for p in periods}
                todo_keys = [k for k in keys if k not in self._counts]
                if not todo_keys:
                    continue
                asked = [keys[k] for k in todo_keys]
                if formula.external_many is not None:
                    results = formula.external_many(asked, filters)
                else:
                    results = batch.counts_windows(formula, asked, filters)
                for key, counts in zip(todo_keys, results, strict=True):
                    self._counts[key] = counts

    def value(self, code: str, filters: dict, period: Period, unit_id: int) -> Value | None:
        counts = self.counts(code, filters, period)
        if counts is None:
            return None
        num = den = 0
        for key in self.scopes.keys(unit_id):
            n, d = counts.get(key, (0, 0))
            num, den = num + n, den + d
        return Value(num, den)


def target_for(
    indicator: Indicator, *, level: str, year: int, as_of: dt.date | None = None
) -> Target | None:
    as_of = as_of or timezone.localdate()
    return (
        Target.objects.filter(
            indicator=indicator, level=level, year=year, effective_from__lte=as_of
        )
        .order_by("-effective_from")
        .first()
    )


def light(indicator: Indicator, percent: float | None, target: Target | None) -> str:
    if percent is None or target is None:
        return "grey"
    goal, margin = float(target.value), float(indicator.amber_margin)
    if indicator.direction == Direction.HIGHER:
        if percent >= goal:
            return "green"
        return "amber" if goal - percent <= margin else "red"
    if percent < goal:
        return "green"
    return "amber" if percent - goal <= margin else "red"


@dataclass
class Row:
    indicator: Indicator
    value: Value | None
    target: Target | None
    light: str
    trend: list[dict] = field(default_factory=list)

    @property
    def percent(self) -> float | None:
        return self.value.percent if self.value else None

    @property
    def gap(self) -> float | None:
        if self.percent is None or self.target is None:
            return None
        return round(self.percent - float(self.target.value), 2)

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS[self.light]

    @property
    def drill_part(self) -> str:
        """The part of the population that makes the figure worse."""
        return "rest" if self.indicator.direction == Direction.HIGHER else "num"

    def as_dict(self) -> dict:
        ind = self.indicator
        return {
            "code": ind.code,
            "name": ind.name,
            "measure": ind.measure,
            "direction": ind.direction,
            "formula": ind.formula,
            "numerator": self.value.num if self.value else None,
            "denominator": self.value.den if self.value else None,
            "value": self.percent,
            "target": float(self.target.value) if self.target else None,
            "target_source": self.target.source if self.target else "",
            "gap": self.gap,
            "light": self.light,
            "light_label": self.light_label,
            "trend": self.trend,
            "no_data": self.value is None,
        }


def indicators_for(level: str, *, public_only: bool = False) -> list[Indicator]:
    qs = Indicator.objects.filter(active=True)
    if public_only:
        qs = qs.filter(public=True)
    return [i for i in qs.order_by("order", "code") if i.applies_to(level)]


def unit_level(unit: Unit) -> str:
    return KIND_LEVEL.get(unit.kind, "province")


def scorecard(
    *, unit: Unit, period: Period, counter: Counter | None = None, trend: int = 4
) -> list[Row]:
    """Each indicator that applies to the unit's level: value, target, gap, light, trend."""
    counter = counter or Counter()
    level = unit_level(unit)
    rows = []
    if trend:  # the trend's periods counted together (a few statements, not five times as many)
        pairs = [(ind.formula, ind.filters) for ind in counter.indicators(level)]
        counter.prefetch(pairs, [period, *(period.previous(b) for b in range(trend, 0, -1))])
    for ind in counter.indicators(level):
        value = counter.value(ind.formula, ind.filters, period, unit.pk)
        target = counter.target(ind, level, period.start.year)
        row = Row(ind, value, target, light(ind, value.percent if value else None, target))
        for back in range(trend, 0, -1):
            earlier = period.previous(back)
            old = counter.value(ind.formula, ind.filters, earlier, unit.pk)
            row.trend.append({"period": earlier.label, "value": old.percent if old else None})
        rows.append(row)
    return rows


def unit_heads(unit_ids, *, on: dt.date) -> dict[int, str]:
    """The leader of each unit on ``on`` ("rõ người"): the first unit leader role held.
    ``unit_ids=None``: of every unit."""
    heads: dict[int, str] = {}
    roles = StaffRole.objects.filter(role=Role.UNIT_LEADER, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
    if unit_ids is not None:
        roles = roles.filter(unit_id__in=unit_ids)
    rows = roles.order_by("valid_from", "pk").values_list(
        "unit_id", "user__first_name", "user__last_name", "user__username"
    )
    for unit_id, first, last, username in rows:
        # as User.get_full_name() (no model instances: a ranking names hundreds of heads)
        heads.setdefault(unit_id, f"{first} {last}".strip() or username)
    return heads


def ranked_units(period: Period, *, kinds=RANKED_KINDS) -> list[Unit]:
    day = min(period.end, timezone.localdate())
    return list(Unit.objects.active_on(day).filter(kind__in=kinds).order_by("kind", "name"))


def ranking(*, period: Period, counter: Counter | None = None) -> list[dict]:
    """Units worst first: red lights, then amber, then the largest shortfall; head named."""
    counter = counter or Counter()
    units = ranked_units(period)
    heads = counter.heads([u.pk for u in units], on=min(period.end, timezone.localdate()))
    out = []
    for unit in units:
        rows = scorecard(unit=unit, period=period, counter=counter, trend=0)
        lights = [r.light for r in rows]
        shortfall = sum(
            abs(r.gap) for r in rows if r.light in ("red", "amber") and r.gap is not None
        )
        out.append(
            {
                "unit": unit,
                "head": heads.get(unit.pk, ""),
                "red": lights.count("red"),
                "amber": lights.count("amber"),
                "green": lights.count("green"),
                "grey": lights.count("grey"),
                "shortfall": round(shortfall, 2),
                "rows": rows,
            }
        )
    out.sort(key=lambda r: (-r["red"], -r["amber"], -r["shortfall"], r["unit"].name))
    return out


def drilldown(
    *, indicator: Indicator, unit: Unit, period: Period, part: str = "num", now=None
) -> QuerySet[Dossier]:
    """The dossiers behind a figure: the numerator (``num``), the rest (``rest``) or all."""
    formula = formulas.get(indicator.formula)
    if formula is None or formula.kind not in ("dossier", "rating"):
        raise NotFound(
            "Chỉ tiêu này không tính từ hồ sơ.", code=ReportingError.DRILLDOWN_UNAVAILABLE
        )
    counter = Counter(now=now)
    start, end = counter.window(period)
    ids = counter.scopes.ids(unit.pk)
    population = formula.population(start, end, indicator.filters)
    if formula.kind == "rating":
        part_q = formula.numerator(start, end)
        population = population.filter(unit_id__in=ids)
        if part == "num":
            population = population.filter(part_q)
        elif part == "rest":
            population = population.exclude(part_q)
        qs = Dossier.objects.filter(pk__in=population.values("dossier_id"))
    else:
        qs = population.filter(competent_unit_id__in=ids)
        if part == "num":
            qs = qs.filter(formula.numerator(start, end))
        elif part == "rest":
            qs = qs.exclude(formula.numerator(start, end))
    return qs.select_related("procedure", "competent_unit").order_by("competent_unit__name", "code")


def safe_code(code: str | None, limit: int = 64) -> str | None:
    """A code fit for a lookup: text without NUL (PostgreSQL refuses it) and not over-long;
    None otherwise, which every caller treats as "not found"."""
    if not code or "\x00" in code or len(code) > limit:
        return None
    return code


def indicator_get(code: str) -> Indicator:
    found = Indicator.objects.filter(code=code).first() if safe_code(code) else None
    if found is None:
        raise NotFound(f"Không tìm thấy chỉ tiêu {code}.", code=ReportingError.INDICATOR_NOT_FOUND)
    return found


def as_percent(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def leader_unit_for(user, code: str, scopes: Scopes) -> Unit:
    """The unit ``code`` if ``user`` may read its figures (a leader, reform officer, inspector
    or admin whose units cover it); without a code, the widest unit they may read."""
    from motcua.dossiers.selectors import visible_unit_ids
    from motcua.organization.permissions import has_role, user_roles

    if not has_role(
        user, [Role.PROVINCE_ADMIN, Role.INSPECTOR, Role.UNIT_LEADER, Role.REFORM_OFFICER]
    ):
        raise PermissionDenied(
            "Trang này dành cho lãnh đạo, cán bộ CCHC, thanh tra và quản trị.",
            code=ReportingError.LEADERS_ONLY,
        )
    visible = visible_unit_ids(user)
    if code:
        unit = Unit.objects.filter(code=code).first() if safe_code(code) else None
        if unit is None:
            raise NotFound(f"Không tìm thấy đơn vị {code}.", code=ReportingError.UNIT_NOT_FOUND)
        if visible is not None and unit.pk not in visible:
            raise PermissionDenied("Bạn không được xem số liệu của đơn vị này.")
        return unit
    if visible is None:
        return scopes.root()
    return sorted((r.unit for r in user_roles(user)), key=lambda u: u.pk)[0]
