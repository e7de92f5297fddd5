"""The one contract every population-size estimator follows.

An estimator is configured once and fitted on a table of capture-pattern counts::

    est = get_estimator("loglinear", criterion="bic", order=2)   # keyword-only settings, checked here
    res = est.fit(patterns)                                      # a PatternTable -> an EstimateResult
    res.estimate, res.interval(0.95), res.diagnostics, res.summary(), res.to_dict()

Writing a new estimator:

* subclass :class:`Estimator`, set ``name`` (the ``--method`` word), write ``__init__(self, *, ...)``
  with keyword-only settings that are stored and checked there (raise ``ValueError`` naming the
  setting, the value and the allowed range), and ``fit(self, patterns) -> EstimateResult``;
* the class registers itself in :data:`ESTIMATORS` when its module is imported, and
  :func:`get_estimator` imports ``uncounted.estimate.<name>`` on demand;
* frequentist estimators return an :class:`EstimateResult` subclass that overrides
  ``_interval_at(level)``; Bayesian ones pass ``draws`` (posterior draws of N) and the interval is
  the equal-tailed posterior quantile interval;
* numerical trouble raises :class:`uncounted.errors.EstimationError` (nothing usable) or warns with
  one of the warning classes below (usable but to be read with care); use :meth:`EstimateResult.warn`
  so the warning is both raised and kept in the result (``--json`` shows it).
"""

from __future__ import annotations

import importlib
import inspect
import json
import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from uncounted.errors import EstimationError

if TYPE_CHECKING:
    from uncounted.estimate.patterns import PatternTable

__all__ = [
    "UncountedWarning",
    "SparseTableWarning",
    "ConvergenceWarning",
    "NonIdentifiableWarning",
    "CapWarning",
    "StructuralZeroWarning",
    "EstimationError",
    "EstimateResult",
    "Estimator",
    "ESTIMATORS",
    "get_estimator",
    "available_estimators",
    "check_level",
    "json_safe",
]


# --------------------------------------------------------------------------- warnings
class UncountedWarning(UserWarning):
    """Base of every warning uncounted's estimators raise (filter on this one class)."""


class SparseTableWarning(UncountedWarning):
    """The table (or a stratum) is small or has many empty cells: the estimate is fragile."""


class ConvergenceWarning(UncountedWarning):
    """A fit or a Markov chain did not converge; the numbers may be wrong."""


class NonIdentifiableWarning(UncountedWarning):
    """The data cannot pin the estimate down (no overlap, an infinite or non-existent MLE)."""


class CapWarning(UncountedWarning):
    """Posterior mass piles up at the upper cap on N: the cap, not the data, sets the upper tail."""


class StructuralZeroWarning(UncountedWarning):
    """A list that cannot capture a stratum was left out of that stratum's model."""


# --------------------------------------------------------------------------- helpers
def check_level(level: float) -> float:
    """Return ``level`` as a float if it is a valid interval level in (0, 1); else raise."""
    try:
        value = float(level)
    except (TypeError, ValueError):
        raise ValueError(f"level must be a number between 0 and 1, e.g. 0.95. Got {level!r}.") from None
    if not 0.0 < value < 1.0:
        raise ValueError(f"level must be strictly between 0 and 1, e.g. 0.95. Got {level!r}.")
    return value


def json_safe(value: Any) -> Any:
    """Turn numpy scalars/arrays, tuples, sets and non-finite floats into plain JSON values."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [json_safe(v) for v in items]
    if isinstance(value, np.ndarray):
        return [json_safe(v) for v in value.tolist()]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        v = float(value)
        return v if math.isfinite(v) else None
    if value is None or isinstance(value, str):
        return value
    return str(value)


# --------------------------------------------------------------------------- results
@dataclass
class EstimateResult:
    """What a fit returns: the estimate of N, its interval, diagnostics and a summary.

    Attributes
    ----------
    method : the estimator's name (``"chapman"``, ``"loglinear"``, ``"lcmcr"``, ...).
    estimate : the point estimate of the population size N (for Bayesian methods the posterior
        median).
    observed : the number of distinct persons on at least one list (the documented count).
    lists : the lists the model used, in order.
    level : the default interval level (used by ``to_dict`` and ``summary``).
    std_error : the standard error of the estimate, when the method has one.
    diagnostics : method-specific numbers (model formula, deviance, AIC, chain R-hat, ...);
        JSON-safe after :func:`json_safe`.
    settings : the estimator's settings, so a run can be repeated exactly.
    draws : posterior draws of N (Bayesian methods only), else ``None``.
    warnings : messages of the warnings raised during the fit (also raised as Python warnings).
    data_hash : ``PatternTable.data_hash()`` of the table that was fitted.
    """

    method: str
    estimate: float
    observed: int
    lists: tuple[str, ...] = ()
    level: float = 0.95
    std_error: float | None = None
    diagnostics: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    draws: np.ndarray | None = None
    warnings: list[str] = field(default_factory=list)
    data_hash: str | None = None

    # -- intervals -------------------------------------------------------------------
    def interval(self, level: float | None = None) -> tuple[float, float]:
        """The ``level`` interval for N as ``(lo, hi)``; ``level`` defaults to ``self.level``.

        Bayesian results give the equal-tailed posterior interval of ``draws``; frequentist
        results give their method's interval (see each estimator's documentation).
        """
        lv = check_level(self.level if level is None else level)
        if self.draws is not None:
            d = np.asarray(self.draws, dtype=float)
            if d.size == 0:
                raise EstimationError(f"{self.method}: the result has no posterior draws; refit with more samples.")
            lo, hi = np.quantile(d, [(1 - lv) / 2, 1 - (1 - lv) / 2])
            return float(lo), float(hi)
        return self._interval_at(lv)

    def _interval_at(self, level: float) -> tuple[float, float]:
        """Frequentist interval at ``level``; subclasses override. Default: log-normal from SE."""
        return lognormal_interval(self.estimate, self.std_error, self.observed, level)

    # -- warnings --------------------------------------------------------------------
    def warn(self, category: type[UncountedWarning], message: str, stacklevel: int = 3) -> None:
        """Raise ``message`` as a ``category`` warning and keep it in ``self.warnings``."""
        text = f"{category.__name__}: {message}"
        if text not in self.warnings:
            self.warnings.append(text)
        warnings.warn(message, category, stacklevel=stacklevel)

    # -- output ----------------------------------------------------------------------
    def to_dict(self, level: float | None = None) -> dict[str, Any]:
        """A JSON-safe dict: method, estimate, interval, level, observed, lists, std_error,
        diagnostics, settings, warnings, data_hash (and a few posterior quantiles for draws)."""
        lv = check_level(self.level if level is None else level)
        try:
            lo, hi = self.interval(lv)
            interval: list[float | None] = [lo, hi]
        except EstimationError as exc:
            interval = [None, None]
            self.warnings.append(f"interval not available: {exc}")
        out: dict[str, Any] = {
            "method": self.method,
            "estimate": self.estimate,
            "interval": interval,
            "level": lv,
            "observed": self.observed,
            "lists": list(self.lists),
            "std_error": self.std_error,
            "diagnostics": self.diagnostics,
            "settings": self.settings,
            "warnings": list(self.warnings),
            "data_hash": self.data_hash,
        }
        if self.draws is not None and len(self.draws):
            d = np.asarray(self.draws, dtype=float)
            out["posterior"] = {
                "n_draws": int(d.size),
                "mean": float(d.mean()),
                "median": float(np.median(d)),
                "quantiles": {str(q): float(np.quantile(d, q)) for q in (0.025, 0.05, 0.25, 0.75, 0.95, 0.975)},
            }
        return json_safe(out)

    def to_json(self, level: float | None = None, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(level), **kwargs)

    def summary(self, level: float | None = None) -> str:
        """A short readable report of the fit."""
        lv = check_level(self.level if level is None else level)
        try:
            lo, hi = self.interval(lv)
            iv = f"{_fmt(lo)} to {_fmt(hi)}"
        except EstimationError as exc:
            iv = f"not available ({exc})"
        lines = [
            f"Method: {self.method}",
            f"Lists: {', '.join(self.lists)}" if self.lists else "Lists: -",
            f"Observed (documented) count: {self.observed:,}",
            f"Estimated total N: {_fmt(self.estimate)}" + (f" (SE {_fmt(self.std_error)})" if self.std_error else ""),
            f"{lv:.0%} interval: {iv}",
        ]
        lines += self._summary_extra()
        for w in self.warnings:
            lines.append(f"WARNING {w}")
        return "\n".join(lines)

    def _summary_extra(self) -> list[str]:
        """Extra summary lines; subclasses override."""
        return []

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(method={self.method!r}, estimate={self.estimate:.6g}, "
            f"observed={self.observed}, lists={self.lists!r})"
        )


def lognormal_interval(
    estimate: float, std_error: float | None, observed: int, level: float
) -> tuple[float, float]:
    """Chao's (1987) log-normal interval for N, bounded below by the observed count.

    The unseen part f0 = N - n is taken as log-normal: lo = n + f0/C, hi = n + f0*C with
    C = exp(z * sqrt(log(1 + SE^2 / f0^2))).
    """
    if std_error is None or not math.isfinite(std_error) or not math.isfinite(estimate):
        raise EstimationError("no standard error is available for an interval; the estimate is not identifiable.")
    from scipy.stats import norm

    f0 = estimate - observed
    if f0 <= 0:
        return float(observed), float(observed)
    z = norm.ppf(1 - (1 - level) / 2)
    c = math.exp(z * math.sqrt(math.log(1 + (std_error / f0) ** 2)))
    return observed + f0 / c, observed + f0 * c


def _fmt(x: float | None) -> str:
    if x is None or not math.isfinite(x):
        return "n/a"
    return f"{x:,.1f}" if abs(x) < 1e5 else f"{x:,.0f}"


# --------------------------------------------------------------------------- estimators
ESTIMATORS: dict[str, type[Estimator]] = {}


class Estimator:
    """Base class: keyword-only settings checked in ``__init__``; ``fit`` returns a result.

    Subclasses set ``name`` and are registered in :data:`ESTIMATORS` automatically.
    """

    name: ClassVar[str] = ""
    #: True for methods whose results carry posterior ``draws``.
    bayesian: ClassVar[bool] = False
    #: the smallest and largest number of lists the method accepts.
    min_lists: ClassVar[int] = 2
    max_lists: ClassVar[int | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name:
            ESTIMATORS[cls.name] = cls

    def get_params(self) -> dict[str, Any]:
        """The settings as given to ``__init__`` (read from its signature, scikit-learn style)."""
        sig = inspect.signature(type(self).__init__)
        return {
            p.name: getattr(self, p.name)
            for p in sig.parameters.values()
            if p.name != "self" and p.kind is p.KEYWORD_ONLY
        }

    def fit(self, patterns: PatternTable) -> EstimateResult:  # pragma: no cover - abstract
        raise NotImplementedError

    def _check_table(self, patterns: Any) -> PatternTable:
        """Accept a PatternTable or a DataFrame in the shared-data format; check the list count."""
        from uncounted.estimate.patterns import PatternTable

        table = patterns if isinstance(patterns, PatternTable) else PatternTable.from_frame(patterns)
        k = len(table.lists)
        if k < self.min_lists or (self.max_lists is not None and k > self.max_lists):
            wanted = f"{self.min_lists}" + ("" if self.max_lists == self.min_lists else f" to {self.max_lists or 'any'}")
            raise EstimationError(
                f"{self.name} needs {wanted} lists; the table has {k} ({', '.join(table.lists)}). "
                "Choose lists with --lists or use another --method."
            )
        if table.observed == 0:
            raise EstimationError(f"{self.name}: the table is empty (no one observed on any list {table.lists}).")
        return table

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"


def available_estimators() -> list[str]:
    """Names of the estimators that can be imported (tries the known modules first)."""
    for mod in ("chapman", "loglinear", "lcmcr", "dga"):
        _try_import(mod)
    return sorted(ESTIMATORS)


def get_estimator(name: str, **settings: Any) -> Estimator:
    """Build the estimator registered as ``name`` with the given keyword settings."""
    key = name.strip().lower()
    if key not in ESTIMATORS:
        _try_import(key)
    if key not in ESTIMATORS:
        raise EstimationError(
            f"unknown estimation method {name!r}; available: {', '.join(available_estimators()) or 'none'}."
        )
    return ESTIMATORS[key](**settings)


def _try_import(module: str) -> None:
    if not module.isidentifier():
        return
    try:
        importlib.import_module(f"uncounted.estimate.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"uncounted.estimate.{module}":
            raise
