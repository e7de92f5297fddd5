"""Rows built in worker processes are stored exactly as rows built in the importing process.

Big files build their rows in worker processes (``ingest.build_process``), which stage them for
SQLite or write them as COPY text for PostgreSQL. Here small SYNTHETIC files are imported with
``workers=2`` and tiny chunks, so that rows cross several chunks, workers and (on SQLite) rounds
of staging files, and every stored field, problem, count and rejected row is compared with an
import of the same file built in-process. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import multiprocessing
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ingest_helpers import import_in_workers, simulated_list, stored
from uncounted.ingest import import_file, importer, store
from uncounted.records.models import Report

DATA = Path(__file__).parent / "data" / "ingest"


def import_both_ways(ws: Any, path: Path, monkeypatch: pytest.MonkeyPatch, workers: int = 2,
                     **options: Any) -> tuple[Any, Any]:
    plain = import_file(ws, path, source="in-process (SYNTHETIC)", progress=False,
                        rejects_path=path.with_suffix(".plain.csv"), workers=0, **options)
    helped, started = import_in_workers(ws, path, monkeypatch, workers=workers, chunk_rows=7,
                                        source="workers (SYNTHETIC)", rejects_path=path.with_suffix(".helped.csv"),
                                        **options)
    assert started, "no worker process was used"
    assert {t["workers"] for t in helped.tables} == {workers}
    return plain, helped


def same_results(plain: Any, helped: Any) -> None:
    for name in ("rows_read", "imported", "added", "rejected", "rows_with_warnings", "blank_rows", "problem_counts",
                 "problem_groups", "preview"):
        assert getattr(plain, name) == getattr(helped, name), name
    assert plain.problems == helped.problems


@pytest.mark.parametrize("name, options", [
    ("families_titled.csv", {}), ("morgue.csv", {"mapping": DATA / "morgue_mapping.toml"}), ("hxl_list.csv", {}),
    ("broken.csv", {}),
])
def test_fixture_built_in_workers_is_stored_the_same(workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        name: str, options: dict[str, Any]) -> None:
    path = tmp_path / name
    shutil.copy(DATA / name, path)
    plain, helped = import_both_ways(workspace, path, monkeypatch, **options)
    same_results(plain, helped)
    assert stored(workspace, plain.document_id) == stored(workspace, helped.document_id)
    if plain.rejects_path:
        assert Path(plain.rejects_path).read_text(encoding="utf-8-sig") == \
            Path(helped.rejects_path).read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("workers", [1, 3])
def test_simulated_list_built_in_workers_is_stored_the_same(workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            workers: int) -> None:
    path = simulated_list(tmp_path, 800, seed=5)
    plain, helped = import_both_ways(workspace, path, monkeypatch, workers)
    same_results(plain, helped)
    rows = stored(workspace, helped.document_id)
    assert len(rows) == 800 and rows == stored(workspace, plain.document_id)
    assert sum(r["event_date_start"] is not None for r in rows) > 600  # dates went through as dates


def test_blank_rows_and_repeated_ids_across_chunks(workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "repeats.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["S.No", "Name of Victim", "Date of Incident", "Remarks"])
        for i in range(1, 40):
            if i % 9 == 0:
                writer.writerow(["", "", "", ""])
            record_id = str(i if i % 11 else 3)  # id 3 again at rows 11, 22, 33: chunks apart
            writer.writerow([record_id, f"Person {i} s/o Father {i}", f"{i % 28 + 1}/06/1992", "SYNTHETIC"])
    plain, helped = import_both_ways(workspace, path, monkeypatch)
    same_results(plain, helped)
    assert helped.rejected == 3 and helped.blank_rows == 4
    assert stored(workspace, plain.document_id) == stored(workspace, helped.document_id)


def test_a_new_version_after_a_first_built_in_workers(workspace, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "list.csv"
    lines = ["S.No,Name of Victim,Date of Incident"] + [f"{i},Person {i},{i}/07/1993" for i in range(1, 20)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(importer, "CHUNK_ROWS", 4)
    first = import_file(workspace, path, source="Versions (SYNTHETIC)", progress=False, workers=2)
    lines[5] = "5,Person Five,5/07/1993"
    del lines[8]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    second = import_file(workspace, path, source="Versions (SYNTHETIC)", progress=False, workers=2)
    assert (first.added, second.changed, second.withdrawn, second.unchanged) == (19, 1, 1, 17)


def test_workers_by_default_only_for_big_files_and_a_free_core(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer.os, "cpu_count", lambda: 2)
    big, small = tmp_path / "big.csv", tmp_path / "small.csv"
    with open(big, "wb") as handle:
        handle.truncate(importer.PARALLEL_MIN_BYTES)
    small.write_bytes(b"x" * (importer.PARALLEL_MIN_BYTES - 1))

    def plan(path: Path, idle: float, dry_run: bool = False) -> tuple[int, bool]:
        """(workers chosen, whether they were started before the file was read)."""
        monkeypatch.setattr(importer._IdleCores, "cores", lambda self: idle)
        chosen = importer._WorkerPlan(None, path, dry_run)
        try:
            return chosen.count(), chosen._early is not None
        finally:
            chosen.close()

    monkeypatch.setattr(importer.os, "getloadavg", lambda: (3.0, 3.0, 3.0))
    assert plan(big, idle=0.1) == (0, False)  # every core is busy
    assert plan(big, idle=1.6) == (2, False)  # busy a minute ago, idle now: chosen once the file is read
    monkeypatch.setattr(importer.os, "getloadavg", lambda: (0.4, 0.4, 0.4))
    assert plan(small, idle=2.0) == (0, False)  # a small file
    assert plan(big, idle=0.1) == (2, True)  # started at once, while the file is hashed
    assert plan(big, idle=2.0, dry_run=True) == (0, False)


def test_idle_cores_count_this_process_own_work_as_idle() -> None:
    """Measured while this process keeps one core busy, the cores idle apart from it are at least
    that one core's worth (this test's own work is not another job's)."""
    if importer._cpu_times() is None:
        pytest.skip("no /proc/stat on this system")
    idle = importer._IdleCores()
    end = time.perf_counter() + 0.4
    while time.perf_counter() < end:
        pass
    assert idle.cores() >= 0.5  # (loose: on a busy test machine this process gets less than a core)


def test_unused_early_workers_are_stopped(sqlite_workspace, tmp_path: Path) -> None:
    """Workers started for a file that turns out to be imported already stop with the import."""
    path = simulated_list(tmp_path, 50, seed=3)
    import_file(sqlite_workspace, path, source="Early (SYNTHETIC)", progress=False, workers=0)
    before = {p.pid for p in multiprocessing.active_children()}
    again = import_file(sqlite_workspace, path, source="Early (SYNTHETIC)", progress=False, workers=2)
    assert again.already_imported
    assert {p.pid for p in multiprocessing.active_children()} <= before


def test_staging_files_are_removed_and_nothing_stays_attached(sqlite_workspace, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = simulated_list(tmp_path, 300, seed=5)
    monkeypatch.setattr(importer, "CHUNK_ROWS", 20)
    staging = Path(sqlite_workspace.path) / "tmp"
    staging.mkdir()
    stale = staging / "import-999999999-abc"  # left by an import that was killed (no such process)
    stale.mkdir()
    (stale / "w1-1.sqlite").write_bytes(b"")
    result = import_file(sqlite_workspace, path, source="Staged (SYNTHETIC)", progress=False, workers=2)
    assert result.imported == 300
    assert list(staging.iterdir()) == []
    with sqlite_workspace.engine.connect() as connection:
        names = [row[1] for row in connection.exec_driver_sql("PRAGMA database_list")]
    assert set(names) <= {"main", "temp"}


def _spy_on_write_in_place(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """What each call of the real ``write_in_place`` answered (did the import write in place?)."""
    answers: list[bool] = []
    real = store.write_in_place

    def spy(dbapi: Any) -> bool:
        answers.append(real(dbapi))
        return answers[-1]

    monkeypatch.setattr(store, "write_in_place", spy)
    return answers


def _journal_state(ws: Any) -> tuple[str, int, int, bool]:
    """(journal mode of a new connection, synchronous and foreign keys of a pooled one, whether a
    rollback journal is left)."""
    db = Path(ws.path) / "uncounted.sqlite"
    fresh = sqlite3.connect(db)
    mode = fresh.execute("PRAGMA journal_mode").fetchone()[0]
    fresh.close()
    with ws.engine.connect() as connection:
        synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
        foreign_keys = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == mode
    return mode, synchronous, foreign_keys, Path(f"{db}-journal").exists()


def test_a_big_import_alone_writes_in_place_and_leaves_the_workspace_in_wal(sqlite_workspace, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = simulated_list(tmp_path, 300, seed=8)
    answers = _spy_on_write_in_place(monkeypatch)
    monkeypatch.setattr(importer, "CHUNK_ROWS", 40)
    result = import_file(sqlite_workspace, path, source="In place (SYNTHETIC)", progress=False, workers=2)
    assert result.imported == 300 and answers == [True]
    assert _journal_state(sqlite_workspace) == ("wal", 1, 1, False)  # WAL, synchronous NORMAL, foreign keys on
    again = import_file(sqlite_workspace, simulated_list(tmp_path / "2", 50, seed=9), source="Small (SYNTHETIC)",
                        progress=False, workers=0)
    assert again.imported == 50 and answers == [True]  # a small import keeps the WAL


def test_a_big_import_keeps_the_wal_while_another_connection_is_open(sqlite_workspace, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = simulated_list(tmp_path, 300, seed=8)
    answers = _spy_on_write_in_place(monkeypatch)
    monkeypatch.setattr(importer, "CHUNK_ROWS", 40)
    reader = sqlite3.connect(Path(sqlite_workspace.path) / "uncounted.sqlite")  # e.g. the web app's
    try:
        assert reader.execute("SELECT count(*) FROM reports").fetchone() == (0,)
        result = import_file(sqlite_workspace, path, source="Shared (SYNTHETIC)", progress=False, workers=2)
        assert result.imported == 300 and answers == [False]
        assert reader.execute("SELECT count(*) FROM reports").fetchone() == (300,)
    finally:
        reader.close()
    assert _journal_state(sqlite_workspace) == ("wal", 1, 1, False)


def test_tricky_characters_survive_workers_exactly(workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cells holding the packer's separators, COPY's special characters, quotes and other scripts."""
    values = ["Back\\slash \\N", "Tab\there", "Line one\nline two", "Carriage\rreturn", 'Quote " inside',
              "unit\x1fseparator", "record\x1eseparator", "ظہیر احمد ۱۹۹۲", "emoji 🙂", "\\N"]
    path = tmp_path / "tricky.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["S.No", "Name", "Remarks"])
        for i in range(1, 41):
            value = values[i % len(values)]
            writer.writerow([str(i), f"Person {i} {value if i % 3 == 0 else ''}".strip(), value])
    plain, helped = import_both_ways(workspace, path, monkeypatch)
    same_results(plain, helped)
    rows = stored(workspace, helped.document_id)
    assert rows == stored(workspace, plain.document_id)
    assert {r["notes"] for r in rows} == set(values)


def test_a_workbook_of_two_sheets_built_in_workers(workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each sheet is a table of its own; with two sheets the staging rounds of both share SQLite's
    attachments, and row numbers, sheets and repeated ids come out as built in-process."""
    import openpyxl

    book = openpyxl.Workbook()
    first = book.active
    first.title = "Karachi"
    first.append(["S.No", "Name of Victim", "Father's Name", "Age", "Date of Incident", "Area"])
    for i in range(1, 60):
        first.append([i if i != 40 else 7, f"Person {i} Khan", f"Father {i}", 20 + i % 30, f"{1 + i % 28}/06/1995",
                      "Lyari"])
    second = book.create_sheet("Quetta")
    second.append(["Case No", "Name", "Date"])
    for i in range(1, 45):
        second.append([f"Q-{i}", f"Person {i} Baloch", 1996 + i % 5])
    path = tmp_path / "two_sheets.xlsx"
    book.save(path)
    plain, helped = import_both_ways(workspace, path, monkeypatch)
    same_results(plain, helped)
    rows = stored(workspace, helped.document_id)
    assert rows == stored(workspace, plain.document_id)
    assert {r["sheet"] for r in rows} == {"Karachi", "Quetta"} and helped.rejected == 1
    assert [t["workers"] for t in helped.tables] == [2, 2]


def test_a_strict_import_refused_after_workers_built_it_leaves_nothing(sqlite_workspace, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from uncounted.errors import ImportFailed

    path = tmp_path / "one_bad_date.csv"
    lines = ["S.No,Name of Victim,Date of Incident"] + [f"{i},Person {i},{1 + i % 28}/07/1993" for i in range(1, 80)]
    lines[50] = "50,Person 50,the 45th of Julember"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(importer, "CHUNK_ROWS", 6)
    with pytest.raises(ImportFailed, match="--strict"):
        import_file(sqlite_workspace, path, source="Strict (SYNTHETIC)", progress=False, workers=2, strict=True)
    with sqlite_workspace.session() as session:
        assert session.execute(select(Report)).first() is None
    assert list((Path(sqlite_workspace.path) / "tmp").iterdir()) == []
    result = import_file(sqlite_workspace, path, source="Strict (SYNTHETIC)", progress=False, workers=2)
    assert (result.imported, result.warnings) == (79, 1)


@pytest.mark.parametrize("workers", [0, 2])
def test_a_refused_row_in_the_copy_fails_the_whole_import(workspace, tmp_path: Path, workers: int,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A row the store refuses (here: a report key already taken) fails the import, and nothing of it
    stays, although the staged copy is ``INSERT OR FAIL`` and a big import does not check foreign keys."""
    from uncounted.errors import ImportFailed
    from uncounted.records.models import Document, Source

    path = tmp_path / "taken_key.csv"
    path.write_text("S.No,Name of Victim\n" + "".join(f"{i},Person {i}\n" for i in range(1, 61)), encoding="utf-8")
    with workspace.session() as session:  # a report of this source that holds row 40's key already
        source = Source(name="Taken (SYNTHETIC)", kind="ngo_list")
        session.add(source)
        session.flush()
        session.add(Report(report_key=store.report_key(source.name, path.name, None, "40", 41),
                           source_id=source.id, name_raw="Person 40", raw={"S.No": "40"}))
    monkeypatch.setattr(importer, "CHUNK_ROWS", 7)
    with pytest.raises(ImportFailed, match="refused a write"):
        import_file(workspace, path, source="Taken (SYNTHETIC)", progress=False, workers=workers)
    with workspace.session() as session:
        assert session.execute(select(Document)).first() is None
        assert [r.name_raw for r in session.execute(select(Report)).scalars()] == ["Person 40"]


def test_each_round_is_copied_as_soon_as_its_files_are_sealed(sqlite_workspace, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Rounds end at fixed parts of the file; each is handed to the writer on its own (rounds
    handed over together would leave the copying to the end, with the workers idle)."""
    from uncounted.ingest import store

    path = simulated_list(tmp_path, 600, seed=5)
    monkeypatch.setattr(importer, "CHUNK_ROWS", 5)
    handed: list[int] = []
    real = store.ReportWriter.insert_staged

    def counted(self: Any, parts: list[tuple[str, int, int]], **constants: Any) -> None:
        handed.append(sum(last - first + 1 for _, first, last in parts))
        real(self, parts, **constants)

    monkeypatch.setattr(store.ReportWriter, "insert_staged", counted)  # the real copy, counted
    result = import_file(sqlite_workspace, path, source="Rounds (SYNTHETIC)", progress=False, workers=2)
    assert len(handed) == len(importer.ROUND_ENDS) + 1 and sum(handed) == result.imported == 600
    assert handed[0] > handed[-1]  # the later rounds are the small ones


def test_over_long_record_ids_are_read_as_in_process(workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An id longer than the column is left out of a good row (so never a repeat) but kept for a row
    rejected for its structure (so a repeat of it is one)."""
    long_id = "X" * 250
    path = tmp_path / "long_ids.csv"
    lines = ["S.No,Name of Victim,Remarks"] + [f"{i},Person {i},SYNTHETIC" for i in range(1, 30)]
    lines[5] = f"{long_id},Person 5,SYNTHETIC"
    lines[12] = f"{long_id},Person 12,SYNTHETIC"  # the same long id on a good row: no repeat
    lines[20] = f"{long_id},Person 20,SYNTHETIC,extra"  # too many values: rejected, its id kept
    lines[25] = f"{long_id},Person 25,SYNTHETIC,extra"  # ... and this one repeats it
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plain, helped = import_both_ways(workspace, path, monkeypatch)
    same_results(plain, helped)
    assert stored(workspace, plain.document_id) == stored(workspace, helped.document_id)
    assert helped.rejected == 2 and any("already used at row" in p.expected for p in helped.problems)


def test_a_chunk_finds_blank_rows_and_repeated_ids_as_row_by_row_checks_do() -> None:
    """``ChunkPacker.fill`` checks rows a batch at a time; what it finds must be what ``is_blank`` and
    ``RecordIds.first_use`` find row by row, on every kind of awkward cell (SYNTHETIC values)."""
    import random

    from uncounted.ingest.build_process import ChunkPacker, RecordIds
    from uncounted.ingest.normal import Normalisers
    from uncounted.ingest.readers import Table
    from uncounted.ingest.rows import RowBuilder, is_blank

    headers = ["S.No", "Name of Victim", "Remarks"]
    table = Table(file="batch.csv", sheet=None, headers=headers, header_row=1, rows=iter(()),
                  original_headers=list(headers))
    builder = RowBuilder(table, {"S.No": "record_id", "Name of Victim": "name", "Remarks": "notes"}, Normalisers())
    ids = ["1", "2", "3", " 3", "3 ", "", "   ", "X" * 250, "Y" * 200, "ٹ12", "4"]
    first_cells = [*ids, "\t", " 5"]
    rng = random.Random(11)
    rows = []
    for row_number in range(2, 3000):
        kind = rng.random()
        if kind < 0.03:
            cells = [rng.choice(["", " ", "\t"]) for _ in headers]  # blank
        elif kind < 0.05:
            cells = [rng.choice(first_cells)]  # a short row
        elif kind < 0.07:
            cells = [rng.choice(first_cells), "Person", "SYNTHETIC", "extra"]  # too many values
        else:
            cells = [rng.choice(first_cells) if rng.random() < 0.3 else str(row_number), f"Person {row_number}",
                     "SYNTHETIC"]
        rows.append((row_number, cells))

    expected_ids, expected = RecordIds(builder), []
    for row_number, cells in rows:
        if not is_blank(cells):
            expected.append((row_number, expected_ids.first_use(row_number, cells)))

    batched_ids, found, blank = RecordIds(builder), [], 0
    stream = iter(rows)
    while True:
        chunk = ChunkPacker()
        blank_here, ended = chunk.fill(stream, batched_ids, 97)
        blank += blank_here
        found += [(n, chunk.repeats.get(k)) for k, n in enumerate(chunk.numbers)]
        if ended:
            break
    assert found == expected
    assert blank == sum(is_blank(cells) for _, cells in rows)
    assert any(first is not None for _, first in expected) and blank > 0


def test_long_cells_and_ragged_rows_are_found_in_chunks_checked_at_once(workspace, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers check a whole chunk's row widths and lengths at once; a chunk with one row too wide,
    too short or with a cell over the limit must still give that row what the importing process gives."""
    from uncounted.ingest.readers import MAX_CELL_CHARS

    path = tmp_path / "ragged.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["S.No", "Name of Victim", "Remarks"])
        for i in range(1, 25):
            remark = "SYNTHETIC"
            if i == 5:
                remark = "x" * (MAX_CELL_CHARS + 1)  # over the limit: rejected
            elif i == 9:
                remark = "y" * MAX_CELL_CHARS  # at the limit: kept
            row = [str(i), f"Person {i}", remark]
            if i == 14:
                row.append("extra")  # a value beyond the header: rejected
            elif i == 19:
                row = row[:2]  # a short row: a warning
            writer.writerow(row)
    plain, helped = import_both_ways(workspace, path, monkeypatch)
    same_results(plain, helped)
    assert stored(workspace, plain.document_id) == stored(workspace, helped.document_id)
    assert helped.rejected == 2 and {p.row for p in helped.problems if p.severity == "error"} == {6, 15}
    assert any(p.row == 20 and p.severity == "warning" for p in helped.problems)
