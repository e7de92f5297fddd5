"""The name model: canonical tokens, compounds, keys and similarity on romanised names."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from uncounted.normalize.namekey import (
    canonical_token,
    core_tokens,
    name_key,
    name_similarity,
    name_tokens,
    optional_tokens,
    own_name_part,
    token_similarity,
)

# Spellings of one name that must give one canonical token.
SAME_TOKEN = [
    ["Muhammad", "Mohammad", "Mohammed", "Muhammed", "Mohamed", "Mohamad", "Mohd", "Md", "MOHD.", "Muhamad"],
    ["Hussain", "Husain", "Hussein", "Husayn", "Hussayn", "Husein"],
    ["Abdul Rehman", "Abdur Rahman", "Abd-ur-Rehman", "Abdurrehman", "Abdulrahman", "Abd al-Rahman",
     "Abdel Rahman", "Abdur Rehman", "Abdurahman", "Abd-ul-Rahman"],
    ["Salahuddin", "Salah-ud-Din", "Salah ud Din", "Salah Uddin", "Salahudin", "Salah al-Din", "Salah-ud-Deen"],
    ["Rahmatullah", "Rehmat Ullah", "Rehmatullah", "Rahmat Ullah", "Rahmat-ullah", "Rehmat-Ullah"],
    ["Syed", "Sayed", "Sayyid", "Sayyed", "Saiyid"],
    ["Qureshi", "Quraishi", "Kureshi", "Qureshy", "Quraishy"],
    ["Farooq", "Faruq", "Farook", "Farooque", "Faruk"],
    ["Khurshid", "Khursheed"],
    ["Owais", "Uwais", "Awais", "Ovais", "Uvais"],
    ["Gohar", "Gauhar"],
    ["Waseem", "Wasim", "Vasim", "Waseem"],
    ["Javed", "Jawed", "Javaid", "Jawaid"],
    ["Abdullah", "Abdulla", "Abd Allah", "Abd-Allah"],
    ["Ziaulhaq", "Zia ul Haq", "Zia-ul-Haq", "Zia-ul-Haque"],
    ["Ahmed", "Ahmad"],
    ["Mehmood", "Mahmood", "Mahmud", "Mehmud", "Mehmood"],
    ["Ijaz", "Ejaz"],
    ["Usman", "Osman", "Uthman", "Othman"],
    ["Yousuf", "Yusuf", "Yousaf", "Yousef"],
    ["Naeem", "Nayeem"],
    ["Saeed", "Sayeed"],
    ["Shahzad", "Shehzad", "Shahzaad"],
    ["Rehman", "Rahman"],
    ["Sheikh", "Shaikh", "Shaykh"],
    ["Chaudhry", "Chaudhary", "Choudhry", "Chaudhri", "Ch."],
    ["Nasir", "Naseer", "Nasir"],
    ["Khalid", "Khaled", "Khaalid"],
    ["Tahir", "Taher", "Tahir"],
    ["Jafar", "Jaffer", "Jaffar"],
    ["Parvez", "Pervaiz", "Parvaiz", "Pervez"],
    ["Zubair", "Zubayr", "Zubeir"],
    ["Hassan", "Hasan"],
    ["Fatima", "Fatimah", "Fatema"],
    ["Aisha", "Ayesha", "Aysha"],
    ["Qasim", "Kasim", "Qassim"],
    ["Rafiq", "Rafique", "Rafeeq"],
    ["Tanveer", "Tanvir", "Tanwir"],
    ["Zeeshan", "Zishan"],
    ["Shaukat", "Shoukat", "Shokat"],
    ["Mustafa", "Mustapha", "Mustafaa"],
    ["Nooruddin", "Nur-ud-Din", "Noor ud Din", "Nuruddin"],
    ["Khairunnisa", "Khair-un-Nisa", "Khair un Nisa", "Khairun Nisa"],
    ["Fazal-ur-Rehman", "Fazlur Rehman", "Fazalurrehman", "Fazal ur Rahman"],
    ["Sanaullah", "Sana Ullah", "Sana-ullah"],
    ["Abdul Ghafoor", "Abdulghafoor", "Abd-ul-Ghafoor", "Abdul Ghafur"],
    ["Liaquat", "Liaqat"],
    ["Ali", "Aly", "Alee"],
    ["Ehsan", "Ihsan"],
    ["Umar", "Omar", "Umer"],
    ["Gohar", "Gowhar", "Gauhar"],
    ["Shaukat", "Shawkat", "Shoukat"],
    ["Khawaja", "Khwaja", "Khuwaja"],
    ["Liaquat", "Liakuat", "Liaqat"],
    ["Ghulam", "Gulam"],
    ["Mughal", "Mugal"],
    ["Qutubuddin", "Qutbuddin", "Qutb-ud-Din"],
    ["Fakhruddin", "Fakharuddin", "Fakhr-ud-Din"],
    ["Fazal", "Fazl"],
    ["Rahmatullah", "Rahmat Allah", "Rahmat-Allah"],
    ["Younus", "Yunus", "Younis"],
    ["Siddiqui", "Siddiqi", "Siddiqui"],
    ["Khalid", "Khaled"],
    ["Imtiaz", "Imtiyaz"],
    ["Riaz", "Riyaz"],
    ["Kulsoom", "Kulsum", "Kulthum"],
    ["Samina", "Thamina"],
    ["Shoaib", "Shuaib", "Shuayb", "Shoeb"],
    ["Ruqaiya", "Ruqayya", "Rukaiya", "Roqaya"],
    ["Obaidullah", "Ubaidullah", "Ubaid Ullah", "Obaid-ullah"],
    ["Abdul Wahab", "Abdulwahab", "Abdul Wahhab", "Abd al-Wahhab"],
]


def test_allah_first_names_are_not_joined_to_muhammad():
    assert name_tokens("Muhammad Allah Ditta") == [canonical_token("Muhammad"), canonical_token("Allah"), canonical_token("Ditta")]
    assert name_tokens("Allah Bakhsh") == [canonical_token("Allah"), canonical_token("Bakhsh")]

# Different names that spelling rules must not bring together.
DIFFERENT = [
    ("Rehman", "Rehana"), ("Nasir", "Nasreen"), ("Zubair", "Zubaida"), ("Hasan", "Husain"),
    ("Shahid", "Shahida"), ("Tahir", "Tahira"), ("Rashid", "Rashida"), ("Abid", "Abida"),
    ("Hamid", "Hamida"), ("Saeed", "Syed"), ("Hassan", "Hussain"),
    ("Javed", "Jamil"), ("Imran", "Irfan"), ("Kashif", "Kashifa"),
    ("Amir", "Umair"), ("Orangi", "Korangi"), ("Nadeem", "Nadia"),
    ("Shakeel", "Shakeela"), ("Rahim", "Rahima"), ("Salman", "Salma"), ("Arif", "Arifa"), ("Usman", "Usma"),
    ("Rehan", "Rehana"), ("Nasir", "Nasira"),
]


@pytest.mark.parametrize("group", SAME_TOKEN, ids=lambda g: g[0])
def test_spelling_variants_share_one_canonical_form(group):
    forms = {" ".join(name_tokens(variant)) for variant in group}
    assert len(forms) == 1, dict(zip(group, (name_tokens(v) for v in group)))


@pytest.mark.parametrize("a,b", DIFFERENT)
def test_different_names_keep_different_forms_and_score_low(a, b):
    assert name_key(a) != name_key(b)
    assert name_similarity(a, b) < 0.5


@pytest.mark.parametrize(
    "a,b", [("Farooq", "Farrukh"), ("Jamal", "Kamal"), ("Aslam", "Asim"), ("Akram", "Ikram"), ("Ahsan", "Ehsan")]
)
def test_names_one_letter_apart_keep_different_keys_and_score_below_a_match(a, b):
    assert name_key(a) != name_key(b)
    assert name_similarity(a, b) < 0.8


def test_different_groups_do_not_collide():
    forms = [" ".join(name_tokens(name)) for name in {group[0] for group in SAME_TOKEN}]
    duplicates = {f for f in forms if forms.count(f) > 1}
    # Sheikh/Syed, Nasir/Naseer... must stay apart; only the deliberately equal ones may repeat.
    assert not duplicates


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzAEIOU'", min_size=1, max_size=14)


@settings(max_examples=1000, deadline=None)
@given(WORDS)
def test_canonical_token_is_idempotent(word):
    once = canonical_token(word)
    assert canonical_token(once) == once


@pytest.mark.parametrize("word", [w for g in SAME_TOKEN for w in g])
def test_canonical_token_is_idempotent_on_real_names(word):
    once = canonical_token(word)
    assert canonical_token(once) == once


def test_vowel_runs_are_idempotent_exhaustively():
    for length in range(1, 4):
        for letters in itertools.product("aeiouy", repeat=length):
            for frame in ("b{}d", "{}d", "b{}"):
                word = frame.format("".join(letters))
                once = canonical_token(word)
                assert canonical_token(once) == once, (word, once)


def test_initials_stay_single_letters():
    assert canonical_token("M.") == "m"
    assert name_tokens("M. A. Jinnah") == ["m", "a", canonical_token("Jinnah")]


@pytest.mark.parametrize(
    "text,core",
    [
        ("Syed Muhammad Iqbal Shah", ["Iqbal", "Shah"]),
        ("Mohd. Iqbal", ["Iqbal"]),
        ("M. Iqbal", ["Iqbal"]),
        ("Haji Dr. Abdul Qadeer Khan", ["Abdul Qadeer", "Khan"]),
        ("Mst. Zainab Bibi", ["Zainab"]),
        ("Muhammad", ["Muhammad"]),
        ("Ali Muhammad", ["Ali", "Muhammad"]),
        ("Iqbal Sahib", ["Iqbal"]),
        ("Muhammad Iqbal s/o Abdul Ghafoor", ["Iqbal"]),
        ("Muhammad Iqbal S/O Abdul Ghafoor r/o Lyari", ["Iqbal"]),
        ("Muhammad Ali @ Bala", ["Ali"]),
        ("Ali Raza alias Bablu", ["Ali", "Raza"]),
        ("Ali Raza (Bablu)", ["Ali", "Raza"]),
    ],
)
def test_core_tokens_drop_optional_words(text, core):
    assert core_tokens(text) == [canonical_token(w) for w in core]


def test_optional_tokens_are_reported():
    assert optional_tokens("Syed Muhammad Iqbal") == [canonical_token("Syed"), canonical_token("Muhammad")]


def test_own_name_part_keeps_bin_at_start():
    assert own_name_part("Bin Yamin") == "Bin Yamin"
    assert own_name_part("Ahmed bin Saleh") == "Ahmed"
    assert own_name_part("Ahmed son of Saleh") == "Ahmed"


@pytest.mark.parametrize(
    "a,b",
    [
        ("Muhammad Iqbal Khan", "Khan, Mohd Iqbal"),
        ("Iqbal Khan", "Khan Iqbal"),
        ("Mohd Iqbal", "Muhammad Iqbal"),
        ("Syed Ali Raza", "Ali Raza"),
        ("Ali Raza Qureshi", "Qureshi Ali Raza"),
        ("Abdul Rehman Siddiqui", "Abdur Rahman Siddiqi"),
        ("Rehmat Ullah Khan", "Rahmatullah Khan"),
    ],
)
def test_name_key_is_stable_across_order_and_spelling(a, b):
    assert name_key(a) == name_key(b)


def test_name_key_is_sorted_core_tokens():
    assert name_key("Zafar Ali") == " ".join(sorted([canonical_token("Zafar"), canonical_token("Ali")]))
    assert name_key("") == ""


MATCHING_NAMES = [
    ("Muhammad Hussain", "Mohd Husain"),
    ("Abdul Rehman", "Abd-ur-Rahman"),
    ("Salahuddin Ahmed", "Salah-ud-Din Ahmad"),
    ("Rahmatullah", "Rehmat Ullah"),
    ("Syed Owais Qureshi", "S. Uwais Quraishi"),
    ("Farooq Khurshid", "Faruq Khursheed"),
    ("Gohar Waseem", "Gauhar Wasim"),
    ("Javed Iqbal", "Jawed Iqbal"),
    ("Ghulam Hussain", "Ghulamhussain"),
    ("M. Iqbal Khan", "Mansoor Iqbal Khan"),
    ("Iqbal Khan", "Khan Iqbal"),
]


@pytest.mark.parametrize(
    "a,b,low,high",
    [
        ("A. Karim", "Abdul Karim", 0.7, 0.9),
        ("Abdul Rehman Khan", "Rehman Khan", 0.8, 0.95),
        ("Ehsanullah", "Ahsanullah", 0.6, 0.8),
    ],
)
def test_weaker_evidence_scores_in_between(a, b, low, high):
    assert low <= name_similarity(a, b) <= high


@pytest.mark.parametrize("a,b", MATCHING_NAMES)
def test_similar_names_score_high(a, b):
    assert name_similarity(a, b) >= 0.85


def test_similarity_is_symmetric_and_bounded():
    pairs = MATCHING_NAMES + DIFFERENT + [("Iqbal", "Iqbal Khan"), ("", "Ali"), ("Ali", "")]
    for a, b in pairs:
        score = name_similarity(a, b)
        assert 0.0 <= score <= 1.0
        assert score == name_similarity(b, a)


def test_missing_token_costs_less_than_conflicting_token():
    missing = name_similarity("Iqbal", "Iqbal Khan")
    conflicting = name_similarity("Iqbal Khan", "Iqbal Ahmed")
    assert 0.8 <= missing < 1.0
    assert conflicting <= 0.55
    assert missing > conflicting


def test_typo_scores_between_match_and_different():
    score = name_similarity("Shahbaz Ahmed", "Shahbax Ahmed")
    assert 0.6 < score < 1.0


def test_initial_must_agree_to_help():
    assert name_similarity("K. Iqbal", "Mansoor Iqbal") < name_similarity("M. Iqbal", "Mansoor Iqbal")


@pytest.mark.parametrize(
    "a,b,expected",
    [
        ("Hussain", "Husayn", 1.0),
        ("M", "Muhammad", 0.9),
        ("K", "Muhammad", 0.0),
        ("Hasnain", "Husnain", 0.3),
        ("Zubair", "Zubaida", 0.0),
        ("Ali", "Ala", 0.0),
        ("Ali", "Alam", 0.0),
    ],
)
def test_token_similarity_rules(a, b, expected):
    assert token_similarity(canonical_token(a), canonical_token(b)) == pytest.approx(expected)


def test_empty_names():
    assert name_tokens("") == []
    assert core_tokens("") == []
    assert name_similarity("", "") == 0.0
    assert name_similarity("...", "Ali") == 0.0


def test_arabic_script_names_are_folded_not_dropped():
    assert name_key("محمد اقبال") == name_key("محمّد اقبال") == name_key("اقبال")
    assert name_tokens("محمد اقبال ولد عبدالغفور") == [canonical_token("Muhammad"), "اقبال"]
    assert name_similarity("محمد اقبال", "اقبال") == 1.0


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_any_text_is_handled(a, b):
    score = name_similarity(a, b)
    assert 0.0 <= score <= 1.0
    assert name_key(a) == " ".join(sorted(core_tokens(a)))


@pytest.mark.parametrize("a,b", [("Idrees", "Idree"), ("Bashir", "Bashi"), ("Ahmed", "Ahemd"), ("Waseem", "WASEEEM")])
def test_common_typos_keep_some_credit(a, b):
    assert name_similarity(a, b) >= 0.7


def test_lone_muhammad_with_initial_compares_the_initial():
    assert name_similarity("Mohd. Y.", "Muhammad Yunus Hashmi") > name_similarity("Mohd. K.", "Muhammad Yunus Hashmi")


@pytest.mark.parametrize("a,b", [("Shaikh Shahid", "Shahid Rajput"), ("Malik Muhammad Shahid", "Muhammad Shahid"),
                                 ("Meer Javed", "Javed"), ("Fakhr-uddin Rajput", "Fakhruddin")])
def test_lineage_words_and_uddin_do_not_swallow_names(a, b):
    assert name_similarity(a, b) >= 0.85


@pytest.mark.parametrize("text", ["M. A.", "Mohd. Y.", "Syed Muhammad Iqbal Shah", "Muhammad", "Haji", "Ghulam Hussain Sahib",
                                  "Mst. Zainab Bibi", "Abdul Rehman s/o Akbar", "A. Ghafoor", ""])
def test_name_key_is_the_sorted_core_of_the_profile(text):
    assert name_key(text) == " ".join(sorted(core_tokens(text)))


_JOIN_WORDS = ["abdul", "abd", "ur", "ul", "al", "el", "rehman", "rahman", "fazlur", "ziaul", "haq", "rahmat", "ullah",
               "allah", "ditta", "muhammad", "ali", "khan", "uddin", "din", "salah", "nisa", "khairun", "ghulam",
               "hussain", "m", "a", "ahmed", "syed", "mohd", "abdur", "ud", "deen", "zaman"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_JOIN_WORDS), min_size=1, max_size=6))
def test_words_that_stand_alone_are_tokenised_as_by_the_full_loop(words):
    from uncounted.normalize import namekey

    quick = namekey._join_compounds(list(words))
    original = namekey._stands_alone
    try:
        namekey._stands_alone = lambda word: False  # every word through the full loop
        full = namekey._join_compounds(list(words))
    finally:
        namekey._stands_alone = original
    assert quick == full
