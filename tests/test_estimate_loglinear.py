"""Log-linear MSE: reproduction of Rcapture numbers, properties, sparse tables."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import pytest

from uncounted.estimate import NonIdentifiableWarning, PatternTable, get_estimator
from uncounted.estimate.loglinear import LogLinear, hierarchical_models, mle_existence, parse_model, DesignCache
from reference.rcapture_results import DATA_DIR, KOSOVO_BIC_BEST, RCAPTURE


def table(name: str) -> PatternTable:
    return PatternTable.from_csv(Path(DATA_DIR) / name)


def sig4(ours: float, ref: float) -> bool:
    """``ours`` rounds to ``ref`` at the precision ``ref`` was printed with (R's printed digits;
    at least 4 significant figures for every reference here except hare's SE 5.57)."""
    text = repr(ref)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(ours - ref) <= 0.5 * 10 ** (-decimals) + 1e-9


@pytest.mark.parametrize("ref_id,file,model,est,se,ci", RCAPTURE, ids=[r[0] for r in RCAPTURE])
def test_reproduces_rcapture(ref_id, file, model, est, se, ci):
    res = LogLinear(model=model).fit(table(file))
    assert sig4(res.estimate, est), (res.estimate, est)
    if se is not None:
        assert sig4(res.std_error, se), (res.std_error, se)
    if ci is not None:
        lo, hi = res.interval(0.95)
        assert sig4(lo, ci[0]) and sig4(hi, ci[1]), ((lo, hi), ci)


def test_kosovo_bic_selection_matches_closedpMS():
    res = get_estimator("loglinear", criterion="bic").fit(table("kosovo_aggregate_patterns.csv"))
    assert res.model_name == KOSOVO_BIC_BEST
    assert sig4(res.estimate, 10356.5) and sig4(res.std_error, 785.9)
    assert res.diagnostics["models_compared"] == 113
    assert res.estimate >= res.observed == 4400


def test_hierarchical_model_counts():
    # all main effects in, interactions up to order k-1 (Rcapture getAllModels)
    assert len(hierarchical_models(3)) == 8
    assert len(hierarchical_models(4)) == 113
    assert len(hierarchical_models(4, order=2)) == 64  # 2^6 subsets of the six pairs
    assert len(hierarchical_models(5, order=2)) == 1024


def test_aic_and_bic_definitions_match_glm():
    t = table("rcapture_HIV.csv")
    res = LogLinear(model="c1:c2").fit(t)
    p = res.diagnostics["n_params"]
    assert p == 6
    assert res.diagnostics["bic"] - res.diagnostics["aic"] == pytest.approx((math.log(t.observed) - 2) * p)


def test_invariant_to_list_order():
    t = table("kosovo_aggregate_patterns.csv")
    a = LogLinear(criterion="aic").fit(t)
    b = LogLinear(criterion="aic").fit(t.subset(["HRW", "OSCE", "EXH", "ABA"]))
    assert a.estimate == pytest.approx(b.estimate, rel=1e-9)
    assert a.interval() == pytest.approx(b.interval(), rel=1e-6)


@pytest.mark.parametrize("file", ["rcapture_lesbian.csv", "care1_Diabetes.csv", "gaza_2023_2024_3list_patterns.csv"])
def test_estimate_at_least_observed_and_interval_brackets(file):
    res = LogLinear().fit(table(file))
    lo, hi = res.interval()
    assert res.observed <= lo <= res.estimate <= hi


def test_individual_records_equal_pattern_counts():
    a = LogLinear().fit(table("kosovo_aggregate_individual.csv"))
    b = LogLinear().fit(table("kosovo_aggregate_patterns.csv"))
    assert a.estimate == b.estimate and a.data_hash == b.data_hash


def test_parse_model_hierarchy_and_names():
    lists = ("EXH", "ABA", "OSCE", "HRW")
    spec = parse_model("EXH*ABA*OSCE + EXH*HRW + OSCE*HRW", lists)
    assert spec.name(lists) == KOSOVO_BIC_BEST
    assert len(spec.terms) == 6  # 3 pairs + triple from the first term, 2 more pairs
    assert parse_model("Mth Darroch", lists).heterogeneity == "darroch"
    with pytest.raises(Exception, match="unknown list"):
        parse_model("EXH*FOO", lists)
    with pytest.raises(Exception, match="saturated"):
        parse_model("EXH*ABA*OSCE*HRW", lists)


def test_sparse_artificial_table_nonidentifiable_model_warns():
    t = table("sparsemse_Artificial_3.csv")
    with pytest.warns(NonIdentifiableWarning, match="does not exist"):
        res = LogLinear(model="A*B + A*C").fit(t)
    assert math.isinf(res.estimate)
    assert res.diagnostics["identifiable"] is False
    with pytest.raises(Exception, match="not finite"):
        res.interval()


def test_selection_skips_models_whose_mle_does_not_exist():
    t = table("sparsemse_Artificial_3.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = LogLinear().fit(t)
    assert math.isfinite(res.estimate)
    X = DesignCache(3).matrix(res.model)
    assert mle_existence(X, t.cell_counts().astype(float))["mle_exists"]
    assert res.diagnostics.get("skipped_boundary_models")


def test_five_lists_full_search_runs():
    res = LogLinear(order=2).fit(table("sparsemse_Western.csv"))
    assert res.diagnostics["models_compared"] == 1024
    assert res.estimate >= res.observed


def test_settings_validated_once():
    with pytest.raises(ValueError, match="criterion"):
        LogLinear(criterion="cic")
    with pytest.raises(ValueError, match="heterogeneity"):
        LogLinear(heterogeneity="weird")


def test_to_dict_is_json_safe():
    import json

    res = LogLinear().fit(table("rcapture_lesbian.csv"))
    d = json.loads(json.dumps(res.to_dict()))
    assert d["method"] == "loglinear" and len(d["interval"]) == 2 and d["observed"] == 2185
    assert "top_models" in d


@pytest.mark.parametrize("lists,cells", [(["A", "B"], [10, 20, 0]), (["A", "B", "C"], [5, 7, 0, 9, 0, 0, 0])])
def test_lists_without_overlap_give_infinite_estimate_with_warning(lists, cells):
    t = PatternTable.from_cells(lists, cells)
    with pytest.warns(NonIdentifiableWarning, match="does not exist"):
        res = LogLinear().fit(t)
    assert math.isinf(res.estimate)
    assert res.to_dict()["estimate"] is None  # JSON has no infinity
