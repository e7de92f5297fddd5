"""Reading the record: the public functions the CLI, the server and notebooks share.

Everything returns plain Python values or pandas DataFrames.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from uncounted.errors import UncountedError
from uncounted.records.models import (
    AuditEntry, Claim, Document, EstimateRun, LinkageRun, MatchDecision, Person, Report, Source,
)
from uncounted.records.workspace import Workspace

REPORT_COLUMNS = (
    "report_key", "version", "source", "source_record_id", "document_id", "row_number", "sheet",
    "name_raw", "name_honorific", "name_given", "name_family", "relation", "father_name", "name_key",
    "sex", "age_raw", "birth_year_min", "birth_year_max", "community", "occupation", "residence",
    "violation_raw", "violation", "event_date_raw", "event_date_start", "event_date_end",
    "event_date_precision", "event_place_raw", "event_place", "event_place_parent", "perpetrator_raw",
    "perpetrator_category", "victim_status", "custody_acknowledged", "certainty", "notes",
)


def current_reports_query(source: str | None = None):  # type: ignore[no-untyped-def]
    """The select() of current, not withdrawn report versions joined to their source name."""
    cols = [getattr(Report, c) for c in REPORT_COLUMNS if c != "source"]
    stmt = (select(Source.name.label("source"), *cols)
            .join(Source, Source.id == Report.source_id)
            .where(Report.is_current.is_(True), Report.withdrawn.is_(False)))
    if source:
        stmt = stmt.where(Source.name == source)
    return stmt.order_by(Report.id)


def reports_frame(ws: Workspace, *, source: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """Current reports as a DataFrame, one row each, in import order."""
    stmt = current_reports_query(source)
    if limit:
        stmt = stmt.limit(limit)
    with ws.engine.connect() as conn:
        frame = pd.read_sql(stmt, conn)
    return frame


def sources_table(ws: Workspace) -> list[dict[str, Any]]:
    """Each source with its number of documents and current reports."""
    with ws.session() as s:
        docs = dict(s.execute(select(Document.source_id, func.count(Document.id))
                              .group_by(Document.source_id)).all())
        reps = dict(s.execute(select(Report.source_id, func.count(Report.id))
                              .where(Report.is_current.is_(True), Report.withdrawn.is_(False))
                              .group_by(Report.source_id)).all())
        return [
            {"name": src.name, "kind": src.kind, "sensitivity": src.sensitivity,
             "documents": docs.get(src.id, 0), "reports": reps.get(src.id, 0),
             "created_at": src.created_at.isoformat() if src.created_at else None}
            for src in s.execute(select(Source).order_by(Source.name)).scalars()
        ]


def status(ws: Workspace) -> dict[str, Any]:
    """What the record holds: counts, date precision, problems, the latest runs."""
    with ws.session() as s:
        def count(stmt) -> int:  # type: ignore[no-untyped-def]
            return int(s.execute(stmt).scalar_one())

        current = (Report.is_current.is_(True), Report.withdrawn.is_(False))
        precision = dict(s.execute(select(Report.event_date_precision, func.count(Report.id))
                                   .where(*current).group_by(Report.event_date_precision)).all())
        violations = dict(s.execute(select(Report.violation, func.count(Report.id))
                                    .where(*current).group_by(Report.violation)).all())
        with_problems = count(select(func.count(Report.id)).where(*current, Report.problems.is_not(None)))
        run = s.execute(select(LinkageRun).where(LinkageRun.is_current.is_(True))
                        .order_by(LinkageRun.id.desc()).limit(1)).scalar_one_or_none()
        persons = count(select(func.count(Person.id)).where(Person.run_id == run.id)) if run else None
        return {
            "workspace": str(ws.path),
            "store": "sqlite" if ws.is_sqlite else ws.engine.dialect.name,
            "sources": count(select(func.count(Source.id))),
            "documents": count(select(func.count(Document.id))),
            "reports": count(select(func.count(Report.id)).where(*current)),
            "report_versions": count(select(func.count(Report.id))),
            "reports_with_warnings": with_problems,
            "date_precision": {(k or "none"): v for k, v in sorted(precision.items(), key=lambda kv: str(kv[0]))},
            "violations": {(k or "unrecognised"): v for k, v in sorted(violations.items(), key=lambda kv: str(kv[0]))},
            "linkage_run": run.id if run else None,
            "persons": persons,
            "match_decisions": count(select(func.count(MatchDecision.id)).where(MatchDecision.is_current.is_(True))),
            "claims": count(select(func.count(Claim.id))),
            "estimate_runs": count(select(func.count(EstimateRun.id))),
            "audit_entries": count(select(func.count(AuditEntry.id))),
        }


def get_source(session: Session, name: str) -> Source | None:
    return session.execute(select(Source).where(Source.name == name)).scalar_one_or_none()


def current_linkage_run_id(ws: Workspace) -> int | None:
    with ws.session() as s:
        return s.execute(select(LinkageRun.id).where(LinkageRun.is_current.is_(True))
                         .order_by(LinkageRun.id.desc()).limit(1)).scalar_one_or_none()


STRATUM_FIELDS = {
    "violation": "violation",
    "place": "event_place",
    "district": "event_place_parent",
    "sex": "sex",
    "perpetrator": "perpetrator_category",
    "status": "victim_status",
}


def memberships_frame(ws: Workspace, *, run_id: int | None = None) -> pd.DataFrame:
    """One row per (person, source) for a linkage run, with the person's stratum values.

    Columns: person_id, source, year, violation, place, district, sex, perpetrator, status.
    A person's stratum value is the most frequent non-empty value among its reports (ties: the
    alphabetically first), so that each person falls in exactly one stratum.
    """
    from uncounted.records.models import PersonReport

    run_id = run_id or current_linkage_run_id(ws)
    if run_id is None:
        raise UncountedError("The record has no persons yet: run `uncounted link` first.")
    cols = [Report.report_key, Report.event_date_start, *(getattr(Report, f) for f in STRATUM_FIELDS.values())]
    stmt = (select(PersonReport.person_id, Source.name.label("source"), *cols)
            .join(Report, (Report.report_key == PersonReport.report_key) & Report.is_current.is_(True))
            .join(Source, Source.id == Report.source_id)
            .where(PersonReport.run_id == run_id, Report.withdrawn.is_(False)))
    with ws.engine.connect() as conn:
        reports = pd.read_sql(stmt, conn)
    reports["year"] = pd.to_datetime(reports["event_date_start"], errors="coerce").dt.year.astype("Int64")
    attributes = person_attributes(reports, ["year", *STRATUM_FIELDS.values()])
    attributes = attributes.rename(columns={v: k for k, v in STRATUM_FIELDS.items()})
    members = reports[["person_id", "source"]].drop_duplicates()
    return members.merge(attributes, on="person_id", how="left").sort_values(["person_id", "source"],
                                                                            ignore_index=True)


def person_attributes(reports: pd.DataFrame, fields: list[str]) -> pd.DataFrame:
    """The most frequent non-empty value of each field per person (ties: smallest value)."""
    out = pd.DataFrame({"person_id": sorted(reports["person_id"].unique())})
    for field in fields:
        sub = reports[["person_id", field]].dropna()
        if sub.empty:
            out[field] = None
            continue
        counts = sub.groupby(["person_id", field]).size().reset_index(name="n")
        counts = counts.sort_values(["person_id", "n", field], ascending=[True, False, True])
        chosen = counts.drop_duplicates("person_id")[["person_id", field]]
        out = out.merge(chosen, on="person_id", how="left")
    return out


def is_synthetic(session: Session) -> bool:
    """True when the record holds only SYNTHETIC material.

    That is: every document's file name says SYNTHETIC (as `uncounted simulate` names them), or
    every source's name or description does. Outputs made from such a record must say so.
    """
    documents = list(session.execute(select(Document.original_name)).scalars())
    if documents and all("synthetic" in name.lower() for name in documents):
        return True
    sources = session.execute(select(Source.name, Source.description)).all()
    return bool(sources) and all("synthetic" in f"{n} {d or ''}".lower() for n, d in sources)
