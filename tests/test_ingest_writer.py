"""The report writer's fast path for first versions stores exactly what the general path stores.

On SQLite, first versions of reports are inserted with the constant columns (version, source,
document, sheet, creation time, actor) written into the statement instead of bound per row. An
actor name with a quote checks the quoting. All data is SYNTHETIC.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from uncounted.ingest import import_file, store
from uncounted.ingest.store import REPORT_COLUMNS

DATA = Path(__file__).parent / "data" / "ingest"
DIFFERENT_BY_DESIGN = {"id", "report_key", "source_id", "document_id"}


def stored_with_types(ws: Any, document_id: int) -> list[tuple[Any, ...]]:
    """Every column of the document's reports with SQLite's storage class of each value."""
    columns = [c for c in REPORT_COLUMNS if c not in DIFFERENT_BY_DESIGN]
    select = ", ".join(f"{c}, typeof({c})" for c in columns)
    with ws.session() as session:
        return [tuple(r) for r in session.execute(
            text(f"SELECT {select} FROM reports WHERE document_id = :d ORDER BY id"), {"d": document_id})]


@pytest.mark.parametrize("name", ["families_titled.csv", "hxl_list.csv", "broken.csv"])
def test_first_versions_are_stored_as_by_bound_parameters(sqlite_workspace, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    path = tmp_path / name
    shutil.copy(DATA / name, path)
    sqlite_workspace.settings["user"] = "O'Brien \"reviewer\""
    fast = import_file(sqlite_workspace, path, source="fast (SYNTHETIC)", progress=False)
    with monkeypatch.context() as patch:
        patch.setattr(store.ReportWriter, "use_first_versions", lambda self, **kwargs: False)
        slow = import_file(sqlite_workspace, path, source="bound (SYNTHETIC)", progress=False)
    assert fast.imported == slow.imported > 0
    fast_rows = stored_with_types(sqlite_workspace, fast.document_id)
    slow_rows = stored_with_types(sqlite_workspace, slow.document_id)
    columns = [c for c in REPORT_COLUMNS if c not in DIFFERENT_BY_DESIGN]
    at = columns.index("created_at") * 2
    # the creation time is each import's own: compare its form and storage class, and the rest whole
    assert len({r[at] for r in fast_rows}) == 1
    assert {(len(r[at]), r[at][-6:], r[at + 1]) for r in fast_rows} == {(len(r[at]), r[at][-6:], r[at + 1])
                                                                        for r in slow_rows}
    assert [r[:at] + r[at + 1:] for r in fast_rows] == [r[:at] + r[at + 1:] for r in slow_rows]
    assert {r[columns.index("created_by") * 2] for r in fast_rows} == {"O'Brien \"reviewer\""}


def test_versions_and_first_versions_keep_the_row_order(sqlite_workspace, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    lines = ["S.No,Name of Victim,Date of Incident"] + [f"{i},Person {i},{i}/07/1993" for i in range(1, 30)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_file(sqlite_workspace, path, source="Order (SYNTHETIC)", progress=False)
    lines[3] = "3,Person Three,3/07/1993"
    lines.insert(10, "100,Person 100,1/08/1993")
    lines[20] = "19,Person Nineteen,19/07/1993"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    second = import_file(sqlite_workspace, path, source="Order (SYNTHETIC)", progress=False)
    assert (second.changed, second.added) == (2, 1)
    with sqlite_workspace.session() as session:
        rows = session.execute(text("SELECT row_number, version FROM reports WHERE document_id = :d ORDER BY id"),
                               {"d": second.document_id}).all()
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)  # ids follow the rows, whatever their kind
    assert sorted(r[1] for r in rows) == [1, 2, 2]
