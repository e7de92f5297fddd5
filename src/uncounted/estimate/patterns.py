"""Capture-pattern tables: how many persons were seen on exactly which lists.

A :class:`PatternTable` has ``k`` named lists and one row per capture pattern (a 0/1 vector of
length ``k``) with the number of persons who have that pattern. The all-zero pattern (persons on
no list) is never stored: it is what the estimators estimate.

Canonical cell order (used by :meth:`PatternTable.full_table`, :meth:`cell_counts` and the
log-linear design): cell ``c`` = 1 .. 2^k - 1 has pattern bits ``c``, the first list being the most
significant bit. For 3 lists: 001, 010, 011, 100, 101, 110, 111.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from uncounted.errors import EstimationError

__all__ = ["PatternTable", "COUNT_COLUMNS", "all_patterns"]

#: Names accepted for the count column (always the last column), case-insensitively.
COUNT_COLUMNS = ("freq", "count", "n", "counts", "frequency")


def all_patterns(k: int) -> np.ndarray:
    """The 2^k - 1 observable patterns in canonical order, as an int8 matrix (rows × k)."""
    if k < 1 or k > 20:
        raise EstimationError(f"the number of lists must be between 1 and 20; got {k}.")
    cells = np.arange(1, 2**k, dtype=np.int64)
    shifts = np.arange(k - 1, -1, -1, dtype=np.int64)
    return ((cells[:, None] >> shifts[None, :]) & 1).astype(np.int8)


def _cell_index(patterns: np.ndarray) -> np.ndarray:
    """Canonical cell number (1 .. 2^k - 1) of each pattern row."""
    k = patterns.shape[1]
    weights = 2 ** np.arange(k - 1, -1, -1, dtype=np.int64)
    return patterns.astype(np.int64) @ weights


@dataclass(frozen=True, eq=False)
class PatternTable:
    """Counts of capture patterns over named lists.

    Parameters
    ----------
    lists : the list names, in column order.
    patterns : int matrix (n_patterns × k) of 0/1; no all-zero rows; no duplicate rows.
    counts : non-negative integer counts, one per pattern row.
    stratum : optional description of the stratum this table belongs to (e.g. ``{"year": 1999}``).
    """

    lists: tuple[str, ...]
    patterns: np.ndarray
    counts: np.ndarray
    stratum: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        lists = tuple(str(x) for x in self.lists)
        pats = np.asarray(self.patterns)
        cnts = np.asarray(self.counts)
        if pats.ndim != 2 or pats.shape[1] != len(lists):
            raise EstimationError(
                f"patterns must be a matrix with one column per list ({len(lists)} lists {lists}); got shape {pats.shape}."
            )
        if len(set(lists)) != len(lists):
            raise EstimationError(f"list names must be distinct; got {lists}.")
        if cnts.shape != (pats.shape[0],):
            raise EstimationError(f"counts must have one value per pattern row ({pats.shape[0]}); got shape {cnts.shape}.")
        if pats.size and not np.isin(pats, (0, 1)).all():
            raise EstimationError("pattern cells must be 0 or 1; found other values. Recode list membership as 0/1.")
        if cnts.size and (np.any(cnts < 0) or not np.all(np.equal(np.mod(cnts, 1), 0))):
            raise EstimationError("counts must be non-negative whole numbers; found negative or fractional counts.")
        pats = pats.astype(np.int8)
        cnts = cnts.astype(np.int64)
        if pats.shape[0] and np.any(pats.sum(axis=1) == 0):
            bad = int(cnts[pats.sum(axis=1) == 0].sum())
            if bad > 0:
                raise EstimationError(
                    f"{bad} persons have the all-zero pattern (on none of the lists {lists}); "
                    "a person must be on at least one list. Remove those rows."
                )
            keep = pats.sum(axis=1) > 0
            pats, cnts = pats[keep], cnts[keep]
        idx = _cell_index(pats) if pats.size else np.zeros(0, dtype=np.int64)
        if len(np.unique(idx)) != len(idx):
            raise EstimationError("patterns contain duplicate rows; use PatternTable.from_frame to aggregate them.")
        order = np.argsort(idx, kind="stable")
        pats, cnts = pats[order], cnts[order]
        pats.setflags(write=False)
        cnts.setflags(write=False)
        object.__setattr__(self, "lists", lists)
        object.__setattr__(self, "patterns", pats)
        object.__setattr__(self, "counts", cnts)
        object.__setattr__(self, "stratum", dict(self.stratum))

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_frame(cls, df: pd.DataFrame, *, count: str | None = None, stratum: dict | None = None) -> PatternTable:
        """Build from a DataFrame in the shared-data format.

        Either one 0/1 column per list plus a count column last (named ``Freq``, ``count``,
        ``freq`` or ``n``; or give ``count=``), or one row per person with only 0/1 list columns.
        Duplicate patterns are summed; all-zero rows with count 0 are dropped.
        """
        if not isinstance(df, pd.DataFrame):
            raise EstimationError(f"expected a pandas DataFrame of capture patterns; got {type(df).__name__}.")
        if df.shape[1] == 0:
            raise EstimationError("the pattern table has no columns.")
        cols = [str(c) for c in df.columns]
        if count is None and cols[-1].strip().lower() in COUNT_COLUMNS:
            count = df.columns[-1]
        if count is not None and count not in df.columns:
            raise EstimationError(f"count column {count!r} not found; columns are {cols}.")
        list_cols = [c for c in df.columns if c != count]
        if [str(c).lower() for c in list_cols] == ["nbcap"]:
            raise EstimationError(
                "this table is in capture-frequency form (nbcap, freq), not list patterns; "
                "multiple systems estimation needs one 0/1 column per list."
            )
        if not list_cols:
            raise EstimationError("the table has a count column but no list columns.")
        pats = _as_binary(df[list_cols])
        if count is None:
            cnts = np.ones(len(df), dtype=np.int64)
        else:
            raw = pd.to_numeric(df[count], errors="coerce")
            if raw.isna().any():
                row = int(np.flatnonzero(raw.isna().to_numpy())[0])
                raise EstimationError(f"count column {count!r} has a non-numeric value {df[count].iloc[row]!r} at data row {row + 1}.")
            cnts = raw.to_numpy()
        return cls._aggregate(tuple(str(c) for c in list_cols), pats, cnts, stratum or {})

    @classmethod
    def from_csv(cls, path: str | Path, *, count: str | None = None) -> PatternTable:
        """Read a CSV in the shared-data format (see :meth:`from_frame`)."""
        p = Path(path)
        if not p.exists():
            raise EstimationError(f"pattern file not found: {p}")
        try:
            df = pd.read_csv(p)
        except Exception as exc:  # pandas raises several kinds
            raise EstimationError(f"could not read {p} as CSV: {exc}") from exc
        return cls.from_frame(df, count=count)

    @classmethod
    def from_histories(
        cls, histories: pd.DataFrame, lists: Sequence[str] | None = None, *, stratum: dict | None = None
    ) -> PatternTable:
        """Build from one row per person with a 0/1 (or boolean) column per list.

        ``lists`` picks and orders the list columns (default: every column). Persons on none of
        the chosen lists are not observed and are dropped.
        """
        lists = list(histories.columns) if lists is None else list(lists)
        missing = [c for c in lists if c not in histories.columns]
        if missing:
            raise EstimationError(f"lists {missing} are not columns of the histories; columns are {list(histories.columns)}.")
        pats = _as_binary(histories[lists])
        keep = pats.sum(axis=1) > 0
        return cls._aggregate(tuple(str(c) for c in lists), pats[keep], np.ones(int(keep.sum()), dtype=np.int64), stratum or {})

    @classmethod
    def from_cells(cls, lists: Sequence[str], cell_counts: Sequence[int] | np.ndarray, *, stratum: dict | None = None) -> PatternTable:
        """Build from counts of all 2^k - 1 cells in canonical order (see module docstring)."""
        k = len(lists)
        c = np.asarray(cell_counts)
        if c.shape != (2**k - 1,):
            raise EstimationError(f"expected {2**k - 1} cell counts for {k} lists; got shape {c.shape}.")
        return cls(tuple(lists), all_patterns(k), c, stratum or {})

    @classmethod
    def _aggregate(cls, lists: tuple[str, ...], pats: np.ndarray, cnts: np.ndarray, stratum: dict) -> PatternTable:
        if pats.shape[0] == 0:
            return cls(lists, np.zeros((0, len(lists)), dtype=np.int8), np.zeros(0, dtype=np.int64), stratum)
        cnts = np.asarray(cnts, dtype=float)
        if np.any(cnts < 0) or not np.all(np.mod(cnts, 1) == 0):
            raise EstimationError("counts must be non-negative whole numbers; found negative or fractional counts.")
        idx = _cell_index(pats)
        zero_rows = idx == 0
        if np.any(zero_rows & (cnts > 0)):
            raise EstimationError(
                f"{int(cnts[zero_rows].sum())} persons have the all-zero pattern (on none of the lists {lists}); "
                "a person must be on at least one list. Remove those rows."
            )
        idx, cnts = idx[~zero_rows], cnts[~zero_rows]
        uniq, inv = np.unique(idx, return_inverse=True)
        summed = np.bincount(inv, weights=cnts, minlength=len(uniq)).astype(np.int64)
        k = len(lists)
        shifts = np.arange(k - 1, -1, -1, dtype=np.int64)
        upats = ((uniq[:, None] >> shifts[None, :]) & 1).astype(np.int8)
        return cls(lists, upats, summed, stratum)

    # ------------------------------------------------------------------ basic facts
    @property
    def k(self) -> int:
        """The number of lists."""
        return len(self.lists)

    @property
    def observed(self) -> int:
        """Distinct persons on at least one list (the documented count)."""
        return int(self.counts.sum())

    def list_totals(self) -> dict[str, int]:
        """How many persons each list holds."""
        tot = self.patterns.T.astype(np.int64) @ self.counts
        return {name: int(t) for name, t in zip(self.lists, tot)}

    def capture_frequencies(self) -> np.ndarray:
        """f[j-1] = number of persons seen on exactly j lists, j = 1..k."""
        times = self.patterns.sum(axis=1)
        return np.bincount(times, weights=self.counts, minlength=self.k + 1)[1:].astype(np.int64)

    def cell_counts(self) -> np.ndarray:
        """Counts of all 2^k - 1 cells in canonical order (zeros filled)."""
        out = np.zeros(2**self.k - 1, dtype=np.int64)
        if self.patterns.shape[0]:
            out[_cell_index(self.patterns) - 1] = self.counts
        return out

    def full_table(self) -> PatternTable:
        """The same table with every one of the 2^k - 1 patterns present (zeros filled)."""
        return PatternTable(self.lists, all_patterns(self.k), self.cell_counts(), self.stratum)

    # ------------------------------------------------------------------ transformations
    def subset(self, lists: Sequence[str]) -> PatternTable:
        """Collapse onto ``lists`` (in that order): persons on none of them are dropped."""
        lists = [str(x) for x in lists]
        unknown = [x for x in lists if x not in self.lists]
        if unknown:
            raise EstimationError(f"unknown lists {unknown}; this table has {list(self.lists)}.")
        if len(set(lists)) != len(lists):
            raise EstimationError(f"lists must be distinct; got {lists}.")
        cols = [self.lists.index(x) for x in lists]
        pats = self.patterns[:, cols]
        keep = pats.sum(axis=1) > 0
        return PatternTable._aggregate(tuple(lists), pats[keep], self.counts[keep], self.stratum)

    def drop(self, lists: Iterable[str]) -> PatternTable:
        """Collapse onto every list except ``lists``."""
        gone = set(lists)
        return self.subset([x for x in self.lists if x not in gone])

    def with_stratum(self, stratum: dict[str, Any]) -> PatternTable:
        return PatternTable(self.lists, self.patterns, self.counts, stratum)

    def to_frame(self, count: str = "count") -> pd.DataFrame:
        """The table as a DataFrame: one 0/1 column per list and ``count`` last."""
        df = pd.DataFrame(self.patterns.astype(int), columns=list(self.lists))
        df[count] = self.counts.astype(int)
        return df

    def to_csv(self, path: str | Path, count: str = "count") -> None:
        self.to_frame(count).to_csv(path, index=False)

    def data_hash(self) -> str:
        """sha256 of a canonical form (list names and all cell counts), independent of row order."""
        payload = json.dumps({"lists": list(self.lists), "cells": self.cell_counts().tolist()}, separators=(",", ":"))
        return hashlib.sha256(payload.encode()).hexdigest()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PatternTable):
            return NotImplemented
        return self.lists == other.lists and np.array_equal(self.cell_counts(), other.cell_counts())

    def __hash__(self) -> int:
        return hash(self.data_hash())

    def __repr__(self) -> str:
        st = f", stratum={self.stratum}" if self.stratum else ""
        return f"PatternTable(lists={self.lists}, patterns={self.patterns.shape[0]}, observed={self.observed}{st})"


def _as_binary(frame: pd.DataFrame) -> np.ndarray:
    """0/1 int8 matrix from list columns holding 0/1, booleans or '0'/'1'; raise on anything else."""
    values = frame.apply(pd.to_numeric, errors="coerce")
    bad = values.isna() | ~values.isin([0, 1])
    if bad.to_numpy().any():
        r, c = np.argwhere(bad.to_numpy())[0]
        raise EstimationError(
            f"list column {frame.columns[c]!r} has value {str(frame.iloc[r, c])!r} at data row {r + 1}; "
            "list columns must be 0/1 (is the count column last and named Freq, count, freq or n?)."
        )
    return values.to_numpy(dtype=np.int8)
