"""Tables added for the web app: server-side login sessions and the person search index.

Created by migration 0002. The search index is derived data: it can be dropped and rebuilt from
persons and reports at any time (see uncounted.server.search).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from uncounted.records.models import Base, utcnow

# Byte-wise ordering on PostgreSQL so that prefix ranges on search tokens use the index.
TOKEN_TYPE = String(100).with_variant(String(100, collation="C"), "postgresql")


class AuthSession(Base):
    """A login session. The cookie holds a random token; only its SHA-256 is stored here."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class PersonSearchRow(Base):
    """One searchable (person, report, name token) row of one linkage run."""

    __tablename__ = "person_search"
    __table_args__ = (
        # Covering indexes, person_id right after the equality columns: an exact token, a violation
        # or a place then yields persons in id order, so a page is read without sorting every match.
        Index("ix_person_search_token", "run_id", "token", "person_id", "source_id", "violation"),
        Index("ix_person_search_violation", "run_id", "violation", "person_id", "source_id"),
        Index("ix_person_search_place", "run_id", "place", "person_id", "source_id", "date_start", "date_end"),
        Index("ix_person_search_date", "run_id", "date_start", "date_end", "source_id", "person_id"),
        Index("ix_person_search_source", "run_id", "source_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("linkage_runs.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    report_key: Mapped[str] = mapped_column(String(64))
    source_id: Mapped[int] = mapped_column(Integer)
    token: Mapped[str] = mapped_column(TOKEN_TYPE, default="")
    violation: Mapped[str | None] = mapped_column(String(40))
    place: Mapped[str | None] = mapped_column(String(200))
    date_start: Mapped[dt.date | None] = mapped_column(Date)
    date_end: Mapped[dt.date | None] = mapped_column(Date)
