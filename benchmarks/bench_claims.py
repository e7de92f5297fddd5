"""Throughput of claim extraction: reports of about 600 words per second (SYNTHETIC texts).

    .venv/bin/python benchmarks/bench_claims.py            # 120 reports, 1 and 2 processes
    .venv/bin/python benchmarks/bench_claims.py --reports 300 --processes 2

Reports are built from the SYNTHETIC gold corpus (corpus/claims_gold): "dense" reports are
gold items only (every paragraph holds claims, the worst case); "mixed" reports add
background paragraphs without figures, as wire copy has. Prints wall-clock and CPU figures
and the machine's load average, since the 2 cores are shared.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from uncounted.claims.extract import extract_many  # noqa: E402
from uncounted.claims.nlp import load_pipeline  # noqa: E402

BACKGROUND = [  # SYNTHETIC context sentences, no figures
    "The city has seen waves of political violence since the late 1980s.",
    "The government says the operation targets criminal gangs and armed wings of political groups.",
    "Rights groups have long complained that cases are rarely investigated.",
    "The province borders Afghanistan and Iran and is rich in gas and minerals.",
    "Talks between the two sides broke down earlier in the year.",
    "Opposition parties plan to hold a rally in the provincial capital next week.",
    "The courts have ordered the authorities to produce reports on the cases.",
    "Local journalists say they work under heavy pressure from all sides.",
    "The region has been under a curfew for much of the past month.",
    "Both sides have traded accusations over who started the latest round of fighting.",
    "Shops and markets remained closed across the old city as traders observed a strike.",
    "A parliamentary committee is expected to take up the issue in its next session.",
]
WORDS_PER_REPORT = 600


def gold_paragraphs() -> list[str]:
    paras = []
    for path in sorted((ROOT / "corpus/claims_gold").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if "<p>" in text:
            continue
        paras.extend(p.strip() for p in text.split("\n\n") if p.strip())
    return paras


def build_reports(n: int, mixed: bool, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    pool = gold_paragraphs()
    reports = []
    for _ in range(n):
        parts, words = [], 0
        while words < WORDS_PER_REPORT:
            if mixed and rng.random() < 0.4:
                para = " ".join(rng.sample(BACKGROUND, 3))
            else:
                para = rng.choice(pool)
            parts.append(para)
            words += len(para.split())
        reports.append("\n\n".join(parts))
    return reports


def run(reports: list[str], processes: int) -> dict:
    start, cpu = time.perf_counter(), time.process_time()
    results = list(extract_many([(r, None) for r in reports], n_process=processes))
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu
    words = sum(len(r.split()) for r in reports)
    return {"reports": len(reports), "words": words, "wall_s": wall, "main_cpu_s": cpu,
            "reports_per_s": len(reports) / wall, "words_per_s": words / wall,
            "claims": sum(len(r.claims) for r in results)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=120)
    ap.add_argument("--processes", type=int, nargs="*", default=[1, 2])
    args = ap.parse_args()
    t = time.perf_counter()
    load_pipeline()
    print(f"SYNTHETIC benchmark texts; model load {time.perf_counter() - t:.1f} s; "
          f"cores {os.cpu_count()}; load average {os.getloadavg()[0]:.1f} (1 min)")
    print(f"{'reports':8} {'procs':>5} {'reports':>8} {'words':>7} {'wall s':>7} "
          f"{'reports/s':>9} {'words/s':>8} {'claims':>7}")
    capacity = {}
    for mixed in (False, True):
        reports = build_reports(args.reports, mixed)
        for procs in args.processes:
            r = run(reports, procs)
            print(f"{'mixed' if mixed else 'dense':8} {procs:5d} {r['reports']:8d} {r['words']:7d} "
                  f"{r['wall_s']:7.1f} {r['reports_per_s']:9.1f} {r['words_per_s']:8.0f} {r['claims']:7d}")
            if procs == 1:
                capacity["mixed" if mixed else "dense"] = r["reports"] / r["main_cpu_s"]
    print(f"load average now {os.getloadavg()[0]:.1f}; target: 20 reports/s of 600 words on 2 cores")
    for kind, per_cpu in capacity.items():
        print(f"CPU time, one process ({kind}): {per_cpu:.1f} reports per CPU-second, so about "
              f"{2 * per_cpu:.0f} reports/s on 2 free cores (an estimate when the cores are shared)")


if __name__ == "__main__":
    main()
