"""RowBuilder remembers what a step does for a text and replays it: the rows must be the same as
rows built afresh (every value and problem, each problem with its own row number). SYNTHETIC data."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

from uncounted.errors import ImportProblem
from uncounted.ingest.mapping import detect_mapping
from uncounted.ingest.normal import Normalisers
from uncounted.ingest.readers import Table, read_table
from uncounted.ingest.rows import BuiltRow, RowBuilder, new_problem

HEADER = "S.No,Name,Father's Name,Sex,Age,Date of Incident,Area,District,Incident Type,Perpetrator,Status,Remarks"
# Values that warn (a date that is no date, a place not in the gazetteer, an unknown violation word,
# a status that names a violation, a sex that is none, an age that is none), and plain ones.
LINES = [
    "1,Ali Khan s/o Akbar,,M,32,12/03/1995,Lyari,Karachi South,Killed,Police,Dead,SYNTHETIC",
    "2,Mst. Bibi,,,40,31/02/1995,Nowhereville,,zapped,aliens,ABDUCTED,SYNTHETIC",
    "3,Sajid d/o Ali,W/O Aslam,Q,about thirty,1995,Lyari,Karachi South,,Police,Missing,SYNTHETIC",
    "4,Ali Khan s/o Akbar,,M,32,12/03/1995,Lyari,Karachi South,Killed,Police,Dead,SYNTHETIC",
    "5,Mst. Bibi,,,40,31/02/1995,Nowhereville,,zapped,aliens,ABDUCTED,SYNTHETIC",
    "6,Sajid d/o Ali,W/O Aslam,Q,about thirty,1995,Lyari,Karachi South,,Police,Missing,SYNTHETIC",
    "7,Unknown male,,,x,unknown,,Karachi South,Abducted,,ABDUCTED,SYNTHETIC",
    "8,Unknown male,,,x,unknown,,Karachi South,Abducted,,ABDUCTED,SYNTHETIC",
    "9,Ali Khan s/o Akbar,,M,32,12/03/1995,Lyari,Karachi South,Killed,Police,Dead",  # one value short
    "10,  Ali Khan s/o Akbar ,, M ,32 , 12/03/1995,Lyari ,Karachi South,Killed ,Police,Dead,SYNTHETIC",
    "11," + "A" * 400 + ",,M,32,12/03/1995,Lyari,Karachi South,Killed,Police,Dead,SYNTHETIC",  # over-long name
    "12,Ali Khan s/o Akbar,,M,32,12/03/1995,Lyari,Karachi South,Killed,Police,Dead,SYNTHETIC,extra",
]


def _table(tmp_path: Path) -> tuple[Table, list[tuple[int, list[Any]]]]:
    path = tmp_path / "replay_SYNTHETIC.csv"
    path.write_text("\n".join([HEADER, *LINES]) + "\n", encoding="utf-8")
    table = next(iter(read_table(path)))
    return table, list(table.rows)


def _builder(table: Table) -> RowBuilder:
    return RowBuilder(table, detect_mapping(table.headers, table.hxl_tags).columns, Normalisers(kind="ngo_list"))


def _as_tuple(built: BuiltRow) -> tuple[Any, ...]:
    return (built.row_number, built.record_id, built.values, built.raw, built.problems, built.rejected,
            built.cells, built.secret)


def test_replayed_rows_equal_rows_built_afresh(tmp_path: Path) -> None:
    table, rows = _table(tmp_path)
    shared = _builder(table)
    # three times: a step's outcome is remembered the second time its texts come, replayed from the third
    for row_number, cells in rows * 3:
        fresh = _builder(table).build(row_number, list(cells))
        again = shared.build(row_number, list(cells))
        assert _as_tuple(again) == _as_tuple(fresh), row_number
        assert all(p.row == row_number for p in again.problems), row_number


def test_replayed_problems_carry_their_own_row_numbers(tmp_path: Path) -> None:
    table, rows = _table(tmp_path)
    builder = _builder(table)
    for row_number, cells in rows:  # the first time the steps run (and are remembered for texts seen before)
        builder.build(row_number, cells)
    built = {b.record_id: b for b in (builder.build(n, cells) for n, cells in rows)}  # replayed
    first, repeat = built["2"], built["5"]  # record 5 repeats record 2 (three rows below it)
    assert repeat.row_number == first.row_number + 3
    assert first.problems and len(first.problems) == len(repeat.problems)
    assert {p.row for p in first.problems} == {first.row_number}
    assert {p.row for p in repeat.problems} == {repeat.row_number}
    assert [(p.column, p.value, p.expected, p.severity) for p in first.problems] == \
        [(p.column, p.value, p.expected, p.severity) for p in repeat.problems]
    assert first.values[1:] == repeat.values[1:] and first.values is not repeat.values


def test_new_problem_is_an_import_problem_in_every_way() -> None:
    made = new_problem("list_SYNTHETIC.csv", 4, "Age", "x", "an age", "warning")
    plain = ImportProblem("list_SYNTHETIC.csv", 4, "Age", "x", "an age", "warning")
    assert type(made) is ImportProblem
    assert made == plain and hash(made) == hash(plain) and repr(made) == repr(plain) and str(made) == str(plain)
    assert pickle.loads(pickle.dumps(made)) == plain and vars(made) == vars(plain)
