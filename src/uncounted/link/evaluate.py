"""Accuracy of a clustering against a known truth (synthetic data only).

Two families of figures are reported:

* pairwise: every pair of reports put in the same person is a predicted link;
  precision, recall and F1 compare these links with the true same-person pairs;
* B-cubed: for every report, the share of its predicted person that truly belongs
  with it (precision) and the share of its true person that was found (recall),
  averaged over reports. B-cubed weighs big and small persons fairly.

Only reports present in both mappings are scored; the counts of left-out reports
are returned so that a mismatch is visible rather than silent.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path

from uncounted.errors import LinkageError

__all__ = ["evaluate_clusters", "load_truth", "default_report_key"]


def default_report_key(source: str, record_id: str) -> str:
    """The report key used when none is given: ``"<source>:<record_id>"``."""
    return f"{source}:{record_id}"


def load_truth(
    path: str | Path, key_fn: Callable[[str, str], str] = default_report_key
) -> dict[str, str]:
    """Read a truth CSV (columns source, record_id, person_id) into report key -> person."""
    path = Path(path)
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        needed = {"source", "record_id", "person_id"}
        missing = needed - set(reader.fieldnames or [])
        if missing:
            raise LinkageError(
                f"{path}: the truth file lacks column(s) {sorted(missing)}; "
                f"found {reader.fieldnames}. It needs source, record_id and person_id."
            )
        truth: dict[str, str] = {}
        for row in reader:
            key = key_fn(row["source"], row["record_id"])
            if key in truth:
                raise LinkageError(
                    f"{path}: report {row['source']!r}/{row['record_id']!r} appears twice; "
                    "each report must have one true person."
                )
            truth[key] = row["person_id"]
    return truth


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _ratio(num: float, den: float) -> float:
    return num / den if den else 1.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def evaluate_clusters(
    predicted: Mapping[str, Hashable], truth: Mapping[str, Hashable]
) -> dict:
    """Compare predicted clusters with true persons.

    Args:
        predicted: report key -> predicted cluster id.
        truth: report key -> true person id.

    Returns:
        A dict with ``pairwise`` and ``bcubed`` (precision, recall, f1), ``persons_found``,
        ``true_persons``, the pair counts, ``reports_scored`` and the number of reports
        found in only one of the two mappings.
    """
    keys = [k for k in predicted if k in truth]
    if not keys:
        raise LinkageError(
            "No report key is shared by the prediction and the truth; check that "
            "the truth file uses the same sources and record ids as the linked reports."
        )
    cell = Counter((predicted[k], truth[k]) for k in keys)
    pred_size = Counter(predicted[k] for k in keys)
    true_size = Counter(truth[k] for k in keys)

    true_pos = sum(_pairs(n) for n in cell.values())
    pred_pairs = sum(_pairs(n) for n in pred_size.values())
    true_pairs = sum(_pairs(n) for n in true_size.values())
    p, r = _ratio(true_pos, pred_pairs), _ratio(true_pos, true_pairs)

    # B-cubed: each report in cell (c, t) scores n_ct / |c| and n_ct / |t|.
    b_p = sum(n * n / pred_size[c] for (c, _), n in cell.items()) / len(keys)
    b_r = sum(n * n / true_size[t] for (_, t), n in cell.items()) / len(keys)

    return {
        "pairwise": {"precision": p, "recall": r, "f1": _f1(p, r)},
        "bcubed": {"precision": b_p, "recall": b_r, "f1": _f1(b_p, b_r)},
        "persons_found": len(pred_size),
        "true_persons": len(true_size),
        "true_pairs": true_pairs,
        "predicted_pairs": pred_pairs,
        "correct_pairs": true_pos,
        "reports_scored": len(keys),
        "reports_only_predicted": sum(1 for k in predicted if k not in truth),
        "reports_only_in_truth": sum(1 for k in truth if k not in predicted),
    }
