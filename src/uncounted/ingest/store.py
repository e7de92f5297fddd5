"""Writing reports fast, inside the import's one transaction.

Rows go in as plain tuples through the DBAPI connection underneath the session: sqlite3's
``executemany`` on SQLite, ``COPY ... FROM STDIN`` on PostgreSQL. Both run on the same connection
(and so in the same transaction) as the ORM writes of the source, document and audit entry, so an
import is committed whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import queue
import sqlite3
import threading
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any, Callable, Iterable, Sequence

from orjson import dumps as _orjson_dumps
from sqlalchemy import select
from sqlalchemy.orm import Session

from uncounted.records.models import Document, Report
from uncounted.records.workspace import BULK_WRITE_FLAG

# The report columns the importer writes, in the order of the tuples it builds.
REPORT_COLUMNS: tuple[str, ...] = (
    "report_key", "version", "is_current", "withdrawn", "source_id", "document_id", "row_number", "sheet",
    "source_record_id", "name_raw", "name_honorific", "name_given", "name_family", "relation", "father_name",
    "name_key", "sex", "age_raw", "birth_year_min", "birth_year_max", "community", "occupation", "residence",
    "violation_raw", "violation", "event_date_raw", "event_date_start", "event_date_end",
    "event_date_precision", "event_place_raw", "event_place", "event_place_parent", "perpetrator_raw",
    "perpetrator_category", "victim_status", "custody_acknowledged", "certainty", "notes", "raw", "problems",
    "sensitive_enc", "created_at", "created_by", "change_reason", "supersedes_id",
)
COLUMN_INDEX = {name: i for i, name in enumerate(REPORT_COLUMNS)}
# The fields a row builder fills, in tuple order (from source_record_id to notes).
VALUE_COLUMNS = REPORT_COLUMNS[REPORT_COLUMNS.index("source_record_id"):REPORT_COLUMNS.index("raw")]
MAX_LENGTHS: dict[str, int] = {
    c.name: c.type.length for c in Report.__table__.columns if getattr(c.type, "length", None)
}
DATE_INDEXES = (VALUE_COLUMNS.index("event_date_start"), VALUE_COLUMNS.index("event_date_end"))  # in VALUE_COLUMNS
# The fields of a first version that vary from row to row, in the order a writer receives them.
FIRST_VERSION_FIELDS: tuple[str, ...] = ("report_key", "row_number", *VALUE_COLUMNS, "raw", "problems")
# What a staging table gives for each report column: its own field, or the import's constant
# (parameters 1-5: source, document, sheet, time, actor).
_STAGED_CONSTANTS = {"version": "1", "is_current": "1", "withdrawn": "0", "source_id": "?1", "document_id": "?2",
                     "sheet": "?3", "sensitive_enc": "NULL", "created_at": "?4", "created_by": "?5",
                     "change_reason": "NULL", "supersedes_id": "NULL"}
assert set(REPORT_COLUMNS) == set(_STAGED_CONSTANTS) | set(FIRST_VERSION_FIELDS)
_STAGED_SELECT = ", ".join(_STAGED_CONSTANTS.get(c, c) for c in REPORT_COLUMNS)
BATCH_ROWS = 20_000


def report_key(source_name: str, lineage: str, sheet: str | None, record_id: str | None, row_number: int) -> str:
    """The stable key of a report: the same list row gets the same key in every version of the file.

    Built from the source, the file's original name, the sheet, and the list's own record id
    (or, when the list has none, the row number).
    """
    ident = f"id:{record_id}" if record_id else f"row:{row_number}"
    text = "\x1f".join((source_name, lineage, sheet or "", ident))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def report_keys(source_name: str, lineage: str, sheet: str | None) -> Callable[[str | None, int], str]:
    """``report_key`` for the rows of one sheet: the digest of the common start is taken once."""
    start = hashlib.sha256("\x1f".join((source_name, lineage, sheet or "", "")).encode("utf-8"))

    def key(record_id: str | None, row_number: int) -> str:
        digest = start.copy()
        digest.update((f"id:{record_id}" if record_id else f"row:{row_number}").encode("utf-8"))
        return digest.hexdigest()

    return key


def raw_fingerprint(raw_json: str) -> bytes:
    """A short digest of a raw row, to tell changed rows from unchanged ones between versions."""
    return hashlib.blake2b(raw_json.encode("utf-8"), digest_size=16).digest()


_RAW_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def canonical_raw(raw: dict[str, Any]) -> str:
    """The raw row as JSON text, the same way every time (so that versions can be compared).

    Rows of text only (every CSV row) go through orjson, about five times faster, whose output for
    strings is the same as the standard encoder's (compact, non-ASCII kept, the same escapes);
    anything else (numbers, lists from JSON Lines) and anything orjson refuses (a lone surrogate)
    goes through the standard encoder.
    """
    for value in raw.values():
        if type(value) is not str:
            return _RAW_ENCODER.encode(raw)
    try:
        return _orjson_dumps(raw).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return _RAW_ENCODER.encode(raw)


_PROBLEMS_JSON: dict[tuple[Any, ...], str] = {}


def problems_json(problems: list[Any]) -> str:
    """A report's problems as stored (JSON text). The same problems repeat across rows (one
    unknown word, one note), and the stored form does not name the row, so each is encoded once."""
    key = tuple((p.column, p.value, p.expected, p.severity) for p in problems)
    text = _PROBLEMS_JSON.get(key)
    if text is None:
        from uncounted.ingest.rows import problem_dict  # (rows imports this module)

        if len(_PROBLEMS_JSON) >= 50_000:
            _PROBLEMS_JSON.clear()
        text = _PROBLEMS_JSON[key] = json.dumps([problem_dict(p) for p in problems], ensure_ascii=False)
    return text


def canonical_text_raw(raw: dict[str, str]) -> str:
    """``canonical_raw`` of a row whose values are all text (CSV and XLSX rows are read as text),
    without checking each value's type first."""
    try:
        return _orjson_dumps(raw).decode("utf-8")
    except TypeError:  # a lone surrogate, or (by mistake) a value that is not text
        return canonical_raw(raw)


@dataclass(slots=True)
class PreviousReport:
    id: int
    version: int
    withdrawn: bool
    fingerprint: bytes


class ReportWriter:
    """Batches report tuples and writes them through the session's own DBAPI connection.

    The writes run in a helper thread, so that the next rows are read and normalised while the
    database inserts the last batch (sqlite3 and psycopg release the GIL while the database works).
    Use it as a context manager: leaving the block always stops the thread before the transaction
    ends. Nothing else may use the connection until ``flush()`` returns.
    """

    def __init__(self, session: Session, *, threaded: bool = True, bulk: bool = False):
        """``bulk``: a big import, whose SQLite connection gets the settings of ``prepare_bulk_write``."""
        self.session = session
        connection = session.connection()
        self.dialect = connection.dialect
        self.is_sqlite = self.dialect.name == "sqlite"
        self.dbapi = connection.connection.dbapi_connection
        self._info = connection.connection.info  # the pooled connection's (see BULK_WRITE_FLAG)
        self.pending: list[list[Any]] = []
        self.written = 0
        self._sql = (f"INSERT INTO reports ({', '.join(REPORT_COLUMNS)}) "
                     f"VALUES ({', '.join('?' for _ in REPORT_COLUMNS)})")
        created = Report.__table__.c.created_at.type.bind_processor(self.dialect)
        now = dt.datetime.now(dt.timezone.utc)
        self.created_at: Any = now
        if self.is_sqlite:  # as text once, exactly as sqlite3 would adapt the datetime on every row
            self.created_at = created(now) if created else now.isoformat(" ")
        self.true: Any = 1 if self.is_sqlite else True
        self.false: Any = 0 if self.is_sqlite else False
        if self.is_sqlite:
            cursor = self.dbapi.cursor()
            self._cache_size = cursor.execute("PRAGMA cache_size").fetchone()[0]
            cursor.execute("PRAGMA cache_size = -131072")  # 128 MB page cache for the index updates
            cursor.close()
            if bulk:
                prepare_bulk_write(self.dbapi, self._info)
        self._queue: queue.Queue[list[list[Any]] | Callable[[], None] | None] = queue.Queue(maxsize=2)
        self._attached: dict[str, str] = {}  # staging file -> its schema name on this connection
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if threaded:
            self._thread = threading.Thread(target=self._work, name="uncounted-import-writer", daemon=True)
            self._thread.start()

    def __enter__(self) -> "ReportWriter":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Stop the helper thread (after the batches already handed over are written or failed)."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        if self.is_sqlite:  # give the pooled connection its ordinary page cache back
            try:
                self.dbapi.execute(f"PRAGMA cache_size = {int(self._cache_size)}")
            except Exception:  # never hide the error that ended the import
                pass

    def _work(self) -> None:
        while True:
            batch = self._queue.get()
            try:
                if batch is None:
                    return
                if self._error is None:
                    batch() if callable(batch) else self._write(batch)
            except BaseException as exc:  # handed to the importing thread at the next flush
                self._error = exc
            finally:
                self._queue.task_done()

    def date(self, value: dt.date | None) -> Any:
        if value is None:
            return None
        return value.isoformat() if self.is_sqlite else value

    def use_first_versions(self, *, source_id: int, document_id: int, sheet: str | None, actor: str) -> bool:
        """Prepare ``add_first_version`` (SQLite only); False when it cannot be used.

        A first version of a report differs from the next row only in its key, row number, values,
        raw row and problems; the rest (version 1, current, source, document, sheet, time, actor) is
        written into the statement once instead of being bound for every row: binding parameters
        is much of sqlite3's work, and it holds the GIL.
        """
        self.flush()  # the rows of the table before were made for the statement before
        literals = [_literal(v) for v in (source_id, document_id, sheet, self.created_at, actor)]
        if not self.is_sqlite or None in literals:
            return False
        source, document, sheet_sql, created, by = literals
        constant = {"version": "1", "is_current": "1", "withdrawn": "0", "source_id": source, "document_id": document,
                    "sheet": sheet_sql, "sensitive_enc": "NULL", "created_at": created, "created_by": by,
                    "change_reason": "NULL", "supersedes_id": "NULL"}
        self._first_constant = constant
        self._first_sqls: dict[tuple[int, ...], str] = {}
        self._empty_columns = EmptyColumns()
        return True

    def _first_versions_sql(self, kept: tuple[int, ...]) -> str:
        """The INSERT of first versions binding the fields at ``kept`` (of FIRST_VERSION_FIELDS)."""
        sql = self._first_sqls.get(kept)
        if sql is None:
            bound = {FIRST_VERSION_FIELDS[i] for i in kept}
            names = [c for c in REPORT_COLUMNS if c in self._first_constant or c in bound]
            values = [self._first_constant.get(c, "?") for c in names]
            sql = self._first_sqls[kept] = f"INSERT INTO reports ({', '.join(names)}) VALUES ({', '.join(values)})"
        return sql

    def add_first_version(self, row: tuple[Any, ...]) -> None:
        """A first version: (report_key, row_number, *values, raw, problems); see ``use_first_versions``."""
        self.pending.append(row)
        if len(self.pending) >= BATCH_ROWS:
            self._submit()

    def add(self, row: list[Any]) -> None:
        self.pending.append(row)
        if len(self.pending) >= BATCH_ROWS:
            self._submit()

    def flush(self) -> None:
        """Hand over the pending rows and wait until every batch is in the database."""
        self._submit()
        if self._thread is not None:
            self._queue.join()
        self._raise_error()

    def _submit(self) -> None:
        self._raise_error()
        if not self.pending:
            return
        rows, self.pending = self.pending, []
        self.written += len(rows)
        if self._thread is None:
            self._write(rows)
        else:
            self._queue.put(rows)

    def _raise_error(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _write(self, rows: list[list[Any]]) -> None:
        if self.is_sqlite:
            cursor = self.dbapi.cursor()
            full = len(REPORT_COLUMNS)
            for whole, run in groupby(rows, key=lambda row: len(row) == full):  # in order: ids follow the rows
                if whole:
                    cursor.executemany(self._sql, run)
                else:
                    kept, cut = self._empty_columns.cut(list(run))
                    cursor.executemany(self._first_versions_sql(kept), cut)
            cursor.close()
        else:
            with self.dbapi.cursor() as cursor:
                with cursor.copy(f"COPY reports ({', '.join(REPORT_COLUMNS)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)

    def run(self, task: Callable[[], None]) -> None:
        """Run ``task`` on the connection after everything handed over before it (in the writer
        thread, when there is one)."""
        self._submit()
        self._raise_error()
        if self._thread is None:
            task()
        else:
            self._queue.put(task)

    def insert_staged(self, parts: list[tuple[str, int, int]], *, source_id: int, document_id: int,
                      sheet: str | None, actor: str) -> None:
        """(SQLite) Copy rows into reports as first versions from staging files (``ingest.build_process``),
        in the order given: each part is (file, first rowid, last rowid), copied with one INSERT ...
        SELECT that binds no value per row. One task for all the parts, so that handing them over
        never waits for the writer."""
        constants = (source_id, document_id, sheet, self.created_at, actor)

        def insert() -> None:
            for path, first, last in parts:
                self._insert_staged(path, first, last, constants)
        self.run(insert)

    def _insert_staged(self, path: str, first: int, last: int, constants: tuple[Any, ...]) -> None:
        schema = self._attached.get(path)
        if schema is None:
            schema = self._attached[path] = f"uncounted_staging_{len(self._attached) + 1}"
            self._info[BULK_WRITE_FLAG] = True  # detached when the connection goes back to the pool
            self.dbapi.execute(f"ATTACH DATABASE ? AS {schema}", (path,))
        # OR FAIL: a broken constraint fails the import all the same (its transaction is rolled back),
        # and, with foreign keys unchecked (``prepare_bulk_write``), SQLite keeps no statement journal
        # of the index pages each copy changes: together a third of the copying's CPU.
        self.dbapi.execute(f"INSERT OR FAIL INTO reports ({', '.join(REPORT_COLUMNS)}) SELECT {_STAGED_SELECT} "
                           f"FROM {schema}.staged WHERE rowid BETWEEN ?6 AND ?7", (*constants, first, last))

    def copy_text(self, text: str) -> None:
        """(PostgreSQL) Rows already written as COPY text (``ingest.build_process``)."""
        def write() -> None:
            with self.dbapi.cursor() as cursor:
                with cursor.copy(f"COPY reports ({', '.join(REPORT_COLUMNS)}) FROM STDIN") as copy:
                    copy.write(text)
        self.run(write)

    def mark_not_current(self, ids: Sequence[int]) -> None:
        """Old versions that a new version (changed or withdrawn) replaces."""
        self.flush()
        for start in range(0, len(ids), 5000):
            chunk = list(ids[start:start + 5000])
            cursor = self.dbapi.cursor()
            marks = ", ".join("?" if self.is_sqlite else "%s" for _ in chunk)
            cursor.execute(f"UPDATE reports SET is_current = {'0' if self.is_sqlite else 'false'} "
                           f"WHERE id IN ({marks})", chunk)
            cursor.close()

    def copy_as_withdrawn(self, previous: Iterable[tuple[int, int]], document_id: int, actor: str,
                          reason: str) -> int:
        """New 'withdrawn' versions of reports whose rows are gone from the new file version."""
        self.flush()
        keep = [c for c in REPORT_COLUMNS if c not in (
            "version", "is_current", "withdrawn", "document_id", "created_at", "created_by", "change_reason",
            "supersedes_id")]
        mark = "?" if self.is_sqlite else "%s"
        sql = (f"INSERT INTO reports ({', '.join(keep)}, version, is_current, withdrawn, document_id, "
               f"created_at, created_by, change_reason, supersedes_id) "
               f"SELECT {', '.join(keep)}, version + 1, {mark}, {mark}, {mark}, {mark}, {mark}, {mark}, id "
               f"FROM reports WHERE id = {mark}")
        params = [(self.true, self.true, document_id, self.created_at, actor, reason, old_id)
                  for old_id, _version in previous]
        if params:
            cursor = self.dbapi.cursor()
            cursor.executemany(sql, params)
            cursor.close()
        return len(params)


def prepare_bulk_write(dbapi: Any, info: dict[str, Any]) -> None:
    """(SQLite) Settings for the transaction of a big import, made before it begins; the pool puts
    the usual ones back when the connection is returned (``records.workspace``).

    - Foreign keys are not checked. The rows a big import writes carry its own source and document
      (made in the same transaction) and, for a new version, the id of the version it replaces (read
      in the same transaction); checking them would make SQLite keep a statement journal of every
      index page each staged copy changes (with ``INSERT OR FAIL``, a third of the copying's CPU).
    - ``write_in_place`` when no other connection is open.
    """
    if dbapi.in_transaction:  # too late for either
        return
    info[BULK_WRITE_FLAG] = True
    dbapi.execute("PRAGMA foreign_keys = OFF")
    write_in_place(dbapi)


def write_in_place(dbapi: Any) -> bool:
    """(SQLite) Switch a connection that is about to begin a big import from WAL to a rollback
    journal, when no other connection has the database open; True if it did.

    In WAL mode every page an import writes is written twice: into the WAL, then into the database
    by the checkpoint at commit (1.2 s of a million-row import, with one core idle). With a rollback
    journal, pages added at the end of the database are written once and need no journal. The
    transaction stays all or nothing (a killed import leaves a journal that the next connection
    rolls back). But once the import's page cache spills into the database file, other processes
    that read the workspace wait for the commit (up to the busy timeout, a minute) instead of reading
    the state before it: hence only when no other connection is open. A new connection sets WAL.
    """
    timeout = dbapi.execute("PRAGMA busy_timeout").fetchone()[0]
    try:
        dbapi.execute("PRAGMA busy_timeout = 0")  # another connection is open: keep WAL, do not wait
        mode = dbapi.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except sqlite3.OperationalError:  # "database is locked"
        mode = "wal"
    finally:
        dbapi.execute(f"PRAGMA busy_timeout = {int(timeout)}")
    if mode != "delete":
        return False
    dbapi.execute("PRAGMA synchronous = FULL")  # what a rollback journal needs to survive a power cut
    return True


class EmptyColumns:
    """Leaves out of a batch of rows the fields that are empty (None) in every row of it.

    A column a list does not have is empty in every row, and binding a NULL costs sqlite3 about as
    much as binding text; the columns left out of an INSERT are NULL all the same. Only the fields
    empty in the first batch are looked at again (keeping a field that happens to be empty in a
    later batch costs a little; leaving out one that is not would lose data, so each is counted).
    Cutting the rows costs too: fewer than ``min_empty`` empty fields are bound as they are.
    """

    def __init__(self, min_empty: int = 1) -> None:
        self.candidates: tuple[int, ...] | None = None
        self.min_empty = min_empty

    def cut(self, rows: Sequence[Sequence[Any]]) -> tuple[tuple[int, ...], Sequence[Sequence[Any]]]:
        """(positions of the fields kept, the rows cut to them)."""
        width = len(rows[0])
        if self.candidates is None:
            self.candidates = tuple(i for i in range(width) if _all_none(rows, i))
            if len(self.candidates) < self.min_empty:  # too few ever to cut: none is looked at again
                self.candidates = ()
            empty = set(self.candidates)
        else:
            empty = {i for i in self.candidates if _all_none(rows, i)}
        if len(empty) < self.min_empty:
            return tuple(range(width)), rows
        kept = tuple(i for i in range(width) if i not in empty)
        return kept, list(map(itemgetter(*kept), rows))


def _all_none(rows: Sequence[Sequence[Any]], i: int) -> bool:
    return list(map(itemgetter(i), rows)).count(None) == len(rows)


def _literal(value: Any) -> str | None:
    """An integer, text or NULL as an SQLite literal (stored exactly as the bound value would be);
    None for anything else, or text with a NUL character."""
    if value is None:
        return "NULL"
    if type(value) is int:
        return str(value)
    if type(value) is str and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


def previous_reports(session: Session, source_id: int, original_name: str) -> dict[str, PreviousReport]:
    """The current version of every report of earlier versions of this file, by report key."""
    doc_ids = select(Document.id).where(Document.source_id == source_id, Document.original_name == original_name)
    query = (select(Report.report_key, Report.id, Report.version, Report.withdrawn, Report.raw)
             .where(Report.is_current.is_(True), Report.document_id.in_(doc_ids))
             .execution_options(yield_per=20_000))
    out: dict[str, PreviousReport] = {}
    for key, rid, version, withdrawn, raw in session.execute(query):
        out[key] = PreviousReport(rid, version, bool(withdrawn), raw_fingerprint(canonical_raw(raw or {})))
    return out
