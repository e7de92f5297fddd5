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
    ("Muhammad Iqbal \u2013 son of Abdul Ghafoor", [], ["Muhammad", "Iqbal"], None, "son_of", "Abdul Ghafoor"),
    ("Muhammad Iqbal \u2014 s/o Abdul Ghafoor", [], ["Muhammad", "Iqbal"], None, "son_of", "Abdul Ghafoor"),
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


# ---- habits of lists made elsewhere -------------------------------------------------------------

@pytest.mark.parametrize("text,given,family", [
    ("QURESHI, OWAIS", ["OWAIS"], "QURESHI"),
    ("Khan, Muhammad Iqbal", ["Muhammad", "Iqbal"], "Khan"),
    ("LASHARI, FAISAL", ["FAISAL"], "LASHARI"),  # a family name not in the list: the comma says it
    ("Siddiqui, M. Iqbal Shah", ["M.", "Iqbal", "Shah"], "Siddiqui"),
])
def test_family_name_written_first_with_one_comma(text, given, family):
    parsed = parse_name(text)
    assert (parsed.given, parsed.family, parsed.relation) == (given, family, None)
    assert parsed.own_name.endswith(family)


@pytest.mark.parametrize("text", ["Ali, Raza and Hussain", "Ali, Raza & Hussain", "Ali, Raza, Hussain",
                                  "Muhammad Ali, Karachi", "Ali, 32"])
def test_lists_and_descriptions_after_a_comma_are_not_turned_round(text):
    parsed = parse_name(text)
    assert parsed.family is None or parsed.family != text.split(",")[0].strip()


def test_comma_before_a_relation_is_not_a_family_name():
    parsed = parse_name("Ali Raza, s/o Akbar")
    assert (parsed.given, parsed.family, parsed.relation, parsed.relative_name) == (["Ali", "Raza"], None, "son_of",
                                                                                  "Akbar")
    parsed = parse_name("Owais, S/O Tariq")
    assert (parsed.given, parsed.family, parsed.relative_name) == (["Owais"], None, "Tariq")
    parsed = parse_name("QURESHI, OWAIS s/o TARIQ")
    assert (parsed.given, parsed.family, parsed.relative_name) == (["OWAIS"], "QURESHI", "TARIQ")


@pytest.mark.parametrize("text,given,relation,relative,aliases", [
    ("Abdul Ghafoor (son of Rasool Bakhsh)", ["Abdul", "Ghafoor"], "son_of", "Rasool Bakhsh", []),
    ("Abdul Ghafoor (s/o Rasool Bakhsh) r/o Lyari", ["Abdul", "Ghafoor"], "son_of", "Rasool Bakhsh", []),
    ("Rani [w/o Aslam]", ["Rani"], "wife_of", "Aslam", []),
    ("Ali (Bablu)", ["Ali"], None, None, ["Bablu"]),  # a bracket without a relation is still an alias
    ("Ali (Bablu) s/o Akbar", ["Ali"], "son_of", "Akbar", ["Bablu"]),
])
def test_relation_clause_in_brackets(text, given, relation, relative, aliases):
    parsed = parse_name(text)
    assert (parsed.given, parsed.relation, parsed.relative_name, parsed.aliases) == (given, relation, relative, aliases)
    assert not any(ch in " ".join([*parsed.given, parsed.relative_name or ""]) for ch in "()[]")


@pytest.mark.parametrize("text,relation,rest", [
    ("W/O ASLAM", "wife_of", "ASLAM"),
    ("S/O Abdul Rehman", "son_of", "Abdul Rehman"),
    ("d/o Karim", "daughter_of", "Karim"),
    ("s.o. Tariq", "son_of", "Tariq"),
    ("Wife of Aslam", "wife_of", "Aslam"),
    ("(s/o Ali)", "son_of", "Ali"),
    ("Aslam", None, "Aslam"),
    ("Bin Yamin", None, "Bin Yamin"),  # "bin" leading a cell is a name
    ("Walad Khan", None, "Walad Khan"),
    ("S/O", None, "S/O"),  # a marker with no name after it is left as written
])
def test_relation_leading_a_relatives_cell(text, relation, rest):
    from uncounted.normalize.names import split_relation_prefix

    assert split_relation_prefix(text) == (relation, rest)


@pytest.mark.parametrize("text,sex", [
    ("Unknown male", "male"), ("Unidentified", None), ("UNIDENTIFIED BODY", None), ("Na-maloom", None),
    ("unknown person (male)", "male"), ("N/A", None), ("Unidentified woman, aged about 30", "female"),
    ("la-waris", None), ("نامعلوم", None), ("Unknown (female)", "female"), ("not identified", None),
])
def test_unidentified_persons_have_no_name(text, sex):
    from uncounted.normalize.names import is_unidentified

    parsed = parse_name(text)
    assert is_unidentified(text) and parsed.unidentified and parsed.raw == text
    assert (parsed.given, parsed.family, parsed.honorifics, parsed.own_name) == ([], None, [], "")
    assert sex_from_name(parsed) == sex


@pytest.mark.parametrize("text", ["Unknown Khan", "Ali", "Nameless Ali", "Mai", "Bibi"])
def test_names_that_only_look_unidentified_are_names(text):
    parsed = parse_name(text)
    assert not parsed.unidentified and parsed.own_name


@pytest.mark.parametrize("text,sex,honorifics", [
    ("Bibi Fatima", "female", ["Bibi"]),
    ("Mai Jamalo", "female", ["Mai"]),
    ("Mussammat Rani", "female", ["Mussammat"]),
    ("Begum Nusrat", "female", ["Begum"]),
    ("Bibi", None, []),  # alone it is the name
])
def test_female_titles_before_a_name(text, sex, honorifics):
    parsed = parse_name(text)
    assert (sex_from_name(parsed), parsed.honorifics) == (sex, honorifics)


# ---- names written plainly: the shortcut gives what parse_name gives ------------------------------
_PLAIN_WORDS = ["Ali", "Khan", "Abdul", "ur", "Rehman", "Ghulam", "Shaheed", "Ullah", "Rahmat", "Allah", "Ditta", "Ziaul",
                "Haq", "Abd", "al", "Din", "M", "Muhammad", "Mohd", "Syed", "Mst", "Bibi", "Muhammad", "Abdul", "Rehman", "Bin", "bin", "so", "S/O", "s/o",
                "d/o", "W/O", "son", "of", "daughter", "Unknown", "male", "late", "Late", "alias", "urf", "r/o",
                "resident", "Sahib", "Begum", "Haji", "Shaheed", "Mirza", "Baig", "c/o", "N", "A", "na", "Ullah"]


def _parsed_parts(text: str) -> tuple:
    from uncounted.normalize.namekey import name_key

    parsed = parse_name(text)
    sex = sex_from_name(parsed)
    return (tuple(parsed.honorifics), tuple(parsed.given), parsed.family, parsed.relation, parsed.relative_name,
            name_key(text), sex)


def _plain_parts(text: str) -> tuple | None:
    from uncounted.normalize.names import own_name_parts, relative_name, split_plain_name
    from uncounted.normalize.namekey import plain_name_key

    plain = split_plain_name(text)
    if plain is None:
        return None
    own, relation, relative = plain
    honorifics, given, family, suffixes, _ = own_name_parts(own)
    sex = sex_from_name(ParsedName(raw=own, honorifics=list(honorifics), suffixes=list(suffixes),
                                   relation=relation))
    return (honorifics, given, family, relation, relative_name(relative)[0] if relative else None, plain_name_key(own),
            sex)


@pytest.mark.parametrize("text", ["Ali Khan s/o Akbar", "Nasreen daughter of Ali Usmani", "Ali Khan", "Mst Zainab W/O Ali",
                                  "Haji Ali son of Late Akbar", "Ali c/o Akbar", "Ahmed bin Saleh"])
def test_plain_names_take_the_shortcut_and_agree_with_parse_name(text: str) -> None:
    assert _plain_parts(text) is not None
    assert _plain_parts(text) == _parsed_parts(text)


@pytest.mark.parametrize("text", ["Bin Yamin", "Ali s/o Ahmed s/o Karim", "Unknown male", "Ali  Khan", " Ali", "Ali s/o",
                                  "Ali alias Bala", "Ali r/o Lyari", "Ali (Bala) Khan", "QURESHI, OWAIS", "M. Ali",
                                  "Ali s/o Ahmed r/o Lyari", "na", "Ali son Akbar"])
def test_names_not_written_plainly_go_to_the_full_parser(text: str) -> None:
    from uncounted.normalize.names import split_plain_name

    assert split_plain_name(text) is None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PLAIN_WORDS), min_size=1, max_size=6))
def test_any_plain_name_agrees_with_parse_name(words: list[str]) -> None:
    text = " ".join(words)
    plain = _plain_parts(text)
    if plain is not None:
        assert plain == _parsed_parts(text)


_TITLE_WORDS = ["Mst.", "Mrs", "Mr", "Haji", "Begum", "Bibi", "Syed", "Dr.", "Sahib", "Maulana", "Miss", "Ali", "Late"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TITLE_WORDS), max_size=3), st.lists(st.sampled_from(_TITLE_WORDS), max_size=2))
def test_title_sex_reads_titles_as_sex_from_name_and_sex_evidence(honorifics: list[str], suffixes: list[str]) -> None:
    from uncounted.normalize.names import sex_evidence, title_sex

    parsed = ParsedName(raw="x", honorifics=list(honorifics), suffixes=list(suffixes))
    sex = sex_from_name(parsed)
    assert title_sex(tuple(honorifics), tuple(suffixes)) == (sex, sex_evidence(parsed) if sex else None)


_PLAIN_WORDS = ["Abdul", "Rehman", "Lateef", "Shaheedullah", "Sonia", "Binyamin", "Ibnat", "Wafa", "Also", "Known",
                "As", "Son", "Of", "bin", "Late", "late", "Marhoom", "Shaheed", "Urf", "Alias", "Resident", "sakin",
                "Walad", "Wife", "Daughter", "Mrhm", "Kamran", "KHAN", "ali", "Akbar", "S", "O", "Syed", "Mst"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PLAIN_WORDS), min_size=1, max_size=5))
def test_a_relatives_name_of_plain_words_is_read_as_in_full(words: list[str]) -> None:
    """The relative's name after a marker ("Ali s/o <text>") takes a shortcut when it is plain words
    with no marker or 'late' word in it; the shortcut must give what the full reading gives."""
    from uncounted.normalize import names

    text = " ".join(words)
    if names._nothing_to_cut(text):
        assert names._read_relative(text) == (text, False)
    assert names._relative(text) == names._read_relative(text)
