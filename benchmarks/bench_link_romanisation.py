"""Romanisation benchmark: link four simulated lists of victims (SYNTHETIC data).

Steps: `uncounted.simulate` draws the "romanisation" scenario (20,000 victims, four
lists with heavy spelling variation, duplicates within lists); each list is imported
through `uncounted.ingest` into a temporary workspace, exactly as a user would;
the current reports are linked by uncounted's model and, in the same run, by a plain
Splink configuration (stock NameComparison on the full name and the father's name,
the parsed event date, EM, threshold 0.5). Both are scored against truth.csv.

Run:  .venv/bin/python benchmarks/bench_link_romanisation.py [--victims 20000] [--seed 1] [--json]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from uncounted.link.api import link_dataframe
from uncounted.link.blocking import blocking_recall, count_blocked_pairs
from uncounted.link.cluster import Coherence, cluster_reports
from uncounted.link.evaluate import evaluate_clusters


def simulated_reports(victims: int, seed: int, workdir: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """Simulate, import every list, and return (current reports, report key -> true person)."""
    from uncounted.ingest.importer import import_file
    from uncounted.records.query import reports_frame
    from uncounted.records.workspace import Workspace
    from uncounted.simulate import scenario_config, simulate_scenario, write_scenario

    scenario = simulate_scenario(scenario_config("romanisation", victims=victims), seed=seed)
    out = workdir / "lists"
    write_scenario(scenario, out)
    manifest = json.loads((out / "manifest.json").read_text())
    ws = Workspace.init(workdir / "ws")
    for entry in manifest["lists"]:
        import_file(ws, out / entry["file"], source=entry["source"], progress=False)
    reports = reports_frame(ws)
    truth = pd.read_csv(out / "truth.csv", dtype=str)
    keyed = reports[["report_key", "source", "source_record_id"]].astype(str).merge(
        truth, left_on=["source", "source_record_id"], right_on=["source", "record_id"], how="left")
    if keyed["person_id"].isna().any():
        raise SystemExit(f"{keyed['person_id'].isna().sum()} imported reports have no true person")
    return reports, dict(zip(keyed["report_key"], keyed["person_id"]))


def run_plain_splink(reports: pd.DataFrame, truth: dict[str, str], threshold: float) -> dict:
    """Stock Splink: NameComparison on full and father's names, event date, EM."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t0 = time.perf_counter()
    data = pd.DataFrame({
        "unique_id": reports["report_key"].astype(str),
        "full_name": reports["name_raw"].str.lower(),
        "father_name": reports["father_name"].str.lower(),
        "event_date": pd.to_datetime(reports["event_date_start"], errors="coerce"),
    })
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[cl.NameComparison("full_name"), cl.NameComparison("father_name"),
                     cl.DateOfBirthComparison("event_date", input_is_string=False)],
        blocking_rules_to_generate_predictions=[
            block_on("full_name"), block_on("father_name"), block_on("event_date")],
        retain_matching_columns=False,
    )
    linker = Linker(DuckDBAPI().register(data, dataset_display_name="plain"), settings,
                    log_level=logging.WARNING)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=42)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("full_name"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("event_date"))
    pairs = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    pairs = pairs.rename(columns={"unique_id_l": "report_key_l", "unique_id_r": "report_key_r"})
    clusters = cluster_reports(pairs, data["unique_id"].tolist(), threshold=threshold)
    return {"seconds": time.perf_counter() - t0, **evaluate_clusters(clusters.cluster_of, truth)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--victims", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threshold", type=float, default=None,
                        help="uncounted's match threshold (default: the library's, LinkageSettings.threshold)")
    parser.add_argument("--plain-threshold", type=float, default=0.5,
                        help="plain Splink's match threshold (default 0.5, Splink's usual)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.threshold is None:
        from uncounted.link.model import LinkageSettings

        args.threshold = LinkageSettings().threshold

    with tempfile.TemporaryDirectory(prefix="uncounted-bench-") as tmp:
        t0 = time.perf_counter()
        reports, truth = simulated_reports(args.victims, args.seed, Path(tmp))
        setup = time.perf_counter() - t0
    print(f"[bench] simulated and imported {len(reports):,} reports in {setup:.0f} s", file=sys.stderr)

    t0 = time.perf_counter()
    result = link_dataframe(reports, threshold=args.threshold, progress=True)
    seconds = time.perf_counter() - t0
    ours = {"seconds": seconds, **evaluate_clusters(result.person_of, truth)}
    rules = result.model.settings.blocking_rules
    recall = blocking_recall(result.prepared, truth, rules)
    sweep, evidence_sweep = {}, {}
    coherence = Coherence(result.prepared) if result.model.settings.coherence else None
    keys = result.prepared["report_key"].tolist()
    for th in (0.1, 0.2, 0.3, 0.5, 0.7, 0.9):
        cl = cluster_reports(result.pairs, keys, threshold=th, coherence=coherence)
        e = evaluate_clusters(cl.cluster_of, truth)
        sweep[th] = {"f1": e["pairwise"]["f1"], "bcubed_f1": e["bcubed"]["f1"], "persons_found": e["persons_found"]}
        # the same scored pairs, clustered by summed evidence (LinkageSettings.clustering)
        cl = cluster_reports(result.pairs, keys, threshold=th, method="evidence")
        e = evaluate_clusters(cl.cluster_of, truth)
        evidence_sweep[th] = {**e, "seconds": ours["seconds"]}
    plain = run_plain_splink(reports, truth, args.plain_threshold)
    results = {
        "synthetic": True, "victims": args.victims, "seed": args.seed, "reports": len(reports),
        "threshold": args.threshold, "uncounted": ours, "plain_splink": plain,
        "blocking": {"pair_recall": recall["recall"], "true_pairs": recall["true_pairs"],
                     "pairs_by_rule": count_blocked_pairs(result.prepared, rules)},
        "threshold_sweep": sweep, "prior": result.model.prior,
        "evidence_clustering": {th: {"pairwise": e["pairwise"], "persons_found": e["persons_found"]}
                                for th, e in evidence_sweep.items()},
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"SYNTHETIC romanisation benchmark: {len(reports):,} reports, seed {args.seed}, threshold {args.threshold} "
          f"(plain Splink {args.plain_threshold})")
    print(f"blocking keeps {recall['recall']:.4f} of {recall['true_pairs']:,} true pairs")
    print(f"{'method':<14}{'P':>8}{'R':>8}{'F1':>8}{'B3 F1':>8}{'persons':>9}{'true':>7}{'sec':>7}")
    rows = [("uncounted", ours), ("evidence 0.5", evidence_sweep[0.5]), ("evidence 0.2", evidence_sweep[0.2]),
            (f"plain_splink {args.plain_threshold}", plain)]
    for name, r in rows:
        pw = r["pairwise"]
        print(f"{name:<14}{pw['precision']:8.4f}{pw['recall']:8.4f}{pw['f1']:8.4f}{r['bcubed']['f1']:8.4f}"
              f"{r['persons_found']:9,d}{r['true_persons']:7,d}{r['seconds']:7.1f}")
    gain = 100 * (ours["pairwise"]["f1"] - plain["pairwise"]["f1"])
    off = 100 * (ours["persons_found"] / ours["true_persons"] - 1)
    print(f"F1 gain over plain Splink: {gain:+.1f} points; persons found vs truth: {off:+.1f}%")
    print("threshold sweep (uncounted):", {k: round(v["f1"], 4) for k, v in sweep.items()})
    print("threshold sweep (evidence clustering of the same pairs):",
          {k: (round(v["pairwise"]["f1"], 4), v["persons_found"]) for k, v in evidence_sweep.items()})


if __name__ == "__main__":
    main()
