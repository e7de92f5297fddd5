"""Append-only, hash-chained audit log.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's own fields in a
canonical text form; changing, removing or reordering any entry breaks the chain from there on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from uncounted.records.models import AuditEntry

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(prev_hash: str, seq: int, at: str, actor: str, action: str,
               object_type: str | None, object_id: str | None, details: str | None) -> str:
    body = canonical_json([prev_hash, seq, at, actor, action, object_type, object_id, details])
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append(session: Session, *, actor: str, action: str, object_type: str | None = None,
           object_id: str | int | None = None, details: Any = None) -> AuditEntry:
    """Add one entry at the end of the chain, inside the caller's transaction."""
    last = session.execute(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).scalar_one_or_none()
    prev_hash = last.hash if last else GENESIS
    seq = (last.seq + 1) if last else 1
    at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
    details_text = None if details is None else canonical_json(details)
    oid = None if object_id is None else str(object_id)
    entry = AuditEntry(
        seq=seq, at=at, actor=actor, action=action, object_type=object_type, object_id=oid,
        details=details_text, prev_hash=prev_hash,
        hash=entry_hash(prev_hash, seq, at, actor, action, object_type, oid, details_text),
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass
class ChainCheck:
    ok: bool
    entries: int
    first_bad_seq: int | None = None
    problem: str | None = None


def verify(session: Session) -> ChainCheck:
    """Recompute the chain; name the first entry that was altered, removed or reordered."""
    prev_hash = GENESIS
    expected_seq = 1
    count = 0
    for entry in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
        count += 1
        if entry.seq != expected_seq:
            return ChainCheck(False, count, entry.seq,
                              f"entry {entry.seq} stands where entry {expected_seq} was expected "
                              "(an entry was removed or the order changed)")
        if entry.prev_hash != prev_hash:
            return ChainCheck(False, count, entry.seq,
                              f"entry {entry.seq} does not point at the entry before it")
        recomputed = entry_hash(entry.prev_hash, entry.seq, entry.at, entry.actor, entry.action,
                                entry.object_type, entry.object_id, entry.details)
        if recomputed != entry.hash:
            return ChainCheck(False, count, entry.seq, f"entry {entry.seq} was altered after it was written")
        prev_hash = entry.hash
        expected_seq += 1
    return ChainCheck(True, count)


def count(session: Session) -> int:
    return session.execute(select(func.count(AuditEntry.id))).scalar_one()
