"""Building the rows of a big first import in worker processes, ready for the store.

The importing process reads the file, checks record ids, and writes; worker processes do the rest
of the work of each row (every normaliser, the names, the report key, the raw row's JSON) with the
same ``RowBuilder`` the importing process would use, so what is stored does not depend on where a
row was built. Each chunk of rows goes to the least busy worker, and each worker writes what it
builds in the form its store loads fastest:

- **SQLite**: into a staging SQLite file of its own (one per worker and *round*). The importing
  process attaches each sealed file to its connection and copies its rows into ``reports`` with
  ``INSERT ... SELECT``, which runs in SQLite's C code without binding a value in Python. An
  attached file cannot be detached before the transaction ends, and SQLite allows ten, so a table
  is cut into a few rounds (by bytes read), each with one file per worker.
- **PostgreSQL**: as the text of ``COPY ... FROM STDIN``, which the importing process streams to
  the server in row order.

Only a first version of a plain table goes to workers (no sensitive columns, not JSON Lines, no
earlier version of the file to compare with); everything else is built in-process.
"""

from __future__ import annotations

import gc
import os
import queue
import re
import sqlite3
import threading
import traceback
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Iterator, Sequence

from uncounted.errors import ImportFailed, ImportProblem
from uncounted.ingest.problems import ProblemGroups
from uncounted.ingest.readers import Table
from uncounted.ingest.rows import BuiltRow, RowBuilder, duplicate_id_problem, is_blank, rows_checked
from uncounted.ingest.store import (DATE_INDEXES, FIRST_VERSION_FIELDS, MAX_LENGTHS, REPORT_COLUMNS, EmptyColumns,
                                    canonical_text_raw, problems_json, report_keys)

# The columns of a staging file: what varies from row to row (the rest is constant per import).
STAGED_COLUMNS: tuple[str, ...] = FIRST_VERSION_FIELDS
MAX_PROBLEMS_KEPT = 2000  # the same limit as the importer's list of problems
PREVIEW_ROWS = 5
WORKER_NICENESS = 10
# With None bound cheaply (_bind_none_directly), leaving fewer empty fields out of a staged row
# costs more than binding them (measured with the rows of `uncounted simulate`).
MIN_EMPTY_COLUMNS_CUT = 10
FILL_BATCH = 1000  # rows a chunk takes at a time: checked together, while still in the CPU cache
COLLECT_EVERY = 100  # chunks a worker builds between two passes of the garbage collector (a safety net)


@dataclass
class PoolSpec:
    """What a worker needs to build the rows of one table exactly as the importing process would."""

    file: str
    sheet: str | None
    headers: list[str]
    header_row: int
    original_headers: list[str]
    format: str
    columns: dict[str, str | None]
    normaliser_options: dict[str, Any]  # Normalisers(**options)
    source_name: str  # for report keys
    lineage: str  # the file's original name, for report keys
    store: str  # "sqlite" or "postgresql"
    staging_dir: str  # where SQLite staging files go
    source_id: int = 0
    document_id: int = 0
    constants: dict[str, Any] = field(default_factory=dict)  # PostgreSQL: the per-import columns, as COPY text


@dataclass
class ChunkDone:
    """A worker's answer for one chunk: what the importer counts and reports, and where the rows are."""

    seq: int
    read: int = 0
    imported: int = 0
    with_warnings: int = 0
    severities: Counter = field(default_factory=Counter)
    groups: ProblemGroups = field(default_factory=ProblemGroups)
    kept: list[ImportProblem] = field(default_factory=list)  # the first problems, in row order
    rejected: list[BuiltRow] = field(default_factory=list)
    preview: list[BuiltRow] = field(default_factory=list)
    staged: tuple[str, int, int] | None = None  # SQLite: (staging file, first rowid, last rowid)
    copy_text: str | None = None  # PostgreSQL: the rows as COPY text


@dataclass
class Sealed:
    seq: int
    path: str


@dataclass
class _Failure:
    error: BaseException | None
    text: str


# ---- the importing process's side ------------------------------------------------------------------

class WorkerPool:
    """Worker processes for one table. ``send`` hands a message to a worker (``least_busy`` says
    which); ``next_answer`` and ``ready_answers`` give the answers in the order the messages were
    sent, whichever worker answered. A worker's staging file may hold chunks that are not next to
    each other: each chunk's answer says where its rows are."""

    def __init__(self, workers: int, spec: PoolSpec | None = None):
        """Start ``workers`` processes. They load the row builder's modules at once, then wait for
        ``start(spec)``: a pool can be started while the file is still being hashed."""
        from multiprocessing import get_context

        # "spawn": the importing process runs a writer thread; forking a threaded process is unsafe.
        context = get_context("spawn")
        self.size = workers
        self.spec: PoolSpec | None = None
        self._answers: queue.Queue[Any] = queue.Queue()
        self.building = [0] * workers  # chunks sent to each worker and not answered yet
        self._count_lock = threading.Lock()
        self._conns = []
        self._processes = []
        self._outboxes: list[queue.Queue[Any]] = []
        self._threads = []
        for i in range(workers):
            conn, child = context.Pipe()
            process = context.Process(target=_serve, args=(child,), name=f"uncounted-import-worker-{i}",
                                      daemon=True)
            process.start()
            child.close()
            # A chunk is handed to a sender thread, so that this process never waits for a busy
            # worker while another one is idle; a reader thread collects the answers.
            outbox: queue.Queue[Any] = queue.Queue()
            for target, args, name in ((self._send_messages, (conn, outbox), "messages"),
                                       (self._read_answers, (conn, i), "answers")):
                thread = threading.Thread(target=target, args=args, daemon=True, name=f"uncounted-import-{name}-{i}")
                thread.start()
                self._threads.append(thread)
            self._conns.append(conn)
            self._processes.append(process)
            self._outboxes.append(outbox)
        self._waiting: dict[int, Any] = {}
        self._next = 0
        self.sent = 0
        if spec is not None:
            self.start(spec)

    def start(self, spec: PoolSpec) -> None:
        """Tell every worker what to build (the table, its columns, where to stage); once per pool."""
        if self.spec is not None:
            raise RuntimeError("this pool of import workers has started already")
        self.spec = spec
        for outbox in self._outboxes:
            outbox.put(("spec", spec))  # not numbered: a spec has no answer

    def least_busy(self) -> int:
        """The worker with the fewest chunks to build; waits while every worker has two or more."""
        while min(self.building) >= 2:
            self._take(self._answers.get())
        return self.building.index(min(self.building))

    def send(self, worker: int, message: tuple[Any, ...]) -> int:
        """Send ``(kind, *payload)`` to a worker; returns the message's sequence number."""
        seq = self.sent
        self.sent += 1
        if message[0] == "chunk":
            with self._count_lock:
                self.building[worker] += 1
        self._outboxes[worker].put((seq, *message))
        return seq

    def _send_messages(self, conn: Any, outbox: queue.Queue[Any]) -> None:
        while True:
            message = outbox.get()
            try:
                conn.send(message)
            except (OSError, ValueError):  # the worker is gone: its reader thread says so
                return
            if message is None:
                return

    def next_answer(self) -> Any:
        """The answer to the oldest message not answered yet (waits for it)."""
        while self._next not in self._waiting:
            self._take(self._answers.get())
        return self._pop()

    def ready_answers(self) -> Iterator[Any]:
        """The answers that have come, in order, without waiting."""
        while True:
            while not self._answers.empty():
                self._take(self._answers.get_nowait())
            if self._next not in self._waiting:
                return
            yield self._pop()

    def _pop(self) -> Any:
        answer = self._waiting.pop(self._next)
        self._next += 1
        return answer

    @property
    def pending(self) -> int:
        """Messages sent and not answered yet."""
        return self.sent - self._next

    def _take(self, answer: Any) -> None:
        if isinstance(answer, _Failure):
            if answer.error is not None:
                raise answer.error
            raise RuntimeError(f"an import worker process failed:\n{answer.text}")
        if answer is None:
            raise _worker_gone()
        self._waiting[answer.seq] = answer

    def _read_answers(self, conn: Any, worker: int) -> None:
        while True:
            try:
                answer = conn.recv()
            except (EOFError, OSError):
                self._answers.put(None)
                return
            if isinstance(answer, ChunkDone):
                with self._count_lock:
                    self.building[worker] -= 1
            self._answers.put(answer)
            if isinstance(answer, _Failure):
                return

    def close(self, *, abort: bool = False) -> None:
        """Stop the workers: after the chunks they were given (or at once, to ``abort``)."""
        for outbox in self._outboxes:
            outbox.put(None)
        for process in self._processes:
            if not abort:
                process.join(timeout=10)
            if process.is_alive():
                process.terminate()
                process.join()
        for conn in self._conns:
            conn.close()


def _worker_gone() -> ImportFailed:
    return ImportFailed("A worker process that builds the rows stopped unexpectedly (out of memory, or killed?); "
                        "nothing was written. Try again, or import with --workers 0 (workers=0). From a Python "
                        "script, call import_file under `if __name__ == '__main__':` (a worker starts by "
                        "importing the script).")


class RecordIds:
    """The record ids of one table, checked in the importing process before rows go to workers
    (each worker sees only its own chunks). Gives each row the row where its id was first used, or
    None; the same ids as ``RowStage`` takes from the rows it builds."""

    def __init__(self, builder: RowBuilder):
        self.builder = builder
        self.index = builder.index.get("record_id")
        self.limit = MAX_LENGTHS.get("source_record_id", 0)
        self.first_row: dict[str, int] = {}

    def first_use(self, row_number: int, cells: list[Any]) -> int | None:
        """The row where this row's record id was first used, or None (a first use, or no id)."""
        i = self.index
        if i is None or i >= len(cells):
            return None
        record_id = cells[i]
        if type(record_id) is not str or len(record_id) > self.limit or not record_id or record_id[0].isspace() \
                or record_id[-1].isspace():
            record_id = self.record_id(cells)  # the rare case, in full
            if record_id is None:
                return None
        first = self.first_row.setdefault(record_id, row_number)
        return None if first == row_number else first

    def first_uses(self, numbers: Sequence[int], rows: Sequence[list[Any]]) -> dict[int, int]:
        """``first_use`` of a batch of rows: {index in the batch: the row that first used its id},
        for the rows whose id was used before. When every id is plain text as ``RowBuilder`` keeps it
        (the usual case), the whole batch is looked up and recorded in one pass."""
        i = self.index
        if i is None:
            return {}
        try:
            batch_ids = [cells[i] for cells in rows]
        except IndexError:  # a short row
            batch_ids = []
        if batch_ids and self._all_plain(batch_ids):
            firsts = list(map(self.first_row.setdefault, batch_ids, numbers))
            if firsts == list(numbers):
                return {}
            return {k: first for k, (first, row_number) in enumerate(zip(firsts, numbers)) if first != row_number}
        repeats = {}
        for k, (row_number, cells) in enumerate(zip(numbers, rows)):
            first = self.first_use(row_number, cells)
            if first is not None:
                repeats[k] = first
        return repeats

    def _all_plain(self, batch_ids: list[Any]) -> bool:
        """True when every id is text, not empty, within the column's limit and without spaces
        around it: ``RowBuilder`` keeps each as it is."""
        try:
            "".join(batch_ids)
        except TypeError:  # a cell that is not text
            return False
        lengths = list(map(len, batch_ids))
        return (min(lengths) > 0 and (not self.limit or max(lengths) <= self.limit)
                and list(map(str.strip, batch_ids)) == batch_ids)

    def record_id(self, cells: list[Any]) -> str | None:
        """The row's record id as ``RowBuilder`` reads it: the stripped cell; left out when longer
        than the column allows, unless the row is rejected for its structure (then kept as is)."""
        i = self.index
        if i is None or i >= len(cells) or not isinstance(cells[i], str):
            return None
        text = cells[i].strip()
        if not text:
            return None
        if self.limit and len(text) > self.limit and not self._broken(cells):
            return None
        return text

    def _broken(self, cells: list[Any]) -> bool:
        """True when ``RowBuilder`` rejects the row for its structure (its own check, asked directly)."""
        return self.builder._structure_errors(0, cells, [])


UNIT, RECORD = "\x1f", "\x1e"  # separators of cells and rows in a packed chunk


class ChunkPacker:
    """The rows of one chunk, packed for the pipe to a worker. Pickling one long text is far cheaper
    than pickling every cell, so the cells are joined with separators, unless a cell holds one (or
    is not text): then the rows go as they are."""

    def __init__(self) -> None:
        self.numbers: list[int] = []
        self.rows: list[list[Any]] = []
        self.repeats: dict[int, int] = {}  # index in the chunk -> the row that first used its record id

    def __len__(self) -> int:
        return len(self.rows)

    def fill(self, rows: Iterator[tuple[int, list[Any]]], ids: RecordIds, size: int) -> tuple[int, bool]:
        """Take rows until the chunk holds ``size``, leaving out blank ones; ``ids`` gives the rows
        whose record id was used before. Returns (blank rows left out, whether the rows ran out).
        Rows are taken and checked a batch at a time: per row, a Python call costs more than the check."""
        blank = 0
        while len(self.rows) < size:
            batch = list(islice(rows, min(FILL_BATCH, size - len(self.rows))))
            if not batch:
                return blank, True
            numbers, cells = zip(*batch)
            blanks = _blank_rows(cells)
            if blanks:
                blank += len(blanks)
                left_out = set(blanks)
                numbers = [n for k, n in enumerate(numbers) if k not in left_out]
                cells = [c for k, c in enumerate(cells) if k not in left_out]
            offset = len(self.rows)
            for k, first in ids.first_uses(numbers, cells).items():
                self.repeats[offset + k] = first
            self.numbers.extend(numbers)
            self.rows.extend(cells)
        return blank, False

    def pack(self) -> tuple[Any, ...]:
        """(form, row numbers, rows, repeats) where form is "text" or "rows"."""
        try:
            text = RECORD.join([UNIT.join(cells) for cells in self.rows])
        except TypeError:  # a cell that is not text
            return ("rows", self.numbers, self.rows, self.repeats)
        if text.count(UNIT) + text.count(RECORD) != sum(map(len, self.rows)) - 1:
            return ("rows", self.numbers, self.rows, self.repeats)
        return ("text", self.numbers, text, self.repeats)


def _blank_rows(rows: Sequence[list[Any]]) -> list[int]:
    """The indexes of the blank rows (``is_blank``); a row whose first cell is text that does not
    start with a space is ruled out without a call."""
    return [k for k, cells in enumerate(rows)
            if not (cells and type(cells[0]) is str and cells[0][:1].strip()) and is_blank(cells)]


def unpack_rows(form: str, rows: Any) -> tuple[list[list[Any]], float]:
    """The cells of each row of a packed chunk (see ``ChunkPacker``), and a bound on the length of
    its longest cell (the longest packed row; infinity when the rows were not packed as text)."""
    if form == "text":
        lines = rows.split(RECORD)
        return [line.split(UNIT) for line in lines], max(map(len, lines))
    return rows, float("inf")


# ---- the worker's side -----------------------------------------------------------------------------

def _serve(conn: Any) -> None:
    """(in a worker) Wait for the spec, then build chunks until told to stop (None) or the importing
    process is gone."""
    from uncounted.ingest.normal import Normalisers
    from uncounted.normalize import names  # noqa: F401  (loaded now, while the importer hashes the file)

    _lower_priority()
    _bind_none_directly()
    # Building rows makes no reference cycles (none were found after 200,000 simulated rows, nor
    # after rows whose every cell is wrong), and the collector's passes over the growing caches cost
    # about a seventh of a worker's time: it is off, with a full pass every COLLECT_EVERY chunks as a
    # safety net, after which what survived (the caches, mostly) is frozen out of later passes.
    gc.disable()
    worker = None
    chunks = 0
    stopped = False
    try:
        spec = _wait_for_spec(conn)
        if spec is None:  # stopped (or the importing process is gone) before any work
            return
        table = Table(file=spec.file, sheet=spec.sheet, headers=spec.headers, header_row=spec.header_row,
                      rows=iter(()), original_headers=spec.original_headers, format=spec.format)
        worker = _Worker(spec, RowBuilder(table, spec.columns, Normalisers(**spec.normaliser_options)))
        while True:
            try:
                message = conn.recv()
            except EOFError:  # the importing process is gone
                return
            if message is None:
                stopped = True
                break
            seq, kind, *payload = message
            if kind == "chunk":
                conn.send(worker.build_chunk(seq, *payload))
                chunks += 1
                if chunks % COLLECT_EVERY == 0:
                    gc.collect()
                    gc.freeze()
            elif kind == "seal":
                conn.send(Sealed(seq, worker.seal()))
            else:
                raise ValueError(f"unknown message {kind!r}")
    except BaseException as exc:  # handed to the importing process, which raises it
        try:
            conn.send(_Failure(_picklable(exc), traceback.format_exc()))
        except Exception:
            pass
    finally:
        if worker is not None:
            worker.discard()
        conn.close()
    if stopped:
        # Told to stop, with every file sealed and every answer sent: leave without tearing down the
        # interpreter (freeing the caches one object at a time would hold up the import's commit).
        os._exit(0)


def _wait_for_spec(conn: Any) -> PoolSpec | None:
    try:
        message = conn.recv()
    except EOFError:
        return None
    if message is None:
        return None
    kind, spec = message
    if kind != "spec":
        raise ValueError(f"an import worker expected its spec first, not {kind!r}")
    return spec


def _bind_none_directly() -> None:
    """(in a worker) Make sqlite3 bind None as NULL without its adaptation search. For a value that
    is not an int, float, str or bytes, sqlite3 looks for an adapter, then for ``__adapt__`` and
    ``__conform__`` methods, which made a None cost three times a short text; with an adapter
    registered for None (a C function of one argument that returns None) the search ends at once.
    Only in workers: the registry is per process, and a worker binds nothing but staged rows."""
    sqlite3.register_adapter(type(None), set().discard)


def _lower_priority() -> None:
    """Workers yield the CPU to the importing process: whatever it has not written yet when the
    workers finish is written while a core sits idle, so its writing should keep up."""
    try:
        os.nice(WORKER_NICENESS)
    except (AttributeError, OSError):  # not on this system, or not allowed: then as it is
        pass


class _Worker:
    """One worker's state: its row builder, and its open staging file (SQLite)."""

    def __init__(self, spec: PoolSpec, builder: RowBuilder):
        self.spec = spec
        self.builder = builder
        self.key_of = report_keys(spec.source_name, spec.lineage, spec.sheet)
        self.label = builder.label
        self.id_column = builder.col.get("record_id")
        self.sqlite = spec.store == "sqlite"
        self.db: sqlite3.Connection | None = None
        self.path: str | None = None
        self.rows_in_file = 0
        self.files = 0
        self.iso: dict[Any, str] = {}
        self.insert_sqls: dict[tuple[int, ...], str] = {}
        self.empty_columns = EmptyColumns(min_empty=MIN_EMPTY_COLUMNS_CUT)
        constants = spec.constants
        self.copy_head = "\t".join(constants.get(c, "") for c in REPORT_COLUMNS[1:REPORT_COLUMNS.index("row_number")])
        self.copy_tail = "\t".join(constants.get(c, "") for c in REPORT_COLUMNS[REPORT_COLUMNS.index("problems") + 1:])
        self.copy_sheet = constants.get("sheet", "")

    def build_chunk(self, seq: int, packed: tuple[Any, ...], want_problems: bool, want_preview: bool) -> ChunkDone:
        """Build a chunk packed by ``ChunkPacker`` and stage or format its good rows."""
        done = ChunkDone(seq)
        out: list[list[Any]] = []
        build = self.builder.build
        form, numbers, rows, repeats = packed
        cells_of_rows, longest = unpack_rows(form, rows)
        checked = rows_checked(cells_of_rows, self.builder.n_headers, longest)
        for i, (row_number, cells) in enumerate(zip(numbers, cells_of_rows)):
            built = build(row_number, cells, checked)
            first = repeats.get(i) if repeats else None
            if first is not None:
                built.problems.append(duplicate_id_problem(self.label, row_number, self.id_column,
                                                           built.record_id or "", first))
                built.rejected = True
            done.read += 1
            if built.problems:
                self._note(done, built.problems, want_problems)
            if built.rejected:
                done.rejected.append(built)
                continue
            done.imported += 1
            if built.problems and any(p.severity != "info" for p in built.problems):
                done.with_warnings += 1
            if want_preview and len(done.preview) < PREVIEW_ROWS:
                done.preview.append(BuiltRow(built.row_number, built.record_id, list(built.values or []), {},
                                             built.problems, False, []))
            out.append(self._staged_row(built))
        if self.sqlite:
            done.staged = self._stage(out)
        else:
            done.copy_text = "".join(map(self._copy_line, out))
        return done

    def _note(self, done: ChunkDone, problems: list[ImportProblem], want_problems: bool) -> None:
        for problem in problems:
            done.severities[problem.severity] += 1
            done.groups.add(problem)
            if want_problems and len(done.kept) < MAX_PROBLEMS_KEPT:
                done.kept.append(problem)

    def _staged_row(self, built: BuiltRow) -> list[Any]:
        """[report key, row number, *values, raw JSON, problems JSON], with dates as ISO text: the
        row's own list of values, extended in place (cheaper than copying it into a new tuple)."""
        values = built.values
        assert values is not None
        for i in DATE_INDEXES:
            day = values[i]
            if day is not None:
                text = self.iso.get(day)
                if text is None:
                    text = self.iso[day] = day.isoformat()
                values[i] = text
        values[:0] = (self.key_of(built.record_id, built.row_number), built.row_number)
        values.append(canonical_text_raw(built.raw))
        values.append(problems_json(built.problems) if built.problems else None)
        return values

    # ---- SQLite staging files ----------------------------------------------------------------------
    def _stage(self, rows: list[list[Any]]) -> tuple[str, int, int]:
        if self.db is None:
            self._open_file()
        assert self.db is not None and self.path is not None
        first = self.rows_in_file + 1
        if rows:
            try:
                self.db.executemany(*self._staging_insert(rows))
            except sqlite3.OperationalError as exc:
                if "full" not in str(exc):
                    raise
                raise ImportFailed(f"The disk of {self.spec.staging_dir} is full: an import stages its rows there "
                                   f"before writing them ({exc}). Free some space (about as much as the store "
                                   "needs for the rows again), or import with --workers 0; nothing was "
                                   "written.") from None
            self.rows_in_file += len(rows)
        return self.path, first, self.rows_in_file

    def _staging_insert(self, rows: list[list[Any]]) -> tuple[str, Sequence[Sequence[Any]]]:
        """The INSERT of the columns that hold a value in some row, and the rows cut to them."""
        kept, rows = self.empty_columns.cut(rows)
        sql = self.insert_sqls.get(kept)
        if sql is None:
            names = ", ".join(STAGED_COLUMNS[i] for i in kept)
            sql = self.insert_sqls[kept] = f"INSERT INTO staged ({names}) VALUES ({', '.join('?' for _ in kept)})"
        return sql, rows

    def _open_file(self) -> None:
        self.files += 1
        self.path = os.path.join(self.spec.staging_dir, f"w{os.getpid()}-{self.files}.sqlite")
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA page_size = 65536")  # written once, read once: big pages cost least
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute(f"CREATE TABLE staged ({', '.join(STAGED_COLUMNS)})")
        self.db.execute("BEGIN")
        self.rows_in_file = 0

    def seal(self) -> str:
        """Finish the open staging file (the importing process may attach it now); a new one starts
        with the next chunk. Returns its path ('' when this worker had no chunk since the last seal)."""
        if self.db is None:
            return ""
        self.db.execute("COMMIT")
        self.db.close()
        self.db, path = None, self.path
        return path or ""

    def discard(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    # ---- PostgreSQL COPY text -------------------------------------------------------------------------
    def _copy_line(self, row: list[Any]) -> str:
        """One row of COPY text: the report key, the per-import constants, then the row's fields."""
        key, row_number, *rest = row
        body = "\t".join(["\\N" if v is None else (v if type(v) is str else str(v)) for v in rest])
        # Every backslash should be a NULL's, and every tab a separator; else some value needs escaping.
        if body.count("\\") != rest.count(None) or body.count("\t") != len(rest) - 1 or "\n" in body \
                or "\r" in body:
            body = "\t".join(["\\N" if v is None else _copy_escape(v if type(v) is str else str(v)) for v in rest])
        return f"{key}\t{self.copy_head}\t{row_number}\t{self.copy_sheet}\t{body}\t{self.copy_tail}\n"


_COPY_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _copy_escape(text: str) -> str:
    return re.sub(r"[\\\t\n\r]", lambda m: _COPY_ESCAPES[m.group()], text)


def copy_constant(value: Any) -> str:
    """A per-import constant as COPY text (None, booleans, numbers, text, datetimes)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return _copy_escape(str(value))


def _picklable(exc: BaseException) -> BaseException | None:
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return None
    return exc
