"""The exception tree of uncounted.

UncountedError
  ├── WorkspaceError        a workspace is missing, broken or mis-configured
  ├── ImportFailed          an import was rejected; carries ImportProblem items
  ├── LinkageError          linkage could not run or its inputs are unusable
  ├── EstimationError       an estimator cannot be fitted on this table
  └── ClaimsError           text could not be read or evaluated

Warnings that estimators raise live in ``uncounted.estimate.base``.
"""

from __future__ import annotations

from dataclasses import dataclass


class UncountedError(Exception):
    """Base class of every error uncounted raises on purpose."""


class WorkspaceError(UncountedError):
    pass


class LinkageError(UncountedError):
    pass


class EstimationError(UncountedError):
    pass


class ClaimsError(UncountedError):
    pass


@dataclass(frozen=True)
class ImportProblem:
    """One problem found in an input file, named precisely enough to fix it."""

    file: str
    row: int | None  # 1-based data row as a spreadsheet user counts it (header = row 1)
    column: str | None
    value: str | None
    expected: str
    severity: str = "error"  # "error" rejects the row; "warning" keeps it

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        shown = "" if self.value is None else f": got {_short(self.value)!r}"
        return f"{where}{shown}; expected {self.expected}"


class ImportFailed(UncountedError):
    def __init__(self, message: str, problems: list[ImportProblem] | None = None):
        super().__init__(message)
        self.problems = problems or []


def _short(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[:limit] + f"… ({len(value)} characters)"
