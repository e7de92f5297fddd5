"""Properties that must hold for any table: estimate >= observed, invariance to list order."""

from __future__ import annotations

import math
import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from uncounted.estimate import PatternTable, get_estimator

cells3 = st.lists(st.integers(min_value=1, max_value=400), min_size=7, max_size=7)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=cells3, perm=st.permutations([0, 1, 2]))
def test_loglinear_estimate_at_least_observed_and_order_invariant(cells, perm):
    table = PatternTable.from_cells(["A", "B", "C"], cells)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = get_estimator("loglinear", criterion="aic").fit(table)
        b = get_estimator("loglinear", criterion="aic").fit(table.subset([["A", "B", "C"][i] for i in perm]))
    assert a.estimate >= table.observed
    assert math.isclose(a.estimate, b.estimate, rel_tol=1e-7)
    assert a.model_name.count("·") == b.model_name.count("·")


@settings(max_examples=40, deadline=None)
@given(n10=st.integers(0, 500), n01=st.integers(0, 500), n11=st.integers(0, 500))
def test_chapman_at_least_observed_and_symmetric(n10, n01, n11):
    if n10 + n01 + n11 == 0:
        return
    t = PatternTable.from_cells(["A", "B"], [n01, n10, n11])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = get_estimator("chapman").fit(t)
        b = get_estimator("chapman").fit(t.subset(["B", "A"]))
    assert a.estimate >= t.observed - 1e-9
    assert a.estimate == b.estimate


@settings(max_examples=25, deadline=None)
@given(cells=cells3)
def test_data_hash_ignores_row_order(cells):
    t = PatternTable.from_cells(["A", "B", "C"], cells)
    df = t.to_frame().sample(frac=1.0, random_state=np.random.RandomState(1))
    assert PatternTable.from_frame(df).data_hash() == t.data_hash()
