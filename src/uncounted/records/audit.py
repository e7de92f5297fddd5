"""Append-only, hash-chained audit log.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's own fields in a
canonical text form; changing, removing or reordering any entry breaks the chain from there on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from uncounted.errors import UncountedError
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


# ---- anchors: detecting that the newest entries were cut off ----------------------------------
#
# The chain proves that no entry inside the log changed, but deleting the last entries leaves a
# shorter chain that is still intact. An anchor is the head of the log (its last entry's number
# and hash) written down somewhere the database's administrators cannot change. Later, verifying
# against the anchor checks that this entry is still there, at the same position, with the same
# hash; a log cut off (or cut off and continued) since then fails and the anchor names what is
# missing. Entries written after the newest anchor can still be removed unseen: anchor often.

ANCHOR_KIND = "uncounted-audit-anchor"


class AnchorProblem(UncountedError):
    """An anchor cannot be read or cannot be taken."""


@dataclass(frozen=True)
class Anchor:
    """The head of the audit log at one moment."""

    seq: int                 # the last entry's number (also the number of entries in an intact log)
    hash: str                # the last entry's hash
    entries: int | None = None  # rows counted when the anchor was taken
    entry_at: str | None = None  # when the last entry was written
    anchored_at: str | None = None  # when the anchor was taken
    first_hash: str | None = None   # the first entry's hash: which log the anchor belongs to

    @property
    def short(self) -> str:
        """``SEQ:HASH``, the form `uncounted audit verify --anchor` accepts."""
        return f"{self.seq}:{self.hash}"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": ANCHOR_KIND, "seq": self.seq, "hash": self.hash, "entries": self.entries,
                "entry_at": self.entry_at, "anchored_at": self.anchored_at, "first_hash": self.first_hash}

    def to_line(self) -> str:
        """One line of JSON, as appended to an anchor file."""
        return canonical_json(self.to_dict())


def head(session: Session) -> Anchor | None:
    """The anchor of the log as it is now (None when the log is empty)."""
    last = session.execute(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).scalar_one_or_none()
    if last is None:
        return None
    first = session.execute(select(AuditEntry.hash).order_by(AuditEntry.seq).limit(1)).scalar_one()
    return Anchor(seq=last.seq, hash=last.hash, entries=count(session), entry_at=last.at,
                  anchored_at=_now_text(), first_hash=first)


def append_anchor(path: str | Path, anchor: Anchor) -> Path:
    """Append an anchor as one JSON line to ``path`` (created if need be), flushed to disk."""
    path = Path(path).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(anchor.to_line() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return path


def parse_anchor(text: str) -> Anchor:
    """One anchor from ``SEQ:HASH``, a bare 64-hex ``HASH`` (seq 0: position unknown), or a JSON line."""
    text = text.strip()
    if text.startswith("{"):
        try:
            value = json.loads(text)
            return Anchor(seq=int(value["seq"]), hash=_checked_hash(str(value["hash"])),
                          entries=value.get("entries"), entry_at=value.get("entry_at"),
                          anchored_at=value.get("anchored_at"), first_hash=value.get("first_hash"))
        except (ValueError, KeyError, TypeError) as exc:
            raise AnchorProblem(f"this anchor line is not valid: {text[:120]!r}. An anchor line is what "
                                "`uncounted audit anchor --json` prints.") from exc
    seq_text, sep, hash_text = text.rpartition(":")
    if sep and not seq_text.isdigit():
        raise AnchorProblem(f"{text[:120]!r} is not an anchor: write SEQ:HASH (e.g. 1234:9f86d0…), "
                            "a 64-character hash, or the path of an anchor file.")
    return Anchor(seq=int(seq_text) if sep else 0, hash=_checked_hash(hash_text))


def read_anchors(spec: str | Path) -> list[Anchor]:
    """The anchors named by ``spec``: an anchor file (one per line) if it exists, else one anchor text."""
    path = Path(spec).expanduser()
    if path.is_file():
        lines = [line for line in path.read_text(encoding="utf-8").splitlines()
                 if line.strip() and not line.lstrip().startswith("#")]
        if not lines:
            raise AnchorProblem(f"the anchor file {path} holds no anchor; write one with "
                                f"`uncounted audit anchor --to {path}`.")
        return [parse_anchor(line) for line in lines]
    try:
        return [parse_anchor(str(spec))]
    except AnchorProblem as exc:
        if "/" in str(spec) or str(spec).endswith((".jsonl", ".txt", ".json")):
            raise AnchorProblem(f"the anchor file {path} does not exist.") from exc
        raise


@dataclass
class AnchorCheck:
    ok: bool
    anchor: Anchor
    problem: str | None = None
    missing_from: int | None = None  # the first entry number known to be missing or replaced
    missing_to: int | None = None    # the anchored entry's number (the last one known missing)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "anchor": self.anchor.to_dict(), "problem": self.problem,
                "missing_from": self.missing_from, "missing_to": self.missing_to}


def check_anchor(session: Session, anchor: Anchor) -> AnchorCheck:
    """Is the anchored entry still in the log, at the same position, with the same hash?

    Meaningful together with :func:`verify`: an intact chain whose anchored entry is present
    proves that nothing up to the anchor was removed, changed or reordered.
    """
    if anchor.seq == 0:
        return _check_hash_only(session, anchor)
    rows = session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.id)
                           .offset(anchor.seq - 1).limit(1)).first()
    last_seq = session.execute(select(func.max(AuditEntry.seq))).scalar_one() or 0
    when = f", anchored {anchor.anchored_at}" if anchor.anchored_at else ""
    if rows is None:
        return AnchorCheck(False, anchor, (
            f"the anchored entry {anchor.seq} (hash {anchor.hash[:16]}…{when}) is missing: the log now ends at "
            f"entry {last_seq}, so entries {last_seq + 1} to {anchor.seq} were removed from its end "
            "(and any written after the anchor was taken)."), last_seq + 1, anchor.seq)
    if rows.seq != anchor.seq or rows.hash != anchor.hash:
        return AnchorCheck(False, anchor, (
            f"entry {anchor.seq} no longer has the anchored hash ({anchor.hash[:16]}…{when}): the log was cut off "
            f"at or before entry {anchor.seq} and written on from there, so the anchored entry {anchor.seq} "
            "(and perhaps entries before it) was replaced." + _first_entry_note(session, anchor)), None, anchor.seq)
    return AnchorCheck(True, anchor)


def check_anchors(session: Session, anchors: list[Anchor]) -> AnchorCheck:
    """Check every anchor (oldest first); the result is the first that fails, or the newest.

    When an anchor fails and an older one still holds, the log is known to be whole up to the
    older one, which bounds where the removal began.
    """
    if not anchors:
        raise AnchorProblem("no anchor to check.")
    last_good: AnchorCheck | None = None
    for anchor in sorted(anchors, key=lambda a: a.seq):
        result = check_anchor(session, anchor)
        if not result.ok:
            if last_good is not None and result.missing_from is None:
                result.missing_from = last_good.anchor.seq + 1
                result.problem = (result.problem or "") + (
                    f" The older anchor at entry {last_good.anchor.seq} still holds, so the loss lies in entries "
                    f"{last_good.anchor.seq + 1} to {anchor.seq}.")
            return result
        last_good = result
    assert last_good is not None
    return last_good


def _check_hash_only(session: Session, anchor: Anchor) -> AnchorCheck:
    found = session.execute(select(AuditEntry.seq).where(AuditEntry.hash == anchor.hash)).scalars().first()
    if found is None:
        last_seq = session.execute(select(func.max(AuditEntry.seq))).scalar_one() or 0
        return AnchorCheck(False, anchor, (
            f"no entry has the anchored hash {anchor.hash[:16]}…: the anchored entry was removed (the log now "
            f"ends at entry {last_seq}). Give the anchor as SEQ:HASH to learn which entries are missing."),
            None, None)
    return AnchorCheck(True, Anchor(seq=found, hash=anchor.hash))


def _first_entry_note(session: Session, anchor: Anchor) -> str:
    if not anchor.first_hash:
        return ""
    first = session.execute(select(AuditEntry.hash).order_by(AuditEntry.seq).limit(1)).scalar_one_or_none()
    if first == anchor.first_hash:
        return ""
    return (" Even the first entry differs from the anchored log's: the whole log was rewritten, or the anchor "
            "was taken on another workspace.")


def _checked_hash(text: str) -> str:
    text = text.strip().lower()
    if len(text) != 64 or any(ch not in "0123456789abcdef" for ch in text):
        raise AnchorProblem(f"{text[:80]!r} is not an entry hash (64 hexadecimal characters).")
    return text


def _now_text() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
