"""How much CPU turning CSV cells into report values costs: RowStage.build per row, and a digest of its output.

Reads each file with ``read_table``, maps its columns with ``detect_mapping``, chooses the date order
the way the importer does (from the first rows' dates), and builds every row with
``RowStage(RowBuilder(...))``. Prints rows, µs of CPU per row for the building alone (the reading of
the CSV is timed apart), peak RSS, and a sha256 of every built row (row number, record id, values,
raw, problems, rejected, secret cells).

``--save-reference FILE`` writes one digest per row; ``--check FILE`` compares this run with such a
reference and reports the first rows that differ, so that a speed-up can be shown to change nothing.
Every list used here is SYNTHETIC.

Run: .venv/bin/python benchmarks/bench_build_rows.py LIST.csv [MORE ...] [--save-reference F | --check F]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import resource
import sys
import time
from pathlib import Path
from typing import Any, Iterator

from uncounted.ingest.mapping import detect_mapping
from uncounted.ingest.normal import Normalisers
from uncounted.ingest.readers import Table, read_table
from uncounted.ingest.rows import BuiltRow, RowBuilder, RowStage, problem_dict
from uncounted.ingest.sensitive import sensitive_columns
from uncounted.normalize.dates import detect_date_order

LOOKAHEAD_ROWS = 2000  # as the importer: the first rows decide the date order
CHUNK = 10_000  # rows read, then built, then digested: only the building is timed


def choose_date_order(table: Table, columns: dict[str, str | None], head: list[tuple[int, list[Any]]],
                      default: str = "dmy") -> str:
    """The importer's choice without an explicit order: the default unless the dates prove another."""
    column = next((h for h, f in columns.items() if f == "event_date"), None)
    if column is None:
        return default
    i = table.headers.index(column)
    values = [cells[i] for _, cells in head if i < len(cells) and isinstance(cells[i], str)]
    proved = detect_date_order(values)
    if proved is None or proved == default:
        return default
    return proved


def row_text(row_number: int, built: BuiltRow | None) -> str:
    """Everything a built row hands on, as one deterministic text (repr keeps types apart: a date is no str)."""
    if built is None:
        return f"{row_number} blank"
    problems = [problem_dict(p) for p in built.problems]
    return repr((built.row_number, built.record_id, built.values, built.raw, problems, built.rejected,
                 built.secret))


def chunks(rows: Iterator[tuple[int, list[Any]]], size: int) -> Iterator[list[tuple[int, list[Any]]]]:
    chunk: list[tuple[int, list[Any]]] = []
    for item in rows:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def bench_table(table: Table, label: str, kind: str, digests: Digests,
                limit: int | None) -> tuple[int, float, float, str]:
    """(rows, CPU seconds building, CPU seconds reading, sha256 of all rows) for one table."""
    mapping = detect_mapping(table.headers, table.hxl_tags)
    sensitive = sensitive_columns(table.headers, mapping.columns, {})
    rows = iter(table.rows)
    read_start = time.process_time()
    head = [item for _, item in zip(range(LOOKAHEAD_ROWS), rows)]
    read_cpu = time.process_time() - read_start
    order = choose_date_order(table, mapping.columns, head)
    norm = Normalisers(date_order=order, pivot=30, gazetteer=None, vocabulary={}, kind=kind)
    stage = RowStage(RowBuilder(table, mapping.columns, norm, sensitive))
    whole = hashlib.sha256()
    n = 0
    build_cpu = 0.0
    all_rows = _chain(head, rows)
    while limit is None or n < limit:
        read_start = time.process_time()
        chunk = next(chunks(all_rows, CHUNK if limit is None else min(CHUNK, limit - n)), None)
        read_cpu += time.process_time() - read_start
        if chunk is None:
            break
        build = stage.build
        start = time.process_time()
        built = [build(row_number, cells) for row_number, cells in chunk]
        build_cpu += time.process_time() - start
        for (row_number, _), one in zip(chunk, built):
            text = row_text(row_number, one).encode("utf-8", "surrogatepass")
            whole.update(text)
            digests.add(label, row_number, hashlib.sha256(text).hexdigest()[:32])
        n += len(chunk)
        del built, chunk, one  # as a writer would: rows done with are freed before the next are built
    return n, build_cpu, read_cpu, whole.hexdigest()


def _chain(head: list[tuple[int, list[Any]]], rest: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
    yield from head
    yield from rest


class Digests:
    """Where each row's digest goes: written to a reference file, compared with one, or both; streamed
    row by row in file order, so that a million rows need no memory here."""

    def __init__(self, save: Path | None, check: Path | None, show: int = 10):
        self.out = open(save, "w", encoding="utf-8") if save else None
        self.reference = open(check, encoding="utf-8") if check else None
        self.show = show
        self.rows = 0
        self.differing = 0

    def add(self, label: str, row: int, digest: str) -> None:
        line = f"{label}\t{row}\t{digest}\n"
        self.rows += 1
        if self.out is not None:
            self.out.write(line)
        if self.reference is not None:
            expected = self.reference.readline()
            if expected != line:
                self._differs(label, row, expected)

    def _differs(self, label: str, row: int, expected: str) -> None:
        self.differing += 1
        if self.differing <= self.show:
            where = expected.split("\t")[:2] if expected else ["end of the reference"]
            print(f"  DIFF {label} row {row}: the reference has {' row '.join(where)} "
                  f"{'with another digest' if where == [label, str(row)] else ''}", flush=True)

    def close(self) -> None:
        if self.out is not None:
            self.out.close()
        if self.reference is not None:
            extra = sum(1 for _ in self.reference)
            if extra:
                print(f"  DIFF the reference has {extra:,} rows more")
                self.differing += extra
            self.reference.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="CSV / XLSX / JSONL lists (SYNTHETIC)")
    parser.add_argument("--kind", default="ngo_list", help="the source kind given to Normalisers")
    parser.add_argument("--limit", type=int, default=None, help="build at most this many rows per table")
    parser.add_argument("--save-reference", type=Path, help="write one digest per row to this file")
    parser.add_argument("--check", type=Path, help="compare every row's digest with this reference file")
    parser.add_argument("--gc-default", action="store_true",
                        help="keep Python's default collector thresholds (the importer raises them while building)")
    parser.add_argument("--gc-off", action="store_true",
                        help="no cyclic garbage collection at all while building (rows make no cycles): what it costs")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the whole run to this file")
    args = parser.parse_args(argv)

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    digests = Digests(args.save_reference, args.check)
    if args.gc_off:
        gc.disable()
    elif not args.gc_default:
        gc.set_threshold(100_000, 50, 100)  # as the importer and its build process do while rows are built
    total_rows, total_cpu = 0, 0.0
    for path in args.paths:
        for table in read_table(path):
            label = path.name + (f":{table.sheet}" if table.sheet else "")
            rows, build_cpu, read_cpu, whole = bench_table(table, label, args.kind, digests, args.limit)
            total_rows, total_cpu = total_rows + rows, total_cpu + build_cpu
            per_row = build_cpu / rows * 1e6 if rows else 0.0
            print(f"{label}: {rows:,} rows  build {per_row:.2f} µs/row CPU ({build_cpu:.2f} s)  "
                  f"read {read_cpu:.2f} s CPU  sha256 {whole}", flush=True)
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(str(args.profile))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if len(args.paths) > 1 and total_rows:
        print(f"all: {total_rows:,} rows  build {total_cpu / total_rows * 1e6:.2f} µs/row CPU")
    print(f"peak RSS {peak_mib:.0f} MiB")

    digests.close()
    if args.save_reference:
        print(f"reference of {digests.rows:,} rows written to {args.save_reference}")
    status = 0
    if args.check:
        print(f"check against {args.check}: {digests.rows:,} rows, "
              + ("all identical" if not digests.differing else f"{digests.differing:,} DIFFER"))
        status = 1 if digests.differing else 0
    return status


if __name__ == "__main__":
    sys.exit(main())
