"""Keeping extracted claims in a workspace, and reading them back for the ledger.

    results = store_reports(ws, [Path("statement.txt")])      # extract + store
    rows = workspace_ledger(ws)                               # claims with verdicts

A report file is kept in the evidence store and recorded as a Document of a source of kind
"press" or "statement"; each claim becomes a Claim row (its full dict in `data`), each named
victim a CandidateReport with status "pending" (a review queue, never a confirmed record).
Allegations and quotes are kept in the document's summary. Every write is audited.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import select

from uncounted.errors import ClaimsError
from uncounted.records import audit
from uncounted.records.models import CandidateReport, Claim, Document, Source
from uncounted.records.workspace import Workspace

from .extract import ExtractionResult
from .ledger import ledger_rows

MEDIA_TYPES = {".txt": "text/plain", ".html": "text/html", ".htm": "text/html"}


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _source(session, name: str, kind: str, actor: str) -> Source:
    src = session.execute(select(Source).where(Source.name == name)).scalar_one_or_none()
    if src is None:
        src = Source(name=name, kind=kind, created_by=actor,
                     description="Created by `uncounted extract`.")
        session.add(src)
        session.flush()
        audit.append(session, actor=actor, action="source.create", object_type="source",
                     object_id=src.id, details={"name": name, "kind": kind})
    return src


def default_source_name(result: ExtractionResult) -> str:
    """The issuer of a statement, else the agency in the dateline, else 'press reports'."""
    if result.issuer:
        return result.issuer
    if result.relays:
        return result.relays[-1]
    return "press reports"


def store_result(ws: Workspace, result: ExtractionResult, path: Path, *,
                 source: str | None = None) -> dict[str, Any]:
    """Store one report's extraction; a file already stored for that source is skipped."""
    sha, size = ws.evidence.add_file(path)
    name = source or default_source_name(result)
    actor = ws.actor
    with ws.session() as s:
        src = _source(s, name, result.source_kind, actor)
        existing = s.execute(select(Document).where(Document.source_id == src.id,
                                                    Document.sha256 == sha)).scalar_one_or_none()
        if existing is not None:
            return {"file": str(path), "document_id": existing.id, "stored": False,
                    "reason": "this file is already in the record for this source"}
        doc = Document(source_id=src.id, sha256=sha, size=size, original_name=path.name,
                       media_type=MEDIA_TYPES.get(path.suffix.lower(), "text/plain"),
                       added_by=actor, summary={
                           "kind": "claims_extraction", "statement_date": result.statement_date,
                           "allegations": [a.to_dict() for a in result.allegations],
                           "quotes": [q.to_dict() for q in result.quotes]})
        s.add(doc)
        s.flush()
        claim_ids = []
        for claim in result.claims:
            d = claim.to_dict()
            row = Claim(document_id=doc.id,
                        claimant_name=(d["claimant"] or {}).get("name"),
                        claimant_role=(d["claimant"] or {}).get("role"),
                        medium=d["medium"], relayed_by=d["relayed_by"],
                        statement_date=_date(d["statement_date"]),
                        quantity_lower=d["quantity"]["lower"], quantity_upper=d["quantity"]["upper"],
                        quantity_qualifier=d["quantity"]["qualifier"],
                        quantity_text=d["quantity"]["text"], violation=d["violation"],
                        victim_group=d["victim_group"], place=d["place"],
                        period_start=_date(d["period"]["start"]), period_end=_date(d["period"]["end"]),
                        alleged_perpetrator=d["alleged_perpetrator"], attributed=d["attributed"],
                        hedges=d["hedges"], evidence_text=d["evidence_text"], data=d,
                        created_by=actor)
            s.add(row)
            s.flush()
            claim_ids.append(row.id)
        candidate_ids = []
        for inc in result.candidate_incidents:
            row = CandidateReport(document_id=doc.id, data=inc.to_dict(), status="pending")
            s.add(row)
            s.flush()
            candidate_ids.append(row.id)
        audit.append(s, actor=actor, action="claims.extract", object_type="document",
                     object_id=doc.id, details={"file": path.name, "sha256": sha, "source": name,
                                                "claims": claim_ids, "candidates": candidate_ids})
        return {"file": str(path), "document_id": doc.id, "stored": True, "source": name,
                "claims": len(claim_ids), "candidate_reports": len(candidate_ids)}


def load_claims(ws: Workspace) -> list[dict[str, Any]]:
    """Every stored claim (its extracted dict) with its id, document and source."""
    with ws.session() as s:
        rows = s.execute(select(Claim, Document.original_name, Source.name)
                         .join(Document, Document.id == Claim.document_id, isouter=True)
                         .join(Source, Source.id == Document.source_id, isouter=True)
                         .order_by(Claim.id)).all()
        out = []
        for claim, doc_name, source in rows:
            d = dict(claim.data or {})
            d.update({"id": claim.id, "document": doc_name, "source": source})
            out.append(d)
        return out


def _persons(ws: Workspace) -> list[dict[str, Any]]:
    """One row per linked person with violation, place, district, year (empty if none)."""
    from uncounted.errors import UncountedError
    from uncounted.records.query import memberships_frame

    try:
        frame = memberships_frame(ws)
    except UncountedError:
        return []
    if frame.empty:
        return []
    cols = [c for c in ("person_id", "violation", "place", "district", "year") if c in frame]
    people = frame[cols].drop_duplicates("person_id")
    out = []
    for rec in people.to_dict("records"):
        rec = {k: (None if _missing(v) else v) for k, v in rec.items()}
        if rec.get("year") is not None:
            rec["year"] = int(rec["year"])
        out.append(rec)
    return out


def _missing(value: Any) -> bool:
    try:
        return value is None or value != value or str(value) == "<NA>"
    except (TypeError, ValueError):
        return False


def workspace_ledger(ws: Workspace) -> list[dict[str, Any]]:
    """The ledger for every stored claim, against the current persons and estimate runs."""
    from uncounted.estimate.stored import latest_runs

    claims = load_claims(ws)
    if not claims:
        raise ClaimsError("The record holds no claims yet. Extract some with "
                          "`uncounted extract FILE`.")
    from uncounted.normalize.places import load_default_gazetteer

    return ledger_rows(claims, _persons(ws), latest_runs(ws, limit=200),
                       gazetteer=load_default_gazetteer())
