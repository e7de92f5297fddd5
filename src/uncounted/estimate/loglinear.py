"""Poisson log-linear models for multiple systems estimation (the Rcapture family).

The 2^k - 1 observable cells of a k-list table are fitted with a Poisson log-linear model
``log mu_c = b0 + sum_j b_j x_cj + interactions (+ heterogeneity terms)``; the unobservable cell
(no list) has design row zero, so its expected count is ``exp(b0)`` and ``N = n + exp(b0)``
(Fienberg 1972; Cormack 1989; Rivest & Baillargeon, Rcapture).

* Standard error as Rcapture's ``getN``: ``SE = sqrt(exp(b0) + exp(2 b0) var(b0))``
  (the Poisson variance of the unseen count plus the delta-method variance of exp(b0)).
* AIC = -2 log L_Poisson + 2p and BIC = -2 log L_Poisson + log(n) p, as R's ``glm`` and Rcapture.
* Profile-likelihood interval as Rcapture's ``closedpCI.t``: the multinomial profile
  log-likelihood of N is computed by adding the unseen cell with count n0 = N - n to the Poisson
  fit and correcting its deviance (Cormack 1992); the bounds are where it falls qchisq(level, 1)/2
  below its maximum.
* Heterogeneity (Rivest & Levesque 2001; Rivest 2011) adds a column h(number of captures):
  Poisson2 ``2^x - 1``, Darroch ``x^2/2``, Gamma3.5 ``log(3.5) - log(3.5 + x)``, or Chao's
  lower-bound columns ``max(x - j + 1, 0)`` for j = 3..k with negative eta parameters removed.

Fits use Newton/IRLS from R's starting values (mu = y + 0.1) with R's stopping rule, and many
models of the same size are fitted together as one batched numpy computation.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Sequence

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from uncounted.errors import EstimationError
from uncounted.estimate.base import (
    ConvergenceWarning,
    EstimateResult,
    Estimator,
    NonIdentifiableWarning,
    SparseTableWarning,
    check_level,
)
from uncounted.estimate.patterns import PatternTable, all_patterns

__all__ = [
    "LogLinear",
    "LogLinearResult",
    "ModelSpec",
    "hierarchical_models",
    "parse_model",
    "fit_poisson",
    "mle_existence",
    "chao_lower_bound",
]

HETEROGENEITY = ("chao", "poisson2", "darroch", "gamma3.5")
CRITERIA = ("aic", "bic")
CANDIDATES = ("hierarchical", "closedp", "all")
_MAX_MODELS = 200_000


# =========================================================================== model specs
@dataclass(frozen=True)
class ModelSpec:
    """One log-linear model: interaction terms (bitmasks over the lists) and heterogeneity.

    ``terms`` holds the interaction terms of order >= 2 (hierarchically closed); main effects are
    always in unless ``main_effects`` is False (model M0 / Mh: one common capture effect).
    Bit ``k-1-j`` of a term is list j (the first list is the most significant bit, as cells).
    """

    k: int
    terms: tuple[int, ...] = ()
    heterogeneity: str | None = None
    main_effects: bool = True

    # -- naming ----------------------------------------------------------------------
    def generators(self) -> list[int]:
        """The maximal interaction terms (the model's generating class without main effects)."""
        ts = set(self.terms)
        k = self.k
        gens = [t for t in ts if not any((t | (1 << b)) in ts for b in range(k) if not t >> b & 1)]
        return sorted(gens, key=lambda t: (-_popcount(t), -t))

    def name(self, lists: Sequence[str], gens: list[int] | None = None) -> str:
        """Readable name: e.g. ``[EXH·ABA·OSCE, EXH·HRW, OSCE·HRW]`` or ``Mth Darroch``."""
        if not self.main_effects:
            base = "M0" if self.heterogeneity is None else "Mh"
        elif not self.terms and self.heterogeneity is not None:
            base = "Mth"
        elif not self.terms:
            return "[] (independence, Mt)"
        else:
            gens = self.generators() if gens is None else gens
            base = "[" + ", ".join("·".join(_term_lists(t, lists)) for t in gens) + "]"
        if self.heterogeneity is None:
            return base
        return f"{base} {_HET_LABEL[self.heterogeneity]}"

    def formula(self, lists: Sequence[str], gens: list[int] | None = None) -> str:
        """The model as a ``--model`` string (``A*B*C + A*D``; ``+ h:darroch`` for heterogeneity)."""
        if not self.main_effects:
            return "m0" if self.heterogeneity is None else f"mh_{self.heterogeneity}"
        gens = self.generators() if gens is None else gens
        parts = ["*".join(_term_lists(t, lists)) for t in gens]
        if not parts:
            parts = ["independence"]
        if self.heterogeneity is not None:
            parts.append(f"h:{self.heterogeneity}")
        return " + ".join(parts)

    @property
    def n_params(self) -> int:
        return 1 + (self.k if self.main_effects else 1) + len(self.terms) + _het_width(self.heterogeneity, self.k)


_HET_LABEL = {"chao": "Chao (LB)", "poisson2": "Poisson2", "darroch": "Darroch", "gamma3.5": "Gamma3.5"}


def _popcount(x: int) -> int:
    return bin(x).count("1")


def _term_lists(term: int, lists: Sequence[str]) -> list[str]:
    k = len(lists)
    return [lists[j] for j in range(k) if term >> (k - 1 - j) & 1]


def _het_width(h: str | None, k: int) -> int:
    if h is None:
        return 0
    if h == "chao":
        return max(k - 2, 1)
    return 1


def _closure(term: int) -> set[int]:
    """All sub-terms of order >= 2 of ``term`` (hierarchy), including itself."""
    bits = [b for b in range(term.bit_length()) if term >> b & 1]
    out: set[int] = set()
    for r in range(2, len(bits) + 1):
        for combo in combinations(bits, r):
            out.add(sum(1 << b for b in combo))
    return out


def _normalise_het(h: str | None) -> str | None:
    if h is None:
        return None
    key = h.strip().lower().replace(" ", "").replace("_", "")
    aliases = {"chao": "chao", "chaolb": "chao", "lb": "chao", "poisson2": "poisson2", "poisson": "poisson2",
               "darroch": "darroch", "gamma": "gamma3.5", "gamma3.5": "gamma3.5"}
    if key not in aliases:
        raise ValueError(f"heterogeneity must be one of {', '.join(HETEROGENEITY)} or None. Got {h!r}.")
    return aliases[key]


_NAMED = re.compile(r"^(m0|mt|mh|mth)(?:[ _-]?(chao|chao\(lb\)|lb|poisson2?|darroch|gamma(?:3\.5)?))?$")


def parse_model(text: str, lists: Sequence[str]) -> ModelSpec:
    """Parse a model given as Rcapture names or as list interactions.

    Accepted: ``M0``, ``Mt`` (independence), ``Mh Chao``, ``Mh Poisson2``, ``Mh Darroch``,
    ``Mth Chao|Poisson2|Darroch|Gamma3.5``; or terms joined by ``+`` where a term is list names
    joined by ``*`` or ``:`` (each term brings all its lower-order terms: the model is always
    hierarchical), optionally with ``h:darroch`` etc. E.g. ``EXH*ABA*OSCE + EXH*HRW + OSCE*HRW``,
    ``c1:c2``, ``independence``.
    """
    k = len(lists)
    raw = text.strip()
    key = raw.lower().replace(" ", "")
    m = _NAMED.match(key.replace("(lb)", ""))
    if m:
        kind, het = m.group(1), m.group(2)
        het_n = _normalise_het(het) if het else None
        if kind in ("mh", "mth") and het_n is None:
            raise EstimationError(f"model {raw!r}: say which heterogeneity, e.g. 'Mh Chao', 'Mth Darroch', 'Mth Poisson2'.")
        if het_n is not None and k < 3:
            raise EstimationError(f"model {raw!r}: heterogeneity models need at least three lists; the table has {k}.")
        if kind in ("m0", "mt") and het_n is not None:
            raise EstimationError(f"model {raw!r}: heterogeneity goes with Mh or Mth, not {kind.upper()}.")
        return ModelSpec(k=k, terms=(), heterogeneity=het_n, main_effects=kind in ("mt", "mth"))
    index = {name.lower(): j for j, name in enumerate(lists)}
    terms: set[int] = set()
    het: str | None = None
    for piece in [p.strip() for p in raw.split("+")]:
        if not piece:
            continue
        low = piece.lower().replace(" ", "")
        if low in ("independence", "mt", "1", "."):
            continue
        if low.startswith("h:") or low.startswith("heterogeneity:"):
            het = _normalise_het(low.split(":", 1)[1])
            continue
        names = [x.strip() for x in re.split(r"[*:·]", piece)]
        unknown = [x for x in names if x.lower() not in index]
        if unknown:
            raise EstimationError(f"model {raw!r}: unknown list name(s) {unknown}; the lists are {list(lists)}.")
        mask = sum(1 << (k - 1 - index[x.lower()]) for x in names)
        if _popcount(mask) == k:
            raise EstimationError(
                f"model {raw!r}: the {k}-way interaction makes the model saturated plus one parameter; "
                "N is then not identifiable. Use interactions of order at most k-1."
            )
        if _popcount(mask) >= 2:
            terms |= _closure(mask)
    return ModelSpec(k=k, terms=tuple(sorted(terms, key=lambda t: (_popcount(t), -t))), heterogeneity=het)


def hierarchical_models(k: int, order: int | None = None, heterogeneity: str | None = None) -> list[ModelSpec]:
    """Every hierarchical model with all main effects and interactions of order <= ``order``.

    ``order`` defaults to k - 1 for up to 5 lists (Rcapture's ``closedpMS.t`` default) and to 2 from
    6 lists on. The count for 4 lists is 113; for 5 lists with order 4 it is 6,893; for 6 lists
    with order 2 it is 32,768.
    """
    order = default_order(k) if order is None else int(order)
    if not 1 <= order <= k - 1:
        raise EstimationError(f"order must be between 1 and {k - 1} for {k} lists; got {order}.")
    pool = [t for r in range(2, order + 1) for t in sorted(_terms_of_order(k, r), reverse=True)]
    models: list[tuple[int, ...]] = []

    # Walk the terms in order of size; a term may enter only if all its sub-terms of one order
    # lower are already in (hierarchy). Each leaf of this walk is one model.
    stack: list[tuple[int, tuple[int, ...], frozenset[int]]] = [(0, (), frozenset())]
    while stack:
        i, chosen, chosen_set = stack.pop()
        if i == len(pool):
            models.append(chosen)
            if len(models) > _MAX_MODELS:
                raise EstimationError(
                    f"more than {_MAX_MODELS:,} hierarchical models for {k} lists up to order {order}; "
                    "lower --order or give a --model."
                )
            continue
        t = pool[i]
        stack.append((i + 1, chosen, chosen_set))
        if _popcount(t) == 2 or all((t & ~(1 << b)) in chosen_set for b in range(k) if t >> b & 1):
            stack.append((i + 1, chosen + (t,), chosen_set | {t}))
    models.sort(key=len)
    return [ModelSpec(k=k, terms=ts, heterogeneity=heterogeneity) for ts in models]


def default_order(k: int) -> int:
    """k - 1 up to 5 lists (Rcapture's default); 2 from 6 lists on (the full search explodes)."""
    return k - 1 if k <= 5 else 2


def _terms_of_order(k: int, r: int) -> list[int]:
    return [sum(1 << (k - 1 - j) for j in combo) for combo in combinations(range(k), r)]


def closedp_models(k: int) -> list[ModelSpec]:
    """Rcapture ``closedp.t``'s standard set: M0, Mt, Mh and Mth with each heterogeneity form."""
    out = [ModelSpec(k, (), None, False), ModelSpec(k, (), None, True)]
    if k < 3:  # heterogeneity terms need at least three lists
        return out
    for main in (False, True):
        for h in HETEROGENEITY:
            out.append(ModelSpec(k, (), h, main))
    return out


# =========================================================================== design matrices
class DesignCache:
    """Columns of the log-linear design for k lists, computed once and reused across models."""

    def __init__(self, k: int):
        self.k = k
        self.cells = all_patterns(k)
        cell_ids = np.arange(1, 2**k, dtype=np.int64)
        self.nbcap = self.cells.sum(axis=1).astype(float)
        # term_columns[t] = 1 where the cell contains every list of term t
        self.term_columns = ((cell_ids[:, None] & cell_ids[None, :]) == cell_ids[None, :]).astype(float)

    def batch(self, specs: Sequence[ModelSpec]) -> np.ndarray:
        """Designs of many same-size models as one (M, C, p) array, by fancy indexing."""
        if any(s.heterogeneity is not None or not s.main_effects for s in specs):
            return np.stack([self.matrix(s) for s in specs])
        if not hasattr(self, "_full"):
            self._full = np.hstack([np.ones((len(self.nbcap), 1)), self.term_columns])
        mains = [1 << (self.k - 1 - j) for j in range(self.k)]
        idx = np.array([[0, *mains, *s.terms] for s in specs], dtype=np.int64)
        return np.ascontiguousarray(np.transpose(self._full[:, idx], (1, 0, 2)))

    def term(self, mask: int) -> np.ndarray:
        return self.term_columns[:, mask - 1]

    def het_columns(self, h: str | None) -> np.ndarray:
        x = self.nbcap
        if h is None:
            return np.zeros((len(x), 0))
        if h == "poisson2":
            return (2.0**x - 1)[:, None]
        if h == "darroch":
            return (x**2 / 2)[:, None]
        if h == "gamma3.5":
            return (-np.log(3.5 + x) + np.log(3.5))[:, None]
        if h == "chao":
            if self.k < 3:
                return np.zeros((len(x), 1))
            return np.column_stack([np.maximum(x - j + 1, 0) for j in range(3, self.k + 1)])
        raise ValueError(h)

    def matrix(self, spec: ModelSpec) -> np.ndarray:
        """Design with the intercept first: (2^k - 1) x n_params."""
        cols = [np.ones(len(self.nbcap))]
        if spec.main_effects:
            cols += [self.term(1 << (self.k - 1 - j)) for j in range(self.k)]
        else:
            cols.append(self.nbcap)
        cols += [self.term(t) for t in spec.terms]
        X = np.column_stack(cols)
        H = self.het_columns(spec.heterogeneity)
        return np.hstack([X, H]) if H.shape[1] else X

    def column_names(self, spec: ModelSpec, lists: Sequence[str]) -> list[str]:
        names = ["(Intercept)"]
        names += list(lists) if spec.main_effects else ["nbcap"]
        names += [":".join(_term_lists(t, lists)) for t in spec.terms]
        if spec.heterogeneity == "chao":
            names += [f"eta{j}" for j in range(3, max(self.k, 3) + 1)][: _het_width("chao", self.k)]
        elif spec.heterogeneity:
            names.append(f"tau({spec.heterogeneity})")
        return names


# =========================================================================== Poisson fitting
@dataclass
class PoissonFit:
    """A batch of Poisson GLM fits sharing one response (arrays have a leading model axis)."""

    beta: np.ndarray  # (M, p)
    mu: np.ndarray  # (M, C)
    deviance: np.ndarray  # (M,)
    loglik: np.ndarray  # (M,)
    cov00: np.ndarray  # (M,) variance of the intercept
    converged: np.ndarray  # (M,) bool
    iterations: int
    hessian_ok: np.ndarray  # (M,) bool


def _deviance(y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0)
    return 2.0 * np.sum(term - (y - mu), axis=-1)


def fit_poisson(X: np.ndarray, y: np.ndarray, *, maxit: int = 25, tol: float = 1e-8,
                offset: np.ndarray | None = None) -> PoissonFit:
    """Fit Poisson log-linear models by IRLS (Newton), as R's ``glm.fit``.

    ``X`` is (C, p) or a batch (M, C, p) of designs for the same response ``y`` (C,). Starts at
    mu = y + 0.1 and stops when |dev - dev_old| / (|dev| + 0.1) < ``tol`` for every model, or
    after ``maxit`` iterations (then ``converged`` is False for the models still moving).
    """
    single = X.ndim == 2
    Xb = X[None] if single else X
    M, C, p = Xb.shape
    y = np.asarray(y, dtype=float)
    off = np.zeros(C) if offset is None else np.asarray(offset, dtype=float)
    Xt = np.transpose(Xb, (0, 2, 1))
    mu = np.broadcast_to(y + 0.1, (M, C)).copy()
    eta = np.log(mu)
    dev_old = np.full(M, np.inf)
    converged = np.zeros(M, dtype=bool)
    beta = np.zeros((M, p))
    it = 0
    mu_prev = mu
    for it in range(1, maxit + 1):
        mu_prev = mu
        z = eta - off + (y - mu) / mu
        H = Xt @ (Xb * mu[:, :, None])
        rhs = Xt @ (mu * z)[:, :, None]
        try:
            beta = np.linalg.solve(H, rhs)[:, :, 0]
        except np.linalg.LinAlgError:
            beta = np.stack([np.linalg.lstsq(H[m], rhs[m, :, 0], rcond=None)[0] for m in range(M)])
        eta = np.clip(Xb @ beta[:, :, None], -700, 700)[:, :, 0] + off
        mu = np.exp(eta)
        dev = _deviance(y, mu)
        converged = np.abs(dev - dev_old) / (np.abs(dev) + 0.1) < tol
        dev_old = dev
        if converged.all():
            break
    # R's glm reports the covariance from the weights of the last iteration (before its update)
    H = Xt @ (Xb * mu_prev[:, :, None])
    e0 = np.zeros((M, p, 1))
    e0[:, 0, 0] = 1.0
    hessian_ok = np.ones(M, dtype=bool)
    try:
        cov00 = np.linalg.solve(H, e0)[:, 0, 0]
    except np.linalg.LinAlgError:
        cov00 = np.empty(M)
        for m in range(M):
            try:
                cov00[m] = np.linalg.solve(H[m], e0[m])[0, 0]
            except np.linalg.LinAlgError:
                cov00[m], hessian_ok[m] = np.nan, False
    dev = _deviance(y, mu)
    with np.errstate(divide="ignore", invalid="ignore"):
        loglik = np.sum(np.where(y > 0, y * np.log(mu), 0.0) - mu - special.gammaln(y + 1), axis=1)
    fit = PoissonFit(beta, mu, dev, loglik, cov00, converged, it, hessian_ok)
    return fit


def _superset_sums(A: np.ndarray, k: int) -> np.ndarray:
    """S[m, t] = sum of A[m, c] over cells c containing every bit of t (fast zeta transform)."""
    S = A.copy()
    M = S.shape[0]
    for b in range(k):
        v = S.reshape(M, -1, 2, 2**b)
        v[:, :, 0, :] += v[:, :, 1, :]
    return S


def _subset_sums(A: np.ndarray, k: int) -> np.ndarray:
    """E[m, c] = sum of A[m, t] over terms t contained in c (the linear predictor from coefficients)."""
    E = A.copy()
    M = E.shape[0]
    for b in range(k):
        v = E.reshape(M, -1, 2, 2**b)
        v[:, :, 1, :] += v[:, :, 0, :]
    return E


def fit_hierarchical_batch(masks: np.ndarray, y: np.ndarray, k: int, *, maxit: int = 25,
                           tol: float = 1e-8) -> PoissonFit:
    """Newton/IRLS for many hierarchical models at once, without building design matrices.

    ``masks`` (M, p): each model's terms as bitmasks over the lists (0 = intercept). Every design
    column is the indicator "cell contains term t", so X'WX[i, j] is the sum of the weights over
    cells containing t_i | t_j and X beta is a subset sum: both come from O(k 2^k) transforms.
    Same start (mu = y + 0.1) and stopping rule as :func:`fit_poisson`; results are identical.
    """
    M, p = masks.shape
    full_y = np.zeros(2**k)
    full_y[1:] = y
    OR = masks[:, :, None] | masks[:, None, :]
    rows = np.arange(M)[:, None]
    mu = np.broadcast_to(full_y + 0.1, (M, 2**k)).copy()
    mu[:, 0] = 0.0
    eta = np.log(np.where(mu > 0, mu, 1.0))
    beta = np.zeros((M, p))
    dev_old = np.full(M, np.inf)
    converged = np.zeros(M, dtype=bool)
    active = np.arange(M)
    it = 0

    def hessian(mu_a: np.ndarray, idx: np.ndarray) -> np.ndarray:
        S = _superset_sums(mu_a, k)
        return np.take_along_axis(S, OR[idx].reshape(len(idx), -1), axis=1).reshape(len(idx), p, p)

    mu_prev = mu.copy()
    for it in range(1, maxit + 1):
        a = active
        mu_a = mu[a]
        mu_prev[a] = mu_a
        z = eta[a] + (full_y - mu_a) / np.where(mu_a > 0, mu_a, 1.0)
        wz = mu_a * z
        wz[:, 0] = 0.0
        H = hessian(mu_a, a)
        rhs = np.take_along_axis(_superset_sums(wz, k), masks[a], axis=1)
        try:
            b_new = np.linalg.solve(H, rhs[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            b_new = np.stack([np.linalg.lstsq(H[i], rhs[i], rcond=None)[0] for i in range(len(a))])
        beta[a] = b_new
        coef = np.zeros((len(a), 2**k))
        np.put_along_axis(coef, masks[a], b_new, axis=1)
        eta_a = np.clip(_subset_sums(coef, k), -700, 700)
        mu_new = np.exp(eta_a)
        mu_new[:, 0] = 0.0
        eta[a], mu[a] = eta_a, mu_new
        dev = _deviance(y, mu_new[:, 1:])
        done = np.abs(dev - dev_old[a]) / (np.abs(dev) + 0.1) < tol
        dev_old[a] = dev
        converged[a[done]] = True
        active = a[~done]
        if active.size == 0:
            break
    H = hessian(mu_prev, np.arange(M))  # as R: weights of each model's last iteration
    e0 = np.zeros((M, p, 1))
    e0[:, 0, 0] = 1.0
    hessian_ok = np.ones(M, dtype=bool)
    try:
        cov00 = np.linalg.solve(H, e0)[:, 0, 0]
    except np.linalg.LinAlgError:
        cov00 = np.full(M, np.nan)
        hessian_ok[:] = False
    mu_c = mu[:, 1:]
    dev = _deviance(y, mu_c)
    with np.errstate(divide="ignore", invalid="ignore"):
        loglik = np.sum(np.where(y > 0, y * np.log(mu_c), 0.0) - mu_c - special.gammaln(y + 1), axis=1)
    return PoissonFit(beta, mu_c, dev, loglik, cov00, converged, it, hessian_ok)


# =========================================================================== existence (LP)
def mle_existence(X: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """Check by linear programming whether the MLE and the estimate of N exist.

    A direction d with (X d)_c = 0 on cells with y_c > 0 and (X d)_c <= 0 on empty cells never
    lowers the likelihood. If one exists, the MLE lies on the boundary (some fitted cells are 0).
    The unseen cell's linear predictor is the intercept d_0: if d_0 can be > 0 the likelihood keeps
    rising as the unseen count grows without bound (N-hat does not exist, i.e. is infinite); if
    d_0 can be < 0 it rises as the unseen count shrinks to 0.
    """
    pos = y > 0
    C, p = X.shape
    out = {"mle_exists": True, "n_unbounded": False, "n_collapses": False}
    if pos.all():
        return out
    A_eq, b_eq = X[pos], np.zeros(int(pos.sum()))
    A_ub, b_ub = X[~pos], np.zeros(int((~pos).sum()))
    bounds = [(-1, 1)] * p
    res = optimize.linprog(-(-X[~pos]).sum(axis=0), A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if res.status == 0 and -res.fun > 1e-7:
        out["mle_exists"] = False
    for sign, key in ((1.0, "n_unbounded"), (-1.0, "n_collapses")):
        c = np.zeros(p)
        c[0] = -sign
        r = optimize.linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")
        if r.status == 0 and -r.fun > 1e-7:
            out[key] = True
    return out


# =========================================================================== results
@dataclass(repr=False)
class LogLinearResult(EstimateResult):
    """Result of :class:`LogLinear`: the chosen model, its fit and the model table."""

    model: ModelSpec | None = None
    model_name: str = ""
    coefficients: dict[str, float] = field(default_factory=dict)
    models: pd.DataFrame | None = None
    _y: np.ndarray | None = None
    _X: np.ndarray | None = None
    _het: str | None = None
    _X_full: np.ndarray | None = None
    _profile_cache: dict[float, tuple[float, float]] = field(default_factory=dict)
    interval_method: str = "profile"
    _profile_points: list[tuple[float, float]] = field(default_factory=list)
    fmax_upper: float = 3.0

    def _interval_at(self, level: float) -> tuple[float, float]:
        if self.interval_method == "lognormal":
            return super()._interval_at(level)
        if self.interval_method == "wald":
            if self.std_error is None or not math.isfinite(self.std_error):
                raise EstimationError("no standard error; the estimate is not identifiable.")
            z = stats.norm.ppf(1 - (1 - level) / 2)
            return max(self.observed, self.estimate - z * self.std_error), self.estimate + z * self.std_error
        if level not in self._profile_cache:
            self._profile_cache[level] = self._profile_interval(level)
        return self._profile_cache[level]

    # -- Rcapture closedpCI.t profile likelihood ---------------------------------------
    def profile_loglik(self, N: float) -> float:
        """Multinomial profile log-likelihood of N (Rcapture ``closedpCI.t``, Cormack 1992)."""
        if self._X is None or self._y is None:
            raise EstimationError("this result has no design to profile.")
        n = self.observed
        n0 = float(N - n)
        # Chao models: start from the full design and drop negative etas again (as Rcapture)
        base_X = self._X_full if self._X_full is not None else self._X
        X = np.vstack([base_X, np.zeros((1, base_X.shape[1]))])
        X[-1, 0] = 1.0
        y = np.append(self._y, n0)
        if self._het == "chao":
            dev = float(_chao_drop_negative(X, y, self.k_lists)[1].deviance[0])
        else:
            dev = float(fit_poisson(X, y).deviance[0])
        Nn0 = float(y.sum())
        if Nn0 > 100:
            if n0 in (0.0, 1.0):
                ct = -Nn0 + 0.5 * math.log(2 * math.pi * Nn0)
            else:
                ct = n0 - Nn0 - 0.5 * math.log(n0 / Nn0)
        else:
            ct = (special.xlogy(n0, n0) + special.gammaln(Nn0 + 1) - Nn0 * math.log(Nn0) - special.gammaln(n0 + 1))
        value = (dev - 2 * ct) / (-2)
        self._profile_points.append((float(N), value))
        return value

    @property
    def k_lists(self) -> int:
        return len(self.lists)

    def _profile_interval(self, level: float) -> tuple[float, float]:
        n = float(self.observed)
        Nhat = self.estimate
        if not math.isfinite(Nhat):
            raise EstimationError("the estimate is not finite, so no profile interval exists.")
        f = lambda N: self.profile_loglik(N)  # noqa: E731
        hi_search = max(1.5 * Nhat, n + 1.0)
        opt = optimize.minimize_scalar(lambda N: -f(N), bounds=(n, hi_search), method="bounded",
                                       options={"xatol": 1e-4})
        Nmax, lmax = float(opt.x), float(-opt.fun)
        target = lmax - stats.chi2.ppf(level, 1) / 2
        g = lambda N: f(N) - target  # noqa: E731
        notes = self.diagnostics.setdefault("profile_notes", [])
        if g(n) < 0:
            lo = optimize.brentq(g, n, Nmax, xtol=1e-4)
        else:
            lo = n
            notes.append(f"the {level:.0%} lower bound is the observed count n")
        upper_end = self.fmax_upper * Nhat
        if g(upper_end) < 0:
            hi = optimize.brentq(g, Nmax, upper_end, xtol=1e-4)
        else:
            hi = math.inf
            notes.append(f"the {level:.0%} upper bound is above {self.fmax_upper:g} x the estimate")
        self.diagnostics["profile_mle"] = Nmax
        return float(lo), float(hi)

    def profile_curve(self, level: float | None = None, points: int = 60) -> pd.DataFrame:
        """The profile log-likelihood on a grid spanning the interval (for plots)."""
        lo, hi = self.interval(level)
        hi_plot = hi if math.isfinite(hi) else 3 * self.estimate
        span = hi_plot - lo
        grid = np.linspace(max(self.observed, lo - 0.15 * span), hi_plot + 0.15 * span, points)
        return pd.DataFrame({"N": grid, "loglik": [self.profile_loglik(N) for N in grid]})

    def _summary_extra(self) -> list[str]:
        lines = [f"Model: {self.model_name}",
                 f"Deviance {self.diagnostics.get('deviance', float('nan')):.3f} on "
                 f"{self.diagnostics.get('df')} df; AIC {self.diagnostics.get('aic', float('nan')):.3f}; "
                 f"BIC {self.diagnostics.get('bic', float('nan')):.3f}",
                 f"Interval: {self.interval_method}"]
        if self.models is not None and len(self.models) > 1:
            crit = self.settings.get("criterion", "bic")
            top = self.models.sort_values(crit).head(5)
            lines.append(f"Best models by {crit.upper()} (of {len(self.models):,}):")
            for _, r in top.iterrows():
                lines.append(f"  {r['model']:<48} N={r['estimate']:>12,.1f}  SE={r['std_error']:>10,.1f}  {crit.upper()}={r[crit]:.2f}")
        return lines

    def to_dict(self, level: float | None = None) -> dict[str, Any]:
        d = super().to_dict(level)
        d["model"] = self.model_name
        d["model_formula"] = self.model.formula(self.lists) if self.model else None
        d["coefficients"] = {k: (v if math.isfinite(v) else None) for k, v in self.coefficients.items()}
        if self.models is not None:
            crit = self.settings.get("criterion", "bic")
            top = self.models.sort_values(crit).head(10)
            d["top_models"] = top.replace({np.inf: None, -np.inf: None}).astype(object).where(top.notna(), None).to_dict("records")
        return d


def _chao_drop_negative(X: np.ndarray, y: np.ndarray, k: int) -> tuple[np.ndarray, PoissonFit, list[int]]:
    """Refit a Chao (LB) model, dropping the first negative eta until none is negative (Rcapture)."""
    n_eta = max(k - 2, 1)
    first_eta = X.shape[1] - n_eta
    keep = list(range(X.shape[1]))
    dropped: list[int] = []
    fit = fit_poisson(X, y)
    while True:
        beta = fit.beta[0]
        eta_pos = [i for i, c in enumerate(keep) if c >= first_eta]
        neg = [i for i in eta_pos if beta[i] < 0]
        if not neg:
            break
        dropped.append(keep[neg[0]])
        keep = [c for c in keep if c != keep[neg[0]]]
        fit = fit_poisson(X[:, keep], y)
    return X[:, keep], fit, dropped


# =========================================================================== estimator
class LogLinear(Estimator):
    """Poisson log-linear multiple systems estimation with model selection.

    Parameters (keyword-only)
    -------------------------
    model : a fixed model (see :func:`parse_model`), e.g. ``"EXH*ABA*OSCE + EXH*HRW + OSCE*HRW"``,
        ``"Mt"``, ``"Mth Darroch"``, ``"c1:c2"``. When None, the model is selected.
    order : the highest interaction order searched (default k - 1 up to 5 lists, as Rcapture
        ``closedpMS.t``; 2 from 6 lists on).
    criterion : ``"bic"`` (default) or ``"aic"``.
    heterogeneity : add a heterogeneity column to every searched model (``chao``, ``poisson2``,
        ``darroch``, ``gamma3.5``), as ``closedpMS.t(h=...)``.
    candidates : ``"hierarchical"`` (default: all hierarchical models up to ``order``),
        ``"closedp"`` (M0, Mt, Mh*, Mth*: Rcapture ``closedp.t``) or ``"all"`` (both).
    interval : ``"profile"`` (default, Rcapture's profile likelihood), ``"lognormal"`` (Chao 1987)
        or ``"wald"``.
    level : the default interval level (0.95).
    require_existence : when selecting, skip models whose maximum-likelihood estimate does not
        exist (empty cells fitted as exactly zero; checked by linear programming, as SparseMSE
        does). Rcapture does not skip them; set False to reproduce its choice on sparse tables.
    """

    name = "loglinear"
    min_lists = 2

    def __init__(self, *, model: str | None = None, order: int | None = None, criterion: str = "bic",
                 heterogeneity: str | None = None, candidates: str = "hierarchical",
                 interval: str = "profile", level: float = 0.95, require_existence: bool = True):
        self.model = model
        self.require_existence = require_existence
        self.order = order
        self.criterion = criterion
        self.heterogeneity = heterogeneity
        self.candidates = candidates
        self.interval = interval
        self.level = level
        self._validate()

    def _validate(self) -> None:
        if self.criterion not in CRITERIA:
            raise ValueError(f"criterion must be 'aic' or 'bic'. Got {self.criterion!r}.")
        if self.order is not None and (not isinstance(self.order, (int, np.integer)) or self.order < 1):
            raise ValueError(f"order must be a whole number >= 1 (the highest interaction order). Got {self.order!r}.")
        _normalise_het(self.heterogeneity)
        if self.candidates not in CANDIDATES:
            raise ValueError(f"candidates must be one of {CANDIDATES}. Got {self.candidates!r}.")
        if self.interval not in ("profile", "lognormal", "wald"):
            raise ValueError(f"interval must be 'profile', 'lognormal' or 'wald'. Got {self.interval!r}.")
        check_level(self.level)
        if self.model is not None and not isinstance(self.model, str):
            raise ValueError(f"model must be a string such as 'A*B + C*D' or 'Mth Darroch'. Got {self.model!r}.")

    # -------------------------------------------------------------------------------
    def fit(self, patterns: PatternTable) -> LogLinearResult:
        table = self._check_table(patterns)
        k = table.k
        y = table.cell_counts().astype(float)
        cache = DesignCache(k)
        if self.model is not None:
            specs = [parse_model(self.model, table.lists)]
        else:
            specs = self._candidate_specs(k)
        frame, fits = fit_models(specs, y, cache, table.lists, table.observed)
        crit = self.criterion
        usable = frame[np.isfinite(frame[crit]) & np.isfinite(frame["estimate"])]
        if usable.empty:
            raise EstimationError(
                f"no log-linear model could be fitted to the table on {table.lists} "
                f"(observed {table.observed}); the table is too sparse. Try fewer lists or Chapman."
            )
        best_i, skipped = self._select(usable, specs, y, cache)
        spec = specs[best_i]
        res = self._build_result(table, spec, y, cache, frame, best_i)
        if skipped:
            res.diagnostics["skipped_boundary_models"] = skipped
            res.diagnostics["selection_note"] = (
                f"{len(skipped)} model(s) with a better {crit.upper()} were skipped because their "
                "maximum-likelihood estimate does not exist (it lies on the boundary: empty cells fitted as 0)."
            )
        return res

    def _select(self, usable: pd.DataFrame, specs: list[ModelSpec], y: np.ndarray,
                cache: DesignCache) -> tuple[int, list[str]]:
        """Best model by the criterion among those whose MLE exists (checked by LP, in order)."""
        order = usable.sort_values(self.criterion).index
        if not self.require_existence or (y > 0).all() or len(order) == 1:
            return int(order[0]), []
        skipped: list[str] = []
        for i in order[:500]:
            if mle_existence(cache.matrix(specs[i]), y)["mle_exists"]:
                return int(i), skipped
            skipped.append(str(usable.loc[i, "model"]))
        return int(order[0]), []

    def _candidate_specs(self, k: int) -> list[ModelSpec]:
        het = _normalise_het(self.heterogeneity)
        if het is not None and k < 3:
            raise EstimationError(f"heterogeneity terms need at least three lists; the table has {k}.")
        specs: list[ModelSpec] = []
        if self.candidates in ("hierarchical", "all"):
            specs += hierarchical_models(k, self.order, het) if k > 2 else [ModelSpec(k, (), het)]
        if self.candidates in ("closedp", "all"):
            specs += [s for s in closedp_models(k) if s not in specs]
        return specs

    def _build_result(self, table: PatternTable, spec: ModelSpec, y: np.ndarray, cache: DesignCache,
                      frame: pd.DataFrame, best_i: int) -> LogLinearResult:
        X = cache.matrix(spec)
        names = cache.column_names(spec, table.lists)
        dropped: list[int] = []
        if spec.heterogeneity == "chao":
            X_used, fit, dropped = _chao_drop_negative(X, y, table.k)
            names = [nm for i, nm in enumerate(names) if i not in dropped]
        else:
            X_used, fit = X, fit_poisson(X, y)
        b0, v00 = float(fit.beta[0, 0]), float(fit.cov00[0])
        n = table.observed
        f0 = math.exp(b0) if b0 < 700 else math.inf
        estimate = n + f0
        se = math.sqrt(f0 + f0 * f0 * v00) if math.isfinite(f0) and v00 >= 0 else math.nan
        p = X_used.shape[1]
        row = frame.loc[best_i]
        res = LogLinearResult(
            method=self.name,
            estimate=float(estimate),
            observed=n,
            lists=table.lists,
            level=self.level,
            std_error=float(se),
            settings=self.get_params(),
            data_hash=table.data_hash(),
            model=spec,
            model_name=spec.name(table.lists),
            coefficients=dict(zip(names, map(float, fit.beta[0]))),
            models=frame if len(frame) > 1 else None,
            _y=y,
            _X=X_used,
            _het=spec.heterogeneity,
            _X_full=X if spec.heterogeneity == "chao" else None,
            interval_method=self.interval,
        )
        res.diagnostics.update({
            "model": res.model_name,
            "model_formula": spec.formula(table.lists),
            "n_params": p,
            "deviance": float(fit.deviance[0]),
            "df": int(len(y) - p),
            "aic": float(-2 * fit.loglik[0] + 2 * p),
            "bic": float(-2 * fit.loglik[0] + math.log(n) * p),
            "criterion": self.criterion,
            "models_compared": int(len(frame)),
            "converged": bool(fit.converged[0]),
            "iterations": int(fit.iterations),
            "unseen_estimate": f0,
            "n_lists": table.k,
            "cells": int(len(y)),
            "empty_cells": int((y == 0).sum()),
            "list_totals": table.list_totals(),
            "rcapture_bias": _rcapture_bias(X_used, fit),
            "chao1987_lower_bound": chao_lower_bound(table),
        })
        if dropped:
            res.diagnostics["chao_eta_dropped"] = [cache.column_names(spec, table.lists)[i] for i in dropped]
        if len(frame) > 1:
            ordered = frame.sort_values(self.criterion)
            second = ordered.iloc[1] if len(ordered) > 1 else None
            if second is not None:
                res.diagnostics["runner_up"] = {"model": second["model"], "estimate": float(second["estimate"]),
                                                self.criterion: float(second[self.criterion])}
            close = ordered[ordered[self.criterion] <= ordered[self.criterion].iloc[0] + 2]
            res.diagnostics["estimate_range_within_2"] = [float(close["estimate"].min()), float(close["estimate"].max())]
        self._check_fit(res, table, X_used, y, fit, row)
        return res

    def _check_fit(self, res: LogLinearResult, table: PatternTable, X: np.ndarray, y: np.ndarray,
                   fit: PoissonFit, row: pd.Series) -> None:
        n = table.observed
        exist = mle_existence(X, y)
        res.diagnostics.update(exist)
        if exist["n_unbounded"]:
            res.warn(NonIdentifiableWarning,
                     f"the maximum-likelihood estimate of N does not exist for model {res.model_name} on lists "
                     f"{', '.join(table.lists)}: the likelihood keeps rising as N grows (the lists do not overlap "
                     f"enough). It is reported as infinite. "
                     "Use fewer interaction terms, fewer lists or another method.")
            res.diagnostics["estimate_where_fit_stopped"] = res.estimate
            res.estimate = math.inf
            res.diagnostics["identifiable"] = False
        elif exist["n_collapses"]:
            res.warn(NonIdentifiableWarning,
                     f"for model {res.model_name} the likelihood is highest with no unseen persons at the boundary; "
                     "the estimate of N is not identifiable from this table.")
            res.diagnostics["identifiable"] = False
        elif not exist["mle_exists"]:
            res.warn(SparseTableWarning,
                     f"the model {res.model_name} fits some cells as exactly zero (the MLE is on the boundary "
                     "because of empty cells); N is finite but its standard error and interval are unreliable.")
            res.diagnostics["identifiable"] = True
        else:
            res.diagnostics["identifiable"] = True
        if not fit.converged[0]:
            res.warn(ConvergenceWarning, f"IRLS did not converge in {fit.iterations} iterations for model {res.model_name}.")
        if n < 50 or (y == 0).mean() > 0.5:
            res.warn(SparseTableWarning,
                     f"small or sparse table: {n} persons observed, {int((y == 0).sum())} of {len(y)} cells empty; "
                     "treat the estimate and its interval with caution.")
        if math.isfinite(res.estimate) and res.estimate > 20 * n:
            res.warn(NonIdentifiableWarning,
                     f"the estimate {res.estimate:,.0f} is more than 20 times the {n:,} observed: "
                     "the lists barely overlap and the model is extrapolating far.")


def chao_lower_bound(table: PatternTable) -> float:
    """Chao's (1987) moment lower bound n + f1^2 / (2 f2) (bias-corrected form when f2 = 0).

    f1, f2: persons seen on exactly one / two lists. A lower bound for N under heterogeneous but
    independent capture (model Mh); positive list dependence can push the truth below it.
    """
    f = table.capture_frequencies()
    f1 = float(f[0])
    f2 = float(f[1]) if len(f) > 1 else 0.0
    if f2 > 0:
        return table.observed + f1 * f1 / (2 * f2)
    return table.observed + f1 * (f1 - 1) / 2


def _rcapture_bias(X: np.ndarray, fit: PoissonFit) -> float | None:
    """Rcapture's asymptotic bias of N-hat (Louis-Paul Rivest's formula in closedp.fitone)."""
    try:
        mu = fit.mu[0]
        H = X.T @ (X * mu[:, None])
        inv = np.linalg.inv(H)
        xi = -0.5 * np.einsum("ij,jk,ik->i", X, inv, X)
        psi = -2 * X.T @ (mu * xi)
        psi[0] -= 1
        vec1 = -inv @ psi
        return float(0.5 * math.exp(fit.beta[0, 0]) * vec1[0])
    except (np.linalg.LinAlgError, OverflowError):
        return None


def fit_models(specs: Sequence[ModelSpec], y: np.ndarray, cache: DesignCache, lists: Sequence[str],
               n: int) -> tuple[pd.DataFrame, dict[int, PoissonFit]]:
    """Fit many models at once (batched by size); return the model table (one row per spec)."""
    m = len(specs)
    est = np.full(m, np.nan)
    se = np.full(m, np.nan)
    dev = np.full(m, np.nan)
    ll = np.full(m, np.nan)
    npar = np.zeros(m, dtype=int)
    conv = np.zeros(m, dtype=bool)
    by_size: dict[int, list[int]] = {}
    for i, s in enumerate(specs):
        npar[i] = s.n_params
        by_size.setdefault(s.n_params, []).append(i)
    fits: dict[int, PoissonFit] = {}
    for p, idx in by_size.items():
        if p > len(y):
            continue
        for start in range(0, len(idx), 2000):
            chunk = idx[start:start + 2000]
            chao = [i for i in chunk if specs[i].heterogeneity == "chao"]
            chunk = [i for i in chunk if specs[i].heterogeneity != "chao"]
            for i in chao:
                Xc, fc, _ = _chao_drop_negative(cache.matrix(specs[i]), y, cache.k)
                f0c = math.exp(min(fc.beta[0, 0], 700))
                est[i], se[i] = n + f0c, math.sqrt(f0c + f0c**2 * fc.cov00[0]) if fc.cov00[0] >= 0 else math.nan
                dev[i], ll[i], conv[i], npar[i] = fc.deviance[0], fc.loglik[0], fc.converged[0], Xc.shape[1]
            if not chunk:
                continue
            chunk_specs = [specs[i] for i in chunk]
            if all(sp.main_effects and sp.heterogeneity is None for sp in chunk_specs):
                mains = [1 << (cache.k - 1 - j) for j in range(cache.k)]
                masks = np.array([[0, *mains, *sp.terms] for sp in chunk_specs], dtype=np.int64)
                fit = fit_hierarchical_batch(masks, y, cache.k)
            else:
                fit = fit_poisson(cache.batch(chunk_specs), y)
            b0 = fit.beta[:, 0]
            with np.errstate(over="ignore", invalid="ignore"):
                f0 = np.exp(np.minimum(b0, 700))
                est[chunk] = n + f0
                se[chunk] = np.sqrt(f0 + f0**2 * fit.cov00)
            dev[chunk] = fit.deviance
            ll[chunk] = fit.loglik
            conv[chunk] = fit.converged
    aic = -2 * ll + 2 * npar
    bic = -2 * ll + math.log(max(n, 1)) * npar
    gens = [s.generators() for s in specs]
    frame = pd.DataFrame({
        "model": [s.name(lists, g) for s, g in zip(specs, gens)],
        "formula": [s.formula(lists, g) for s, g in zip(specs, gens)],
        "n_params": npar,
        "estimate": est,
        "std_error": se,
        "deviance": dev,
        "df": len(y) - npar,
        "aic": aic,
        "bic": bic,
        "converged": conv,
    })
    return frame, fits
