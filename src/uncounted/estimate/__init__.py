"""Multiple systems estimation (capture-recapture): pattern tables, estimators, strata.

Public API::

    from uncounted.estimate import PatternTable, get_estimator
    table = PatternTable.from_csv("kosovo_aggregate_patterns.csv")
    result = get_estimator("loglinear", criterion="bic").fit(table)
    result.estimate, result.interval(0.95), print(result.summary())
"""

from __future__ import annotations

from uncounted.estimate.base import (
    ESTIMATORS,
    CapWarning,
    ConvergenceWarning,
    EstimateResult,
    EstimationError,
    Estimator,
    NonIdentifiableWarning,
    SparseTableWarning,
    StructuralZeroWarning,
    UncountedWarning,
    available_estimators,
    get_estimator,
)
from uncounted.estimate.patterns import PatternTable

# Importing the estimator modules registers them in ESTIMATORS (lcmcr registers itself when
# get_estimator("lcmcr") or available_estimators() first asks for it).
from uncounted.estimate.chapman import Chapman  # noqa: E402
from uncounted.estimate.loglinear import LogLinear  # noqa: E402
from uncounted.estimate.histories import capture_histories  # noqa: E402
from uncounted.estimate.strata import StratifiedResult, estimate_from_memberships, estimate_strata  # noqa: E402

__all__ = [
    "Chapman",
    "LogLinear",
    "StratifiedResult",
    "capture_histories",
    "estimate_from_memberships",
    "estimate_strata",
    "ESTIMATORS",
    "CapWarning",
    "ConvergenceWarning",
    "EstimateResult",
    "EstimationError",
    "Estimator",
    "NonIdentifiableWarning",
    "PatternTable",
    "SparseTableWarning",
    "StructuralZeroWarning",
    "UncountedWarning",
    "available_estimators",
    "get_estimator",
]
