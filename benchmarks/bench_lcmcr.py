"""Benchmark of the LCMCR Gibbs sampler, against the R package LCMCR when it is installed.

Prints:
1. speed: Gibbs sweeps (iterations) per second on Kosovo (4 lists, 15 cells), K = 10, one chain,
   sampling phase only (as R's lcmCR_PostSampl), best of ``--repeats`` runs, for uncounted and
   for R LCMCR in the same run;
2. parallel chains: wall time of 4 chains of the documented example (burn-in 10,000,
   1,000 samples, thinning 100) on all cores;
3. agreement in distribution: posterior quantiles of N from both samplers on Kosovo, HAV
   and Diabetes (skip with ``--no-compare``).

R LCMCR is looked for with ``Rscript`` and the library in $LCMCR_R_LIB (default /tmp/Rlib).
It is never bundled with uncounted: build it yourself from the CRAN source if you want the
comparison (``R CMD INSTALL -l /tmp/Rlib LCMCR``; it needs libgsl-dev). Without it the
script prints the reference figure quoted for these machines (about 50,000 iterations/s).

    .venv/bin/python benchmarks/bench_lcmcr.py              # about 1.5 minutes on idle cores
    .venv/bin/python benchmarks/bench_lcmcr.py --no-compare # speed only, < 1 minute
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from uncounted.estimate import PatternTable
from uncounted.estimate import _lcmcr_kernel as kernel
from uncounted.estimate.lcmcr import LCMCR, _ensure_compiled

DATA = Path(os.environ.get("UNCOUNTED_MSE_DATA", "/work/shared/data/mse"))
R_LIB = os.environ.get("LCMCR_R_LIB", "/tmp/Rlib")
R_REFERENCE_SPEED = 50_000  # it/s quoted in the task for the R package on these machines

# An R snippet that only *calls* the installed package (reads a pattern CSV, expands it to one
# row per person as lcmCR expects, runs the documented sampler, prints timing and draws).
R_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
csv <- args[1]; seed <- as.integer(args[2]); burnin <- as.integer(args[3])
samples <- as.integer(args[4]); thin <- as.integer(args[5]); K <- as.integer(args[6])
suppressMessages(library(LCMCR))
tab <- read.csv(csv)
nl <- ncol(tab) - 1
tab <- tab[tab[[ncol(tab)]] > 0, ]
ind <- tab[rep(seq_len(nrow(tab)), tab[[ncol(tab)]]), 1:nl, drop = FALSE]
for (j in 1:nl) ind[[j]] <- factor(ind[[j]], levels = c(0, 1))
s <- lcmCR(captures = ind, tabular = FALSE, in_list_label = '1', not_in_list_label = '0', K = K,
           a_alpha = 0.25, b_alpha = 0.25, seed = seed, buffer_size = 10000, thinning = thin,
           verbose = FALSE)
t0 <- proc.time()
N <- lcmCR_PostSampl(s, burnin = burnin, samples = samples, thinning = thin, output = FALSE)
el <- proc.time() - t0
cat(sprintf("RESULT %.6f %d %.6f\n", el[["elapsed"]], burnin + samples * thin, el[["user.self"]] + el[["sys.self"]]))
cat("DRAWS", N, "\n")
"""


def r_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    env = dict(os.environ, R_LIBS=R_LIB)
    probe = subprocess.run(["Rscript", "-e", "library(LCMCR)"], capture_output=True, env=env)
    return probe.returncode == 0


def run_r(csv: Path, seed: int, burnin: int, samples: int, thin: int, K: int = 10) -> tuple[float, int, np.ndarray, float]:
    """Run R LCMCR; returns (wall seconds for burn-in + sampling, sweeps, draws of N, CPU seconds)."""
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as fh:
        fh.write(R_SCRIPT)
        script = fh.name
    try:
        env = dict(os.environ, R_LIBS=R_LIB)
        out = subprocess.run(
            ["Rscript", script, str(csv), str(seed), str(burnin), str(samples), str(thin), str(K)],
            capture_output=True, text=True, env=env, check=True,
        ).stdout
    finally:
        os.unlink(script)
    seconds = sweeps = cpu = None
    draws = np.array([])
    for line in out.splitlines():
        if line.startswith("RESULT"):
            _, s, it, c = line.split()
            seconds, sweeps, cpu = float(s), int(it), float(c)
        elif line.startswith("DRAWS"):
            draws = np.array(line.split()[1:], dtype=float)
    return seconds, sweeps, draws, cpu


def our_speed(table: PatternTable, sweeps: int, K: int = 10, seed: int = 1) -> tuple[float, float]:
    """Sweeps per second of one chain of our kernel on ``table`` (after warm-up): (wall, CPU)."""
    cells = np.ascontiguousarray(table.patterns, dtype=np.int64)
    freq = np.ascontiguousarray(table.counts, dtype=np.int64)
    n = int(freq.sum())
    rng = np.random.Generator(np.random.PCG64(seed))
    state = kernel.initial_state(rng, cells, freq, K)
    thin = 100
    out = (np.zeros(sweeps // thin, np.int64), np.zeros(sweeps // thin), np.zeros(sweeps // thin, np.int64), np.zeros(sweeps // thin))
    kernel.gibbs_sweeps(rng, cells, freq, *state, 0.25, 0.25, 20 * n, 500, False, 0, *out, 0)
    kernel.relabel_classes_by_weight(*state[:4])
    t0, c0 = time.perf_counter(), time.thread_time()
    kernel.gibbs_sweeps(rng, cells, freq, *state, 0.25, 0.25, 20 * n, 10_000, True, 0, *out, 0)
    kernel.gibbs_sweeps(rng, cells, freq, *state, 0.25, 0.25, 20 * n, sweeps, True, thin, *out, 0)
    return (10_000 + sweeps) / (time.perf_counter() - t0), (10_000 + sweeps) / (time.thread_time() - c0)


def speed_section(repeats: int, have_r: bool) -> None:
    kosovo = DATA / "kosovo_aggregate_patterns.csv"
    table = PatternTable.from_csv(kosovo)
    _ensure_compiled()
    sweeps = 100_000
    print("== 1. Speed: Kosovo, K = 10, one chain, burn-in 10,000 + 100,000 sweeps (1,000 draws, thinning 100)")
    print("   it/s by wall clock, and by CPU time of the sampling thread/process (steadier on a busy machine)")
    ours, rs = [], []
    for s in range(1, repeats + 1):  # interleaved, so both see the same load
        ours.append(our_speed(table, sweeps, seed=s))
        if have_r:
            seconds, it, _, cpu = run_r(kosovo, s, 10_000, 1_000, 100)
            rs.append((it / seconds, it / cpu))
    _speed_line("uncounted (numba)", ours, repeats)
    if have_r:
        _speed_line("R LCMCR 0.4.14 C++", rs, repeats)
        print(f"ratio uncounted / R (medians): wall {np.median([o[0] for o in ours]) / np.median([r[0] for r in rs]):.2f}, "
              f"CPU {np.median([o[1] for o in ours]) / np.median([r[1] for r in rs]):.2f}")
    else:
        print(f"R LCMCR not available here: reference figure {R_REFERENCE_SPEED:,} it/s (quoted, not measured)")
    load = os.getloadavg()[0]
    print(f"(load average during the run: {load:.1f} on {os.cpu_count()} cores; other work slows both)")


def _speed_line(label: str, runs: list[tuple[float, float]], repeats: int) -> None:
    wall = [r[0] for r in runs]
    cpu = [r[1] for r in runs]
    print(f"{label:<19} wall: best {max(wall):>7,.0f}  median {np.median(wall):>7,.0f} it/s   "
          f"CPU: best {max(cpu):>7,.0f}  median {np.median(cpu):>7,.0f} it/s   ({repeats} runs)")


def parallel_section() -> None:
    table = PatternTable.from_csv(DATA / "kosovo_aggregate_patterns.csv")
    print("\n== 2. Several chains: Kosovo, documented example settings, 4 chains")
    for jobs in (1, None):
        est = LCMCR(chains=4, seed=7, n_jobs=jobs)
        t0, c0 = time.perf_counter(), time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = est.fit(table)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        label = "1 thread " if jobs == 1 else f"{min(4, os.cpu_count() or 1)} threads"
        print(f"{label}: wall {wall:5.1f} s for 4 × 110,500 sweeps ({4 * 110_500 / wall:,.0f} sweeps/s in total), "
              f"CPU {cpu:.1f} s (CPU/wall {cpu / wall:.2f}); R-hat {res.diagnostics['rhat']:.3f}, "
              f"ESS bulk {res.diagnostics['ess_bulk']:.0f}, tail {res.diagnostics['ess_tail']:.0f}")


def compare_section(have_r: bool, burnin: int, samples: int, thin: int, chains: int) -> None:
    print(f"\n== 3. Agreement in distribution: K = 10, burn-in {burnin:,}, {samples:,} draws × thinning {thin} per chain, "
          f"{chains} chains each")
    probs = [0.025, 0.25, 0.5, 0.75, 0.975]
    header = "data set   sampler    " + "  ".join(f"q{p:<6}" for p in probs) + "  mean"
    for name, short in (("kosovo_aggregate_patterns.csv", "Kosovo"), ("care1_HAV.csv", "HAV"), ("care1_Diabetes.csv", "Diabetes")):
        csv = DATA / name
        table = PatternTable.from_csv(csv)
        res = LCMCR(burnin=burnin, samples=samples, thinning=thin, chains=chains, seed=2026).fit(table)
        rows = [("uncounted", res.draws.astype(float))]
        if have_r:
            r_draws = np.concatenate([run_r(csv, s, burnin, samples, thin)[2] for s in range(1, chains + 1)])
            rows.append(("R LCMCR", r_draws))
        print(f"\n{name} (observed {table.observed:,}; R-hat ours {res.diagnostics['rhat']:.3f})")
        print(header)
        for label, d in rows:
            q = np.quantile(d, probs)
            print(f"{short:<10} {label:<10} " + "  ".join(f"{v:>7,.0f}" for v in q) + f"  {d.mean():>7,.0f}")
        if have_r:
            from scipy.stats import ks_2samp

            print(f"two-sample KS distance between the pooled draws: {ks_2samp(rows[0][1], rows[1][1]).statistic:.3f} "
                  "(draws are autocorrelated: read it as a size, not a test)")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3, help="speed runs per sampler (default 3)")
    ap.add_argument("--no-compare", action="store_true", help="skip the distribution comparison")
    ap.add_argument("--long", action="store_true", help="compare with the README's long chains (burn-in 100k, 10k draws)")
    args = ap.parse_args(argv)
    have_r = r_available()
    print(f"R LCMCR found: {'yes, library ' + R_LIB if have_r else 'no'}; python {sys.version.split()[0]}")
    speed_section(args.repeats, have_r)
    parallel_section()
    if not args.no_compare:
        if args.long:
            compare_section(have_r, 100_000, 10_000, 100, 3)
        else:
            compare_section(have_r, 20_000, 3_000, 100, 2)


if __name__ == "__main__":
    main()
