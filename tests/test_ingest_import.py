"""Importing files into the record, on SQLite and PostgreSQL. Every list here is SYNTHETIC."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from uncounted.errors import ImportFailed
from uncounted.ingest import Mapping, import_file
from uncounted.records import audit
from uncounted.records.models import AuditEntry, Document, Report, Source

DATA = Path(__file__).parent / "data" / "ingest"


def reports(ws, **where) -> list[Report]:
    with ws.session() as s:
        query = select(Report).order_by(Report.id)
        for key, value in where.items():
            query = query.where(getattr(Report, key) == value)
        return list(s.execute(query).scalars())


def count(ws, model) -> int:
    with ws.session() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_round_trip_keeps_raw_rows_and_normalises_with_precision(workspace, tmp_path: Path) -> None:
    path = tmp_path / "families_titled.csv"
    shutil.copy(DATA / "families_titled.csv", path)
    result = import_file(workspace, path, source="Families (SYNTHETIC)", kind="ngo", progress=False,
                         rejects_path=tmp_path / "rejects.csv")
    assert (result.rows_read, result.imported, result.rejected, result.added) == (5, 5, 0, 5)
    assert result.source_created and not result.already_imported
    rows = {r.source_record_id: r for r in reports(workspace)}
    with open(path, encoding="utf-8") as handle:
        lines = list(csv.reader(handle, delimiter=";"))
    header = lines[2]
    for line in lines[3:]:  # the raw row is exactly the row as written, keyed by the header
        assert rows[line[0]].raw == dict(zip(header, line))

    iqbal = rows["1"]
    assert (iqbal.name_raw, iqbal.name_given, iqbal.relation, iqbal.father_name) == (
        "Muhammad Iqbal s/o Abdul Ghafoor", "Muhammad Iqbal", "son_of", "Abdul Ghafoor")
    assert (iqbal.event_date_start, iqbal.event_date_end, iqbal.event_date_precision) == (
        dt.date(1992, 10, 14), dt.date(1992, 10, 14), "day")  # "14-10-92", pivot 30
    assert (iqbal.birth_year_min, iqbal.birth_year_max) == (1957, 1958)
    assert (iqbal.sex, iqbal.perpetrator_raw, iqbal.perpetrator_category) == ("male", "Rangers", "paramilitary")
    assert (iqbal.event_place_raw, iqbal.event_place) == ("Lyari", "Lyari Town")
    assert (iqbal.row_number, iqbal.sheet, iqbal.version, iqbal.is_current) == (4, None, 1, True)

    zubaida = rows["2"]
    assert (zubaida.event_date_start, zubaida.event_date_end, zubaida.event_date_precision) == (
        dt.date(1995, 6, 1), dt.date(1995, 6, 30), "month")
    assert zubaida.relation == "wife_of" and zubaida.sex == "female"
    zaidi = rows["3"]
    assert zaidi.event_date_precision == "approximate"
    assert zaidi.event_date_start <= dt.date(1996, 1, 1) and zaidi.event_date_end >= dt.date(1996, 12, 31)
    assert zaidi.age_raw == "۲۵" and zaidi.birth_year_min is not None  # Urdu digits read as 25
    rehana = rows["4"]  # 31/02/1995 does not exist: kept as written, no date, a warning with the report
    assert rehana.event_date_raw == "31/02/1995" and rehana.event_date_start is None
    assert {p["column"] for p in rehana.problems} == {"Date of Enforced Disappearance", "Place of abduction"}
    assert all(p["severity"] == "warning" for p in rehana.problems)
    assert rows["5"].event_date_precision == "month" and rows["1"].problems is None

    with workspace.session() as s:
        source = s.execute(select(Source)).scalar_one()
        assert (source.name, source.kind, source.sensitivity) == ("Families (SYNTHETIC)", "ngo_list", "restricted")
        doc = s.execute(select(Document)).scalar_one()
        assert doc.summary["imported"] == 5 and doc.mapping["columns"][0]["field"] == "record_id"
        entries = list(s.execute(select(AuditEntry)).scalars())
        assert [e.action for e in entries] == ["import"]
        details = json.loads(entries[0].details)
        assert details["sha256"] == doc.sha256 and details["imported"] == 5
        assert audit.verify(s).ok


def test_document_hash_is_the_sha256_of_the_file_bytes(workspace, tmp_path: Path) -> None:
    path = tmp_path / "morgue.csv"
    shutil.copy(DATA / "morgue.csv", path)
    result = import_file(workspace, path, source="Morgue", mapping=DATA / "morgue_mapping.toml", progress=False)
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    with workspace.session() as s:
        doc = s.get(Document, result.document_id)
        assert doc.sha256 == expected and doc.size == path.stat().st_size
    assert workspace.evidence.path_for(expected).read_bytes() == path.read_bytes()


def test_same_file_again_adds_nothing(workspace, tmp_path: Path) -> None:
    path = tmp_path / "morgue.csv"
    shutil.copy(DATA / "morgue.csv", path)
    first = import_file(workspace, path, source="Morgue", mapping=DATA / "morgue_mapping.toml", progress=False)
    before = (count(workspace, Report), count(workspace, Document), count(workspace, AuditEntry))
    again = import_file(workspace, path, source="Morgue", progress=False)
    assert again.already_imported and again.document_id == first.document_id and again.imported == 0
    assert (count(workspace, Report), count(workspace, Document), count(workspace, AuditEntry)) == before


def test_per_source_vocabulary_from_the_mapping_file(workspace, tmp_path: Path) -> None:
    path = tmp_path / "morgue.csv"
    shutil.copy(DATA / "morgue.csv", path)
    import_file(workspace, path, source="Morgue", mapping=DATA / "morgue_mapping.toml", progress=False)
    rows = {r.source_record_id: r for r in reports(workspace)}
    assert rows["0001/92"].violation == "killing"  # "GUNSHOT INJURIES" through [vocabulary.violation]
    assert rows["0002/92"].violation == "killing" and rows["0002/92"].name_given is None  # UNIDENTIFIED
    assert rows["0003/92"].violation is None and rows["0003/92"].violation_raw == "DROWNING"
    assert rows["0003/92"].problems[0]["column"] == "Cause of Death"
    assert rows["0001/92"].relation == "son_of"  # the column is headed S/O


def test_the_mapping_files_words_win_over_the_built_in_causes_of_death(workspace, tmp_path: Path) -> None:
    path = tmp_path / "morgue.csv"
    shutil.copy(DATA / "morgue.csv", path)
    mapping = tmp_path / "m.toml"
    mapping.write_text((DATA / "morgue_mapping.toml").read_text(encoding="utf-8").replace(
        '"gunshot injuries" = "killing"', '"gunshot injuries" = "torture"'), encoding="utf-8")
    import_file(workspace, path, source="Morgue", mapping=Mapping.load(mapping), progress=False)
    rows = {r.source_record_id: r for r in reports(workspace)}
    assert (rows["0001/92"].violation, rows["0002/92"].violation) == ("torture", "killing")


def write_list(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Case ID", "Victim Name", "Date", "Place"])
        writer.writerows(rows)
    return path


def test_changed_file_becomes_a_new_version_with_a_diff(workspace, tmp_path: Path) -> None:
    v1 = write_list(tmp_path / "v1" / "list.csv", [["A1", "Naqi", "1992", "Lyari"], ["A2", "Sakina", "1993", "Baldia"],
                                                   ["A3", "Kamran", "1994", "Landhi"]])
    first = import_file(workspace, v1, source="Commission", progress=False)
    v2 = write_list(tmp_path / "v2" / "list.csv", [["A1", "Naqi", "1992", "Lyari"], ["A2", "Sakina", "1993-05", "Baldia"],
                                                   ["A4", "Hamid", "1995", "Lyari"]])
    second = import_file(workspace, v2, source="Commission", progress=False)
    assert (second.added, second.changed, second.unchanged, second.withdrawn) == (1, 1, 1, 1)
    assert second.version == 2 and second.previous_document_id == first.document_id

    with workspace.session() as s:
        doc = s.get(Document, second.document_id)
        assert (doc.version, doc.previous_id) == (2, first.document_id)
    current = {r.source_record_id: r for r in reports(workspace, is_current=True)}
    assert set(current) == {"A1", "A2", "A3", "A4"}
    assert current["A1"].version == 1 and current["A1"].document_id == first.document_id  # unchanged: kept
    assert current["A2"].version == 2 and current["A2"].event_date_precision == "month"
    old_a2 = [r for r in reports(workspace, report_key=current["A2"].report_key) if r.version == 1]
    assert not old_a2[0].is_current and current["A2"].supersedes_id == old_a2[0].id
    assert current["A3"].withdrawn and current["A3"].version == 2 and current["A3"].name_raw == "Kamran"
    assert current["A3"].document_id == second.document_id
    assert current["A4"].version == 1 and not current["A4"].withdrawn
    assert count(workspace, Report) == 3 + 3  # A2 v2, A3 withdrawn v2, A4 v1
    with workspace.session() as s:
        assert s.execute(select(func.count()).select_from(Report).where(Report.is_current.is_(True))).scalar_one() == 4


def test_strict_imports_nothing_when_any_row_has_a_problem(workspace, tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    shutil.copy(DATA / "broken.csv", path)
    with pytest.raises(ImportFailed) as info:
        import_file(workspace, path, source="Broken", strict=True, progress=False, rejects_path=tmp_path / "r.csv")
    assert "--strict" in str(info.value)
    severities = {(p.row, p.severity) for p in info.value.problems}
    assert (4, "error") in severities and (3, "warning") in severities
    assert (count(workspace, Source), count(workspace, Document), count(workspace, Report),
            count(workspace, AuditEntry)) == (0, 0, 0, 0)


def test_bad_rows_go_to_the_rejects_csv_with_reasons(workspace, tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    shutil.copy(DATA / "broken.csv", path)
    result = import_file(workspace, path, source="Broken", progress=False)
    assert (result.rows_read, result.imported, result.rejected, result.rows_with_warnings) == (5, 3, 2, 1)
    rejects = Path(result.rejects_path)
    assert rejects == tmp_path / "broken.rejects.csv"
    with open(rejects, encoding="utf-8-sig", newline="") as handle:
        got = list(csv.reader(handle))
    header = ["S.No", "Name of Victim", "Father's Name", "Age", "Date of Incident", "Area", "Incident Type"]
    assert got[0] == header + ["_row", "_problems"]
    assert got[1][:9] == ["3", "Nadim", "Aslam", "20", "13/13/1992", "Lyari", "Missing", "4", got[1][8]]
    assert "at most 7 values" in got[1][8] and got[1][9:] == ["extra value", "another"]  # nothing lost
    assert got[2][:2] == ["3", "Duplicate Id"] and got[2][7] == "6" and "already used at row 4" in got[2][8]
    by_row = {p.row: p for p in result.problems}
    assert by_row[4].column == "column H" and by_row[4].value == "extra value" and by_row[4].severity == "error"
    sajid = reports(workspace, source_record_id="2")[0]
    assert sajid.event_date_raw == "not a date" and sajid.event_date_start is None
    assert sajid.violation_raw == "Vanished into thin air" and sajid.violation is None
    assert {p["column"] for p in sajid.problems} == {"Age", "Date of Incident", "Incident Type"}


def test_unknown_columns_fail_with_the_columns_named(workspace, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Colour,Weight,Height\nred,12,3\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"no column was recognised as the victim's name.*'Colour', 'Weight'"):
        import_file(workspace, path, source="Odd", progress=False)
    assert count(workspace, Source) == 0


def test_empty_and_header_only_files_fail(workspace, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportFailed, match="empty"):
        import_file(workspace, empty, source="Empty", progress=False)
    header_only = tmp_path / "header.csv"
    header_only.write_text("Name,Date\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="no data rows"):
        import_file(workspace, header_only, source="Empty", progress=False)
    assert (count(workspace, Source), count(workspace, Document)) == (0, 0)


def test_windows_1252_file_is_imported_with_a_warning(workspace, tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    path.write_bytes("Name,Date,Area\nJosé Ñúñez,1992,Lyari\n".encode("cp1252"))
    result = import_file(workspace, path, source="Legacy", progress=False)
    assert result.imported == 1 and result.problem_counts == {"warning": 1}
    assert "Windows-1252" in result.problems[0].expected
    assert reports(workspace)[0].name_raw == "José Ñúñez"


def test_duplicated_header_keeps_both_columns(workspace, tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("Name,Date,Notes,Notes\nNaqi,1992,first note,second note\n", encoding="utf-8")
    result = import_file(workspace, path, source="Dup", progress=False)
    [warning] = result.problems
    assert warning.severity == "warning" and warning.column == "Notes" and "columns C, D" in warning.expected
    [report] = reports(workspace)
    assert report.raw == {"Name": "Naqi", "Date": "1992", "Notes": "first note", "Notes (2)": "second note"}
    assert report.notes == "first note"


@pytest.mark.slow
def test_a_ten_megabyte_cell_rejects_only_its_row(workspace, tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Date", "Notes"])
        writer.writerow(["Naqi", "1992", "short"])
        writer.writerow(["Sakina", "1993", "x" * 10_000_000])
        writer.writerow(["Kamran", "1994", "short"])
    result = import_file(workspace, path, source="Huge", progress=False)
    assert (result.imported, result.rejected) == (2, 1)
    [problem] = result.problems
    assert (problem.row, problem.column, problem.severity) == (3, "Notes", "error")
    assert "10,000,000" in problem.expected
    with open(result.rejects_path, encoding="utf-8-sig", newline="") as handle:
        rejected = list(csv.reader(handle))[1]
    assert rejected[2] == "x" * 10_000_000  # kept whole in the rejects file


def test_unclosed_quote_is_an_error_not_a_silent_merge(workspace, tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text('Name,Date,Area\nNaqi,1992,Lyari\n"Sakina,1993,Baldia\nKamran,1994,Lyari\n', encoding="utf-8")
    result = import_file(workspace, path, source="Quote", progress=False)
    assert (result.imported, result.rejected) == (1, 1)
    assert "never closed" in result.problems[0].expected and result.problems[0].row == 3


def test_hxl_list_and_aggregate_rows(workspace, tmp_path: Path) -> None:
    path = tmp_path / "hxl_list.csv"
    shutil.copy(DATA / "hxl_list.csv", path)
    result = import_file(workspace, path, source="HXL", progress=False)
    assert (result.imported, result.rejected) == (3, 1)
    assert "one person per row" in result.problems[0].expected
    rows = {r.source_record_id: r for r in reports(workspace)}
    assert rows["H-1"].violation == "killing" and rows["H-1"].event_place == "Landhi Town"
    assert rows["H-3"].violation is None and rows["H-3"].event_place == "Karachi East"


def test_jsonl_raw_keeps_json_values(workspace, tmp_path: Path) -> None:
    path = tmp_path / "press.jsonl"
    shutil.copy(DATA / "press.jsonl", path)
    result = import_file(workspace, path, source="Press", progress=False)
    assert (result.imported, result.rejected) == (3, 1)
    rows = {r.source_record_id: r for r in reports(workspace)}
    assert rows["P-1"].raw["tags"] == ["a", "b"]
    assert rows["P-2"].raw["age"] == 28 and rows["P-2"].birth_year_min == 1963
    assert rows["P-3"].raw["late_key"] == "kept"


def test_jsonl_objects_inside_a_line_are_columns_of_their_own(workspace, tmp_path: Path) -> None:
    """{"victim": {"name": ..., "father": ...}} gives the columns victim.name and victim.father; the
    raw row keeps the line's object as it was (a key with a dot of its own is still read)."""
    path = tmp_path / "api_export.jsonl"
    lines = [{"case": {"id": "N-1"}, "victim": {"name": "Saleem Akhtar", "father": "Akhtar Ali", "age": 30},
              "incident": {"date": "1995-06-19", "place": "Liaquatabad", "type": "disappeared"},
              "S.No": 1, "remarks": "SYNTHETIC"},
             {"case": {"id": "N-2"}, "victim": {"name": "Rubina Kausar d/o Nazir"},
              "incident": {"date": "19/06/1995", "type": "abducted", "where": {"area": {"deep": "x"}}},
              "S.No": 2, "remarks": "SYNTHETIC"}]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = import_file(workspace, path, source="API (SYNTHETIC)", progress=False)
    assert result.mapping.columns["victim.name"] == "name"
    assert result.mapping.columns["victim.father"] == "father_name"
    assert result.mapping.columns["incident.date"] == "event_date"
    rows = {r.name_raw: r for r in reports(workspace)}
    first = rows["Saleem Akhtar"]
    assert (first.father_name, first.birth_year_min, first.event_place, first.violation) == (
        "Akhtar Ali", 1964, "Liaquatabad Town", "enforced_disappearance")
    assert first.raw["victim"] == lines[0]["victim"] and first.raw["S.No"] == 1
    second = rows["Rubina Kausar d/o Nazir"]
    assert (second.father_name, second.relation, second.violation) == ("Nazir", "daughter_of", "abduction")
    assert second.raw["incident"]["where"] == {"area": {"deep": "x"}}


def test_xlsx_sheets_keep_their_own_record_ids(workspace, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "1992"
    book.active.append(["S.No", "Name", "Date of Incident"])
    book.active.append([1, "Naqi", dt.datetime(1992, 6, 21)])
    other = book.create_sheet("1993")
    other.append(["S.No", "Name", "Date of Incident"])
    other.append([1, "Sakina", "June 1993"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    result = import_file(workspace, path, source="Book", progress=False)
    assert result.imported == 2 and set(result.mappings) == {"1992", "1993"}
    rows = {r.sheet: r for r in reports(workspace)}
    assert rows["1992"].source_record_id == rows["1993"].source_record_id == "1"
    assert rows["1992"].report_key != rows["1993"].report_key
    assert rows["1992"].event_date_start == dt.date(1992, 6, 21) and rows["1992"].raw["Date of Incident"] == "1992-06-21"


def test_dry_run_writes_nothing(workspace, tmp_path: Path) -> None:
    path = tmp_path / "families_titled.csv"
    shutil.copy(DATA / "families_titled.csv", path)
    result = import_file(workspace, path, source="Dry", dry_run=True, progress=False)
    assert result.dry_run and result.imported == 5 and len(result.preview) == 5
    assert result.preview[0]["values"]["event_date_start"] == "1992-10-14"
    assert (count(workspace, Source), count(workspace, Document), count(workspace, Report)) == (0, 0, 0)
    assert not workspace.evidence.has(hashlib.sha256(path.read_bytes()).hexdigest())
    assert not (tmp_path / "families_titled.rejects.csv").exists()


def test_month_first_dates_are_recognised_and_said(workspace, tmp_path: Path) -> None:
    path = write_list(tmp_path / "us.csv", [["U1", "Naqi", "6/22/1992", "Lyari"], ["U2", "Sakina", "7/5/1992", "Lyari"]])
    result = import_file(workspace, path, source="US style", progress=False)
    assert result.mapping.date_order == "mdy" and "month-first" in result.problems[0].expected
    rows = {r.source_record_id: r for r in reports(workspace)}
    assert rows["U2"].event_date_start == dt.date(1992, 7, 5)  # read month-first, as the column proves
    explicit = write_list(tmp_path / "uk.csv", [["K1", "Naqi", "6/22/1992", "Lyari"], ["K2", "Sakina", "7/5/1992", "Lyari"]])
    import_file(workspace, explicit, source="UK style", date_order="dmy", progress=False)
    rows = {r.source_record_id: r for r in reports(workspace)}
    assert rows["K2"].event_date_start == dt.date(1992, 5, 7) and rows["K1"].event_date_start is None


@pytest.mark.slow
def test_simulated_lists_import_completely(workspace, tmp_path: Path) -> None:
    from uncounted.simulate import scenario_config, simulate_scenario, write_scenario

    scenario = simulate_scenario(scenario_config("demo", victims=300), seed=3)
    paths = [p for p in write_scenario(scenario, tmp_path / "sim") if p.suffix == ".csv" and p.name[:2].isdigit()]
    assert len(paths) >= 4
    total = 0
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            n = sum(1 for _ in csv.reader(handle)) - 1
        result = import_file(workspace, path, source=path.stem, progress=False)
        assert (result.rows_read, result.rejected) == (n, 0)
        assert result.mapping.column_for("name") is not None and result.mapping.column_for("event_date") is not None
        total += n
    assert count(workspace, Report) == total


def test_names_parsed_in_worker_processes_give_the_same_reports(sqlite_workspace, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from uncounted.ingest import importer

    path = tmp_path / "families_titled.csv"
    shutil.copy(DATA / "families_titled.csv", path)
    plain = import_file(sqlite_workspace, path, source="Plain", progress=False)
    monkeypatch.setattr(importer, "CHUNK_ROWS", 2)
    helped = import_file(sqlite_workspace, path, source="Helped", progress=False, workers=2)
    assert plain.imported == helped.imported == 5
    columns = ("source_record_id", "name_honorific", "name_given", "name_family", "relation", "father_name", "name_key")
    by_source = {}
    for document_id in (plain.document_id, helped.document_id):
        by_source[document_id] = sorted(tuple(getattr(r, c) for c in columns)
                                        for r in reports(sqlite_workspace, document_id=document_id))
    assert by_source[plain.document_id] == by_source[helped.document_id]


def test_tricky_characters_survive_exactly(workspace, tmp_path: Path) -> None:
    values = ["Back\\slash \\N", "Tab\there", "Line one\nline two", 'Quote " inside', "ظہیر احمد ۱۹۹۲", "emoji 🙂"]
    path = tmp_path / "tricky.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["S.No", "Name", "Remarks"])
        for i, value in enumerate(values, start=1):
            writer.writerow([str(i), f"Person {i}", value])
    result = import_file(workspace, path, source="Tricky", progress=False)
    assert (result.imported, result.rejected) == (len(values), 0)
    stored = {r.source_record_id: r for r in reports(workspace)}
    for i, value in enumerate(values, start=1):
        assert stored[str(i)].notes == value and stored[str(i)].raw["Remarks"] == value


def test_gazetteer_file_from_the_mapping(sqlite_workspace, tmp_path: Path) -> None:
    gazetteer = tmp_path / "places.csv"
    gazetteer.write_text("place_id,name,variants,parent_id,level\n"
                         "X,Invented Province,,,province\n"
                         "X-1,Invented District,Inv. Distt,X,district\n"
                         "X-1-1,Atlantis Colony,Atlantis|Atlantis Basti,X-1,neighbourhood\n", encoding="utf-8")
    mapping_file = tmp_path / "m.toml"
    mapping_file.write_text('gazetteer = "places.csv"\n', encoding="utf-8")
    path = tmp_path / "families_titled.csv"
    shutil.copy(DATA / "families_titled.csv", path)
    import_file(sqlite_workspace, path, source="Families", mapping=Mapping.load(mapping_file), progress=False)
    rehana = reports(sqlite_workspace, source_record_id="4")[0]
    assert (rehana.event_place_raw, rehana.event_place, rehana.event_place_parent) == (
        "Atlantis", "Atlantis Colony", "Invented District")
    assert reports(sqlite_workspace, source_record_id="1")[0].event_place is None  # Lyari is not in this gazetteer
