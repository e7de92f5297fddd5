"""The import's speed-ups store exactly what the plain per-row normalisers store. All lists are SYNTHETIC.

The reference below is the import's normalisation as it was before the speed-ups: an age parsed
for every (age, event date) pair, and a name key computed from every whole name. The same files
go through both, and every stored field of every report must agree.
"""

from __future__ import annotations

import datetime as dt
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from ingest_helpers import simulated_list, stored
from uncounted.errors import ImportProblem
from uncounted.ingest import import_file, normal
from uncounted.ingest import importer
from uncounted.normalize import dates as dates_mod
from uncounted.normalize.errors import NormalizeError
from uncounted.records.models import Report

DATA = Path(__file__).parent / "data" / "ingest"


class ReferenceNormalisers(normal.Normalisers):
    """The normalisers as they were: birth years from the age parsed per (age, date), names keyed whole."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.birth_years_from_age = lru_cache(None)(self._reference_birth_years_from_age)

    def _reference_birth_years_from_age(self, text: str, date: tuple[dt.date, dt.date, str] | None
                                        ) -> tuple[int, int] | None | str:
        try:
            age = self._parse_age(text)
        except NormalizeError as exc:
            return f"an age in years, such as 34, 'about 30' or '30-35' ({exc})"
        if age is None or date is None:
            return None
        event = dates_mod.PartialDate(date[0], date[1], date[2], "")
        found = self._birth_year_range(age=age, event=event)
        return None if found is None else (int(found[0]), int(found[1]))

    def name(self, text: str) -> tuple[Any, ...] | None:
        return reference_name_parts(text)

    def name_and_sex(self, text: str) -> tuple[tuple[Any, ...] | None, str | None, str | None]:
        from uncounted.normalize.names import parse_name, sex_evidence, sex_from_name

        parsed = parse_name(text)
        sex = sex_from_name(parsed)
        return reference_name_parts(text), sex, sex_evidence(parsed) if sex else None


def reference_name_parts(text: str) -> tuple[Any, ...] | None:
    from uncounted.normalize.namekey import name_key
    from uncounted.normalize.names import parse_name

    folded = text.casefold()
    if folded in dates_mod.EMPTY_MARKERS or folded in normal.UNNAMED:
        return None
    try:
        parsed = parse_name(text)
    except NormalizeError:
        return None
    if parsed.unidentified:  # "Unknown male": no name
        return None
    return (" ".join(parsed.honorifics) if parsed.honorifics else None, " ".join(parsed.given) if parsed.given else None,
            parsed.family or None, parsed.relation or None, parsed.relative_name or None, name_key(text) or None)


def import_both_ways(ws: Any, path: Path, monkeypatch: pytest.MonkeyPatch, **options: Any
                     ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[ImportProblem], list[ImportProblem]]:
    fast = import_file(ws, path, source="fast (SYNTHETIC)", progress=False, rejects_path=path.with_suffix(".f.csv"),
                       **options)
    with monkeypatch.context() as patch:
        patch.setattr(importer, "Normalisers", ReferenceNormalisers)
        slow = import_file(ws, path, source="reference (SYNTHETIC)", progress=False,
                           rejects_path=path.with_suffix(".r.csv"), **options)
    assert (fast.imported, fast.rejected, fast.problem_counts) == (slow.imported, slow.rejected, slow.problem_counts)
    return stored(ws, fast.document_id), stored(ws, slow.document_id), fast.problems, slow.problems


def test_simulated_list_is_stored_exactly_as_by_the_reference(workspace, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = simulated_list(tmp_path, 1500, seed=11)
    fast, slow, fast_problems, slow_problems = import_both_ways(workspace, path, monkeypatch)
    assert len(fast) == 1500
    assert fast == slow
    assert fast_problems == slow_problems
    assert sum(r["name_key"] is not None for r in fast) > 1400  # names were parsed, not skipped
    assert sum(r["birth_year_min"] is not None for r in fast) > 700  # birth years came from the ages


@pytest.mark.parametrize("name, options", [
    ("families_titled.csv", {}), ("morgue.csv", {"mapping": DATA / "morgue_mapping.toml"}), ("hxl_list.csv", {}),
    ("press.jsonl", {}), ("broken.csv", {}),
])
def test_messy_fixtures_are_stored_exactly_as_by_the_reference(workspace, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch, name: str,
                                                               options: dict[str, Any]) -> None:
    path = tmp_path / name
    shutil.copy(DATA / name, path)
    fast, slow, fast_problems, slow_problems = import_both_ways(workspace, path, monkeypatch, **options)
    assert fast and fast == slow
    assert fast_problems == slow_problems


def test_ages_with_and_without_dates_give_the_reference_birth_years() -> None:
    fast, reference = normal.Normalisers(), ReferenceNormalisers()
    dates = [None, reference.date("14/10/1992"), reference.date("1992"), reference.date("06/1992"),
             reference.date("1990-1993")]
    for age in ("34", "about 30", "30-35", "30s", "6 months", "infant", "unknown", "", "abc", "200", "35yrs"):
        for date in dates:
            assert fast.birth_years_from_age(age, date) == reference.birth_years_from_age(age, date), (age, date)


def test_report_creation_time_is_stored_as_sqlite_wrote_it_before(sqlite_workspace, tmp_path: Path) -> None:
    path = tmp_path / "families_titled.csv"
    shutil.copy(DATA / "families_titled.csv", path)
    import_file(sqlite_workspace, path, source="Times (SYNTHETIC)", progress=False)
    with sqlite_workspace.session() as session:
        texts = {t for (t,) in session.execute(text("SELECT created_at FROM reports"))}
        assert len(texts) == 1
        written = texts.pop()
        assert isinstance(written, str) and written.endswith("+00:00")
        assert dt.datetime.fromisoformat(written).isoformat(" ") == written  # sqlite3's own adapter format
        report = session.execute(select(Report).limit(1)).scalar_one()
        assert report.created_at.replace(tzinfo=dt.timezone.utc) == dt.datetime.fromisoformat(written)


@pytest.mark.parametrize("raw", [
    {"Name": "Ali S/O Akbar", "Age": "34", "Remarks": "SYNTHETIC"},
    {"a": "x\x00\x1f\x7f\u2028\u2029\"\\/\t\n\r\b\f é 🙂 ظہیر احمد ۱۹۹۲", "": "", "key \"q\"": "v"},
    {"n": 1, "f": 1e16, "l": [1, "two", None], "d": {"x": True}, "big": 2**70},  # JSON Lines values
    {"lone": "\ud800 surrogate"},
])
def test_raw_json_is_the_standard_encoders_text(raw: dict[str, Any]) -> None:
    import json

    from uncounted.ingest.store import canonical_raw

    assert canonical_raw(raw) == json.dumps(raw, ensure_ascii=False, separators=(",", ":"))


def test_report_keys_of_a_sheet_are_the_report_key_of_each_row() -> None:
    from uncounted.ingest.store import report_key, report_keys

    for sheet in (None, "Sheet 2", "ظہیر"):
        key_of = report_keys("Families (SYNTHETIC)", "list.csv", sheet)
        for record_id, row in ((None, 2), ("", 3), ("K-17", 4), ("١٢", 5), ("a\x1fb", 6)):
            assert key_of(record_id, row) == report_key("Families (SYNTHETIC)", "list.csv", sheet, record_id, row)
