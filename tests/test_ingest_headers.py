"""The header matcher and mapping files. Headers here are written the way other groups write them,
not copied from the simulator's files, so that the matcher is tested as a general matcher."""

from __future__ import annotations

from pathlib import Path

import pytest

from uncounted.errors import ImportFailed
from uncounted.ingest import Mapping, detect_mapping
from uncounted.ingest.headers import field_scores, header_tokens, hxl_field, match_columns

DATA = Path(__file__).parent / "data" / "ingest"

# header as written -> the field it must map to (a mix of layouts, spellings and typos)
EXPECTED = {
    "Sr. No.": "record_id", "S/N": "record_id", "Ref #": "record_id", "CaseID": "record_id",
    "Registration No": "record_id",
    "Victim's Full Name": "name", "NAME OF THE DISAPPEARED": "name", "victimName": "name", "Deceased": "name",
    "Name of Missing Person": "name",
    "Father/Husband Name": "father_name", "S/O": "father_name", "Parentage": "father_name",
    "Father's name (S/O)": "father_name",
    "Gender": "sex", "M/F": "sex",
    "Age (yrs)": "age", "Approx. age": "age", "Age at time of arrest": "age",
    "Year of Birth": "birth_year", "DOB": "birth_year",
    "Ethnicity": "community", "Profession": "occupation", "Occuption": "occupation",
    "Home address": "residence", "R/O": "residence",
    "Type of Violation": "violation", "Cause of death": "violation", "Nature of incident": "violation",
    "Date of Enforced Disappearance": "event_date", "Date of arrest/abduction": "event_date",
    "Missing since": "event_date", "Date Received": "event_date",
    "Place of abduction": "event_place", "Mohalla": "event_place", "Location of incident": "event_place",
    "Tehsil": "event_place",
    "District": "district", "Province": "district",
    "Alleged Perpetrator(s)": "perpetrator", "Abducted by": "perpetrator", "Perpetrater": "perpetrator",
    "Current status": "victim_status", "Whereabouts": "victim_status",
    "Custody acknowledged?": "custody_acknowledged",
    "Level of certainty": "certainty", "Reliability": "certainty",
    "Remarks": "notes", "Other details": "notes",
    "Name & Parentage": "name",  # one cell with "X s/o Y": the name parser splits it
    "First name": "given_name", "Forename": "given_name", "Last Name": "family_name", "Surname": "family_name",
    "Forces believed responsible": "perpetrator", "Identity document number": "id_number",
    "Steps taken by the family": "notes", "No. of victims": "people_count", "Casualties": "people_count",
    # abbreviations, bracketed asides and South-Asian register words
    "D.O.I": "event_date", "D.O.B": "birth_year", "DOD": "event_date", "Name (as reported)": "name",
    "Wald": "father_name", "Walad": "father_name", "F/Name": "father_name", "Name of Shaheed": "name",
    "Brought From": "event_place", "Picked up from": "event_place", "Abducted on": "event_date",
    "Police Station": "event_place", "Status (Missing/Found)": "victim_status",
    "P.S.": "event_place", "P.S": "event_place", "N.I.C. No.": "id_number", "Dt. of Incident": "event_date",
    "Date & Place of Incident": "date_place", "Place and date of death": "date_place", "When & Where": "date_place",
    "Place of Incident": "event_place",
    # Urdu headers
    "نمبر شمار": "record_id", "نام": "name", "ولدیت": "father_name", "عمر": "age", "تاریخ واقعہ": "event_date",
    "علاقہ": "event_place", "ضلع": "district", "کیفیت": "notes",
}


@pytest.mark.parametrize("header, field", sorted(EXPECTED.items()))
def test_common_headers_are_recognised(header: str, field: str) -> None:
    [(best, score), *_] = field_scores(header)
    assert (best, score >= 0.6) == (field, True)


@pytest.mark.parametrize("header", ["Newspaper", "Scanned form", "Source", "Photo", "Date reported", "Entered by"])
def test_unrelated_headers_stay_unmapped(header: str) -> None:
    [match] = match_columns([header])
    assert match.field is None


def test_tokens_normalise_punctuation_possessives_and_relations() -> None:
    assert header_tokens("Father's Name (S/O)") == ("father", "name", "s_o")
    assert header_tokens("victim_full-name") == ("victim", "full", "name")
    assert header_tokens("Sr #") == ("sr", "no")


def test_each_field_goes_to_one_column_the_best_one() -> None:
    headers = ["Name", "Father's Name", "Name (Urdu)", "Date of Incident", "Date reported", "Type of violation"]
    mapping = detect_mapping(headers)
    assert mapping.columns == {"Name": "name", "Father's Name": "father_name", "Name (Urdu)": None,
                               "Date of Incident": "event_date", "Date reported": None,
                               "Type of violation": "violation"}
    assert mapping.unmapped == ["Name (Urdu)", "Date reported"]


@pytest.mark.parametrize("tag, field", [
    ("#affected+killed", "indicator:killing"), ("#date+occurred", "event_date"), ("#loc", "event_place"),
    ("#adm2", "district"), ("#meta+id", "record_id"), ("#affected +x_disappeared", "indicator:disappearance"),
    ("#Date +Occurred", "event_date"), ("#affected+name", "name"), ("#group+perpetrator", "perpetrator"),
])
def test_hxl_hashtags(tag: str, field: str) -> None:
    assert hxl_field(tag)[0] == field


def test_hxl_tags_win_over_the_human_header() -> None:
    mapping = detect_mapping(["When", "Who"], ["#date+occurred", "#affected+name"])
    assert mapping.columns == {"When": "event_date", "Who": "name"}
    assert mapping.origin["When"] == "hxl"


def test_mapping_file_round_trip(tmp_path: Path) -> None:
    detected = detect_mapping(["S.No", "Deceased", "Cause of Death", "Newspaper"])
    detected.date_order = "mdy"
    detected.two_digit_year_pivot = 25
    detected.vocabulary = {"violation": {"gunshot injuries": "killing"}}
    path = detected.save(tmp_path / "m.toml")
    loaded = Mapping.load(path)
    assert loaded.columns == detected.columns
    assert (loaded.date_order, loaded.two_digit_year_pivot) == ("mdy", 25)
    assert loaded.vocabulary == {"violation": {"gunshot injuries": "killing"}}
    assert set(loaded.origin.values()) == {"mapping file"}


def test_mapping_file_columns_win_and_others_are_detected() -> None:
    base = Mapping.load(DATA / "morgue_mapping.toml")
    mapping = detect_mapping(["Entry No", "Deceased", "Brought From", "Sex"], base=base)
    assert mapping.columns["Brought From"] == "event_place"
    assert mapping.origin["Brought From"] == "mapping file"
    assert (mapping.columns["Sex"], mapping.origin["Sex"]) == ("sex", "header")


@pytest.mark.parametrize("text, message", [
    ('[columns]\n"Name" = "nmae"\n', "not a field"),
    ('[columns]\n"A" = "name"\n"B" = "name"\n', "one column only"),
    ('date_order = "dd/mm"\n', "date_order"),
    ('two_digit_year_pivot = 150\n', "0-99"),
    ('[vocabulary.weather]\n"rain" = "killing"\n', "unknown vocabulary"),
    ('colums = 1\n', "unknown setting"),
    ('[columns\n', "not valid TOML"),
])
def test_mapping_file_mistakes_are_explained(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailed, match=message):
        Mapping.load(path)


@pytest.mark.parametrize("header", ["Age/Sex", "Age / Gender", "Sex/Age", "AGE & SEX", "Age-Sex", "Gender/Age",
                                    "Age and sex of victim", "Age/Gender (M/F)", "عمر / جنس"])
def test_age_and_sex_in_one_column(header: str) -> None:
    [(best, score), *_] = field_scores(header)
    assert (best, score >= 0.8) == ("age_sex", True)
    [match] = match_columns([header])
    assert match.field == "age_sex"


def test_age_and_sex_columns_of_their_own_stay_age_and_sex() -> None:
    fields = {m.column: m.field for m in match_columns(["Name", "Age", "Sex", "Gender of reporter"])}
    assert (fields["Age"], fields["Sex"]) == ("age", "sex")
    fields = {m.column: m.field for m in match_columns(["Name", "Age (yrs)", "Age/Sex"])}
    assert (fields["Age (yrs)"], fields["Age/Sex"]) == ("age", "age_sex")


def test_cells_with_no_known_word_are_ruled_out_exactly() -> None:
    """``field_scores`` skips a cell none of whose words is (or is a typo of) a word of some field's
    headers. Such a cell must score zero for every field when scored in full (SYNTHETIC cells)."""
    from uncounted.ingest import headers as h

    cells = ["Muhammad Hussain Qureshi", "Zainab Bibi w/o Aslam", "19/06/1992", "Lyari", "Killed", "Picked up",
             "Released", "SYNTHETIC", "Nazimabad Block 2", "Paramilitary", "Perpetrater", "Occuption", "Fathr Name",
             "Name of Victm", "Date of Incidnt", "Remarks", "Incident Type", "Entry No", "S/O", "Age (yrs)",
             "Cause of Death", "Gunshot injuries", "Karachi Central", "Orangi Town", "Soldier Bazar"]
    cells += [variant for variants in h.VARIANTS.values() for variant in variants]
    ruled_out = 0
    for cell in cells:
        readings = [h.header_tokens(cell)]
        if not any(h._known_token(token) for tokens in readings for token in tokens):
            ruled_out += 1
            assert all(h._reading_score(readings[0], variants, field) == 0
                       for field, variants in h._VARIANT_TOKENS.items()), cell
    assert 5 <= ruled_out < len(cells) - 50
