"""Truth files for lists without ids: record_id "row:N" names a report by its spreadsheet row."""

from __future__ import annotations

from uncounted.link.stored import _truth_keys


def test_record_ids_and_row_numbers_both_name_reports() -> None:
    rows = [("families", "F-1", 2, "k1", 1), ("press", None, 2, "k2", 1), ("press", "", 3, "k3", 2)]
    keys = _truth_keys(rows)
    assert keys[("families", "F-1")] == "k1"
    assert keys[("press", "row:2")] == "k2" and keys[("press", "row:3")] == "k3"
    assert keys[("families", "row:2")] == "k1"


def test_a_row_number_two_files_of_one_source_share_is_ambiguous_and_left_out() -> None:
    rows = [("press", None, 5, "a", 1), ("press", None, 5, "b", 2), ("press", None, 6, "c", 3)]
    keys = _truth_keys(rows)
    assert ("press", "row:5") not in keys and keys[("press", "row:6")] == "c"
