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

__all__ = ["uncertain_pairs", "format_explanation", "explanation_dict", "decision_accuracy"]


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


def decision_accuracy(pairs: pd.DataFrame, decisions: Sequence[Decision], threshold: float) -> dict:
    """How often the model agreed with human same/different decisions (pairs it scored).

    A decided pair the model did not score (below the kept probability) counts as the
    model saying "different".
    """
    prob = {(a, b): p for a, b, p in zip(pairs["report_key_l"], pairs["report_key_r"], pairs["match_probability"])}
    tp = fp = tn = fn = 0
    for d in decisions:
        if d.decision == "unsure":
            continue
        p = prob.get(d.pair, 0.0)
        said_same = p >= threshold
        if d.decision == "same":
            tp, fn = tp + said_same, fn + (not said_same)
        else:
            fp, tn = fp + said_same, tn + (not said_same)
    labelled = tp + fp + tn + fn
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return {"labelled_pairs": labelled, "true_positive": tp, "false_positive": fp,
            "true_negative": tn, "false_negative": fn,
            "agreement": (tp + tn) / labelled if labelled else None,
            "precision": precision, "recall": recall}


def explanation_dict(pair: pd.Series | dict, model: TrainedModel | None = None) -> dict[str, dict]:
    """The per-field explanation as plain JSON-ready data (for storing with a pair).

    {"name": {"level": "same canonical name", "match_weight": 5.4, "bayes_factor": 42.2}, ...}
    """
    return {c.field: {"level": c.level, "match_weight": round(c.match_weight, 4),
                      "bayes_factor": round(c.bayes_factor, 6)}
            for c in explain_pair(pair, model)}
