"""Two-list estimators: Lincoln-Petersen and Chapman.

With list sizes n1, n2 and m persons on both lists:

* Lincoln-Petersen: N = n1 n2 / m, variance n1 n2 (n1 - m)(n2 - m) / m^3 (infinite when m = 0).
* Chapman (1951), nearly unbiased when n1 + n2 >= N: N = (n1 + 1)(n2 + 1) / (m + 1) - 1, variance
  (n1 + 1)(n2 + 1)(n1 - m)(n2 - m) / ((m + 1)^2 (m + 2)) (Seber 1970).

Both assume the two lists are independent and every person has the same chance of being on each
list (or at least that the chances on one list are unrelated to those on the other). Positive
dependence (the same people are easy to find for both) biases N down.

The default interval is Chao's (1987) log-normal interval on the unseen count N - n, which never
goes below the observed count; ``interval="wald"`` gives N +- z SE.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from scipy import stats

from uncounted.errors import EstimationError
from uncounted.estimate.base import (
    EstimateResult,
    Estimator,
    NonIdentifiableWarning,
    SparseTableWarning,
    check_level,
    lognormal_interval,
)
from uncounted.estimate.patterns import PatternTable

__all__ = ["Chapman", "ChapmanResult", "lincoln_petersen", "chapman"]


def lincoln_petersen(n1: int, n2: int, m: int) -> tuple[float, float]:
    """(N, SE) of the Lincoln-Petersen estimator; infinite when the lists share no one."""
    if m == 0:
        return math.inf, math.inf
    N = n1 * n2 / m
    var = n1 * n2 * (n1 - m) * (n2 - m) / m**3
    return N, math.sqrt(var)


def chapman(n1: int, n2: int, m: int) -> tuple[float, float]:
    """(N, SE) of Chapman's estimator with Seber's variance."""
    N = (n1 + 1) * (n2 + 1) / (m + 1) - 1
    var = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ** 2 * (m + 2))
    return N, math.sqrt(var)


@dataclass(repr=False)
class ChapmanResult(EstimateResult):
    interval_method: str = "lognormal"

    def _interval_at(self, level: float) -> tuple[float, float]:
        if self.std_error is None or not math.isfinite(self.estimate) or not math.isfinite(self.std_error):
            raise EstimationError("the lists share no one, so no interval exists.")
        if self.interval_method == "wald":
            z = stats.norm.ppf(1 - (1 - level) / 2)
            return max(float(self.observed), self.estimate - z * self.std_error), self.estimate + z * self.std_error
        return lognormal_interval(self.estimate, self.std_error, self.observed, level)

    def _summary_extra(self) -> list[str]:
        d = self.diagnostics
        lp = d.get("lincoln_petersen")
        lp_txt = "infinite (no overlap)" if lp is None else f"{lp:,.1f} (SE {d.get('lincoln_petersen_se') or float('nan'):,.1f})"
        return [f"n1 = {d['n1']:,}, n2 = {d['n2']:,}, on both m = {d['m']:,}",
                f"Lincoln-Petersen: {lp_txt}", f"Interval: {self.interval_method}"]


class Chapman(Estimator):
    """Chapman's two-list estimator (also reports Lincoln-Petersen in the diagnostics).

    Parameters (keyword-only)
    -------------------------
    lists : the two lists to use when the table has more (default: the table must have two).
    interval : ``"lognormal"`` (default, Chao 1987) or ``"wald"``.
    level : the default interval level.
    """

    name = "chapman"
    min_lists = 2
    max_lists = 2

    def __init__(self, *, lists: tuple[str, str] | None = None, interval: str = "lognormal", level: float = 0.95):
        self.lists = lists
        self.interval = interval
        self.level = level
        if interval not in ("lognormal", "wald"):
            raise ValueError(f"interval must be 'lognormal' or 'wald'. Got {interval!r}.")
        check_level(level)
        if lists is not None and len(tuple(lists)) != 2:
            raise ValueError(f"lists must name exactly two lists. Got {lists!r}.")

    def fit(self, patterns: PatternTable) -> ChapmanResult:
        table = patterns if isinstance(patterns, PatternTable) else PatternTable.from_frame(patterns)
        if self.lists is not None:
            table = table.subset(list(self.lists))
        table = self._check_table(table)
        tot = table.list_totals()
        a, b = table.lists
        n1, n2 = tot[a], tot[b]
        m = int(table.counts[(table.patterns == 1).all(axis=1)].sum())
        N, se = chapman(n1, n2, m)
        lp, lp_se = lincoln_petersen(n1, n2, m)
        res = ChapmanResult(
            method=self.name, estimate=N, observed=table.observed, lists=table.lists, level=self.level,
            std_error=se, settings=self.get_params(), data_hash=table.data_hash(), interval_method=self.interval,
        )
        diag: dict[str, Any] = {"n1": n1, "n2": n2, "m": m, "lincoln_petersen": lp if math.isfinite(lp) else None,
                                "lincoln_petersen_se": lp_se if math.isfinite(lp_se) else None}
        if math.isfinite(lp) and lp_se > 0 and m > 0:
            diag["lincoln_petersen_interval"] = list(lognormal_interval(lp, lp_se, table.observed, self.level))
        res.diagnostics.update(diag)
        if m == 0:
            res.warn(NonIdentifiableWarning,
                     f"lists {a} and {b} share no one (m = 0): the Lincoln-Petersen estimate is infinite and "
                     f"Chapman's {N:,.0f} only reflects the list sizes. N is not identifiable from these two lists.")
            res.diagnostics["identifiable"] = False
        else:
            res.diagnostics["identifiable"] = True
            if m < 7:
                res.warn(SparseTableWarning,
                         f"only {m} persons are on both {a} and {b}; with fewer than 7 recaptures Chapman's "
                         "estimate is biased and its interval unreliable (Robson & Regier 1964).")
        return res
