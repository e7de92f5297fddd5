"""Ages as written and the birth-year ranges they imply."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uncounted.normalize.ages import APPROXIMATE_AGE_MARGIN, MAX_AGE, AgeParseError, AgeRange, birth_year_range, parse_age
from uncounted.normalize.dates import parse_date

M = APPROXIMATE_AGE_MARGIN


@pytest.mark.parametrize(
    "value,low,high,approximate",
    [
        ("35", 35, 35, False),
        (35, 35, 35, False),
        (35.0, 35, 35, False),
        ("35 yrs", 35, 35, False),
        ("35yrs", 35, 35, False),
        ("35 years", 35, 35, False),
        ("35 years old", 35, 35, False),
        ("35 Y", 35, 35, False),
        ("aged 35", 35, 35, False),
        ("Age: 35", 35, 35, False),
        ("۳۵", 35, 35, False),
        ("٣٥ سال", 35, 35, False),
        ("about 30", 30 - M, 30 + M, True),
        ("around 30", 30 - M, 30 + M, True),
        ("~30", 30 - M, 30 + M, True),
        ("30?", 30 - M, 30 + M, True),
        ("25 (approx)", 25 - M, 25 + M, True),
        ("1 (approx)", 0, 1 + M, True),
        ("30-35", 30, 35, False),
        ("30 - 35 years", 30, 35, False),
        ("35-30", 30, 35, False),
        ("30 to 35", 30, 35, False),
        ("30s", 30, 39, False),
        ("30's", 30, 39, False),
        ("in his 20s", 20, 29, False),
        ("25-Years", 25, 25, False),
        ("between 25 and 30", 25, 30, False),
        ("15 (minor)", 15, 15, False),
        ("minor (15)", 15, 15, False),
        ("under-age", 0, 17, True),
        ("\ufeff25\u200b", 25, 25, False),  # a byte-order mark and a zero-width space, copied with the cell
        ("twenties", 20, 29, False),
        ("early 30s", 30, 33, True),
        ("in her late thirties", 37, 39, True),
        ("mid-40s", 44, 46, True),
        ("in his teens", 13, 19, True),
        ("early teens", 13, 15, True),
        ("late teens", 17, 19, True),
        ("35+", 35, MAX_AGE, False),
        ("over 60", 60, MAX_AGE, False),
        ("under 18", 0, 17, False),
        ("6 months", 0, 0, False),
        ("18 months", 0, 1, False),
        ("infant", 0, 1, True),
        ("child", 0, 14, True),
        ("old man", 60, MAX_AGE, True),
        ("Elderly", 60, MAX_AGE, True),
    ],
)
def test_parse_age(value, low, high, approximate):
    assert parse_age(value) == AgeRange(low, high, approximate)


@pytest.mark.parametrize("value", [None, "", "-", "unknown", "N/K", "nil", float("nan")])
def test_missing_ages_give_none(value):
    assert parse_age(value) is None


@pytest.mark.parametrize("value", ["abc", "121", "-5", -5, "35 kg", True])
def test_unreadable_ages_raise(value):
    with pytest.raises(AgeParseError):
        parse_age(value)


@given(st.integers(min_value=0, max_value=MAX_AGE))
def test_every_whole_age_reads_back(age):
    assert parse_age(str(age)) == AgeRange(age, age)
    assert parse_age(f"{age} years") == AgeRange(age, age)


def test_exact_age_at_a_known_day_gives_two_birth_years():
    # Aged 35 on 14 Oct 1992: born 14 Oct 1956 .. 14 Oct 1957 -> 1956 or 1957.
    assert birth_year_range(age=AgeRange(35, 35), event=parse_date("14/10/1992")) == (1956, 1957)


def test_age_range_and_event_year_widen_the_birth_years():
    assert birth_year_range(age=AgeRange(30, 35), event=parse_date("1995-1996")) == (1995 - 35 - 1, 1996 - 30)


def test_tolerance_widens_both_sides():
    assert birth_year_range(age=AgeRange(35, 35), event=parse_date("1992"), tolerance=2) == (1954, 1959)


def test_birth_date_and_year_win_over_age():
    event = parse_date("1992")
    assert birth_year_range(birth_year=1960, age=AgeRange(35, 35), event=event) == (1960, 1960)
    assert birth_year_range(birth_date=parse_date("1960-1962"), age=AgeRange(35, 35), event=event) == (1960, 1962)


def test_nothing_known_gives_none():
    assert birth_year_range() is None
    assert birth_year_range(age=AgeRange(35, 35)) is None  # an age without the event date


@given(st.integers(0, 100), st.dates())
def test_true_birth_year_is_always_inside_the_range(age, day):
    from datetime import date

    event = parse_date(day)
    first, last = birth_year_range(age=AgeRange(age, age), event=event)
    # Anyone aged `age` on `day` was born between day - (age+1) years (exclusive) and day - age years.
    earliest = day.year - age - 1
    latest = day.year - age
    assert first <= earliest and latest <= last
    assert isinstance(date(max(1, first), 1, 1), date)


def test_age_range_validates():
    with pytest.raises(AgeParseError):
        AgeRange(40, 30)
