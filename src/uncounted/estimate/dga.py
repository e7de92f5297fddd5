"""DGA: Bayesian model averaging over decomposable graphical models (Madigan & York 1997).

Lists may depend on each other (one agency passes cases to another). DGA describes each
possible dependence structure as a decomposable graph on the lists (an edge = two lists depend
on each other), gives each graph a hyper-Dirichlet prior on the cell probabilities, and averages
over all graphs and over every possible number of unobserved people. Nothing is sampled: the
posterior of N is computed exactly on a grid of values, as in the R package dga (2.0.2,
``bma.cr``), whose formulas this follows.

    res = get_estimator("dga", delta=0.5).fit(table)
    res.estimate, res.interval(0.95), res.diagnostics["top_models"]

The marginal likelihood of a decomposable graph factorises over its cliques C and separators S:
each term is a Dirichlet–multinomial integral over the marginal table of those lists, with prior
weight delta × 2^(J − |C|) per marginal cell so the priors are compatible (hyper-Dirichlet).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np
from scipy.special import gammaln, logsumexp

from uncounted.estimate.base import CapWarning, EstimateResult, Estimator
from uncounted.estimate.patterns import PatternTable

__all__ = ["DGA", "DGAResult", "decomposable_graphs"]

_PRIORS = ("1/N", "uniform", "negbin")


# --------------------------------------------------------------------------- graphs
@dataclass(frozen=True)
class Graph:
    """A decomposable graph: its cliques and (non-empty) separators, as tuples of list indices."""

    edges: tuple[tuple[int, int], ...]
    cliques: tuple[tuple[int, ...], ...]
    separators: tuple[tuple[int, ...], ...]

    def label(self, names: tuple[str, ...]) -> str:
        """E.g. ``[A B][B C]``: the cliques, by list name."""
        return "".join("[" + " ".join(names[i] for i in c) + "]" for c in self.cliques)


def _is_chordal(p: int, adj: list[set[int]]) -> bool:
    """True when vertices can be removed one by one, each with mutually adjacent neighbours."""
    left = set(range(p))
    while left:
        for v in sorted(left):
            nb = adj[v] & left
            if all(b in adj[a] for a, b in itertools.combinations(nb, 2)):
                left.remove(v)
                break
        else:
            return False
    return True


def _maximal_cliques(p: int, adj: list[set[int]]) -> list[tuple[int, ...]]:
    cliques: list[tuple[int, ...]] = []
    for size in range(p, 0, -1):
        for subset in itertools.combinations(range(p), size):
            if all(b in adj[a] for a, b in itertools.combinations(subset, 2)) and not any(
                set(subset) <= set(c) for c in cliques
            ):
                cliques.append(subset)
    return sorted(cliques)


def _separators(cliques: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
    """Separators of a junction tree: a maximum-weight spanning tree of the clique graph
    (weights = sizes of intersections, Kruskal); empty intersections are dropped."""
    pairs = sorted(
        ((len(set(a) & set(b)), i, j) for (i, a), (j, b) in itertools.combinations(enumerate(cliques), 2)),
        key=lambda t: -t[0],
    )
    parent = list(range(len(cliques)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    seps = []
    for w, i, j in pairs:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[ri] = rj
            if w > 0:
                seps.append(tuple(sorted(set(cliques[i]) & set(cliques[j]))))
    return sorted(seps)


@lru_cache(maxsize=8)
def decomposable_graphs(p: int) -> tuple[Graph, ...]:
    """Every decomposable (chordal) graph on ``p`` lists: 8, 61 and 822 for p = 3, 4, 5."""
    all_edges = list(itertools.combinations(range(p), 2))
    graphs = []
    for mask in range(1 << len(all_edges)):
        edges = tuple(e for i, e in enumerate(all_edges) if mask >> i & 1)
        adj: list[set[int]] = [set() for _ in range(p)]
        for a, b in edges:
            adj[a].add(b)
            adj[b].add(a)
        if _is_chordal(p, adj):
            cl = _maximal_cliques(p, adj)
            graphs.append(Graph(edges, tuple(cl), tuple(_separators(cl))))
    return tuple(graphs)


# --------------------------------------------------------------------------- result
@dataclass(repr=False)
class DGAResult(EstimateResult):
    """A DGA fit: the exact posterior of N on a grid.

    Extra attributes: ``N_values`` (the grid of N) and ``N_probs`` (posterior probabilities).
    """

    N_values: np.ndarray | None = None
    N_probs: np.ndarray | None = None

    def _interval_at(self, level: float) -> tuple[float, float]:
        a = (1 - level) / 2
        return float(_discrete_quantile(self.N_values, self.N_probs, a)), float(
            _discrete_quantile(self.N_values, self.N_probs, 1 - a)
        )

    def plot_data(self) -> dict[str, Any]:
        lo, hi = self.interval()
        return {"N": np.asarray(self.N_values).tolist(), "posterior": np.asarray(self.N_probs).tolist(),
                "estimate": self.estimate, "interval": [lo, hi], "observed": self.observed}

    def _summary_extra(self) -> list[str]:
        top = self.diagnostics["top_models"][:3]
        return [f"Posterior mean {self.diagnostics['posterior_mean']:,.1f}"] + [
            f"Model {m['graph']}: posterior probability {m['probability']:.3f}" for m in top
        ]


def _discrete_quantile(values: np.ndarray, probs: np.ndarray, q: float) -> float:
    """Smallest N whose posterior cumulative probability reaches q."""
    cdf = np.cumsum(probs)
    i = int(np.searchsorted(cdf, q - 1e-12, side="left"))
    return float(values[min(i, len(values) - 1)])


# --------------------------------------------------------------------------- estimator
class DGA(Estimator):
    """Bayesian model averaging over decomposable graphical models (Madigan & York 1997; R dga).

    Parameters (keyword-only)
    ----------
    delta : hyper-Dirichlet prior weight per cell of the full table (R dga's ``delta``; its
        README uses 0.5 for 5 lists, its 3-list example 1). Smaller values let the data speak
        more in sparse tables.
    prior : prior on N: ``"1/N"`` (dga's default), ``"uniform"``, or ``"negbin"`` (the
        negative-binomial prior of dga's example, with ``negbin_a`` and ``negbin_b``).
    n_missing_min, n_missing_max : the grid of unobserved counts (R: ``Nmissing``). The default
        maximum is 5 × n (at least 300); a warning says when the posterior reaches it.
    """

    name: ClassVar[str] = "dga"
    bayesian: ClassVar[bool] = True
    min_lists: ClassVar[int] = 3
    max_lists: ClassVar[int | None] = 5

    def __init__(
        self,
        *,
        delta: float = 0.5,
        prior: str = "1/N",
        negbin_a: float | None = None,
        negbin_b: float | None = None,
        n_missing_min: int = 0,
        n_missing_max: int | None = None,
    ) -> None:
        if not (isinstance(delta, (int, float)) and math.isfinite(delta) and delta > 0):
            raise ValueError(f"delta must be a positive number (e.g. 0.5 or 1). Got {delta!r}.")
        self.delta = float(delta)
        if prior not in _PRIORS:
            raise ValueError(f"prior must be one of {', '.join(_PRIORS)}. Got {prior!r}.")
        if prior == "negbin" and not (negbin_a and negbin_b and negbin_a > 0 and negbin_b > 0):
            raise ValueError(f"prior 'negbin' needs positive negbin_a and negbin_b. Got {negbin_a!r}, {negbin_b!r}.")
        self.prior = prior
        self.negbin_a = negbin_a
        self.negbin_b = negbin_b
        if isinstance(n_missing_min, bool) or not isinstance(n_missing_min, int) or n_missing_min < 0:
            raise ValueError(f"n_missing_min must be a non-negative integer. Got {n_missing_min!r}.")
        if n_missing_max is not None and (
            isinstance(n_missing_max, bool) or not isinstance(n_missing_max, int) or n_missing_max <= n_missing_min
        ):
            raise ValueError(f"n_missing_max must be an integer above n_missing_min ({n_missing_min}). Got {n_missing_max!r}.")
        self.n_missing_min = n_missing_min
        self.n_missing_max = n_missing_max

    def fit(self, patterns: PatternTable) -> DGAResult:
        table = self._check_table(patterns)
        p = len(table.lists)
        n = table.observed
        top = self.n_missing_max if self.n_missing_max is not None else max(300, 5 * n)
        n_missing = np.arange(self.n_missing_min, top + 1, dtype=float)
        graphs = decomposable_graphs(p)
        log_post = self._log_posterior(table, graphs, n_missing)  # graphs × grid
        log_norm = logsumexp(log_post)
        weights = np.exp(log_post - log_norm)
        probs_N = weights.sum(axis=0)
        model_probs = weights.sum(axis=1)
        values = n + n_missing
        order = np.argsort(-model_probs)
        result = DGAResult(
            method=self.name,
            estimate=_discrete_quantile(values, probs_N, 0.5),
            observed=n,
            lists=table.lists,
            diagnostics={
                "posterior_mean": float(np.sum(values * probs_N)),
                "posterior_sd": float(np.sqrt(np.sum(probs_N * (values - np.sum(values * probs_N)) ** 2))),
                "n_graphs": len(graphs),
                "grid": [float(values[0]), float(values[-1])],
                "mass_top_5pct_of_grid": float(probs_N[int(0.95 * len(probs_N)):].sum()),
                "top_models": [
                    {"graph": graphs[i].label(table.lists), "probability": float(model_probs[i])} for i in order[:10]
                ],
            },
            settings=self.get_params(),
            data_hash=table.data_hash(),
            N_values=values,
            N_probs=probs_N,
        )
        if result.diagnostics["mass_top_5pct_of_grid"] > 1e-3:
            result.warn(
                CapWarning,
                f"dga: {result.diagnostics['mass_top_5pct_of_grid']:.1%} of the posterior of N lies in the top 5% of "
                f"the grid (N up to {values[-1]:,.0f}); raise n_missing_max, or the data cannot bound N.",
            )
        return result

    def _log_posterior(self, table: PatternTable, graphs: tuple[Graph, ...], n_missing: np.ndarray) -> np.ndarray:
        """log p(graph, N | data) up to a constant, for every graph and grid value (R dga's bma.cr)."""
        p = len(table.lists)
        n = table.observed
        terms = {}
        for size in range(1, p + 1):
            for subset in itertools.combinations(range(p), size):
                terms[subset] = self._component_log_ml(table, subset, n_missing)
        cells = 2**p
        denominator = gammaln(cells * self.delta) - gammaln(n_missing + n + cells * self.delta)
        log_post = np.empty((len(graphs), len(n_missing)))
        for g, graph in enumerate(graphs):
            row = sum(terms[c] for c in graph.cliques)
            if graph.separators:
                row = row - sum(terms[s] for s in graph.separators)
            log_post[g] = row + (len(graph.cliques) - len(graph.separators)) * denominator
        multinomial = gammaln(n_missing + n + 1) - gammaln(table.counts + 1).sum() - gammaln(n_missing + 1)
        return log_post + multinomial + self._log_prior(n + n_missing)

    def _component_log_ml(self, table: PatternTable, subset: tuple[int, ...], n_missing: np.ndarray) -> np.ndarray:
        """Dirichlet–multinomial term of the marginal table over ``subset`` (dga's CompLogML)."""
        p = len(table.lists)
        d = self.delta * 2 ** (p - len(subset))
        sub = table.patterns[:, list(subset)].astype(np.int64)
        index = sub @ (1 << np.arange(len(subset)))
        marg = np.bincount(index, weights=table.counts, minlength=2 ** len(subset))
        return gammaln(n_missing + marg[0] + d) + gammaln(marg[1:] + d).sum() - len(marg) * gammaln(d)

    def _log_prior(self, N: np.ndarray) -> np.ndarray:
        if self.prior == "1/N":
            return -np.log(N)
        if self.prior == "uniform":
            return np.zeros_like(N)
        a, b = float(self.negbin_a), float(self.negbin_b)
        return N * np.log(b) - (N + a) * np.log1p(b) + gammaln(N + a) - gammaln(N + 1) - gammaln(a)
