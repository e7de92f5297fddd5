"""``import_file``: one spreadsheet into the record, in one transaction, with every problem reported.

    from uncounted.ingest import import_file
    result = import_file(ws, "register.csv", source="Families Association", kind="ngo_list")
    result.imported, result.rejected, result.problems[:5]

What it does, in order: copies the file into the evidence store (by its SHA-256); stops if the same
bytes were already imported for this source; reads every sheet; maps the columns (detected, or from
a mapping file); then, in one transaction, creates the source on first use, the document (a new
version when the source already has a file of the same name), one report per good row, new report
versions for changed rows, withdrawn versions for rows that are gone, and one audit entry.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from uncounted.errors import ImportFailed, ImportProblem
from uncounted.ingest.build_process import (ChunkDone, ChunkPacker, PoolSpec, RecordIds, Sealed, WorkerPool,
                                           copy_constant)
from uncounted.ingest.headers import MIN_SCORE, date_part_field, field_scores, header_tokens
from uncounted.ingest.mapping import Mapping, detect_mapping
from uncounted.ingest.normal import Normalisers
from uncounted.ingest.problems import ProblemGroups
from uncounted.ingest.readers import Table, read_table
from uncounted.ingest.rows import FALSE_WORDS, TRUE_WORDS, BuiltRow, RowBuilder, RowStage, problem_dict
from uncounted.ingest.sensitive import (DIGEST_KEY, REDACTED, digest_key, missing_key_expectation, no_key_message,
                                        refuse_without_key, secret_digest, sensitive_columns)
from uncounted.ingest.store import (DATE_INDEXES, PreviousReport, ReportWriter, canonical_raw, previous_reports,
                                    problems_json, raw_fingerprint, report_keys)
from uncounted.normalize.dates import detect_date_order
from uncounted.normalize.vocab import PERPETRATOR_VOCAB, VIOLATION_VOCAB
from uncounted.records import audit
from uncounted.records.crypto import encrypt_fields, load_key
from uncounted.records.evidence import sha256_file
from uncounted.records.models import SOURCE_KINDS, Document, Source

PREVIEW_ROWS = 5
CHUNK_ROWS = 10_000  # rows per chunk sent to a worker process
PARALLEL_MIN_BYTES = 10_000_000  # files at least this big build their rows in worker processes ...
FREE_CORE_MARGIN = 0.5  # ... when the load average leaves a core free (up to this much over)
MAX_WORKERS = 4
ATTACH_SLOTS = 10  # SQLite attaches at most 10 databases to a connection
# Where rounds of staging files end, as parts of the file's bytes: the later rounds are small, as
# what the last ones hold is copied while the workers have nothing left to build.
ROUND_ENDS = (0.5, 0.78, 0.92, 0.98)
ROUND_ROWS = 150_000  # ... or, when the reader cannot say how far it is, every this many rows
READ_STEP = 1 << 20  # the CSV reader reads the file a megabyte at a time
STAGING_PREFIX = "import-"  # staging folders are <workspace>/tmp/import-<pid>-<random>
LOOKAHEAD_ROWS = 2000
MAX_PROBLEMS_KEPT = 2000
KIND_ALIASES = {"ngo": "ngo_list", "list": "ngo_list", "family": "ngo_list", "families": "ngo_list",
                "morgue": "morgue_or_hospital", "hospital": "morgue_or_hospital", "newspaper": "press",
                "media": "press", "news": "press", "government": "official", "commission": "official",
                "interview": "testimony", "witness": "testimony"}
MEDIA_TYPES = {"csv": "text/csv", "jsonl": "application/x-ndjson",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass
class ImportResult:
    """What an import did. ``problems`` keeps the first 2,000; ``problem_counts`` counts them all."""

    file: str
    source: str
    sha256: str
    document_id: int | None = None
    version: int | None = None
    previous_document_id: int | None = None
    source_id: int | None = None
    source_created: bool = False
    rows_read: int = 0
    imported: int = 0  # reports written: added + changed
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    rejected: int = 0
    rows_with_warnings: int = 0
    blank_rows: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    problem_counts: dict[str, int] = field(default_factory=dict)
    problem_groups: list[dict[str, Any]] = field(default_factory=list)  # same problem and value, counted
    mapping: Mapping | None = None
    mappings: dict[str, Mapping] = field(default_factory=dict)  # by sheet ("" for CSV / JSONL)
    already_imported: bool = False
    already_imported_as: str | None = None
    dry_run: bool = False
    strict: bool = False
    rejects_path: str | None = None
    encrypted_columns: list[str] = field(default_factory=list)  # sensitive columns: stored only encrypted
    preview: list[dict[str, Any]] = field(default_factory=list)
    tables: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def errors(self) -> int:
        return self.problem_counts.get("error", 0)

    @property
    def warnings(self) -> int:
        return self.problem_counts.get("warning", 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "source": self.source, "sha256": self.sha256, "document_id": self.document_id,
            "version": self.version, "previous_document_id": self.previous_document_id,
            "source_id": self.source_id, "source_created": self.source_created, "rows_read": self.rows_read,
            "imported": self.imported, "added": self.added, "changed": self.changed, "unchanged": self.unchanged,
            "withdrawn": self.withdrawn, "rejected": self.rejected, "rows_with_warnings": self.rows_with_warnings,
            "blank_rows": self.blank_rows, "already_imported": self.already_imported,
            "already_imported_as": self.already_imported_as, "dry_run": self.dry_run, "strict": self.strict,
            "rejects_path": self.rejects_path, "encrypted_columns": self.encrypted_columns,
            "seconds": round(self.seconds, 3),
            "problem_counts": self.problem_counts, "problem_groups": self.problem_groups,
            "problems": [_problem_json(p) for p in self.problems],
            "mappings": {k: m.to_dict() for k, m in self.mappings.items()},
            "tables": self.tables, "preview": self.preview,
        }


def import_file(ws: Any, path: str | Path, *, source: str, kind: str | None = None,
                mapping: Mapping | str | Path | None = None, strict: bool = False, dry_run: bool = False,
                rejects_path: str | Path | None = None, progress: bool = True, encoding: str | None = None,
                delimiter: str | None = None, date_order: str | None = None,
                two_digit_year_pivot: int | None = None, key: bytes | None = None,
                workers: int | None = None) -> ImportResult:
    """Import one CSV, XLSX or JSON Lines file as a document of ``source``; see docs/importing.md.

    ``strict``: any problem (error or warning) fails the whole import and nothing is written.
    Otherwise rows with errors are left out and written, with their reasons, to ``rejects_path``
    (default: ``<file>.rejects.csv`` beside the file); rows with warnings are imported.
    ``dry_run``: read and check everything, write nothing.
    ``key``: the 32-byte key that encrypts sensitive columns (witness and contact details, testimony,
    identity numbers, columns the source marks sensitive); default: the workspace's key
    (``records.crypto.load_key``). A file with sensitive columns is refused when there is no key.
    ``workers``: processes that build the rows of a first import in parallel with the writing
    (default: two or more for a file of 10 MB or more when the machine has a core to spare, else
    none; 0 builds every row in this process). What is stored is the same either way.
    Raises ImportFailed when nothing can be imported (and nothing was written).
    """
    started = time.perf_counter()
    plan = _WorkerPlan(workers, Path(path), dry_run)
    try:
        return _import_file(ws, path, plan, started, source=source, kind=kind, mapping=mapping, strict=strict,
                            dry_run=dry_run, rejects_path=rejects_path, progress=progress, encoding=encoding,
                            delimiter=delimiter, date_order=date_order, two_digit_year_pivot=two_digit_year_pivot,
                            key=key)
    finally:
        plan.close()


def _import_file(ws: Any, path: str | Path, plan: "_WorkerPlan", started: float, *, source: str, kind: str | None,
                 mapping: Mapping | str | Path | None, strict: bool, dry_run: bool,
                 rejects_path: str | Path | None, progress: bool, encoding: str | None, delimiter: str | None,
                 date_order: str | None, two_digit_year_pivot: int | None, key: bytes | None) -> ImportResult:
    path = Path(path)
    source = _clean_source_name(source)
    kind = _clean_kind(kind)
    explicit = Mapping.load(mapping) if isinstance(mapping, (str, Path)) else mapping
    original_name = path.name
    if not path.is_file():
        raise ImportFailed(f"{path}: no such file. Check the path and try again.")
    if key is None:
        key = load_key(ws, required=False)
    source_settings = _source_settings(ws, source)
    if key is None and not dry_run:  # refuse before the file is copied into the evidence store
        _refuse_sensitive_without_key(path, original_name, explicit, source_settings, encoding, delimiter)
    if dry_run:
        sha, size = sha256_file(path)
        stored = path
    else:
        evidence = ws.evidence
        sha, size = evidence.add_file(path)
        # Parse the stored copy, so what is imported is exactly what was hashed. An encrypted copy
        # cannot be parsed as it lies; then the user's own file is read (it is plain on disk
        # already, and decrypting the copy to a temporary file would leave another plain copy).
        stored = path if evidence.encrypts else evidence.path_for(sha)
    result = ImportResult(file=original_name, source=source, sha256=sha, dry_run=dry_run, strict=strict)

    with ws.session() as session:
        src = session.execute(select(Source).where(Source.name == source)).scalar_one_or_none()
        if src is not None and kind is not None and src.kind != kind:
            raise ImportFailed(f"Source {source!r} already exists with kind {src.kind!r}, not {kind!r}. Leave out "
                               "--kind, or use another source name if this is a different source.")
        if src is not None:
            done = session.execute(select(Document).where(Document.source_id == src.id,
                                                          Document.sha256 == sha)).scalar_one_or_none()
            if done is not None:
                result.already_imported, result.already_imported_as = True, done.original_name
                result.document_id, result.version, result.source_id = done.id, done.version, src.id
                result.seconds = time.perf_counter() - started
                if not dry_run:
                    return result

    enc = encoding or (explicit.encoding if explicit else None)
    delim = delimiter or (explicit.delimiter if explicit else None)
    tables = read_table(stored, encoding=enc, delimiter=delim, display_name=original_name)
    settings = ws.settings
    order_explicit = date_order or (explicit.date_order if explicit else None)
    pivot = two_digit_year_pivot if two_digit_year_pivot is not None else (
        explicit.two_digit_year_pivot if explicit and explicit.two_digit_year_pivot is not None
        else int(settings.get("two_digit_year_pivot") or 30))
    gazetteer = (explicit.gazetteer if explicit else None) or settings.get("gazetteer")
    if gazetteer and not Path(gazetteer).is_absolute() and not (explicit and explicit.gazetteer):
        gazetteer = str(Path(ws.path) / gazetteer)  # the setting is relative to the workspace folder
    vocabulary = explicit.vocabulary if explicit else {}

    file_problems: list[ImportProblem] = []
    plans = []
    for table in tables:
        table_mapping = detect_mapping(table.headers, table.hxl_tags, base=explicit)
        file_problems.extend(table.problems)
        file_problems.extend(_mapping_problems(table, table_mapping, explicit))
        head = _lookahead(table)
        table_mapping, notes = _refined_mapping(table, table_mapping, head, explicit)
        file_problems.extend(notes)
        order, order_problem = _choose_date_order(table, table_mapping, head, order_explicit,
                                                  settings.get("date_order") or "dmy")
        if order_problem:
            file_problems.append(order_problem)
        table_mapping.date_order = order
        table_mapping.two_digit_year_pivot = pivot
        table_mapping.sensitive = sensitive_columns(table.headers, table_mapping.columns, source_settings)
        if table_mapping.sensitive and key is None:
            if not dry_run:
                refuse_without_key(table_mapping.sensitive, table.label)
            file_problems.append(ImportProblem(table.label, None, None, None,
                                               missing_key_expectation(table_mapping.sensitive), "warning"))
        result.encrypted_columns += [h for h in table_mapping.sensitive if h not in result.encrypted_columns]
        plans.append((table, table_mapping, head, order))
        result.mappings[table.sheet or ""] = table_mapping
    result.mapping = _merged_mapping([m for _, m, _, _ in plans], explicit, gazetteer, vocabulary)

    enc_key = key
    normalisers: dict[str, Normalisers] = {}
    n_workers = plan.count()
    staging = _StagingFolder(Path(ws.path) / "tmp")
    rejects = RejectsWriter(rejects_path or _default_rejects_path(path), dry_run,
                            fallback_dir=None if rejects_path else Path(ws.path) / "rejects")
    counts: Counter[str] = Counter()
    kept: list[ImportProblem] = []
    groups = ProblemGroups()

    def note(problem: ImportProblem) -> None:
        counts[problem.severity] += 1
        groups.add(problem)
        if len(kept) < MAX_PROBLEMS_KEPT:
            kept.append(problem)

    def merge(done: ChunkDone) -> None:
        """The problems of a chunk built in a worker, as if each had been noted in turn."""
        counts.update(done.severities)
        groups.merge_from(done.groups)
        if len(kept) < MAX_PROBLEMS_KEPT:
            kept.extend(done.kept[:MAX_PROBLEMS_KEPT - len(kept)])

    for problem in file_problems:
        note(problem)
    # A write the store refused (a constraint), through SQLAlchemy or from ReportWriter's own driver calls.
    refused_write = (IntegrityError, ws.engine.dialect.loaded_dbapi.IntegrityError)
    try:
        with _few_collections(), ws.session() as session, (
                nullcontext() if dry_run else ReportWriter(session, bulk=n_workers > 0)) as writer:
            src, created = _source(session, source, kind, ws.actor, dry_run)
            result.source_id, result.source_created = (src.id if src else None), created
            previous = _latest_document(session, src.id, original_name) if src and src.id else None
            doc = None
            if not dry_run:
                doc = Document(source_id=src.id, sha256=sha, size=size, original_name=original_name,
                               media_type=MEDIA_TYPES.get(tables[0].format), added_by=ws.actor,
                               version=(previous.version + 1) if previous else 1,
                               previous_id=previous.id if previous else None, mapping=result.mapping.to_dict())
                session.add(doc)
                session.flush()
                result.document_id, result.version = doc.id, doc.version
            result.previous_document_id = previous.id if previous else None
            old = previous_reports(session, src.id, original_name) if (previous and src) else {}
            seen: set[str] = set()
            changed_old_ids: list[int] = []
            bar = _progress_bar(tables, stored, progress)
            for table, table_mapping, head, order in plans:
                key = f"{order}|{pivot}"
                options = dict(date_order=order, pivot=pivot, gazetteer=gazetteer, vocabulary=vocabulary,
                               kind=src.kind if src is not None else (kind or "other"))
                if key not in normalisers:
                    normalisers[key] = Normalisers(**options)
                builder = RowBuilder(table, table_mapping.columns, normalisers[key], table_mapping.sensitive)
                rejects.start_table(table, [i for _, i in builder.secret_index])
                pool_workers = _pool_workers(n_workers, writer, builder, old, staging)
                if pool_workers:
                    spec = PoolSpec(file=table.file, sheet=table.sheet, headers=list(table.headers),
                                    header_row=table.header_row, original_headers=list(table.original_headers),
                                    format=table.format, columns=dict(table_mapping.columns),
                                    normaliser_options=options, source_name=source, lineage=original_name,
                                    store="sqlite" if writer.is_sqlite else "postgresql",
                                    staging_dir=staging.path() if writer.is_sqlite else "",
                                    source_id=src.id, document_id=doc.id,
                                    constants=_copy_constants(writer, src.id, doc.id, table.sheet, ws.actor))
                    stats = _import_rows_in_workers(table, builder, head, writer, plan.pool(pool_workers, spec),
                                                    staging, result, rejects, merge, kept, bar, size, ws.actor)
                else:
                    stats = _import_rows(table, builder, head, writer, doc, src, source, original_name, old, seen,
                                         changed_old_ids, result, rejects, note, ws.actor, bar, enc_key)
                result.tables.append(stats)
            if bar is not None:
                bar.close()
            gone = [(p.id, p.version) for k, p in old.items() if k not in seen and not p.withdrawn]
            result.withdrawn = len(gone)
            if writer is not None:
                writer.flush()
                reason = f"row no longer in {original_name} (document version {result.version})"
                writer.copy_as_withdrawn(gone, doc.id, ws.actor, reason)
                writer.mark_not_current(changed_old_ids + [g[0] for g in gone])
            result.problem_counts = dict(counts)
            result.problems = kept
            result.problem_groups = groups.summary()
            result.rejects_path = rejects.final_path
            if strict and (counts["error"] or counts["warning"]):
                raise ImportFailed(_strict_message(result), kept)
            if result.rows_read == 0:
                raise ImportFailed(f"{original_name} has a header but no data rows: nothing to import. Check that "
                                   "the file was saved completely (and, for a workbook, that the data is on a sheet "
                                   "with a header row).",
                                   [ImportProblem(original_name, None, None, None, "data rows below the header")])
            if result.imported + result.unchanged == 0 and result.rejected:
                raise ImportFailed(f"No row of {original_name} could be imported: all {result.rejected:,} rows "
                                   "have errors (listed below, and in the rejects file). Nothing was written.",
                                   kept)
            if doc is not None:
                doc.summary = _summary(result, tables)
                audit.append(session, actor=ws.actor, action="import", object_type="document", object_id=doc.id,
                             details={"file": original_name, "sha256": sha, "size": size, "source": source,
                                      "source_created": created, "version": doc.version,
                                      "previous_document_id": result.previous_document_id,
                                      **{k: getattr(result, k) for k in ("rows_read", "imported", "added", "changed",
                                                                         "unchanged", "withdrawn", "rejected")}})
            if dry_run:
                session.rollback()
    except refused_write as exc:
        staging.remove()
        rejects.discard()
        refused = getattr(exc, "orig", exc)
        raise ImportFailed(f"{original_name} could not be imported because the store refused a write ({refused}). "
                           "If another import of the same file or source was running at the same time, wait for "
                           "it and try again; nothing was written.") from exc
    except BaseException:
        staging.remove()
        rejects.finish()
        raise
    staging.remove()
    rejects.finish()
    result.rejects_path = rejects.final_path
    result.seconds = time.perf_counter() - started
    return result


# ---- the row loop ---------------------------------------------------------------------------------

def _import_rows(table: Table, builder: RowBuilder, head: list[tuple[int, list[Any]]], writer: ReportWriter | None,
                 doc: Document | None, src: Source | None, source_name: str, lineage: str,
                 old: dict[str, PreviousReport], seen: set[str], changed_old_ids: list[int], result: ImportResult,
                 rejects: "RejectsWriter", note: Any, actor: str, bar: Any, enc_key: bytes | None = None
                 ) -> dict[str, Any]:
    """Build, check and write every row of one table; returns the table's own counts.

    A row's sensitive cells (``built.secret``) are encrypted with ``enc_key`` into ``sensitive_enc``,
    bound to the row's report key; ``raw`` keeps only their keyed digest.
    """
    sheet = table.sheet
    source_id = src.id if src else None
    doc_id = doc.id if doc else None
    is_sqlite = writer.is_sqlite if writer else True
    created_at = writer.created_at if writer else None
    true, false = (writer.true, writer.false) if writer else (True, False)
    versioning = bool(old)
    first_versions = writer is not None and writer.use_first_versions(source_id=source_id, document_id=doc_id,
                                                                      sheet=sheet, actor=actor)
    key_of = report_keys(source_name, lineage, sheet)
    subkey = digest_key(enc_key) if enc_key is not None and builder.sensitive else None
    rows = read = 0
    start_rejected, start_imported = result.rejected, result.imported
    progress_every = 5000
    stage = RowStage(builder)
    for built in (stage.build(row_number, cells) for row_number, cells in chain(head, table.rows)):
        rows += 1
        if bar is not None and rows % progress_every == 0:
            _advance(bar, table, progress_every)
        if built is None:
            result.blank_rows += 1
            continue
        read += 1
        row_number = built.row_number
        record_id = built.record_id
        for problem in built.problems:
            note(problem)
        key = key_of(record_id, row_number)
        if built.rejected:
            result.rejected += 1
            if key in old:
                seen.add(key)  # a row that is still in the list is not withdrawn because it is now unreadable
            rejects.add(built)
            continue
        if built.problems and any(p.severity != "info" for p in built.problems):
            result.rows_with_warnings += 1
        if len(result.preview) < PREVIEW_ROWS:
            result.preview.append(_preview(table, built))
        secret = built.secret
        if secret and subkey is not None:
            built.raw[DIGEST_KEY] = secret_digest(subkey, secret)
        raw_json = canonical_raw(built.raw)
        supersedes = None
        version = 1
        if versioning:
            seen.add(key)
            before = old.get(key)
            if before is not None:
                if not before.withdrawn and before.fingerprint == raw_fingerprint(raw_json):
                    result.unchanged += 1
                    continue
                supersedes, version = before.id, before.version + 1
                changed_old_ids.append(before.id)
                result.changed += 1
            else:
                result.added += 1
        else:
            result.added += 1
        result.imported += 1
        values = built.values
        if writer is None:
            continue
        if is_sqlite:
            for i in DATE_INDEXES:
                if values[i] is not None:
                    values[i] = values[i].isoformat()
        problems = problems_json(built.problems) if built.problems else None
        if secret and enc_key is None:  # cannot happen: import_file refuses sensitive columns without a key
            raise ImportFailed(no_key_message(list(secret), table.label))
        sealed = encrypt_fields(enc_key, secret, report_key=key) if secret else None
        if first_versions and version == 1 and sealed is None:
            writer.add_first_version((key, row_number, *values, raw_json, problems))
            continue
        writer.add([key, version, true, false, source_id, doc_id, row_number, sheet, *values, raw_json, problems,
                    sealed, created_at, actor, "changed in the new version of the file" if supersedes else None, supersedes])
    if bar is not None:
        _advance(bar, table, rows % progress_every)
    result.rows_read += read
    return {"sheet": sheet, "header_row": table.header_row, "rows_read": read, "format": table.format,
            "encoding": table.encoding, "delimiter": table.delimiter, "preamble": table.preamble,
            "imported": result.imported - start_imported, "rejected": result.rejected - start_rejected,
            "workers": 0}


def _import_rows_in_workers(table: Table, builder: RowBuilder, head: list[tuple[int, list[Any]]],
                            writer: ReportWriter, pool: WorkerPool, staging: "_StagingFolder",
                            result: ImportResult, rejects: "RejectsWriter", merge: Any, kept: list[ImportProblem],
                            bar: Any, size: int, actor: str) -> dict[str, Any]:
    """``_import_rows`` for a first version of a plain table, with the rows built in worker processes.

    This process reads the rows, finds repeated record ids (a worker sees only its own chunks),
    sends chunks to the least busy worker, and writes what they built in row order; see
    ``ingest.build_process``. Counts, problems, rejects and the preview come out as ``_import_rows``
    gives them.
    """
    start_rejected, start_imported = result.rejected, result.imported
    workers = pool.size
    assert pool.spec is not None
    ids = RecordIds(builder)
    rounds = _Rounds(table, staging.free_slots // workers if writer.is_sqlite else 1, size, head)
    constants = dict(source_id=pool.spec.source_id, document_id=pool.spec.document_id, sheet=table.sheet,
                     actor=actor)
    round_rows: list[tuple[str, int, int]] = []  # staged chunks of the round, until its files are sealed
    state = {"seals": 0, "read": 0}

    def handle(answer: ChunkDone | Sealed) -> None:
        if isinstance(answer, Sealed):
            if answer.path:
                staging.attached(answer.path)
            # Answers come in the order sent: a round's chunks, then its seals (one per worker), then
            # the next round's chunks. The round's last seal hands its rows to the writer.
            state["seals"] += 1
            if state["seals"] % workers == 0:
                writer.insert_staged(list(round_rows), **constants)
                round_rows.clear()
            return
        state["read"] += answer.read
        result.rejected += len(answer.rejected)
        result.imported += answer.imported
        result.added += answer.imported
        result.rows_with_warnings += answer.with_warnings
        merge(answer)
        for built in answer.rejected:
            rejects.add(built)
        for built in answer.preview:
            if len(result.preview) < PREVIEW_ROWS:
                result.preview.append(_preview(table, built))
        if answer.staged is not None and answer.staged[1] <= answer.staged[2]:
            round_rows.append(answer.staged)
        if answer.copy_text:
            writer.copy_text(answer.copy_text)
        if bar is not None:
            _advance(bar, table, answer.read)

    def seal_round() -> None:
        for worker in range(workers):
            pool.send(worker, ("seal",))

    try:
        rows = chain(head, table.rows)
        while True:
            chunk = ChunkPacker()
            blank, ended = chunk.fill(rows, ids, CHUNK_ROWS)
            result.blank_rows += blank
            if len(chunk):
                pool.send(pool.least_busy(), ("chunk", chunk.pack(), len(kept) < MAX_PROBLEMS_KEPT,
                                              len(result.preview) < PREVIEW_ROWS))
            if ended:
                break
            if writer.is_sqlite and rounds.ended(CHUNK_ROWS):
                seal_round()
            for answer in pool.ready_answers():
                handle(answer)
            while pool.pending > 4 * workers:  # (keeps the answers waiting here few)
                handle(pool.next_answer())
        if writer.is_sqlite:
            seal_round()
        while pool.pending:
            handle(pool.next_answer())
    except BaseException:
        pool.close(abort=True)
        raise
    pool.close()
    result.rows_read += state["read"]
    return {"sheet": table.sheet, "header_row": table.header_row, "rows_read": state["read"], "format": table.format,
            "encoding": table.encoding, "delimiter": table.delimiter, "preamble": table.preamble,
            "imported": result.imported - start_imported, "rejected": result.rejected - start_rejected,
            "workers": workers}


class _Rounds:
    """When a round of staging files ends: at fixed parts of the table (a big last round would be
    copied into the store while the workers sit idle), at most ``rounds`` rounds.

    A CSV file's part is the larger of the rows sent against the rows its size and first rows
    suggest, and (for a file much bigger than the reader's one-megabyte steps) the bytes read;
    other tables end a round every ROUND_ROWS rows.
    """

    def __init__(self, table: Table, rounds: int, size: int, head: list[tuple[int, list[Any]]]):
        self.table = table
        self.size = size
        self.parts = list(ROUND_ENDS[:max(0, rounds - 1)])
        self.expected = _expected_rows(table, size, head)
        self.rows = 0
        self.round = 0

    def ended(self, rows: int) -> bool:
        """True once per round end, after ``rows`` more rows were sent."""
        self.rows += rows
        if not self.parts:
            return False
        if not self.expected:
            done = self.rows >= ROUND_ROWS * (self.round + 1)
        else:
            done = self.rows / self.expected >= self.parts[0] or (
                self.size >= 16 * READ_STEP and self.table.progress is not None
                and self.table.progress() / self.size >= self.parts[0])
        if done:
            self.parts.pop(0)
            self.round += 1
        return done


def _expected_rows(table: Table, size: int, head: list[tuple[int, list[Any]]]) -> float:
    """About how many rows a CSV file holds, from its size and its first rows (0: not a CSV file)."""
    if table.format != "csv" or not head or not size:
        return 0.0
    encoding = table.encoding or "utf-8"
    delimiter = table.delimiter or ","
    sample = sum(len(delimiter.join(cells).encode(encoding, "replace")) + 1 for _, cells in head)
    return size / max(1.0, sample / len(head))


class _StagingFolder:
    """The folder of one import's staging files (SQLite): in the workspace's ``tmp`` folder (on the
    disk that must hold the rows anyway), removed at the end; folders left by imports that were
    killed are removed by the next one. Also counts the databases still free to attach."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self._path: str | None = None
        self.free_slots = ATTACH_SLOTS
        if base.is_dir():
            _remove_stale_staging(base)

    def path(self) -> str:
        if self._path is None:
            self.base.mkdir(parents=True, exist_ok=True)
            self._path = tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=self.base)
        return self._path

    def attached(self, _file: str) -> None:
        self.free_slots -= 1

    def remove(self) -> None:
        if self._path is not None:
            shutil.rmtree(self._path, ignore_errors=True)
            self._path = None


def _remove_stale_staging(base: Path) -> None:
    """Remove the staging folders of imports whose process is gone (killed midway)."""
    for folder in base.glob(f"{STAGING_PREFIX}*-*"):
        try:
            pid = int(folder.name[len(STAGING_PREFIX):].split("-", 1)[0])
        except ValueError:
            continue
        if pid != os.getpid() and not _process_alive(pid):
            shutil.rmtree(folder, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True


def _pool_workers(requested: int, writer: ReportWriter | None, builder: RowBuilder,
                  old: dict[str, PreviousReport], staging: _StagingFolder) -> int:
    """How many worker processes build this table's rows (0: built in this process). Workers build
    first versions of plain tables only; on SQLite, each round needs one free attachment per worker."""
    if writer is None or requested <= 0 or old or builder.is_jsonl or builder.sensitive:
        return 0
    if writer.is_sqlite and staging.free_slots < requested:
        return 0
    return requested


def _copy_constants(writer: ReportWriter | None, source_id: int, document_id: int, sheet: str | None,
                    actor: str) -> dict[str, Any]:
    """(PostgreSQL) The columns that are the same for every row of the table, as COPY text."""
    if writer is None or writer.is_sqlite:
        return {}
    created = writer.created_at
    return {"version": "1", "is_current": "t", "withdrawn": "f", "source_id": str(source_id),
            "document_id": str(document_id), "sheet": copy_constant(sheet), "sensitive_enc": "\\N",
            "created_at": copy_constant(created), "created_by": copy_constant(actor), "change_reason": "\\N",
            "supersedes_id": "\\N"}


class _WorkerPlan:
    """How many worker processes build the rows (``import_file(workers=)``), and their early start.

    By default a file of PARALLEL_MIN_BYTES or more gets workers when the machine has a core to
    spare. When the load average says so, they start before the file is hashed, so that loading
    their modules overlaps the hashing. When it does not (it lags a minute behind a job that has
    just ended), the choice waits until the file is hashed and read, and how idle the cores were
    meanwhile decides.
    """

    def __init__(self, requested: int | None, path: Path, dry_run: bool):
        self._count: int | None = None
        self._early: WorkerPool | None = None
        try:
            size = path.stat().st_size
        except OSError:  # reported (as a missing file) by the import itself
            size = 0
        if dry_run:
            self._count = 0
        elif requested is not None:
            self._count = max(0, int(requested))
        elif size < PARALLEL_MIN_BYTES or path.suffix.lower() in (".jsonl", ".ndjson"):
            self._count = 0  # (JSON Lines is built in this process)
        elif _load_leaves_a_core():
            self._count = _default_workers()
        # undecided: measured from now until the file is hashed and read
        self.idle = _IdleCores() if self._count is None else None
        if self._count:
            self._early = WorkerPool(self._count)

    def count(self) -> int:
        """The number of workers a table may use (0: none)."""
        if self._count is None:
            assert self.idle is not None
            self._count = _default_workers() if self.idle.cores() >= 1 - FREE_CORE_MARGIN else 0
        return self._count

    def pool(self, workers: int, spec: PoolSpec) -> WorkerPool:
        """A pool of ``workers`` processes told to build ``spec``: the early one while unused."""
        early, self._early = self._early, None
        if early is not None and early.size == workers:
            early.start(spec)
            return early
        if early is not None:
            early.close(abort=True)
        return WorkerPool(workers, spec)

    def close(self) -> None:
        """Stop the early workers if no table used them (a re-import, a file already imported)."""
        if self._early is not None:
            self._early.close(abort=True)
            self._early = None


def _default_workers() -> int:
    return max(2, min(MAX_WORKERS, _cores()))


def _load_leaves_a_core() -> bool:
    """True when the machine has two or more cores and the load average of the last minute leaves
    about one of them free."""
    cores = _cores()
    if cores < 2:
        return False
    try:
        load = os.getloadavg()[0]
    except OSError:  # not available on this system: then by the idle cores (``_IdleCores``)
        return False
    return load <= cores - 1 + FREE_CORE_MARGIN


class _IdleCores:
    """How many cores sat idle from its creation until ``cores()`` is asked, counting the CPU this
    process used meanwhile as idle (it is the import's own), from /proc/stat (Linux; else 0)."""

    MIN_SECONDS = 0.25  # shorter spans are too few clock ticks to tell

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.own_cpu = time.process_time()
        self.times = _cpu_times()

    def cores(self) -> float:
        if _cores() < 2:
            return 0.0
        waited = time.perf_counter() - self.started
        if waited < self.MIN_SECONDS:
            time.sleep(self.MIN_SECONDS - waited)
        elapsed = time.perf_counter() - self.started
        now = _cpu_times()
        if self.times is None or now is None or now[1] <= self.times[1]:
            return 0.0
        idle = (now[0] - self.times[0]) / (now[1] - self.times[1]) * _cores()
        return idle + (time.process_time() - self.own_cpu) / elapsed


def _cores() -> int:
    return os.cpu_count() or 1


def _cpu_times() -> tuple[int, int] | None:
    """(idle, total) clock ticks of all cores since boot (Linux), or None."""
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            fields = [int(v) for v in handle.readline().split()[1:]]
        return fields[3] + (fields[4] if len(fields) > 4 else 0), sum(fields[:8])
    except (OSError, ValueError, IndexError):
        return None


@contextmanager
def _few_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while rows are built (they make no cycles, but a
    million of them make the collector run thousands of times); restored afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _lookahead(table: Table) -> list[tuple[int, list[Any]]]:
    head = []
    for item in table.rows:
        head.append(item)
        if len(head) >= LOOKAHEAD_ROWS:
            break
    return head


def _preview(table: Table, built: BuiltRow) -> dict[str, Any]:
    from uncounted.ingest.store import VALUE_COLUMNS as cols

    values = {c: (v.isoformat() if isinstance(v, dt.date) else v) for c, v in zip(cols, built.values or [])
              if v is not None}
    return {"sheet": table.sheet, "row": built.row_number, "values": values,
            "problems": [str(p) for p in built.problems]}


# ---- settings, mapping and source ---------------------------------------------------------------

def _clean_source_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ImportFailed("A source name is needed (--source NAME): the organisation or list the file comes from.")
    if len(name) > 200:
        raise ImportFailed(f"The source name is {len(name)} characters long; use at most 200.")
    return name


def _clean_kind(kind: str | None) -> str | None:
    if kind is None:
        return None
    value = kind.strip().lower().replace("-", "_").replace(" ", "_")
    value = KIND_ALIASES.get(value, value)
    if value not in SOURCE_KINDS:
        raise ImportFailed(f"Unknown source kind {kind!r}; use one of {', '.join(SOURCE_KINDS)}.")
    return value


def _source(session: Any, name: str, kind: str | None, actor: str, dry_run: bool) -> tuple[Source | None, bool]:
    src = session.execute(select(Source).where(Source.name == name)).scalar_one_or_none()
    if src is not None:
        return src, False
    if dry_run:
        return None, True
    src = Source(name=name, kind=kind or "other", created_by=actor)
    session.add(src)
    session.flush()
    return src, True


def _source_settings(ws: Any, name: str) -> dict[str, Any]:
    """The settings of an existing source (its ``sensitive_fields``), or {} for a new one."""
    with ws.session() as session:
        settings = session.execute(select(Source.settings).where(Source.name == name)).scalar_one_or_none()
    return dict(settings or {})


def _refuse_sensitive_without_key(path: Path, original_name: str, explicit: Mapping | None,
                                  source_settings: dict[str, Any], encoding: str | None,
                                  delimiter: str | None) -> None:
    """Without a key, read the file's headers and stop if any column is sensitive."""
    enc = encoding or (explicit.encoding if explicit else None)
    delim = delimiter or (explicit.delimiter if explicit else None)
    for table in read_table(path, encoding=enc, delimiter=delim, display_name=original_name):
        columns = detect_mapping(table.headers, table.hxl_tags, base=explicit).columns
        refuse_without_key(sensitive_columns(table.headers, columns, source_settings), table.label)


def _latest_document(session: Any, source_id: int, original_name: str) -> Document | None:
    return session.execute(select(Document).where(Document.source_id == source_id,
                                                  Document.original_name == original_name)
                           .order_by(Document.version.desc(), Document.id.desc()).limit(1)).scalar_one_or_none()


def _mapping_problems(table: Table, mapping: Mapping, explicit: Mapping | None) -> list[ImportProblem]:
    problems = []
    label = table.label
    if explicit is not None:
        missing = [h for h, f in explicit.columns.items() if f and h not in table.headers]
        for header in missing:
            problems.append(ImportProblem(label, table.header_row, header, None,
                                          f"a column named {header!r}, which the mapping file maps to "
                                          f"{explicit.columns[header]!r}; this file has no such column", "warning"))
    mapped = {f for f in mapping.columns.values() if f}
    if not mapped & {"name", "given_name", "family_name"} and explicit is None:
        found = ", ".join(repr(h) for h in table.headers[:30])
        detected = "; ".join(f"{h!r} -> {f}" for h, f in mapping.columns.items() if f) or "none"
        raise ImportFailed(
            f"{label}: no column was recognised as the victim's name, so the header row was probably not "
            f"understood. The header (row {table.header_row}) has the columns {found}. Columns recognised: {detected}. "
            "Write a mapping file that names the columns (run with --dry-run --save-mapping mapping.toml, edit "
            "it, then import with --mapping mapping.toml).",
            [ImportProblem(label, table.header_row, None, None, "a column with the victim's name")])
    return problems


# Fields whose values are never a bare yes or no: a column detected as one of them by its header but
# holding only yes/no values ("Body found", "Tortured?") was misread, and is kept in the raw row only.
_NOT_YES_NO_FIELDS = frozenset({"father_name", "age", "age_sex", "birth_year", "community", "occupation", "residence",
                                "violation", "event_date", "event_place", "district", "perpetrator", "record_id",
                                "date_place", "event_day", "event_month", "event_year", "given_name", "family_name"})
YES_NO_MIN_VALUES = 3  # non-empty values in the first rows before a column is judged by them


def _refined_mapping(table: Table, mapping: Mapping, head: list[tuple[int, list[Any]]],
                     explicit: Mapping | None) -> tuple[Mapping, list[ImportProblem]]:
    """The mapping the headers gave, mended by what the first rows hold and by how the columns go
    together, with a note for each change: columns of yes/no misread by their header, a case number
    read as the record id, tick boxes of violations, vague headers over words of what happened or of
    who did it, day / month / year columns, a police station beside a place of occurrence."""
    mapping, notes = _without_misread_columns(table, mapping, head, explicit)
    notes.extend(_tick_box_columns(table, mapping, head, explicit))
    notes.extend(_columns_by_their_words(table, mapping, head, explicit))
    notes.extend(_split_date_columns(table, mapping, explicit))
    notes.extend(_police_station_as_area(table, mapping, explicit))
    return mapping, notes


def _without_misread_columns(table: Table, mapping: Mapping, head: list[tuple[int, list[Any]]],
                            explicit: Mapping | None) -> tuple[Mapping, list[ImportProblem]]:
    """The mapping without the columns its header detection got wrong by their values: mapped by
    their header (not by a mapping file or HXL) to a field that never holds a bare yes/no, while
    their first rows hold nothing but yes/no; or read as the record id while one id is shared by
    different people (a case number). Each is kept in the raw rows only, with a note, and the
    detection runs again, so that another column can take the field ("Place of arrest" once "Body
    found" is set aside, "S.No" once "Case No." is)."""
    pinned: dict[str, str | None] = {}
    notes: list[ImportProblem] = []
    for _ in range(len(_NOT_YES_NO_FIELDS) + 1):
        found = _yes_no_columns(table, mapping, head) + _case_number_columns(table, mapping, head)
        if not found:
            break
        for header, why in found:
            pinned[header] = None
            notes.append(ImportProblem(table.label, table.header_row, header, None, why, "info"))
        base = replace(explicit, columns={**explicit.columns, **pinned}) if explicit else Mapping(columns=dict(pinned))
        mapping = detect_mapping(table.headers, table.hxl_tags, base=base)
    return mapping, notes


def _yes_no_columns(table: Table, mapping: Mapping, head: list[tuple[int, list[Any]]]) -> list[tuple[str, str]]:
    found = []
    for i, header in enumerate(table.headers):
        field_name = mapping.columns.get(header)
        if field_name in _NOT_YES_NO_FIELDS and mapping.origin.get(header) == "header" and _only_yes_no(head, i):
            found.append((header, f"values for the field {field_name} (as the column's name suggests), but its first "
                                  "rows hold only yes/no values, so it is kept in the raw rows only; name its field in "
                                  "a mapping file if it means something"))
    return found


SHARED_IDS_SHARE = 0.05  # of a record id column's first ids that name two people or more: a case number


def _case_number_columns(table: Table, mapping: Mapping, head: list[tuple[int, list[Any]]]) -> list[tuple[str, str]]:
    """The record id column (by its header) when its first rows give one id to different people
    ("Case No." 12 for the three people killed in one incident): ids of a case, not of a person,
    which would reject every person after the first as a repeat."""
    column, name_column = mapping.column_for("record_id"), mapping.column_for("name")
    if column is None or name_column is None or mapping.origin.get(column) != "header":
        return []
    i, j = table.headers.index(column), table.headers.index(name_column)
    names_of: dict[str, set[str]] = {}
    for _, cells in head:
        if max(i, j) < len(cells) and isinstance(cells[i], str) and isinstance(cells[j], str):
            record_id, name = cells[i].strip(), cells[j].strip().casefold()
            if record_id and name:
                names_of.setdefault(record_id, set()).add(name)
    shared = sum(len(names) > 1 for names in names_of.values())
    if shared < 2 or shared < SHARED_IDS_SHARE * len(names_of):
        return []
    return [(column, f"one record id per person; in the first rows {shared} of the {len(names_of)} ids of {column!r} "
                     "are given to different people, so it reads as a case number: it is kept in the raw rows, and "
                     "each person is known by another id column or by the row number")]


def _decided_by(explicit: Mapping | None, header: str) -> bool:
    """True when the mapping file names this column (then no value or neighbour changes its field)."""
    return explicit is not None and header in explicit.columns


_POLICE_STATION_TOKENS = frozenset({"ps", "thana", "police", "station", "stn", "name", "of", "the", "concerned"})


def _is_police_station(header: str) -> bool:
    tokens = set(header_tokens(header))
    return tokens <= _POLICE_STATION_TOKENS and bool({"ps", "thana"} & tokens or {"police", "station"} <= tokens
                                                     or {"police", "stn"} <= tokens)


def _police_station_as_area(table: Table, mapping: Mapping, explicit: Mapping | None) -> list[ImportProblem]:
    """FIR registers give the place of occurrence and the police station: both read as the event's
    place, and the station (a whole area) would win. Then the place of occurrence is the place and
    the station the district (the coarser area, used when the place is not in the gazetteer), or
    the raw row's only when the list has a district column."""
    station = next((h for h in table.headers if mapping.columns.get(h) == "event_place"
                    and mapping.origin.get(h) == "header" and _is_police_station(h)), None)
    if station is None:
        return []
    place = next((h for h in table.headers if h != station and mapping.columns.get(h) is None
                  and not _decided_by(explicit, h) and not _is_police_station(h)
                  and any(f == "event_place" and score >= MIN_SCORE for f, score in field_scores(h))), None)
    if place is None:
        return []
    mapping.columns[place], mapping.origin[place], mapping.confidence[place] = "event_place", "header", 0.9
    mapping.alternatives.pop(place, None)
    district_free = mapping.column_for("district") is None
    mapping.columns[station] = "district" if district_free else None
    mapping.origin[station] = "header" if district_free else ""
    where = "the district (the coarser area)" if district_free else "kept in the raw rows only (the list has a district)"
    return [ImportProblem(table.label, table.header_row, station, None,
                          f"one column for the event's place; {place!r} is the place of the event, and the police "
                          f"station {station!r} is {where}", "info")]


def _split_date_columns(table: Table, mapping: Mapping, explicit: Mapping | None) -> list[ImportProblem]:
    """Day, month and year in columns of their own ("Day", "Month", "Year"): read together as the
    event's date (event_day, event_month, event_year), when a year column and one more part are
    there. Only columns left unmapped or read as the event date by their header are taken; a
    mapping file decides its own columns. A column of whole dates, if there is one, wins over the
    parts in each row."""
    parts: dict[str, list[str]] = {}
    for header in table.headers:
        if _decided_by(explicit, header):
            continue
        if mapping.columns.get(header) not in (None, "event_date") or mapping.origin.get(header) not in ("header", ""):
            continue
        part = date_part_field(header)
        if part is not None:
            parts.setdefault(part, []).append(header)
    chosen = {part: headers[0] for part, headers in parts.items() if len(headers) == 1}
    if "event_year" not in chosen or len(chosen) < 2:
        return []
    for part, header in chosen.items():
        mapping.columns[header], mapping.origin[header], mapping.confidence[header] = part, "header", 0.9
    named = ", ".join(repr(chosen[p]) for p in ("event_day", "event_month", "event_year") if p in chosen)
    return [ImportProblem(table.label, table.header_row, None, None,
                          f"one date per row; the columns {named} are read together as the event's date", "info")]


def _only_yes_no(head: list[tuple[int, list[Any]]], i: int) -> bool:
    """True when the column's first rows hold enough values, all of them yes/no (1/0, x, ✓ ...)."""
    values = [cells[i].strip().casefold() for _, cells in head
              if i < len(cells) and isinstance(cells[i], str) and cells[i].strip()]
    return len(values) >= YES_NO_MIN_VALUES and all(v in TRUE_WORDS or v in FALSE_WORDS for v in values)


# The indicator field of a violation, for columns of tick boxes ("Killed", "Disappeared", "Tortured").
_INDICATOR_OF = {"killing": "killing", "enforced_disappearance": "disappearance", "abduction": "abduction",
                 "arbitrary_detention": "detention", "torture": "torture"}


def _tick_box_columns(table: Table, mapping: Mapping, head: list[tuple[int, list[Any]]],
                      explicit: Mapping | None) -> list[ImportProblem]:
    """Unmapped columns of yes/no values whose header names a violation ("Killed", "Tortured (Y/N)")
    become indicators, as HXL's #affected+killed: a yes marks the row's violation when it has none
    written. A column a mapping file keeps in the raw rows stays there."""
    notes = []
    used = {f for f in mapping.columns.values() if f}
    for i, header in enumerate(table.headers):
        if mapping.columns.get(header) or _decided_by(explicit, header):
            continue
        indicator = _INDICATOR_OF.get(VIOLATION_VOCAB.classify(header) or "")
        if indicator is None or f"indicator:{indicator}" in used or not _only_yes_no(head, i):
            continue
        field_name = f"indicator:{indicator}"
        mapping.columns[header], mapping.confidence[header], mapping.origin[header] = field_name, 0.9, "values"
        used.add(field_name)
        notes.append(ImportProblem(
            table.label, table.header_row, header, None,
            f"a column of tick boxes: its header names a violation and its first rows hold only yes/no values, so a "
            f"yes marks the row's violation as {indicator} (when no violation is written in the row)", "info"))
    return notes


# Fields a column can be given by its values alone, when no column has it: the words of what
# happened ("Killed", "Missing", "Picked up") and of who did it ("Rangers", "Police").
_FIELDS_BY_WORDS = (("violation", VIOLATION_VOCAB), ("perpetrator", PERPETRATOR_VOCAB))
WORDS_SHARE = 0.8  # of a column's first values that must be the field's words


def _columns_by_their_words(table: Table, mapping: Mapping, head: list[tuple[int, list[Any]]],
                            explicit: Mapping | None) -> list[ImportProblem]:
    """An unmapped column whose header says nothing known ("Type", "By") but whose first values are
    nearly all words of what happened (or of who did it) takes that field, when no column has it."""
    notes = []
    for field_name, vocabulary in _FIELDS_BY_WORDS:
        if mapping.column_for(field_name) is not None:
            continue
        for i, header in enumerate(table.headers):
            if mapping.columns.get(header) is not None or _decided_by(explicit, header):
                continue
            values = [cells[i].strip() for _, cells in head
                      if i < len(cells) and isinstance(cells[i], str) and cells[i].strip()]
            if len(values) < YES_NO_MIN_VALUES or _only_yes_no(head, i):
                continue
            known = sum(vocabulary.classify(v) not in (None, "other", "unknown") for v in values)
            if known < WORDS_SHARE * len(values):
                continue
            mapping.columns[header], mapping.origin[header], mapping.confidence[header] = field_name, "values", 0.8
            mapping.alternatives.pop(header, None)
            notes.append(ImportProblem(
                table.label, table.header_row, header, None,
                f"a column for each field; {header!r} is read as the {field_name.replace('_', ' ')}, because "
                f"{known} of its first {len(values)} values are words of it (no other column is)", "info"))
            break
    return notes


_NUMERIC_DATE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")


def _choose_date_order(table: Table, mapping: Mapping, head: list[tuple[int, list[Any]]], explicit: str | None,
                       default: str) -> tuple[str, ImportProblem | None]:
    """The date order for a table: as set, or proved by its dates (e.g. 6/22/1992 can only be month-first)."""
    column = mapping.column_for("event_date") or mapping.column_for("date_place")
    if column is None:
        return explicit or default, None
    i = table.headers.index(column)
    values = [cells[i] for _, cells in head if i < len(cells) and isinstance(cells[i], str)]
    if mapping.columns[column] == "date_place":  # the numeric dates inside "14-06-1995, Nazimabad"
        values = [found.group(0) for v in values if (found := _NUMERIC_DATE.search(v))]
    proved = detect_date_order(values)
    names = {"dmy": "day-first (14/10/1992)", "mdy": "month-first (10/14/1992)", "ymd": "year-first"}
    if proved is None or proved == (explicit or default) or (explicit or default) in ("ymd", "auto"):
        return explicit or default, None
    example = next((v for v in values if detect_date_order([v]) == proved), "")
    if explicit:
        return explicit, ImportProblem(
            table.label, None, column, example,
            f"dates in the order you set ({names[explicit]}); some dates such as {example!r} can only be "
            f"{names[proved]}: those rows get a warning and no date", "warning")
    return proved, ImportProblem(
        table.label, None, column, example,
        f"dates in the workspace's order ({names[default]}), but dates such as {example!r} can only be "
        f"{names[proved]}, so every date in this column was read {names[proved]}. If that is wrong, give "
        f"--date-order or date_order in a mapping file", "warning")


def _merged_mapping(mappings: list[Mapping], explicit: Mapping | None, gazetteer: Any, vocabulary: dict) -> Mapping:
    merged = Mapping(gazetteer=str(gazetteer) if gazetteer else None, vocabulary=vocabulary,
                     encoding=explicit.encoding if explicit else None,
                     delimiter=explicit.delimiter if explicit else None)
    for m in mappings:
        merged.sensitive += [h for h in m.sensitive if h not in merged.sensitive]
        for header, field_name in m.columns.items():
            if header not in merged.columns:
                merged.columns[header] = field_name
                merged.confidence[header] = m.confidence.get(header, 0.0)
                merged.origin[header] = m.origin.get(header, "")
                if header in m.alternatives:
                    merged.alternatives[header] = m.alternatives[header]
        merged.date_order = merged.date_order or m.date_order
        merged.two_digit_year_pivot = m.two_digit_year_pivot
    return merged


def _summary(result: ImportResult, tables: list[Table]) -> dict[str, Any]:
    return {k: getattr(result, k) for k in ("rows_read", "imported", "added", "changed", "unchanged", "withdrawn",
                                             "rejected", "rows_with_warnings", "blank_rows", "problem_counts")} | {
        "tables": result.tables, "strict": result.strict}


def _strict_message(result: ImportResult) -> str:
    return (f"--strict: {result.file} has {result.problem_counts.get('error', 0):,} errors and "
            f"{result.problem_counts.get('warning', 0):,} warnings, so nothing was imported. Fix them (or run "
            "without --strict to import the good rows) and import again.")


def _problem_json(problem: ImportProblem) -> dict[str, Any]:
    return {"file": problem.file, "row": problem.row, "column": problem.column, "value": problem_dict(problem)["value"],
            "expected": problem.expected, "severity": problem.severity, "message": str(problem)}


def _default_rejects_path(path: Path) -> Path:
    return path.with_name(path.stem + ".rejects.csv")


# ---- progress ------------------------------------------------------------------------------------

def _progress_bar(tables: list[Table], stored: Path, enabled: bool) -> Any:
    if not enabled or stored.stat().st_size < 2_000_000:
        return None
    from tqdm import tqdm

    if tables[0].progress is not None:
        return tqdm(total=stored.stat().st_size, unit="B", unit_scale=True, desc="import", file=sys.stderr,
                    leave=False)
    return tqdm(unit=" rows", desc="import", file=sys.stderr, leave=False)


def _advance(bar: Any, table: Table, rows: int) -> None:
    if table.progress is not None:
        bar.update(table.progress() - bar.n)
    else:
        bar.update(rows)


# ---- rejects --------------------------------------------------------------------------------------

class RejectsWriter:
    """The rejected rows, as read, plus _row and _problems: written beside the file, UTF-8 with BOM."""

    def __init__(self, path: str | Path, disabled: bool, fallback_dir: Path | None = None):
        self.path = Path(path)
        self.fallback_dir = fallback_dir  # used when the file's own folder cannot be written to
        self.disabled = disabled
        self.handle: Any = None
        self.writer: Any = None
        self.tmp: str | None = None
        self.table: Table | None = None
        self.final_path: str | None = None
        self.rows = 0

    def start_table(self, table: Table, sensitive_indexes: list[int] | None = None) -> None:
        """Start a table; the cells at ``sensitive_indexes`` are never written (nor, when there are
        any, cells beyond the header, where a broken row may have pushed a witness's details)."""
        self.table = table
        self.sensitive_indexes = list(sensitive_indexes or [])
        self._header_written_for: Any = None

    def add(self, built: BuiltRow) -> None:
        if self.disabled:
            return
        if self.handle is None:
            try:
                fd, self.tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".rejects-", suffix=".csv")
            except OSError as exc:
                if self.fallback_dir is None:
                    raise ImportFailed(f"The rejects file {self.path} cannot be written ({exc}); give another "
                                       "place with --rejects.") from exc
                self.fallback_dir.mkdir(parents=True, exist_ok=True)
                self.path = self.fallback_dir / self.path.name
                fd, self.tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".rejects-", suffix=".csv")
            self.handle = os.fdopen(fd, "w", encoding="utf-8-sig", newline="")
            self.writer = csv.writer(self.handle)
        assert self.table is not None
        if self._header_written_for is not self.table:
            extra = ["_sheet"] if self.table.sheet is not None else []
            self.writer.writerow(list(self.table.headers) + ["_row", "_problems"] + extra)
            self._header_written_for = self.table
        cells = [c if isinstance(c, str) else json.dumps(c, ensure_ascii=False) for c in built.cells]
        n = len(self.table.headers)
        if self.sensitive_indexes:
            cells = _redacted(cells, self.sensitive_indexes, n, self.table.format == "jsonl" and built.rejected
                              and "_line" in built.raw)
        main, extra_cells = cells[:n] + [""] * (n - len(cells[:n])), cells[n:]
        reasons = "; ".join(_reason(p) for p in built.problems)
        sheet = [self.table.sheet] if self.table.sheet is not None else []
        self.writer.writerow(main + [str(built.row_number), reasons] + sheet + extra_cells)
        self.rows += 1

    def finish(self) -> None:
        if self.handle is None:
            return
        self.handle.close()
        os.replace(self.tmp, self.path)
        self.handle = None
        self.final_path = str(self.path)

    def discard(self) -> None:
        if self.handle is not None:
            self.handle.close()
            os.unlink(self.tmp)
            self.handle = None


def _redacted(cells: list[str], indexes: list[int], n_headers: int, whole_line: bool) -> list[str]:
    """The cells with the sensitive ones (and any beyond the header) replaced by a marker."""
    if whole_line:  # an unreadable JSON line: nothing in it can be trusted to be harmless
        return [REDACTED]
    out = list(cells)
    for i in indexes:
        if i < len(out) and out[i].strip():
            out[i] = REDACTED
    for i in range(n_headers, len(out)):
        if out[i].strip():
            out[i] = REDACTED
    return out


def _reason(problem: ImportProblem) -> str:
    column = f"column {problem.column!r}: " if problem.column else ""
    kind = "" if problem.severity == "error" else f"({problem.severity}) "
    return f"{kind}{column}expected {problem.expected}"
