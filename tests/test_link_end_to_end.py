"""End-to-end linkage of a small simulated set (SYNTHETIC), model JSON, and re-linking."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from uncounted.link.api import link_dataframe
from uncounted.link.cluster import Decision, cluster_reports
from uncounted.link.evaluate import evaluate_clusters
from uncounted.link.model import LinkageSettings, TrainedModel, explain_pair, predict_pairs
from uncounted.link.review import format_explanation, uncertain_pairs


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    """Four lists of ~1,500 simulated victims imported through uncounted.ingest."""
    from uncounted.ingest.importer import import_file
    from uncounted.records.query import reports_frame
    from uncounted.records.workspace import Workspace
    from uncounted.simulate import scenario_config, simulate_scenario, write_scenario

    tmp = tmp_path_factory.mktemp("link_e2e")
    scenario = simulate_scenario(scenario_config("demo", victims=1500), seed=11)
    write_scenario(scenario, tmp / "lists")
    manifest = json.loads((tmp / "lists" / "manifest.json").read_text())
    ws = Workspace.init(tmp / "ws")
    for entry in manifest["lists"]:
        import_file(ws, tmp / "lists" / entry["file"], source=entry["source"], progress=False)
    reports = reports_frame(ws)
    truth = pd.read_csv(tmp / "lists" / "truth.csv", dtype=str)
    keyed = reports[["report_key", "source", "source_record_id"]].astype(str).merge(
        truth, left_on=["source", "source_record_id"], right_on=["source", "record_id"])
    return reports, dict(zip(keyed["report_key"], keyed["person_id"]))


@pytest.fixture(scope="module")
def linked(simulated):
    reports, _ = simulated
    return link_dataframe(reports, settings=LinkageSettings(u_max_pairs=3e5), progress=False)


def test_linkage_finds_most_persons_with_few_false_links(simulated, linked):
    _, truth = simulated
    scores = evaluate_clusters(linked.person_of, truth)
    assert scores["reports_only_in_truth"] == 0
    assert scores["pairwise"]["precision"] >= 0.85, scores
    assert scores["pairwise"]["recall"] >= 0.6, scores
    assert scores["bcubed"]["f1"] >= 0.9, scores
    # far better than calling every report a different person, or everyone one person
    singletons = evaluate_clusters({k: k for k in truth}, truth)
    assert scores["bcubed"]["f1"] > singletons["bcubed"]["f1"] + 0.03
    assert 0.8 <= scores["persons_found"] / scores["true_persons"] <= 1.25


def test_the_prior_is_near_the_true_share_of_matching_pairs(simulated, linked):
    _, truth = simulated
    sizes = pd.Series(truth).value_counts()
    n = len(truth)
    true_prior = float((sizes * (sizes - 1) / 2).sum()) / (n * (n - 1) / 2)
    assert true_prior / 3 <= linked.model.prior <= true_prior * 3


def test_model_round_trips_as_json_and_predicts_the_same(tmp_path, linked):
    path = tmp_path / "model.json"
    linked.model.save(path)
    text = path.read_text()
    assert json.loads(text)["format"] == "uncounted-linkage-model/1"
    again = predict_pairs(linked.prepared, TrainedModel.load(path), threshold=0.01)
    merged = linked.pairs.merge(again, on=["report_key_l", "report_key_r"], suffixes=("", "_again"))
    assert len(merged) == len(linked.pairs) == len(again)
    assert (merged["match_probability"] - merged["match_probability_again"]).abs().max() < 1e-9


def test_every_pair_is_explained_field_by_field(linked):
    row = uncertain_pairs(linked.pairs, threshold=0.5, limit=1).iloc[0]
    parts = explain_pair(row, linked.model)
    assert {p.field for p in parts} >= {"name", "event_date"}
    total = sum(p.match_weight for p in parts)
    prior_weight = row["match_weight"] - total
    import math
    assert prior_weight == pytest.approx(math.log2(linked.model.prior / (1 - linked.model.prior)), abs=1e-6)
    text = format_explanation(row, linked.model, linked.prepared)
    assert "name" in text and "match probability" in text


def test_human_decisions_survive_relinking_after_new_imports(simulated, linked):
    reports, truth = simulated
    keys = linked.prepared["report_key"].tolist()
    linked_pairs = linked.pairs[linked.pairs["match_probability"] >= 0.5]
    wrong = next(r for r in linked_pairs.itertuples() if truth[r.report_key_l] != truth[r.report_key_r]) \
        if any(truth[a] != truth[b] for a, b in zip(linked_pairs.report_key_l, linked_pairs.report_key_r)) \
        else linked_pairs.iloc[0]
    by_person = pd.Series(truth).groupby(pd.Series(truth)).groups
    missed = next((list(m)[:2] for m in by_person.values() if len(m) >= 2
                   and linked.person_of[m[0]] != linked.person_of[m[1]]), None)
    decisions = [Decision(wrong.report_key_l, wrong.report_key_r, "different", who="tester")]
    if missed:
        decisions.append(Decision(missed[0], missed[1], "same", who="tester"))
    # re-link: the same reports plus a "new import" (a copy of one list under new keys)
    extra = reports[reports["source"] == reports["source"].iloc[0]].copy()
    extra["report_key"] = "new-" + extra["report_key"]
    extra["source"] = "new_list"
    again = link_dataframe(pd.concat([reports, extra], ignore_index=True), model=linked.model,
                           decisions=decisions, progress=False)
    assert again.person_of[wrong.report_key_l] != again.person_of[wrong.report_key_r]
    if missed:
        assert again.person_of[missed[0]] == again.person_of[missed[1]]
    # the copies link to their originals
    originals = extra["report_key"].str.removeprefix("new-")
    same = sum(again.person_of[k] == again.person_of[o] for k, o in zip(extra["report_key"], originals))
    assert same / len(extra) >= 0.95
    # and without the decisions the model alone would not have honoured them
    plain = cluster_reports(linked.pairs, keys, threshold=0.5)
    assert plain.cluster_of[wrong.report_key_l] == plain.cluster_of[wrong.report_key_r]
