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

__all__ = [
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
