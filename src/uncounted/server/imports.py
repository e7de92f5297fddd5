"""Uploads and imports through the ingest module's public functions.

An upload is stored first in the content-addressed evidence store (so the exact bytes imported
are kept), then previewed (detected mapping, first rows, a dry run), then imported with the
mapping the user confirmed. The rejects file of an import is stored in the evidence store too and
is downloadable (each download is audited).
"""

from __future__ import annotations

import copy
import re
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from uncounted.errors import ImportFailed, UncountedError
from uncounted.records import audit
from uncounted.records.models import AuditEntry, Source
from uncounted.server.auth import Principal
from uncounted.server.errors import ApiError, not_found

SHA_RE = re.compile(r"^[0-9a-f]{64}$")
ALLOWED_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".jsonl")
PREVIEW_ROWS = 10
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
IGNORE = ""


def ingest_api() -> Any:
    try:
        import uncounted.ingest as ingest
    except ImportError as exc:  # pragma: no cover - the package always exists
        raise ApiError(503, "ingest_unavailable", f"The import module cannot be loaded: {exc}") from exc
    missing = [n for n in ("import_file", "read_table") if not hasattr(ingest, n)]
    if missing:
        raise ApiError(503, "ingest_unavailable", "Importing is not available in this build "
                       f"(uncounted.ingest lacks {', '.join(missing)}).")
    return ingest


def target_fields() -> list[str]:
    try:
        from uncounted.ingest.headers import ALL_FIELDS
        return list(ALL_FIELDS)
    except ImportError:
        return []


HIDDEN = "[sensitive: encrypted on import]"


def sensitive_columns(headers: list[str], source: Any = None, mapping: dict[str, str] | None = None) -> list[str]:
    """Columns that hold witness, contact, testimony or identity details, or that the source marks
    sensitive: the import stores them only encrypted (the same rule as ``uncounted.ingest.sensitive``)."""
    from uncounted.ingest.sensitive import sensitive_columns as ingest_sensitive_columns

    settings = getattr(source, "settings", None) or {}
    return ingest_sensitive_columns(headers, {h: (f or None) for h, f in (mapping or {}).items()}, settings)


def refuse_sensitive_without_key(columns: list[str], key: bytes | None) -> None:
    """Sensitive columns are imported only encrypted, so without a key the import is refused."""
    if columns and key is None:
        raise ApiError(422, "sensitive_columns_need_key",
                       f"These columns hold witness, contact, testimony or identity details: {', '.join(columns)}. "
                       "They are stored only encrypted, and this workspace has no encryption key, so the file "
                       "cannot be imported yet. An admin makes a key with `uncounted key generate --out KEYFILE`, "
                       "sets key_file = \"KEYFILE\" in uncounted.toml (or UNCOUNTED_KEY), and restarts the app; "
                       "or remove these columns from the file and upload it again.", {"columns": columns})


def safe_name(filename: str | None) -> str:
    name = (filename or "upload.csv").replace("\\", "/").rsplit("/", 1)[-1].strip() or "upload.csv"
    return re.sub(r"[^\w.\- ()]", "_", name)[:200]


def check_suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ApiError(415, "unsupported_media_type", f"{name!r} is not a file we can import; "
                       f"upload one of {', '.join(ALLOWED_SUFFIXES)} (save spreadsheets as .xlsx or .csv).")
    return suffix


def store_upload(db: Session, principal: Principal, ws: Any, filename: str, stream: Any) -> dict[str, Any]:
    name = safe_name(filename)
    check_suffix(name)
    check_size(stream, name)
    sha, size = ws.evidence.add_stream(stream)
    if size == 0:
        raise ApiError(422, "empty_file", f"{name} is empty (0 bytes): choose the file again.")
    audit.append(db, actor=principal.username, action="upload", object_type="file", object_id=sha,
                 details={"name": name, "size": size})
    return {"upload_id": sha, "filename": name, "size": size}


def check_upload_owner(db: Session, principal: Principal, upload_id: str) -> None:
    """Only the person who uploaded a file (or an admin) may preview or import it: an upload id is
    a SHA-256 that could otherwise name any file in the evidence store."""
    if principal.role == "admin":
        return
    found = db.execute(select(AuditEntry.id).where(AuditEntry.action == "upload", AuditEntry.object_id == upload_id,
                                                   AuditEntry.actor == principal.username).limit(1)).first()
    if found is None:
        raise not_found("The uploaded file")


def check_size(stream: Any, name: str, limit: int | None = None) -> None:
    """Refuse files over the limit before they reach the evidence store."""
    limit = MAX_UPLOAD_BYTES if limit is None else limit
    try:
        size = stream.seek(0, 2)
        stream.seek(0)
    except (AttributeError, OSError):
        return
    if size > limit:
        raise ApiError(413, "too_large", f"{name} has {size:,} bytes; the limit is {limit:,}. Split the file.")


def _temp_copy(ws: Any, upload_id: str, filename: str) -> Path:
    if not SHA_RE.match(upload_id or "") or not ws.evidence.has(upload_id):
        raise not_found("The uploaded file")
    suffix = check_suffix(safe_name(filename))
    tmpdir = Path(tempfile.mkdtemp(prefix="uncounted-upload-"))
    path = tmpdir / (Path(safe_name(filename)).stem + suffix)
    with ws.evidence.open(upload_id) as src, open(path, "wb") as out:
        while chunk := src.read(1 << 20):
            out.write(chunk)
    return path


def preview(ws: Any, upload_id: str, filename: str, mapping: dict[str, str] | None = None,
            source: Any = None, key: bytes | None = None) -> dict[str, Any]:
    """Headers, the detected (or given) mapping, the first rows as read, and (with a source) a dry
    run: the first rows as they would be imported, with their problems, and the problem counts.

    Cells of sensitive columns are never shown, only that they will be encrypted."""
    ingest = ingest_api()
    path = _temp_copy(ws, upload_id, filename)
    try:
        tables = ingest.read_table(path, display_name=safe_name(filename))
        table = tables[0]
        headers = list(table.headers)
        rows = []
        for _, (row_number, cells) in zip(range(PREVIEW_ROWS), table.rows):
            rows.append({"row": row_number, "cells": [_text(c) for c in cells[:len(headers)]]
                         + [""] * max(0, len(headers) - len(cells))})
        detected = detect(headers, getattr(table, "hxl_tags", None))
        chosen = {h: (mapping.get(h, IGNORE) if mapping is not None else detected.get(h, IGNORE)) for h in headers}
        flagged = sensitive_columns(headers, source, chosen)
        hidden = [i for i, h in enumerate(headers) if h in flagged]
        for row in rows:
            for i in hidden:
                if row["cells"][i].strip():
                    row["cells"][i] = HIDDEN
        fields = target_fields()
        bad = sorted({v for v in chosen.values() if v and v not in fields})
        if bad:
            raise ApiError(422, "invalid_request", f"Unknown target field(s) {bad}; choose from the list.")
        dry = None
        if source is not None:
            result = ingest.import_file(ws, path, source=source.name, mapping=mapping_object(chosen), dry_run=True,
                                        progress=False, rejects_path=path.with_name("dry.rejects.csv"), key=key)
            dry = result_summary(result)
    except ImportFailed as exc:
        raise ApiError(422, "unreadable_file", str(exc),
                       [str(p) for p in getattr(exc, "problems", [])[:50]]) from exc
    finally:
        _cleanup(path)
    return {"upload_id": upload_id, "filename": safe_name(filename), "headers": headers, "detected": detected,
            "mapping": chosen, "rows": rows, "fields": fields, "dry_run": dry,
            "sensitive_columns": flagged, "key_configured": key is not None,
            "sheets": [getattr(t, "sheet", None) for t in tables]}


def mapping_object(columns: dict[str, str]) -> Any:
    from uncounted.ingest import Mapping
    return Mapping(columns={h: (f or None) for h, f in columns.items()})


def detect(headers: list[str], hxl_tags: Any = None) -> dict[str, str]:
    from uncounted.ingest import detect_mapping
    found = detect_mapping(headers, hxl_tags)
    return {h: f for h, f in found.columns.items() if f}


def run_import(db: Session, principal: Principal, ws: Any, upload_id: str, filename: str, source_id: int,
               mapping: dict[str, str], strict: bool = False, key: bytes | None = None) -> dict[str, Any]:
    """Import an uploaded file into a source with the confirmed mapping; audit it.

    Sensitive columns are encrypted with ``key``; without a key a file that has them is refused."""
    ingest = ingest_api()
    check_upload_owner(db, principal, upload_id)
    src = db.get(Source, source_id)
    if src is None:
        raise not_found(f"Source {source_id}")
    fields = set(target_fields())
    bad = sorted({f for f in mapping.values() if f and f not in fields})
    if bad:
        raise ApiError(422, "invalid_request", f"Unknown target field(s) {bad}; choose from the list.")
    refuse_sensitive_without_key(sensitive_columns(list(mapping), src, mapping), key)
    path = _temp_copy(ws, upload_id, filename)
    rejects = path.with_name(path.stem + ".rejects.csv")
    acting = copy.copy(ws)
    acting.settings = {**ws.settings, "user": principal.username}
    try:
        result = ingest.import_file(acting, path, source=src.name, mapping=mapping_object(mapping), strict=strict,
                                    dry_run=False, rejects_path=rejects, progress=False, key=key)
    except ImportFailed as exc:
        raise ApiError(422, "import_failed", str(exc), [str(p) for p in exc.problems[:200]]) from exc
    except UncountedError as exc:
        raise ApiError(422, "import_failed", str(exc)) from exc
    finally:
        rejects_sha = None
        if rejects.exists() and rejects.stat().st_size > 0:
            rejects_sha, _ = ws.evidence.add_file(rejects)
        _cleanup(path)
    summary = result_summary(result)
    entry = audit.append(db, actor=principal.username, action="import", object_type="document",
                         object_id=summary.get("document_id"),
                         details={"upload": upload_id, "file": safe_name(filename), "source_id": src.id,
                                  "mapping": {h: f for h, f in mapping.items() if f}, "rejects_sha256": rejects_sha,
                                  "imported": summary.get("imported"), "rejected": summary.get("rejected")})
    return {**summary, "import_id": entry.seq, "rejects_available": rejects_sha is not None}


def result_summary(result: Any) -> dict[str, Any]:
    data = result.to_dict() if hasattr(result, "to_dict") else dict(vars(result))
    problems = data.get("problems") or getattr(result, "problems", None) or []
    out = {k: v for k, v in data.items() if isinstance(v, (int, float, str, bool, type(None)))
           and k != "rejects_path"}
    out["problems"] = [p if isinstance(p, dict) else _problem_dict(p) for p in problems[:500]]
    out["problems_total"] = sum((data.get("problem_counts") or {}).values()) or len(problems)
    out["problem_counts"] = data.get("problem_counts") or {}
    out["preview"] = data.get("preview") or []
    for name in ("document_id", "imported", "rejected", "rows_read"):
        if name not in out and hasattr(result, name):
            out[name] = getattr(result, name)
    return out


def _problem_dict(p: Any) -> dict[str, Any]:
    return {"row": getattr(p, "row", None), "column": getattr(p, "column", None),
            "value": getattr(p, "value", None), "expected": getattr(p, "expected", None),
            "severity": getattr(p, "severity", None), "text": str(p)}


def rejects_for_download(db: Session, principal: Principal, import_id: int) -> tuple[str, str]:
    """(sha256, download name) of an import's rejects file; the download is audited."""
    entry = db.execute(select(AuditEntry).where(AuditEntry.seq == import_id, AuditEntry.action == "import")
                       ).scalar_one_or_none()
    import json
    details = json.loads(entry.details) if entry and entry.details else {}
    sha = details.get("rejects_sha256")
    if not sha:
        raise not_found(f"A rejects file for import {import_id}")
    from uncounted.server.services import get_visible_source
    get_visible_source(db, principal, int(details.get("source_id")))
    audit.append(db, actor=principal.username, action="rejects_download", object_type="import",
                 object_id=import_id, details={"sha256": sha})
    return sha, f"rejects-{Path(details.get('file') or 'import').stem}.csv"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _cleanup(path: Path) -> None:
    try:
        for p in path.parent.iterdir():
            p.unlink()
        path.parent.rmdir()
    except OSError:
        pass
