"""Dates as people write them, read into a range of days plus the precision that was stated.

``parse_date("June 1995")`` gives 1995-06-01..1995-06-30 with precision "month"; nothing is
invented: a month stays a month, a year a year, "around 1996" a widened, approximate range.

Precision vocabulary (``PartialDate.precision``):

- "day": one day ("14/10/1992", "1992-10-14", a date object, an Excel serial number)
- "month": a whole month ("June 1995", "06/1995", "1995-06", "Jun-95")
- "year": a whole year ("1995")
- "range": an explicit span ("1995-1996", "1995/96", "March-May 1995", "10-12 June 1995", "1990s",
  "third week of June 1995": days 15-21; the last week is the month's last seven days)
- "approximate": a hedged statement ("around 1996", "c. 1996", "1996?", "early 1990s", "mid-June 1995")

Approximate dates are widened by a margin that depends on the stated precision
(see ``APPROXIMATE_MARGIN``): a day by 7 days each side, a month by one month, a year by one year.
"Early/mid/late" take the first, middle or last third of the period and are not widened further.

Two-digit years: ``yy <= pivot`` means 20yy, otherwise 19yy. The default pivot 30 reads
"00".."30" as 2000-2030 and "31".."99" as 1931-1999, right for records of the 1990s-2020s.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from uncounted.normalize.digits import to_ascii_digits
from uncounted.normalize.errors import DateParseError

__all__ = [
    "PartialDate",
    "DateParseError",
    "parse_date",
    "detect_date_order",
    "expand_two_digit_year",
    "EMPTY_MARKERS",
    "PRECISIONS",
    "APPROXIMATE_MARGIN",
]

PRECISIONS = ("day", "month", "year", "range", "approximate")
ORDERS = ("auto", "dmy", "mdy", "ymd")

# How far an approximate statement is widened on each side, by the precision that was stated.
APPROXIMATE_MARGIN = {"day": dt.timedelta(days=7), "month": 1, "year": 1}  # month/year in months/years

EMPTY_MARKERS = frozenset(
    {
        "", "-", "--", "---", "?", "??", "???", ".", "x", "n/a", "na", "n.a", "n.a.", "nil", "none",
        "null", "nan", "nat", "unknown", "unk", "unkn", "not known", "nk", "n/k", "not available",
        "no date", "date unknown", "unknown date", "not mentioned", "not given", "not clear",
        "nil.", "—", "–", "نامعلوم", "معلوم نہیں",
    }
)

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "febuary": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8,
    "aug": 8, "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
    # Urdu month names as written in Pakistan
    "جنوری": 1, "فروری": 2, "مارچ": 3, "اپریل": 4, "مئی": 5, "جون": 6, "جولائی": 7,
    "اگست": 8, "ستمبر": 9, "اکتوبر": 10, "نومبر": 11, "دسمبر": 12,
}
_WEEKDAYS = {
    "monday", "mon", "tuesday", "tue", "tues", "wednesday", "wed", "thursday", "thu", "thur",
    "thurs", "friday", "fri", "saturday", "sat", "sunday", "sun",
}
_FILLER_WORDS = {"on", "in", "of", "the", "dated", "date", "dt", "year", "month", "during", "since", "at", "night",
                 "morning", "evening", "afternoon", "noon", "midnight", "hrs", "hours"}
_APPROX_PATTERN = re.compile(
    r"\b(?:around|about|abt|approx(?:imately)?|appr|app|circa|ca|c|roughly|nearly|almost|"
    r"estimated|est|probably|perhaps|maybe|likely|sometime|some time|taqreeban|tqreeban)\b\.?"
    r"|~|\?|\(approx\.?\)|تقریباً|تقریبا"
)
_QUALIFIER_PATTERN = re.compile(r"^(early|beginning of|start of|mid|middle of|late|end of)[\s-]+(.+)$")
_WEEK_PATTERN = re.compile(r"^(?:the\s+)?(first|1st|second|2nd|third|3rd|fourth|4th|last)\s+week\s+(?:of\s+)?(.+)$")
_WEEK_NUMBER = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": 5}
# "first half of 1995", "2nd half 1995", "Q3 1995", "third quarter of 1995": months of a year.
_PART_OF_YEAR = re.compile(r"^(?:the\s+)?(?:(first|1st|second|2nd)\s+half|(first|1st|second|2nd|third|3rd|fourth|4th)"
                           r"\s+quarter|q([1-4]))\s*(?:of\s+)?(\d{4})$")
_ORDINAL_NUMBER = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
_SEASON_PATTERN = re.compile(r"(spring|summer|autumn|fall|winter)(?:\s+of)?\s+('?\d{2}|\d{4})")
_RANGE_START = re.compile(r"^(?:between|from|betw|btw)\s+")
_RANGE_SEPARATORS = (" and ", " to ", " till ", " until ", " upto ", " up to ", " through ",
                     " - ", "–", "—", " & ", "-", "/")
_TIME_SUFFIX = re.compile(
    r"(?:[t\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[ap]\.?m\.?)?(?:z|[+-]\d{2}:?\d{2})?)$"
)
# "11 pm", "at 3 a.m.", "around 10.30 pm", "2230 hrs" after the date: a time, not part of the date.
_CLOCK_TIME = re.compile(r"[\s,]+(?:at\s+)?(?:around\s+|about\s+)?"
                         r"(?:\d{1,2}(?:[:.]\d{2})?\s*[ap]\.?\s?m\.?|\d{4}\s*hrs?\.?)$")
_LEADING_WEEKDAY = re.compile(r"^(?:" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
                              + r")\b\.?,?\s*(?=\d)")
_TIME_OF_DAY = re.compile(r"[\s,]+(?:at\s+|in\s+the\s+|late\s+|early\s+)?(?:night|morning|evening|afternoon|noon|midnight)$")
_PARENTHESIS = re.compile(r"\([^)]*\)?")
_THREE_NUMBERS = re.compile(r"(\d{1,4})\s*([/.\-\s])\s*(\d{1,2})\s*\2\s*(\d{1,4})")
_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)\b")
_TOKEN = re.compile(r"\d+|[^\W\d_]+")

# Excel serial day numbers: day 0 is 1899-12-30 (correct for every serial after 60).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_SERIAL_RANGE = (10_000, 80_000)  # 1927-05-18 .. 2119-01-10
_YEAR_RANGE = (1800, 2200)


@dataclass(frozen=True)
class PartialDate:
    """A date known to some precision: every day from ``start`` to ``end`` (inclusive) is possible."""

    start: dt.date
    end: dt.date
    precision: str  # "day" | "month" | "year" | "approximate" | "range"
    raw: str

    def iso(self) -> str:
        """ISO 8601 text at the stated precision: 1995-06-14, 1995-06, 1995, or start/end."""
        if self.precision == "day":
            return self.start.isoformat()
        if self.precision == "month":
            return self.start.isoformat()[:7]
        if self.precision == "year":
            return f"{self.start.year:04d}"
        return f"{self.start.isoformat()}/{self.end.isoformat()}"

    def to_dict(self) -> dict[str, str]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "precision": self.precision,
            "raw": self.raw,
            "iso": self.iso(),
        }

    @property
    def days(self) -> int:
        """How many days the range covers (1 for an exact day)."""
        return (self.end - self.start).days + 1

    @property
    def year(self) -> int | None:
        """The year if the whole range lies in one year, else None."""
        return self.start.year if self.start.year == self.end.year else None

    @property
    def midpoint(self) -> dt.date:
        return self.start + (self.end - self.start) // 2

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, other: PartialDate) -> bool:
        """True if some day is possible for both dates."""
        return self.start <= other.end and other.start <= self.end

    def gap_days(self, other: PartialDate) -> int:
        """Days between the two ranges; 0 if they overlap."""
        if self.overlaps(other):
            return 0
        return (other.start - self.end).days if self.end < other.start else (self.start - other.end).days


# ---------------------------------------------------------------------------------------------
# Public entry points


def parse_date(
    value: object,
    *,
    order: str = "auto",
    pivot: int = 30,
    prefer: str = "dmy",
) -> PartialDate | None:
    """Read a date from a spreadsheet cell, keeping the precision that was written.

    ``order`` says how all-numeric dates are read: "dmy", "mdy", "ymd", or "auto" (a 4-digit
    first part means ymd; a first part over 12 means dmy; a second part over 12 means mdy;
    anything still ambiguous is read as ``prefer``, day-first by default as in Pakistan).
    ``pivot`` decides two-digit years (yy <= pivot is 20yy, else 19yy).

    Returns None for empty cells and "unknown" markers; raises DateParseError for text that is
    not a date or names a day that does not exist (31/02/1995).
    """
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}; got {order!r}")
    if prefer not in ("dmy", "mdy"):
        raise ValueError(f"prefer must be 'dmy' or 'mdy'; got {prefer!r}")
    if not 0 <= pivot <= 99:
        raise ValueError(f"pivot must be between 0 and 99; got {pivot!r}")
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return _day(value.date(), str(value))
    if isinstance(value, dt.date):
        return _day(value, str(value))
    if isinstance(value, bool):
        raise DateParseError(f"expected a date, got the boolean {value!r}")
    if isinstance(value, (int, float)) or type(value).__name__ in ("int64", "float64", "int32"):
        return _from_number(value)
    if type(value).__name__ == "NaTType":
        return None
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return _day(value.to_pydatetime().date(), str(value))
    raw = str(value)
    return _Parser(order=order, pivot=pivot, prefer=prefer).parse_text(raw)


def expand_two_digit_year(yy: int, pivot: int = 30) -> int:
    """20yy if yy <= pivot, else 19yy."""
    return 2000 + yy if yy <= pivot else 1900 + yy


def detect_date_order(values: Iterable[object]) -> str | None:
    """Guess "dmy" or "mdy" for a column of all-numeric dates, or None if nothing decides it.

    A first part over 12 proves day-first; a second part over 12 proves month-first. Returns
    the order proved by the values, or None if none (or both) are proved.
    """
    seen_dmy = seen_mdy = False
    for value in values:
        if not isinstance(value, str):
            continue
        match = re.fullmatch(r"\s*(\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d{2}|\d{4})\s*", to_ascii_digits(value))
        if not match:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        seen_dmy |= first > 12 >= second
        seen_mdy |= second > 12 >= first
    if seen_dmy == seen_mdy:
        return None
    return "dmy" if seen_dmy else "mdy"


# ---------------------------------------------------------------------------------------------
# Building blocks


def _day(day: dt.date, raw: str) -> PartialDate:
    return PartialDate(day, day, "day", raw)


def _from_number(value: Any) -> PartialDate | None:
    number = float(value)
    if math.isnan(number):
        return None
    if number.is_integer() and _YEAR_RANGE[0] <= number <= _YEAR_RANGE[1]:
        year = int(number)
        return PartialDate(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", str(value))
    if _EXCEL_SERIAL_RANGE[0] <= number <= _EXCEL_SERIAL_RANGE[1]:
        return _day(_EXCEL_EPOCH + dt.timedelta(days=int(number)), str(value))
    raise DateParseError(
        f"expected a year ({_YEAR_RANGE[0]}-{_YEAR_RANGE[1]}) or an Excel serial day number "
        f"({_EXCEL_SERIAL_RANGE[0]}-{_EXCEL_SERIAL_RANGE[1]}); got the number {value!r}"
    )


@dataclass(frozen=True)
class _Fields:
    """A date as written: any part may be missing (only while reading ranges)."""

    year: int | None
    month: int | None = None
    day: int | None = None

    def filled_from(self, other: _Fields) -> _Fields:
        """Borrow the missing larger parts from ``other`` ("10-12 June 1995": 10 borrows June 1995)."""
        year = self.year if self.year is not None else other.year
        month = self.month
        if month is None and self.day is not None:
            month = other.month
        return _Fields(year, month, self.day)

    @property
    def precision(self) -> str:
        return "day" if self.day is not None else "month" if self.month is not None else "year"

    def bounds(self, raw: str) -> tuple[dt.date, dt.date]:
        if self.year is None:
            raise DateParseError(f"expected a date with a year; got {raw!r}")
        if self.month is None:
            return dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        if not 1 <= self.month <= 12:
            raise DateParseError(f"month {self.month} does not exist in {raw!r}; expected 1-12")
        last = calendar.monthrange(self.year, self.month)[1]
        if self.day is None:
            return dt.date(self.year, self.month, 1), dt.date(self.year, self.month, last)
        if not 1 <= self.day <= last:
            raise DateParseError(
                f"day {self.day} does not exist in {calendar.month_name[self.month]} {self.year} "
                f"(read from {raw!r}); check the day and the day/month order"
            )
        day = dt.date(self.year, self.month, self.day)
        return day, day


class _Parser:
    def __init__(self, *, order: str, pivot: int, prefer: str):
        self.order = order
        self.pivot = pivot
        self.prefer = prefer

    # -- whole text ----------------------------------------------------------------------------

    def parse_text(self, raw: str) -> PartialDate | None:
        text = _clean(raw)
        if text in EMPTY_MARKERS or text.strip("()[] ") in EMPTY_MARKERS:
            return None
        try:
            return self._parse_clean(text, raw)
        except DateParseError:
            comment = _PARENTHESIS.search(text)
            if comment is None:
                raise
            # "1995 (exact date not known)": read the date without the comment, keeping any hedge in it.
            rest = (text[:comment.start()] + " " + text[comment.end():]).strip()
            hedge = _APPROX_PATTERN.search(comment.group(0)) is not None
            if not rest:
                raise
            try:
                parsed = self._parse_clean(rest, raw)
            except DateParseError:
                raise DateParseError(f"could not read {raw!r} as a date, with or without its bracketed comment") from None
            if parsed is None or not hedge or parsed.precision == "approximate":
                return parsed
            return _widen(parsed.start, parsed.end, parsed.precision if parsed.precision != "range" else "year", raw)

    def _parse_clean(self, text: str, raw: str) -> PartialDate | None:
        text, approximate = _strip_approximate(text)
        if not text:
            if approximate:
                raise DateParseError(f"expected a date after the hedge word; got {raw!r}")
            return None
        qualified = _QUALIFIER_PATTERN.match(text)
        if qualified:
            return self._qualified(qualified.group(1), qualified.group(2), raw)
        part = _PART_OF_YEAR.match(text)
        if part:
            return self._part_of_year(part, raw, approximate)
        week = _WEEK_PATTERN.match(text)
        if week:
            return self._week(_WEEK_NUMBER[week.group(1)], week.group(2), raw, approximate)
        season = _SEASON_PATTERN.fullmatch(text)
        if season:
            return self._season(season.group(1), season.group(2), raw)
        decade = self._decade(text)
        if decade is not None:
            start, end = decade
            return PartialDate(start, end, "approximate" if approximate else "range", raw)
        try:
            fields = self.fields(text)
        except DateParseError as single_error:
            if _THREE_NUMBERS.fullmatch(text):  # a numeric date that does not exist is not a range
                raise DateParseError(f"{single_error} (read from {raw!r})") from None
            span = self._range(text, raw)
            if span is None:
                raise DateParseError(_explain(raw, single_error)) from None
            start, end = span
            if approximate:
                return _widen(start, end, "year" if (end - start).days > 62 else "month", raw)
            return PartialDate(start, end, "range", raw)
        if fields.year is None:
            raise DateParseError(f"expected a date with a year; got {raw!r}")
        start, end = fields.bounds(raw)
        if approximate:
            return _widen(start, end, fields.precision, raw)
        return PartialDate(start, end, fields.precision, raw)

    def _part_of_year(self, match: re.Match[str], raw: str, approximate: bool) -> PartialDate:
        """A half or a quarter of a year: its months, a range (widened if hedged)."""
        half, quarter, q, year_text = match.groups()
        year = self._year(year_text)
        if half:
            first_month, months = 6 * (_ORDINAL_NUMBER[half] - 1) + 1, 6
        else:
            first_month, months = 3 * ((int(q) if q else _ORDINAL_NUMBER[quarter]) - 1) + 1, 3
        last_month = first_month + months - 1
        start = dt.date(year, first_month, 1)
        end = dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
        if approximate:
            return _widen(start, end, "month", raw)
        return PartialDate(start, end, "range", raw)

    def _qualified(self, word: str, rest: str, raw: str) -> PartialDate:
        """early / mid / late + a decade, year or month: the first, middle or last third of it."""
        decade = self._decade(rest)
        if decade is not None:
            start_year = decade[0].year
            pieces = {"early": (0, 3), "mid": (3, 6), "late": (7, 9)}
            lo, hi = pieces[_third_name(word)]
            return PartialDate(dt.date(start_year + lo, 1, 1), dt.date(start_year + hi, 12, 31), "approximate", raw)
        fields = self.fields(rest)
        if fields.year is None or fields.day is not None:
            raise DateParseError(f"expected early/mid/late followed by a decade, year or month; got {raw!r}")
        start, end = fields.bounds(raw)
        third = {"early": 0, "mid": 1, "late": 2}[_third_name(word)]
        if fields.month is None:
            months = [(1, 4), (5, 8), (9, 12)][third]
            start = dt.date(fields.year, months[0], 1)
            end = dt.date(fields.year, months[1], calendar.monthrange(fields.year, months[1])[1])
        else:
            days = [(1, 10), (11, 20), (21, end.day)][third]
            start, end = start.replace(day=days[0]), start.replace(day=days[1])
        return PartialDate(start, end, "approximate", raw)

    def _week(self, number: int, rest: str, raw: str, approximate: bool) -> PartialDate:
        """The first to fourth week of a month (days 1-7, 8-14, 15-21, 22-28) or its last (the last seven days)."""
        fields = self.fields(rest)
        if fields.year is None or fields.month is None or fields.day is not None:
            raise DateParseError(f"expected a month and a year after the week ('third week of June 1995'); got {raw!r}")
        month_start, month_end = fields.bounds(raw)
        if number == 5:
            start, end = month_end - dt.timedelta(days=6), month_end
        else:
            start = month_start + dt.timedelta(days=7 * (number - 1))
            end = start + dt.timedelta(days=6)
        if approximate:
            return _widen(start, end, "day", raw)
        return PartialDate(start, end, "range", raw)

    def _season(self, name: str, year_text: str, raw: str) -> PartialDate:
        """Spring (Mar-May), summer (Jun-Aug), autumn (Sep-Nov), winter (Dec of the year before - Feb)."""
        digits = year_text.lstrip("'")
        year = int(digits) if len(digits) == 4 else expand_two_digit_year(int(digits), self.pivot)
        first, last = _SEASONS[name]
        start = dt.date(year - 1, 12, 1) if first == 12 else dt.date(year, first, 1)
        end = dt.date(year, last, calendar.monthrange(year, last)[1])
        return PartialDate(start, end, "approximate", raw)

    def _decade(self, text: str) -> tuple[dt.date, dt.date] | None:
        match = re.fullmatch(r"(\d{2}|\d{4})\s*'?s", text) or re.fullmatch(r"'(\d{2})s", text)
        if not match:
            return None
        number = int(match.group(1))
        year = number if number >= 100 else expand_two_digit_year(number, self.pivot)
        if year % 10:
            raise DateParseError(f"expected a decade such as 1990s; got {text!r}")
        return dt.date(year, 1, 1), dt.date(year + 9, 12, 31)

    def _range(self, text: str, raw: str) -> tuple[dt.date, dt.date] | None:
        """Read "A to B", "between A and B", "A-B", "1995/96"; the right side lends parts to the left."""
        text = _RANGE_START.sub("", text)
        for separator in _RANGE_SEPARATORS:
            start = 0
            while (index := text.find(separator, start)) != -1:
                start = index + 1
                left, right = text[:index].strip(" ,"), text[index + len(separator):].strip(" ,")
                if not left or not right:
                    continue
                if separator == "/":
                    span = self._short_year_range(left, right)
                    if span is not None:
                        return span
                    if re.fullmatch(r"\d{1,2}", left) and re.search(r"[^\W\d_]", right):
                        span = self._try_range(left, right, raw)  # "14/15 June 1995": the night of the 14th
                        if span is not None:
                            return span
                    continue
                span = self._try_range(left, right, raw)
                if span is not None:
                    return span
        return None

    def _try_range(self, left: str, right: str, raw: str) -> tuple[dt.date, dt.date] | None:
        try:
            right_fields = self.fields(right)
            if right_fields.year is None:
                return None
            left_fields = self.fields(left, allow_partial=True)
        except DateParseError:
            left_fields = right_fields = None  # type: ignore[assignment]
        if left_fields is None or right_fields is None:
            return self._short_year_range(left, right)
        left_fields = left_fields.filled_from(right_fields)
        left_start, _ = left_fields.bounds(raw)
        _, right_end = right_fields.bounds(raw)
        if right_end < left_start:
            raise DateParseError(f"the range {raw!r} ends before it starts; expected start before end")
        return left_start, right_end

    def _short_year_range(self, left: str, right: str) -> tuple[dt.date, dt.date] | None:
        """1995-96, 1995/96, 1999-00: the right side is the last two digits of a later year."""
        if re.fullmatch(r"\d{4}", left) and re.fullmatch(r"\d{2}", right):
            first = int(left)
            last = first - first % 100 + int(right)
            if last <= first:
                last += 100
            if last - first > 20:
                return None
            return dt.date(first, 1, 1), dt.date(last, 12, 31)
        return None

    # -- one date ------------------------------------------------------------------------------

    def fields(self, text: str, *, allow_partial: bool = False) -> _Fields:
        """Read one date (no range). With allow_partial, "10" or "June" alone are accepted."""
        text = text.strip(" ,.")
        numeric = self._numeric(text)
        if numeric is not None:
            return numeric
        tokens = [t for t in _TOKEN.findall(_ORDINAL.sub(r"\1", text)) if t not in _FILLER_WORDS and t not in _WEEKDAYS]
        months = [_MONTHS[t] for t in tokens if t in _MONTHS]
        numbers = [t for t in tokens if t.isdigit()]
        unknown = [t for t in tokens if not t.isdigit() and t not in _MONTHS]
        if unknown:
            raise DateParseError(f"did not understand {', '.join(map(repr, unknown))}")
        if len(months) > 1:
            raise DateParseError("found more than one month name")
        if not months:
            if allow_partial and len(numbers) == 1 and len(numbers[0]) <= 2:
                return _Fields(None, None, int(numbers[0]))
            if len(numbers) == 1 and len(numbers[0]) == 4:  # "since 1995", "in 1995"
                year = int(numbers[0])
                if not _YEAR_RANGE[0] <= year <= _YEAR_RANGE[1]:
                    raise DateParseError(f"the year {year} is out of range")
                return _Fields(year)
            raise DateParseError("expected a day, month and year")
        month = months[0]
        if not numbers:
            if allow_partial:
                return _Fields(None, month)
            raise DateParseError("a month name needs a year")
        if len(numbers) == 1:
            number = numbers[0]
            if len(number) == 4:
                return _Fields(int(number), month)
            before_month = tokens.index(number) < tokens.index(_month_token(tokens))
            if len(number) <= 2 and allow_partial and before_month:
                return _Fields(None, month, int(number))
            if len(number) <= 2 and before_month:  # "14th June", "15-Jun": a day; the year is missing
                raise DateParseError("a day and a month need a year")
            if len(number) == 2:
                return _Fields(expand_two_digit_year(int(number), self.pivot), month)
            raise DateParseError(f"did not understand the number {number!r} beside the month")
        if len(numbers) == 2:
            four_digit = [n for n in numbers if len(n) == 4]
            if len(four_digit) == 1:
                day = next(n for n in numbers if n is not four_digit[0])
                return _Fields(int(four_digit[0]), month, int(day))
            if not four_digit and all(len(n) <= 2 for n in numbers):
                return _Fields(expand_two_digit_year(int(numbers[1]), self.pivot), month, int(numbers[0]))
        raise DateParseError(f"did not understand the numbers {', '.join(numbers)} beside the month")

    def _numeric(self, text: str) -> _Fields | None:
        """All-numeric dates: 14/10/1992, 1992-10-14, 10/1992, 1992-10, 1992, 19921014, serials."""
        if re.fullmatch(r"\d{4}", text):
            year = int(text)
            if not _YEAR_RANGE[0] <= year <= _YEAR_RANGE[1]:
                raise DateParseError(f"the year {year} is out of range")
            return _Fields(year)
        if re.fullmatch(r"'\d{2}", text):
            return _Fields(expand_two_digit_year(int(text[1:]), self.pivot))
        if re.fullmatch(r"\d{5}(?:\.\d+)?", text):
            serial = float(text)
            if _EXCEL_SERIAL_RANGE[0] <= serial <= _EXCEL_SERIAL_RANGE[1]:
                day = _EXCEL_EPOCH + dt.timedelta(days=int(serial))
                return _Fields(day.year, day.month, day.day)
            raise DateParseError("a five-digit number is read as an Excel serial day number, and this one is out of range")
        if re.fullmatch(r"\d{8}", text):
            return self._compact(text)
        match = _THREE_NUMBERS.fullmatch(text)
        if match:
            return self._three_parts(match.group(1), match.group(3), match.group(4))
        match = re.fullmatch(r"(\d{1,2})\s*[/.\-]\s*(\d{4})", text)
        if match:
            return _Fields(int(match.group(2)), int(match.group(1)))
        match = re.fullmatch(r"(\d{1,2})\s*[/\-]\s*(\d{2})", text)
        if match and int(match.group(2)) > 31:  # 06/95: a month and a two-digit year (never a day)
            return _Fields(expand_two_digit_year(int(match.group(2)), self.pivot), int(match.group(1)))
        match = re.fullmatch(r"(\d{4})\s*([/.\-])\s*(\d{1,2})", text)
        if match:
            first, separator, second = int(match.group(1)), match.group(2), match.group(3)
            if separator == "/" and len(second) == 2 and int(second) == (first + 1) % 100:
                return None  # 2001/02: a two-year span, read by the range reader
            if 1 <= int(second) <= 12:
                return _Fields(first, int(second))
            return None
        return None

    def _compact(self, text: str) -> _Fields:
        if self.order in ("auto", "ymd") and text[:2] in ("18", "19", "20", "21"):
            fields = _Fields(int(text[:4]), int(text[4:6]), int(text[6:]))
            if self.order == "ymd" or _is_valid(fields):
                return fields
        first, second, year = int(text[:2]), int(text[2:4]), int(text[4:])
        try:
            return self._day_month(first, second, year, text)
        except DateParseError:
            # "19950614" read day first fails (month 95); read year first, it may be a date. Both
            # readings cannot hold: a year of 1800-2199 in the last four digits is no month.
            fields = _Fields(int(text[:4]), int(text[4:6]), int(text[6:]))
            if text[:2] in ("18", "19", "20", "21") and _is_valid(fields):
                return fields
            raise

    def _three_parts(self, a: str, b: str, c: str) -> _Fields:
        if len(a) == 4 or self.order == "ymd":
            if len(a) != 4 and self.order == "ymd":
                year = self._year(a)
            else:
                year = int(a)
            return _Fields(year, int(b), int(c))
        if len(c) not in (2, 4):
            raise DateParseError("expected a two- or four-digit year at the end")
        return self._day_month(int(a), int(b), self._year(c), f"{a}/{b}/{c}")

    def _day_month(self, first: int, second: int, year: int, text: str) -> _Fields:
        order = self.order
        if order == "auto":
            if first > 12 >= second:
                order = "dmy"
            elif second > 12 >= first:
                order = "mdy"
            else:
                order = self.prefer
        if order == "mdy":
            first, second = second, first
        if not 1 <= second <= 12:
            raise DateParseError(f"month {second} does not exist when read as {order}")
        return _Fields(year, second, first)

    def _year(self, text: str) -> int:
        if len(text) == 2:
            return expand_two_digit_year(int(text), self.pivot)
        if len(text) == 4:
            return int(text)
        raise DateParseError(f"expected a two- or four-digit year; got {text!r}")


def _month_token(tokens: list[str]) -> str:
    return next(t for t in tokens if t in _MONTHS)


def _is_valid(fields: _Fields) -> bool:
    try:
        fields.bounds("")
    except DateParseError:
        return False
    return True


def _third_name(word: str) -> str:
    if word in ("early", "beginning of", "start of"):
        return "early"
    if word in ("mid", "middle of"):
        return "mid"
    return "late"


def _widen(start: dt.date, end: dt.date, precision: str, raw: str) -> PartialDate:
    if precision == "day":
        margin = APPROXIMATE_MARGIN["day"]
        return PartialDate(start - margin, end + margin, "approximate", raw)
    if precision == "month":
        months = APPROXIMATE_MARGIN["month"]
        return PartialDate(_add_months(start, -months), _month_end(_add_months(end, months)), "approximate", raw)
    years = APPROXIMATE_MARGIN["year"]
    return PartialDate(dt.date(start.year - years, 1, 1), dt.date(end.year + years, 12, 31), "approximate", raw)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _clean(raw: str) -> str:
    text = to_ascii_digits(raw).strip().lower()
    text = re.sub(r"\s+", " ", text)
    text = _CLOCK_TIME.sub("", text).strip()
    text = _TIME_OF_DAY.sub("", text).strip()
    text = _TIME_SUFFIX.sub("", text).strip()
    text = _LEADING_WEEKDAY.sub("", text)  # "Wed 14/06/1995"
    return text.strip(" ,;")


def _strip_approximate(text: str) -> tuple[str, bool]:
    stripped, count = _APPROX_PATTERN.subn(" ", text)
    if not count:
        return text, False
    return re.sub(r"\s+", " ", stripped).strip(" ,;()"), True


def _explain(raw: str, error: DateParseError) -> str:
    return (
        f"could not read {raw!r} as a date ({error}); expected forms such as 14/10/1992, 1992-10-14, "
        "14 October 1992, October 1992, 10/1992, 1992, around 1992, 1992-1994, or March-May 1992"
    )
