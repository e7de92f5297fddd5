"""The case record: tables for sources, documents, reports and everything derived from them.

Follows the HURIDOCS Events Standard Formats ("who did what to whom") and the Every Casualty
recording standard (see docs/data-model.md). Rules that every writer keeps:

- Nothing is overwritten or physically deleted. A report edit inserts a new version row with the
  same ``report_key`` and marks the old one ``is_current = False``; a withdrawn report is a version
  with ``withdrawn = True``.
- Every value keeps its provenance: a report points at its document and row, and keeps the raw row
  exactly as imported.
- Schema changes go through Alembic migrations (src/uncounted/records/migrations).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SOURCE_KINDS = ("ngo_list", "testimony", "press", "statement", "official", "morgue_or_hospital", "other")
SENSITIVITY_LEVELS = ("public", "restricted", "confidential", "secret")
DATE_PRECISIONS = ("day", "month", "year", "approximate", "range", "unknown")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Source(Base):
    """An organisation, list or outlet that gives reports."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40), default="other")
    sensitivity: Mapped[str] = mapped_column(String(20), default="restricted")
    description: Mapped[str | None] = mapped_column(Text)
    settings: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # e.g. per-source vocabularies
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="system")


class Document(Base):
    """An imported file or text, stored once in the evidence store by the SHA-256 of its bytes."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("source_id", "sha256", name="uq_document_source_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    original_name: Mapped[str] = mapped_column(String(500))
    media_type: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    mapping: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the column mapping used
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # rows read, imported, rejected, diff
    added_by: Mapped[str] = mapped_column(String(100), default="system")
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Report(Base):
    """One source's account of one victim: one version of it."""

    __tablename__ = "reports"
    # Few indexes: each one costs every import (migrations 0003 and 0005 dropped unused ones).
    __table_args__ = (UniqueConstraint("report_key", "version", name="uq_report_key_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # stable across versions; looked up through uq_report_key_version, which starts with it
    report_key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    row_number: Mapped[int | None] = mapped_column(Integer)  # as a spreadsheet user counts it
    sheet: Mapped[str | None] = mapped_column(String(200))
    source_record_id: Mapped[str | None] = mapped_column(String(200), index=True)

    # Who
    name_raw: Mapped[str | None] = mapped_column(Text)
    name_honorific: Mapped[str | None] = mapped_column(String(200))
    name_given: Mapped[str | None] = mapped_column(String(300))
    name_family: Mapped[str | None] = mapped_column(String(200))
    relation: Mapped[str | None] = mapped_column(String(20))  # son_of, daughter_of, wife_of, child_of
    father_name: Mapped[str | None] = mapped_column(String(300))  # or husband's name for wife_of
    name_key: Mapped[str | None] = mapped_column(String(300))  # romanisation-aware key for search
    sex: Mapped[str | None] = mapped_column(String(10))
    age_raw: Mapped[str | None] = mapped_column(String(50))
    birth_year_min: Mapped[int | None] = mapped_column(Integer)
    birth_year_max: Mapped[int | None] = mapped_column(Integer)
    community: Mapped[str | None] = mapped_column(String(200))
    occupation: Mapped[str | None] = mapped_column(String(200))
    residence: Mapped[str | None] = mapped_column(String(300))

    # What, when, where, by whom
    violation_raw: Mapped[str | None] = mapped_column(String(300))
    violation: Mapped[str | None] = mapped_column(String(40), index=True)
    event_date_raw: Mapped[str | None] = mapped_column(String(100))
    event_date_start: Mapped[dt.date | None] = mapped_column(Date)
    event_date_end: Mapped[dt.date | None] = mapped_column(Date)
    event_date_precision: Mapped[str | None] = mapped_column(String(20))
    event_place_raw: Mapped[str | None] = mapped_column(String(300))
    event_place: Mapped[str | None] = mapped_column(String(200))
    event_place_parent: Mapped[str | None] = mapped_column(String(200))
    perpetrator_raw: Mapped[str | None] = mapped_column(String(300))
    perpetrator_category: Mapped[str | None] = mapped_column(String(40))
    victim_status: Mapped[str | None] = mapped_column(String(20))
    custody_acknowledged: Mapped[str | None] = mapped_column(String(20))
    certainty: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)

    # Provenance
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # header -> value exactly as read
    problems: Mapped[list[Any] | None] = mapped_column(JSON)  # warnings kept with the row
    sensitive_enc: Mapped[bytes | None] = mapped_column(LargeBinary)  # AES-GCM, see records.crypto
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="system")
    change_reason: Mapped[str | None] = mapped_column(Text)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))


class LinkageRun(Base):
    """One run of `uncounted link`: its settings, the trained model, the threshold."""

    __tablename__ = "linkage_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="system")
    backend: Mapped[str] = mapped_column(String(20), default="duckdb")
    threshold: Mapped[float] = mapped_column(Float)
    settings: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    model: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # Splink model JSON, never pickle
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)


class Person(Base):
    """A victim as linkage sees them: a cluster of reports, for one linkage run."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_key: Mapped[str] = mapped_column(String(64), index=True)  # stable: derived from members
    run_id: Mapped[int] = mapped_column(ForeignKey("linkage_runs.id"), index=True)
    display_name: Mapped[str | None] = mapped_column(String(300))
    name_key: Mapped[str | None] = mapped_column(String(300), index=True)
    n_reports: Mapped[int] = mapped_column(Integer, default=1)
    values: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # field -> {value, report_key}
    conflicts: Mapped[list[Any] | None] = mapped_column(JSON)


class PersonReport(Base):
    """Membership of a report (by its stable key) in a person, for one linkage run."""

    __tablename__ = "person_reports"
    __table_args__ = (UniqueConstraint("run_id", "report_key", name="uq_person_report_run"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("linkage_runs.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    report_key: Mapped[str] = mapped_column(String(64), index=True)


class MatchPair(Base):
    """A scored pair of reports from a linkage run, kept for review and explanation."""

    __tablename__ = "match_pairs"
    __table_args__ = (Index("ix_match_pairs_run_prob", "run_id", "match_probability"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("linkage_runs.id"))
    report_key_l: Mapped[str] = mapped_column(String(64))
    report_key_r: Mapped[str] = mapped_column(String(64))
    match_probability: Mapped[float] = mapped_column(Float)
    match_weight: Mapped[float] = mapped_column(Float)
    explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class MatchDecision(Base):
    """A human decision on a pair of reports; it overrides the model in every later run."""

    __tablename__ = "match_decisions"
    __table_args__ = (Index("ix_match_decisions_pair", "report_key_l", "report_key_r"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_key_l: Mapped[str] = mapped_column(String(64))
    report_key_r: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(20))  # same, different, unsure
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)  # a later decision supersedes


class Claim(Base):
    """A public claim about victims, extracted from a text (a document of a press/statement source)."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    claimant_name: Mapped[str | None] = mapped_column(String(300))
    claimant_role: Mapped[str | None] = mapped_column(String(300))
    medium: Mapped[str | None] = mapped_column(String(100))
    relayed_by: Mapped[str | None] = mapped_column(String(300))
    statement_date: Mapped[dt.date | None] = mapped_column(Date)
    quantity_lower: Mapped[int | None] = mapped_column(BigInteger)
    quantity_upper: Mapped[int | None] = mapped_column(BigInteger)
    quantity_qualifier: Mapped[str | None] = mapped_column(String(100))
    quantity_text: Mapped[str | None] = mapped_column(String(300))
    violation: Mapped[str | None] = mapped_column(String(40))
    victim_group: Mapped[str | None] = mapped_column(String(200))
    place: Mapped[str | None] = mapped_column(String(200))
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    alleged_perpetrator: Mapped[str | None] = mapped_column(String(200))
    attributed: Mapped[bool | None] = mapped_column(Boolean)
    hedges: Mapped[list[Any] | None] = mapped_column(JSON)
    evidence_text: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the full extracted claim
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="system")


class CandidateReport(Base):
    """A named victim found in a text: waits in a review queue, never a confirmed record."""

    __tablename__ = "candidate_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending, accepted, rejected
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class EstimateRun(Base):
    """One run of `uncounted estimate`, stored so that a report can cite it exactly."""

    __tablename__ = "estimate_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="system")
    method: Mapped[str] = mapped_column(String(40))
    settings: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    seed: Mapped[int | None] = mapped_column(BigInteger)
    data_hash: Mapped[str] = mapped_column(String(64))
    linkage_run_id: Mapped[int | None] = mapped_column(ForeignKey("linkage_runs.id"))
    lists: Mapped[list[Any] | None] = mapped_column(JSON)
    scope: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # violation, place, period, by
    observed: Mapped[int | None] = mapped_column(Integer)
    estimate: Mapped[float | None] = mapped_column(Float)
    interval_low: Mapped[float | None] = mapped_column(Float)
    interval_high: Mapped[float | None] = mapped_column(Float)
    level: Mapped[float | None] = mapped_column(Float)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the full to_dict()


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))  # admin, documenter, reviewer, analyst, viewer
    totp_secret_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)  # last accepted TOTP time step (no replay)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SourceGrant(Base):
    """A user may see a source's reports only if granted."""

    __tablename__ = "source_grants"
    __table_args__ = (UniqueConstraint("user_id", "source_id", name="uq_grant_user_source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    granted_by: Mapped[str] = mapped_column(String(100))
    granted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EvidenceFile(Base):
    """A file attached to a report, content-addressed (chain of custody)."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_key: Mapped[str | None] = mapped_column(String(64), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    original_name: Mapped[str] = mapped_column(String(500))
    media_type: Mapped[str | None] = mapped_column(String(100))
    added_by: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """Append-only, hash-chained audit log (see records.audit)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    at: Mapped[str] = mapped_column(String(40))  # ISO-8601 UTC text: hashed exactly as stored
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str | None] = mapped_column(String(60))
    object_id: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[str | None] = mapped_column(Text)  # canonical JSON text
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
