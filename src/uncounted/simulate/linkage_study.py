"""Validation study of linkage error in the estimate: does the pooled interval cover the truth?

Each replicate runs the whole pipeline on a SYNTHETIC population of known size:

1. simulate the demo scenario (four lists, heterogeneity, dependence, messy names) with its own
   seed and write the list files;
2. import every list into a temporary workspace (`uncounted.demo.import_lists`, the same
   mapping files as the demo) and link it with uncounted's own linker (`link_workspace`);
3. compare the persons found with the true persons on the lists (`evaluate_workspace`);
4. estimate the total in several ways, with the same estimator and settings:
   * **fixed**: the stored linkage (match threshold) taken as certain, the usual estimate;
   * **pooled**: `linkage_uncertainty_workspace`, plausible linkages drawn from the match
     probabilities and pooled into one interval;
   * **oracle**: the true linkage (from truth.csv), which no analyst has. It separates the
     error of the model from the error of the linkage: when the oracle misses, linkage is not
     the (only) problem;
   * optionally (`thresholds=`) with the persons formed at other match thresholds, and
     (`review_pairs=`) again after a reviewer who is always right decided the pairs nearest the
     threshold.

    result = run_linkage_study(replicates=6, victims=2000, n_draws=15, seed=7)
    print(result.report()); result.table(); result.summary_table(); result.to_dict()

A replicate that fails (e.g. the linker's training stops) is left out and listed in
`result.failures` with its error; the study goes on.

**Strata.** The default estimates the total without strata. Stratifying by violation is not
defensible on these lists: the morgue register writes every body as a killing, so a disappeared
person found dead is a "killing" there and an "enforced disappearance" elsewhere, and the person's
stratum depends on which lists found them. The morgue's blindness to the living (still missing,
released) is heterogeneity of capture that LCMCR's latent classes can absorb. `by="violation"`
runs the study stratified anyway.

Every figure this study produces is about SYNTHETIC data.
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from uncounted.errors import EstimationError

__all__ = ["run_linkage_study", "run_replicate", "LinkageStudyResult", "ReplicateResult", "DEFAULT_SETTINGS"]

#: Short chains so that a study of a few replicates runs in minutes on a shared machine.
DEFAULT_SETTINGS: dict[str, dict[str, Any]] = {
    "lcmcr": {"burnin": 1000, "samples": 500, "thinning": 10, "chains": 2},
    "loglinear": {},
}
REVIEWER = "simulated reviewer (decides from the truth)"
SYNTHETIC = "SYNTHETIC"


@dataclass
class ReplicateResult:
    """One simulated population, linked and estimated three ways."""

    replicate: int
    seed: int
    truth: int  # victims in the population, seen or not (manifest: truth.victims)
    true_persons: int  # victims on at least one list (the documented count with perfect linkage)
    persons_found: int  # persons formed by the stored linkage
    pairwise_precision: float
    pairwise_recall: float
    persons_per_draw: float  # median over the linkage draws
    linkage_share: float
    estimates: dict[str, dict[str, Any]]  # kind -> {"estimate", "interval": [lo, hi], "observed"}
    calibration: dict[str, float] = field(default_factory=dict)  # see pair_calibration
    reviewed: dict[str, Any] = field(default_factory=dict)  # pairs decided, persons after review (if any)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def kinds(self) -> list[str]:
        return list(self.estimates)

    def covered(self, kind: str) -> bool:
        lo, hi = self.estimates[kind]["interval"]
        return lo is not None and hi is not None and lo <= self.truth <= hi

    def row(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "replicate": self.replicate, "seed": self.seed, "truth": self.truth,
            "true_persons": self.true_persons, "persons_found": self.persons_found,
            "excess_persons": (self.persons_found - self.true_persons) / self.true_persons,
            "persons_per_draw": self.persons_per_draw, "pairwise_recall": self.pairwise_recall,
            "pairwise_precision": self.pairwise_precision, "linkage_share": self.linkage_share,
            "true_pairs_unscored": self.calibration.get("true_pairs", 0) - self.calibration.get("true_pairs_scored", 0),
            "expected_links": self.calibration.get("expected_links"),
            "true_pairs_scored": self.calibration.get("true_pairs_scored"),
        }
        if self.reviewed:
            out["persons_found_reviewed"] = self.reviewed["persons_found"]
            out["persons_per_draw_reviewed"] = self.reviewed["persons_per_draw"]
        for kind in self.kinds:
            est = self.estimates[kind]
            lo, hi = est["interval"]
            out[f"{kind}_estimate"] = est["estimate"]
            out[f"{kind}_low"] = lo
            out[f"{kind}_high"] = hi
            out[f"{kind}_covered"] = self.covered(kind)
        return out


@dataclass
class LinkageStudyResult:
    """Every replicate plus the settings that produced them."""

    settings: dict[str, Any]
    replicates: list[ReplicateResult]
    seconds: float = 0.0
    failures: list[dict[str, Any]] = field(default_factory=list)  # replicates that could not run, and why

    @property
    def kinds(self) -> list[str]:
        """The kinds of estimate every replicate has (fixed, pooled, oracle, threshold_0.5, ...)."""
        first = self.replicates[0].kinds if self.replicates else []
        return [k for k in first if all(k in r.estimates for r in self.replicates)]

    def table(self) -> pd.DataFrame:
        """One row per replicate: truth, persons, the three estimates and intervals, coverage."""
        return pd.DataFrame([r.row() for r in self.replicates])

    def summary_table(self) -> pd.DataFrame:
        """One row per kind of estimate: coverage, bias, relative bias, RMSE, interval width."""
        rows = []
        for kind in self.kinds:
            est = np.array([r.estimates[kind]["estimate"] for r in self.replicates], dtype=float)
            truth = np.array([r.truth for r in self.replicates], dtype=float)
            width = np.array([_width(r.estimates[kind]["interval"]) for r in self.replicates], dtype=float)
            covered = [r.covered(kind) for r in self.replicates]
            rows.append({
                "estimate": kind, "replicates": len(est), "covered": int(sum(covered)),
                "coverage": float(np.mean(covered)),
                "coverage_95ci": list(_wilson(int(sum(covered)), len(covered))),
                "mean_bias": float(np.mean(est - truth)), "mean_relative_bias": float(np.mean(est / truth - 1)),
                "rmse": float(np.sqrt(np.mean((est - truth) ** 2))),
                "mean_width": float(np.mean(width)), "mean_relative_width": float(np.mean(width / truth)),
            })
        return pd.DataFrame(rows)

    def linkage_summary(self) -> dict[str, float]:
        """Means over replicates of what the linker did and how much of the interval is linkage."""
        t = self.table()
        return {
            "mean_truth": float(t["truth"].mean()), "mean_true_persons": float(t["true_persons"].mean()),
            "mean_persons_found": float(t["persons_found"].mean()),
            "mean_excess_persons": float(t["excess_persons"].mean()),
            "mean_persons_per_draw": float(t["persons_per_draw"].mean()),
            "mean_pairwise_recall": float(t["pairwise_recall"].mean()),
            "mean_pairwise_precision": float(t["pairwise_precision"].mean()),
            "mean_linkage_share": float(t["linkage_share"].mean()),
            "mean_true_pairs_unscored": float(t["true_pairs_unscored"].mean()),
            "mean_expected_links": float(t["expected_links"].mean()),
            "mean_true_pairs_scored": float(t["true_pairs_scored"].mean()),
        }

    def to_dict(self) -> dict[str, Any]:
        return _json_safe({
            SYNTHETIC: True, "settings": self.settings, "seconds": self.seconds,
            "summary": self.summary_table().to_dict("records"), "linkage": self.linkage_summary(),
            "replicates": [{**asdict(r), "covered": {k: r.covered(k) for k in r.kinds}} for r in self.replicates],
            "failures": self.failures,
        })

    def report(self) -> str:
        """Plain-text tables for a terminal."""
        s = self.settings
        lines = [f"{SYNTHETIC} linkage study: {len(self.replicates)} replicates of {s['victims']:,} victims "
                 f"(scenario demo), {s['method']} {s['estimator_settings']}, by={s['by']}, "
                 f"{s['n_draws']} linkage draws, level {s['level']:.0%}, seed {s['seed']}; {self.seconds:.0f} s"]
        with pd.option_context("display.width", 200, "display.max_columns", 30):
            t = self.table()
            show = t[["replicate", "truth", "true_persons", "persons_found", "persons_per_draw",
                      "pairwise_recall", "linkage_share"]].copy()
            for kind in self.kinds:
                show[kind] = [f"{_n(e)} [{_n(lo)}, {_n(hi)}]{'' if c else ' MISS'}" for e, lo, hi, c in
                              zip(t[f"{kind}_estimate"], t[f"{kind}_low"], t[f"{kind}_high"], t[f"{kind}_covered"])]
            lines += ["", show.to_string(index=False, float_format=lambda x: f"{x:.3f}")]
            summ = self.summary_table()
            summ["coverage_95ci"] = [f"{lo:.2f}-{hi:.2f}" for lo, hi in summ["coverage_95ci"]]
            lines += ["", summ.to_string(index=False, float_format=lambda x: f"{x:,.3f}")]
        link = self.linkage_summary()
        lines += ["", f"persons found {link['mean_persons_found']:,.0f} vs true persons on the lists "
                      f"{link['mean_true_persons']:,.0f} ({link['mean_excess_persons']:+.1%}); median persons per "
                      f"linkage draw {link['mean_persons_per_draw']:,.0f}; pairwise recall "
                      f"{link['mean_pairwise_recall']:.3f}, precision {link['mean_pairwise_precision']:.3f}; "
                      f"mean linkage share of the pooled variance {link['mean_linkage_share']:.0%}",
                  f"stored pairs: sum of match probabilities {link['mean_expected_links']:,.0f} vs true pairs "
                  f"among them {link['mean_true_pairs_scored']:,.0f}; true pairs never scored (never a link in any "
                  f"draw) {link['mean_true_pairs_unscored']:,.0f}"]
        lines += [f"replicate {f['replicate']} (seed {f['seed']}) FAILED and is left out: {f['error']}"
                  for f in self.failures]
        return "\n".join(lines)


def run_linkage_study(*, replicates: int = 6, victims: int = 2000, method: str = "lcmcr", n_draws: int = 15,
                      seed: int = 2026, by: str | Sequence[str] | None = None, level: float = 0.95,
                      estimator_settings: dict[str, Any] | None = None, review_pairs: int = 0,
                      thresholds: Sequence[float] = (), workdir: str | Path | None = None, progress: bool = True) -> LinkageStudyResult:
    """Simulate, import, link and estimate `replicates` populations (see the module docstring).

    Replicate i uses seed `seed + i` for the simulation, the linkage draws and the estimator.
    `review_pairs`: if > 0, the review queue's first `review_pairs` pairs (nearest the match
    threshold) are then decided from the truth, as a reviewer who is always right would, the
    reports are linked again with those decisions, and both estimates are repeated
    ("reviewed_fixed", "reviewed_pooled"). `thresholds`: also estimate with the persons formed
    at each of these match thresholds ("threshold_0.5", ...), as `--linkage-sensitivity` shows.
    `workdir`: keep each replicate's lists and workspace there (default: a temporary folder
    that is removed).
    """
    if replicates < 1:
        raise EstimationError(f"the linkage study needs at least 1 replicate; got {replicates}.")
    if victims < 50:
        raise EstimationError(f"the linkage study needs at least 50 victims per population; got {victims}.")
    settings = {**DEFAULT_SETTINGS.get(method, {}), **(estimator_settings or {})}
    started = time.perf_counter()
    bar = _bar(replicates, progress)
    results: list[ReplicateResult] = []
    failures: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="uncounted-linkage-study-") as tmp:
        root = Path(workdir) if workdir is not None else Path(tmp)
        for i in range(replicates):
            try:
                results.append(run_replicate(root / f"replicate-{i:03d}", replicate=i, seed=seed + i,
                                             victims=victims, method=method, n_draws=n_draws, by=by, level=level,
                                             review_pairs=review_pairs, thresholds=thresholds, **settings))
            except Exception as exc:  # noqa: BLE001 - a study reports a failed replicate and goes on
                failures.append({"replicate": i, "seed": seed + i, "error": f"{type(exc).__name__}: {exc}"})
                print(f"linkage study: replicate {i} (seed {seed + i}) failed: {type(exc).__name__}: {exc}",
                      file=sys.stderr)
            bar.update(1)
    bar.close()
    if not results:
        raise EstimationError(f"every replicate of the linkage study failed; the first: {failures[0]['error']}")
    study_settings = {"replicates": replicates, "victims": victims, "scenario": "demo", "method": method,
                      "estimator_settings": settings, "n_draws": n_draws, "seed": seed,
                      "by": by if by is None or isinstance(by, str) else ",".join(by), "level": level,
                      "review_pairs": review_pairs, "thresholds": list(thresholds)}
    return LinkageStudyResult(study_settings, results, time.perf_counter() - started, failures)


def run_replicate(folder: Path, *, replicate: int, seed: int, victims: int, method: str, n_draws: int,
                  by: str | Sequence[str] | None, level: float, review_pairs: int = 0,
                  thresholds: Sequence[float] = (), **settings: Any) -> ReplicateResult:
    """One replicate: simulate into `folder`, import, link, evaluate, estimate three ways
    (and two more after a simulated review, with `review_pairs`)."""
    from uncounted.demo import import_lists
    from uncounted.estimate.stored import linkage_uncertainty_workspace, threshold_sensitivity_workspace
    from uncounted.link.stored import evaluate_workspace, link_workspace
    from uncounted.records.workspace import Workspace
    from uncounted.simulate import scenario_config, simulate_scenario, write_scenario

    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    lists_dir = folder / "lists"
    write_scenario(simulate_scenario(scenario_config("demo", victims=victims), seed=seed), lists_dir)
    manifest = json.loads((lists_dir / "manifest.json").read_text(encoding="utf-8"))
    seconds["simulate"], clock = time.perf_counter() - clock, time.perf_counter()
    ws = Workspace.init(folder / "workspace")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import_lists(ws, lists_dir, manifest)
            seconds["import"], clock = time.perf_counter() - clock, time.perf_counter()
            link_workspace(ws, progress=False)
            metrics = evaluate_workspace(ws, lists_dir / "truth.csv")
            seconds["link"], clock = time.perf_counter() - clock, time.perf_counter()
            pooled, _ = linkage_uncertainty_workspace(ws, method=method, by=by, n_draws=n_draws, seed=seed,
                                                      level=level, store=False, **settings)
            seconds["pooled"], clock = time.perf_counter() - clock, time.perf_counter()
            truth_clusters = true_cluster_of(ws, lists_dir / "truth.csv")
            oracle = oracle_estimate(ws, truth_clusters, method=method, by=by, seed=seed, level=level, **settings)
            calibration = pair_calibration(ws, truth_clusters)
            seconds["oracle"], clock = time.perf_counter() - clock, time.perf_counter()
            sensitivity = threshold_sensitivity_workspace(ws, thresholds=list(thresholds), method=method, by=by,
                                                          seed=seed, level=level, **settings) if thresholds else []
            reviewed, reviewed_pooled = {}, None
            if review_pairs > 0:
                reviewed["pairs_decided"] = review_from_truth(ws, truth_clusters, review_pairs)
                link_workspace(ws, reuse_model=True, progress=False)
                reviewed["persons_found"] = int(evaluate_workspace(ws, lists_dir / "truth.csv")["persons_found"])
                reviewed_pooled, _ = linkage_uncertainty_workspace(ws, method=method, by=by, n_draws=n_draws,
                                                                   seed=seed, level=level, store=False, **settings)
                reviewed["persons_per_draw"] = float(reviewed_pooled.persons["median"])
                seconds["review"] = time.perf_counter() - clock
    finally:
        ws.dispose()
    estimates = {**_fixed_and_pooled(pooled, ""),
                 "oracle": {"estimate": float(oracle.estimate), "interval": _interval(oracle.interval()),
                            "observed": int(oracle.observed)}}
    for row in sensitivity:
        estimates[f"threshold_{row['threshold']:g}"] = {"estimate": _number(row["estimate"]),
                                                       "interval": _interval(row["interval"]),
                                                       "observed": int(row["persons"])}
    if reviewed_pooled is not None:
        estimates.update(_fixed_and_pooled(reviewed_pooled, "reviewed_"))
    return ReplicateResult(
        replicate=replicate, seed=seed, truth=int(manifest["truth"]["victims"]),
        true_persons=int(metrics["true_persons"]), persons_found=int(metrics["persons_found"]),
        pairwise_precision=float(metrics["pairwise"]["precision"]),
        pairwise_recall=float(metrics["pairwise"]["recall"]),
        persons_per_draw=float(pooled.persons["median"]), linkage_share=float(pooled.linkage_share),
        calibration=calibration, estimates=estimates, reviewed=reviewed, seconds=seconds,
    )


def _fixed_and_pooled(result: Any, prefix: str) -> dict[str, dict[str, Any]]:
    fixed = result.fixed_linkage
    return {
        f"{prefix}fixed": {"estimate": float(fixed["estimate"]), "interval": _interval(fixed["interval"]),
                           "observed": int(fixed["observed"])},
        f"{prefix}pooled": {"estimate": float(result.estimate), "interval": _interval(result.interval),
                            "observed": int(result.persons["median"])},
    }


def review_from_truth(ws: Any, cluster_of: dict[str, str], limit: int) -> int:
    """Decide the review queue's first `limit` pairs as a reviewer who knows the truth would."""
    from uncounted.link.stored import record_decision, review_queue

    queue = review_queue(ws, limit=limit)
    for pair in queue:
        a, b = pair["report_key_l"], pair["report_key_r"]
        record_decision(ws, a, b, "same" if cluster_of.get(a) == cluster_of.get(b) else "different", actor=REVIEWER)
    return len(queue)


def true_cluster_of(ws: Any, truth_path: Path) -> dict[str, str]:
    """Report key -> the simulation's person id (truth.csv matched on source and record id)."""
    from uncounted.records.query import reports_frame

    frame = reports_frame(ws)
    truth = pd.read_csv(truth_path, dtype=str, keep_default_na=False)
    person_of = dict(zip(zip(truth["source"], truth["record_id"]), truth["person_id"]))
    return {key: person_of.get((src, str(rid)), f"unmatched:{key}")
            for key, src, rid in zip(frame["report_key"], frame["source"], frame["source_record_id"])}


def oracle_estimate(ws: Any, cluster_of: dict[str, str], *, method: str, by: str | Sequence[str] | None,
                    seed: int, level: float, **settings: Any) -> Any:
    """The estimate with the true linkage: reports grouped by the simulation's person ids."""
    from uncounted.estimate.linkage_uncertainty import memberships_for
    from uncounted.estimate.stored import reports_for_strata
    from uncounted.estimate.strata import estimate_from_memberships

    return estimate_from_memberships(memberships_for(cluster_of, reports_for_strata(ws)), method=method, by=by,
                                     seed=seed, level=level, **settings)


def pair_calibration(ws: Any, cluster_of: dict[str, str]) -> dict[str, float]:
    """How the stored match probabilities compare with the truth.

    true_pairs: pairs of reports of one true person; true_pairs_scored: those among the stored
    pairs (probability >= 0.01; the others are never a link in any draw); expected_links: the
    sum of the stored probabilities (links per draw, before clustering); true_among_stored.
    """
    from uncounted.link.stored import stored_pairs

    pairs = stored_pairs(ws)
    size = pd.Series(list(cluster_of.values())).value_counts()
    true_pairs = int((size * (size - 1) // 2).sum())
    same = [cluster_of.get(a) == cluster_of.get(b) for a, b in zip(pairs["report_key_l"], pairs["report_key_r"])]
    return {"true_pairs": true_pairs, "true_pairs_scored": int(sum(same)),
            "expected_links": float(pairs["match_probability"].sum()), "stored_pairs": int(len(pairs))}


# --------------------------------------------------------------------------- helpers
def _interval(pair: Sequence[float | None]) -> list[float | None]:
    return [None if v is None or not math.isfinite(v) else float(v) for v in pair]


def _number(value: float | None) -> float:
    return math.inf if value is None else float(value)


def _width(pair: Sequence[float | None]) -> float:
    lo, hi = pair
    return math.inf if lo is None or hi is None else hi - lo


def _wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for a coverage of k out of n (how uncertain a small study's coverage is)."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def _n(value: float | None) -> str:
    return "n/a" if value is None or not math.isfinite(value) else f"{value:,.0f}"


def _json_safe(value: Any) -> Any:
    from uncounted.estimate.base import json_safe

    return json_safe(value)


class _NoBar:
    def update(self, _n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _bar(total: int, enabled: bool) -> Any:
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, file=sys.stderr, desc="linkage study", unit="replicate")
