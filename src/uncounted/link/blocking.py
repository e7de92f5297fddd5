"""Blocking: which pairs of reports get scored, how many, and how many true pairs they keep.

A blocking rule is a list of parts that must all hold for a pair to be scored. A part is
either a prepared column that must be equal (and not null) in both reports, or
``"a=b"``: column a of one report equals column b of the other (a cross rule; list it
twice, once as ``"a=b"`` and once as ``"b=a"``, so both orders of a pair are caught).

Rules made only of scalar columns are turned into one block key per report
(``block_key``): a whole block of reports shares the key, so the database joins on a
single hashed column. A block bigger than ``MAX_BLOCK`` reports gets no key at all:
such a block would make too many pairs (a million reports can hold thousands of
"Ali"s in one year) and is left to the rules that are more specific.

Linkage can only find a true pair that some rule generates, so the share of true pairs
kept (pair recall) caps the linkage's recall.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from itertools import combinations

import numpy as np
import pandas as pd

__all__ = ["true_pairs", "blocking_recall", "count_blocked_pairs", "block_key", "block_key_name",
           "rule_parts", "is_cross_rule", "rule_pair_budget", "MAX_BLOCK", "MAX_RULE_PAIRS"]

# A block (reports sharing one key of one rule) bigger than this is dropped from that rule.
MAX_BLOCK = 1000
# No rule makes more pairs than this: its biggest blocks are dropped until it fits. Small
# lists are untouched (30,000 reports make at most ~700,000 pairs per rule); a million
# reports stay within a few tens of millions of pairs in all.
MAX_RULE_PAIRS = 800_000
# ... or, in bigger data, this many pairs per report (2,000,000 per rule at a million).
RULE_PAIRS_PER_REPORT = 2


def rule_pair_budget(n_reports: int) -> int:
    """The most pairs one blocking rule may generate among n_reports reports."""
    return max(MAX_RULE_PAIRS, RULE_PAIRS_PER_REPORT * n_reports)


def rule_parts(rule: Sequence[str]) -> list[tuple[str, str]]:
    """(left column, right column) of each part: "a" -> (a, a), "a=b" -> (a, b)."""
    out = []
    for part in rule:
        left, _, right = part.partition("=")
        out.append((left.strip(), (right or left).strip()))
    return out


def is_cross_rule(rule: Sequence[str]) -> bool:
    return any(a != b for a, b in rule_parts(rule))


def rule_columns(rule: Sequence[str]) -> list[str]:
    """Every prepared column the rule reads."""
    return list(dict.fromkeys(c for a, b in rule_parts(rule) for c in (a, b)))


def block_key_name(rule: Sequence[str]) -> str:
    """Name of the key column that stands for a scalar rule (stable across runs)."""
    digest = hashlib.sha1("+".join(rule).encode()).hexdigest()[:10]
    return f"bk_{digest}"


def _split_size(sizes: np.ndarray, max_pairs: int) -> int | None:
    """The biggest run length such that splitting every bigger block into runs of it
    keeps the rule within max_pairs pairs (None: no split needed)."""
    if int((sizes * (sizes - 1) // 2).sum()) <= max_pairs:
        return None
    for run in (1000, 600, 400, 300, 200, 150, 100, 70, 50, 35, 25, 18, 12, 8, 5, 3):
        small = sizes[sizes <= run]
        big = sizes[sizes > run]
        if int((small * (small - 1) // 2).sum() + (big * (run - 1) // 2).sum()) <= max_pairs:
            return run
    return 2


def _split_big_blocks(prepared: pd.DataFrame, codes: np.ndarray, sizes: np.ndarray, run: int) -> np.ndarray:
    """New codes: a block over ``run`` reports becomes runs of ``run`` reports in event-date order."""
    big = np.zeros(len(codes), dtype=bool)
    ok = codes >= 0
    big[ok] = sizes[codes[ok]] > run
    if not big.any():
        return codes
    day = prepared["event_day_start"] if "event_day_start" in prepared else pd.Series(0, index=prepared.index)
    order = pd.DataFrame({"code": codes, "day": pd.to_numeric(day, errors="coerce").to_numpy(dtype=float),
                          "pos": np.arange(len(codes))})[big].sort_values(["code", "day", "pos"])
    rank = order.groupby("code").cumcount().to_numpy() // run
    new = codes.copy()
    # the runs get codes past every existing one
    new[order["pos"].to_numpy()] = len(sizes) + order["code"].to_numpy() * (int(sizes.max()) // run + 1) + rank
    out = pd.factorize(new)[0].astype(np.int64)
    out[new < 0] = -1
    return out


def block_key(prepared: pd.DataFrame, rule: Sequence[str], max_block: int | None = MAX_BLOCK,
              max_pairs: int | None = -1) -> pd.Series:
    """One int64 key per report for a rule of scalar columns; NA where a column is missing.

    A rule that would make more than ``max_pairs`` pairs (default: ``rule_pair_budget``;
    None: no limit) has its big blocks split into
    runs of reports consecutive in event date (so the reports closest in time stay
    together); no block keeps more than ``max_block`` reports."""
    if max_pairs == -1:
        max_pairs = rule_pair_budget(len(prepared))
    cols = list(rule)
    codes = np.zeros(len(prepared), dtype=np.int64)
    missing = np.zeros(len(prepared), dtype=bool)
    for c in cols:
        part, uniques = pd.factorize(prepared[c], use_na_sentinel=True)
        missing |= part < 0
        codes = codes * (len(uniques) + 1) + part  # mixed radix, refactorised to stay small
        codes = pd.factorize(codes)[0]
    codes = codes.astype(np.int64)
    codes[missing] = -1
    ok = codes >= 0
    if ok.any():
        codes = pd.factorize(np.where(ok, codes, -1))[0].astype(np.int64)  # dense 0..k-1
        codes[~ok] = -1
        sizes = np.bincount(codes[ok]).astype(np.int64)
        run = _split_size(sizes, max_pairs) if max_pairs is not None else None
        if max_block is not None and sizes.max() > max_block:
            run = min(run or max_block, max_block)
        if run is not None:
            codes = _split_big_blocks(prepared, codes, sizes, run)
    return pd.Series(codes, index=prepared.index, dtype="Int64").mask(codes < 0)


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


def _is_scalar_rule(prepared: pd.DataFrame, rule: Sequence[str]) -> bool:
    return not is_cross_rule(rule) and not any(_is_list_column(prepared[c]) for c in rule)


def _rule_key(prepared: pd.DataFrame, cols: Sequence[str]) -> pd.Series:
    parts = prepared[list(cols)].astype("string")
    key = parts.iloc[:, 0]
    for c in parts.columns[1:]:
        key = key + "\x1f" + parts[c]
    return key  # NA when any part is missing


def count_blocked_pairs(prepared: pd.DataFrame, rules: Sequence[Sequence[str]],
                        max_block: int | None = MAX_BLOCK) -> dict[str, int]:
    """Pairs each rule generates on its own (before removing pairs earlier rules made).

    A cross rule counts the pairs in one order (its mirror rule counts the other)."""
    out = {}
    for rule in rules:
        name = "+".join(rule)
        if _is_scalar_rule(prepared, rule):
            sizes = block_key(prepared, rule, max_block).dropna().value_counts()
            out[name] = int((sizes * (sizes - 1) // 2).sum())
        elif is_cross_rule(rule):
            parts = rule_parts(rule)
            left = _rule_key(prepared, [a for a, _ in parts]).dropna().value_counts()
            right = _rule_key(prepared, [b for _, b in parts]).dropna().value_counts()
            both = left.to_frame("l").join(right.to_frame("r"), how="inner")
            out[name] = int((both["l"] * both["r"]).sum())
        else:
            frame = prepared[list(rule)]
            for col in rule:
                if _is_list_column(frame[col]):
                    frame = frame.explode(col)
            sizes = _rule_key(frame, rule).dropna().value_counts()
            out[name] = int((sizes * (sizes - 1) // 2).sum())
    return out


def _values_agree(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.array([not pd.isna(x) and not pd.isna(y) and bool(x == y) for x, y in zip(a, b)], dtype=bool)


def _rule_holds(prepared: pd.DataFrame, rule: Sequence[str], left: np.ndarray, right: np.ndarray,
                max_block: int | None) -> np.ndarray:
    """Whether the rule generates each pair (left[i], right[i]), in either order."""
    if _is_scalar_rule(prepared, rule):
        key = block_key(prepared, rule, max_block).to_numpy(dtype=object, na_value=None)
        return _values_agree(key[left], key[right])
    if is_cross_rule(rule):
        def one_way(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
            same = np.ones(len(lo), dtype=bool)
            for a, b in rule_parts(rule):
                same &= _values_agree(prepared[a].to_numpy(dtype=object)[lo], prepared[b].to_numpy(dtype=object)[hi])
            return same
        return one_way(left, right) | one_way(right, left)
    same = np.ones(len(left), dtype=bool)
    for col in rule:
        values = prepared[col].to_numpy(dtype=object)
        if _is_list_column(prepared[col]):
            sets = [set(v) if v is not None and not isinstance(v, (str, float)) else set() for v in values]
            same &= np.array([bool(sets[i] & sets[j]) for i, j in zip(left, right)], dtype=bool)
        else:
            same &= _values_agree(values[left], values[right])
    return same


def blocking_recall(prepared: pd.DataFrame, truth: Mapping[str, str],
                    rules: Sequence[Sequence[str]], max_block: int | None = MAX_BLOCK) -> dict:
    """Share of true pairs that at least one rule generates, overall and rule by rule.

    ``max_block`` must be the cap linkage uses (the default) for the figure to be the
    recall linkage really gets."""
    pairs = sorted(true_pairs(truth, prepared["report_key"].tolist()))
    if not pairs:
        return {"true_pairs": 0, "kept": 0, "recall": 1.0, "by_rule": {}, "missed": []}
    index = dict(zip(prepared["report_key"], range(len(prepared))))
    left = np.array([index[a] for a, _ in pairs])
    right = np.array([index[b] for _, b in pairs])
    kept = np.zeros(len(pairs), dtype=bool)
    by_rule = {}
    for rule in rules:
        same = _rule_holds(prepared, rule, left, right, max_block)
        by_rule["+".join(rule)] = float(same.mean())
        kept |= same
    return {"true_pairs": len(pairs), "kept": int(kept.sum()), "recall": float(kept.mean()),
            "by_rule": by_rule, "missed": [p for p, k in zip(pairs, kept) if not k]}
