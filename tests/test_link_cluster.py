"""Clustering with human decisions, coherence, person summaries, and the evaluation figures."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from uncounted.errors import LinkageError
from uncounted.link.cluster import Coherence, Decision, cluster_reports, person_summaries
from uncounted.link.evaluate import evaluate_clusters, load_truth
from uncounted.link.prepare import prepare_reports
from uncounted.link.review import decision_accuracy, uncertain_pairs


def _pairs(rows):
    return pd.DataFrame(rows, columns=["report_key_l", "report_key_r", "match_probability"])


KEYS = ["a", "b", "c", "d", "e"]
CHAIN = _pairs([("a", "b", 0.99), ("b", "c", 0.95), ("c", "d", 0.60), ("d", "e", 0.20)])


def test_threshold_and_deterministic_ids():
    cl = cluster_reports(CHAIN, KEYS, threshold=0.5)
    assert cl.cluster_of == {"a": "a", "b": "a", "c": "a", "d": "a", "e": "e"}
    cl = cluster_reports(CHAIN, KEYS, threshold=0.9)
    assert cl.members == {"a": ["a", "b", "c"], "d": ["d"], "e": ["e"]}
    shuffled = CHAIN.sample(frac=1, random_state=3)
    assert cluster_reports(shuffled, list(reversed(KEYS)), threshold=0.9).cluster_of == cl.cluster_of


def test_different_splits_a_chain_at_its_weakest_link():
    cl = cluster_reports(CHAIN, KEYS, threshold=0.5, decisions=[Decision("a", "d", "different")])
    # a-b (0.99) and b-c (0.95) merge first; c-d (0.60) would join a and d: refused
    assert cl.members == {"a": ["a", "b", "c"], "d": ["d"], "e": ["e"]}
    assert cl.refused and cl.refused[0]["report_key_l"] == "c"


def test_same_forces_a_link_the_model_missed_and_unsure_changes_nothing():
    cl = cluster_reports(CHAIN, KEYS, threshold=0.5, decisions=[Decision("e", "a", "same")])
    assert cl.n_persons == 1
    unsure = cluster_reports(CHAIN, KEYS, threshold=0.5, decisions=[Decision("a", "b", "unsure")])
    assert unsure.cluster_of == cluster_reports(CHAIN, KEYS, threshold=0.5).cluster_of


def test_a_later_decision_replaces_an_earlier_one_and_contradictions_are_reported():
    later = [Decision("a", "b", "different", when="2026-01-01"), Decision("b", "a", "same", when="2026-02-01")]
    assert cluster_reports(CHAIN, KEYS, threshold=0.999, decisions=later).cluster_of["b"] == "a"
    clash = [Decision("a", "b", "same"), Decision("b", "c", "same"), Decision("a", "c", "different")]
    cl = cluster_reports(_pairs([]), KEYS, threshold=0.5, decisions=clash)
    assert cl.cluster_of["c"] != cl.cluster_of["a"] and cl.refused


def test_decisions_survive_relinking_with_new_reports():
    decisions = [Decision("a", "c", "different"), Decision("d", "e", "same")]
    first = cluster_reports(CHAIN, KEYS, threshold=0.5, decisions=decisions)
    # new reports arrive; the model now links everything strongly
    more = pd.concat([CHAIN, _pairs([("f", "a", 0.999), ("f", "c", 0.999), ("f", "e", 0.98)])])
    second = cluster_reports(more, KEYS + ["f"], threshold=0.5, decisions=decisions)
    for cl in (first, second):
        assert cl.cluster_of["a"] != cl.cluster_of["c"]
        assert cl.cluster_of["d"] == cl.cluster_of["e"]


def test_unknown_decision_and_unknown_report_are_errors():
    with pytest.raises(LinkageError, match="not one of"):
        Decision("a", "b", "maybe")
    with pytest.raises(LinkageError, match="not among the report keys"):
        cluster_reports(_pairs([("a", "zz", 0.99)]), KEYS, threshold=0.5)


def _reports():
    return prepare_reports(pd.DataFrame([
        {"report_key": "a:1", "source": "a", "name_raw": "Ahmed Kazmi s/o Ali Kazmi", "sex": "m",
         "birth_year_min": 1970, "birth_year_max": 1971, "event_date_start": "1995-07-04",
         "violation": "killing", "victim_status": "dead"},
        {"report_key": "b:1", "source": "b", "name_raw": "Ahmad Kazmi", "sex": "m",
         "birth_year_min": 1971, "birth_year_max": 1971, "event_date_start": "1995-07-05",
         "violation": "enforced_disappearance", "victim_status": "still_missing"},
        {"report_key": "c:1", "source": "c", "name_raw": "Hasan Kazmi s/o Arshad Kazmi", "sex": "m",
         "birth_year_min": 1990, "birth_year_max": 1990, "event_date_start": "1995-07-05"},
    ]))


def test_coherence_refuses_chains_through_different_people():
    prepared = _reports()
    coherence = Coherence(prepared)
    assert coherence.clash("a:1", "b:1") is None
    assert coherence.clash("a:1", "c:1") == "birth year"
    pairs = _pairs([("a:1", "b:1", 0.99), ("b:1", "c:1", 0.9)])
    keys = prepared["report_key"].tolist()
    assert cluster_reports(pairs, keys, threshold=0.5).n_persons == 1
    assert cluster_reports(pairs, keys, threshold=0.5, coherence=coherence).n_persons == 2


def test_person_summary_keeps_provenance_and_flags_conflicts():
    prepared = _reports()
    cl = cluster_reports(_pairs([("a:1", "b:1", 0.99)]), prepared["report_key"].tolist(), threshold=0.5)
    people = person_summaries(cl, prepared).set_index("person_id")
    person = people.loc["a:1"]
    assert person["n_reports"] == 2 and person["sources"] == ["a", "b"]
    assert set(person["conflicts"]) == {"violation", "victim_status"}
    provenance = json.loads(person["provenance"])
    assert provenance["victim_status"] == {"dead": ["a:1"], "still_missing": ["b:1"]}
    assert people.loc["c:1", "conflicts"] == []


def test_evaluation_figures_on_a_hand_counted_example(tmp_path):
    truth = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 3}
    predicted = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "z"}
    r = evaluate_clusters(predicted, truth)
    # true pairs: ab ac bc; predicted pairs: ab cd; correct: ab
    assert r["pairwise"]["precision"] == pytest.approx(1 / 2)
    assert r["pairwise"]["recall"] == pytest.approx(1 / 3)
    assert r["pairwise"]["f1"] == pytest.approx(0.4)
    # B-cubed precision: a,b 1; c,d 1/2; e 1 -> 4/5; recall: a,b 2/3; c 1/3; d,e 1 -> 11/15
    assert r["bcubed"]["precision"] == pytest.approx(4 / 5)
    assert r["bcubed"]["recall"] == pytest.approx(11 / 15)
    assert (r["persons_found"], r["true_persons"]) == (3, 3)
    path = tmp_path / "truth.csv"
    path.write_text("source,record_id,person_id\nlist1,1,P1\nlist2,7,P1\n", encoding="utf-8")
    assert load_truth(path) == {"list1:1": "P1", "list2:7": "P1"}
    path.write_text("source,id,person\n", encoding="utf-8")
    with pytest.raises(LinkageError, match="lacks column"):
        load_truth(path)


def test_review_orders_by_closeness_to_threshold_and_scores_decisions():
    pairs = _pairs([("a", "b", 0.98), ("b", "c", 0.55), ("c", "d", 0.40), ("d", "e", 0.05)])
    pairs["match_weight"] = 0.0
    order = uncertain_pairs(pairs, threshold=0.5, limit=3)
    assert list(order["report_key_l"]) == ["b", "c", "d"]
    decided = uncertain_pairs(pairs, threshold=0.5, decisions=[Decision("c", "b", "same")])
    assert "b" not in set(decided["report_key_l"])
    acc = decision_accuracy(pairs, [Decision("a", "b", "same"), Decision("c", "d", "same"),
                                    Decision("d", "e", "different")], threshold=0.5)
    assert (acc["true_positive"], acc["false_negative"], acc["true_negative"]) == (1, 1, 1)


def test_settings_round_trip_as_json_and_reject_unknown_keys():
    from uncounted.link.model import ExtraComparison, LinkageSettings

    s = LinkageSettings(threshold=0.7, extra_comparisons=[ExtraComparison("cnic", "string", tf=True)],
                        blocking_rules=[["name_key"], "l.cnic = r.cnic"])
    again = LinkageSettings.from_json(s.to_json())
    assert again == s and isinstance(again.extra_comparisons[0], ExtraComparison)
    with pytest.raises(LinkageError, match="Unknown linkage setting"):
        LinkageSettings.from_dict({"treshold": 0.5})
    with pytest.raises(LinkageError, match="kind"):
        ExtraComparison("cnic", "fuzzy")


def test_evidence_clustering_weighs_every_cross_pair_and_keeps_a_disagreeing_chain_apart():
    # a and b are one person (0.99); c has two links of 0.4 to them (-0.58 bits each): at
    # threshold 0.3 (-1.22 bits) their sum (-1.17) is enough, at 0.35 (-0.89) it is not
    weak = _pairs([("a", "b", 0.99), ("a", "c", 0.4), ("b", "c", 0.4)])
    assert cluster_reports(weak, ["a", "b", "c"], threshold=0.3, method="evidence").n_persons == 1
    assert cluster_reports(weak, ["a", "b", "c"], threshold=0.35, method="evidence").n_persons == 2
    assert cluster_reports(weak, ["a", "b", "c"], threshold=0.35).n_persons == 1  # single-link
    # d links to e (0.7), but e's strong partner f is clearly not d (0.01): single-link chains
    # all three, evidence keeps d out
    chain = _pairs([("e", "f", 0.999), ("d", "e", 0.7), ("d", "f", 0.01)])
    assert cluster_reports(chain, ["d", "e", "f"], threshold=0.5).n_persons == 1
    ev = cluster_reports(chain, ["d", "e", "f"], threshold=0.5, method="evidence")
    assert ev.members == {"d": ["d"], "e": ["e", "f"]}
    # human decisions still win
    forced = cluster_reports(chain, ["d", "e", "f"], threshold=0.5, method="evidence",
                             decisions=[Decision("d", "f", "same")])
    assert forced.n_persons == 1
    apart = cluster_reports(weak, ["a", "b", "c"], threshold=0.3, method="evidence",
                            decisions=[Decision("a", "c", "different")])
    assert apart.cluster_of["c"] == "c"
    with pytest.raises(LinkageError, match="not known"):
        cluster_reports(weak, ["a", "b", "c"], method="average")
