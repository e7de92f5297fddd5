"""The Gibbs sampler of the Bayesian latent-class capture–recapture model (LCMCR).

This is a numba re-implementation of the sampler described in Manrique-Vallier
(2016), "Bayesian population size estimation using Dirichlet process mixtures",
Biometrics 72(4): 1246–1254, following the update order, priors, warm-up and
truncation rule of the R package LCMCR 0.4.14 (``NPLCM_CR_Basic_Freq``).
No code from that package is copied here; the steps below are written from
the model.

The model, for J lists and K latent classes (a truncated stick-breaking
Dirichlet process):

* every person belongs to one class k with probability nu_k;
  nu is stick-breaking: V_k ~ Beta(1, alpha), nu_k = V_k * prod_{l<k} (1 - V_l);
* in class k, list j captures a person independently with probability
  lambda_jk ~ Beta(1, 1);
* alpha ~ Gamma(a_alpha, b_alpha) (shape, rate);
* p(N) proportional to 1/N. The unobserved people (the all-zero cell) are
  augmented: given the parameters, n0 = N - n is negative binomial
  NB(n, 1 - p0), where p0 is the probability of being missed by every list.
  As in R, a draw n0 > ``n0_max`` (R: 20 n) is rejected and drawn again, so
  the prior is in effect truncated at N <= n + n0_max.

The sampler works on the pattern table: each observed cell carries a count
and we draw how many of its people are in each class (a multinomial), which
is the same in distribution as drawing one class per person.

State: ``log_nu`` (K, log class weights), ``lam`` (J × K × 2; lam[j, k, 1] = lambda_jk and
lam[j, k, 0] = 1 - lambda_jk, both kept to avoid cancellation), ``count_z`` (observed cells × K,
people per class), ``count0`` (K, unobserved people per class), ``scalars`` = [alpha, n0].
Class weights of a pattern are plain products (faster than logs); they fall back to logs only
if they would underflow.

All state lives in plain arrays so that the chain can be advanced in chunks
(for progress bars) and each chain runs in its own thread (the kernel
releases the GIL). Random numbers come from a numpy ``Generator`` per chain,
so a seed gives the same draws every time.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_NEG_INF = -np.inf
#: up to this many people in a cell, classes are drawn person by person (faster than binomials)
_SMALL_TOTAL = 8


@njit(cache=True, nogil=True)
def _log_gamma_draw(rng: np.random.Generator, shape: float) -> float:
    """log of a Gamma(shape, 1) draw, accurate also for very small shapes.

    For shape < 0.5 uses Gamma(a) = Gamma(a + 1) * U^(1/a), computed in logs
    so that tiny draws do not underflow to zero.
    """
    if shape < 0.5:
        return np.log(1.0 - rng.random()) / shape + np.log(rng.standard_gamma(1.0 + shape))
    return np.log(rng.standard_gamma(shape))


@njit(cache=True, nogil=True)
def _categorical_fill(
    rng: np.random.Generator, total: int, weights: np.ndarray, start: int, out: np.ndarray, cum: np.ndarray
) -> None:
    """Add ``total`` independent draws over classes start..K-1 (weights unnormalised) to ``out``."""
    K = weights.shape[0]
    acc = 0.0
    for k in range(start, K):
        acc += weights[k]
        cum[k] = acc
    for _ in range(total):
        u = rng.random() * acc
        k = start
        while k < K - 1 and cum[k] <= u:
            k += 1
        out[k] += 1


@njit(cache=True, nogil=True)
def _multinomial_into(
    rng: np.random.Generator, total: int, weights: np.ndarray, out: np.ndarray, scratch: np.ndarray
) -> None:
    """Draw Multinomial(total, weights / sum(weights)) into ``out``.

    Conditional binomials class by class (p = w_k / sum_{l>=k} w_l, from suffix sums so
    there is no cancellation); once few people are left (<= _SMALL_TOTAL) they are placed
    one by one among the remaining classes, which is exact and cheaper than more binomials.
    ``scratch`` is work space of length K.
    """
    K = weights.shape[0]
    for k in range(K):
        out[k] = 0
    if total <= _SMALL_TOTAL:
        _categorical_fill(rng, total, weights, 0, out, scratch)
        return
    s = 0.0
    for k in range(K - 1, -1, -1):
        s += weights[k]
        scratch[k] = s
    remaining = total
    for k in range(K - 1):
        if remaining <= _SMALL_TOTAL:
            _categorical_fill(rng, remaining, weights, k, out, scratch)
            return
        if scratch[k] <= 0.0:
            break
        p = weights[k] / scratch[k]
        if p >= 1.0:
            out[k] = remaining
            return
        if p > 0.0:
            x = rng.binomial(remaining, p)
            out[k] = x
            remaining -= x
    out[K - 1] += remaining


@njit(cache=True, nogil=True)
def _class_weights(cell: np.ndarray, nu: np.ndarray, log_nu: np.ndarray, lam: np.ndarray, out: np.ndarray) -> None:
    """Unnormalised class probabilities of one capture pattern: nu_k prod_j P(x_j | class k).

    Computed as plain products; when even the largest underflows (only with very many lists
    and tiny probabilities) they are recomputed in logs and rescaled.
    """
    J = cell.shape[0]
    K = nu.shape[0]
    top = 0.0
    for k in range(K):
        w = nu[k]
        for j in range(J):
            w *= lam[j, k, cell[j]]
        out[k] = w
        if w > top:
            top = w
    if top < 1e-250:
        m = _NEG_INF
        for k in range(K):
            lp = log_nu[k]
            for j in range(J):
                lp += np.log(lam[j, k, cell[j]])
            out[k] = lp
            if lp > m:
                m = lp
        for k in range(K):
            out[k] = np.exp(out[k] - m)


@njit(cache=True, nogil=True)
def _sample_classes_observed(rng, cells, freq, nu, log_nu, lam, count_z, w, row, scratch) -> None:
    """Per observed cell, how many of its people fall in each latent class."""
    for m in range(cells.shape[0]):
        _class_weights(cells[m], nu, log_nu, lam, w)
        _multinomial_into(rng, freq[m], w, row, scratch)
        for k in range(row.shape[0]):
            count_z[m, k] = row[k]


@njit(cache=True, nogil=True)
def _sample_lambda(rng, cells, count_z, count0, lam) -> None:
    """lambda_jk ~ Beta(1 + captured in class k, 1 + not captured in class k)."""
    M, J = cells.shape
    K = count0.shape[0]
    for j in range(J):
        for k in range(K):
            ones = 0
            zeros = count0[k]
            for m in range(M):
                if cells[m, j] == 1:
                    ones += count_z[m, k]
                else:
                    zeros += count_z[m, k]
            # shapes are >= 1, so the gamma draws cannot underflow to zero
            ga = rng.standard_gamma(1.0 + ones)
            gb = rng.standard_gamma(1.0 + zeros)
            s = ga + gb
            lam[j, k, 1] = ga / s
            lam[j, k, 0] = gb / s  # kept separately: 1 - lambda would lose precision near 1


@njit(cache=True, nogil=True)
def _count_classes(count_z, count0, count_k) -> int:
    """Class sizes (observed + augmented); returns the number of occupied classes."""
    K = count0.shape[0]
    occupied = 0
    for k in range(K):
        c = count0[k]
        for m in range(count_z.shape[0]):
            c += count_z[m, k]
        count_k[k] = c
        if c > 0:
            occupied += 1
    return occupied


@njit(cache=True, nogil=True)
def _sample_nu(rng, count_k, alpha, total, log_nu) -> None:
    """Stick-breaking weights given class sizes: V_k ~ Beta(1 + c_k, alpha + sum_{l>k} c_l)."""
    K = count_k.shape[0]
    acc = 0
    log_rest = 0.0
    for k in range(K - 1):
        acc += count_k[k]
        la = _log_gamma_draw(rng, 1.0 + count_k[k])
        lb = _log_gamma_draw(rng, alpha + (total - acc))
        mx = max(la, lb)
        lsum = mx + np.log(np.exp(la - mx) + np.exp(lb - mx))
        log_nu[k] = la - lsum + log_rest
        log_rest += lb - lsum
    log_nu[K - 1] = log_rest


@njit(cache=True, nogil=True)
def _prob_missed(nu, lam, w0) -> float:
    """p0 = sum_k nu_k prod_j (1 - lambda_jk); also fills the per-class terms (for the classes
    of the unobserved)."""
    K = nu.shape[0]
    J = lam.shape[0]
    p0 = 0.0
    for k in range(K):
        w = nu[k]
        for j in range(J):
            w *= lam[j, k, 0]
        w0[k] = w
        p0 += w
    return p0


@njit(cache=True, nogil=True)
def _sample_n0(rng, n: int, p0: float, n0_max: int) -> tuple[int, int]:
    """n0 ~ NegBin(n, 1 - p0) (failures before n successes), redrawn while > n0_max.

    Drawn as Poisson(Gamma(n, p0 / (1 - p0))). Returns (n0, number of redraws).
    """
    redraws = 0
    if p0 <= 0.0:
        return 0, 0
    odds = p0 / (1.0 - p0) if p0 < 1.0 else np.inf
    while True:
        if odds < np.inf:
            mean = rng.standard_gamma(float(n)) * odds
            if mean <= 20.0 * n0_max + 1000.0:
                n0 = rng.poisson(mean)
                if n0 <= n0_max:
                    return n0, redraws
        redraws += 1
        if redraws > 100000:
            # p0 numerically 1: every draw would be rejected; stay at the cap
            return n0_max, redraws


@njit(cache=True, nogil=True)
def gibbs_sweeps(
    rng: np.random.Generator,
    cells: np.ndarray,
    freq: np.ndarray,
    log_nu: np.ndarray,
    lam: np.ndarray,
    count_z: np.ndarray,
    count0: np.ndarray,
    scalars: np.ndarray,
    a_alpha: float,
    b_alpha: float,
    n0_max: int,
    n_sweeps: int,
    update_alpha: bool,
    thinning: int,
    out_n0: np.ndarray,
    out_alpha: np.ndarray,
    out_kstar: np.ndarray,
    out_p0: np.ndarray,
    out_start: int,
) -> int:
    """Advance one chain by ``n_sweeps`` Gibbs sweeps, in R LCMCR's update order.

    ``scalars`` holds [alpha, n0] and is updated in place, as are the other
    state arrays. When ``thinning`` > 0, every ``thinning``-th sweep is stored
    at ``out_*[out_start + i]``. Returns the number of redraws of n0 caused by
    the cap ``n0_max``.
    """
    M, J = cells.shape
    K = log_nu.shape[0]
    n = 0
    for m in range(M):
        n += freq[m]
    nu = np.empty(K)
    w = np.empty(K)
    row = np.zeros(K, dtype=np.int64)
    scratch = np.empty(K)
    count_k = np.zeros(K, dtype=np.int64)
    alpha = scalars[0]
    n0 = int(scalars[1])
    redraws_total = 0
    stored = 0
    for it in range(n_sweeps):
        for k in range(K):
            nu[k] = np.exp(log_nu[k])
        _sample_classes_observed(rng, cells, freq, nu, log_nu, lam, count_z, w, row, scratch)
        _sample_lambda(rng, cells, count_z, count0, lam)
        kstar = _count_classes(count_z, count0, count_k)
        _sample_nu(rng, count_k, alpha, n + n0, log_nu)
        for k in range(K):
            nu[k] = np.exp(log_nu[k])
        p0 = _prob_missed(nu, lam, w)
        n0, redraws = _sample_n0(rng, n, p0, n0_max)
        redraws_total += redraws
        _multinomial_into(rng, n0, w, count0, scratch)
        if update_alpha:
            # Gamma(a + K - 1, rate b - log nu_K): conjugate update of the DP concentration
            alpha = rng.standard_gamma(a_alpha + K - 1.0) / (b_alpha - log_nu[K - 1])
        if thinning > 0 and (it + 1) % thinning == 0:
            i = out_start + stored
            out_n0[i] = n0
            out_alpha[i] = alpha
            out_kstar[i] = kstar
            out_p0[i] = p0
            stored += 1
    scalars[0] = alpha
    scalars[1] = n0
    return redraws_total


@njit(cache=True, nogil=True)
def initial_state(rng: np.random.Generator, cells: np.ndarray, freq: np.ndarray, K: int):
    """Starting values as in R LCMCR: nu from Beta(1, 1) sticks, every lambda_jk
    at list j's observed capture share, alpha = 0.3 / K, nobody augmented."""
    M, J = cells.shape
    n = 0
    for m in range(M):
        n += freq[m]
    log_nu = np.empty(K)
    log_rest = 0.0
    for k in range(K - 1):
        la = _log_gamma_draw(rng, 1.0)
        lb = _log_gamma_draw(rng, 1.0)
        mx = max(la, lb)
        lsum = mx + np.log(np.exp(la - mx) + np.exp(lb - mx))
        log_nu[k] = la - lsum + log_rest
        log_rest += lb - lsum
    log_nu[K - 1] = log_rest
    lam = np.empty((J, K, 2))
    for j in range(J):
        captured = 0
        for m in range(M):
            if cells[m, j] == 1:
                captured += freq[m]
        p = captured / n
        for k in range(K):
            lam[j, k, 1] = p
            lam[j, k, 0] = 1.0 - p
    count_z = np.zeros((M, K), dtype=np.int64)
    count0 = np.zeros(K, dtype=np.int64)
    scalars = np.array([0.3 / K, 0.0])
    return log_nu, lam, count_z, count0, scalars


@njit(cache=True, nogil=True)
def relabel_classes_by_weight(log_nu, lam, count_z, count0) -> None:
    """Put the latent classes in decreasing order of nu (as R does after warm-up)."""
    order = np.argsort(-log_nu, kind="mergesort")
    log_nu[:] = log_nu[order].copy()
    lam[:] = lam[:, order, :].copy()
    count_z[:] = count_z[:, order].copy()
    count0[:] = count0[order].copy()
