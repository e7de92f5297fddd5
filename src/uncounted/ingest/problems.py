"""Problems of an import counted by kind: the same problem with the same value, however many rows have it."""

from __future__ import annotations

from typing import Any

from uncounted.errors import ImportProblem

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class ProblemGroups:
    """Problems counted by (severity, file, column, value, expected), with their first rows."""

    LIMIT = 5000

    def __init__(self) -> None:
        self.groups: dict[tuple[Any, ...], list[Any]] = {}
        self.overflow = 0

    def add(self, problem: ImportProblem) -> None:
        value = problem.value if problem.value is None or len(problem.value) <= 200 else problem.value[:200]
        key = (problem.severity, problem.file, problem.column, value, problem.expected)
        group = self.groups.get(key)
        if group is None:
            if len(self.groups) >= self.LIMIT:
                self.overflow += 1
                return
            group = self.groups[key] = [0, [], problem]
        group[0] += 1
        if len(group[1]) < 5 and problem.row is not None:
            group[1].append(problem.row)

    def merge_from(self, other: "ProblemGroups") -> None:
        """The groups counted elsewhere (a worker's chunk, later rows), as if their problems had been
        added here in turn."""
        for key, (count, rows, first) in other.groups.items():
            group = self.groups.get(key)
            if group is None:
                if len(self.groups) >= self.LIMIT:
                    self.overflow += count
                    continue
                group = self.groups[key] = [0, [], first]
            group[0] += count
            if len(group[1]) < 5:
                group[1].extend(rows[:5 - len(group[1])])
        self.overflow += other.overflow

    def summary(self) -> list[dict[str, Any]]:
        out = []
        for (severity, file, column, _value, expected), (count, rows, first) in sorted(
                self.groups.items(), key=lambda kv: (SEVERITY_ORDER.get(kv[0][0], 3), -kv[1][0])):
            where = f"{count:,} rows" if count > 1 else "1 row"
            if rows:
                where += " (row" + ("s " if len(rows) > 1 else " ") + ", ".join(map(str, rows)) + (
                    ", ..." if count > len(rows) else "") + ")"
            shown = str(ImportProblem(file, None, column, first.value, expected, severity))
            out.append({"severity": severity, "file": file, "column": column, "value": first.value,
                        "expected": expected, "count": count, "rows": rows,
                        "message": f"{severity}: {where}: {shown}"})
        return out
