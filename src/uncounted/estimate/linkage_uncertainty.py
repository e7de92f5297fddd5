"""Carrying linkage error into the estimate.

Multiple systems estimation assumes perfect linkage: missed links inflate the estimate,
false links deflate it. Here the linkage is treated as uncertain:

1. each scored pair of reports is kept as a link with its match probability (a pair at 0.7
   is a link in about 70% of draws), human decisions always win, clusters are re-formed;
2. each such plausible set of persons is estimated as usual;
3. the estimates' draws are pooled into one interval (for Bayesian methods, posterior draws;
   for log-linear models, bootstrap replicates), in equal numbers per linkage draw.

The pooled interval's variance splits, as in multiple imputation (Rubin's rules), into the
part within each linkage draw (sampling) and the part between linkage draws (linkage); the
second, as a share of the total, is "how much of the interval comes from linkage".
`threshold_sensitivity` shows the estimate at several fixed match thresholds instead.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd
from scipy.stats import norm

from uncounted.errors import EstimationError
from uncounted.estimate.base import check_level, json_safe
from uncounted.estimate.strata import StratifiedResult, estimate_from_memberships
from uncounted.link.cluster import Decision, cluster_reports

STRATUM_COLUMNS = ("year", "violation", "place", "district", "sex", "perpetrator", "status")
DRAWS_PER_LINKAGE = 400


@dataclass
class LinkageUncertaintyResult:
    method: str
    level: float
    estimate: float
    interval: tuple[float, float]
    fixed_linkage: dict[str, Any]  # the estimate on the stored (thresholded) persons
    linkage_share: float  # share of the pooled variance that is between linkage draws
    n_linkage_draws: int
    persons: dict[str, float]  # persons per draw: min, median, max
    per_draw: list[dict[str, Any]] = field(default_factory=list)
    strata: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pooled_draws: np.ndarray | None = None

    def to_dict(self) -> dict[str, Any]:
        return json_safe({
            "method": self.method, "estimate": self.estimate, "interval": list(self.interval),
            "level": self.level, "linkage_uncertainty": True, "n_linkage_draws": self.n_linkage_draws,
            "linkage_share_of_variance": self.linkage_share, "persons_per_draw": self.persons,
            "fixed_linkage": self.fixed_linkage, "shift_from_fixed": self.shift_from_fixed,
            "strata": self.strata, "per_draw": self.per_draw,
            "warnings": self.warnings,
            "observed": self.fixed_linkage.get("observed"),
            "diagnostics": {"n_linkage_draws": self.n_linkage_draws, "linkage_share_of_variance": self.linkage_share},
        })

    @property
    def shift_from_fixed(self) -> float | None:
        """(pooled estimate / estimate on the stored linkage) - 1: how far the linkage draws moved it."""
        fixed = self.fixed_linkage.get("estimate")
        if fixed is None or not math.isfinite(fixed) or fixed <= 0 or not math.isfinite(self.estimate):
            return None
        return self.estimate / fixed - 1

    def summary(self) -> str:
        lo, hi = self.interval
        fixed = self.fixed_linkage
        flo, fhi = fixed["interval"]
        lines = [
            f"Linkage uncertainty ({self.method}, {self.n_linkage_draws} plausible linkages):",
            f"  persons per linkage draw: {self.persons['min']:,.0f} to {self.persons['max']:,.0f} "
            f"(median {self.persons['median']:,.0f}); stored linkage: {fixed['observed']:,}",
            f"  estimate {self.estimate:,.0f}, {self.level:.0%} interval {lo:,.0f} to {hi:,.0f} (linkage included)",
            f"  with the stored linkage taken as certain: {fixed['estimate']:,.0f} [{_f(flo)} to {_f(fhi)}]",
            f"  {self.linkage_share:.0%} of the pooled variance comes from linkage; the rest is sampling.",
        ]
        shift = self.shift_from_fixed
        if shift is not None and abs(shift) >= 0.05:
            lines.append(f"  The linkage draws moved the estimate {shift:+.0%} from the stored linkage's. That share "
                         "counts only the spread between draws, not this shift: the stored linkage's match "
                         "threshold disagrees with the match probabilities.")
        lines += [f"  WARNING {w}" for w in self.warnings]
        return "\n".join(lines)


def _f(x: float | None) -> str:
    return "n/a" if x is None or not math.isfinite(x) else f"{x:,.0f}"


def resample_linkages(pairs: pd.DataFrame, report_keys: Sequence[str], *, n_draws: int, seed: int,
                      decisions: Sequence[Decision] | None = None) -> list[dict[str, str]]:
    """`n_draws` clusterings: each pair kept as a link with its match probability."""
    rng = np.random.default_rng(seed)
    probability = pairs["match_probability"].to_numpy(dtype=float)
    out = []
    for _ in range(n_draws):
        kept = pairs.loc[rng.random(len(probability)) < probability, ["report_key_l", "report_key_r"]]
        kept = kept.assign(match_probability=1.0)
        clustering = cluster_reports(kept, report_keys, threshold=0.5, decisions=decisions)
        out.append(clustering.cluster_of)
    return out


def memberships_for(cluster_of: dict[str, str], reports: pd.DataFrame) -> pd.DataFrame:
    """Membership rows (person_id, source, stratum values) for one clustering of the reports.

    `reports` has report_key, source and any stratum columns; a person's stratum value is the
    most frequent one among its reports (as in `records.query.memberships_frame`).
    """
    from uncounted.records.query import person_attributes

    frame = reports.assign(person_id=reports["report_key"].map(cluster_of))
    if frame["person_id"].isna().any():
        missing = frame.loc[frame["person_id"].isna(), "report_key"].iloc[0]
        raise EstimationError(f"report {missing} is in no cluster of the linkage draw.")
    columns = [c for c in STRATUM_COLUMNS if c in frame.columns]
    attributes = person_attributes(frame, columns)
    members = frame[["person_id", "source"]].drop_duplicates()
    return members.merge(attributes, on="person_id", how="left")


def _draws_of(result: StratifiedResult, rng: np.random.Generator, size: int) -> np.ndarray:
    """`size` draws of the combined total from one result.

    Posterior or bootstrap draws when the result has them. Otherwise (a single log-linear or
    Chapman fit) normal quantiles stretched by the lower half of the interval below the estimate
    and by the upper half above it: the draws' median is the estimate and their quantiles are the
    result's own (often skewed) interval at its level. Draws never fall below the documented count.
    """
    draws = result.combined_draws
    if draws is not None and len(draws):
        values = np.asarray(draws, dtype=float)
        return rng.choice(values, size, replace=len(values) < size)
    lo, hi = result.interval()
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return np.full(size, np.inf)
    z = float(norm.ppf(1 - (1 - result.level) / 2))
    below = max((result.estimate - lo) / z, 1e-9)
    above = max((hi - result.estimate) / z, 1e-9)
    step = rng.standard_normal(size)
    values = result.estimate + np.where(step > 0, above * step, below * step)
    return np.maximum(values, result.observed)


def pool_linkage_draws(results: Sequence[StratifiedResult], *, level: float, seed: int,
                       per_draw: int = DRAWS_PER_LINKAGE) -> tuple[float, tuple[float, float], float, np.ndarray]:
    """Pool equal numbers of draws per linkage draw; return median, interval, linkage share, draws."""
    rng = np.random.default_rng(seed)
    samples = [_draws_of(r, rng, per_draw) for r in results]
    pooled = np.concatenate(samples)
    q = np.quantile(pooled, [(1 - level) / 2, 1 - (1 - level) / 2])
    finite = [s[np.isfinite(s)] for s in samples]
    within = float(np.mean([np.var(s, ddof=1) for s in finite if len(s) > 1])) if finite else 0.0
    between = float(np.var([np.mean(s) for s in finite if len(s)], ddof=1)) if len(finite) > 1 else 0.0
    total = within + (1 + 1 / max(len(finite), 1)) * between
    share = float((1 + 1 / max(len(finite), 1)) * between / total) if total > 0 else 0.0
    return float(np.median(pooled)), (float(q[0]), float(q[1])), share, pooled


def linkage_uncertainty(reports: pd.DataFrame, pairs: pd.DataFrame, *, fixed_cluster_of: dict[str, str],
                        method: str = "lcmcr", by: str | Sequence[str] | None = None,
                        lists: Sequence[str] | None = None, decisions: Sequence[Decision] | None = None,
                        n_draws: int = 20, seed: int = 0, level: float = 0.95,
                        progress: Callable[[int, int], None] | None = None,
                        **settings: Any) -> LinkageUncertaintyResult:
    """Estimate on `n_draws` plausible linkages and pool the draws into one interval."""
    level = check_level(level)
    if n_draws < 2:
        raise EstimationError(f"linkage uncertainty needs at least 2 linkage draws; got {n_draws}.")
    keys = reports["report_key"].tolist()
    pairs = _pairs_among(pairs, keys)
    notes: list[str] = []

    def fit(cluster_of: dict[str, str], fit_seed: int) -> StratifiedResult:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return estimate_from_memberships(memberships_for(cluster_of, reports), method=method, lists=lists,
                                             by=by, seed=fit_seed, level=level, **settings)

    fixed = fit(fixed_cluster_of, seed)
    fixed_lo, fixed_hi = fixed.interval()
    results, per_draw = [], []
    for index, cluster_of in enumerate(resample_linkages(pairs, keys, n_draws=n_draws, seed=seed,
                                                         decisions=decisions)):
        result = fit(cluster_of, seed + 1 + index)
        results.append(result)
        lo, hi = result.interval()
        per_draw.append({"draw": index, "persons": result.observed, "estimate": result.estimate,
                         "interval": [lo, hi]})
        if progress:
            progress(index + 1, n_draws)
    median, interval, share, pooled = pool_linkage_draws(results, level=level, seed=seed)
    if not all(math.isfinite(x) for x in interval):
        notes.append("some linkage draws gave no finite estimate; the pooled upper bound is infinite.")
    persons = np.array([r["persons"] for r in per_draw], dtype=float)
    return LinkageUncertaintyResult(
        method=method, level=level, estimate=median, interval=interval,
        fixed_linkage={"observed": fixed.observed, "estimate": fixed.estimate, "interval": [fixed_lo, fixed_hi]},
        linkage_share=share, n_linkage_draws=n_draws,
        persons={"min": float(persons.min()), "median": float(np.median(persons)), "max": float(persons.max())},
        per_draw=per_draw, warnings=notes, pooled_draws=pooled,
    )


def _pairs_among(pairs: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """The pairs whose two reports are both among `keys` (a report withdrawn since linking drops out)."""
    known = set(keys)
    inside = pairs["report_key_l"].isin(known) & pairs["report_key_r"].isin(known)
    return pairs if bool(inside.all()) else pairs.loc[inside]


def threshold_sensitivity(reports: pd.DataFrame, pairs: pd.DataFrame, *, thresholds: Sequence[float],
                          method: str = "lcmcr", by: str | Sequence[str] | None = None,
                          lists: Sequence[str] | None = None, decisions: Sequence[Decision] | None = None,
                          seed: int = 0, level: float = 0.95, **settings: Any) -> list[dict[str, Any]]:
    """The estimate with the persons formed at each match threshold."""
    keys = reports["report_key"].tolist()
    pairs = _pairs_among(pairs, keys)
    rows = []
    for threshold in thresholds:
        clustering = cluster_reports(pairs, keys, threshold=threshold, decisions=decisions)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = estimate_from_memberships(memberships_for(clustering.cluster_of, reports), method=method,
                                               lists=lists, by=by, seed=seed, level=level, **settings)
        lo, hi = result.interval()
        rows.append(json_safe({"threshold": threshold, "persons": result.observed, "estimate": result.estimate,
                               "interval": [lo, hi]}))
    return rows
