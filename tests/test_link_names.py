"""Name variants at the comparison level: what the linkage model sees for a pair of names.

Every name here is invented for the test (SYNTHETIC).
"""

from __future__ import annotations

import pandas as pd
import pytest

from uncounted.link.model import field_levels
from uncounted.link.prepare import prepare_reports

STRONG = {"same canonical name", "same name tokens, other order or optional tokens",
          "one letter apart", "one name's tokens all in the other"}
NONE = "All other comparisons"

SAME_PERSON = [
    ("Muhammad Iqbal", "Mohd. Iqbal"),
    ("Muhammad Iqbal", "Md Iqbal"),
    ("Mohammed Iqbal", "Iqbal"),
    ("Abdul Rehman", "Abdur Rahman"),
    ("Abdul Rehman", "Abd-ur-Rehman"),
    ("Salahuddin Qureshi", "Salah-ud-Din Qureshi"),
    ("Rahmatullah", "Rehmat Ullah"),
    ("Syed Ali Raza", "Ali Raza"),
    ("Haji Nasir Khan", "Nasir Khan"),
    ("Ali Khan", "Khan, Ali"),
    ("Yousuf Baig", "Yusuf Baig"),
    ("Zubair Ahmed", "Zubair Ahmad"),
    ("Kamran Ansari", "Kanran Ansari"),  # one typo
    ("Rehman Siddiqui", "Rahman Siddiqi"),
    ("Muhammad Iqbal s/o Abdul Ghafoor", "Mohd Iqbal"),
    ("Tariq Mehmood", "Tariq Mahmood Khan"),
]

DIFFERENT_PEOPLE = [
    ("Rehman", "Rehana"),
    ("Nasir", "Nasreen"),
    ("Zubair", "Zubaida"),
    ("Hasan", "Husain"),
    ("Ahmed Kazmi", "Hasan Kazmi"),
    ("Javed Iqbal", "Khalid Mehmood"),
]


def _levels(pairs: list[tuple[str, str]]) -> list[str]:
    rows = []
    for i, (a, b) in enumerate(pairs):
        rows.append({"report_key": f"{i}:l", "source": "a", "name_raw": a})
        rows.append({"report_key": f"{i}:r", "source": "b", "name_raw": b})
    prepared = prepare_reports(pd.DataFrame(rows)).set_index("report_key")
    return [
        field_levels(prepared.loc[f"{i}:l"].to_dict(), prepared.loc[f"{i}:r"].to_dict(), fields=["name"])["name"]
        for i in range(len(pairs))
    ]


@pytest.mark.parametrize("pair", SAME_PERSON, ids=[f"{a}~{b}" for a, b in SAME_PERSON])
def test_variants_of_one_name_fall_in_a_strong_level(pair):
    (level,) = _levels([pair])
    assert level in STRONG, f"{pair} compared as {level!r}"


@pytest.mark.parametrize("pair", DIFFERENT_PEOPLE[:4], ids=[f"{a}/{b}" for a, b in DIFFERENT_PEOPLE[:4]])
def test_gendered_and_vowel_different_names_do_not_match(pair):
    (level,) = _levels([pair])
    assert level == NONE, f"{pair} compared as {level!r}"


@pytest.mark.parametrize("pair", DIFFERENT_PEOPLE[4:], ids=[f"{a}/{b}" for a, b in DIFFERENT_PEOPLE[4:]])
def test_different_given_names_stay_out_of_strong_levels(pair):
    (level,) = _levels([pair])
    assert level not in STRONG, f"{pair} compared as {level!r}"


def test_father_name_is_parsed_from_the_raw_name_and_compared():
    prepared = prepare_reports(pd.DataFrame([
        {"report_key": "a:1", "source": "a", "name_raw": "Muhammad Iqbal s/o Abdul Ghafoor"},
        {"report_key": "b:1", "source": "b", "name_raw": "Iqbal", "father_name": "Abdul Ghafoor"},
        {"report_key": "c:1", "source": "c", "name_raw": "Iqbal"},
    ])).set_index("report_key")
    assert prepared.loc["a:1", "father_key"] == prepared.loc["b:1", "father_key"]
    both = field_levels(prepared.loc["a:1"].to_dict(), prepared.loc["b:1"].to_dict(), fields=["name", "father"])
    assert both == {"name": "same canonical name", "father": "same canonical name"}
    missing = field_levels(prepared.loc["a:1"].to_dict(), prepared.loc["c:1"].to_dict(), fields=["father"])
    assert missing["father"] != "same canonical name"


def test_month_only_date_overlaps_any_day_of_that_month():
    prepared = prepare_reports(pd.DataFrame([
        {"report_key": "a:1", "source": "a", "name_raw": "Ali", "event_date_start": "1995-03-01",
         "event_date_precision": "month"},
        {"report_key": "b:1", "source": "b", "name_raw": "Ali", "event_date_start": "1995-03-27",
         "event_date_precision": "day"},
        {"report_key": "c:1", "source": "c", "name_raw": "Ali", "event_date_start": "1995-04-02",
         "event_date_precision": "day"},
    ])).set_index("report_key")
    assert prepared.loc["a:1", "event_day_end"] - prepared.loc["a:1", "event_day_start"] == 30
    level = lambda x, y: field_levels(prepared.loc[x].to_dict(), prepared.loc[y].to_dict(),
                                      fields=["event_date"])["event_date"]
    assert level("a:1", "b:1") == "ranges overlap"
    assert level("b:1", "c:1") == "within a month"
    assert level("a:1", "c:1") == "within 3 days"  # 2 April is two days after the end of March
