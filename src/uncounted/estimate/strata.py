"""Estimates per stratum and a combined total with a combined interval.

For each stratum table the chosen estimator is fitted on the lists that can capture that stratum:

* **Structural zeros given by the caller.** ``structural_zeros={"MORGUE": {"disappearance"}}``
  leaves MORGUE out of every stratum with the value "disappearance" in any stratum column. A
  descriptor may also be a tuple (the full stratum key, in ``by`` order) or a dict
  (``{"violation": "disappearance", "year": "1990-1994"}``: all given columns must match).
* **Lists with no one in a stratum.** A list that recorded nobody in a stratum cannot contribute to
  that stratum's model (its main effect would be minus infinity and the MLE would not exist), so
  it is left out and the output says so. Whether that zero is *structural* (the list could not
  record these people) or *sampling* (it could, but by chance did not) cannot be told from the
  counts alone; we report how many the list would have recorded at its overall rate so a reader
  can judge. Leaving the list out changes no other count: the remaining lists' table is the
  same, so the estimate is the one those lists support.

Combined total: the sum of the stratum estimates.

* **Bayesian methods** (results with ``draws``): the draws are summed stratum by stratum (draws
  are independent across strata; unequal numbers are resampled to the smallest), and the
  interval is the equal-tailed quantile interval of the summed draws, the estimate their median.
* **Frequentist methods**: a parametric bootstrap (Buckland & Garthwaite 1991). For each stratum,
  B tables are drawn from Multinomial(round(N-hat), fitted cell probabilities with the unseen cell
  at (N-hat - n)/N-hat); the stratum's chosen model is refitted to each (the model is held fixed:
  model-selection uncertainty is not included, so the interval is somewhat too narrow); the
  replicate totals are summed across strata and the percentile interval of the sum is reported.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from uncounted.errors import EstimationError
from uncounted.estimate.base import (
    EstimateResult,
    SparseTableWarning,
    StructuralZeroWarning,
    UncountedWarning,
    check_level,
    json_safe,
)
from uncounted.estimate.patterns import PatternTable

__all__ = ["StratumEstimate", "StratifiedResult", "estimate_strata", "estimate_from_memberships",
           "bootstrap_totals", "make_estimator", "SMALL_STRATUM"]

#: Strata with fewer observed persons than this get a SparseTableWarning.
SMALL_STRATUM = 30


@dataclass
class StratumEstimate:
    """One stratum's result (``result`` is None when no estimate could be made)."""

    stratum: dict[str, Any]
    observed: int
    lists_used: tuple[str, ...]
    lists_dropped: dict[str, str] = field(default_factory=dict)
    result: EstimateResult | None = None
    warnings: list[str] = field(default_factory=list)
    table: PatternTable | None = None

    @property
    def estimate(self) -> float | None:
        return None if self.result is None else self.result.estimate

    def interval(self, level: float | None = None) -> tuple[float, float] | None:
        if self.result is None:
            return None
        try:
            return self.result.interval(level)
        except EstimationError:
            return None

    def to_dict(self, level: float) -> dict[str, Any]:
        iv = self.interval(level)
        d = {
            "stratum": self.stratum,
            "estimate": self.estimate,
            "interval": list(iv) if iv else [None, None],
            "observed": self.observed,
            "lists_used": list(self.lists_used),
            "lists_dropped": self.lists_dropped,
            "warnings": self.warnings + ([] if self.result is None else [w for w in self.result.warnings if w not in self.warnings]),
        }
        if self.result is not None:
            d["std_error"] = self.result.std_error
            d["diagnostics"] = self.result.diagnostics
            d["data_hash"] = self.result.data_hash
        return json_safe(d)


@dataclass
class StratifiedResult:
    """Estimates per stratum plus the combined total (``estimate``/``interval`` are the combined)."""

    method: str
    strata: list[StratumEstimate]
    level: float
    combined: dict[str, Any]
    settings: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    by: list[str] = field(default_factory=list)
    combined_draws: np.ndarray | None = None

    @property
    def estimate(self) -> float:
        return float(self.combined["estimate"])

    @property
    def observed(self) -> int:
        return int(sum(s.observed for s in self.strata))

    def interval(self, level: float | None = None) -> tuple[float, float]:
        lv = self.level if level is None else check_level(level)
        if lv != self.level:
            if self.combined_draws is None:
                raise EstimationError(f"the combined interval was computed at level {self.level}; rerun with level={lv}.")
            q = np.quantile(self.combined_draws, [(1 - lv) / 2, 1 - (1 - lv) / 2])
            return float(q[0]), float(q[1])
        lo, hi = self.combined["interval"]
        return (math.nan if lo is None else lo, math.inf if hi is None else hi)

    def data_hash(self) -> str:
        """sha256 over the strata (their descriptions and tables' canonical hashes)."""
        import hashlib
        import json

        parts = [[json_safe(s.stratum), s.table.data_hash() if s.table is not None else None] for s in self.strata]
        return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()

    def table(self) -> pd.DataFrame:
        rows = []
        for s in self.strata:
            iv = s.interval(self.level) or (None, None)
            rows.append({**{k: v for k, v in s.stratum.items()}, "observed": s.observed, "estimate": s.estimate,
                         "lo": iv[0], "hi": iv[1], "lists": ",".join(s.lists_used),
                         "dropped": ",".join(s.lists_dropped), "warnings": len(s.warnings) + (len(s.result.warnings) if s.result else 0)})
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        lo, hi = self.combined["interval"]
        out = {
            "method": self.method,
            "estimate": self.combined["estimate"],
            "interval": [lo, hi],
            "level": self.level,
            "observed": self.observed,
            "by": self.by,
            "strata": [s.to_dict(self.level) for s in self.strata],
            "combined": self.combined,
            "settings": self.settings,
            "warnings": self.warnings,
            "data_hash": self.data_hash(),
            "uncounted_version": _version(),
            "diagnostics": {"n_strata": len(self.strata),
                            "strata_without_estimate": sum(s.result is None for s in self.strata),
                            "combined_method": self.combined.get("how")},
        }
        if len(self.strata) == 1 and self.strata[0].result is not None:
            r = self.strata[0].result
            out["diagnostics"].update(r.diagnostics)
            out["std_error"] = r.std_error
            out["lists"] = list(r.lists)
        return json_safe(out)

    def summary(self) -> str:
        lines = [f"Method: {self.method}" + (f"   strata by: {', '.join(self.by)}" if self.by else "")]
        if len(self.strata) == 1 and not self.by and self.strata[0].result is not None:
            lines = [self.strata[0].result.summary(self.level)]
            for w in self.strata[0].warnings:
                lines.append(f"NOTE {w}")
        else:
            t = self.table()
            with pd.option_context("display.width", 140, "display.max_columns", 20, "display.float_format", "{:,.1f}".format):
                lines.append(t.to_string(index=False))
            lo, hi = self.combined["interval"]
            lines.append(f"Combined: observed {self.observed:,}; estimate {self.estimate:,.1f}; "
                         f"{self.level:.0%} interval {_f(lo)} to {_f(hi)} ({self.combined.get('how')})")
            for s in self.strata:
                for w in s.warnings + (s.result.warnings if s.result else []):
                    lines.append(f"  [{_stratum_label(s.stratum)}] {w}")
        for w in self.warnings:
            lines.append(f"WARNING {w}")
        return "\n".join(lines)


def _version() -> str:
    from uncounted import __version__

    return __version__


def _f(x: float | None) -> str:
    return "n/a" if x is None or not math.isfinite(x) else f"{x:,.1f}"


def _stratum_label(stratum: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in stratum.items()) or "all"


# --------------------------------------------------------------------------- structural zeros
def _matches(descriptor: Any, stratum: Mapping[str, Any]) -> bool:
    values = list(stratum.values())
    if isinstance(descriptor, Mapping):
        return all(str(stratum.get(k)) == str(v) for k, v in descriptor.items())
    if isinstance(descriptor, tuple):
        return [str(v) for v in descriptor] == [str(v) for v in values]
    return any(str(descriptor) == str(v) for v in values)


def _lists_to_drop(table: PatternTable, structural_zeros: Mapping[str, Iterable[Any]] | None,
                   overall_rate: Mapping[str, float], detect: bool) -> dict[str, str]:
    drop: dict[str, str] = {}
    for name, descriptors in (structural_zeros or {}).items():
        if name in table.lists and any(_matches(d, table.stratum) for d in descriptors):
            drop[name] = "structural zero given by the caller: this list cannot record this stratum"
    if detect:
        totals = table.list_totals()
        for name, tot in totals.items():
            if tot == 0 and name not in drop:
                expected = overall_rate.get(name, 0.0) * table.observed
                judge = ("it would have recorded about {:.1f} here at its overall rate, so the zero is probably "
                         "structural (the list could not record these people)").format(expected) if expected >= 5 else (
                         "at its overall rate it would have recorded about {:.1f} here, so this may be a chance "
                         "(sampling) zero; leaving it out uses only the other lists").format(expected)
                drop[name] = f"recorded no one in this stratum; left out of the model ({judge})"
    return drop


# --------------------------------------------------------------------------- main entry points
def make_estimator(method: str, **settings: Any) -> Any:
    """``get_estimator`` with settings the method does not take dropped if they are None, the
    interval ``level`` (every result accepts ``interval(level)``) or ``seed`` (deterministic
    methods need none); other unknown settings raise a clear error."""
    import inspect

    from uncounted.estimate.base import ESTIMATORS, available_estimators

    key = method.strip().lower()
    if key not in ESTIMATORS:
        available_estimators()
    cls = ESTIMATORS.get(key)
    if cls is None:
        raise EstimationError(f"unknown estimation method {method!r}; available: {', '.join(available_estimators())}.")
    accepted = {p.name for p in inspect.signature(cls.__init__).parameters.values() if p.kind is p.KEYWORD_ONLY}
    use: dict[str, Any] = {}
    for key, value in settings.items():
        if key in accepted:
            use[key] = value
        elif value is not None and key not in ("level", "seed"):
            raise EstimationError(f"setting {key!r} does not apply to method {method!r}; it takes {sorted(accepted)}.")
    try:
        return cls(**use)
    except ValueError as exc:
        raise EstimationError(str(exc)) from exc



def estimate_strata(tables: Sequence[PatternTable], *, method: str = "loglinear",
                    structural_zeros: Mapping[str, Iterable[Any]] | None = None,
                    detect_structural_zeros: bool = True, level: float = 0.95, bootstrap: int = 500,
                    seed: int | None = 0, by: Sequence[str] | None = None, **settings: Any) -> StratifiedResult:
    """Fit ``method`` in each stratum table and combine (see the module docstring)."""
    level = check_level(level)
    if not tables:
        raise EstimationError("no strata to estimate: the tables list is empty.")
    estimator = make_estimator(method, level=level, seed=seed, **settings)
    # overall share of the observed persons that each list recorded (for judging zeros)
    totals: dict[str, int] = {}
    grand = 0
    for t in tables:
        grand += t.observed
        for name, v in t.list_totals().items():
            totals[name] = totals.get(name, 0) + v
    rate = {k: v / grand for k, v in totals.items()} if grand else {}
    strata: list[StratumEstimate] = []
    for t in tables:
        stratum = {k: v for k, v in t.stratum.items() if not str(k).startswith("_")}
        drop = _lists_to_drop(t, structural_zeros, rate, detect_structural_zeros)
        used = [x for x in t.lists if x not in drop]
        st = StratumEstimate(stratum=stratum, observed=t.observed, lists_used=tuple(used), lists_dropped=drop)
        st.table = t.subset(used) if len(used) >= 1 else None
        for name, why in drop.items():
            msg = f"list {name} left out of stratum [{_stratum_label(stratum)}]: {why}."
            st.warnings.append(f"StructuralZeroWarning: {msg}")
            warnings.warn(msg, StructuralZeroWarning, stacklevel=2)
        sub = st.table
        if sub is None or len(used) < estimator.min_lists:
            st.warnings.append(f"no estimate: only {len(used)} list(s) can record this stratum ({', '.join(used) or 'none'}).")
        elif sub.observed == 0:
            st.warnings.append("no estimate: no one observed in this stratum.")
        else:
            if sub.observed < SMALL_STRATUM:
                msg = f"small stratum [{_stratum_label(stratum)}]: only {sub.observed} persons observed."
                st.warnings.append(f"SparseTableWarning: {msg}")
                warnings.warn(msg, SparseTableWarning, stacklevel=2)
            try:
                st.result = estimator.fit(sub.with_stratum(stratum))
            except EstimationError as exc:
                st.warnings.append(f"no estimate: {exc}")
        strata.append(st)
    combined, draws, extra = _combine(strata, estimator, level, bootstrap, seed)
    res = StratifiedResult(method=estimator.name, strata=strata, level=level, combined=combined,
                           settings={**estimator.get_params(), "bootstrap": bootstrap, "seed": seed,
                                     "structural_zeros": json_safe(structural_zeros or {}),
                                     "detect_structural_zeros": detect_structural_zeros},
                           warnings=extra, by=list(by or []), combined_draws=draws)
    return res


def estimate_from_memberships(memberships: pd.DataFrame, *, method: str = "loglinear",
                              lists: Sequence[str] | None = None, by: str | Sequence[str] | None = None,
                              structural_zeros: Mapping[str, Iterable[Any]] | None = None,
                              **settings: Any) -> StratifiedResult:
    """Everything from linked persons to a stratified estimate.

    ``memberships``: one row per (person_id, source) with stratum columns. ``by``: e.g.
    ``"year:5,place"``. Other keyword settings go to :func:`estimate_strata` (``level``,
    ``bootstrap``, ``seed``, ``detect_structural_zeros``) or to the estimator (``criterion``,
    ``order``, ``model``, ...).
    """
    from uncounted.estimate.histories import capture_histories, parse_by, stratum_conflicts

    tables = capture_histories(memberships, lists=lists, by=by)
    res = estimate_strata(tables, method=method, structural_zeros=structural_zeros,
                          by=[b.label() for b in parse_by(by)], **settings)
    for label, n in stratum_conflicts(memberships, by).items():
        if n:
            res.warnings.append(f"{n} persons have records that disagree on {label}; the most frequent value was used.")
    return res


# --------------------------------------------------------------------------- combining
def _combine(strata: list[StratumEstimate], estimator: Any, level: float, bootstrap: int,
             seed: int | None) -> tuple[dict[str, Any], np.ndarray | None, list[str]]:
    notes: list[str] = []
    fitted = [s for s in strata if s.result is not None and math.isfinite(s.result.estimate)]
    missing = [s for s in strata if s not in fitted]
    add_observed = sum(s.observed for s in missing)
    if missing:
        notes.append(f"{len(missing)} strata have no finite estimate; their {add_observed:,} observed persons are "
                     "added to the combined total as they are (a lower bound for those strata).")
    point = sum(s.result.estimate for s in fitted) + add_observed
    if not fitted:
        return {"estimate": float(point), "interval": [None, None], "level": level, "how": "none",
                "observed": sum(s.observed for s in strata)}, None, notes
    if len(strata) == 1:
        r = strata[0].result
        lo, hi = strata[0].interval(level) or (None, None)
        return {"estimate": r.estimate, "interval": [lo, hi], "level": level, "how": "single stratum",
                "observed": strata[0].observed}, (None if r.draws is None else np.asarray(r.draws)), notes
    rng = np.random.default_rng(seed)
    if all(s.result.draws is not None for s in fitted):
        n_min = min(len(s.result.draws) for s in fitted)
        total = np.zeros(n_min)
        for s in fitted:
            d = np.asarray(s.result.draws, dtype=float)
            total += d if len(d) == n_min else rng.choice(d, n_min, replace=False)
        total += add_observed
        q = np.quantile(total, [(1 - level) / 2, 1 - (1 - level) / 2])
        return {"estimate": float(np.median(total)), "interval": [float(q[0]), float(q[1])], "level": level,
                "how": "summed posterior draws", "n_draws": n_min, "observed": sum(s.observed for s in strata),
                "sum_of_stratum_estimates": float(point)}, total, notes
    total, failures = bootstrap_totals([s.result for s in fitted], [s.table for s in fitted], estimator, bootstrap, rng)
    total = total + add_observed
    if failures:
        notes.append(f"{failures} bootstrap replicates had no finite estimate (lists without overlap) and count as "
                     "infinite; the upper bound may be infinite.")
    q = np.quantile(total, [(1 - level) / 2, 1 - (1 - level) / 2])
    if not (q[0] <= point <= q[1]):
        unstable = sorted(fitted, key=lambda s: -(s.result.std_error or 0) / max(s.result.estimate, 1))[:5]
        notes.append("the bootstrap interval of the total does not contain the sum of the stratum estimates: "
                     "some strata have unstable estimates (e.g. " + "; ".join(_stratum_label(s.stratum) for s in unstable)
                     + "). Use coarser strata or fewer lists before trusting the combined total.")
    return {"estimate": float(point), "interval": [float(q[0]), float(q[1])], "level": level,
            "how": f"parametric bootstrap ({bootstrap} replicates, model held fixed per stratum; percentile interval)",
            "observed": sum(s.observed for s in strata), "bootstrap_median": float(np.median(total))}, total, notes


def bootstrap_totals(results: Sequence[EstimateResult], tables: Sequence[PatternTable], estimator: Any,
                     replicates: int, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """Parametric-bootstrap replicates of the sum of the stratum estimates."""
    if replicates < 20:
        raise EstimationError(f"bootstrap needs at least 20 replicates; got {replicates}.")
    total = np.zeros(replicates)
    failures = 0
    for r, t in zip(results, tables):
        reps, bad = _bootstrap_one(r, t, estimator, replicates, rng)
        failures += bad
        total += reps
    return total, failures


def _fitted_cells(r: EstimateResult, table: PatternTable) -> np.ndarray:
    """Expected counts of the observable cells: the model's fit, or the observed counts."""
    X = getattr(r, "_X", None)
    coef = getattr(r, "coefficients", None)
    if X is None or not coef:
        return table.cell_counts().astype(float)
    beta = np.array(list(coef.values()), dtype=float)
    return np.exp(X @ beta)


def _bootstrap_one(r: EstimateResult, table: PatternTable, estimator: Any, B: int,
                   rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """B bootstrap estimates of one stratum's N (model fixed). Replicates whose estimate does not
    exist (the resampled lists do not overlap) count as infinite, which widens the interval."""
    N = int(round(r.estimate))
    fitted = _fitted_cells(r, table)
    unseen = max(r.estimate - fitted.sum(), 0.0)
    p = np.append(fitted, unseen)
    p = p / p.sum()
    draws = rng.multinomial(N, p, size=B)[:, :-1].astype(float)
    X = getattr(r, "_X", None)
    if X is not None:
        from uncounted.estimate.loglinear import fit_poisson

        from uncounted.estimate.loglinear import mle_existence

        fit = fit_poisson(np.broadcast_to(X, (B, *X.shape)), draws)
        ok = fit.converged & (fit.beta[:, 0] < 50)
        # a replicate with empty cells may have no finite estimate: check those by LP
        for b in np.flatnonzero(ok & (draws == 0).any(axis=1)):
            if mle_existence(X, draws[b])["n_unbounded"]:
                ok[b] = False
        est = draws.sum(axis=1) + np.exp(np.minimum(fit.beta[:, 0], 50))
        est[~ok] = np.inf
        return est, int((~ok).sum())
    out = np.empty(B)
    bad = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UncountedWarning)
        for b in range(B):
            try:
                out[b] = estimator.fit(PatternTable.from_cells(table.lists, draws[b].astype(np.int64))).estimate
            except EstimationError:
                out[b], bad = np.inf, bad + 1
    return out, bad
