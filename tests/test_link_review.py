"""Human review decisions as labels: agreement, calibration and the threshold they favour."""

from __future__ import annotations

import pandas as pd
import pytest

from uncounted.link.cluster import Decision
from uncounted.link.review import (
    MIN_DECISIONS_PER_CLASS, calibration_table, decision_accuracy, labelled_pairs, suggest_threshold,
)


def _pairs(probs: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"report_key_l": [f"a{i}" for i in range(len(probs))],
                         "report_key_r": [f"b{i}" for i in range(len(probs))],
                         "match_probability": probs})


def _decisions(same: list[bool], unsure: int = 0) -> list[Decision]:
    out = [Decision(f"b{i}", f"a{i}", "same" if s else "different") for i, s in enumerate(same)]
    return out + [Decision(f"x{i}", f"y{i}", "unsure") for i in range(unsure)]


def test_labelled_pairs_match_either_order_and_unscored_pairs_count_as_different() -> None:
    pairs = _pairs([0.9, 0.2])
    decisions = _decisions([True, False], unsure=2) + [Decision("p", "q", "same")]
    labelled = labelled_pairs(pairs, decisions)
    assert len(labelled) == 3  # unsure left out
    assert labelled.set_index("report_key_l").loc["a0", "match_probability"] == 0.9
    assert labelled.set_index("report_key_l").loc["p", "match_probability"] == 0.0
    acc = decision_accuracy(pairs, decisions, threshold=0.5)
    assert (acc["true_positive"], acc["true_negative"], acc["false_negative"]) == (1, 1, 1)


def test_suggested_threshold_separates_the_decisions_the_model_scored_too_low() -> None:
    # People judged every pair from 0.25 up to be the same person: the model is too strict at 0.5.
    same_probs = [0.25 + 0.02 * i for i in range(15)]
    diff_probs = [0.02 + 0.01 * i for i in range(15)]
    pairs = _pairs(same_probs + diff_probs)
    labelled = labelled_pairs(pairs, _decisions([True] * 15 + [False] * 15))
    advice = suggest_threshold(labelled, current=0.5)
    assert advice["current"]["errors"] > 0
    assert advice["suggested"]["errors"] == 0
    assert max(diff_probs) < advice["suggested"]["threshold"] <= min(same_probs)


def test_ties_keep_the_current_threshold() -> None:
    probs = [0.95] * 12 + [0.05] * 12
    labelled = labelled_pairs(_pairs(probs), _decisions([True] * 12 + [False] * 12))
    advice = suggest_threshold(labelled, current=0.5)
    assert advice["suggested"]["threshold"] == pytest.approx(0.5)


def test_too_few_decisions_of_one_kind_suggest_nothing() -> None:
    n = MIN_DECISIONS_PER_CLASS - 1
    labelled = labelled_pairs(_pairs([0.9] * 20 + [0.1] * n), _decisions([True] * 20 + [False] * n))
    advice = suggest_threshold(labelled, current=0.5)
    assert advice["suggested"] is None and "at least" in advice["reason"]


def test_calibration_bands_report_the_share_judged_same() -> None:
    probs = [0.95, 0.92, 0.91, 0.4, 0.45]
    labelled = labelled_pairs(_pairs(probs), _decisions([True, True, False, True, False]))
    table = calibration_table(labelled).set_index("band")
    assert table.loc["0.9-1.0", "pairs"] == 3
    assert table.loc["0.9-1.0", "share_same"] == pytest.approx(2 / 3)
    assert table.loc["0.3-0.5", "share_same"] == pytest.approx(0.5)
    assert table.loc["0.0-0.1", "pairs"] == 0
