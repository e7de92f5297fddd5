"""Turn scored pairs into persons, honouring human decisions.

The algorithm is a union-find with cannot-link constraints:

1. every report starts as its own person;
2. human "same" decisions are applied first: they always merge, unless they
   contradict a human "different" decision (then the clash is reported in
   ``Clustering.refused`` and the reports stay apart);
3. model pairs at or above the threshold are processed in descending match
   probability (ties broken by the report keys, so the result is deterministic).
   A pair is merged unless a human decided about that pair, or the merge would
   put two reports that a human called "different" into the same person;
4. "unsure" decisions leave the model's judgement in place.

Because strong links are processed first, a cannot-link constraint splits a chain
of links at its weakest point. Each person's id is its smallest report key, so it
stays the same when re-linking leaves the membership unchanged.
"""

from __future__ import annotations

import heapq
import json
import math
from collections import defaultdict
from functools import lru_cache
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz.distance import JaroWinkler, Levenshtein

from uncounted.errors import LinkageError

__all__ = ["Decision", "Clustering", "Coherence", "cluster_reports", "person_summaries"]

DECISIONS = ("same", "different", "unsure")


@dataclass(frozen=True)
class Decision:
    """A human judgement about one pair of reports."""

    report_key_l: str
    report_key_r: str
    decision: str  # "same" | "different" | "unsure"
    who: str | None = None
    when: str | None = None  # ISO 8601 timestamp

    def __post_init__(self) -> None:
        if self.decision not in DECISIONS:
            raise LinkageError(
                f"Decision {self.decision!r} for {self.report_key_l} / {self.report_key_r} "
                f"is not one of {DECISIONS}."
            )

    @property
    def pair(self) -> tuple[str, str]:
        return _ordered(self.report_key_l, self.report_key_r)


@dataclass
class Clustering:
    """Report key -> person (cluster) id, plus what was refused and why."""

    cluster_of: dict[str, str]
    threshold: float
    refused: list[dict] = field(default_factory=list)

    @property
    def members(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for key, cid in self.cluster_of.items():
            out[cid].append(key)
        return {cid: sorted(keys) for cid, keys in out.items()}

    @property
    def n_persons(self) -> int:
        return len(set(self.cluster_of.values()))

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"report_key": list(self.cluster_of), "person_id": list(self.cluster_of.values())}
        )


def _ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


class _ConstrainedUnionFind:
    """Union-find whose roots remember which reports they must never join."""

    def __init__(self, keys: Iterable[str]):
        self.parent = {k: k for k in keys}
        self.size = dict.fromkeys(self.parent, 1)
        self._members: dict[str, list[str]] = {}
        self.cannot: dict[str, set[str]] = {}

    def find(self, k: str) -> str:
        parent = self.parent
        root = k
        while parent[root] != root:
            root = parent[root]
        while parent[k] != root:  # path compression
            parent[k], k = root, parent[k]
        return root

    def members(self, root: str) -> list[str]:
        return self._members.get(root, [root])

    def forbid(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        self.cannot.setdefault(ra, set()).add(b)
        self.cannot.setdefault(rb, set()).add(a)

    def blocked(self, ra: str, rb: str) -> bool:
        small, big = (ra, rb) if len(self.cannot.get(ra, ())) <= len(self.cannot.get(rb, ())) else (rb, ra)
        return any(self.find(k) == big for k in self.cannot.get(small, ()))

    def union(self, a: str, b: str) -> bool | None:
        """Merge; True if merged, False if refused, None if already together."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        if self.blocked(ra, rb):
            return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        self._members[ra] = self.members(ra) + self._members.pop(rb, [rb])
        if rb in self.cannot:
            self.cannot.setdefault(ra, set()).update(self.cannot.pop(rb))
        return True


# --- coherence: two reports that cannot be one person ---------------------------------

MAX_BIRTH_YEAR_GAP = 5
MAX_EVENT_GAP_DAYS = 730
_UNINFORMATIVE = {"muhamad"}


# Two tokens this similar (Jaro-Winkler) may be one name misspelt (Zubair / Zbuair):
# the coherence guard only stops what is clearly different.
TOKEN_AGREEMENT = 0.85


@lru_cache(maxsize=2_000_000)
def _tokens_agree(a: str, b: str) -> bool:
    """Same token up to a misspelling, or one is an initial or a prefix of the other."""
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    if Levenshtein.distance(a, b, score_cutoff=1) <= 1:
        return True
    if min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a)):
        return True
    return JaroWinkler.similarity(a, b) >= TOKEN_AGREEMENT


def _names_clash(x: tuple[str, ...], y: tuple[str, ...]) -> bool:
    """Each name has a token the other lacks (Ahmad Kazmi / Hasan Kazmi): two people.

    A name that is a subset of the other (Ahmad / Ahmad Kazmi) does not clash, nor does
    a name made only of "Muhammad" or initials.
    """
    if not x or not y or set(x) <= _UNINFORMATIVE or set(y) <= _UNINFORMATIVE:
        return False
    x_extra = any(not any(_tokens_agree(a, b) for b in y) for a in x)
    y_extra = any(not any(_tokens_agree(b, a) for a in x) for b in y)
    return x_extra and y_extra


class Coherence:
    """Rules under which two reports cannot describe one person.

    Used while clustering: a merge is refused when any report of one cluster clashes
    with any report of the other. Two reports clash when both give a value and
    - their sexes differ;
    - their birth-year ranges are more than 5 years apart;
    - their event dates are more than two years apart;
    - their own names clash: each has a token (beyond one-letter differences and
      initials) that the other lacks;
    - their fathers' names clash in the same way.
    These guard against chains of individually likely links (A~B, B~C) that join
    different people with common names. A pair the model links directly is never
    refused by these rules (direct evidence, such as an identity number, beats them).
    """

    def __init__(self, prepared: pd.DataFrame):
        cols = prepared.set_index("report_key")
        self._data = {}
        for key, sex, bmin, bmax, es, ee, nt, ft in zip(
            cols.index, cols.get("sex", _nones(cols)), cols.get("birth_year_min", _nones(cols)),
            cols.get("birth_year_max", _nones(cols)), cols.get("event_day_start", _nones(cols)),
            cols.get("event_day_end", _nones(cols)), cols.get("name_tokens", _nones(cols)),
            cols.get("father_tokens", _nones(cols)),
        ):
            self._data[key] = (
                sex if _present(sex) else None,
                int(bmin) if _present(bmin) else None, int(bmax) if _present(bmax) else None,
                int(es) if _present(es) else None, int(ee) if _present(ee) else None,
                tuple(nt) if nt is not None and not isinstance(nt, float) else (),
                tuple(ft) if ft is not None and not isinstance(ft, float) else (),
            )

    def clash(self, a: str, b: str) -> str | None:
        """The reason two reports cannot be one person, or None."""
        x, y = self._data.get(a), self._data.get(b)
        if x is None or y is None:
            return None
        if x[0] and y[0] and x[0] != y[0]:
            return "sex"
        if x[1] is not None and y[1] is not None and max(x[1] - y[2], y[1] - x[2]) > MAX_BIRTH_YEAR_GAP:
            return "birth year"
        if x[3] is not None and y[3] is not None and max(x[3] - y[4], y[3] - x[4]) > MAX_EVENT_GAP_DAYS:
            return "event date"
        if _names_clash(x[5], y[5]):
            return "name"
        if _names_clash(x[6], y[6]):
            return "father's name"
        return None

    def groups_clash(self, left: list[str], right: list[str],
                     linked: set[tuple[str, str]] | frozenset = frozenset()) -> bool:
        """True if a report of ``left`` clashes with one of ``right``.

        A pair the model itself linked (in ``linked``) never clashes: direct evidence
        beats the rule, which only guards links made by transitivity.
        """
        return any(self.clash(a, b) for a in left for b in right if _ordered(a, b) not in linked)


def _nones(frame: pd.DataFrame) -> list[None]:
    return [None] * len(frame)


# Evidence clustering: a pair of reports not among the scored pairs (not blocked, or scored
# below the kept threshold) counts this many bits against a merge; a pair's weight is capped
# at +-EVIDENCE_CLIP bits so one near-certain pair cannot outweigh everything else.
MISSING_PAIR_BITS = -4.0
EVIDENCE_CLIP = 14.0
CLUSTER_METHODS = ("single", "evidence")


def _evidence_merges(uf: _ConstrainedUnionFind, pairs: pd.DataFrame, threshold: float,
                     decided: dict[tuple[str, str], str], coherence: Coherence | None,
                     known: set[str]) -> None:
    """Agglomerate clusters while the summed evidence between them favours a merge.

    Two clusters merge when the match weights (log2 odds) of every pair of reports across
    them, added up, reach logit2(threshold); pairs that were not scored count
    MISSING_PAIR_BITS each. The strongest merge is made first. Unlike single-link, a
    report joins a person only if it fits the person's reports taken together: a chain
    A~B~C whose A and C clearly disagree stays apart. Because such chains no longer merge
    people, a lower threshold (more recall) costs little precision.
    """
    min_bits = math.log2(threshold / (1 - threshold)) if 0 < threshold < 1 else (-1e9 if threshold <= 0 else 1e9)
    prob = pairs["match_probability"].to_numpy(dtype=float).clip(1e-12, 1 - 1e-12)
    bits = np.clip(np.log2(prob / (1 - prob)), -EVIDENCE_CLIP, EVIDENCE_CLIP)
    total: dict[str, dict[str, float]] = defaultdict(dict)
    count: dict[str, dict[str, int]] = defaultdict(dict)
    linked = set()
    for a, b, w, p in zip(pairs["report_key_l"], pairs["report_key_r"], bits, prob):
        if a not in known or b not in known:
            raise LinkageError(
                f"Pair {a} / {b} names a report that is not among the report keys; "
                "pass every report that was scored."
            )
        pair = _ordered(a, b)
        if decided.get(pair, "unsure") != "unsure" or a == b:
            continue
        if p >= threshold:
            linked.add(pair)
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            continue
        total[ra][rb] = total[ra].get(rb, 0.0) + float(w)
        total[rb][ra] = total[ra][rb]
        count[ra][rb] = count[ra].get(rb, 0) + 1
        count[rb][ra] = count[ra][rb]

    def score(x: str, y: str) -> float:
        unscored = uf.size[x] * uf.size[y] - count[x][y]
        return total[x][y] + MISSING_PAIR_BITS * unscored

    heap = [(-score(x, y), x, y) for x in total for y in total[x] if x < y]
    heapq.heapify(heap)
    while heap:
        neg, x, y = heapq.heappop(heap)
        if uf.parent[x] != x or uf.parent[y] != y or y not in total[x] or -neg != score(x, y):
            continue  # stale: one side was merged, or the score changed since
        if -neg < min_bits:
            break
        if uf.blocked(x, y):
            continue
        if coherence is not None and coherence.groups_clash(uf.members(x), uf.members(y), linked):
            continue
        uf.union(x, y)
        root, gone = (x, y) if uf.find(x) == x else (y, x)
        for other in set(total[gone]) | set(total[root]):
            if other in (root, gone):
                continue
            t = total[root].get(other, 0.0) + total[gone].get(other, 0.0)
            c = count[root].get(other, 0) + count[gone].get(other, 0)
            total[root][other] = total[other][root] = t
            count[root][other] = count[other][root] = c
            total[other].pop(gone, None)
            count[other].pop(gone, None)
            lo, hi = _ordered(root, other)
            heapq.heappush(heap, (-score(lo, hi), lo, hi))
        total.pop(gone, None)
        count.pop(gone, None)
        total[root].pop(gone, None)
        count[root].pop(gone, None)


def cluster_reports(
    pairs: pd.DataFrame,
    report_keys: Sequence[str],
    *,
    threshold: float = 0.9,
    decisions: Sequence[Decision] | None = None,
    coherence: Coherence | None = None,
    method: str = "single",
) -> Clustering:
    """Group reports into persons.

    Args:
        pairs: scored pairs with columns report_key_l, report_key_r, match_probability.
        report_keys: every report to cluster (reports in no pair become single persons).
        threshold: pairs with match_probability >= threshold are links.
        decisions: human decisions, which override the model (see the module docstring).
        coherence: if given, model links that would put two clashing reports (see
            ``Coherence``) into one person are refused. Human "same" decisions are not
            subject to it.
        method: "single" links every pair at or above the threshold (strongest first,
            single-link); "evidence" merges clusters while the summed match weights of all
            their cross pairs reach the threshold's weight (see ``_evidence_merges``).
    """
    if method not in CLUSTER_METHODS:
        raise LinkageError(f"Clustering method {method!r} is not known; use one of {CLUSTER_METHODS}.")
    keys = list(dict.fromkeys(report_keys))
    uf = _ConstrainedUnionFind(keys)
    known = set(uf.parent)
    refused: list[dict] = []
    decided: dict[tuple[str, str], str] = {}
    # the latest decision about a pair wins: by time when given, else by position
    ordered = sorted(enumerate(decisions or []), key=lambda iv: (iv[1].when or "", iv[0]))
    for _, d in ordered:
        if d.report_key_l not in known or d.report_key_r not in known:
            continue  # a decision about reports not in this run (e.g., deleted) is kept but unused
        decided[d.pair] = d.decision  # later decisions replace earlier ones
    for (a, b), verdict in decided.items():
        if verdict == "different":
            uf.forbid(a, b)
    for (a, b), verdict in sorted(decided.items()):
        if verdict == "same" and uf.union(a, b) is False:
            refused.append({"report_key_l": a, "report_key_r": b, "reason": "human 'same' contradicts human 'different' decisions"})

    if len(pairs) and method == "evidence":
        _evidence_merges(uf, pairs, threshold, decided, coherence, known)
    elif len(pairs):
        strong = pairs.loc[
            pairs["match_probability"] >= threshold,
            ["report_key_l", "report_key_r", "match_probability"],
        ].copy()
        strong = strong.sort_values(
            ["match_probability", "report_key_l", "report_key_r"],
            ascending=[False, True, True],
            kind="mergesort",
        )
        linked = {_ordered(a, b) for a, b in zip(strong["report_key_l"], strong["report_key_r"])} \
            if coherence is not None else set()
        for a, b, p in strong.itertuples(index=False, name=None):
            if a not in known or b not in known:
                raise LinkageError(
                    f"Pair {a} / {b} names a report that is not among the report keys; "
                    "pass every report that was scored."
                )
            if decided and _ordered(a, b) in decided and decided[_ordered(a, b)] != "unsure":
                continue
            if coherence is not None:
                ra, rb = uf.find(a), uf.find(b)
                if ra != rb and coherence.groups_clash(uf.members(ra), uf.members(rb), linked):
                    continue
            if uf.union(a, b) is False:
                refused.append({"report_key_l": a, "report_key_r": b, "match_probability": float(p),
                                "reason": "would join reports a human called 'different'"})

    root_min: dict[str, str] = {}
    for k in keys:
        r = uf.find(k)
        if r not in root_min or k < root_min[r]:
            root_min[r] = k
    cluster_of = {k: root_min[uf.find(k)] for k in keys}
    return Clustering(cluster_of=cluster_of, threshold=threshold, refused=refused)


# --- person summaries -------------------------------------------------------------

SUMMARY_FIELDS = (
    "name_raw", "father_name", "sex", "birth_year_min", "birth_year_max",
    "event_date_start", "event_date_end", "event_place", "event_place_parent",
    "violation", "perpetrator_category", "victim_status",
)
# Fields where two different values in one person are a conflict worth a human look.
CONFLICT_FIELDS = ("sex", "violation", "perpetrator_category", "victim_status")


def _present(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return False
    if isinstance(v, float) and v != v:
        return False
    return not (isinstance(v, str) and v == "")


def _jsonable(v):
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if hasattr(v, "item"):
        return v.item()
    return v


def _summarise(key_list: list[str], rows: dict[str, dict]) -> dict:
    prov: dict[str, dict] = {}
    chosen: dict[str, object] = {}
    for f in SUMMARY_FIELDS:
        by_value: dict[object, list[str]] = defaultdict(list)
        for k in key_list:
            v = rows[k].get(f)
            if _present(v):
                by_value[_jsonable(v)].append(k)
        if by_value:
            # most reports first, then the value's text for a stable choice
            best = sorted(by_value.items(), key=lambda kv: (-len(kv[1]), str(kv[0])))
            chosen[f] = best[0][0]
            prov[f] = {str(v): ks for v, ks in best}
        else:
            chosen[f] = None
    conflicts = [f for f in CONFLICT_FIELDS if len(prov.get(f, {})) > 1]
    lows = [rows[k].get("birth_year_min") for k in key_list]
    highs = [rows[k].get("birth_year_max") for k in key_list]
    lo = max((v for v in lows if _present(v)), default=None)
    hi = min((v for v in highs if _present(v)), default=None)
    if lo is not None and hi is not None and lo > hi:
        conflicts.append("birth_year")
    return {"chosen": chosen, "provenance": prov, "conflicts": conflicts}


def person_summaries(clusters: Clustering, prepared: pd.DataFrame) -> pd.DataFrame:
    """One row per person: chosen values, which report gave each value, and conflicts.

    The chosen value of a field is the one most reports give (ties broken by text);
    ``provenance`` (JSON) maps every field to {value: [report keys]}; ``conflicts``
    lists the fields where reports disagree in a way that needs a human look: sex,
    violation, perpetrator category, victim status (e.g., dead vs still missing) and
    birth-year ranges that do not overlap.
    """
    cols = [c for c in SUMMARY_FIELDS if c in prepared.columns]
    indexed = prepared.set_index("report_key")
    rows = indexed[cols].to_dict("index")
    source_of = indexed["source"].to_dict() if "source" in indexed.columns else {}
    out = []
    for cid, keys in sorted(clusters.members.items()):
        s = _summarise(keys, rows)
        out.append({
            "person_id": cid,
            "n_reports": len(keys),
            "sources": sorted({str(source_of[k]) for k in keys if k in source_of}),
            "report_keys": keys,
            **{f: s["chosen"].get(f) for f in cols},
            "conflicts": s["conflicts"],
            "provenance": json.dumps(s["provenance"], ensure_ascii=False),
        })
    return pd.DataFrame(out)
