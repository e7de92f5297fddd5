"""Check blocking rules: how many pairs they generate, and (with a truth) how many true pairs they keep.

A blocking rule here is a list of prepared columns that must be equal (and not null)
for a pair to be scored. Linkage can only find a true pair that some rule generates,
so the share of true pairs kept (pair recall) caps the linkage's recall.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations

import pandas as pd

__all__ = ["true_pairs", "blocking_recall", "count_blocked_pairs"]


def true_pairs(truth: Mapping[str, str], keys: Sequence[str] | None = None) -> set[tuple[str, str]]:
    """Every (l, r) pair of report keys (l < r) that truly belong to one person."""
    groups: dict[str, list[str]] = {}
    wanted = set(keys) if keys is not None else None
    for k, p in truth.items():
        if wanted is None or k in wanted:
            groups.setdefault(p, []).append(k)
    out: set[tuple[str, str]] = set()
    for members in groups.values():
        out.update(combinations(sorted(members), 2))
    return out


def _is_list_column(series: pd.Series) -> bool:
    first = series.dropna()
    return len(first) > 0 and not isinstance(first.iloc[0], str) and hasattr(first.iloc[0], "__len__")


def _rule_key(prepared: pd.DataFrame, rule: Sequence[str]) -> pd.Series:
    parts = prepared[list(rule)].astype("string")
    key = parts.iloc[:, 0]
    for c in parts.columns[1:]:
        key = key + "\x1f" + parts[c]
    return key  # NA when any part is missing


def count_blocked_pairs(prepared: pd.DataFrame, rules: Sequence[Sequence[str]]) -> dict[str, int]:
    """Pairs each rule generates on its own (before removing pairs earlier rules made)."""
    out = {}
    for rule in rules:
        frame = prepared[list(rule)]
        for col in rule:
            if _is_list_column(frame[col]):
                frame = frame.explode(col)
        sizes = _rule_key(frame, rule).dropna().value_counts()
        out["+".join(rule)] = int((sizes * (sizes - 1) // 2).sum())
    return out


def blocking_recall(prepared: pd.DataFrame, truth: Mapping[str, str],
                    rules: Sequence[Sequence[str]]) -> dict:
    """Share of true pairs that at least one rule generates, overall and rule by rule."""
    pairs = true_pairs(truth, prepared["report_key"].tolist())
    if not pairs:
        return {"true_pairs": 0, "kept": 0, "recall": 1.0, "by_rule": {}}
    index = dict(zip(prepared["report_key"], range(len(prepared))))
    left = [index[a] for a, _ in pairs]
    right = [index[b] for _, b in pairs]
    kept = pd.Series(False, index=range(len(pairs)))
    by_rule = {}
    for rule in rules:
        same = pd.Series(True, index=range(len(pairs)))
        for col in rule:
            values = prepared[col].to_numpy()
            if _is_list_column(prepared[col]):
                sets = [set(v) if v is not None and not isinstance(v, (str, float)) else set() for v in values]
                agree = [bool(sets[i] & sets[j]) for i, j in zip(left, right)]
            else:
                agree = [not pd.isna(values[i]) and values[i] == values[j] for i, j in zip(left, right)]
            same &= pd.Series(agree)
        by_rule["+".join(rule)] = float(same.mean())
        kept |= same
    return {"true_pairs": len(pairs), "kept": int(kept.sum()), "recall": float(kept.mean()),
            "by_rule": by_rule, "missed": [p for p, k in zip(pairs, kept) if not k]}
