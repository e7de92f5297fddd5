"""Capture histories from linked persons: which lists each person is on, per stratum.

Input: one row per (person, source) — a linked person found on a list — with the person's stratum
columns (year, place, violation, sex, perpetrator, or any others). Output: one
:class:`~uncounted.estimate.patterns.PatternTable` per stratum.

Stratum values come from the person, not the record. When a person's records disagree (one list
says 1998, another 1999), the most frequent value is used (ties: the first in sort order) and the
number of such persons is reported by :func:`stratum_conflicts`. Missing values form their own stratum, labelled ``"unknown"``.

Bins: ``year:5`` groups a numeric column into 5-wide bins aligned on multiples of 5 and labels
them ``"1995-1999"``; ``year`` alone keeps each value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from uncounted.errors import EstimationError
from uncounted.estimate.patterns import PatternTable

__all__ = ["capture_histories", "stratum_conflicts", "parse_by", "ByColumn", "person_table", "UNKNOWN"]

UNKNOWN = "unknown"


@dataclass(frozen=True)
class ByColumn:
    """One stratification column and its optional numeric bin width."""

    column: str
    width: float | None = None

    def label(self) -> str:
        return self.column if self.width is None else f"{self.column}:{self.width:g}"


def parse_by(by: str | Sequence[str] | None) -> list[ByColumn]:
    """``"year:5,place"`` or ``["year:5", "place"]`` -> [ByColumn("year", 5), ByColumn("place")]."""
    if by is None:
        return []
    items = [x for x in (by.split(",") if isinstance(by, str) else by)]
    out: list[ByColumn] = []
    for item in items:
        item = str(item).strip()
        if not item:
            continue
        m = re.fullmatch(r"([^:]+?)(?::\s*([0-9.]+))?", item)
        if not m:
            raise EstimationError(f"cannot read stratum {item!r}; write a column name, optionally with a bin width as year:5.")
        width = float(m.group(2)) if m.group(2) else None
        if width is not None and width <= 0:
            raise EstimationError(f"bin width must be positive in {item!r}.")
        out.append(ByColumn(m.group(1).strip(), width))
    return out


def _bin(values: pd.Series, width: float) -> pd.Series:
    num = pd.to_numeric(values, errors="coerce")
    bad = values.notna() & num.isna()
    if bad.any():
        raise EstimationError(
            f"column {values.name!r} has non-numeric value {values[bad].iloc[0]!r} but was given a bin width; "
            "bins (year:5) need numbers."
        )
    lo = np.floor(num / width) * width
    hi = lo + width - (1 if float(width).is_integer() else 0)

    def fmt(a: float, b: float) -> str:
        if np.isnan(a):
            return UNKNOWN
        fa = f"{a:g}"
        return fa if a == b else f"{fa}-{b:g}"

    return pd.Series([fmt(a, b) for a, b in zip(lo, hi)], index=values.index)


def person_table(memberships: pd.DataFrame, by: Sequence[ByColumn], *, person_col: str = "person_id",
                 source_col: str = "source") -> tuple[pd.DataFrame, dict[str, int]]:
    """One row per person with the stratum columns (binned), and counts of conflicting persons."""
    cols = [b.column for b in by]
    missing = [c for c in [person_col, source_col, *cols] if c not in memberships.columns]
    if missing:
        raise EstimationError(f"memberships lack column(s) {missing}; they have {list(memberships.columns)}.")
    conflicts: dict[str, int] = {}
    people = pd.DataFrame(index=pd.Index(memberships[person_col].dropna().unique(), name=person_col))
    for b in by:
        col = memberships[[person_col, b.column]].dropna()
        n_values = col.groupby(person_col)[b.column].nunique()
        conflicts[b.label()] = int((n_values > 1).sum())
        # the most frequent value per person; ties broken by sort order
        counts = col.groupby([person_col, b.column]).size().reset_index(name="_n")
        counts = counts.sort_values([person_col, "_n", b.column], ascending=[True, False, True])
        mode = counts.drop_duplicates(person_col).set_index(person_col)[b.column]
        values = mode.reindex(people.index)
        people[b.label()] = _bin(values, b.width) if b.width else values.astype(object).where(values.notna(), UNKNOWN)
    return people, conflicts


def capture_histories(memberships: pd.DataFrame, *, lists: Sequence[str] | None = None,
                      by: str | Sequence[str] | None = None, person_col: str = "person_id",
                      source_col: str = "source") -> list[PatternTable]:
    """Per-stratum capture-pattern tables from (person, source) memberships.

    Parameters
    ----------
    memberships : one row per (person_id, source), plus stratum columns.
    lists : the sources to use as lists, in order (default: every source, sorted). Persons on none
        of them are not observed and are left out.
    by : stratification, e.g. ``"year:5,place"``. None gives one table for everyone.

    Returns a list of PatternTables; each has ``.stratum`` = {column label: value} (empty when
    ``by`` is None), in sorted stratum order.
    """
    if memberships.empty:
        raise EstimationError("no memberships: the workspace has no linked persons on any list.")
    for c in (person_col, source_col):
        if c not in memberships.columns:
            raise EstimationError(f"memberships need a {c!r} column; they have {list(memberships.columns)}.")
    sources = sorted(map(str, memberships[source_col].dropna().unique()))
    chosen = sources if lists is None else [str(x) for x in lists]
    unknown = [x for x in chosen if x not in sources]
    if unknown:
        raise EstimationError(f"unknown list(s) {unknown}; the sources are {sources}.")
    if len(chosen) < 2:
        raise EstimationError(f"estimation needs at least two lists; got {chosen}.")
    bys = parse_by(by)
    m = memberships[memberships[source_col].astype(str).isin(chosen)]
    people, conflicts = person_table(m, bys, person_col=person_col, source_col=source_col)
    onehot = pd.crosstab(m[person_col], m[source_col].astype(str)).clip(upper=1)
    onehot = onehot.reindex(columns=chosen, fill_value=0).reindex(people.index, fill_value=0)
    labels = [b.label() for b in bys]
    if not labels:
        table = PatternTable.from_histories(onehot, chosen)
        return [table]
    joined = onehot.join(people[labels])
    tables = []
    for key, group in joined.groupby(labels, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        stratum = {lab: _plain(v) for lab, v in zip(labels, key)}
        tables.append(PatternTable.from_histories(group[chosen], chosen, stratum=stratum))
    return tables


def _plain(v: object) -> object:
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    return v


def stratum_conflicts(memberships: pd.DataFrame, by: str | Sequence[str] | None, *,
                      person_col: str = "person_id", source_col: str = "source") -> dict[str, int]:
    """How many persons have records that disagree on each stratum column (the mode was used)."""
    bys = parse_by(by)
    if not bys:
        return {}
    return person_table(memberships, bys, person_col=person_col, source_col=source_col)[1]
