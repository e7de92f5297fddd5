"""Record-keeping habits of lists made elsewhere: age and sex in one column, a district as the place,
relations in the father's column, sex stated only by the name, causes of death, violation words in a
status column. On SQLite and PostgreSQL, built in-process and in worker processes. Every list
here is SYNTHETIC.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ingest_helpers import import_in_workers, stored
from uncounted.errors import ImportFailed
from uncounted.ingest import import_file
from uncounted.records.models import Report


MORGUE_HEADER = ["Entry No", "Name of Deceased", "F/Name", "Age/Sex", "Date", "Brought From", "Cause of Death"]
MORGUE_ROWS = [
    ["MB-1", "Muhammad Iqbal", "Ali", "32/M", "1995-06-14", "Karachi Central", "Firearm injuries"],
    ["MB-2", "Mst. Rani", "W/O ASLAM", "F-40", "1995-06-15", "Nazimabad", "Strangulation"],
    ["MB-3", "Unknown male", "", "25 yrs / male", "1995-06-16", "Lyari", "Heart failure"],
    ["MB-4", "QURESHI, OWAIS", "S/O Abdul Rehman", "M/abc", "1995-06-17", "Korangi", "Torture marks + gunshot"],
    ["MB-5", "Zainab", "", "32/Q", "1995-06-18", "Korangi", "Drowning"],
    ["MB-6", "Abdul Ghafoor (son of Rasool Bakhsh)", "", "M 50", "1995-06-19", "Korangi", "Multiple bullet injuries"],
]

FAMILIES_HEADER = ["Sr. No.", "Full Name", "Parentage", "Missing Since", "Status"]
FAMILIES_ROWS = [
    ["1", "NASREEN D/O KARIM", "", "03/01/1997", "ABDUCTED"],
    ["2", "MST. ZAINAB", "ASLAM", "04/01/1997", "MISSING"],
    ["3", "KHALIDA", "W/O ASLAM", "05/01/1997", "IN CUSTODY"],
    ["4", "AHMED", "AKBAR", "06/01/1997", "PICKED UP"],
    ["5", "IMRAN", "", "07/01/1997", "XYZ"],
    ["6", "Bibi Hajra", "", "08/01/1997", ""],
]


def write_csv(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def import_either_way(ws: Any, path: Path, monkeypatch: pytest.MonkeyPatch, workers: int, source: str,
                      chunk_rows: int = 2, **options: Any) -> Any:
    """Import in-process (workers=0) or in worker processes with tiny chunks, so that the rows
    cross chunks and workers."""
    if not workers:
        return import_file(ws, path, source=source, progress=False, workers=0, **options)
    result, started = import_in_workers(ws, path, monkeypatch, workers=workers, chunk_rows=chunk_rows, source=source,
                                        **options)
    assert started, "no worker process was used"
    return result


def by_id(ws: Any, document_id: int) -> dict[str, Report]:
    with ws.session() as session:
        rows = session.execute(select(Report).where(Report.document_id == document_id)).scalars()
        return {r.source_record_id: r for r in rows}


def by_id_rows(ws: Any, document_id: int) -> list[Report]:
    with ws.session() as session:
        return list(session.execute(select(Report).where(Report.document_id == document_id)).scalars())


def problems_of(report: Report, severity: str | None = None) -> list[dict[str, Any]]:
    return [p for p in (report.problems or []) if severity is None or p["severity"] == severity]


def test_morgue_book_age_sex_district_names_and_causes(workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "morgue_book.csv", MORGUE_HEADER, MORGUE_ROWS)
    result = import_file(workspace, path, source="Morgue book (SYNTHETIC)", progress=False)
    assert result.mapping.column_for("age_sex") == "Age/Sex"
    assert result.mapping.column_for("sex") is None and result.mapping.column_for("age") is None
    rows = by_id(workspace, result.document_id)

    iqbal = rows["MB-1"]
    assert (iqbal.age_raw, iqbal.birth_year_min, iqbal.birth_year_max, iqbal.sex) == ("32", 1962, 1963, "male")
    # a district given as the place is its own district, as a neighbourhood of it is
    assert (iqbal.event_place, iqbal.event_place_parent) == ("Karachi Central", "Karachi Central")
    assert rows["MB-2"].event_place_parent == "Karachi Central"  # Nazimabad
    assert iqbal.violation == "killing"  # "Cause of Death": a violent cause is a killing, whatever the kind

    rani = rows["MB-2"]
    assert (rani.sex, rani.age_raw, rani.birth_year_min) == ("female", "40", 1954)
    assert (rani.father_name, rani.relation, rani.name_honorific, rani.name_given) == ("ASLAM", "wife_of", "Mst.", "Rani")
    assert rani.violation == "killing" and not rani.problems

    unknown = rows["MB-3"]
    assert (unknown.name_raw, unknown.name_given, unknown.name_key, unknown.sex) == ("Unknown male", None, None, "male")
    assert unknown.age_raw == "25 yrs" and unknown.birth_year_min == 1969
    assert (unknown.violation, unknown.violation_raw) == (None, "Heart failure")  # natural: no violation
    [warning] = problems_of(unknown)
    assert (warning["column"], warning["value"], warning["severity"]) == ("Cause of Death", "Heart failure", "warning")

    owais = rows["MB-4"]
    assert (owais.name_family, owais.name_given) == ("QURESHI", "OWAIS")
    assert (owais.father_name, owais.relation, owais.sex, owais.age_raw) == ("Abdul Rehman", "son_of", "male", None)
    assert owais.violation == "killing"
    [bad_age] = problems_of(owais)
    assert (bad_age["column"], bad_age["value"], bad_age["severity"]) == ("Age/Sex", "M/abc", "warning")
    assert "32/M" in bad_age["expected"] and "'abc'" in bad_age["expected"]

    zainab = rows["MB-5"]
    assert (zainab.age_raw, zainab.sex, zainab.birth_year_min) == ("32", None, 1962)
    [bad_sex] = [p for p in problems_of(zainab) if p["column"] == "Age/Sex"]
    assert bad_sex["value"] == "32/Q" and "'Q'" in bad_sex["expected"]
    assert zainab.violation is None  # drowning

    ghafoor = rows["MB-6"]
    assert (ghafoor.name_given, ghafoor.father_name, ghafoor.relation) == ("Abdul Ghafoor", "Rasool Bakhsh", "son_of")
    assert (ghafoor.sex, ghafoor.age_raw, ghafoor.violation) == ("male", "50", "killing")

    text = {str(p) for p in result.problems}
    assert any("morgue_book.csv, row 5, column 'Age/Sex': got 'M/abc'" in t for t in text)


def test_sex_from_the_name_and_violations_in_the_status_column(workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "families.csv", FAMILIES_HEADER, FAMILIES_ROWS, delimiter=";")
    result = import_file(workspace, path, source="Families (SYNTHETIC)", progress=False)
    rows = by_id(workspace, result.document_id)

    nasreen = rows["1"]
    assert (nasreen.sex, nasreen.relation, nasreen.father_name) == ("female", "daughter_of", "KARIM")
    assert (nasreen.violation, nasreen.violation_raw, nasreen.victim_status) == ("abduction", "ABDUCTED", None)
    notes = problems_of(nasreen, "info")
    assert {p["column"] for p in notes} == {"Full Name", "Status"} and not problems_of(nasreen, "warning")
    [sex_note] = [p for p in notes if p["column"] == "Full Name"]
    assert sex_note["value"] == "daughter of" and "female (inferred from the name)" in sex_note["expected"]

    zainab = rows["2"]
    assert (zainab.sex, zainab.victim_status, zainab.violation) == ("female", "still_missing", None)
    khalida = rows["3"]
    assert (khalida.sex, khalida.relation, khalida.father_name) == ("female", "wife_of", "ASLAM")
    assert khalida.violation == "arbitrary_detention"  # "IN CUSTODY"
    assert [p["column"] for p in problems_of(khalida, "info")] == ["Parentage", "Status"]
    ahmed = rows["4"]
    assert (ahmed.sex, ahmed.relation, ahmed.violation) == (None, "child_of", "enforced_disappearance")
    imran = rows["5"]
    assert imran.violation is None and [p["severity"] for p in problems_of(imran)] == ["warning"]
    assert rows["6"].sex == "female" and rows["6"].name_honorific == "Bibi"

    # notes are not warnings: only the row with the unknown status word counts
    assert result.rows_with_warnings == 1
    assert result.problem_counts == {"warning": 1, "info": 7}


def test_a_written_sex_or_violation_is_never_overridden(workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "register.csv", ["ID", "Name", "Sex", "Incident", "Status"], [
        ["1", "Nasreen d/o Karim", "M", "killed", "ABDUCTED"],  # the list's own sex and violation stand
        ["2", "Mst. Rani", "", "", "PICKED UP"],  # an empty sex cell: the name says it
    ])
    result = import_file(workspace, path, source="Register (SYNTHETIC)", progress=False)
    rows = by_id(workspace, result.document_id)
    assert (rows["1"].sex, rows["1"].violation) == ("male", "killing")
    assert [p["severity"] for p in problems_of(rows["1"])] == ["warning"]  # the status word, as before
    assert (rows["2"].sex, rows["2"].violation) == ("female", "enforced_disappearance")


def test_kind_morgue_reads_causes_of_death_and_the_mapping_file_still_wins(workspace, tmp_path: Path) -> None:
    rows = [["1", "Ali", "Gunshot"], ["2", "Raza", "Road accident"], ["3", "Zahid", "Stab wounds"]]
    path = write_csv(tmp_path / "hospital.csv", ["ID", "Name", "Incident"], rows)
    other = import_file(workspace, path, source="Other (SYNTHETIC)", progress=False)
    assert [r.violation for r in by_id(workspace, other.document_id).values()] == [None, None, None]

    morgue = import_file(workspace, path, source="Hospital (SYNTHETIC)", kind="morgue", progress=False)
    found = by_id(workspace, morgue.document_id)
    assert (found["1"].violation, found["2"].violation, found["3"].violation) == ("killing", None, "killing")
    assert found["2"].problems[0]["column"] == "Incident"

    mapping = tmp_path / "hospital.toml"
    mapping.write_text('[vocabulary.violation]\n"gunshot" = "death_in_custody"\n"road accident" = "other"\n',
                       encoding="utf-8")
    again = write_csv(tmp_path / "hospital_2.csv", ["ID", "Name", "Incident"], rows + [["4", "Sajid", "Gunshot"]])
    mapped = import_file(workspace, again, source="Hospital (SYNTHETIC)", mapping=mapping, progress=False)
    assert not mapped.already_imported
    found = by_id(workspace, mapped.document_id)
    assert (found["1"].violation, found["2"].violation, found["3"].violation) == ("death_in_custody", "other", "killing")


@pytest.mark.parametrize("name", ["morgue", "families"])
def test_worker_processes_build_these_rows_the_same(workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       name: str) -> None:
    if name == "morgue":
        path = write_csv(tmp_path / "m.csv", MORGUE_HEADER, MORGUE_ROWS)
    else:
        path = write_csv(tmp_path / "f.csv", FAMILIES_HEADER, FAMILIES_ROWS, delimiter=";")
    plain = import_file(workspace, path, source="in-process (SYNTHETIC)", kind="morgue", progress=False)
    helped, started = import_in_workers(workspace, path, monkeypatch, workers=2, chunk_rows=2,
                                        source="workers (SYNTHETIC)", kind="morgue")
    assert started and started[0].normaliser_options["kind"] == "morgue_or_hospital"
    for field_name in ("imported", "rows_with_warnings", "problem_counts", "problem_groups", "preview"):
        assert getattr(plain, field_name) == getattr(helped, field_name), field_name
    assert plain.problems == helped.problems
    plain_rows, helped_rows = stored(workspace, plain.document_id), stored(workspace, helped.document_id)
    assert plain_rows == helped_rows
    assert any(r["sex"] == "female" for r in plain_rows)  # (from Age/Sex, or from the name)
    notes = [p for r in plain_rows for p in (r["problems"] or []) if p["severity"] == "info"]
    assert notes if name == "families" else any(r["birth_year_min"] for r in plain_rows)


def test_a_place_and_its_area_in_one_cell(workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "press.csv", ["Victim", "Area"], [
        ["Ali", "Mingora, Swat"], ["Raza", "Lyari, Karachi"], ["Zahid", "Lyari, Quetta"], ["Sajid", "Turbat, Kech"]])
    result = import_file(workspace, path, source="Press (SYNTHETIC)", progress=False)
    rows = {r.name_raw: r for r in by_id_rows(workspace, result.document_id)}
    assert (rows["Ali"].event_place, rows["Ali"].event_place_parent) == ("Mingora", "Swat District")
    assert (rows["Raza"].event_place, rows["Raza"].event_place_parent) == ("Lyari Town", "Karachi South")
    assert (rows["Sajid"].event_place, rows["Sajid"].event_place_parent) == ("Turbat", "Kech District")
    # Lyari is not in Quetta: not guessed, a warning as for any place not found
    assert rows["Zahid"].event_place is None and problems_of(rows["Zahid"], "warning")[0]["column"] == "Area"


def test_a_yes_no_column_that_looks_like_a_place_by_its_name_stays_in_the_raw_row(workspace, tmp_path: Path) -> None:
    """'Body found' reads like a place header ('found at'); its yes/no values say it is not one."""
    header = ["Case ID", "Name", "District", "Body found", "Place of arrest"]
    rows = [["K-1", "Ghulam Mustafa", "Karachi East", "No", "Nazimabad"],
            ["K-2", "Shazia Parveen", "Karachi South", "Yes", "Lyari"],
            ["K-3", "Faraz Ahmed", "Malir", "no", ""],
            ["K-4", "Iqbal Khan", "Malir", "", "Korangi"]]
    path = write_csv(tmp_path / "flags.csv", header, rows)
    result = import_file(workspace, path, source="Flags (SYNTHETIC)", progress=False)
    # not a place; as it names a violation ("body found" reads as a killing), a column of tick boxes
    assert result.mapping.columns["Body found"] == "indicator:killing"
    assert result.mapping.columns["Place of arrest"] == "event_place"  # real places stay mapped
    notes = [p for p in result.problems if p.column == "Body found"]
    assert [p.severity for p in notes] == ["info", "info"] and "event_place" in notes[0].expected
    assert "tick boxes" in notes[1].expected
    found = by_id(workspace, result.document_id)
    assert found["K-2"].raw["Body found"] == "Yes" and found["K-2"].event_place_raw == "Lyari, Karachi South"
    assert (found["K-1"].violation, found["K-2"].violation) == (None, "killing")

    mapping = tmp_path / "flags.toml"  # a mapping file is obeyed, yes/no or not
    mapping.write_text('[columns]\n"Body found" = "event_place"\n', encoding="utf-8")
    again = write_csv(tmp_path / "flags_2.csv", header, rows + [["K-5", "Sajid Ali", "Malir", "Yes", ""]])
    mapped = import_file(workspace, again, source="Flags (SYNTHETIC)", mapping=mapping, progress=False)
    assert mapped.mapping.columns["Body found"] == "event_place"


def test_date_and_place_in_one_column(workspace, tmp_path: Path) -> None:
    """'Date & Place of Incident': the part that reads as a date is the date, the rest the place; a
    date that can only be month-first sets the order, as in a date column of its own."""
    header = ["No.", "Name", "Date & Place of Incident", "Remarks"]
    rows = [["1", "Jamil Ahmed", "06-14-1995, Nazimabad", "SYNTHETIC"],
            ["2", "Saima Anwar", "June 1995, Lyari", "SYNTHETIC"],
            ["3", "Abdul Qadir", "1996 Malir", "SYNTHETIC"],
            ["4", "Imran Ali", "Orangi on 7/22/95", "SYNTHETIC"],
            ["5", "Faisal Rafiq", "Gulberg", "SYNTHETIC"]]
    path = write_csv(tmp_path / "combined.csv", header, rows)
    result = import_file(workspace, path, source="Combined (SYNTHETIC)", progress=False)
    assert result.mapping.columns["Date & Place of Incident"] == "date_place"
    found = by_id(workspace, result.document_id)
    got = {k: (r.event_date_start.isoformat() if r.event_date_start else None, r.event_date_precision,
               r.event_place_raw, r.event_place) for k, r in found.items()}
    assert got == {"1": ("1995-06-14", "day", "Nazimabad", "Nazimabad"),
                   "2": ("1995-06-01", "month", "Lyari", "Lyari Town"),
                   "3": ("1996-01-01", "year", "Malir", "Malir Town"),
                   "4": ("1995-07-22", "day", "Orangi", "Orangi Town"),
                   "5": (None, None, "Gulberg", "Gulberg Town")}
    assert found["1"].raw["Date & Place of Incident"] == "06-14-1995, Nazimabad"
    assert any("month-first" in p.expected for p in result.problems)


def test_tick_box_columns_of_violations_become_indicators(workspace, tmp_path: Path) -> None:
    """'Killed', 'Disappeared', 'Tortured (Y/N)' holding yes/no: a yes marks the row's violation (the
    first such column that says yes), as HXL's #affected+killed does; a mapping file still decides."""
    header = ["S.No", "Name", "Killed", "Disappeared", "Tortured (Y/N)", "Area"]
    rows = [["1", "Ali Raza", "No", "Yes", "N", "Nazimabad"],
            ["2", "Babar Khan", "Yes", "No", "Y", "Lyari"],
            ["3", "Kamran Ali", "no", "no", "y", "Malir"],
            ["4", "Danish Iqbal", "", "", "", "Korangi"]]
    path = write_csv(tmp_path / "ticks.csv", header, rows)
    result = import_file(workspace, path, source="Ticks (SYNTHETIC)", progress=False)
    assert [result.mapping.columns[h] for h in header[2:5]] == [
        "indicator:killing", "indicator:disappearance", "indicator:torture"]
    found = by_id(workspace, result.document_id)
    assert {k: r.violation for k, r in found.items()} == {
        "1": "enforced_disappearance", "2": "killing", "3": "torture", "4": None}
    assert found["2"].raw["Tortured (Y/N)"] == "Y"

    mapping = tmp_path / "ticks.toml"
    mapping.write_text('[columns]\n"Killed" = ""\n', encoding="utf-8")
    again = write_csv(tmp_path / "ticks_2.csv", header, rows + [["5", "Sajid Ali", "Yes", "No", "N", "Malir"]])
    mapped = import_file(workspace, again, source="Ticks (SYNTHETIC)", mapping=mapping, progress=False)
    assert mapped.mapping.columns["Killed"] is None
    assert by_id(workspace, mapped.document_id)["5"].violation is None


@pytest.mark.parametrize("workers", [0, 2])
def test_a_totals_row_is_no_person_and_a_bare_hash_heads_the_row_numbers(workspace, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch,
                                                                          workers: int) -> None:
    """Rows that sum up the list ("Total", "Grand total: 3") go to the rejects file with the reason;
    a person whose name starts like one ("Sultan", "Tofeeq") does not. "#" is the record id column."""
    header = ["#", "Name of Victim", "Area", "Remarks"]
    rows = [["1", "Sultan Ahmed", "Lyari", "SYNTHETIC"], ["2", "Tofeeq Ali", "Malir", "SYNTHETIC"],
            ["", "Total", "", "2 killed"], ["3", "Grace Masih", "Korangi", "SYNTHETIC"],
            ["Grand total:", "", "", "3"], ["4", "", "Orangi", "unnamed body (SYNTHETIC)"]]
    path = write_csv(tmp_path / "totals.csv", header, rows)
    result = import_either_way(workspace, path, monkeypatch, workers, "Totals (SYNTHETIC)", chunk_rows=2)
    assert result.mapping.columns["#"] == "record_id"
    assert result.imported == 4 and result.rejected == 2
    found = by_id(workspace, result.document_id)
    assert sorted(found) == ["1", "2", "3", "4"] and found["4"].name_raw is None
    totals = [p for p in result.problems if "total of the rows above" in p.expected]
    assert [(p.row, p.column, p.value) for p in totals] == [(4, "Name of Victim", "Total"), (6, "#", "Grand total:")]
    rejected = Path(result.rejects_path).read_text(encoding="utf-8-sig")
    assert "2 killed" in rejected and "total of the rows above" in rejected


@pytest.mark.parametrize("workers", [0, 2])
def test_press_rows_naming_or_counting_several_people_are_rejected_and_an_age_after_a_name_is_read(
        workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    """A press list's habits (SYNTHETIC): several people in one name cell, a column counting the
    row's people, an age written after the name. One report per person: the first two are errors."""
    header = ["Date", "Victim(s)", "Location", "No. of victims"]
    rows = [["15/06/1995", "Ali Raza and Kamran Khan", "Nazimabad", ""],
            ["16/06/1995", "Asif, Rehan, Tariq", "Landhi", ""],
            ["17/06/1995", "Saleem Akhtar, 25", "Liaquatabad", "1"],
            ["18/06/1995", "QURESHI, OWAIS", "Lyari", "1"],
            ["19/06/1995", "Unidentified body", "Orangi", "4"],
            ["20/06/1995", "Bashir Ahmed (40 yrs)", "Malir", ""],
            ["21/06/1995", "Naveed Iqbal", "Korangi", "one"]]
    path = write_csv(tmp_path / "press.csv", header, rows)
    result = import_either_way(workspace, path, monkeypatch, workers, "Press (SYNTHETIC)", chunk_rows=2)
    assert result.mapping.columns["No. of victims"] == "people_count"
    errors = {(p.row, p.value): p.expected for p in result.problems if p.severity == "error"}
    assert set(errors) == {(2, "Ali Raza and Kamran Khan"), (3, "Asif, Rehan, Tariq"), (6, "4")}
    assert "names 2 people" in errors[(2, "Ali Raza and Kamran Khan")] and "counts 4 people" in errors[(6, "4")]
    assert any(p.row == 8 and p.severity == "warning" and "a number of people" in p.expected for p in result.problems)
    reports = {r.name_raw: r for r in by_id_rows(workspace, result.document_id)}
    assert set(reports) == {"Saleem Akhtar, 25", "QURESHI, OWAIS", "Bashir Ahmed (40 yrs)", "Naveed Iqbal"}
    saleem, bashir = reports["Saleem Akhtar, 25"], reports["Bashir Ahmed (40 yrs)"]
    assert (saleem.name_given, saleem.age_raw, saleem.birth_year_min, saleem.birth_year_max) == (
        "Saleem Akhtar", "25", 1969, 1970)
    assert (bashir.name_given, bashir.age_raw) == ("Bashir Ahmed", "40 yrs")
    assert reports["QURESHI, OWAIS"].age_raw is None


@pytest.mark.parametrize("workers", [0, 2])
def test_day_month_and_year_in_columns_of_their_own_make_the_date(workspace, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   workers: int) -> None:
    """'Day', 'Month', 'Year' columns (SYNTHETIC) are read together; a month number becomes its name,
    so the list's date order cannot change the date; a day without its month gives the year only."""
    header = ["S.No", "Name", "Day", "Month", "Year", "Event"]
    rows = [["1", "Imran Ali", "14", "June", "1995", "Killed"],
            ["2", "Rizwan Khan", "", "07", "1995", "Disappeared"],
            ["3", "Farhan Siddiqui", "", "", "1996", "Killed"],
            ["4", "Adnan Qureshi", "3", "Aug", "95", "Arrested"],
            ["5", "Naveed Iqbal", "12", "", "1994", "Killed"],
            ["6", "Sajid Mehmood", "2", "13", "1995", "Killed"],
            ["7", "Kashif Raza", "9", "5", "", "Killed"]]
    path = write_csv(tmp_path / "parts.csv", header, rows)
    result = import_either_way(workspace, path, monkeypatch, workers, "Parts (SYNTHETIC)", date_order="mdy")
    assert [result.mapping.columns[h] for h in ("Day", "Month", "Year")] == ["event_day", "event_month", "event_year"]
    found = by_id(workspace, result.document_id)
    dates = {k: (r.event_date_raw, r.event_date_start and r.event_date_start.isoformat(), r.event_date_precision)
             for k, r in found.items()}
    assert dates == {"1": ("14 June 1995", "1995-06-14", "day"), "2": ("07 1995", "1995-07-01", "month"),
                     "3": ("1996", "1996-01-01", "year"), "4": ("3 Aug 95", "1995-08-03", "day"),
                     "5": ("12 1994", "1994-01-01", "year"), "6": ("2 13 1995", "1995-01-01", "year"),
                     "7": (None, None, None)}
    warned = {p.row: p.column for p in result.problems if p.severity == "warning"}
    assert warned == {7: "Month", 8: "Year"}


@pytest.mark.parametrize("workers", [0, 2])
def test_rows_that_describe_no_one_are_left_out_with_the_reason(workspace, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    """Footnotes under a list and empty numbered lines (SYNTHETIC) are no person: rejected with the
    reason. An unnamed victim with a date or place, or a yes in a tick-box column, is kept."""
    header = ["S.No", "Name of Victim", "Date of Incident", "Area", "Killed", "Remarks"]
    rows = [["1", "Imran Ali", "14/06/1995", "Lyari", "yes", "SYNTHETIC"],
            ["2", "", "16/06/1995", "Orangi", "", ""],
            ["3", "", "", "", "yes", ""],
            ["4", "", "", "", "no", ""],
            ["5", "", "", "", "", "family moved away (SYNTHETIC)"],
            ["Source: compiled from SYNTHETIC press reports", "", "", "", "", ""],
            ["", "", "", "", "", "* Names withheld at the request of families"],
            ["6", "Rizwan Khan", "", "", "no", ""]]
    path = write_csv(tmp_path / "footnotes.csv", header, rows)
    result = import_either_way(workspace, path, monkeypatch, workers, "Footnotes (SYNTHETIC)", chunk_rows=3)
    assert sorted(by_id(workspace, result.document_id), key=str) == ["1", "2", "3", "6"]
    left_out = {p.row: (p.column, p.value) for p in result.problems if "a person: a name" in p.expected}
    assert left_out == {5: ("S.No", "4"), 6: ("S.No", "5"),
                        7: ("S.No", "Source: compiled from SYNTHETIC press reports"),
                        8: ("Remarks", "* Names withheld at the request of families")}
    assert result.rejected == 4


def test_place_of_occurrence_and_police_station_of_an_fir_register(workspace, tmp_path: Path) -> None:
    """'Place of Occurrence' and 'P.S.' (SYNTHETIC): the first is the event's place, the station
    the coarser area; with a district column of its own the station stays in the raw row."""
    header = ["Sl No", "Name & Parentage", "Place of Occurrence", "P.S."]
    rows = [["1", "Muhammad Ali s/o Ghulam Nabi", "Block 13, Gulshan-e-Iqbal", "Gulshan"],
            ["2", "Zahid Hussain s/o Talib Hussain", "Sector 5-J (SYNTHETIC)", "New Karachi"]]
    result = import_file(workspace, write_csv(tmp_path / "fir.csv", header, rows), source="FIR (SYNTHETIC)",
                         progress=False)
    columns = result.mapping.columns
    assert (columns["Place of Occurrence"], columns["P.S."]) == ("event_place", "district")
    found = by_id(workspace, result.document_id)
    assert found["1"].event_place_raw.startswith("Block 13") and found["2"].event_place == "New Karachi Town"

    with_district = write_csv(tmp_path / "fir_2.csv", header + ["District"], [r + ["Karachi Central"] for r in rows])
    again = import_file(workspace, with_district, source="FIR (SYNTHETIC)", progress=False)
    assert again.mapping.columns["Place of Occurrence"] == "event_place" and again.mapping.columns["P.S."] is None
    assert again.mapping.columns["District"] == "district"


def test_a_json_line_listing_several_victims_is_rejected(workspace, tmp_path: Path) -> None:
    """A scraper's JSON Lines (SYNTHETIC): a line whose 'victims' holds two people is one line for two
    reports, so it is rejected with the advice to split it; one victim in a list is kept."""
    lines = [
        {"id": "n1", "victim": {"name": "Imran Ali", "age": 25}, "incident": {"date": "1995-06-14", "place": "Lyari"}},
        {"id": "n2", "victims": [{"name": "Asif"}, {"name": "Rehan"}], "incident": {"date": "1995-06-15"}},
        {"id": "n3", "victims": [{"name": "Naveed Iqbal"}], "incident": {"date": "1995-06-16"}},
    ]
    path = tmp_path / "scraped.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    result = import_file(workspace, path, source="Scraper (SYNTHETIC)", progress=False)
    assert result.rejected == 1 and sorted(by_id(workspace, result.document_id)) == ["n1", "n3"]
    [error] = [p for p in result.problems if p.severity == "error"]
    assert (error.row, error.column) == (2, "victims") and "lists 2 people" in error.expected


@pytest.mark.parametrize("workers", [0, 2])
def test_a_header_repeated_on_each_page_is_no_person(workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     workers: int) -> None:
    """A list put together page by page repeats its header (SYNTHETIC): those rows are left out with
    the reason; a person whose name happens to be a header word is not."""
    header = ["S.No", "Name of Victim", "Father's Name", "Area"]
    rows = [["1", "Imran Ali", "Ali Ahmed", "Lyari"], header, ["2", "Rizwan Khan", "Khan Muhammad", "Malir"],
            [" S.No ", "NAME OF VICTIM", "Father's Name", ""], ["3", "Name of Victim", "Anwar Siddiqui", "Orangi"]]
    path = write_csv(tmp_path / "pages.csv", header, rows)
    result = import_either_way(workspace, path, monkeypatch, workers, "Pages (SYNTHETIC)", chunk_rows=2)
    assert sorted(by_id(workspace, result.document_id)) == ["1", "2", "3"]
    assert [p.row for p in result.problems if "repeats the header" in p.expected] == [3, 5]


def test_a_list_written_in_urdu(workspace, tmp_path: Path) -> None:
    """Headers, digits, dates, violation words and places in Urdu (SYNTHETIC)."""
    header = ["نمبر شمار", "نام", "ولدیت", "عمر", "تاریخ", "مقام", "واقعہ"]
    rows = [["1", "محمد علی", "غلام نبی", "۲۵", "۱۴ جون ۱۹۹۵", "لیاری", "قتل"],
            ["2", "عمران خان", "خان محمد", "30", "15/06/1995", "ملیر", "لاپتہ"]]
    result = import_file(workspace, write_csv(tmp_path / "urdu.csv", header, rows), source="Urdu list (SYNTHETIC)",
                         progress=False)
    assert [result.mapping.columns[h] for h in header] == [
        "record_id", "name", "father_name", "age", "event_date", "event_place", "violation"]
    found = by_id(workspace, result.document_id)
    assert (found["1"].event_place, found["1"].violation, found["1"].birth_year_min) == ("Lyari Town", "killing", 1969)
    assert (found["2"].event_place, found["2"].violation) == ("Malir Town", "enforced_disappearance")
    assert not [p for p in result.problems if p.severity != "info"]


@pytest.mark.parametrize("workers", [0, 2])
def test_a_name_in_columns_of_its_own(workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    """'First Name' and 'Last Name' (or 'Name' and 'Surname'), SYNTHETIC: one name, given names
    first; a part already written in the name is not repeated; the raw row keeps each cell."""
    header = ["ID", "First Name", "Last Name", "Father Name", "Place"]
    rows = [["1", "Owais", "Qureshi", "Anwar Qureshi", "Lyari"], ["2", "Muhammad Ali", "", "Ghulam Nabi", "Malir"],
            ["3", "", "Siddiqui", "", "Orangi"], ["4", "Mst. Zainab", "Bibi", "Aslam", "Korangi"]]
    path = write_csv(tmp_path / "first_last.csv", header, rows)
    result = import_either_way(workspace, path, monkeypatch, workers, "First-last (SYNTHETIC)", chunk_rows=2)
    assert (result.mapping.columns["First Name"], result.mapping.columns["Last Name"]) == ("given_name", "family_name")
    found = by_id(workspace, result.document_id)
    assert {k: r.name_raw for k, r in found.items()} == {
        "1": "Owais Qureshi", "2": "Muhammad Ali", "3": "Siddiqui", "4": "Mst. Zainab Bibi"}
    assert found["4"].sex == "female" and found["1"].raw["Last Name"] == "Qureshi"
    assert any(p.column == "First Name" and p.value == "Mst." for p in result.problems)

    surname = write_csv(tmp_path / "surname.csv", ["S.No", "Name", "Surname"],
                        [["1", "Kamran", "Baloch"], ["2", "Kamran Baloch", "Baloch"]])
    again = import_file(workspace, surname, source="Surname (SYNTHETIC)", progress=False)
    assert {k: r.name_raw for k, r in by_id(workspace, again.document_id).items()} == {
        "1": "Kamran Baloch", "2": "Kamran Baloch"}


def test_a_column_named_vaguely_is_read_by_its_words(workspace, tmp_path: Path) -> None:
    """'Type' and 'Who' say nothing known; their values (SYNTHETIC) are nearly all words of what
    happened and of who did it, and no other column is: they become the violation and perpetrator.
    A column of other words stays in the raw row."""
    header = ["Sr.", "Name", "Type", "Who", "Area", "Colour"]
    rows = [["1", "Imran Ali", "Killed", "Rangers", "Lyari", "Red"],
            ["2", "Rizwan Khan", "Missing", "Police", "Malir", "Blue"],
            ["3", "Asif Iqbal", "Picked up", "Agencies", "Orangi", "Green"],
            ["4", "Kamran Raza", "Killed", "FC", "Korangi", "Red"],
            ["5", "Naveed Akhtar", "Tortured", "Police", "Landhi", "Blue"]]
    result = import_file(workspace, write_csv(tmp_path / "vague.csv", header, rows), source="Vague (SYNTHETIC)",
                         progress=False)
    columns = result.mapping.columns
    assert (columns["Type"], columns["Who"], columns["Colour"]) == ("violation", "perpetrator", None)
    found = by_id(workspace, result.document_id)
    assert (found["3"].violation, found["4"].perpetrator_category) == ("enforced_disappearance", "paramilitary")


def test_a_case_number_shared_by_the_people_of_one_case_is_no_record_id(workspace, tmp_path: Path) -> None:
    """'Case No.' 12/95 for the three people killed in one incident (SYNTHETIC): a case number, not
    a person's id, so no one is rejected as a repeat; 'S.No' is the record id. An id repeated for the
    same name is still a repeat."""
    header = ["Case No.", "S.No", "Name of Victim", "Area"]
    rows = [["12/95", "1", "Imran Ali", "Lyari"], ["12/95", "2", "Rizwan Khan", "Lyari"],
            ["12/95", "3", "Asif Iqbal", "Lyari"], ["13/95", "4", "Kamran Raza", "Malir"],
            ["14/95", "5", "Naveed Akhtar", "Orangi"], ["14/95", "6", "Sajid Ali", "Orangi"]]
    result = import_file(workspace, write_csv(tmp_path / "cases.csv", header, rows), source="Cases (SYNTHETIC)",
                         progress=False)
    assert (result.mapping.columns["Case No."], result.mapping.columns["S.No"]) == (None, "record_id")
    assert result.imported == 6 and result.rejected == 0
    assert by_id(workspace, result.document_id)["2"].raw["Case No."] == "12/95"

    repeated = write_csv(tmp_path / "repeated.csv", ["Case No.", "Name of Victim"],
                         [["1", "Imran Ali"], ["2", "Rizwan Khan"], ["2", "Rizwan Khan"], ["3", "Asif Iqbal"]])
    again = import_file(workspace, repeated, source="Cases (SYNTHETIC)", progress=False)
    assert again.mapping.columns["Case No."] == "record_id" and again.rejected == 1


def test_a_husbands_name_column_states_the_relation(workspace, tmp_path: Path) -> None:
    """'Husband's Name' (SYNTHETIC) is the husband's: wife_of, like 'W/O' in a cell; 'Father/Husband
    Name' says nothing; a relation written in the cell wins."""
    rows = [["1", "Zainab", "Aslam"], ["2", "Rani Bibi", "Akbar Khan"], ["3", "Imran", "S/O Akbar"]]
    husbands = import_file(workspace, write_csv(tmp_path / "husbands.csv", ["S.No", "Name", "Husband's Name"], rows),
                           source="Husbands (SYNTHETIC)", progress=False)
    found = by_id(workspace, husbands.document_id)
    assert [(found[k].relation, found[k].father_name) for k in "123"] == [
        ("wife_of", "Aslam"), ("wife_of", "Akbar Khan"), ("son_of", "Akbar")]
    either_path = write_csv(tmp_path / "either.csv", ["S.No", "Name", "Father/Husband Name"], rows[:1])
    either = import_file(workspace, either_path,
                         source="Either (SYNTHETIC)", progress=False)
    assert by_id(workspace, either.document_id)["1"].relation is None


def test_a_json_array_file_imports_like_json_lines(workspace, tmp_path: Path) -> None:
    """An export as one JSON array (SYNTHETIC) imports every object; a broken one fails whole."""
    objects = [{"id": "a1", "name": "Imran Ali", "date": "1995-06-14", "place": "Lyari"},
               {"id": "a2", "name": "Rizwan Khan", "date": "1995-06-15", "place": "Malir"}]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(objects, indent=2), encoding="utf-8")
    result = import_file(workspace, path, source="Export (SYNTHETIC)", progress=False)
    assert result.imported == 2 and result.rejected == 0
    assert by_id(workspace, result.document_id)["a2"].event_place == "Malir Town"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(objects, indent=2)[:-40], encoding="utf-8")
    with pytest.raises(ImportFailed, match="not valid JSON|not closed"):
        import_file(workspace, broken, source="Export (SYNTHETIC)", progress=False)
    assert by_id(workspace, result.document_id).keys() == {"a1", "a2"}


def test_a_name_kept_back_is_no_name() -> None:
    """'Name withheld', 'Not disclosed', 'Confidential' (a family's wish) give no name parts, as
    'Unidentified' does; the cell stays as written in name_raw and the raw row."""
    from uncounted.ingest.normal import name_parts_and_sex

    for cell in ("Name withheld", "NAME WITHHELD", "Not disclosed", "Confidential", "Unidentified"):
        assert name_parts_and_sex(cell) == (None, None, None), cell
    assert name_parts_and_sex("Ali Raza")[0] is not None
