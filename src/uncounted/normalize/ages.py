"""Ages as written ("35", "35 yrs", "about 30", "30-35", "30s", "infant") and birth-year ranges.

``parse_age`` keeps what was said: "35" is 35..35, "about 30" is 30..30 marked approximate and
widened by ``APPROXIMATE_AGE_MARGIN`` years each side (so 27..33), "30s" is 30..39,
"in his early 30s" 30..33 (approximate).

``birth_year_range`` turns an age at an event into the years of birth that fit it. A person aged
``a`` on a day of year ``y`` was born in year ``y - a - 1`` or ``y - a`` (depending on whether the
birthday had passed), so an exact age gives two possible years; an event known only to a range
of days widens this by the range's years. Ages in records are often rounded, so
``birth_year_range`` also adds ``tolerance`` years each side (default 0; linkage may pass 1-2).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from uncounted.normalize.dates import PartialDate
from uncounted.normalize.digits import to_ascii_digits
from uncounted.normalize.errors import AgeParseError

__all__ = ["AgeRange", "parse_age", "birth_year_range", "APPROXIMATE_AGE_MARGIN", "MAX_AGE"]

APPROXIMATE_AGE_MARGIN = 3
MAX_AGE = 120

_EMPTY = frozenset({"", "-", "--", "?", "n/a", "na", "nil", "none", "null", "nan", "unknown", "unk", "not known", "nk", "n/k", "x", "نامعلوم"})
_APPROX = re.compile(r"\b(?:about|around|approx(?:imately)?|appr|app|circa|ca|c|nearly|almost|roughly|estimated|est)\b\.?|~|\?|\(approx\.?\)")
_AT_LEAST = re.compile(r"^(?:over|above|more than|older than|at least|min(?:imum)?)\s+(\d{1,3})$|^(\d{1,3})\s*(?:\+|plus|or more|or older|and above|and over)$")
_BELOW = re.compile(r"^(?:under|below|less than|younger than)\s+(\d{1,3})$")
_UNITS = re.compile(r"\b(?:years?|yrs?|y/o|yo|y|years old|yrs old|year old|old|aged?|age|sal|saal|برس|سال)\b\.?")
_WORD_AGES = {
    "newborn": (0, 0), "new born": (0, 0), "infant": (0, 1), "baby": (0, 2), "toddler": (1, 3),
    "child": (0, 14), "minor": (0, 17), "under age": (0, 17), "under-age": (0, 17), "underage": (0, 17), "boy": (0, 17), "girl": (0, 17), "juvenile": (10, 17),
    "teen": (13, 19), "teenager": (13, 19), "adolescent": (12, 17), "youth": (15, 24), "young": (15, 30),
    "adult": (18, MAX_AGE), "middle aged": (40, 60), "middle-aged": (40, 60), "old": (60, MAX_AGE),
    "elderly": (60, MAX_AGE), "old man": (60, MAX_AGE), "old woman": (60, MAX_AGE), "aged": (60, MAX_AGE),
}


_BETWEEN = re.compile(r"^between\s+(\d{1,3})\s+(?:and|&|to)\s+(\d{1,3})")
_AGE_WITH_WORD = re.compile(r"(\d{1,3})\s*\((?:minor|child|boy|girl|teen|teenager|juvenile|adult|youth)\)"
                            r"|(?:minor|child|boy|girl|teen|teenager|juvenile|adult|youth)\s*\((\d{1,3})\)")
# "in his 20s", "in her late thirties", "early 30s", "mid-40s", "in his teens": a decade, or a third of one.
_IN_ONES = re.compile(r"^in (?:his|her|their|the) ")
_DECADE_WORDS = {"teens": 10, "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60,
                 "seventies": 70, "eighties": 80, "nineties": 90}
_DECADE = re.compile(r"(?:(early|mid|middle|late)[\s-]*)?(?:(\d)0\s*'?s|(" + "|".join(_DECADE_WORDS) + r"))")
_DECADE_THIRDS = {"early": (0, 3), "mid": (4, 6), "middle": (4, 6), "late": (7, 9)}


@dataclass(frozen=True)
class AgeRange:
    """Possible ages in whole years, low..high inclusive; approximate if the source hedged."""

    low: int
    high: int
    approximate: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.low <= self.high <= MAX_AGE:
            raise AgeParseError(f"an age range must satisfy 0 <= low <= high <= {MAX_AGE}; got {self.low}..{self.high}")

    @property
    def is_exact(self) -> bool:
        return self.low == self.high and not self.approximate

    def to_dict(self) -> dict:
        return {"low": self.low, "high": self.high, "approximate": self.approximate}


def parse_age(value: object) -> AgeRange | None:
    """Read an age: 35, "35 yrs", "about 30", "30-35", "30s", "25 (approx)", "6 months", "infant".

    Returns None for empty cells and "unknown"; raises AgeParseError for text that is not an age
    or an age over MAX_AGE.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise AgeParseError(f"expected an age in years, got the boolean {value!r}")
    if isinstance(value, (int, float)):
        return _from_number(float(value), str(value))
    raw = str(value)
    text = to_ascii_digits(raw).lower().replace(":", " ")
    text = re.sub(r"(\d)([^\W\d_])", r"\1 \2", text)  # "35yrs" -> "35 yrs"
    text = re.sub(r"(\d)\s*-\s*(?=[^\W\d_])", r"\1 ", text)  # "25-years" -> "25 years"
    text = _BETWEEN.sub(r"\1-\2", text)  # "between 25 and 30" -> "25-30"
    text = re.sub(r"\s+", " ", text).strip(" .,;")
    with_word = _AGE_WITH_WORD.fullmatch(text)  # "15 (minor)", "minor (15)": the number says more
    if with_word:
        text = with_word.group(1) or with_word.group(2)
    if text in _EMPTY:
        return None
    text, approximate = _strip(text, _APPROX)
    text = text.strip(" .,;()")
    if text in _WORD_AGES:
        low, high = _WORD_AGES[text]
        return AgeRange(low, high, True)
    text, _ = _strip(text, _UNITS)
    text = text.strip(" .,;()")
    if text in _WORD_AGES:
        low, high = _WORD_AGES[text]
        return AgeRange(low, high, True)
    bound = _AT_LEAST.match(text)
    if bound:
        return _checked(int(bound.group(1) or bound.group(2)), MAX_AGE, approximate, raw)
    bound = _BELOW.match(text)
    if bound:
        return _checked(0, max(0, int(bound.group(1)) - 1), approximate, raw)
    age = _months_or_days(text)
    if age is not None:
        return AgeRange(0, age, approximate) if age else AgeRange(0, 0, approximate)
    decade = _decade(_IN_ONES.sub("", text))
    if decade is not None:
        low, high, hedged = decade
        return _checked(low, high, approximate or hedged, raw)
    match = re.fullmatch(r"(\d{1,3})\s*'?s", text)
    if match and int(match.group(1)) % 10 == 0:
        low = int(match.group(1))
        return _checked(low, low + 9, approximate, raw)
    match = re.fullmatch(r"(\d{1,3}(?:\.\d+)?)\s*(?:-|–|to|/|or)\s*(\d{1,3}(?:\.\d+)?)", text)
    if match:
        low, high = int(float(match.group(1))), int(float(match.group(2)))
        return _checked(low, high, approximate, raw)
    match = re.fullmatch(r"(\d{1,3}(?:\.\d+)?)", text)
    if match:
        age = int(float(match.group(1)))
        if approximate:
            return _checked(max(0, age - APPROXIMATE_AGE_MARGIN), age + APPROXIMATE_AGE_MARGIN, True, raw)
        return _checked(age, age, False, raw)
    raise AgeParseError(
        f"could not read {raw!r} as an age; expected forms such as 35, 35 yrs, about 30, 30-35, 30s or infant"
    )


def _decade(text: str) -> tuple[int, int, bool] | None:
    """(low, high, hedged) of "20s", "twenties", "early 30s", "late teens" (teens are 13-19);
    "early", "mid" and "late" take a third of the decade and make the age approximate."""
    match = _DECADE.fullmatch(text)
    if match is None:
        return None
    part, digit, word = match.groups()
    start = int(digit) * 10 if digit else _DECADE_WORDS[word]
    low, high = (13, 19) if start == 10 else (start, start + 9)
    if part is None:
        return low, high, start == 10
    if start == 10:
        return {"early": (13, 15), "late": (17, 19)}.get(part, (15, 17)) + (True,)
    first, last = _DECADE_THIRDS[part]
    return start + first, start + last, True


def _from_number(number: float, raw: str) -> AgeRange | None:
    if math.isnan(number):
        return None
    if number < 0:
        raise AgeParseError(f"an age cannot be negative; got {raw!r}")
    return _checked(int(number), int(number), False, raw)


def _months_or_days(text: str) -> int | None:
    match = re.fullmatch(r"(\d{1,3})\s*(?:months?|mths?|mos?|weeks?|wks?|days?)", text)
    if not match:
        return None
    count = int(match.group(1))
    if "d" in text.split()[-1][:1] or "w" in text.split()[-1][:1]:
        return 0 if count < 365 else count // 365
    return count // 12


def _strip(text: str, pattern: re.Pattern[str]) -> tuple[str, bool]:
    stripped, count = pattern.subn(" ", text)
    return re.sub(r"\s+", " ", stripped).strip(), bool(count)


def _checked(low: int, high: int, approximate: bool, raw: str) -> AgeRange:
    if high < low:
        low, high = high, low
    if high > MAX_AGE:
        raise AgeParseError(f"the age {raw!r} is over {MAX_AGE}; expected an age in years")
    return AgeRange(low, high, approximate)


def birth_year_range(
    *,
    age: AgeRange | None = None,
    birth_year: int | None = None,
    birth_date: PartialDate | None = None,
    event: PartialDate | None = None,
    tolerance: int = 0,
) -> tuple[int, int] | None:
    """The years of birth (first, last) consistent with what is known, or None.

    A birth date or birth year wins over an age. An age needs the event date; with an age
    ``low..high`` and an event in years ``y1..y2`` the birth year lies in
    ``y1 - high - 1 .. y2 - low``. ``tolerance`` widens the result by that many years each side
    (ages in records are often rounded).
    """
    if birth_date is not None:
        first, last = birth_date.start.year, birth_date.end.year
    elif birth_year is not None:
        first = last = int(birth_year)
    elif age is not None and event is not None:
        first = event.start.year - age.high - 1
        last = event.end.year - age.low
    else:
        return None
    return first - tolerance, last + tolerance
