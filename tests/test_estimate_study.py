"""The validation study (simulate/study.py): shape of the output and known behaviour."""

from __future__ import annotations

import pytest

from uncounted.errors import EstimationError
from uncounted.simulate.study import SCENARIOS, run_study, simulate_scenario


def test_scenarios_generate_known_structure():
    (t,) = simulate_scenario("homogeneous", seed=1)
    assert t.lists == ("A", "B", "C", "D") and 1000 < t.observed < 2000
    s1, s2 = simulate_scenario("structural_zeros", seed=1)
    assert s2.list_totals()["D"] == 0 and s1.list_totals()["D"] > 0
    assert set(SCENARIOS) >= {"homogeneous", "heterogeneous", "dependence", "structural_zeros", "sparse"}


def test_study_table_and_expected_biases():
    res = run_study(scenarios=["homogeneous", "dependence"], replicates=4, methods=("chapman", "loglinear"),
                    seed=3, progress=False)
    t = res.table()
    assert list(t.columns[:9]) == ["scenario", "method", "truth", "mean_estimate", "bias", "relative_bias",
                                   "rmse", "coverage", "mean_width"]
    assert (t["n_reps"] == 4).all()
    get = lambda s, m: t[(t.scenario == s) & (t.method == m)].iloc[0]  # noqa: E731
    # independent lists: both methods nearly unbiased
    assert abs(get("homogeneous", "chapman").relative_bias) < 0.1
    assert abs(get("homogeneous", "loglinear").relative_bias) < 0.1
    # B depends on A: Chapman on A, B undercounts badly; the log-linear model can fit the A*B term
    assert get("dependence", "chapman").relative_bias < -0.3
    assert abs(get("dependence", "loglinear").relative_bias) < 0.1
    d = res.to_dict()
    assert d["synthetic"] is True and len(d["table"]) == 4


def test_unknown_method_skipped_unknown_scenario_raises(capsys):
    res = run_study(scenarios=["sparse"], replicates=2, methods=("chapman", "nosuch"), progress=False)
    assert "nosuch" in " ".join(res.notes)
    with pytest.raises(EstimationError, match="unknown scenario"):
        run_study(scenarios=["nope"], replicates=1, progress=False)


def test_simulated_tables_match_the_ones_given_to_R():
    """The R reference numbers were computed on these exact tables (observed counts pin them)."""
    from reference.lcmcr_simulated_R import R_LCMCR

    for (scenario, seed), (n, *_rest) in R_LCMCR.items():
        (t,) = simulate_scenario(scenario, seed)
        assert t.observed == n
