"""Pairs for a human to look at, and the words that explain them.

The most useful pairs to review are the ones the model is least sure about: those
whose match probability is nearest the threshold. Human decisions on them override
the model (see ``uncounted.link.cluster``) and serve as labels to measure it
(``decision_accuracy``).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from uncounted.link.cluster import Decision
from uncounted.link.model import TrainedModel, explain_pair

__all__ = ["uncertain_pairs", "format_explanation", "explanation_dict", "decision_accuracy",
           "labelled_pairs", "threshold_sweep", "suggest_threshold", "calibration_table"]

# Fewer human "same" or "different" decisions than this and a suggested threshold is noise.
MIN_DECISIONS_PER_CLASS = 10
CALIBRATION_BINS = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0)


def uncertain_pairs(pairs: pd.DataFrame, threshold: float = 0.5, limit: int | None = 50,
                    decisions: Sequence[Decision] | None = None) -> pd.DataFrame:
    """Pairs nearest the threshold first, leaving out pairs a human already decided.

    "unsure" decisions stay in the list (they are still open questions).
    """
    decided = {d.pair for d in decisions or [] if d.decision != "unsure"}
    out = pairs.copy()
    if decided:
        keys = list(zip(out["report_key_l"], out["report_key_r"]))
        out = out[[k not in decided and (k[1], k[0]) not in decided for k in keys]]
    out["distance_to_threshold"] = (out["match_probability"] - threshold).abs()
    out = out.sort_values(["distance_to_threshold", "report_key_l", "report_key_r"], kind="mergesort")
    return (out.head(limit) if limit else out).reset_index(drop=True)


def format_explanation(pair: pd.Series | dict, model: TrainedModel | None = None,
                       reports: pd.DataFrame | None = None) -> str:
    """A plain-text explanation: the two reports side by side, then each field's weight."""
    pair = dict(pair)
    lines = [
        f"{pair['report_key_l']}  vs  {pair['report_key_r']}: match probability "
        f"{pair['match_probability']:.3f} (match weight {pair['match_weight']:+.2f})"
    ]
    if reports is not None:
        idx = reports.set_index("report_key")
        cols = [c for c in ("name_raw", "father_name", "father_person", "sex", "birth_year_min", "birth_year_max",
                            "event_date_start", "event_place", "violation", "victim_status") if c in idx.columns]
        for c in cols:
            a = idx.at[pair["report_key_l"], c] if pair["report_key_l"] in idx.index else None
            b = idx.at[pair["report_key_r"], c] if pair["report_key_r"] in idx.index else None
            lines.append(f"  {c:<16} {str(a):<32} | {b}")
    lines.append("  field        level                                              weight")
    for contribution in explain_pair(pair, model):
        lines.append("  " + str(contribution))
    return "\n".join(lines)


def labelled_pairs(pairs: pd.DataFrame, decisions: Sequence[Decision]) -> pd.DataFrame:
    """The decided pairs (same or different; "unsure" left out) with the model's probability.

    A decided pair the model did not keep (scored below the stored minimum, or never
    blocked) gets probability 0: the model said "different".
    """
    prob = {(a, b): p for a, b, p in zip(pairs.get("report_key_l", []), pairs.get("report_key_r", []),
                                          pairs.get("match_probability", []))}
    rows = []
    for d in decisions:
        if d.decision == "unsure":
            continue
        a, b = d.pair
        p = prob.get((a, b), prob.get((b, a), 0.0))
        rows.append({"report_key_l": a, "report_key_r": b, "match_probability": float(p),
                     "same": d.decision == "same"})
    return pd.DataFrame(rows, columns=["report_key_l", "report_key_r", "match_probability", "same"])


def _confusion(labelled: pd.DataFrame, threshold: float) -> dict:
    said_same = labelled["match_probability"].to_numpy() >= threshold
    same = labelled["same"].to_numpy(dtype=bool)
    tp, fp = int((said_same & same).sum()), int((said_same & ~same).sum())
    fn, tn = int((~said_same & same).sum()), int((~said_same & ~same).sum())
    labelled_n = tp + fp + tn + fn
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else None
    return {"threshold": threshold, "labelled_pairs": labelled_n, "true_positive": tp, "false_positive": fp,
            "true_negative": tn, "false_negative": fn, "errors": fp + fn,
            "agreement": (tp + tn) / labelled_n if labelled_n else None,
            "precision": precision, "recall": recall, "f1": f1}


def decision_accuracy(pairs: pd.DataFrame, decisions: Sequence[Decision], threshold: float) -> dict:
    """How often the model agreed with human same/different decisions at a threshold.

    The decided pairs are the ones people chose to review (mostly near the threshold), not a
    random sample, so these rates describe the doubtful pairs, not the whole linkage.
    """
    return _confusion(labelled_pairs(pairs, decisions), threshold)


def threshold_sweep(labelled: pd.DataFrame, thresholds: Sequence[float] | None = None) -> pd.DataFrame:
    """Agreement with the decisions at each candidate threshold.

    The default candidates are the midpoints between the decided pairs' distinct
    probabilities (every threshold that changes a verdict), within [0.01, 0.99].
    """
    if thresholds is None:
        probs = sorted(set(labelled["match_probability"].round(6)))
        mids = [(a + b) / 2 for a, b in zip(probs, probs[1:])]
        thresholds = sorted({round(min(max(t, 0.01), 0.99), 6) for t in mids} | {0.5})
    return pd.DataFrame([_confusion(labelled, float(t)) for t in thresholds])


def suggest_threshold(labelled: pd.DataFrame, current: float,
                      min_per_class: int = MIN_DECISIONS_PER_CLASS) -> dict:
    """The threshold that makes the fewest errors on the decided pairs.

    Ties go to the threshold nearest the current one. Refuses (``suggested`` None, with a
    reason) when there are fewer than ``min_per_class`` "same" or "different" decisions.
    """
    n_same = int(labelled["same"].sum())
    n_different = int(len(labelled) - n_same)
    out: dict = {"current": _confusion(labelled, current), "same_decisions": n_same,
                 "different_decisions": n_different, "suggested": None, "reason": None}
    if min(n_same, n_different) < min_per_class:
        out["reason"] = (f"{n_same} 'same' and {n_different} 'different' decisions; at least {min_per_class} of "
                         "each are needed before the decisions can choose a threshold. Review more pairs "
                         "(`uncounted review`).")
        return out
    sweep = threshold_sweep(labelled)
    sweep["distance"] = (sweep["threshold"] - current).abs()
    best = sweep.sort_values(["errors", "distance"], kind="mergesort").iloc[0]
    out["suggested"] = _confusion(labelled, float(best["threshold"]))
    return out


def calibration_table(labelled: pd.DataFrame, bins: Sequence[float] = CALIBRATION_BINS) -> pd.DataFrame:
    """Per probability band: decided pairs, the mean predicted probability and the share people
    judged "same". A calibrated model has the two close (with enough pairs in the band)."""
    rows = []
    p = labelled["match_probability"]
    for lo, hi in zip(bins, bins[1:]):
        band = labelled[(p >= lo) & ((p < hi) if hi < bins[-1] else (p <= hi))]
        n = len(band)
        rows.append({"band": f"{lo:.1f}-{hi:.1f}", "pairs": n,
                     "mean_probability": float(band["match_probability"].mean()) if n else None,
                     "share_same": float(band["same"].mean()) if n else None})
    return pd.DataFrame(rows)


def explanation_dict(pair: pd.Series | dict, model: TrainedModel | None = None) -> dict[str, dict]:
    """The per-field explanation as plain JSON-ready data (for storing with a pair).

    {"name": {"level": "same canonical name", "match_weight": 5.4, "bayes_factor": 42.2}, ...}
    """
    return {c.field: {"level": c.level, "match_weight": round(c.match_weight, 4),
                      "bayes_factor": round(c.bayes_factor, 6)}
            for c in explain_pair(pair, model)}
