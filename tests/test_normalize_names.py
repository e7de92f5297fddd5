"""parse_name: honorifics, given names, family name, relation markers, aliases and residence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from uncounted.normalize.names import ParsedName, parse_name, sex_from_name

# text -> (honorifics, given, family, relation, relative_name)
CASES = [
    ("Muhammad Iqbal s/o Abdul Ghafoor", [], ["Muhammad", "Iqbal"], None, "son_of", "Abdul Ghafoor"),
    ("Muhammad Iqbal S/O Abdul Ghafoor", [], ["Muhammad", "Iqbal"], None, "son_of", "Abdul Ghafoor"),
    ("Muhammad Iqbal s.o. Abdul Ghafoor", [], ["Muhammad", "Iqbal"], None, "son_of", "Abdul Ghafoor"),
    ("Muhammad Iqbal S/o. Abdul Ghafoor", [], ["Muhammad", "Iqbal"], None, "son_of", "Abdul Ghafoor"),
    ("Muhammad Iqbal son of Abdul Ghafoor", [], ["Muhammad", "Iqbal"], None, "son_of", "Abdul Ghafoor"),
    ("Muhammad Iqbal, s/o Abdul Ghafoor", [], ["Muhammad", "Iqbal"], None, "son_of", "Abdul Ghafoor"),
    ("Muhammad Iqbal s/o Late Abdul Ghafoor", [], ["Muhammad", "Iqbal"], None, "son_of", "Abdul Ghafoor"),
    ("Muhammad Iqbal s/o Abdul Ghafoor (late)", [], ["Muhammad", "Iqbal"], None, "son_of", "Abdul Ghafoor"),
    ("Nasreen d/o Abdul Ghafoor", [], ["Nasreen"], None, "daughter_of", "Abdul Ghafoor"),
    ("Nasreen D/O Abdul Ghafoor", [], ["Nasreen"], None, "daughter_of", "Abdul Ghafoor"),
    ("Nasreen daughter of Abdul Ghafoor", [], ["Nasreen"], None, "daughter_of", "Abdul Ghafoor"),
    ("Mst. Zainab w/o Muhammad Ali", ["Mst."], ["Zainab"], None, "wife_of", "Muhammad Ali"),
    ("Zainab widow of Muhammad Ali", [], ["Zainab"], None, "wife_of", "Muhammad Ali"),
    ("Ahmed bin Saleh", [], ["Ahmed"], None, "son_of", "Saleh"),
    ("Ahmed ibn Saleh", [], ["Ahmed"], None, "son_of", "Saleh"),
    ("Fatima binti Yusuf", [], ["Fatima"], None, "daughter_of", "Yusuf"),
    ("Fatima bint Yusuf", [], ["Fatima"], None, "daughter_of", "Yusuf"),
    ("Syed Muhammad Iqbal Shah", ["Syed"], ["Muhammad", "Iqbal"], "Shah", None, None),
    ("Dr. Abdul Qadeer Khan", ["Dr."], ["Abdul", "Qadeer"], "Khan", None, None),
    ("Mr Ali Raza Qureshi", ["Mr"], ["Ali", "Raza"], "Qureshi", None, None),
    ("Haji Ghulam Rasool", ["Haji"], ["Ghulam", "Rasool"], None, None, None),
    ("Haji Syed Ali Zaidi", ["Haji", "Syed"], ["Ali"], "Zaidi", None, None),
    ("Imran Quraishi", [], ["Imran"], "Quraishi", None, None),
    ("Kamran Siddiqi s/o Aslam", [], ["Kamran"], "Siddiqi", "son_of", "Aslam"),
    ("Mirza Baig", [], ["Mirza"], "Baig", None, None),
    ("Khan", [], ["Khan"], None, None, None),
    ("Bin Yamin", [], ["Bin", "Yamin"], None, None, None),
    ("Bin Yamin s/o Ashraf", [], ["Bin", "Yamin"], None, "son_of", "Ashraf"),
    ("M.A. Siddiqui", [], ["M.", "A."], "Siddiqui", None, None),
    ("Ali Ahmed s/o Karim s/o Rahim", [], ["Ali", "Ahmed"], None, "son_of", "Karim"),
    ("  Muhammad   Iqbal  ", [], ["Muhammad", "Iqbal"], None, None, None),
]


@pytest.mark.parametrize("text,honorifics,given,family,relation,relative", CASES)
def test_parse_name(text, honorifics, given, family, relation, relative):
    parsed = parse_name(text)
    assert parsed.raw == text
    assert parsed.honorifics == honorifics
    assert parsed.given == given
    assert parsed.family == family
    assert parsed.relation == relation
    assert parsed.relative_name == relative


@pytest.mark.parametrize("text,dead", [("Late Muhammad Ali", True), ("Muhammad Ali (Late)", True), ("Muhammad Ali Marhoom", True),
                                       ("Shaheed Muhammad Ali", True), ("Muhammad Ali s/o Late Ahmed", False), ("Shahid Ali", False)])
def test_deceased_person_is_noted(text, dead):
    assert parse_name(text).deceased is dead


def test_deceased_relative_is_noted():
    assert parse_name("Iqbal s/o Late Abdul Ghafoor").relative_deceased
    assert parse_name("Iqbal s/o Marhoom Abdul Ghafoor").relative_deceased
    assert not parse_name("Iqbal s/o Abdul Ghafoor").relative_deceased


@pytest.mark.parametrize(
    "text,aliases",
    [
        ("Muhammad Ali @ Bala", ["Bala"]),
        ("Muhammad Ali alias Bala", ["Bala"]),
        ("Muhammad Ali urf Bala", ["Bala"]),
        ("Muhammad Ali (Bala)", ["Bala"]),
        ("Muhammad Ali @ Bala s/o Karim", ["Bala"]),
        ("Muhammad Ali", []),
    ],
)
def test_aliases(text, aliases):
    parsed = parse_name(text)
    assert parsed.aliases == aliases
    assert parsed.given == ["Muhammad", "Ali"]


def test_residence():
    parsed = parse_name("Muhammad Iqbal s/o Abdul Ghafoor r/o Lyari, Karachi")
    assert parsed.residence == "Lyari, Karachi"
    assert parsed.relative_name == "Abdul Ghafoor"
    assert parsed.given == ["Muhammad", "Iqbal"]


def test_trailing_courtesy_words_are_suffixes():
    parsed = parse_name("Zainab Bibi")
    assert parsed.given == ["Zainab"] and parsed.suffixes == ["Bibi"]
    assert parse_name("Iqbal Sahib").suffixes == ["Sahib"]


def test_keys_and_dict():
    parsed = parse_name("Syed Mohd. Iqbal Shah s/o Abdul Ghafoor")
    other = parse_name("Muhammad Iqbal Shah S/O Abd-ul-Ghafoor")
    assert parsed.key == other.key
    assert parsed.relative_key == other.relative_key
    data = parsed.to_dict()
    assert data["raw"] == "Syed Mohd. Iqbal Shah s/o Abdul Ghafoor"
    assert data["relation"] == "son_of" and data["key"] == parsed.key
    assert parsed.relative().given == ["Abdul", "Ghafoor"]
    assert parsed.own_name == "Mohd. Iqbal Shah"


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_names(text):
    parsed = parse_name(text)
    assert isinstance(parsed, ParsedName)
    assert parsed.given == [] and parsed.family is None and parsed.relation is None


@pytest.mark.parametrize(
    "text,sex",
    [
        ("Nasreen d/o Abdul Ghafoor", "female"),
        ("Zainab w/o Ali", "female"),
        ("Mst. Zainab", "female"),
        ("Mrs Khan", "female"),
        ("Zainab Bibi", "female"),
        ("Nasreen Begum", "female"),
        ("Fatima binti Yusuf", "female"),
        ("Ali s/o Karim", "male"),
        ("Ahmed bin Saleh", "male"),
        ("Mr Ali", "male"),
        ("Ali Raza", None),
        ("Dr. Nasreen", None),
    ],
)
def test_sex_from_name(text, sex):
    assert sex_from_name(parse_name(text)) == sex


def test_arabic_script_relation_marker():
    parsed = parse_name("محمد اقبال ولد عبدالغفور")
    assert parsed.relation == "son_of"
    assert parsed.relative_name == "عبدالغفور"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_parse_name_never_raises_and_keeps_raw(text):
    parsed = parse_name(text)
    assert parsed.raw == text
    sex_from_name(parsed)
