"""Strata: structural zeros, warnings, combined totals (bootstrap and summed draws)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from uncounted.estimate import EstimateResult, PatternTable, SparseTableWarning, StructuralZeroWarning
from uncounted.estimate.strata import _combine, StratumEstimate, estimate_from_memberships, estimate_strata


def memberships(seed: int = 3) -> pd.DataFrame:
    """SYNTHETIC: two regions of 1,500 and 1,000 people; MORGUE cannot record region 'south'."""
    rng = np.random.default_rng(seed)
    rows, pid = [], 0
    for region, size in (("north", 1500), ("south", 1000)):
        for _ in range(size):
            pid += 1
            year = int(rng.integers(1990, 2000))
            for src, p in (("NGO", 0.3), ("PRESS", 0.25), ("COURT", 0.2), ("MORGUE", 0.3)):
                if src == "MORGUE" and region == "south":
                    continue
                if rng.random() < p:
                    rows.append((pid, src, year, region))
    return pd.DataFrame(rows, columns=["person_id", "source", "year", "place"])


def test_detected_structural_zero_is_left_out_and_reported():
    with pytest.warns(StructuralZeroWarning, match="MORGUE"):
        res = estimate_from_memberships(memberships(), method="loglinear", by="place", bootstrap=200, seed=1)
    south = [s for s in res.strata if s.stratum["place"] == "south"][0]
    assert "MORGUE" not in south.lists_used and "MORGUE" in south.lists_dropped
    assert "probably structural" in south.lists_dropped["MORGUE"]
    d = res.to_dict()
    assert {"method", "estimate", "interval", "level", "observed", "strata", "combined", "diagnostics"} <= set(d)
    assert d["strata"][1]["lists_used"] == ["COURT", "NGO", "PRESS"]
    lo, hi = res.interval()
    assert lo <= res.estimate <= hi
    assert res.estimate == pytest.approx(sum(s.estimate for s in res.strata))
    assert lo < 2500 < hi  # the synthetic truth


def test_caller_given_structural_zero():
    tables = [PatternTable.from_cells(["A", "B", "C"], [30, 25, 8, 40, 12, 10, 4], stratum={"v": "killing"}),
              PatternTable.from_cells(["A", "B", "C"], [20, 30, 9, 35, 10, 12, 5], stratum={"v": "disappearance"})]
    with pytest.warns(StructuralZeroWarning, match="given by the caller"):
        res = estimate_strata(tables, method="loglinear", structural_zeros={"C": {"disappearance"}}, bootstrap=100)
    assert res.strata[1].lists_used == ("A", "B") and res.strata[0].lists_used == ("A", "B", "C")


def test_small_stratum_warns():
    tables = [PatternTable.from_cells(["A", "B"], [5, 4, 3], stratum={"s": 1})]
    with pytest.warns(SparseTableWarning, match="small stratum"):
        estimate_strata(tables, method="chapman")


def test_bootstrap_is_reproducible_with_seed():
    kw = dict(method="loglinear", by="place", bootstrap=100)
    with pytest.warns(StructuralZeroWarning):
        a = estimate_from_memberships(memberships(), seed=5, **kw)
        b = estimate_from_memberships(memberships(), seed=5, **kw)
    assert a.interval() == b.interval()


def test_bayesian_strata_sum_draws():
    rng = np.random.default_rng(0)
    results = [EstimateResult(method="fake", estimate=float(np.median(d)), observed=50, draws=d)
               for d in (rng.normal(100, 5, 1000), rng.normal(200, 10, 1000))]
    strata = [StratumEstimate(stratum={"s": i}, observed=50, lists_used=("A", "B", "C"), result=r)
              for i, r in enumerate(results)]
    combined, draws, _ = _combine(strata, None, 0.95, 200, 0)
    assert combined["how"] == "summed posterior draws"
    assert combined["estimate"] == pytest.approx(300, abs=1.5)
    # sd of the sum = sqrt(25 + 100) = 11.18: the 95% interval is about +-21.9
    assert combined["interval"][1] - combined["interval"][0] == pytest.approx(2 * 1.96 * math.sqrt(125), rel=0.1)
