"""Two-list estimators: formulas checked by hand, the no-overlap case, list order."""

from __future__ import annotations

import pandas as pd
import pytest

from uncounted.errors import EstimationError
from uncounted.estimate import NonIdentifiableWarning, PatternTable, SparseTableWarning, get_estimator
from uncounted.estimate.chapman import chapman, lincoln_petersen


def two_lists(n10: int, n01: int, n11: int) -> PatternTable:
    return PatternTable.from_frame(pd.DataFrame({"A": [1, 0, 1], "B": [0, 1, 1], "count": [n10, n01, n11]}))


def test_formulas_by_hand():
    # n1 = 60, n2 = 50, m = 20: LP = 150; Chapman = 61*51/21 - 1 = 147.142857...
    assert lincoln_petersen(60, 50, 20)[0] == pytest.approx(150.0)
    assert chapman(60, 50, 20)[0] == pytest.approx(61 * 51 / 21 - 1)
    # Seber's variance: 61*51*40*30 / (21^2 * 22)
    assert chapman(60, 50, 20)[1] ** 2 == pytest.approx(61 * 51 * 40 * 30 / (21**2 * 22))


def test_fit_result_contract():
    res = get_estimator("chapman").fit(two_lists(40, 30, 20))
    assert res.method == "chapman" and res.observed == 90
    assert res.estimate == pytest.approx(61 * 51 / 21 - 1)
    lo, hi = res.interval(0.95)
    assert res.observed <= lo < res.estimate < hi
    lo90, hi90 = res.interval(0.90)
    assert lo < lo90 and hi90 < hi
    d = res.to_dict()
    assert d["diagnostics"]["m"] == 20 and d["diagnostics"]["lincoln_petersen"] == pytest.approx(150.0)
    assert "Chapman" not in res.summary() or "Lincoln-Petersen" in res.summary()


def test_list_order_does_not_matter():
    a = get_estimator("chapman").fit(two_lists(40, 30, 20))
    b = get_estimator("chapman").fit(two_lists(40, 30, 20).subset(["B", "A"]))
    assert a.estimate == b.estimate and a.interval() == b.interval()


def test_no_overlap_warns_non_identifiable():
    with pytest.warns(NonIdentifiableWarning, match="share no one"):
        res = get_estimator("chapman").fit(two_lists(40, 30, 0))
    assert res.diagnostics["lincoln_petersen"] is None and res.diagnostics["identifiable"] is False


def test_few_recaptures_warn_sparse():
    with pytest.warns(SparseTableWarning, match="fewer than 7"):
        get_estimator("chapman").fit(two_lists(40, 30, 3))


def test_more_than_two_lists_needs_a_choice():
    t = PatternTable.from_csv("/work/shared/data/mse/care1_HAV.csv")
    with pytest.raises(EstimationError, match="needs 2 lists"):
        get_estimator("chapman").fit(t)
    res = get_estimator("chapman", lists=("P", "Q")).fit(t)
    assert res.lists == ("P", "Q")
    with pytest.raises(ValueError, match="interval"):
        get_estimator("chapman", interval="exact")
