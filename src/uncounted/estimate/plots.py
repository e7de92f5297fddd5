"""Plots of estimates (matplotlib, Agg backend): the profile or posterior of N with the documented
count marked, and a forest plot of strata. Titles say SYNTHETIC when the data are synthetic."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from uncounted.estimate.base import EstimateResult  # noqa: E402

__all__ = ["plot_result", "plot_strata", "plot_estimate"]


def _title(text: str, synthetic: bool) -> str:
    return f"SYNTHETIC DATA: {text}" if synthetic else text


def plot_result(result: EstimateResult, *, path: str | Path | None = None, synthetic: bool = False,
                level: float | None = None, title: str | None = None) -> plt.Figure:
    """Posterior histogram (Bayesian) or profile log-likelihood (log-linear) of N, with the
    documented (observed) count, the estimate and the interval marked."""
    fig, ax = plt.subplots(figsize=(7, 4.2))
    lv = result.level if level is None else level
    try:
        lo, hi = result.interval(lv)
    except Exception:  # an interval may not exist; the plot still shows the estimate
        lo, hi = math.nan, math.nan
    n = result.observed
    if result.draws is not None and len(result.draws):
        d = np.asarray(result.draws, dtype=float)
        ax.hist(d, bins=60, color="#8fb3d9", edgecolor="white")
        ax.set_ylabel("posterior draws")
        kind = "posterior of N"
    elif hasattr(result, "profile_curve") and getattr(result, "interval_method", "") == "profile" and math.isfinite(lo):
        curve = result.profile_curve(lv)
        ax.plot(curve["N"], curve["loglik"], color="#1f4e79")
        ax.set_ylabel("profile log-likelihood")
        kind = "profile likelihood of N"
    else:
        ax.errorbar([result.estimate], [0], xerr=[[result.estimate - lo], [hi - result.estimate]], fmt="o", capsize=6)
        ax.set_yticks([])
        kind = "estimate of N"
    ax.axvline(n, color="black", lw=2, label=f"documented: {n:,}")
    if math.isfinite(result.estimate):
        ax.axvline(result.estimate, color="#c0392b", ls="--", label=f"estimate: {result.estimate:,.0f}")
    for b in (lo, hi):
        if math.isfinite(b):
            ax.axvline(b, color="#c0392b", ls=":", lw=1)
    if math.isfinite(lo):
        ax.plot([], [], color="#c0392b", ls=":", label=f"{lv:.0%} interval: {lo:,.0f} to {hi:,.0f}" if math.isfinite(hi) else f"{lv:.0%} lower bound {lo:,.0f}")
    ax.set_xlabel("N (total, documented + undocumented)")
    model = getattr(result, "model_name", "")
    ax.set_title(_title(title or f"{result.method}: {kind}" + (f"\n{model}" if model else ""), synthetic), fontsize=10)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
        plt.close(fig)
    return fig


def plot_strata(stratified: Any, *, path: str | Path | None = None, synthetic: bool = False,
                title: str | None = None) -> plt.Figure:
    """Forest plot: each stratum's estimate and interval, with its documented count, and the total."""
    rows = []
    for s in stratified.strata:
        label = ", ".join(f"{k}={v}" for k, v in s.stratum.items()) or "all"
        iv = s.interval(stratified.level) or (math.nan, math.nan)
        rows.append((label, s.observed, s.estimate if s.estimate is not None else math.nan, iv[0], iv[1]))
    lo, hi = stratified.interval()
    rows.append(("TOTAL", stratified.observed, stratified.estimate, lo, hi))
    finite = [v for r in rows for v in (r[1], r[2]) if v is not None and math.isfinite(v)]
    xmax = 1.6 * max(finite) if finite else 1.0
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(rows) + 1.6))
    y = np.arange(len(rows))[::-1]
    for yi, (label, obs, est, a, b) in zip(y, rows):
        bold = label == "TOTAL"
        if math.isfinite(est):
            right = b if math.isfinite(b) and b <= xmax else xmax
            ax.plot([a, right], [yi, yi], color="#1f4e79", lw=3 if bold else 1.5)
            if right < (b if math.isfinite(b) else math.inf):
                ax.annotate(f"upper {b:,.3g}" if math.isfinite(b) else "no upper bound", (xmax, yi),
                            xytext=(-4, 4), textcoords="offset points", ha="right", fontsize=7)
            ax.plot(min(est, xmax), yi, ">" if est > xmax else "o", color="#c0392b", ms=7 if bold else 5)
        ax.plot(obs, yi, "|", color="black", ms=14, mew=2)
    ax.set_yticks(y)
    ax.set_yticklabels([r[0] for r in rows])
    ax.set_xlabel(f"N ({stratified.level:.0%} interval; | = documented count)")
    ax.set_title(_title(title or f"{stratified.method}: estimates by stratum", synthetic), fontsize=10)
    ax.set_xlim(0, xmax)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
        plt.close(fig)
    return fig


def plot_estimate(obj: Any, *, path: str | Path | None = None, synthetic: bool = False) -> plt.Figure:
    """Plot a single result or a stratified result (one stratum: its profile/posterior)."""
    strata = getattr(obj, "strata", None)
    if strata is None:
        return plot_result(obj, path=path, synthetic=synthetic)
    if len(strata) == 1 and strata[0].result is not None:
        return plot_result(strata[0].result, path=path, synthetic=synthetic)
    return plot_strata(obj, path=path, synthetic=synthetic)
