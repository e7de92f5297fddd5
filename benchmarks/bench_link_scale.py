"""Scale benchmark: deduplicate about a million simulated reports (SYNTHETIC), timed.

The reports come from `uncounted.simulate` (four lists of the demo scenario, enough
victims for the requested number of rows). To keep the set-up out of the timing and
short, the lists are turned into reports here with a plain vectorised reader driven
by the scenario's manifest (date formats, value labels), not through the importer.
Timed: uncounted's `link_dataframe` (prepare, train, predict, cluster), and in the
same run a plain Splink configuration (stock NameComparison on the full and father's
names, event date, EM) for the time ratio. Peak memory is the process's maximum RSS.

Run:  .venv/bin/python benchmarks/bench_link_scale.py [--reports 1000000] [--json] [--skip-plain]
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

from uncounted.link.api import link_dataframe
from uncounted.link.evaluate import evaluate_clusters

REPORTS_PER_VICTIM = 1.35  # measured on the demo scenario's four lists


def _parse_dates(values: pd.Series, entry: dict) -> tuple[pd.Series, pd.Series]:
    fmt_py = {"%d/%m/%Y": "%d/%m/%Y"}
    start = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    precision = pd.Series(None, index=values.index, dtype="object")
    formats = [(f, "day") for f in entry["date_formats"]]
    formats += [(entry["date_formats_partial"]["month"], "month"), (entry["date_formats_partial"]["year"], "year")]
    for fmt, prec in formats:
        todo = start.isna() & values.notna()
        if not todo.any():
            break
        fmt = fmt_py.get(fmt, fmt).replace("-nopad", "").replace("%-", "%")
        parsed = pd.to_datetime(values[todo], format=fmt, errors="coerce")
        start[todo] = parsed
        precision[todo & start.notna()] = prec
    return start, precision


def reports_from_lists(out: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    manifest = json.loads((out / "manifest.json").read_text())
    truth = pd.read_csv(out / "truth.csv", dtype=str)
    frames = []
    for entry in manifest["lists"]:
        table = pd.read_csv(out / entry["file"], dtype=str)
        roles = {c["role"]: c["header"] for c in entry["columns"]}
        col = lambda role: table[roles[role]].astype("string") if role in roles else pd.Series(pd.NA, index=table.index, dtype="string")  # noqa: E731
        start, precision = _parse_dates(col("date"), entry)
        year = start.dt.year
        age = pd.to_numeric(col("age").str.extract(r"(\d+)")[0], errors="coerce") if "age" in roles else None
        birth = pd.to_numeric(col("birth_year"), errors="coerce") if "birth_year" in roles else None
        inverse = {label.lower(): code for code, label in entry["value_labels"]["violation"].items()}
        frames.append(pd.DataFrame({
            "report_key": entry["source"] + ":" + table[roles["record_id"]].astype(str),
            "source": entry["source"],
            "name_raw": col("name"),
            "father_name": col("father"),
            "birth_year_min": (year - age - 1) if age is not None else birth,
            "birth_year_max": (year - age) if age is not None else birth,
            "event_date_start": start.dt.date,
            "event_date_precision": precision,
            "event_place": col("place").str.lower() if "place" in roles else col("district").str.lower(),
            "violation": col("violation").str.lower().map(inverse),
        }))
    reports = pd.concat(frames, ignore_index=True)
    keys = truth["source"] + ":" + truth["record_id"]
    return reports, dict(zip(keys, truth["person_id"]))


def run_plain(reports: pd.DataFrame) -> float:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t0 = time.perf_counter()
    data = pd.DataFrame({
        "unique_id": reports["report_key"], "full_name": reports["name_raw"].str.lower(),
        "father_name": reports["father_name"].str.lower(),
        "event_date": pd.to_datetime(reports["event_date_start"], errors="coerce"),
    })
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[cl.NameComparison("full_name"), cl.NameComparison("father_name"),
                     cl.DateOfBirthComparison("event_date", input_is_string=False)],
        blocking_rules_to_generate_predictions=[block_on("full_name"), block_on("father_name", "event_date")],
        retain_matching_columns=False,
    )
    linker = Linker(DuckDBAPI().register(data, dataset_display_name="plain"), settings, log_level=logging.WARNING)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=42)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("full_name", "event_date"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("event_date", "father_name"))
    linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    return time.perf_counter() - t0


def cpu_seconds() -> float:
    """CPU time of this process (all threads): on a shared machine, wall time overstates the work."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2


class DiskSampler:
    """Largest total size of the files under a folder, sampled every second (DuckDB's
    database file and spill files while linking)."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.peak, self._stop = folder, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            total = 0
            for f in self.folder.rglob("*"):
                try:
                    total += f.stat().st_size if f.is_file() else 0
                except OSError:
                    pass
            self.peak = max(self.peak, total)

    def __enter__(self) -> DiskSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--skip-plain", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from uncounted.simulate import scenario_config, simulate_scenario, write_scenario

    victims = int(args.reports / REPORTS_PER_VICTIM)
    with tempfile.TemporaryDirectory(prefix="uncounted-scale-") as tmp:
        t0 = time.perf_counter()
        write_scenario(simulate_scenario(scenario_config("demo", victims=victims), seed=args.seed), tmp)
        reports, truth = reports_from_lists(Path(tmp))
    setup = time.perf_counter() - t0
    print(f"[bench] {len(reports):,} SYNTHETIC reports ready in {setup:.0f} s", file=sys.stderr)
    rss_before = peak_rss_gb()
    # linking's DuckDB database (and its spill files) go to a folder of this run, measured
    disk_dir = Path(tempfile.mkdtemp(prefix="uncounted-scale-duckdb-"))
    tempfile.tempdir = str(disk_dir)
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    with DiskSampler(disk_dir) as disk:
        result = link_dataframe(reports, progress=True)
    seconds = time.perf_counter() - t0
    tempfile.tempdir = None
    shutil.rmtree(disk_dir, ignore_errors=True)
    cpu = cpu_seconds() - cpu0
    peak = peak_rss_gb()
    scores = evaluate_clusters(result.person_of, truth)
    plain = None if args.skip_plain else run_plain(reports)
    out = {"synthetic": True, "reports": len(reports), "seconds": seconds, "cpu_seconds": cpu,
           "cpu_seconds_per_core_of_2": cpu / 2, "timings": result.timings,
           "peak_rss_gb": peak, "peak_rss_before_linking_gb": rss_before, "pairs_kept": len(result.pairs),
           "peak_duckdb_disk_gb": disk.peak / 1024 ** 3,
           "blocked_pairs": next((e.get("blocked_pairs") for e in result.model.training_log
                                  if "blocked_pairs" in e), None),
           "pairwise_f1": scores["pairwise"]["f1"], "persons_found": scores["persons_found"],
           "true_persons": scores["true_persons"], "plain_splink_seconds": plain,
           "time_ratio_vs_plain": seconds / plain if plain else None}
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"SYNTHETIC scale benchmark: {len(reports):,} reports deduplicated in {seconds:.0f} s "
          f"({', '.join(f'{k} {v:.0f} s' for k, v in result.timings.items())}); CPU {cpu:.0f} s "
          f"(= {cpu / 2:.0f} s on 2 idle cores); peak RSS {peak:.2f} GB; "
          f"peak DuckDB disk {disk.peak / 1024 ** 3:.2f} GB; {out['blocked_pairs'] or 0:,} blocked pairs scored")
    print(f"pairwise F1 {scores['pairwise']['f1']:.4f}; persons {scores['persons_found']:,} "
          f"(true {scores['true_persons']:,})")
    if plain:
        print(f"plain Splink: {plain:.0f} s; time ratio uncounted/plain = {seconds / plain:.2f}")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
