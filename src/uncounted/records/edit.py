"""Editing a report: every edit is a new version; the old one stays, marked not current."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from uncounted.errors import UncountedError
from uncounted.records import audit
from uncounted.records.models import Report

# Fields that identify where a report came from: an edit never changes them.
PROVENANCE_FIELDS = frozenset({
    "id", "report_key", "version", "is_current", "source_id", "document_id", "row_number", "sheet",
    "raw", "created_at", "created_by", "change_reason", "supersedes_id",
})


def current_version(session: Session, report_key: str) -> Report:
    report = session.execute(select(Report).where(Report.report_key == report_key,
                                                  Report.is_current.is_(True))).scalar_one_or_none()
    if report is None:
        raise UncountedError(f"No current report with key {report_key!r}.")
    return report


def edit_report(session: Session, report_key: str, changes: dict[str, Any], *, actor: str,
                reason: str) -> Report:
    """Write a new version of a report with `changes` applied; return the new version."""
    if not reason or not reason.strip():
        raise UncountedError("An edit needs a reason: say why the value changes.")
    bad = sorted(set(changes) & PROVENANCE_FIELDS)
    unknown = sorted(k for k in changes if not hasattr(Report, k))
    if bad or unknown:
        raise UncountedError(f"Cannot edit {bad + unknown}: provenance fields are fixed and "
                             "unknown fields do not exist.")
    old = current_version(session, report_key)
    values = {c.key: getattr(old, c.key) for c in Report.__table__.columns if c.key != "id"}
    values.update(changes)
    values.update(version=old.version + 1, is_current=True, created_by=actor, change_reason=reason,
                  supersedes_id=old.id, created_at=None)
    values.pop("created_at")
    old.is_current = False
    session.flush()
    new = Report(**values)
    session.add(new)
    session.flush()
    audit.append(session, actor=actor, action="report.edit", object_type="report", object_id=report_key,
                 details={"version": new.version, "fields": sorted(changes), "reason": reason})
    return new


def withdraw_report(session: Session, report_key: str, *, actor: str, reason: str) -> Report:
    """Withdraw a report: a new version marked withdrawn. Nothing is deleted."""
    return edit_report(session, report_key, {"withdrawn": True}, actor=actor, reason=reason)


def report_history(session: Session, report_key: str) -> list[Report]:
    return list(session.execute(select(Report).where(Report.report_key == report_key)
                                .order_by(Report.version)).scalars())
