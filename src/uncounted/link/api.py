"""One call to link a DataFrame of reports into persons (for notebooks and the CLI)."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from uncounted.link.cluster import Clustering, Coherence, Decision, cluster_reports
from uncounted.link.model import LinkageSettings, TrainedModel, predict_pairs, train_model
from uncounted.link.prepare import prepare_reports

__all__ = ["LinkResult", "link_dataframe"]


@dataclass
class LinkResult:
    """Everything one linkage run produced."""

    prepared: pd.DataFrame
    pairs: pd.DataFrame
    clusters: Clustering
    model: TrainedModel
    threshold: float
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def person_of(self) -> dict[str, str]:
        return self.clusters.cluster_of


def link_dataframe(
    df: pd.DataFrame,
    *,
    settings: LinkageSettings | None = None,
    threshold: float | None = None,
    backend: str = "duckdb",
    decisions: Sequence[Decision] | None = None,
    model: TrainedModel | None = None,
    keep_pairs_above: float = 0.01,
    progress: bool = True,
) -> LinkResult:
    """Prepare, train (unless a model is given), score, and cluster reports.

    Args:
        df: one row per report (see ``uncounted.link.prepare.INPUT_COLUMNS``).
        settings: linkage settings; defaults suit lists of victims' reports.
        threshold: match probability at which pairs become links (default: the
            settings' threshold).
        backend: "duckdb" (default) or "spark".
        decisions: human decisions that override the model.
        model: a trained model to reuse instead of training.
        keep_pairs_above: pairs below this probability are not returned.
        progress: print the steps and their times to stderr.
    """
    settings = settings or (model.settings if model else LinkageSettings())
    threshold = settings.threshold if threshold is None else threshold
    timings: dict[str, float] = {}

    def step(name: str, fn):
        t0 = time.perf_counter()
        if progress:
            print(f"[link] {name}...", file=sys.stderr, flush=True)
        result = fn()
        timings[name] = time.perf_counter() - t0
        return result

    prepared = step("prepare", lambda: prepare_reports(df))
    refit = model is None and settings.probability_two_random_records_match is None
    if model is None:
        model = step("train", lambda: train_model(prepared, settings, backend=backend))
    # a newly trained model's prior is fitted on the blocked pairs while scoring them
    pairs = step("predict", lambda: predict_pairs(
        prepared, model, threshold=min(keep_pairs_above, threshold), backend=backend, refit_prior=refit))
    # Evidence clustering weighs every cross pair itself; the coherence rules guard single-link.
    coherence = Coherence(prepared) if settings.coherence and settings.clustering == "single" else None
    clusters = step("cluster", lambda: cluster_reports(
        pairs, prepared["report_key"].tolist(), threshold=threshold, decisions=decisions,
        coherence=coherence, method=settings.clustering))
    if progress:
        total = sum(timings.values())
        print(f"[link] {len(prepared):,} reports -> {clusters.n_persons:,} persons "
              f"({len(pairs):,} pairs kept) in {total:.1f} s", file=sys.stderr)
    return LinkResult(prepared, pairs, clusters, model, threshold, timings)
