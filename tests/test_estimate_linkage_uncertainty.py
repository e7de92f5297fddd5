"""Linkage uncertainty in the estimate: resampling links, memberships, pooling, end to end.

Every record here is SYNTHETIC.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from uncounted.errors import EstimationError
from uncounted.estimate import PatternTable
from uncounted.estimate.linkage_uncertainty import (
    linkage_uncertainty, memberships_for, pool_linkage_draws, resample_linkages, threshold_sensitivity,
)
from uncounted.estimate.strata import estimate_strata
from uncounted.link.cluster import Decision


def _pairs(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["report_key_l", "report_key_r", "match_probability"])


def _together(cluster_of: dict[str, str], a: str, b: str) -> bool:
    return cluster_of[a] == cluster_of[b]


# --------------------------------------------------------------------------- resampling
def test_certain_pairs_are_always_linked_and_impossible_ones_never():
    pairs = _pairs([("a", "b", 1.0), ("c", "d", 0.0), ("e", "f", 1.0), ("f", "g", 0.0)])
    keys = list("abcdefg")
    for cluster_of in resample_linkages(pairs, keys, n_draws=200, seed=1):
        assert _together(cluster_of, "a", "b") and _together(cluster_of, "e", "f")
        assert not _together(cluster_of, "c", "d") and not _together(cluster_of, "f", "g")
        assert set(cluster_of) == set(keys)


def test_a_pair_at_0_3_is_kept_in_about_30_percent_of_draws():
    # 40 disjoint pairs at 0.3 over 250 draws: 10,000 independent trials, sd of the share 0.0046
    pairs = _pairs([(f"l{i:02d}", f"r{i:02d}", 0.3) for i in range(40)])
    keys = [k for i in range(40) for k in (f"l{i:02d}", f"r{i:02d}")]
    draws = resample_linkages(pairs, keys, n_draws=250, seed=7)
    kept = np.array([[_together(c, f"l{i:02d}", f"r{i:02d}") for i in range(40)] for c in draws])
    assert abs(kept.mean() - 0.3) < 0.02
    # each pair on its own is near 0.3 too, and the draws differ from each other
    assert np.all(np.abs(kept.mean(axis=0) - 0.3) < 0.15)
    assert len({tuple(row) for row in kept}) > 200


def test_human_decisions_win_in_every_draw():
    pairs = _pairs([("a", "b", 0.99), ("b", "c", 1.0), ("c", "d", 1.0), ("e", "f", 0.01)])
    decisions = [Decision("a", "b", "different"), Decision("b", "d", "different"), Decision("e", "f", "same"),
                 Decision("g", "h", "same")]
    keys = list("abcdefgh")
    for cluster_of in resample_linkages(pairs, keys, n_draws=100, seed=3, decisions=decisions):
        assert not _together(cluster_of, "a", "b")
        assert not _together(cluster_of, "b", "d")  # a chain b-c-d at 1.0 is cut, never merged
        assert _together(cluster_of, "e", "f") and _together(cluster_of, "g", "h")


def test_same_seed_same_draws_and_another_seed_other_draws():
    pairs = _pairs([(f"l{i}", f"r{i}", 0.5) for i in range(30)])
    keys = [k for i in range(30) for k in (f"l{i}", f"r{i}")]
    first = resample_linkages(pairs, keys, n_draws=5, seed=11)
    assert first == resample_linkages(pairs, keys, n_draws=5, seed=11)
    assert first != resample_linkages(pairs, keys, n_draws=5, seed=12)


# --------------------------------------------------------------------------- memberships
def test_memberships_give_one_stratum_value_per_person():
    reports = pd.DataFrame({
        "report_key": ["r1", "r2", "r3", "r4", "r5"],
        "source": ["NGO", "PRESS", "MORGUE", "NGO", "PRESS"],
        "violation": ["killing", "killing", "enforced_disappearance", "torture", None],
    })
    cluster_of = {"r1": "p1", "r2": "p1", "r3": "p1", "r4": "p2", "r5": "p2"}
    members = memberships_for(cluster_of, reports)
    assert sorted(map(tuple, members[["person_id", "source"]].to_numpy())) == [
        ("p1", "MORGUE"), ("p1", "NGO"), ("p1", "PRESS"), ("p2", "NGO"), ("p2", "PRESS")]
    assert (members.groupby("person_id")["violation"].nunique() == 1).all()
    assert set(members.loc[members.person_id == "p1", "violation"]) == {"killing"}  # 2 of 3 reports
    assert set(members.loc[members.person_id == "p2", "violation"]) == {"torture"}  # the one stated value


def test_a_report_outside_every_cluster_is_an_error():
    reports = pd.DataFrame({"report_key": ["r1", "r2"], "source": ["NGO", "PRESS"]})
    with pytest.raises(EstimationError, match="r2"):
        memberships_for({"r1": "p1"}, reports)


# --------------------------------------------------------------------------- pooling
def _table(scale: float) -> PatternTable:
    """SYNTHETIC 3-list counts (A B C in canonical cell order), scaled."""
    base = np.array([60, 30, 12, 80, 25, 28, 10]) * scale
    return PatternTable.from_cells(("A", "B", "C"), np.round(base).astype(np.int64))


def _fit(table: PatternTable, level: float = 0.95):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return estimate_strata([table], method="loglinear", level=level, seed=0)


def test_identical_draws_have_no_linkage_share_and_keep_their_interval():
    one = _fit(_table(1.0))
    median, interval, share, pooled = pool_linkage_draws([one] * 10, level=0.95, seed=2)
    assert share < 0.05
    lo, hi = one.interval()
    assert median == pytest.approx(one.estimate, rel=0.02)
    assert interval[0] == pytest.approx(lo, rel=0.03) and interval[1] == pytest.approx(hi, rel=0.03)
    assert len(pooled) == 10 * 400


def test_the_interval_of_a_single_fit_is_reproduced_at_its_own_level():
    one = _fit(_table(1.0), level=0.8)
    lo, hi = one.interval()
    _, interval, _, _ = pool_linkage_draws([one] * 20, level=0.8, seed=5)
    assert interval[0] == pytest.approx(lo, rel=0.03) and interval[1] == pytest.approx(hi, rel=0.03)


def test_draws_that_differ_by_a_shift_give_a_large_linkage_share():
    results = [_fit(_table(s)) for s in (1.0, 1.6, 2.2, 2.8)]
    estimates = [r.estimate for r in results]
    median, interval, share, _ = pool_linkage_draws(results, level=0.95, seed=2)
    assert share > 0.7
    assert interval[0] < min(estimates) and interval[1] > max(estimates)
    assert min(estimates) < median < max(estimates)


# --------------------------------------------------------------------------- on reports and pairs
def _population(seed: int = 4) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str], int]:
    """SYNTHETIC: 600 people, 3 independent lists; every true pair is scored at 0.97, but the
    "stored" linkage links nothing (as if the threshold were above 0.97): every report a person."""
    rng = np.random.default_rng(seed)
    rows, pairs = [], []
    for person in range(600):
        keys = [f"{src}-{person}" for src, p in (("A", 0.35), ("B", 0.3), ("C", 0.4)) if rng.random() < p]
        rows += [(k, k.split("-")[0]) for k in keys]
        pairs += [(a, b, 0.97) for i, a in enumerate(keys) for b in keys[i + 1:]]
    reports = pd.DataFrame(rows, columns=["report_key", "source"])
    fixed = {k: k for k in reports["report_key"]}  # as if nothing had been linked
    return reports, _pairs(pairs), fixed, 600


def test_pooled_estimate_follows_the_probabilities_not_the_threshold():
    reports, pairs, fixed, truth = _population()
    result = linkage_uncertainty(reports, pairs, fixed_cluster_of=fixed, method="loglinear", n_draws=6, seed=1)
    # nothing linked: every report is a person, the lists never overlap, no finite estimate
    assert result.fixed_linkage["observed"] == len(reports)
    assert result.persons["median"] < len(reports)
    lo, hi = result.interval
    assert lo <= truth <= hi
    data = json.loads(json.dumps(result.to_dict()))
    assert data["linkage_uncertainty"] and data["n_linkage_draws"] == 6
    assert "linkage" in result.summary()


def test_a_stored_linkage_with_missed_links_is_shown_as_a_shift():
    from uncounted.link.cluster import cluster_reports

    reports, pairs, _, _ = _population()
    half = cluster_reports(pairs.iloc[::2], reports["report_key"].tolist(), threshold=0.5).cluster_of
    result = linkage_uncertainty(reports, pairs, fixed_cluster_of=half, method="loglinear", n_draws=4, seed=2)
    assert result.fixed_linkage["observed"] > result.persons["max"]  # missed links: too many persons
    assert result.shift_from_fixed < -0.05  # ... and too high an estimate, which the draws correct
    assert "moved the estimate" in result.summary()
    assert result.to_dict()["shift_from_fixed"] == pytest.approx(result.shift_from_fixed)


def test_threshold_sensitivity_has_fewer_persons_at_lower_thresholds():
    reports, pairs, _, _ = _population()
    pairs = pairs.assign(match_probability=np.where(np.arange(len(pairs)) % 2 == 0, 0.95, 0.6))
    rows = threshold_sensitivity(reports, pairs, thresholds=[0.99, 0.9, 0.5], method="loglinear")
    persons = [r["persons"] for r in rows]
    assert persons[0] == len(reports) and persons[0] > persons[1] > persons[2]


def test_fewer_than_two_draws_is_refused():
    reports, pairs, fixed, _ = _population()
    with pytest.raises(EstimationError, match="at least 2"):
        linkage_uncertainty(reports, pairs, fixed_cluster_of=fixed, method="loglinear", n_draws=1)


# --------------------------------------------------------------------------- end to end
def test_end_to_end_on_a_small_simulated_workspace_stores_a_run(tmp_path: Path):
    from uncounted.demo import import_lists
    from uncounted.estimate.stored import latest_runs, linkage_uncertainty_workspace
    from uncounted.link.stored import link_workspace
    from uncounted.records.workspace import Workspace
    from uncounted.simulate import scenario_config, simulate_scenario, write_scenario

    lists = tmp_path / "lists"
    write_scenario(simulate_scenario(scenario_config("demo", victims=300), seed=1), lists)
    manifest = json.loads((lists / "manifest.json").read_text(encoding="utf-8"))
    ws = Workspace.init(tmp_path / "ws")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import_lists(ws, lists, manifest)
            summary = link_workspace(ws, progress=False)
            result, run_id = linkage_uncertainty_workspace(ws, method="loglinear", n_draws=3, seed=2)
        assert result.fixed_linkage["observed"] == summary.persons
        assert result.persons["min"] <= result.persons["max"] <= summary.reports
        assert len(result.per_draw) == 3 and 0.0 <= result.linkage_share <= 1.0
        runs = latest_runs(ws, limit=1)
        assert runs[0]["id"] == run_id and runs[0]["scope"]["linkage_uncertainty"] is True
        assert runs[0]["estimate"] == pytest.approx(result.estimate)
        assert runs[0]["result"]["n_linkage_draws"] == 3
    finally:
        ws.dispose()


@pytest.mark.slow
def test_linkage_study_on_one_small_replicate(tmp_path: Path):
    from uncounted.simulate.linkage_study import run_linkage_study

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = run_linkage_study(replicates=1, victims=300, method="loglinear", n_draws=2, seed=1,
                                  thresholds=[0.5], workdir=tmp_path, progress=False)
    assert not study.failures
    row = study.table().iloc[0]
    manifest = json.loads((tmp_path / "replicate-000" / "lists" / "manifest.json").read_text(encoding="utf-8"))
    assert row["truth"] == manifest["truth"]["victims"] == 300
    assert row["true_persons"] == manifest["truth"]["observed_persons"]
    assert study.kinds == ["fixed", "pooled", "oracle", "threshold_0.5"]
    assert study.replicates[0].estimates["oracle"]["observed"] == row["true_persons"]
    assert study.replicates[0].estimates["fixed"]["observed"] == row["persons_found"]
    summary = study.summary_table().set_index("estimate")
    assert summary.loc["oracle", "mean_bias"] == pytest.approx(row["oracle_estimate"] - 300)
    data = json.loads(json.dumps(study.to_dict()))
    assert data["SYNTHETIC"] is True and data["settings"]["victims"] == 300
    assert "SYNTHETIC" in study.report()
