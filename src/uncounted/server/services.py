"""What the pages and the API do, written once: each function takes a database session and the
logged-in principal and returns plain JSON-ready values. Visibility rules live here:

* a report is shown only if its source is visible to the user (accounts.visible_source_ids);
* a person is shown with its visible reports only, and its values only where they came from a
  visible report; a person with no visible report does not exist for that user;
* viewers get aggregates only: counts (small cells suppressed) and estimates without list names.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from typing import Any

import orjson
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from uncounted.records import accounts, audit
from uncounted.records.models import (
    AuditEntry,
    Claim,
    Document,
    EstimateRun,
    EvidenceFile,
    LinkageRun,
    MatchDecision,
    MatchPair,
    Person,
    PersonReport,
    Report,
    Source,
)
from uncounted.records.query import is_synthetic
from uncounted.server import search
from uncounted.server.auth import Principal
from uncounted.server.errors import ApiError, not_found

DECISIONS = ("same", "different", "unsure")
SMALL_CELL = 5  # counts below this are shown to viewers as "<5"

# Report fields shown to users who may read persons (never the sensitive blob or the raw row).
REPORT_FIELDS = (
    "report_key", "version", "source_record_id", "row_number", "name_raw", "name_honorific", "name_given",
    "name_family", "relation", "father_name", "name_key", "sex", "age_raw", "birth_year_min",
    "birth_year_max", "community", "occupation", "residence", "violation_raw", "violation",
    "event_date_raw", "event_date_start", "event_date_end", "event_date_precision", "event_place_raw",
    "event_place", "event_place_parent", "perpetrator_raw", "perpetrator_category", "victim_status",
    "custody_acknowledged", "certainty", "notes",
)
# Fields compared side by side in the review queue.
REVIEW_FIELDS = ("name_raw", "father_name", "sex", "age_raw", "violation", "event_date_raw",
                 "event_date_start", "event_place", "perpetrator_raw", "victim_status")
# Fields a documenter may correct in the web form (each edit is a new version).
EDITABLE_FIELDS = ("name_raw", "father_name", "sex", "age_raw", "violation", "event_date_raw",
                   "event_place", "perpetrator_raw", "victim_status", "notes")


def jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def visible_sources(db: Session, principal: Principal) -> set[int] | None:
    """Source ids whose reports this user may see (None: all). Same rule as
    accounts.visible_source_ids, using the role of the session."""
    if not principal.can(accounts.PERSONS_READ):
        return set()
    if principal.role == "admin":
        return None
    return accounts.source_ids_visible_to(db, principal.user_id)


def _is_visible(source_id: int, visible: set[int] | None) -> bool:
    return visible is None or source_id in visible


def source_names(db: Session) -> dict[int, str]:
    return dict(db.execute(select(Source.id, Source.name)).all())


# ---- aggregates (every role) -------------------------------------------------------------------

def aggregates(db: Session, principal: Principal) -> dict[str, Any]:
    """Counts for the dashboard: never a name, a place below the district, or a source name."""
    current = (Report.is_current.is_(True), Report.withdrawn.is_(False))
    suppress = not principal.can(accounts.PERSONS_READ)
    by_violation = dict(db.execute(select(Report.violation, func.count(Report.id)).where(*current)
                                   .group_by(Report.violation)).all())
    years: Counter[str] = Counter()
    for start, n in db.execute(select(Report.event_date_start, func.count(Report.id)).where(*current)
                               .group_by(Report.event_date_start)).all():
        years[str(start.year) if start else "unknown"] += n
    run_id = search.current_run_id(db)
    persons = db.execute(select(func.count(Person.id)).where(Person.run_id == run_id)).scalar_one() if run_id else None
    return {
        "reports": db.execute(select(func.count(Report.id)).where(*current)).scalar_one(),
        "persons": persons,
        "sources": db.execute(select(func.count(Source.id))).scalar_one(),
        "by_violation": {(k or "unrecognised"): _cell(v, suppress) for k, v in sorted(
            by_violation.items(), key=lambda kv: str(kv[0]))},
        "by_year": {k: _cell(v, suppress) for k, v in sorted(years.items())},
        "small_cells_suppressed": suppress,
        "estimate_runs": db.execute(select(func.count(EstimateRun.id))).scalar_one(),
    }


def violation_values(db: Session) -> list[str]:
    """The violation words in use (a small controlled vocabulary, not names)."""
    return sorted(v for v in db.execute(select(Report.violation).where(Report.violation.is_not(None))
                                        .distinct()).scalars())


def _cell(n: int, suppress: bool) -> int | str:
    return f"<{SMALL_CELL}" if suppress and 0 < n < SMALL_CELL else int(n)


# ---- sources and documents ----------------------------------------------------------------------

def list_sources(db: Session, principal: Principal) -> list[dict[str, Any]]:
    visible = visible_sources(db, principal)
    reports = dict(db.execute(select(Report.source_id, func.count(Report.id))
                              .where(Report.is_current.is_(True), Report.withdrawn.is_(False))
                              .group_by(Report.source_id)).all())
    docs = dict(db.execute(select(Document.source_id, func.count(Document.id)).group_by(Document.source_id)).all())
    out = []
    for src in db.execute(select(Source).order_by(Source.name)).scalars():
        if not _is_visible(src.id, visible):
            continue
        out.append({"id": src.id, "name": src.name, "kind": src.kind, "sensitivity": src.sensitivity,
                    "description": src.description, "reports": reports.get(src.id, 0),
                    "documents": docs.get(src.id, 0),
                    "sensitive_fields": list((src.settings or {}).get("sensitive_fields") or [])})
    return out


def create_source(db: Session, principal: Principal, name: str, kind: str, sensitivity: str,
                  description: str | None = None, sensitive_fields: list[str] | None = None) -> dict[str, Any]:
    from uncounted.records.models import SENSITIVITY_LEVELS, SOURCE_KINDS
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ApiError(422, "invalid_request", "Give the source a name (1 to 200 characters).")
    if kind not in SOURCE_KINDS:
        raise ApiError(422, "invalid_request", f"Kind {kind!r} is not one of {', '.join(SOURCE_KINDS)}.")
    if sensitivity not in SENSITIVITY_LEVELS:
        raise ApiError(422, "invalid_request",
                       f"Sensitivity {sensitivity!r} is not one of {', '.join(SENSITIVITY_LEVELS)}.")
    if db.execute(select(Source.id).where(Source.name == name)).first():
        raise ApiError(409, "conflict", f"A source named {name!r} already exists; choose it instead.")
    fields = sorted({f.strip() for f in sensitive_fields or [] if f and f.strip()})
    src = Source(name=name, kind=kind, sensitivity=sensitivity, description=description or None,
                 settings={"sensitive_fields": fields} if fields else None, created_by=principal.username)
    db.add(src)
    db.flush()
    audit.append(db, actor=principal.username, action="source_add", object_type="source", object_id=src.id,
                 details={"name": name, "kind": kind, "sensitivity": sensitivity, "sensitive_fields": fields})
    if principal.role != "admin":
        accounts.add_grant(db, principal.username, src.id, actor=principal.username)
    return {"id": src.id, "name": src.name, "kind": src.kind, "sensitivity": src.sensitivity}


def get_visible_source(db: Session, principal: Principal, source_id: int) -> Source:
    src = db.get(Source, source_id)
    if src is None or not _is_visible(src.id, visible_sources(db, principal)):
        raise not_found(f"Source {source_id}")
    return src


def list_documents(db: Session, principal: Principal, limit: int = 100) -> list[dict[str, Any]]:
    visible = visible_sources(db, principal)
    names = source_names(db)
    stmt = select(Document).order_by(Document.id.desc()).limit(max(1, min(limit, 500)))
    return [{"id": d.id, "source_id": d.source_id, "source": names.get(d.source_id), "original_name": d.original_name,
             "sha256": d.sha256, "size": d.size, "added_by": d.added_by, "added_at": jsonable(d.added_at),
             "summary": jsonable(d.summary)}
            for d in db.execute(stmt).scalars() if _is_visible(d.source_id, visible)]


# ---- persons and reports --------------------------------------------------------------------------

def report_dict(report: Report, source_name: str | None) -> dict[str, Any]:
    out = {f: jsonable(getattr(report, f)) for f in REPORT_FIELDS}
    out["source_id"] = report.source_id
    out["source"] = source_name
    out["document_id"] = report.document_id
    out["has_sensitive"] = report.sensitive_enc is not None
    return out


def search_persons(db: Session, principal: Principal, query: search.PersonQuery,
                   cache_key: str = "") -> dict[str, Any]:
    """One page of persons matching ``query`` among the reports this user may see (the pages'
    entry; the API answers with :func:`search_json`)."""
    index = search.index_for(db.get_bind(), cache_key)
    probe = index.probe(principal.user_id)
    snapshot, visible = index.current(probe), _search_visibility(principal, probe)
    if snapshot is None:
        return {"run_id": None, "results": [], "more": False, "query": _query_echo(query)}
    page = snapshot.search(query, visible)
    usable = snapshot.usable(visible)
    results = []
    for position in page.positions:
        rows = snapshot.visible_rows(position, usable)
        results.append(person_summary(_PersonRef(int(snapshot.person_ids[position]), snapshot.person_keys[position]),
                                      rows, snapshot.source_names))
    return {"run_id": snapshot.run_id, "results": results, "more": page.more, "query": _query_echo(query)}


def search_json(index: search.SearchIndex, principal: Principal, query: search.PersonQuery,
                probe: search.Probe) -> bytes:
    """The same answer as :func:`search_persons`, as JSON bytes, from this process's index and the
    database reading ``probe`` made for this request. A person whom the user sees whole (no report
    hidden) is rendered once per index snapshot; others are rendered for this user each time."""
    snapshot, visible = index.current(probe), _search_visibility(principal, probe)
    echo = orjson.dumps(_query_echo(query))
    if snapshot is None:
        return b'{"run_id":null,"results":[],"more":false,"query":' + echo + b"}"
    page = snapshot.search(query, visible)
    usable = snapshot.usable(visible)
    whole = snapshot.sees_everything(visible)[page.positions].tolist()
    parts = []
    for position, seen_whole in zip(page.positions, whole):
        part = snapshot.rendered.get(position) if seen_whole else None
        if part is None:
            person = _PersonRef(int(snapshot.person_ids[position]), snapshot.person_keys[position])
            part = orjson.dumps(person_summary(person, snapshot.visible_rows(position, usable), snapshot.source_names))
            if seen_whole:
                snapshot.rendered[position] = part
        parts.append(part)
    return (b'{"run_id":%d,"results":[%s],"more":%s,"query":%s}'
            % (snapshot.run_id, b",".join(parts), b"true" if page.more else b"false", echo))


def _search_visibility(principal: Principal, probe: search.Probe) -> frozenset[int] | None:
    """The sources whose reports a search may match, from the probe (None: all); the rule of
    :func:`visible_sources`."""
    if not principal.can(accounts.PERSONS_READ):
        return frozenset()
    return None if principal.role == "admin" else probe.visible


class _PersonRef:
    __slots__ = ("id", "person_key")

    def __init__(self, id: int, person_key: str):
        self.id, self.person_key = id, person_key


def _query_echo(query: search.PersonQuery) -> dict[str, Any]:
    return {"q": query.q, "date_from": jsonable(query.date_from), "date_to": jsonable(query.date_to),
            "place": query.place, "violation": query.violation, "source_id": query.source_id,
            "limit": query.limit, "offset": query.offset, "name_tokens": query.tokens}


def person_summary(person: Any, reports: list[Any], names: dict[int, str]) -> dict[str, Any]:
    """A person as one user sees them: name, dates and places from their visible reports only."""
    first = reports[0]
    dates = sorted({r.event_date_start for r in reports if r.event_date_start})
    return {
        "id": person.id, "person_key": person.person_key,
        "name": next((r.name_raw for r in reports if r.name_raw), None),
        "father_name": next((r.father_name for r in reports if r.father_name), None),
        "violations": sorted({r.violation for r in reports if r.violation}),
        "places": sorted({r.event_place for r in reports if r.event_place}),
        "date_first": jsonable(dates[0]) if dates else first.event_date_raw,
        "date_last": jsonable(dates[-1]) if dates else None,
        "sources": sorted({names.get(r.source_id, "?") for r in reports}),
        "n_reports": len(reports),
    }


def person_detail(db: Session, principal: Principal, person_id: int) -> dict[str, Any]:
    person = db.get(Person, person_id)
    if person is None:
        raise not_found(f"Person {person_id}")
    visible = visible_sources(db, principal)
    reports = search.visible_reports_of(db, person.run_id, [person.id], visible).get(person.id, [])
    if not reports:
        raise not_found(f"Person {person_id}")
    names = source_names(db)
    by_key = {r.report_key: r for r in reports}
    values = []
    for field, entry in (person.values or {}).items():
        for item in entry if isinstance(entry, list) else [entry]:
            if not isinstance(item, dict):
                continue
            report = by_key.get(str(item.get("report_key")))
            if report is None:
                continue  # this value came from a report the user may not see
            values.append({"field": field, "value": jsonable(item.get("value")), "report_key": report.report_key,
                           "source": names.get(report.source_id)})
    if not values:  # no stored summary: show each visible report's own values
        for r in reports:
            for field in ("name_raw", "father_name", "sex", "age_raw", "violation", "event_date_raw",
                          "event_place", "perpetrator_raw", "victim_status"):
                if getattr(r, field) not in (None, ""):
                    values.append({"field": field, "value": jsonable(getattr(r, field)),
                                   "report_key": r.report_key, "source": names.get(r.source_id)})
    conflicts = [c for c in (person.conflicts or []) if _conflict_visible(c, by_key)]
    summary = person_summary(person, reports, names)
    return {**summary, "run_id": person.run_id, "values": values, "conflicts": jsonable(conflicts),
            "reports": [report_dict(r, names.get(r.source_id)) for r in reports],
            "hidden_reports": max(0, (person.n_reports or 0) - len(reports)) if visible is not None else 0}


def _conflict_visible(conflict: Any, by_key: dict[str, Report]) -> bool:
    """A conflict is shown only if every report it names is visible."""
    text = json.dumps(conflict, default=str)
    keys = [k for k in _report_keys_in(conflict)]
    return bool(text) and all(k in by_key for k in keys)


def _report_keys_in(value: Any) -> list[str]:
    keys: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k in ("report_key", "report_keys") and isinstance(v, str):
                keys.append(v)
            elif k == "report_keys" and isinstance(v, list):
                keys.extend(str(x) for x in v)
            else:
                keys.extend(_report_keys_in(v))
    elif isinstance(value, list):
        for v in value:
            keys.extend(_report_keys_in(v))
    return keys


def visible_report(db: Session, principal: Principal, report_key: str) -> Report:
    report = db.execute(select(Report).where(Report.report_key == report_key, Report.is_current.is_(True))
                        ).scalar_one_or_none()
    if report is None or not _is_visible(report.source_id, visible_sources(db, principal)):
        raise not_found(f"Report {report_key!r}")
    return report


def report_detail(db: Session, principal: Principal, report_key: str) -> dict[str, Any]:
    report = visible_report(db, principal, report_key)
    names = source_names(db)
    out = report_dict(report, names.get(report.source_id))
    out["evidence"] = list_evidence(db, principal, report_key)
    run_id = search.current_run_id(db)
    person_id = db.execute(select(PersonReport.person_id).where(
        PersonReport.run_id == run_id, PersonReport.report_key == report_key)).scalar_one_or_none() if run_id else None
    out["person_id"] = person_id
    out["versions"] = db.execute(select(func.count(Report.id)).where(Report.report_key == report_key)).scalar_one()
    return out


def read_sensitive(db: Session, principal: Principal, report_key: str, key: bytes | None) -> dict[str, Any]:
    """Decrypt a report's sensitive fields; every read is audited (field names, never values)."""
    from uncounted.records.crypto import DecryptionFailed, KeyProblem, decrypt_fields, load_key
    report = visible_report(db, principal, report_key)
    if report.sensitive_enc is None:
        return {"report_key": report_key, "fields": {}}
    try:
        key = key if key is not None else load_key(None)
        fields = decrypt_fields(key, report.sensitive_enc, report_key=report_key)
    except KeyProblem as exc:
        raise ApiError(503, "no_key", str(exc)) from exc
    except DecryptionFailed as exc:
        audit.append(db, actor=principal.username, action="sensitive_read_failed", object_type="report",
                     object_id=report_key)
        db.commit()  # keep the record of the failed attempt
        raise ApiError(503, "decryption_failed", str(exc)) from exc
    audit.append(db, actor=principal.username, action="sensitive_read", object_type="report",
                 object_id=report_key, details={"fields": sorted(fields)})
    return {"report_key": report_key, "fields": fields}


def edit_report(db: Session, principal: Principal, report_key: str, changes: dict[str, Any],
                reason: str) -> dict[str, Any]:
    from uncounted.errors import UncountedError
    from uncounted.records.edit import edit_report as write_new_version
    visible_report(db, principal, report_key)
    bad = sorted(set(changes) - set(EDITABLE_FIELDS))
    if bad:
        raise ApiError(422, "invalid_request", f"These fields cannot be edited here: {bad}. "
                       f"Editable: {', '.join(EDITABLE_FIELDS)}.")
    cleaned = {k: (v.strip() if isinstance(v, str) else v) or None for k, v in changes.items()}
    if "name_raw" in cleaned:
        cleaned["name_key"] = search.name_key(cleaned["name_raw"]) or None
    try:
        new = write_new_version(db, report_key, cleaned, actor=principal.username, reason=reason)
    except UncountedError as exc:
        raise ApiError(422, "invalid_request", str(exc)) from exc
    search.reindex_report(db, report_key)
    return {"report_key": report_key, "version": new.version}


# ---- evidence (chain of custody) ---------------------------------------------------------------

def list_evidence(db: Session, principal: Principal, report_key: str) -> list[dict[str, Any]]:
    rows = db.execute(select(EvidenceFile).where(EvidenceFile.report_key == report_key)
                      .order_by(EvidenceFile.id)).scalars()
    return [{"id": e.id, "sha256": e.sha256, "size": e.size, "original_name": e.original_name,
             "media_type": e.media_type, "added_by": e.added_by, "added_at": jsonable(e.added_at)} for e in rows]


def add_evidence(db: Session, principal: Principal, ws: Any, report_key: str, filename: str,
                 media_type: str | None, stream: Any) -> dict[str, Any]:
    visible_report(db, principal, report_key)
    from uncounted.server.imports import check_size
    check_size(stream, filename or "the file")
    sha, size = ws.evidence.add_stream(stream)
    name = (filename or "unnamed").replace("\\", "/").rsplit("/", 1)[-1][:500] or "unnamed"
    row = EvidenceFile(report_key=report_key, sha256=sha, size=size, original_name=name,
                       media_type=(media_type or None), added_by=principal.username)
    db.add(row)
    db.flush()
    audit.append(db, actor=principal.username, action="evidence_add", object_type="evidence", object_id=row.id,
                 details={"report_key": report_key, "sha256": sha, "size": size, "name": name})
    return {"id": row.id, "sha256": sha, "size": size, "original_name": name}


def evidence_for_download(db: Session, principal: Principal, evidence_id: int) -> EvidenceFile:
    row = db.get(EvidenceFile, evidence_id)
    if row is None:
        raise not_found(f"Evidence file {evidence_id}")
    if row.report_key:
        visible_report(db, principal, row.report_key)
    elif principal.role != "admin":
        raise not_found(f"Evidence file {evidence_id}")
    audit.append(db, actor=principal.username, action="evidence_download", object_type="evidence",
                 object_id=row.id, details={"sha256": row.sha256, "report_key": row.report_key})
    return row


# ---- review queue -----------------------------------------------------------------------------------

def review_queue(db: Session, principal: Principal, limit: int = 20, threshold: float = 0.9,
                 low: float = 0.05) -> dict[str, Any]:
    """Uncertain pairs of the current linkage run, nearest the threshold first, undecided only,
    both reports visible to the reviewer."""
    run_id = search.current_run_id(db)
    if run_id is None:
        return {"run_id": None, "pairs": [], "remaining": 0}
    run = db.get(LinkageRun, run_id)
    threshold = run.threshold if run and run.threshold is not None else threshold
    decided = {(a, b) for a, b in db.execute(select(MatchDecision.report_key_l, MatchDecision.report_key_r).where(
        MatchDecision.is_current.is_(True), MatchDecision.decision != "unsure")).all()}
    pairs = db.execute(select(MatchPair).where(MatchPair.run_id == run_id,
                                               MatchPair.match_probability >= low)).scalars().all()
    open_pairs = [p for p in pairs if (p.report_key_l, p.report_key_r) not in decided
                  and (p.report_key_r, p.report_key_l) not in decided]
    open_pairs.sort(key=lambda p: (abs(p.match_probability - threshold), p.report_key_l, p.report_key_r))
    visible = visible_sources(db, principal)
    names = source_names(db)
    out = []
    for pair in open_pairs:
        if len(out) >= limit:
            break
        left, right = (_current_report(db, pair.report_key_l), _current_report(db, pair.report_key_r))
        if left is None or right is None or not (_is_visible(left.source_id, visible)
                                                 and _is_visible(right.source_id, visible)):
            continue
        out.append({
            "pair_id": pair.id, "report_key_l": pair.report_key_l, "report_key_r": pair.report_key_r,
            "match_probability": pair.match_probability, "match_weight": pair.match_weight,
            "left": {**{f: jsonable(getattr(left, f)) for f in REVIEW_FIELDS}, "source": names.get(left.source_id)},
            "right": {**{f: jsonable(getattr(right, f)) for f in REVIEW_FIELDS},
                      "source": names.get(right.source_id)},
            "explanation": explanation_rows(pair.explanation),
        })
    return {"run_id": run_id, "threshold": threshold, "pairs": out, "remaining": len(open_pairs)}


def _current_report(db: Session, report_key: str) -> Report | None:
    return db.execute(select(Report).where(Report.report_key == report_key, Report.is_current.is_(True))
                      ).scalar_one_or_none()


def explanation_rows(explanation: Any) -> list[dict[str, Any]]:
    """The per-field explanation as rows of {field, level, weight, left, right} (whatever is known)."""
    if not explanation:
        return []
    items: Any = explanation
    if isinstance(explanation, dict):
        for key in ("fields", "contributions", "comparisons"):
            if isinstance(explanation.get(key), list):
                items = explanation[key]
                break
        else:
            items = [{"field": k, **(v if isinstance(v, dict) else {"weight": v})} for k, v in explanation.items()]
    rows = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        rows.append({"field": str(item.get("field") or item.get("comparison") or item.get("name") or "?"),
                     "level": jsonable(item.get("level") or item.get("label") or item.get("description")),
                     "weight": jsonable(item.get("weight") if item.get("weight") is not None
                                        else item.get("match_weight")),
                     "left": jsonable(item.get("left") or item.get("value_l")),
                     "right": jsonable(item.get("right") or item.get("value_r"))})
    return rows


def decide_pair(db: Session, principal: Principal, report_key_l: str, report_key_r: str, decision: str,
                note: str | None = None) -> dict[str, Any]:
    """Store a human decision (same / different / unsure); it supersedes earlier ones on the pair."""
    if decision not in DECISIONS:
        raise ApiError(422, "invalid_request", f"Decision {decision!r} is not one of {', '.join(DECISIONS)}.")
    if report_key_l == report_key_r:
        raise ApiError(422, "invalid_request", "A report cannot be paired with itself.")
    visible_report(db, principal, report_key_l)
    visible_report(db, principal, report_key_r)
    same_pair = or_(and_(MatchDecision.report_key_l == report_key_l, MatchDecision.report_key_r == report_key_r),
                    and_(MatchDecision.report_key_l == report_key_r, MatchDecision.report_key_r == report_key_l))
    db.execute(update(MatchDecision).where(same_pair, MatchDecision.is_current.is_(True)).values(is_current=False))
    row = MatchDecision(report_key_l=report_key_l, report_key_r=report_key_r, decision=decision,
                        decided_by=principal.username, note=(note or None), is_current=True)
    db.add(row)
    db.flush()
    audit.append(db, actor=principal.username, action="match_decision", object_type="pair",
                 object_id=f"{report_key_l}|{report_key_r}", details={"decision": decision, "id": row.id})
    return {"id": row.id, "report_key_l": report_key_l, "report_key_r": report_key_r, "decision": decision}


# ---- estimates ---------------------------------------------------------------------------------------

def latest_estimates(db: Session, principal: Principal, limit_runs: int = 500) -> dict[str, Any]:
    """The latest run for each (method, strata), newest first, one row per stratum plus the
    combined total. Viewers get no list names."""
    full = principal.can(accounts.ESTIMATES_READ)
    runs = db.execute(select(EstimateRun).order_by(EstimateRun.id.desc()).limit(limit_runs)).scalars().all()
    seen: set[str] = set()
    rows = []
    for run in runs:
        scope_key = json.dumps([run.method, (run.scope or {}).get("by"),
                                bool((run.scope or {}).get("linkage_uncertainty"))], sort_keys=True, default=str)
        if scope_key in seen:
            continue
        seen.add(scope_key)
        rows.extend(estimate_rows(run, full))
    return {"runs": rows, "full": full}


def estimate_rows(run: EstimateRun, full: bool) -> list[dict[str, Any]]:
    """A stored run as display rows: each stratum of its result, then the combined total."""
    result = run.result or {}
    strata = result.get("strata") or []
    rows = []
    if len(strata) > 1:
        for st in strata:
            lo, hi = (st.get("interval") or [None, None])[:2]
            rows.append(_estimate_row(run, full, stratum=st.get("stratum") or {}, observed=st.get("observed"),
                                      estimate=st.get("estimate"), low=lo, high=hi,
                                      lists=st.get("lists_used"), warnings=st.get("warnings")))
    rows.append(_estimate_row(run, full, stratum="all", observed=run.observed, estimate=run.estimate,
                              low=run.interval_low, high=run.interval_high, lists=run.lists,
                              warnings=result.get("warnings")))
    return rows


def _estimate_row(run: EstimateRun, full: bool, *, stratum: Any, observed: Any, estimate: Any, low: Any,
                  high: Any, lists: Any, warnings: Any) -> dict[str, Any]:
    scope = dict(run.scope or {})
    row = {"id": run.id, "created_at": jsonable(run.created_at), "method": run.method,
           "stratum": jsonable(stratum), "by": jsonable(scope.get("by")), "observed": observed,
           "estimate": _num(estimate), "interval_low": _num(low), "interval_high": _num(high),
           "level": run.level, "synthetic": bool(scope.get("synthetic")),
           "linkage_uncertainty": bool(scope.get("linkage_uncertainty"))}
    if full:
        row.update({"created_by": run.created_by, "lists": lists, "seed": run.seed,
                    "data_hash": run.data_hash, "linkage_run_id": run.linkage_run_id,
                    "warnings": jsonable(warnings)})
    return row


def run_estimate(db: Session, principal: Principal, ws: Any, method: str, by: str | None,
                 bootstrap: int = 200, seed: int = 0) -> dict[str, Any]:
    """Estimate from the current linkage run's persons and store the run (as `uncounted estimate` does)."""
    from uncounted.errors import UncountedError
    from uncounted.estimate import available_estimators
    from uncounted.estimate.stored import store_run
    from uncounted.estimate.strata import estimate_from_memberships
    from uncounted.records.query import memberships_frame

    if method not in available_estimators():
        raise ApiError(422, "invalid_request",
                       f"Method {method!r} is not available; choose one of {', '.join(available_estimators())}.")
    run_id = search.current_run_id(db)
    if run_id is None:
        raise ApiError(409, "conflict", "There are no linked persons yet: run linkage first (`uncounted link`).")
    try:
        members = memberships_frame(ws, run_id=run_id)
        result = estimate_from_memberships(members, method=method, by=by or None,
                                           bootstrap=max(0, min(int(bootstrap), 1000)), seed=seed)
    except UncountedError as exc:
        raise ApiError(422, "estimation_failed", str(exc)) from exc
    except ValueError as exc:
        raise ApiError(422, "estimation_failed", f"The estimate could not be made: {exc}") from exc
    stored_id = store_run(ws, result, linkage_run_id=run_id, lists=None, by=by or None,
                          scope={"synthetic": is_synthetic(db)}, actor=principal.username,
                          session=db)
    run = db.get(EstimateRun, stored_id)
    return {"run_id": stored_id, "runs": estimate_rows(run, True)}


def _num(value: Any) -> float | None:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


# ---- claims ------------------------------------------------------------------------------------------

def claims_ledger(db: Session, principal: Principal, limit: int = 200) -> list[dict[str, Any]]:
    rows = db.execute(select(Claim).order_by(Claim.statement_date.desc().nullslast(), Claim.id.desc())
                      .limit(max(1, min(limit, 1000)))).scalars()
    out = []
    for c in rows:
        data = c.data or {}
        verdict = data.get("verdict")
        if isinstance(verdict, dict):
            verdict_text, reason = verdict.get("verdict") or verdict.get("label"), verdict.get("reason")
        else:
            verdict_text, reason = verdict, data.get("verdict_reason")
        out.append({"id": c.id, "statement_date": jsonable(c.statement_date), "claimant": c.claimant_name,
                    "claimant_role": c.claimant_role, "medium": c.medium, "quantity_text": c.quantity_text,
                    "quantity_lower": c.quantity_lower, "quantity_upper": c.quantity_upper,
                    "violation": c.violation, "place": c.place, "period_start": jsonable(c.period_start),
                    "period_end": jsonable(c.period_end), "verdict": verdict_text, "verdict_reason": reason})
    return out


# ---- audit -----------------------------------------------------------------------------------------

def audit_entries(db: Session, limit: int = 100, before_seq: int | None = None) -> list[dict[str, Any]]:
    stmt = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(max(1, min(limit, 1000)))
    if before_seq is not None:
        stmt = stmt.where(AuditEntry.seq < before_seq)
    return [{"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action, "object_type": e.object_type,
             "object_id": e.object_id, "details": json.loads(e.details) if e.details else None, "hash": e.hash}
            for e in db.execute(stmt).scalars()]


def audit_check(db: Session) -> dict[str, Any]:
    check = audit.verify(db)
    return {"ok": check.ok, "entries": check.entries, "first_bad_seq": check.first_bad_seq, "problem": check.problem}
