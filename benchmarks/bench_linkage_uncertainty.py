"""Linkage error in the estimate: coverage of the pooled interval against known truth (SYNTHETIC).

Each replicate simulates the demo scenario (four lists), imports the lists into a temporary
workspace, links them with uncounted's own linker, and estimates the total without strata
three ways: the stored linkage taken as certain ("fixed"), linkage uncertainty pooled over
plausible linkages ("pooled"), and the true linkage ("oracle", which no analyst has; it shows
how much of the error is the model's). See src/uncounted/simulate/linkage_study.py.

Prints one row per replicate, then coverage (with its Wilson 95% interval: a handful of
replicates measures coverage only coarsely), bias, relative bias, RMSE and interval width per
kind of estimate, and the linker's persons found against the true persons on the lists.

    .venv/bin/python benchmarks/bench_linkage_uncertainty.py            # 6 x 2,000 victims, about 5-8 min
    .venv/bin/python benchmarks/bench_linkage_uncertainty.py --replicates 2 --victims 1000 --draws 5
    .venv/bin/python benchmarks/bench_linkage_uncertainty.py --json out.json
    .venv/bin/python benchmarks/bench_linkage_uncertainty.py --thresholds 0.5,0.7 --review 200   # slower
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
from pathlib import Path

from uncounted.simulate.linkage_study import DEFAULT_SETTINGS, run_linkage_study


def _git_state() -> str:
    """The commit, and whether the linker's or estimator's files have uncommitted changes."""
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src/uncounted/link", "src/uncounted/normalize",
                                "src/uncounted/estimate", "src/uncounted/ingest"], cwd=root, capture_output=True,
                               text=True, check=True).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"
    changed = [line[3:] for line in dirty if line.strip()]
    return f"commit {head}" + (f" with uncommitted changes in {', '.join(changed)}" if changed else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=6)
    parser.add_argument("--victims", type=int, default=2000)
    parser.add_argument("--draws", type=int, default=15, help="linkage draws per replicate")
    parser.add_argument("--method", default="lcmcr", choices=sorted(DEFAULT_SETTINGS))
    parser.add_argument("--by", default=None, help="strata, e.g. violation (default: none)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--review", type=int, default=0, metavar="PAIRS",
                        help="also decide this many review-queue pairs from the truth, relink and re-estimate")
    parser.add_argument("--thresholds", default="", help="also estimate at these match thresholds, e.g. 0.5,0.7")
    parser.add_argument("--json", type=Path, default=None, help="also write the full result as JSON here")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # Splink's training chatter; failures still raise
    result = run_linkage_study(replicates=args.replicates, victims=args.victims, method=args.method,
                               n_draws=args.draws, seed=args.seed, by=args.by, review_pairs=args.review,
                               thresholds=[float(t) for t in args.thresholds.split(",") if t.strip()],
                               progress=True)
    print(result.report())
    print(f"\n{_git_state()}")
    if args.json:
        args.json.write_text(json.dumps(result.to_dict(), indent=2), encoding="utf-8")
        print(f"wrote {args.json}")
    if result.failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
