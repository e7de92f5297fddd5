"""Dates with precision: parse_date on the forms found in rights groups' spreadsheets."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from uncounted.errors import UncountedError
from uncounted.normalize.dates import (
    DateParseError,
    PartialDate,
    detect_date_order,
    expand_two_digit_year,
    parse_date,
)

D = dt.date

# (written, start, end, precision)
CASES = [
    ("14/10/1992", D(1992, 10, 14), D(1992, 10, 14), "day"),
    ("14-10-1992", D(1992, 10, 14), D(1992, 10, 14), "day"),
    ("14.10.1992", D(1992, 10, 14), D(1992, 10, 14), "day"),
    ("14 10 1992", D(1992, 10, 14), D(1992, 10, 14), "day"),
    ("14-10-92", D(1992, 10, 14), D(1992, 10, 14), "day"),
    ("1992-10-14", D(1992, 10, 14), D(1992, 10, 14), "day"),
    ("1992/10/14", D(1992, 10, 14), D(1992, 10, 14), "day"),
    ("1992-10-14 00:00:00", D(1992, 10, 14), D(1992, 10, 14), "day"),
    ("1992-10-14T10:30:00", D(1992, 10, 14), D(1992, 10, 14), "day"),
    ("14/10/1992 10:30 pm", D(1992, 10, 14), D(1992, 10, 14), "day"),
    ("10/14/1992", D(1992, 10, 14), D(1992, 10, 14), "day"),  # auto: second part > 12 -> month first
    ("05/06/1995", D(1995, 6, 5), D(1995, 6, 5), "day"),  # ambiguous -> day first
    ("19921014", D(1992, 10, 14), D(1992, 10, 14), "day"),
    ("14 June 1995", D(1995, 6, 14), D(1995, 6, 14), "day"),
    ("14th June, 1995", D(1995, 6, 14), D(1995, 6, 14), "day"),
    ("14th of June 1995", D(1995, 6, 14), D(1995, 6, 14), "day"),
    ("June 14, 1995", D(1995, 6, 14), D(1995, 6, 14), "day"),
    ("Wednesday, 14 June 1995", D(1995, 6, 14), D(1995, 6, 14), "day"),
    ("14-Jun-95", D(1995, 6, 14), D(1995, 6, 14), "day"),
    ("14 SEPT 1995", D(1995, 9, 14), D(1995, 9, 14), "day"),
    ("June 1995", D(1995, 6, 1), D(1995, 6, 30), "month"),
    ("Feb 1996", D(1996, 2, 1), D(1996, 2, 29), "month"),
    ("06/1995", D(1995, 6, 1), D(1995, 6, 30), "month"),
    ("6-1995", D(1995, 6, 1), D(1995, 6, 30), "month"),
    ("1995-06", D(1995, 6, 1), D(1995, 6, 30), "month"),
    ("Jun-95", D(1995, 6, 1), D(1995, 6, 30), "month"),
    ("in June 1995", D(1995, 6, 1), D(1995, 6, 30), "month"),
    ("1995", D(1995, 1, 1), D(1995, 12, 31), "year"),
    ("'95", D(1995, 1, 1), D(1995, 12, 31), "year"),
    ("around 1996", D(1995, 1, 1), D(1997, 12, 31), "approximate"),
    ("about 1996", D(1995, 1, 1), D(1997, 12, 31), "approximate"),
    ("circa 1996", D(1995, 1, 1), D(1997, 12, 31), "approximate"),
    ("c. 1996", D(1995, 1, 1), D(1997, 12, 31), "approximate"),
    ("approx. 1996", D(1995, 1, 1), D(1997, 12, 31), "approximate"),
    ("~1996", D(1995, 1, 1), D(1997, 12, 31), "approximate"),
    ("1996?", D(1995, 1, 1), D(1997, 12, 31), "approximate"),
    ("1996 (approx)", D(1995, 1, 1), D(1997, 12, 31), "approximate"),
    ("around June 1995", D(1995, 5, 1), D(1995, 7, 31), "approximate"),
    ("about 14 June 1995", D(1995, 6, 7), D(1995, 6, 21), "approximate"),
    ("early 1990s", D(1990, 1, 1), D(1993, 12, 31), "approximate"),
    ("mid 1990s", D(1993, 1, 1), D(1996, 12, 31), "approximate"),
    ("late 1990s", D(1997, 1, 1), D(1999, 12, 31), "approximate"),
    ("early 1995", D(1995, 1, 1), D(1995, 4, 30), "approximate"),
    ("late 1995", D(1995, 9, 1), D(1995, 12, 31), "approximate"),
    ("mid-June 1995", D(1995, 6, 11), D(1995, 6, 20), "approximate"),
    ("end of June 1995", D(1995, 6, 21), D(1995, 6, 30), "approximate"),
    ("3rd week of June, 1995", D(1995, 6, 15), D(1995, 6, 21), "range"),
    ("first week of July 1995", D(1995, 7, 1), D(1995, 7, 7), "range"),
    ("Last week of Feb 1996", D(1996, 2, 23), D(1996, 2, 29), "range"),
    ("around the 2nd week of March 1995", D(1995, 3, 1), D(1995, 3, 21), "approximate"),
    ("1990s", D(1990, 1, 1), D(1999, 12, 31), "range"),
    ("1990's", D(1990, 1, 1), D(1999, 12, 31), "range"),
    ("1995-1996", D(1995, 1, 1), D(1996, 12, 31), "range"),
    ("1995 - 1996", D(1995, 1, 1), D(1996, 12, 31), "range"),
    ("1995 to 1997", D(1995, 1, 1), D(1997, 12, 31), "range"),
    ("from 1995 to 1997", D(1995, 1, 1), D(1997, 12, 31), "range"),
    ("1995/96", D(1995, 1, 1), D(1996, 12, 31), "range"),
    ("1995-96", D(1995, 1, 1), D(1996, 12, 31), "range"),
    ("1999-00", D(1999, 1, 1), D(2000, 12, 31), "range"),
    ("between March and May 1995", D(1995, 3, 1), D(1995, 5, 31), "range"),
    ("March-May 1995", D(1995, 3, 1), D(1995, 5, 31), "range"),
    ("March to May 1995", D(1995, 3, 1), D(1995, 5, 31), "range"),
    ("10-12 June 1995", D(1995, 6, 10), D(1995, 6, 12), "range"),
    ("10 June - 12 July 1995", D(1995, 6, 10), D(1995, 7, 12), "range"),
    ("December 1995 - January 1996", D(1995, 12, 1), D(1996, 1, 31), "range"),
    ("1/3/1995-5/3/1995", D(1995, 3, 1), D(1995, 3, 5), "range"),
    ("from 1/3/1995 to 5/3/1995", D(1995, 3, 1), D(1995, 3, 5), "range"),
    ("around 1995-1996", D(1994, 1, 1), D(1997, 12, 31), "approximate"),
    ("۱۴/۱۰/۱۹۹۲", D(1992, 10, 14), D(1992, 10, 14), "day"),
    ("١٤-١٠-٩٢", D(1992, 10, 14), D(1992, 10, 14), "day"),
    ("१४/१०/१९९२", D(1992, 10, 14), D(1992, 10, 14), "day"),
    ("۱۴ جون ۱۹۹۵", D(1995, 6, 14), D(1995, 6, 14), "day"),
    ("34865", D(1995, 6, 15), D(1995, 6, 15), "day"),  # Excel serial as text
    ("06/95", D(1995, 6, 1), D(1995, 6, 30), "month"),
    ("14/10/1992 at night", D(1992, 10, 14), D(1992, 10, 14), "day"),
    ("14/10/1992 (morning)", D(1992, 10, 14), D(1992, 10, 14), "day"),
    ("1995 (exact date not known)", D(1995, 1, 1), D(1995, 12, 31), "year"),
    ("June 1995 (approx. date)", D(1995, 5, 1), D(1995, 7, 31), "approximate"),
    ("summer 1995", D(1995, 6, 1), D(1995, 8, 31), "approximate"),
    ("Spring of 96", D(1996, 3, 1), D(1996, 5, 31), "approximate"),
    ("winter 1995", D(1994, 12, 1), D(1995, 2, 28), "approximate"),
    ("14 June 1995, 11 pm", D(1995, 6, 14), D(1995, 6, 14), "day"),
    ("14/06/1995 at around 10.30 p.m.", D(1995, 6, 14), D(1995, 6, 14), "day"),
    ("14-06-1995 2230 hrs", D(1995, 6, 14), D(1995, 6, 14), "day"),
    ("Wed 14/06/1995", D(1995, 6, 14), D(1995, 6, 14), "day"),
    ("19950614", D(1995, 6, 14), D(1995, 6, 14), "day"),  # year first: no month 95 day first
    ("14061995", D(1995, 6, 14), D(1995, 6, 14), "day"),
    ("since 1995", D(1995, 1, 1), D(1995, 12, 31), "year"),
    ("14/15 June 1995", D(1995, 6, 14), D(1995, 6, 15), "range"),  # the night of the 14th
    ("first half of 1995", D(1995, 1, 1), D(1995, 6, 30), "range"),
    ("Q3 1995", D(1995, 7, 1), D(1995, 9, 30), "range"),
    ("fourth quarter of 1995", D(1995, 10, 1), D(1995, 12, 31), "range"),
    ("Jun-95", D(1995, 6, 1), D(1995, 6, 30), "month"),
    ("\u200f14/06/1995\u200e", D(1995, 6, 14), D(1995, 6, 14), "day"),  # direction marks from Urdu text
    ("14/06/1995\u200b", D(1995, 6, 14), D(1995, 6, 14), "day"),  # a zero-width space
]


@pytest.mark.parametrize("text,start,end,precision", CASES)
def test_parse_date_keeps_precision(text, start, end, precision):
    parsed = parse_date(text)
    assert (parsed.start, parsed.end, parsed.precision) == (start, end, precision)
    assert parsed.raw == text


@pytest.mark.parametrize(
    "value,expected",
    [
        (dt.date(1995, 6, 14), D(1995, 6, 14)),
        (dt.datetime(1995, 6, 14, 13, 5), D(1995, 6, 14)),
        (34865, D(1995, 6, 15)),
        (34865.75, D(1995, 6, 15)),
    ],
)
def test_date_objects_and_excel_serials_are_days(value, expected):
    parsed = parse_date(value)
    assert (parsed.start, parsed.end, parsed.precision) == (expected, expected, "day")


def test_integer_year_is_a_year():
    parsed = parse_date(1995)
    assert (parsed.start, parsed.end, parsed.precision) == (D(1995, 1, 1), D(1995, 12, 31), "year")


@pytest.mark.parametrize("value", [None, "", "  ", "-", "n/a", "N/A", "unknown", "(unknown)", "Not known", "NK", "nil", "?", float("nan"), "نامعلوم"])
def test_missing_markers_give_none(value):
    assert parse_date(value) is None


@pytest.mark.parametrize(
    "text,kwargs,fragment",
    [
        ("31/02/1995", {}, "day 31 does not exist in February 1995"),
        ("29/02/1995", {}, "does not exist"),
        ("13/13/1995", {}, "month 13"),
        ("13/05/1995", {"order": "mdy"}, "month 13"),
        ("05/13/1995", {"order": "dmy"}, "month 13"),
        ("1995-13-01", {}, "month 13"),
        ("hello", {}, "expected forms such as"),
        ("June", {}, "needs a year"),
        ("14th June", {}, "a day and a month need a year"),  # not June 2014
        ("15-Jun", {}, "a day and a month need a year"),  # Excel's d-mmm: not June 2015
        ("14/10", {}, "expected forms such as"),
        ("06/15", {}, "expected forms such as"),  # June 15 or June 2015: refused
        ("1996 to 1995", {}, "ends before it starts"),
        ("123", {}, "expected forms such as"),
    ],
)
def test_impossible_or_unreadable_dates_raise_with_a_useful_message(text, kwargs, fragment):
    with pytest.raises(DateParseError) as caught:
        parse_date(text, **kwargs)
    assert fragment in str(caught.value)
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, UncountedError)


def test_leap_day_is_accepted_in_a_leap_year():
    assert parse_date("29/02/1996").start == D(1996, 2, 29)


def test_forced_orders():
    assert parse_date("05/06/1995", order="mdy").start == D(1995, 5, 6)
    assert parse_date("05/06/1995", order="dmy").start == D(1995, 6, 5)
    assert parse_date("95/06/05", order="ymd").start == D(1995, 6, 5)
    assert parse_date("05/06/1995", prefer="mdy").start == D(1995, 5, 6)


@pytest.mark.parametrize("yy,pivot,year", [(0, 30, 2000), (30, 30, 2030), (31, 30, 1931), (92, 30, 1992), (15, 10, 1915), (15, 20, 2015)])
def test_two_digit_year_pivot(yy, pivot, year):
    assert expand_two_digit_year(yy, pivot) == year
    assert parse_date(f"14/10/{yy:02d}", pivot=pivot).start.year == year


def test_bad_settings_are_rejected():
    with pytest.raises(ValueError):
        parse_date("1995", order="ydm")
    with pytest.raises(ValueError):
        parse_date("1995", pivot=100)


def test_partial_date_helpers():
    month = parse_date("June 1995")
    assert month.iso() == "1995-06"
    assert parse_date("14/06/1995").iso() == "1995-06-14"
    assert parse_date("1995").iso() == "1995"
    assert parse_date("1995-1996").iso() == "1995-01-01/1996-12-31"
    assert month.to_dict() == {"start": "1995-06-01", "end": "1995-06-30", "precision": "month", "raw": "June 1995", "iso": "1995-06"}
    assert month.days == 30
    assert month.year == 1995
    assert month.contains(D(1995, 6, 14)) and not month.contains(D(1995, 7, 1))
    assert month.overlaps(parse_date("1995"))
    assert month.gap_days(parse_date("14/07/1995")) == 14
    assert month.gap_days(parse_date("1995")) == 0


def test_detect_date_order():
    assert detect_date_order(["01/02/1995", "14/10/1992", "03/04/1990"]) == "dmy"
    assert detect_date_order(["01/02/1995", "10/14/1992"]) == "mdy"
    assert detect_date_order(["01/02/1995", "03/04/1990"]) is None
    assert detect_date_order(["13/02/1995", "02/13/1995"]) is None


ORDER_FORMATS = {
    "dmy": lambda d, sep: f"{d.day:02d}{sep}{d.month:02d}{sep}{d.year}",
    "mdy": lambda d, sep: f"{d.month:02d}{sep}{d.day:02d}{sep}{d.year}",
    "ymd": lambda d, sep: f"{d.year}{sep}{d.month:02d}{sep}{d.day:02d}",
}


@settings(max_examples=300, deadline=None)
@given(
    day=st.dates(min_value=D(1931, 1, 1), max_value=D(2030, 12, 31)),
    order=st.sampled_from(sorted(ORDER_FORMATS)),
    sep=st.sampled_from(["/", "-", "."]),
    two_digit=st.booleans(),
)
def test_round_trip_of_formatted_dates(day, order, sep, two_digit):
    text = ORDER_FORMATS[order](day, sep)
    if two_digit and order != "ymd":
        text = text[:-4] + text[-2:]
    parsed = parse_date(text, order=order)
    assert (parsed.start, parsed.end, parsed.precision) == (day, day, "day")


@settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)), style=st.sampled_from(["%d %B %Y", "%B %d, %Y", "%d-%b-%Y", "%d %b %Y"]))
def test_round_trip_of_month_names(day, style):
    parsed = parse_date(day.strftime(style))
    assert (parsed.start, parsed.precision) == (day, "day")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20))
def test_any_text_gives_a_date_none_or_a_date_error(text):
    try:
        parsed = parse_date(text)
    except DateParseError:
        return
    assert parsed is None or (isinstance(parsed, PartialDate) and parsed.start <= parsed.end)
