"""Person search: an index of (person, report, name token) rows per linkage run.

Searching goes through reports, not through the person's own summary, so that a user only ever
matches on reports of sources they may see. Name tokens come from each report's romanisation-aware
name key; a query is keyed the same way and each of its tokens matches as a prefix.

The index is derived data. It is built on the first search of a linkage run (or by
:func:`build_index` right after persons are stored) and can be dropped and rebuilt at any time.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import and_, delete, insert, intersect, select
from sqlalchemy.orm import Session

from uncounted.records.auth_models import PersonSearchRow
from uncounted.records.models import LinkageRun, PersonReport, Report

_build_lock = threading.Lock()
_indexed_runs: set[tuple[str, int]] = set()
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
    """Refresh one report's rows in the current run's index (after an edit)."""
    run_id = current_run_id(session)
    if run_id is not None:
        build_index(session, run_id, [report_key])


def ensure_index(session: Session, run_id: int, cache_key: str = "") -> None:
    """Build the run's index once if it is missing (persons exist but no rows do)."""
    if (cache_key, run_id) in _indexed_runs:
        return
    with _build_lock:
        has_rows = session.execute(select(PersonSearchRow.id).where(PersonSearchRow.run_id == run_id)
                                   .limit(1)).first()
        if not has_rows:
            has_persons = session.execute(select(PersonReport.id).where(PersonReport.run_id == run_id)
                                          .limit(1)).first()
            if has_persons:
                build_index(session, run_id)
                session.commit()
            else:
                return  # nothing to index yet; check again next time
        _indexed_runs.add((cache_key, run_id))


def forget_indexes() -> None:
    _indexed_runs.clear()


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


def visible_report_rows(session: Session, run_id: int, person_ids: Iterable[int],
                        visible_sources: set[int] | None) -> dict[int, list[Any]]:
    """The few columns a search result shows, of each person's current visible reports.

    Two plain lookups (memberships by person, then reports by key) so that each uses its own index
    whatever the planner's statistics say."""
    ids = list(person_ids)
    if not ids:
        return {}
    # Only the key columns are filtered in SQL; run, version and visibility are checked here, so the
    # planner cannot wander off to a low-selectivity index (run_id, is_current).
    members = session.execute(select(PersonReport.report_key, PersonReport.person_id, PersonReport.run_id)
                              .where(PersonReport.person_id.in_(ids))).all()
    person_of = {key: pid for key, pid, run in members if run == run_id}
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
    members = session.execute(select(PersonReport.report_key, PersonReport.person_id, PersonReport.run_id)
                              .where(PersonReport.person_id.in_(ids))).all()
    person_of = {key: pid for key, pid, run in members if run == run_id}
    if not person_of:
        return {}
    out: dict[int, list[Report]] = {}
    reports = session.execute(select(Report).where(Report.report_key.in_(list(person_of)))).scalars()
    for report in sorted(reports, key=lambda r: r.id):
        if report.is_current and not report.withdrawn and (visible_sources is None
                                                           or report.source_id in visible_sources):
            out.setdefault(person_of[report.report_key], []).append(report)
    return out
