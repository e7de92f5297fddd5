"""Person search: an in-memory index of one linkage run per server process, and the same search in SQL.

Searching goes through reports, not through the person's own summary, so that a user only ever
matches on reports of sources they may see. Name tokens come from each report's romanisation-aware
name key and name; a query is keyed the same way and each of its tokens matches a whole token
when any person matches that way, otherwise as the start of a token. Every filter (violation,
place, source, dates) and the first name token must hold on one and the same visible report; each
further name token may match another visible report of the person. Results are persons in id order.

What the server uses is :class:`SearchIndex`: numpy arrays of the run's reports ordered by person
(source, violation, place, dates, alive) and token postings, held in memory by each server process
and built at server start (and again in the background when a new linkage run appears). Before
every search one small SQL statement reads the current run, the newest report id and the user's
visible sources, so an edit, a withdrawal, a new run or a revoked grant counts at once: new report
versions are applied to the index, a new run is indexed anew. See docs/web.md, "Performance".

:func:`search_person_ids` is the same search in SQL over the ``person_search`` table that
:func:`build_index` writes; the tests compare the index with it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import threading
import time
import unicodedata
from bisect import bisect_left
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import numpy as np
from sqlalchemy import Engine, and_, delete, func, insert, intersect, select
from sqlalchemy.orm import Session

from uncounted.records.auth_models import PersonSearchRow
from uncounted.records.models import LinkageRun, Person, PersonReport, Report, Source

log = logging.getLogger("uncounted.server.search")

MAX_TOKENS = 6
MAX_LIMIT = 200


def name_key(text: str | None) -> str:
    """The linkage name key of a text (romanisation-aware); a plain fold when it is unavailable."""
    if not text:
        return ""
    try:  # the normalize module's key, shared with linkage
        from uncounted.normalize.namekey import name_key as shared_key
    except ImportError:
        shared_key = None
    if shared_key is not None:
        return shared_key(text) or ""
    return plain_fold(text)


def name_tokens(text: str | None) -> list[str]:
    """Every canonical token of a name, honorifics and a leading Muhammad included, so that a
    search for "Mohd" or "Syed" finds something; falls back to the name key's tokens."""
    if not text:
        return []
    try:
        from uncounted.normalize.namekey import name_tokens as shared_tokens
    except ImportError:
        return tokens_of(name_key(text))
    return [t for t in (shared_tokens(text) or []) if t] or tokens_of(name_key(text))


def plain_fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", folded))


def tokens_of(key: str | None) -> list[str]:
    return [t for t in (key or "").split() if t][:MAX_TOKENS * 4]


def current_run_id(session: Session) -> int | None:
    return session.execute(select(LinkageRun.id).where(LinkageRun.is_current.is_(True))
                           .order_by(LinkageRun.id.desc()).limit(1)).scalar_one_or_none()


def build_index(session: Session, run_id: int, report_keys: list[str] | None = None) -> int:
    """(Re)build the search rows of one linkage run (or only of some reports); return the number of
    rows written."""
    delete_stmt = delete(PersonSearchRow).where(PersonSearchRow.run_id == run_id)
    stmt = (select(PersonReport.person_id, Report.report_key, Report.source_id, Report.name_key,
                   Report.name_raw, Report.violation, Report.event_place, Report.event_date_start,
                   Report.event_date_end)
            .join(Report, and_(Report.report_key == PersonReport.report_key, Report.is_current.is_(True)))
            .where(PersonReport.run_id == run_id, Report.withdrawn.is_(False)))
    if report_keys is not None:
        delete_stmt = delete_stmt.where(PersonSearchRow.report_key.in_(report_keys))
        stmt = stmt.where(PersonReport.report_key.in_(report_keys))
    session.execute(delete_stmt)
    batch: list[dict[str, Any]] = []
    written = 0
    for row in session.execute(stmt):
        tokens = sorted(set(tokens_of(row.name_key)) | set(name_tokens(row.name_raw))) or [""]
        for token in tokens:
            batch.append({"run_id": run_id, "person_id": row.person_id, "report_key": row.report_key,
                          "source_id": row.source_id, "token": token[:100], "violation": row.violation,
                          "place": _fold_place(row.event_place), "date_start": row.event_date_start,
                          "date_end": row.event_date_end or row.event_date_start})
        if len(batch) >= 5000:
            session.execute(insert(PersonSearchRow), batch)
            written += len(batch)
            batch = []
    if batch:
        session.execute(insert(PersonSearchRow), batch)
        written += len(batch)
    return written


def reindex_report(session: Session, report_key: str) -> None:
    """Refresh one report's rows in the current run's ``person_search`` table (after an edit), if
    that run's table was built. (The in-memory index picks edits up by itself.)"""
    run_id = current_run_id(session)
    if run_id is not None and session.execute(select(PersonSearchRow.id).where(PersonSearchRow.run_id == run_id)
                                              .limit(1)).first():
        build_index(session, run_id, [report_key])


def _fold_place(place: str | None) -> str | None:
    return place.strip().casefold() if place else None


@dataclass
class PersonQuery:
    q: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    place: str | None = None
    violation: str | None = None
    source_id: int | None = None
    limit: int = 50
    offset: int = 0
    tokens: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.limit = max(1, min(int(self.limit), MAX_LIMIT))
        self.offset = max(0, int(self.offset))
        self.tokens = list(dict.fromkeys(name_tokens(self.q)))[:MAX_TOKENS] if self.q else []


def search_person_ids(session: Session, run_id: int, query: PersonQuery,
                      visible_sources: set[int] | None) -> tuple[list[int], bool]:
    """Ids of matching persons (ordered by id) and whether more exist beyond the page.

    Every condition must hold on one and the same visible report, except that each name token
    may match a different visible report of the person.
    """
    if visible_sources is not None and not visible_sources:
        return [], False
    base = [PersonSearchRow.run_id == run_id]
    if visible_sources is not None:
        base.append(PersonSearchRow.source_id.in_(sorted(visible_sources)))
    filters = list(base)
    if query.violation:
        filters.append(PersonSearchRow.violation == query.violation)
    if query.place:
        filters.append(PersonSearchRow.place == _fold_place(query.place))
    if query.source_id is not None:
        filters.append(PersonSearchRow.source_id == query.source_id)
    if query.date_from:
        filters.append(PersonSearchRow.date_end >= query.date_from)  # date_end is filled at build
    if query.date_to:
        filters.append(PersonSearchRow.date_start <= query.date_to)
    # Whole-word matches when there are any; otherwise words match as the start of a name word.
    exact = bool(query.tokens) and bool(_matching_ids(session, base, filters, query, exact=True, first_only=True))
    ids = _matching_ids(session, base, filters, query, exact=exact)
    return ids[:query.limit], len(ids) > query.limit


def _matching_ids(session: Session, base: list[Any], filters: list[Any], query: PersonQuery,
                  exact: bool, first_only: bool = False) -> list[int]:
    """Person ids in id order, one page plus one. Name words match whole (``exact``) or as the
    start of a word; an exact word reads the index in person order and stops after a page."""
    def word(token: str) -> Any:
        return PersonSearchRow.token == token if exact else _prefix(token)

    tokens = query.tokens
    first = select(PersonSearchRow.person_id).where(*filters, *([word(tokens[0])] if tokens else []))
    if len(tokens) > 1:
        # one index range per word, intersected: each part reads only the covering token index
        parts = [first] + [select(PersonSearchRow.person_id).where(*base, word(t)) for t in tokens[1:]]
        matched = intersect(*parts).subquery()
        stmt = select(matched.c.person_id).order_by(matched.c.person_id)
    else:
        stmt = first.distinct().order_by(PersonSearchRow.person_id)
    if first_only:
        return list(session.execute(stmt.limit(1)).scalars())
    return list(session.execute(stmt.offset(query.offset).limit(query.limit + 1)).scalars())


def _prefix(token: str) -> Any:
    """token >= t AND token < t-with-last-character-incremented: an index range on any store."""
    upper = token[:-1] + chr(ord(token[-1]) + 1)
    return and_(PersonSearchRow.token >= token, PersonSearchRow.token < upper)


SUMMARY_COLUMNS = (Report.name_raw, Report.father_name, Report.violation, Report.event_place,
                   Report.event_date_start, Report.event_date_raw, Report.source_id)


def _run_memberships(session: Session, run_id: int, person_ids: list[int]) -> dict[str, int]:
    """Report key -> person id, for these persons in this run.

    Only the person ids are filtered in SQL; the run (and the reports' version and visibility,
    by the callers) are checked here, so the planner cannot wander off to a low-selectivity
    index (run_id, is_current)."""
    members = session.execute(select(PersonReport.report_key, PersonReport.person_id, PersonReport.run_id)
                              .where(PersonReport.person_id.in_(person_ids))).all()
    return {key: pid for key, pid, run in members if run == run_id}


def visible_report_rows(session: Session, run_id: int, person_ids: Iterable[int],
                        visible_sources: set[int] | None) -> dict[int, list[Any]]:
    """The few columns a search result shows, of each person's current visible reports.

    Two plain lookups (memberships by person, then reports by key) so that each uses its own index
    whatever the planner's statistics say."""
    ids = list(person_ids)
    if not ids:
        return {}
    person_of = _run_memberships(session, run_id, ids)
    if not person_of:
        return {}
    stmt = select(Report.id, Report.report_key, Report.is_current, Report.withdrawn, *SUMMARY_COLUMNS).where(
        Report.report_key.in_(list(person_of)))
    out: dict[int, list[Any]] = {}
    for row in sorted(session.execute(stmt), key=lambda r: r.id):
        if row.is_current and not row.withdrawn and (visible_sources is None or row.source_id in visible_sources):
            out.setdefault(person_of[row.report_key], []).append(row)
    return out


def visible_reports_of(session: Session, run_id: int, person_ids: Iterable[int],
                       visible_sources: set[int] | None) -> dict[int, list[Report]]:
    """The current, visible reports (full rows) of each person, by person id; two key lookups as
    in :func:`visible_report_rows`."""
    ids = list(person_ids)
    if not ids:
        return {}
    person_of = _run_memberships(session, run_id, ids)
    if not person_of:
        return {}
    out: dict[int, list[Report]] = {}
    reports = session.execute(select(Report).where(Report.report_key.in_(list(person_of)))).scalars()
    for report in sorted(reports, key=lambda r: r.id):
        if report.is_current and not report.withdrawn and (visible_sources is None
                                                           or report.source_id in visible_sources):
            out.setdefault(person_of[report.report_key], []).append(report)
    return out


# ---- the in-memory index ------------------------------------------------------------------------

NO_START = np.iinfo(np.int32).max  # a report without a date is after every "date to" ...
NO_END = np.iinfo(np.int32).min    # ... and before every "date from": date filters never match it
CHUNK = 16_384                     # reports scanned at a time when no name narrows the search
GAP_SECONDS = 600.0                # a hole in the report ids older than this is taken as a rollback
RECENT_IDS = 10_000                # at build, ids this close to the newest are checked for holes
PERSONS_CACHED = 5_000_000         # persons held in the per-token cache of a snapshot (20 MB)
MAX_INDEXES = 8                    # workspaces indexed at once per process (tests open many)

# The few columns a search result shows, then what the index needs besides.
ROW_COLUMNS = ("id", "report_key", "source_id", "name_raw", "father_name", "violation", "event_place",
               "event_date_start", "event_date_raw")
INDEX_COLUMNS = ROW_COLUMNS + ("name_key", "event_date_end", "withdrawn", "is_current")


class ResultRow:
    """What a search result shows of one report (read by ``services.person_summary``)."""

    __slots__ = ROW_COLUMNS

    def __init__(self, values: Any, shared: dict[Any, Any] | None = None):
        for name in ROW_COLUMNS:
            value = getattr(values, name)
            if shared is not None and name not in ("id", "report_key") and value is not None:
                value = shared.setdefault(value, value)  # one object for repeated names, places, dates
            setattr(self, name, value)


@dataclass(frozen=True)
class Probe:
    """One reading of the database before a search: the current run, the newest report id, how many
    report ids lie above the index's settled point, and the sources the user may see."""

    run_id: int | None
    max_report_id: int
    above_settled: int
    visible: frozenset[int]  # public sources and the user's grants (for roles that need grants)


@dataclass
class SearchPage:
    """One page of matching persons: positions in the snapshot, and whether more match."""

    positions: list[int]
    more: bool


def _ordinal(value: dt.date | None, missing: int) -> int:
    return value.toordinal() if value is not None else missing


def _report_tokens(name_key_value: str | None, name_raw: str | None) -> tuple[str, ...]:
    return tuple(sorted({t[:100] for t in tokens_of(name_key_value)} | {t[:100] for t in name_tokens(name_raw)}))


def _distinct_sorted(values: np.ndarray) -> np.ndarray:
    """The distinct values of a non-decreasing array, in order."""
    if len(values) < 2:
        return values
    return values[np.concatenate(([True], values[1:] != values[:-1]))]


def _in_sorted(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """values[i] in sorted_set, for every i (sorted_set non-decreasing)."""
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values


class Snapshot:
    """The index of one linkage run at one moment. Never changed once built: an update makes a new one.

    Slots are the run's reports (current versions) ordered by person id then report id, so that
    matching slots in slot order give matching persons in person-id order without sorting.
    """

    def __init__(self, run_id: int, person_ids: np.ndarray, person_keys: list[str], slot_person: np.ndarray,
                 rows: list[ResultRow], tokens: list[tuple[str, ...]], places: list[str | None],
                 ends: list[dt.date | None], withdrawn: list[bool], source_names: dict[int, str],
                 settled: int, max_report_id: int, holes: dict[int, float]):
        self.run_id = run_id
        self.person_ids = person_ids              # int64, ascending
        self.person_keys = person_keys
        self.pidx = slot_person                   # int32: the person (position in person_ids) of each slot
        self.person_start = np.searchsorted(slot_person, np.arange(len(person_ids) + 1)).astype(np.int64)
        self.rows = rows
        self.tokens = tokens
        self.places = places
        self.ends = ends
        self.withdrawn = withdrawn
        self.source_names = source_names
        self.settled = settled                    # every report id <= settled has been seen
        self.max_report_id = max_report_id
        self.holes = holes                        # report ids not seen (yet) -> when first noticed
        self.slot_of_key = {row.report_key: i for i, row in enumerate(rows)}
        self._arrays()
        self._postings()
        self._token_cache: dict[tuple[str, bool], np.ndarray] = {}
        self._usable_cache: dict[frozenset[int] | None, np.ndarray] = {}
        self._persons_cache: dict[tuple[str, bool, frozenset[int] | None], np.ndarray] = {}
        self._persons_cached = 0
        # person -> their search result as JSON, as every user who sees all their reports gets it
        # (filled by services.search_json; valid as long as the snapshot, which never changes)
        self.rendered: dict[int, bytes] = {}
        self._lock = threading.Lock()

    # ---- building -------------------------------------------------------------------------------
    def _arrays(self) -> None:
        n = len(self.rows)
        self.violation_codes: dict[str, int] = {}
        self.place_codes: dict[str, int] = {}
        self.source = np.fromiter((r.source_id for r in self.rows), dtype=np.int64, count=n)
        self.violation = np.fromiter((self.violation_codes.setdefault(r.violation, len(self.violation_codes))
                                      if r.violation is not None else -1 for r in self.rows), dtype=np.int32, count=n)
        self.place = np.fromiter((self.place_codes.setdefault(p, len(self.place_codes)) if p is not None else -1
                                  for p in self.places), dtype=np.int32, count=n)
        self.start = np.fromiter((_ordinal(r.event_date_start, NO_START) for r in self.rows), dtype=np.int32, count=n)
        self.end = np.fromiter((_ordinal(e or r.event_date_start, NO_END) for r, e in zip(self.rows, self.ends)),
                               dtype=np.int32, count=n)
        self.alive = ~np.fromiter(self.withdrawn, dtype=bool, count=n)

    def _postings(self) -> None:
        """Token postings: for the i-th token of the sorted vocabulary, the slots that have it are
        postings[token_start[i]:token_start[i + 1]], ascending."""
        self.vocab = sorted({t for toks in self.tokens for t in toks})
        self.token_code = {t: i for i, t in enumerate(self.vocab)}
        lengths = np.fromiter((len(t) for t in self.tokens), dtype=np.int64, count=len(self.tokens))
        codes = np.fromiter((self.token_code[t] for toks in self.tokens for t in toks), dtype=np.int64,
                            count=int(lengths.sum()))
        self._sort_postings(codes, np.repeat(np.arange(len(self.tokens), dtype=np.int32), lengths))

    def _sort_postings(self, codes: np.ndarray, slots: np.ndarray) -> None:
        order = np.argsort(codes * max(1, len(self.tokens)) + slots, kind="stable")
        self.posting_codes = codes[order]
        self.postings = slots[order]
        self.token_start = np.searchsorted(self.posting_codes, np.arange(len(self.vocab) + 1)).astype(np.int64)

    def updated(self, changed: list[Any], settled: int, max_report_id: int, holes: dict[int, float]) -> Snapshot:
        """A new snapshot with newer report versions applied (rows of reports of this run only).
        Only the changed slots are recomputed; the postings are re-sorted only if names changed."""
        new = self.advanced(settled, max_report_id, holes)
        new._token_cache, new._usable_cache, new.rendered, new._persons_cache = {}, {}, {}, {}
        new._persons_cached = 0
        new.rows, new.tokens, new.places = list(self.rows), list(self.tokens), list(self.places)
        new.ends, new.withdrawn = list(self.ends), list(self.withdrawn)
        new.violation_codes, new.place_codes = dict(self.violation_codes), dict(self.place_codes)
        for name in ("violation", "place", "start", "end", "alive"):
            setattr(new, name, getattr(self, name).copy())
        renamed: list[int] = []
        for r in changed:
            slot = self.slot_of_key[r.report_key]
            if r.id < new.rows[slot].id:
                continue  # an older version than the one held (ids of concurrent commits can arrive late)
            new.rows[slot] = row = ResultRow(r)
            tokens = _report_tokens(r.name_key, r.name_raw)
            if tokens != new.tokens[slot]:
                new.tokens[slot] = tokens
                renamed.append(slot)
            new.places[slot] = place = _fold_place(r.event_place)
            new.ends[slot] = r.event_date_end
            new.withdrawn[slot] = bool(r.withdrawn)
            new.violation[slot] = (new.violation_codes.setdefault(row.violation, len(new.violation_codes))
                                   if row.violation is not None else -1)
            new.place[slot] = new.place_codes.setdefault(place, len(new.place_codes)) if place is not None else -1
            new.start[slot] = _ordinal(row.event_date_start, NO_START)
            new.end[slot] = _ordinal(r.event_date_end or row.event_date_start, NO_END)
            new.alive[slot] = not r.withdrawn
        if renamed:
            new._renamed(np.array(sorted(renamed), dtype=np.int32))
        return new

    def _renamed(self, slots: np.ndarray) -> None:
        """Redo the postings of slots whose name tokens changed (the rest are kept)."""
        added = sorted({t for s in slots.tolist() for t in self.tokens[s]} - set(self.token_code))
        keep = ~np.isin(self.postings, slots)
        codes, kept_slots = self.posting_codes[keep], self.postings[keep]
        if added:  # a larger vocabulary: old codes move up
            self.vocab = sorted([*self.vocab, *added])
            self.token_code = {t: i for i, t in enumerate(self.vocab)}
            old_to_new = np.array([self.token_code[t] for t in sorted(set(self.vocab) - set(added))], dtype=np.int64)
            codes = old_to_new[codes]
        new_codes = [self.token_code[t] for s in slots.tolist() for t in self.tokens[s]]
        new_slots = [s for s in slots.tolist() for _ in self.tokens[s]]
        self._sort_postings(np.concatenate([codes, np.array(new_codes, dtype=np.int64)]),
                            np.concatenate([kept_slots, np.array(new_slots, dtype=np.int32)]))

    def advanced(self, settled: int, max_report_id: int, holes: dict[int, float]) -> Snapshot:
        """The same index with newer bookkeeping (new report ids that are not of this run)."""
        clone = object.__new__(Snapshot)
        clone.__dict__.update(self.__dict__)
        clone.settled, clone.max_report_id, clone.holes = settled, max_report_id, holes
        clone._lock = threading.Lock()
        return clone

    # ---- searching ------------------------------------------------------------------------------
    def usable(self, visible: frozenset[int] | None) -> np.ndarray:
        """Per slot: the report is alive and its source visible (None: every source)."""
        hit = self._usable_cache.get(visible)
        if hit is not None:
            return hit
        if visible is None:
            mask = self.alive
        else:
            top = max([int(self.source.max()) if len(self.source) else 0, *visible]) + 1
            lookup = np.zeros(top, dtype=bool)
            lookup[list(visible)] = True
            mask = self.alive & lookup[self.source]
        with self._lock:
            if len(self._usable_cache) > 64:
                self._usable_cache.clear()
            self._usable_cache[visible] = mask
        return mask

    def token_slots(self, token: str, exact: bool) -> np.ndarray:
        """Ascending slots having the token (``exact``) or a token starting with it."""
        hit = self._token_cache.get((token, exact))
        if hit is not None:
            return hit
        lo = bisect_left(self.vocab, token)
        if exact:
            hi = lo + 1 if lo < len(self.vocab) and self.vocab[lo] == token else lo
        else:
            hi = bisect_left(self.vocab, token[:-1] + chr(ord(token[-1]) + 1), lo)
        part = self.postings[self.token_start[lo]:self.token_start[hi]]
        slots = part if hi - lo <= 1 else np.unique(part)
        with self._lock:
            if len(self._token_cache) > 4096:
                self._token_cache.clear()
            self._token_cache[(token, exact)] = slots
        return slots

    def _conditions(self, where: Any, query: PersonQuery, usable: np.ndarray) -> np.ndarray | None:
        """Which of the slots ``where`` (a slice or an index array) pass the report filters; None
        when a filter names a value no report has."""
        keep = usable[where]
        if query.violation:
            code = self.violation_codes.get(query.violation)
            if code is None:
                return None
            keep = keep & (self.violation[where] == code)
        if query.place:
            code = self.place_codes.get(_fold_place(query.place) or "")
            if code is None:
                return None
            keep = keep & (self.place[where] == code)
        if query.source_id is not None:
            keep = keep & (self.source[where] == query.source_id)
        if query.date_from:
            keep = keep & (self.end[where] >= query.date_from.toordinal())
        if query.date_to:
            keep = keep & (self.start[where] <= query.date_to.toordinal())
        return keep

    def _persons_without_name(self, query: PersonQuery, usable: np.ndarray, wanted: int) -> np.ndarray:
        """Matching persons (positions, ascending), scanning slots in chunks until ``wanted`` are found."""
        found: list[np.ndarray] = []
        count, last = 0, -1
        for start in range(0, len(self.rows), CHUNK):
            window = slice(start, min(start + CHUNK, len(self.rows)))
            keep = self._conditions(window, query, usable)
            if keep is None:
                break
            persons = _distinct_sorted(self.pidx[window][keep])
            if len(persons) and persons[0] == last:
                persons = persons[1:]
            if len(persons):
                found.append(persons)
                count += len(persons)
                last = int(persons[-1])
            if count >= wanted:
                break
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int32)

    def _persons_with_names(self, query: PersonQuery, usable: np.ndarray, visible: frozenset[int] | None,
                            exact: bool) -> np.ndarray:
        if query.violation or query.place or query.source_id is not None or query.date_from or query.date_to:
            first = self.token_slots(query.tokens[0], exact)
            keep = self._conditions(first, query, usable)
            if keep is None:
                return np.zeros(0, dtype=np.int32)
            persons = _distinct_sorted(self.pidx[first[keep]])
        else:
            persons = self.token_persons(query.tokens[0], exact, visible, usable)
        for token in query.tokens[1:]:
            if not len(persons):
                break
            persons = persons[_in_sorted(persons, self.token_persons(token, exact, visible, usable))]
        return persons

    def token_persons(self, token: str, exact: bool, visible: frozenset[int] | None, usable: np.ndarray) -> np.ndarray:
        """Ascending persons with the token (or a token starting with it) on a usable report."""
        key = (token, exact, visible)
        hit = self._persons_cache.get(key)
        if hit is None:
            slots = self.token_slots(token, exact)
            hit = _distinct_sorted(self.pidx[slots[usable[slots]]])
            with self._lock:
                if len(self._persons_cache) > 4096 or self._persons_cached > PERSONS_CACHED:
                    self._persons_cache.clear()
                    self._persons_cached = 0
                self._persons_cache[key] = hit
                self._persons_cached += len(hit)
        return hit

    def search(self, query: PersonQuery, visible: frozenset[int] | None) -> SearchPage:
        """One page of matching persons (``visible`` None: every source)."""
        if visible is not None and not visible or not len(self.rows):
            return SearchPage([], False)
        usable = self.usable(visible)
        if query.tokens:
            persons = self._persons_with_names(query, usable, visible, exact=True)
            if not len(persons):
                persons = self._persons_with_names(query, usable, visible, exact=False)
        else:
            persons = self._persons_without_name(query, usable, query.offset + query.limit + 1)
        page = persons[query.offset:query.offset + query.limit + 1].tolist()
        return SearchPage(page[:query.limit], len(page) > query.limit)

    def visible_rows(self, position: int, usable: np.ndarray) -> list[ResultRow]:
        """A person's visible reports (alive, source visible), by report id."""
        slots = range(int(self.person_start[position]), int(self.person_start[position + 1]))
        return sorted((self.rows[s] for s in slots if usable[s]), key=lambda r: r.id)

    def sees_everything(self, visible: frozenset[int] | None) -> np.ndarray:
        """Per person: no alive report of theirs is hidden from a user who sees ``visible``."""
        key = ("complete", visible)
        hit = self._usable_cache.get(key)  # type: ignore[call-overload]
        if hit is None:
            hidden = (self.alive & ~self.usable(visible)).astype(np.int32)
            hit = np.add.reduceat(hidden, self.person_start[:-1]) == 0 if len(hidden) else np.zeros(0, dtype=bool)
            self._usable_cache[key] = hit  # type: ignore[index]
        return hit


def load_snapshot(engine: Engine, run_id: int) -> Snapshot:
    """Read one linkage run's reports and persons and index them."""
    with engine.connect() as conn:
        top = conn.execute(select(func.max(Report.id))).scalar() or 0
        # recent ids, to notice holes that an uncommitted insert may still fill (see _settle)
        recent = set(conn.execute(select(Report.id).where(Report.id > top - RECENT_IDS)).scalars())
        cols = [getattr(Report, c) for c in INDEX_COLUMNS]
        stmt = (select(PersonReport.person_id, *cols)
                .join(Report, and_(Report.report_key == PersonReport.report_key, Report.is_current.is_(True)))
                .where(PersonReport.run_id == run_id))
        found = conn.execute(stmt).all()
        keys = dict(conn.execute(select(Person.id, Person.person_key).where(Person.run_id == run_id)).all())
        names = dict(conn.execute(select(Source.id, Source.name)).all())
    found = [r for r in found if r.person_id in keys]
    found.sort(key=lambda r: (r.person_id, r.id))
    person_ids = np.array(sorted({r.person_id for r in found}), dtype=np.int64)
    slot_person = np.searchsorted(person_ids, np.fromiter((r.person_id for r in found), dtype=np.int64,
                                                          count=len(found))).astype(np.int32)
    token_cache: dict[tuple[str | None, str | None], tuple[str, ...]] = {}
    shared: dict[Any, Any] = {}
    tokens = []
    for r in found:
        name = (r.name_key, r.name_raw)
        got = token_cache.get(name)
        if got is None:
            got = token_cache[name] = _report_tokens(r.name_key, r.name_raw)
        tokens.append(got)
    return Snapshot(run_id, person_ids, [keys[int(p)] for p in person_ids], slot_person,
                    [ResultRow(r, shared) for r in found], tokens,
                    [shared.setdefault(p, p) for p in (_fold_place(r.event_place) for r in found)],
                    [shared.setdefault(r.event_date_end, r.event_date_end) for r in found],
                    [bool(r.withdrawn) for r in found], names,
                    *_settle(max(0, top - RECENT_IDS), top, recent, {}))


PROBE_SQL = ("SELECT 0, (SELECT max(id) FROM linkage_runs WHERE is_current = TRUE), (SELECT max(id) FROM reports), "
             "(SELECT count(*) FROM reports WHERE id > {p}) "
             "UNION ALL SELECT 1, source_id, user_id, 0 FROM source_grants {where} "
             "UNION ALL SELECT 2, id, 0, 0 FROM sources WHERE sensitivity = 'public'")


@dataclass(frozen=True)
class Reading:
    """What the probe statement read: the run, the report ids, public sources, grants (of one user
    or of everyone)."""

    run_id: int | None
    max_report_id: int
    above_settled: int
    public: frozenset[int]
    grants: dict[int, frozenset[int]]

    def for_user(self, user_id: int) -> Probe:
        return Probe(self.run_id, self.max_report_id, self.above_settled,
                     self.public | self.grants.get(user_id, frozenset()))


class SearchIndex:
    """The search index of one workspace in this process: a snapshot of the current linkage run
    that follows the database (new runs, new report versions) and a connection to check it."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.snapshot: Snapshot | None = None
        self._conn: Any = None
        self._conn_lock = threading.Lock()
        self._build_lock = threading.Lock()
        mark = "?" if engine.dialect.name == "sqlite" else "%s"
        self._sql_user = PROBE_SQL.format(p=mark, where=f"WHERE user_id = {mark}")
        self._sql_everyone = PROBE_SQL.format(p=mark, where="")
        self.shared = SharedProbe(self)

    # ---- the one statement read before every search ----------------------------------------------
    def probe(self, user_id: int) -> Probe:
        """Read the database for one user's search (run, report ids, the user's sources)."""
        return self.read(user_id).for_user(user_id)

    def read(self, user_id: int | None) -> Reading:
        """Run the probe statement, with the grants of one user (or of everyone: None)."""
        snap = self.snapshot
        settled = snap.settled if snap is not None else 0
        sql, params = (self._sql_everyone, (settled,)) if user_id is None else (self._sql_user, (settled, user_id))
        with self._conn_lock:
            try:
                rows = self._execute(sql, params)
            except Exception:  # a dropped connection: one new try
                self._close()
                rows = self._execute(sql, params)
        head = next(r for r in rows if r[0] == 0)
        grants: dict[int, set[int]] = {}
        for kind, source_id, user, _ in rows:
            if kind == 1:
                grants.setdefault(int(user), set()).add(int(source_id))
        return Reading(head[1], head[2] or 0, head[3] or 0, frozenset(int(r[1]) for r in rows if r[0] == 2),
                       {u: frozenset(g) for u, g in grants.items()})

    def _execute(self, sql: str, params: tuple[int, ...]) -> list[Any]:
        if self._conn is None:
            raw = self.engine.raw_connection()
            dbapi = raw.dbapi_connection
            raw.detach()  # ours for the life of the index, outside the pool
            if self.engine.dialect.name != "sqlite":
                dbapi.autocommit = True  # each check sees the newest commits
            self._conn = dbapi
        cursor = self._conn.cursor()
        try:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        finally:
            cursor.close()
        if self.engine.dialect.name == "sqlite" and self._conn.in_transaction:
            self._conn.rollback()  # never hold a read snapshot between checks
        return rows

    def _close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:
                pass
            self._conn = None

    def close(self) -> None:
        if self.shared is not None:
            self.shared.close()
        with self._conn_lock:
            self._close()

    # ---- keeping the snapshot current ---------------------------------------------------------------
    def is_current(self, probe: Probe) -> bool:
        """Whether the snapshot held answers for the database as probed (no build or update needed)."""
        snap = self.snapshot
        if probe.run_id is None:
            return True
        return (snap is not None and snap.run_id == probe.run_id and snap.max_report_id >= probe.max_report_id
                and probe.above_settled == snap.max_report_id - snap.settled - len(snap.holes))

    def current(self, probe: Probe) -> Snapshot | None:
        """The snapshot for the database as probed: built for a new run, updated for new report
        versions (None when there is no linkage run)."""
        if probe.run_id is None:
            return None
        if self.is_current(probe):
            return self.snapshot
        with self._build_lock:
            snap = self.snapshot
            if snap is None or snap.run_id != probe.run_id:
                snap = load_snapshot(self.engine, probe.run_id)
            elif not self.is_current(probe):
                snap = self._newer_versions(snap)
            self.snapshot = snap
            return snap

    def _newer_versions(self, snap: Snapshot) -> Snapshot:
        """Apply report rows written since the snapshot (ids above its settled point)."""
        cols = [getattr(Report, c) for c in INDEX_COLUMNS]
        with self.engine.connect() as conn:
            rows = conn.execute(select(*cols).where(Report.id > snap.settled).order_by(Report.id)).all()
        settled, top, holes = _settle(snap.settled, snap.max_report_id, {r.id for r in rows}, snap.holes)
        ours = [r for r in rows if r.is_current and r.report_key in snap.slot_of_key]
        if ours:
            return snap.updated(ours, settled, top, holes)
        return snap.advanced(settled, top, holes)


def _settle(settled: int, top: int, seen: set[int], holes: dict[int, float]) -> tuple[int, int, dict[int, float]]:
    """(settled point, newest id, holes above the settled point) after seeing the ids ``seen`` above
    ``settled``. Ids are taken in one order and committed in another (PostgreSQL), so a hole may
    fill later: the settled point stays below the oldest hole unless that is old enough to be a
    rolled-back insert. The index is current while the ids above the settled point number
    (newest - settled - holes)."""
    now = time.monotonic()
    top = max([top, *seen])
    missing = {i: holes.get(i, now) for i in range(settled + 1, top + 1) if i not in seen}
    young = [i for i, t in missing.items() if now - t < GAP_SECONDS]
    settled = min(young) - 1 if young else top
    return settled, top, {i: t for i, t in missing.items() if i > settled}


class SharedProbe:
    """One probe statement for every search that arrives while another is on its way.

    A search waits for a reading that started after it arrived, so it still sees every commit
    made before it; but the searches that arrive during one round trip share the next reading
    (with everyone's grants), and the event loop never blocks on the database: the statement runs
    in a thread of its own. (On SQLite too: the searches waiting together are then answered
    together, which measured steadier than one probe each on the event loop.)
    """

    def __init__(self, index: SearchIndex):
        self.index = index
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="uncounted-search-probe")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._running: asyncio.Future[Reading] | None = None
        self._next: asyncio.Future[Reading] | None = None

    async def probe(self, user_id: int) -> Probe:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (tests): forget the old one's futures
            self._loop, self._running, self._next = loop, None, None
        if self._running is None:
            waiting = loop.create_future()
            self._launch(loop, waiting)
        else:
            if self._next is None:
                self._next = loop.create_future()
            waiting = self._next
        return (await asyncio.shield(waiting)).for_user(user_id)

    def close(self) -> None:
        self._executor.shutdown(wait=False)

    def _launch(self, loop: asyncio.AbstractEventLoop, waiting: asyncio.Future[Reading]) -> None:
        self._running = waiting
        job = loop.run_in_executor(self._executor, self.index.read, None)

        def finished(job: asyncio.Future[Reading]) -> None:
            if job.exception() is not None:
                waiting.set_exception(job.exception())  # type: ignore[arg-type]
            else:
                waiting.set_result(job.result())
            following, self._next = self._next, None
            if following is not None:
                self._launch(loop, following)
            else:
                self._running = None

        job.add_done_callback(finished)


_indexes: dict[str, SearchIndex] = {}
_indexes_lock = threading.Lock()


def index_for(engine: Engine, cache_key: str = "") -> SearchIndex:
    """This process's search index of a workspace (one per database)."""
    key = cache_key or engine.url.render_as_string(hide_password=True)
    with _indexes_lock:
        index = _indexes.get(key)
        if index is None or index.engine is not engine:
            if index is not None:
                index.close()
            while len(_indexes) >= MAX_INDEXES:
                _indexes.pop(next(iter(_indexes))).close()
            index = _indexes[key] = SearchIndex(engine)
        return index


def warm(engine: Engine, cache_key: str = "") -> Snapshot | None:
    """Build (or bring up to date) the index of the current linkage run now, so that no searcher
    waits for it; call it after persons are stored or when a server starts."""
    index = index_for(engine, cache_key)
    return index.current(index.probe(0))


def keep_warm(engine: Engine, cache_key: str = "", every: float = 2.0) -> Callable[[], None]:
    """Warm the index now and then every few seconds in a background thread (a new linkage run is
    indexed before anyone searches it); returns the function that stops the thread."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                warm(engine, cache_key)
            except Exception:  # a database hiccup: the searches themselves will say what is wrong
                log.exception("the search index could not be brought up to date")
            stop.wait(every)

    threading.Thread(target=loop, name="uncounted-search-index", daemon=True).start()
    return stop.set


def close_indexes() -> None:
    """Drop this process's in-memory indexes and close their connections."""
    with _indexes_lock:
        for index in _indexes.values():
            index.close()
        _indexes.clear()
