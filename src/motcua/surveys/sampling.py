"""Drawing a campaign's sample: pure functions, no database (tested on hand-made lists).

Per unit the size comes from the margin of error (``selectors.sample_size``: Cochran's
n₀ = z² p (1 − p) / e², finite population correction n = n₀ / (1 + (n₀ − 1) / N)); it is
shared among the unit's procedures in proportion to their returned dossiers (largest
remainders), and each procedure's dossiers are drawn by a generator seeded from the
campaign's seed, the unit and the procedure: the same seed always draws the same dossiers.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence


def allocate(total: int, strata: Mapping[str, int]) -> dict[str, int]:
    """Share ``total`` among strata in proportion to their sizes (largest remainder; ties by
    key), never more than a stratum holds."""
    population = sum(strata.values())
    if population == 0 or total <= 0:
        return dict.fromkeys(strata, 0)
    total = min(total, population)
    exact = {k: total * n / population for k, n in strata.items()}
    out = {k: math.floor(v) for k, v in exact.items()}
    left = total - sum(out.values())
    order = sorted(strata, key=lambda k: (-(exact[k] - out[k]), k))
    for key in order:
        if left == 0:
            break
        if out[key] < strata[key]:
            out[key] += 1
            left -= 1
    return out


def draw(
    population: Mapping[tuple[str, str], Sequence[str]],
    sizes: Mapping[str, int],
    seed: int,
) -> dict[tuple[str, str], list[str]]:
    """``population``: (unit, procedure) → dossier codes; ``sizes``: unit → sample size.
    Returns the codes drawn per stratum, sorted, the same for the same seed."""
    by_unit: dict[str, dict[str, int]] = {}
    for (unit, procedure), codes in population.items():
        by_unit.setdefault(unit, {})[procedure] = len(codes)
    out: dict[tuple[str, str], list[str]] = {}
    for unit, strata in sorted(by_unit.items()):
        shares = allocate(sizes.get(unit, 0), strata)
        for procedure, k in sorted(shares.items()):
            codes = sorted(population[(unit, procedure)])
            rng = random.Random(f"{seed}:{unit}:{procedure}")  # noqa: S311 - not a secret
            out[(unit, procedure)] = sorted(rng.sample(codes, k))
    return out
