"""LCMCR: the Bayesian non-parametric latent-class estimator of Manrique-Vallier (2016).

People differ in how likely each list is to record them. LCMCR models that
heterogeneity with a mixture of up to ``K`` latent classes (a truncated
Dirichlet process); within a class, lists capture independently. The people
no list recorded are imputed in every Gibbs sweep, so the sampler gives
posterior draws of the total N directly. The estimate is the posterior
median and the interval the equal-tailed posterior interval.

Priors and defaults follow the R package LCMCR (0.4.14): lambda_jk ~ Beta(1, 1),
stick-breaking weights with concentration alpha ~ Gamma(a_alpha = 0.25,
b_alpha = 0.25), p(N) proportional to 1/N, a 500-sweep warm-up with alpha
fixed, and n0 = N - n redrawn whenever it exceeds 20 n (so N <= 21 n).

    from uncounted.estimate import PatternTable, get_estimator
    table = PatternTable.from_csv("kosovo_aggregate_patterns.csv")
    res = get_estimator("lcmcr", seed=1).fit(table)
    res.estimate, res.interval(0.95), res.diagnostics["rhat"], res.diagnostics["ess_bulk"]

Chains run in parallel threads (the numba kernel releases the GIL). Each
chain has its own random stream spawned from ``seed``, so the same seed and
the same number of chains give identical draws whatever the number of threads.
"""

from __future__ import annotations

import math
import os
import secrets
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from scipy.stats import norm, rankdata

from uncounted.estimate import _lcmcr_kernel as kernel
from uncounted.estimate.base import (
    CapWarning,
    ConvergenceWarning,
    EstimateResult,
    Estimator,
)
from uncounted.estimate.patterns import PatternTable

__all__ = ["LCMCR", "LCMCRResult", "split_rhat", "ess_bulk", "ess_tail"]

#: R-hat above this (rank-normalised split R-hat, Vehtari et al. 2021) raises ConvergenceWarning.
RHAT_LIMIT = 1.01
#: bulk or tail effective sample size below this (all chains together) raises ConvergenceWarning.
ESS_MIN = 400
#: share of sampling sweeps in which n0 had to be redrawn at the cap before CapWarning is raised.
CAP_REDRAW_LIMIT = 0.001
#: share of draws within the top 10% below the cap before CapWarning is raised.
CAP_MASS_LIMIT = 0.005
_CHUNK = 20_000  # sweeps per kernel call (progress-bar granularity)


# --------------------------------------------------------------------------- diagnostics
def _split_chains(x: np.ndarray) -> np.ndarray:
    """Cut each chain in two halves (dropping the middle draw of odd lengths)."""
    x = np.atleast_2d(np.asarray(x, dtype=float))
    half = x.shape[1] // 2
    return np.vstack([x[:, :half], x[:, x.shape[1] - half:]])


def _rank_normalise(x: np.ndarray) -> np.ndarray:
    """Replace draws by normal scores of their pooled ranks (ties get average ranks)."""
    ranks = rankdata(x, method="average").reshape(x.shape)
    return norm.ppf((ranks - 0.375) / (x.size + 0.25))


def _rhat_plain(x: np.ndarray) -> float:
    """Gelman–Rubin potential scale reduction for chains in rows."""
    m, n = x.shape
    if n < 2:
        return math.nan
    within = x.var(axis=1, ddof=1).mean()
    if within <= 0:
        return math.nan
    between = n * x.mean(axis=1).var(ddof=1) if m > 1 else 0.0
    return float(math.sqrt(((n - 1) / n * within + between / n) / within))


def split_rhat(draws: np.ndarray) -> float:
    """Rank-normalised split R-hat (Vehtari, Gelman, Simpson, Carpenter & Bürkner 2021).

    ``draws`` is chains × iterations. Returns the larger of the R-hat of the rank-normalised
    draws (the bulk) and of the rank-normalised distances from the median (the tails).
    Values near 1 mean the chains agree; above 1.01 they have not mixed well enough.
    NaN when the draws are constant.
    """
    x = _split_chains(draws)
    if x.shape[1] < 2 or np.all(x == x.flat[0]):
        return math.nan
    bulk = _rhat_plain(_rank_normalise(x))
    folded = np.abs(x - np.median(x))
    tail = _rhat_plain(_rank_normalise(folded)) if not np.all(folded == folded.flat[0]) else math.nan
    return float(np.nanmax([bulk, tail]))


def _autocovariance(x: np.ndarray) -> np.ndarray:
    """Biased autocovariance of each row (divided by n), via FFT."""
    m, n = x.shape
    centred = x - x.mean(axis=1, keepdims=True)
    size = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(centred, n=size, axis=1)
    return np.fft.irfft(f * np.conj(f), n=size, axis=1)[:, :n] / n


def _ess(x: np.ndarray) -> float:
    """Effective sample size of chains in rows (Geyer's initial monotone sequence, as in Stan)."""
    m, n = x.shape
    if n < 4 or np.all(x == x.flat[0]):
        return math.nan
    acov = _autocovariance(x)
    chain_var = acov[:, 0] * n / (n - 1)
    mean_var = chain_var.mean()
    var_plus = mean_var * (n - 1) / n + (x.mean(axis=1).var(ddof=1) if m > 1 else 0.0)
    if var_plus <= 0:
        return math.nan
    acov_mean = acov.mean(axis=0)
    rho = np.zeros(n)
    rho[0] = 1.0
    rho_even = 1.0
    rho_odd = 1.0 - (mean_var - acov_mean[1]) / var_plus
    rho[1] = rho_odd
    t = 1
    while t < n - 3 and rho_even + rho_odd > 0:
        rho_even = 1.0 - (mean_var - acov_mean[t + 1]) / var_plus
        rho_odd = 1.0 - (mean_var - acov_mean[t + 2]) / var_plus
        if rho_even + rho_odd >= 0:
            rho[t + 1] = rho_even
            rho[t + 2] = rho_odd
        t += 2
    max_t = t - 2  # the last lag of the last pair kept whole; rho_even is then lag max_t + 1
    if rho_even > 0:
        rho[max_t + 1] = rho_even
    # make the sums of pairs monotone decreasing
    t = 1
    while t <= max_t - 2:
        if rho[t + 1] + rho[t + 2] > rho[t - 1] + rho[t]:
            rho[t + 1] = (rho[t - 1] + rho[t]) / 2
            rho[t + 2] = rho[t + 1]
        t += 2
    total = m * n
    tau = -1.0 + 2.0 * rho[: max_t + 1].sum() + rho[max_t + 1]
    tau = max(tau, 1.0 / math.log10(total))
    return float(total / tau)


def ess_bulk(draws: np.ndarray) -> float:
    """Bulk effective sample size: ESS of the rank-normalised split chains (Vehtari et al. 2021).

    Roughly, how many independent draws the chains are worth for the median and the centre
    of the posterior. Aim for at least 400 over all chains.
    """
    return _ess(_rank_normalise(_split_chains(draws)))


def ess_tail(draws: np.ndarray) -> float:
    """Tail effective sample size: the smaller ESS of the 5% and 95% quantile indicators.

    How many independent draws the chains are worth for the ends of a 90% interval.
    """
    x = _split_chains(draws)
    lo, hi = np.quantile(x, [0.05, 0.95])
    return float(np.nanmin([_ess((x <= lo).astype(float)), _ess((x >= hi).astype(float))]))


# --------------------------------------------------------------------------- result
@dataclass(repr=False)
class LCMCRResult(EstimateResult):
    """An LCMCR fit: pooled posterior draws of N plus the per-chain traces.

    Extra attributes
    ----------------
    chain_draws : int array chains × samples, draws of N per chain (``draws`` pools them).
    alpha_draws : float array chains × samples, the Dirichlet-process concentration alpha.
    kstar_draws : int array chains × samples, number of occupied latent classes.
    p0_draws : float array chains × samples, probability that a person is on no list.
    """

    chain_draws: np.ndarray | None = None
    alpha_draws: np.ndarray | None = None
    kstar_draws: np.ndarray | None = None
    p0_draws: np.ndarray | None = None

    def plot_data(self, bins: int = 60) -> dict[str, Any]:
        """Numbers for a trace plot per chain and a histogram of N (JSON-safe lists)."""
        d = np.asarray(self.draws, dtype=float)
        counts, edges = np.histogram(d, bins=bins)
        lo, hi = self.interval()
        return {
            "trace_N": np.asarray(self.chain_draws).tolist(),
            "trace_alpha": np.asarray(self.alpha_draws).tolist(),
            "trace_kstar": np.asarray(self.kstar_draws).tolist(),
            "histogram_N": {"edges": edges.tolist(), "counts": counts.tolist()},
            "estimate": self.estimate,
            "interval": [lo, hi],
            "level": self.level,
            "observed": self.observed,
        }

    def _summary_extra(self) -> list[str]:
        dg = self.diagnostics
        return [
            f"Chains: {dg['chains']} × {dg['samples_per_chain']} draws "
            f"(burn-in {self.settings['burnin']}, thinning {self.settings['thinning']}, K = {self.settings['K']})",
            f"R-hat (rank-normalised split): {dg['rhat']:.4f}; ESS bulk {dg['ess_bulk']:.0f}, tail {dg['ess_tail']:.0f}",
            f"Occupied latent classes (posterior mean): {dg['kstar']['mean']:.2f}; "
            f"alpha median {dg['alpha']['median']:.3g}",
            f"Sampler speed: {dg['iterations_per_second']:,.0f} iterations/s per chain; wall time {dg['wall_seconds']:.1f} s",
        ]


# --------------------------------------------------------------------------- estimator
class LCMCR(Estimator):
    """Bayesian latent-class multiple systems estimator (Manrique-Vallier 2016), as R's LCMCR.

    Parameters (keyword-only)
    ----------
    K : maximum number of latent classes (truncation of the Dirichlet process). 10 as in the
        package's documented example; R's ``lcmCR`` function defaults to 5.
    a_alpha, b_alpha : shape and rate of the Gamma prior on the concentration alpha (0.25, 0.25).
    burnin : sweeps discarded after the 500-sweep warm-up (10,000).
    samples : draws kept per chain (1,000).
    thinning : sweeps between kept draws (100); each chain runs
        500 + burnin + samples × thinning sweeps.
    chains : independent chains (4), needed for R-hat; they run in parallel.
    seed : integer seed; the same seed and number of chains give identical draws. ``None``
        draws a fresh seed, which is stored in the result's settings.
    n_jobs : threads to run chains on; ``None`` uses min(chains, CPU count).
    n0_max_factor : the cap on the unobserved count, n0 <= factor × n (R uses 20).
    warmup : sweeps with alpha held at 0.3/K before the latent classes are relabelled (R: 500).
    progress : show a progress bar on stderr.
    """

    name: ClassVar[str] = "lcmcr"
    bayesian: ClassVar[bool] = True
    min_lists: ClassVar[int] = 3

    def __init__(
        self,
        *,
        K: int = 10,
        a_alpha: float = 0.25,
        b_alpha: float = 0.25,
        burnin: int = 10_000,
        samples: int = 1_000,
        thinning: int = 100,
        chains: int = 4,
        seed: int | None = None,
        n_jobs: int | None = None,
        n0_max_factor: float = 20.0,
        warmup: int = 500,
        progress: bool = False,
    ) -> None:
        self.K = _check_int("K", K, 2, "use 5 to 20 latent classes; 10 is the usual choice")
        self.a_alpha = _check_positive("a_alpha", a_alpha)
        self.b_alpha = _check_positive("b_alpha", b_alpha)
        self.burnin = _check_int("burnin", burnin, 0, "e.g. 10000")
        self.samples = _check_int("samples", samples, 2, "e.g. 1000")
        self.thinning = _check_int("thinning", thinning, 1, "e.g. 100")
        self.chains = _check_int("chains", chains, 1, "use 4 chains so that R-hat can compare them")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
            raise ValueError(f"seed must be a non-negative integer or None. Got {seed!r}.")
        self.seed = None if seed is None else int(seed)
        if n_jobs is not None:
            _check_int("n_jobs", n_jobs, 1, "or None for one thread per chain up to the CPU count")
        self.n_jobs = n_jobs
        self.n0_max_factor = _check_positive("n0_max_factor", n0_max_factor)
        self.warmup = _check_int("warmup", warmup, 0, "R uses 500")
        self.progress = bool(progress)

    # ------------------------------------------------------------------ fit
    def fit(self, patterns: PatternTable) -> LCMCRResult:
        """Run the chains on a pattern table and return the posterior of N."""
        table = self._check_table(patterns)
        keep = table.counts > 0
        cells = np.ascontiguousarray(table.patterns[keep], dtype=np.int64)
        freq = np.ascontiguousarray(table.counts[keep], dtype=np.int64)
        n = int(freq.sum())
        n0_max = int(self.n0_max_factor * n)
        seed = self.seed if self.seed is not None else secrets.randbits(63)
        _ensure_compiled()
        streams = np.random.SeedSequence(seed).spawn(self.chains)
        workers = self.n_jobs or min(self.chains, os.cpu_count() or 1)
        bar = _progress_bar(self.progress, self.chains * self._sweeps_per_chain())
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            runs = list(pool.map(lambda ss: self._run_chain(ss, cells, freq, n0_max, bar), streams))
        wall = time.perf_counter() - started
        if bar is not None:
            bar.close()
        return self._result(table, runs, n, n0_max, seed, wall)

    def _sweeps_per_chain(self) -> int:
        return self.warmup + self.burnin + self.samples * self.thinning

    def _run_chain(self, stream: np.random.SeedSequence, cells, freq, n0_max: int, bar) -> dict[str, Any]:
        """One chain: warm-up (alpha fixed), relabel classes, burn-in, then thinned sampling."""
        rng = np.random.Generator(np.random.PCG64(stream))
        state = kernel.initial_state(rng, cells, freq, self.K)
        out = (
            np.zeros(self.samples, dtype=np.int64),
            np.zeros(self.samples),
            np.zeros(self.samples, dtype=np.int64),
            np.zeros(self.samples),
        )
        common = (self.a_alpha, self.b_alpha, n0_max)
        for size in _chunks(self.warmup, _CHUNK):
            kernel.gibbs_sweeps(rng, cells, freq, *state, *common, size, False, 0, *out, 0)
            _tick(bar, size)
        kernel.relabel_classes_by_weight(*state[:4])
        for size in _chunks(self.burnin, _CHUNK):
            kernel.gibbs_sweeps(rng, cells, freq, *state, *common, size, True, 0, *out, 0)
            _tick(bar, size)
        redraws = 0
        stored = 0
        per_call = max(1, _CHUNK // self.thinning)
        t0 = time.perf_counter()
        while stored < self.samples:
            take = min(per_call, self.samples - stored)
            redraws += kernel.gibbs_sweeps(
                rng, cells, freq, *state, *common, take * self.thinning, True, self.thinning, *out, stored
            )
            stored += take
            _tick(bar, take * self.thinning)
        seconds = time.perf_counter() - t0
        return {"n0": out[0], "alpha": out[1], "kstar": out[2], "p0": out[3], "redraws": redraws, "seconds": seconds}

    # ------------------------------------------------------------------ result
    def _result(self, table: PatternTable, runs: list[dict], n: int, n0_max: int, seed: int, wall: float) -> LCMCRResult:
        chain_n = np.vstack([r["n0"] for r in runs]) + n
        alpha = np.vstack([r["alpha"] for r in runs])
        kstar = np.vstack([r["kstar"] for r in runs])
        p0 = np.vstack([r["p0"] for r in runs])
        pooled = chain_n.ravel()
        sampling_sweeps = self.samples * self.thinning
        speed = sampling_sweeps / max(np.mean([r["seconds"] for r in runs]), 1e-12)
        redraws = int(sum(r["redraws"] for r in runs))
        settings = self.get_params() | {"seed": seed}
        settings.pop("progress")
        diagnostics = {
            "chains": self.chains,
            "samples_per_chain": self.samples,
            "sweeps_per_chain": self._sweeps_per_chain(),
            "rhat": split_rhat(chain_n),
            "ess_bulk": ess_bulk(chain_n),
            "ess_tail": ess_tail(chain_n),
            "rhat_limit": RHAT_LIMIT,
            "ess_min": ESS_MIN,
            "chain_medians": np.median(chain_n, axis=1).tolist(),
            "posterior_mean": float(pooled.mean()),
            "posterior_sd": float(pooled.std(ddof=1)),
            "alpha": _summarise(alpha),
            "kstar": _summarise(kstar) | {"counts": _value_counts(kstar)},
            "prob_missed": _summarise(p0),
            "cap_N": n + n0_max,
            "cap_redraws": redraws,
            "cap_redraw_share": redraws / (self.chains * sampling_sweeps),
            "iterations_per_second": float(speed),
            "wall_seconds": float(wall),
        }
        result = LCMCRResult(
            method=self.name,
            estimate=float(np.median(pooled)),
            observed=n,
            lists=table.lists,
            diagnostics=diagnostics,
            settings=settings,
            draws=pooled,
            data_hash=table.data_hash(),
            chain_draws=chain_n,
            alpha_draws=alpha,
            kstar_draws=kstar,
            p0_draws=p0,
        )
        self._warn_convergence(result)
        self._warn_cap(result, pooled, n, n0_max)
        return result

    def _warn_convergence(self, result: LCMCRResult) -> None:
        dg = result.diagnostics
        problems = []
        if not (dg["rhat"] <= RHAT_LIMIT):
            problems.append(f"R-hat of N is {dg['rhat']:.3f} (should be <= {RHAT_LIMIT})")
        for key in ("ess_bulk", "ess_tail"):
            if not (dg[key] >= ESS_MIN):
                problems.append(f"{key.replace('_', ' ')} effective sample size is {dg[key]:.0f} (should be >= {ESS_MIN})")
        if problems:
            result.warn(
                ConvergenceWarning,
                "lcmcr: the chains may not have converged: " + "; ".join(problems)
                + ". Run longer (larger burnin and samples, or thinning) or more chains.",
                stacklevel=5,
            )

    def _warn_cap(self, result: LCMCRResult, pooled: np.ndarray, n: int, n0_max: int) -> None:
        dg = result.diagnostics
        near_cap = float(np.mean(pooled >= n + 0.9 * n0_max))
        dg["share_near_cap"] = near_cap
        if dg["cap_redraw_share"] > CAP_REDRAW_LIMIT or near_cap > CAP_MASS_LIMIT:
            result.warn(
                CapWarning,
                f"lcmcr: posterior mass reaches the cap N <= {n + n0_max:,} ({self.n0_max_factor:g} × the "
                f"{n:,} observed as unobserved, as in R's LCMCR): {near_cap:.1%} of draws lie in the top 10% "
                f"below it and n0 was redrawn {dg['cap_redraws']:,} times. The upper tail is set by the cap, "
                "not the data; the lists may not overlap enough for this model.",
                stacklevel=5,
            )


# --------------------------------------------------------------------------- helpers
def _check_int(name: str, value: Any, low: int, hint: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer >= {low} ({hint}). Got {value!r}.")
    return int(value)


def _check_positive(name: str, value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = math.nan
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be a positive number. Got {value!r}.")
    return v


def _chunks(total: int, size: int):
    while total > 0:
        step = min(size, total)
        yield step
        total -= step


def _summarise(x: np.ndarray) -> dict[str, float]:
    q = np.quantile(x, [0.025, 0.5, 0.975])
    return {"mean": float(np.mean(x)), "median": float(q[1]), "q025": float(q[0]), "q975": float(q[2])}


def _value_counts(x: np.ndarray) -> dict[str, int]:
    values, counts = np.unique(x, return_counts=True)
    return {str(int(v)): int(c) for v, c in zip(values, counts)}


_bar_lock = threading.Lock()


def _progress_bar(enabled: bool, total: int):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="sweep", unit_scale=True, file=sys.stderr, desc="lcmcr")


def _tick(bar, amount: int) -> None:
    if bar is not None:
        with _bar_lock:
            bar.update(amount)


def _ensure_compiled() -> None:
    """Compile (or load from cache) the kernel once, before threads race to do it."""
    with _compile_lock:
        global _compiled
        if _compiled:
            return
        cells = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]], dtype=np.int64)
        freq = np.array([3, 2, 1, 1], dtype=np.int64)
        rng = np.random.Generator(np.random.PCG64(0))
        state = kernel.initial_state(rng, cells, freq, 2)
        out = (np.zeros(2, np.int64), np.zeros(2), np.zeros(2, np.int64), np.zeros(2))
        kernel.gibbs_sweeps(rng, cells, freq, *state, 0.25, 0.25, 140, 2, True, 1, *out, 0)
        kernel.relabel_classes_by_weight(*state[:4])
        _compiled = True


_compile_lock = threading.Lock()
_compiled = False
