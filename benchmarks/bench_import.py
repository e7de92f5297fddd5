"""Benchmark: import a large list made by `uncounted simulate` into SQLite and PostgreSQL.

    .venv/bin/python benchmarks/bench_import.py                  # 250,000 rows (a few minutes)
    .venv/bin/python benchmarks/bench_import.py --rows 1000000   # the figure of the issue
    .venv/bin/python benchmarks/bench_import.py --store sqlite --rows 1000000
    .venv/bin/python benchmarks/bench_import.py --rows 1000000 --workers auto,0   # also all in one process

The CSV is made once with `uncounted simulate OUT --single-list-rows N` (SYNTHETIC data) and kept
in --cache. Each import runs as its own `uncounted import` process in a new workspace; the script
prints rows per second (wall clock), the CPU seconds used (user + system, all threads), the peak
resident memory of the import process, and the load average of the machine, because on a shared
machine the wall clock also measures the other users. PostgreSQL runs when --pg-url or
UNCOUNTED_TEST_PG_URL names a server (a new database is created and dropped). --workers passes
`uncounted import --workers`: "auto" (the default: the importer chooses), or a number; give several,
comma-separated, to compare them in the same run. CPU seconds include the worker processes (not
PostgreSQL's server).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNCOUNTED = [sys.executable, "-c", "from uncounted.cli.main import cli; cli()"]


def make_list(rows: int, cache: Path, seed: int) -> Path:
    """The simulated single-list CSV with `rows` rows (made once, then reused)."""
    out = cache / f"single_list_{rows}_seed{seed}"
    found = sorted(out.glob("01_*.csv")) if out.exists() else []
    if found:
        return found[0]
    print(f"making a SYNTHETIC {rows:,}-row list with `uncounted simulate` (once) ...", flush=True)
    started = time.perf_counter()
    subprocess.run(UNCOUNTED + ["simulate", str(out), "--single-list-rows", str(rows), "--seed", str(seed),
                                "--no-progress"], check=True, stdout=subprocess.DEVNULL)
    print(f"  made in {time.perf_counter() - started:.0f} s", flush=True)
    return sorted(out.glob("01_*.csv"))[0]


def run_import(csv_path: Path, database_url: str | None, workers: str) -> dict[str, float]:
    """One `uncounted import` in a fresh workspace, in its own process; its time, CPU and peak RSS."""
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        ws = Path(tmp) / "ws"
        init = UNCOUNTED + ["init", str(ws)] + (["--database-url", database_url] if database_url else [])
        subprocess.run(init, check=True, stdout=subprocess.DEVNULL)
        # A helper process runs the import, so that its resource usage counts that one process only.
        started = time.perf_counter()
        done = subprocess.run([sys.executable, __file__, "--measure", str(ws), str(csv_path), workers],
                              capture_output=True, text=True)
        wall = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"import failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        measured = json.loads(done.stdout)
        result = measured["result"]
    return {"rows": result["imported"], "wall_s": wall, "cpu_s": measured["cpu_s"],
            "peak_rss_mb": measured["peak_rss_mb"], "workers": result["tables"][0].get("workers", 0)}


def measure(ws: str, csv_path: str, workers: str) -> None:
    """(helper process) Run one import; print its result, CPU seconds and peak RSS as JSON."""
    choice = [] if workers == "auto" else ["--workers", workers]
    done = subprocess.run(UNCOUNTED + ["import", csv_path, "--source", "bench (SYNTHETIC)", "--workspace", ws,
                                       "--json", "--no-progress"] + choice, capture_output=True, text=True)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
        raise SystemExit(done.returncode)
    print(json.dumps({"result": json.loads(done.stdout), "cpu_s": usage.ru_utime + usage.ru_stime,
                      "peak_rss_mb": usage.ru_maxrss / 1024}))  # ru_maxrss is in KiB on Linux


def pg_database(admin_url: str) -> tuple[str, object]:
    from sqlalchemy import create_engine, text

    name = "bench_import_" + uuid.uuid4().hex[:8]
    engine = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = admin_url.rsplit("/", 1)[0]

    def drop() -> None:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return f"{base}/{name}", drop


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--measure":
        measure(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--store", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--pg-url", default=os.environ.get("UNCOUNTED_TEST_PG_URL"))
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "uncounted-bench-import")
    parser.add_argument("--workers", default="auto", help="auto, a number, or several comma-separated")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    csv_path = make_list(args.rows, args.cache, args.seed)
    size_mb = csv_path.stat().st_size / 1e6
    print(f"file: {csv_path} ({size_mb:,.0f} MB, {args.rows:,} rows, SYNTHETIC)")
    print(f"machine: {os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.1f}")
    stores = ["sqlite", "postgres"] if args.store == "both" else [args.store]
    for store in stores:
        for workers in args.workers.split(","):
            drop = None
            url = None
            if store == "postgres":
                if not args.pg_url:
                    print("postgres: skipped (give --pg-url or set UNCOUNTED_TEST_PG_URL)")
                    break
                url, drop = pg_database(args.pg_url)
            load = os.getloadavg()[0]
            try:
                figures = run_import(csv_path, url, workers.strip())
            finally:
                if drop:
                    drop()
            rate = figures["rows"] / figures["wall_s"]
            cpu_rate = figures["rows"] / figures["cpu_s"]
            print(f"{store:>8} (--workers {workers}: {figures['workers']} used): {figures['rows']:,} rows in "
                  f"{figures['wall_s']:.1f} s = {rate:,.0f} rows/s (wall); CPU {figures['cpu_s']:.1f} s = "
                  f"{cpu_rate:,.0f} rows per CPU-second; peak RSS {figures['peak_rss_mb']:,.0f} MB; load average "
                  f"before {load:.1f}, after {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
