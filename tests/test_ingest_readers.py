"""Reading files as tables: encodings, delimiters, header rows, HXL, XLSX sheets, JSON Lines. SYNTHETIC data."""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import pytest

from uncounted.errors import ImportFailed
from uncounted.ingest.readers import column_letter, read_table, sniff_delimiter, unique_headers

DATA = Path(__file__).parent / "data" / "ingest"
TEXT = ("S.No,Name of Victim,Father's Name,Date of Incident,Area\n"
        "1,Zubaida Bibi,Aslam,14/10/1992,Lyari\n"
        "2,Ghulam Mustafa Café,Naeem,June 1995,Orangi Town\n"
        "3,ظہیر احمد,Naeem,۱۴-۱۰-۹۲,Baldia\n")


def rows_of(table) -> list[tuple[int, list[str]]]:
    return list(table.rows)


@pytest.mark.parametrize("encoding, prefix", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-16-le", b""), ("utf-16-be", b""),
])
def test_unicode_encodings_read_back_exactly(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(prefix + TEXT.encode(encoding))
    [table] = read_table(path)
    assert table.headers == ["S.No", "Name of Victim", "Father's Name", "Date of Incident", "Area"]
    rows = rows_of(table)
    assert [r[0] for r in rows] == [2, 3, 4]
    assert rows[1][1][1] == "Ghulam Mustafa Café"
    assert rows[2][1][1] == "ظہیر احمد"
    without_bom = not prefix and encoding.startswith("utf-16")
    assert any("byte-order mark" in p.expected for p in table.problems) == without_bom


def test_windows_1252_is_read_with_a_warning_and_without_mojibake(tmp_path: Path) -> None:
    text = "S.No,Name of Victim,Area\n1,José Ñúñez,Lyari\n2,Zoë,Baldia\n"
    path = tmp_path / "legacy.csv"
    path.write_bytes(text.encode("cp1252"))
    [table] = read_table(path)
    rows = rows_of(table)
    assert rows[0][1][1] == "José Ñúñez" and rows[1][1][1] == "Zoë"
    [warning] = table.problems
    assert warning.severity == "warning" and "Windows-1252" in warning.expected and warning.row == 2


def test_a_bad_byte_far_into_the_file_is_placed_on_its_line(tmp_path: Path) -> None:
    """The first byte that is not UTF-8, beyond the first megabyte read: its position and line are exact."""
    lines = ["S.No,Name of Victim,Area"] + [f"{i},Person {i} (SYNTHETIC),Lyari" for i in range(1, 60_001)]
    lines[45_000] = "45000,Zoë (SYNTHETIC),Baldia"
    data = "\n".join(lines).encode("cp1252") + b"\n"
    assert len(data) > 2 << 20
    path = tmp_path / "late_legacy.csv"
    path.write_bytes(data)
    [table] = read_table(path)
    [warning] = table.problems
    offset = data.index("ë".encode("cp1252"))
    assert warning.row == 45_001 and f"position {offset:,} (line 45001)" in warning.expected


def test_explicit_encoding_overrides_detection(tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    path.write_bytes("Name,Area\nJosé,Lyari\n".encode("cp1252"))
    [table] = read_table(path, encoding="cp1252")
    assert table.problems == [] and rows_of(table)[0][1][0] == "José"


def test_binary_and_empty_files_fail_with_plain_words(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportFailed, match="empty"):
        read_table(empty)
    blank = tmp_path / "blank.csv"
    blank.write_bytes(b"\n\n   \n")
    with pytest.raises(ImportFailed, match="no text"):
        read_table(blank)
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(ImportFailed, match="zero bytes"):
        read_table(binary)
    old_excel = tmp_path / "old.xls"
    old_excel.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(ImportFailed, match=r"\.xls"):
        read_table(old_excel)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    lines = ["Name;of victim" if delimiter == "," else "Name, of victim", "Date", "Area"]
    text = delimiter.join(lines) + "\n" + "\n".join(
        delimiter.join([f"Person {i}, junior", "1992", "Lyari"]) if delimiter != "," else
        delimiter.join([f'"Person {i}; junior"', "1992", "Lyari"]) for i in range(20)) + "\n"
    path = tmp_path / "d.csv"
    path.write_text(text, encoding="utf-8")
    [table] = read_table(path)
    assert table.delimiter == delimiter
    assert len(table.headers) == 3


def test_sniffer_prefers_consistent_width() -> None:
    sample = "a;b;c\n1;2,5;3\n4;5,1;6\n7;8,0;9\n"
    assert sniff_delimiter(sample) == ";"


def test_title_rows_above_the_header_are_skipped_and_kept(tmp_path: Path) -> None:
    [table] = read_table(DATA / "families_titled.csv")
    assert table.delimiter == ";"
    assert table.header_row == 3
    assert table.headers[1] == "Victim's Full Name"
    assert table.preamble[0].startswith("SYNTHETIC test data")
    rows = rows_of(table)
    assert rows[0][0] == 4 and rows[0][1][1] == "Muhammad Iqbal s/o Abdul Ghafoor"


def test_hxl_hashtag_row_under_the_header(tmp_path: Path) -> None:
    [table] = read_table(DATA / "hxl_list.csv")
    assert table.header_row == 1  # the human header; the hashtag row 2 is not data
    assert table.hxl_tags is not None and table.hxl_tags[0] == "#meta+id"
    assert rows_of(table)[0][0] == 3


def test_hxl_hashtags_without_a_human_header(tmp_path: Path) -> None:
    path = tmp_path / "tags.csv"
    path.write_text("#meta+id,#affected+name,#date+occurred\nA-1,Naqi,1992\n", encoding="utf-8")
    [table] = read_table(path)
    assert table.headers == ["#meta+id", "#affected+name", "#date+occurred"]
    assert rows_of(table) == [(2, ["A-1", "Naqi", "1992"])]


def test_duplicated_headers_are_made_unique_and_reported() -> None:
    unique, duplicated = unique_headers(["Name", "Age", "name", "", "Notes"])
    assert unique == ["Name", "Age", "name (2)", "column D", "Notes"]
    assert duplicated == {"Name": [0, 2]}
    assert column_letter(0) == "A" and column_letter(25) == "Z" and column_letter(26) == "AA"


def test_rows_are_streamed_not_loaded(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("Name,Date\n")
        for i in range(50_000):
            handle.write(f"Person {i},1992\n")
    [table] = read_table(path)
    first = next(table.rows)
    assert first == (2, ["Person 0", "1992"])
    assert table.progress is not None and table.progress() < path.stat().st_size


def test_xlsx_each_sheet_is_a_table(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Lyari"
    first.append(["SYNTHETIC register"])
    first.append([])
    first.append(["S.No", "Name of Victim", "Date of Incident", "Age"])
    first.append([1, "Naqi", dt.datetime(1992, 10, 14), 35.0])
    first.append([2, "Zubaida", "June 1995", 28])
    second = book.create_sheet("Baldia")
    second.append(["Case ID", "Victim Name", "Date"])
    second.append(["B-1", "Sakina", "1996"])
    book.create_sheet("Empty")
    path = tmp_path / "book.xlsx"
    book.save(path)
    tables = read_table(path)
    assert [t.sheet for t in tables] == ["Lyari", "Baldia"]
    lyari, baldia = tables
    assert lyari.header_row == 3 and lyari.preamble == ["SYNTHETIC register"]
    rows = rows_of(lyari)
    assert rows[0] == (4, ["1", "Naqi", "1992-10-14", "35"])
    assert rows[1][0] == 5
    assert rows_of(baldia) == [(2, ["B-1", "Sakina", "1996"])]


def test_jsonl_keys_become_headers() -> None:
    [table] = read_table(DATA / "press.jsonl")
    assert table.headers[:3] == ["id", "name", "date"]
    assert "late_key" in table.headers  # seen in the first 1,000 lines
    rows = rows_of(table)
    assert [r[0] for r in rows] == [1, 2, 4, 5]  # line numbers; the blank line 3 is skipped


def test_a_json_file_holding_one_array_is_read_object_by_object(tmp_path: Path) -> None:
    """[{...}, {...}] (SYNTHETIC), pretty-printed, with objects cut across the megabyte reads: every
    object, at the line where it starts; text that is not JSON fails with its line."""
    import json

    objects = [{"id": i, "name": f"Person {i} (SYNTHETIC)", "victim": {"age": i % 90}, "notes": "x" * (i % 977)}
               for i in range(6000)]
    text = "\ufeff[\n" + ",\n".join(json.dumps(o, indent=1) for o in objects) + "\n]\n"
    path = tmp_path / "list.json"
    path.write_text(text, encoding="utf-8")
    [table] = read_table(path)
    assert table.format == "jsonl" and {"id", "name", "victim.age", "notes"} <= set(table.headers)
    rows = list(table.rows)
    assert [cells[0] for _, cells in rows] == objects
    lines_per_object = json.dumps(objects[0], indent=1).count("\n") + 1
    assert all(number == 2 + k * lines_per_object for k, (number, _) in enumerate(rows))

    path.write_text(text.replace('"id": 4000', '"id": 4000,,', 1), encoding="utf-8")
    [table] = read_table(path)
    with pytest.raises(ImportFailed, match=f"not valid JSON at line {2 + 4000 * lines_per_object + 1}"):
        list(table.rows)
