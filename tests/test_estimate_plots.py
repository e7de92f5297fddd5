"""Plots: the documented count is marked, SYNTHETIC appears in titles when asked."""

from __future__ import annotations

import numpy as np

from uncounted.estimate import EstimateResult, LogLinear, PatternTable
from uncounted.estimate.plots import plot_result, plot_strata
from uncounted.estimate.strata import estimate_strata


def test_posterior_plot_marks_documented_count_and_synthetic(tmp_path):
    draws = np.random.default_rng(0).normal(1500, 100, 2000)
    res = EstimateResult(method="lcmcr", estimate=float(np.median(draws)), observed=1000, draws=draws)
    fig = plot_result(res, synthetic=True)
    ax = fig.axes[0]
    assert ax.get_title().startswith("SYNTHETIC DATA")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("documented: 1,000" in s for s in labels)
    assert any(abs(line.get_xdata()[0] - 1000) < 1e-9 for line in ax.get_lines())


def test_profile_plot_and_forest_plot(tmp_path):
    t = PatternTable.from_csv("/work/shared/data/mse/rcapture_HIV.csv")
    res = LogLinear(model="c1:c2").fit(t)
    fig = plot_result(res, path=tmp_path / "p.png")
    assert (tmp_path / "p.png").stat().st_size > 5000
    assert "SYNTHETIC" not in fig.axes[0].get_title()
    tables = [t.with_stratum({"half": 1}), t.with_stratum({"half": 2})]
    strat = estimate_strata(tables, method="loglinear", model="c1:c2", bootstrap=50)
    fig = plot_strata(strat, path=tmp_path / "f.png", synthetic=True)
    pos = {x.get_text(): x.get_position()[1] for x in fig.axes[0].get_yticklabels()}
    assert set(pos) == {"half=1", "half=2", "TOTAL"}
    assert pos["half=1"] > pos["half=2"] > pos["TOTAL"]  # strata top-down, the total at the bottom
