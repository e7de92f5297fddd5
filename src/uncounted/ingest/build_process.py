"""Building rows in a helper process, so that a big import uses two cores.

The importing process reads the file and writes the reports; the helper process turns chunks of
rows into report values (every normaliser, the names, the raw row's JSON) with the same
``RowStage`` and ``RowBuilder`` the importing process would use, so what is stored does not
depend on where a row was built. While the helper builds one chunk, the importing process reads
the next one and writes the one before: the database work and the Python work of the rows
overlap on two processes (two threads of one process would take turns on the GIL).

Only plain tables go to a helper (no sensitive columns, not JSON Lines); those stay in-process.
"""

from __future__ import annotations

import gc
import traceback
from dataclasses import dataclass
from itertools import islice
from typing import Any, Iterator

from uncounted.errors import ImportFailed
from uncounted.ingest.readers import Table
from uncounted.ingest.rows import BuiltRow, RowBuilder, RowStage
from uncounted.ingest.store import VALUE_COLUMNS, canonical_raw

# (row number, record id, values or None, problems, rejected, cells of a rejected row, raw JSON)
RowTuple = tuple[int, Any, Any, list[Any], bool, Any, Any]


@dataclass
class HelperSpec:
    """What the helper needs to build the rows of one table exactly as the importing process would."""

    file: str
    sheet: str | None
    headers: list[str]
    header_row: int
    original_headers: list[str]
    format: str
    columns: dict[str, str | None]
    normaliser_options: dict[str, Any]  # Normalisers(**options)


@dataclass
class _Failure:
    error: BaseException | None
    text: str


class BuildHelper:
    """One helper process for one table; feed it with ``rows()``, then ``close()``."""

    def __init__(self, spec: HelperSpec):
        from multiprocessing import get_context

        # "spawn": the importing process may run a writer thread; forking a threaded process is unsafe.
        context = get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, spec), name="uncounted-import-builder",
                                        daemon=True)
        self._process.start()
        child.close()

    def rows(self, rows: Iterator[tuple[int, list[Any]]], chunk_rows: int) -> Iterator[BuiltRow | None]:
        """The rows built (None for a blank row), in order. The helper builds chunk k + 1 while the
        caller consumes chunk k, and this process reads chunk k + 2 meanwhile."""
        waiting = False
        while True:
            chunk = list(islice(rows, chunk_rows))
            done = self._receive() if waiting else None
            if chunk:
                self._send(chunk)
            if done is not None:
                for item in done:
                    yield None if item is None else _built(item)
            if not chunk:
                return
            waiting = True

    def _send(self, chunk: list[tuple[int, list[Any]]]) -> None:
        try:
            self._conn.send(chunk)
        except OSError as exc:  # a broken pipe: the helper is gone
            raise _helper_gone() from exc

    def _receive(self) -> list[RowTuple | None]:
        try:
            message = self._conn.recv()
        except (EOFError, OSError) as exc:
            raise _helper_gone() from exc
        if isinstance(message, _Failure):
            if message.error is not None:
                raise message.error
            raise RuntimeError(f"the import's helper process failed:\n{message.text}")
        return message

    def close(self) -> None:
        try:
            self._conn.send(None)
        except (OSError, ValueError):
            pass
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
        self._conn.close()


def _helper_gone() -> ImportFailed:
    return ImportFailed("The helper process that builds the rows stopped unexpectedly (out of memory, or "
                        "killed?); nothing was written. Try again, or import a smaller file.")


def _built(item: RowTuple) -> BuiltRow:
    row_number, record_id, values, problems, rejected, cells, raw_json = item
    return BuiltRow(row_number, record_id, values, {}, problems, rejected, cells or [], raw_json=raw_json)


def _serve(conn: Any, spec: HelperSpec) -> None:
    """(in the helper process) Build chunks of rows until told to stop (None) or the parent is gone."""
    from uncounted.ingest.normal import Normalisers

    gc.set_threshold(100_000, 50, 100)  # few cycles here; the default spends much time collecting
    try:
        table = Table(file=spec.file, sheet=spec.sheet, headers=spec.headers, header_row=spec.header_row,
                      rows=iter(()), original_headers=spec.original_headers, format=spec.format)
        stage = RowStage(RowBuilder(table, spec.columns, Normalisers(**spec.normaliser_options)))
        while True:
            try:
                chunk = conn.recv()
            except EOFError:  # the importing process is gone
                return
            if chunk is None:
                return
            conn.send([_pack(stage.build(row_number, cells)) for row_number, cells in chunk])
    except BaseException as exc:  # handed to the importing process, which raises it
        try:
            conn.send(_Failure(_picklable(exc), traceback.format_exc()))
        except Exception:
            pass
    finally:
        conn.close()


def _pack(built: BuiltRow | None) -> RowTuple | None:
    """A built row as plain values; event dates as ISO text (as SQLite stores them, and as PostgreSQL's
    COPY reads them), which travel between processes much faster than date objects."""
    if built is None:
        return None
    if built.rejected:
        return (built.row_number, built.record_id, None, built.problems, True, built.cells, None)
    values = built.values
    for i in DATE_INDEXES:
        day = values[i]
        if day is not None:
            text = _ISO_DATES.get(day)
            if text is None:
                text = _ISO_DATES[day] = day.isoformat()
            values[i] = text
    return (built.row_number, built.record_id, values, built.problems, False, None, canonical_raw(built.raw))


_ISO_DATES: dict[Any, str] = {}  # few distinct dates; kept for the helper process's life


DATE_INDEXES = (VALUE_COLUMNS.index("event_date_start"), VALUE_COLUMNS.index("event_date_end"))


def _picklable(exc: BaseException) -> BaseException | None:
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return None
    return exc
