"""Find victim-count figures in text and turn them into bounds.

A figure is a number with an optional qualifier ("more than 25,000", "about 300",
"between 200 and 250", "two lakh", "dozens"). Vague words get documented
conservative floors in the manner of ACLED's coding rules (see VAGUE_FLOORS and
docs/claims.md). Dates, ages, years, times, money and measures are never figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Conservative floors for vague quantity words; the word is kept as the qualifier.
VAGUE_FLOORS: dict[str, int] = {
    "a few": 3,
    "several": 3,
    "a handful": 3,
    "tens": 10,
    "dozens": 12,
    "scores": 20,
    "hundreds": 100,
    "thousands": 1_000,
    "tens of thousands": 10_000,
    "hundreds of thousands": 100_000,
    "millions": 1_000_000,
}

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
SCALES = {"dozen": 12, "hundred": 100, "thousand": 1_000, "lakh": 100_000, "lakhs": 100_000,
          "million": 1_000_000, "crore": 10_000_000, "billion": 1_000_000_000}

# Lower-bound, upper-bound and approximate qualifiers, longest first within each group.
LOWER_QUALIFIERS = [
    "more than", "over", "at least", "upwards of", "in excess of", "no fewer than",
    "no less than", "not less than", "not fewer than", "a minimum of", "above", "beyond",
]
UPPER_QUALIFIERS = [
    "up to", "as many as", "fewer than", "less than", "under", "at most", "a maximum of",
    "not more than", "no more than",
]
APPROX_QUALIFIERS = [
    "about", "around", "approximately", "nearly", "almost", "roughly", "close to", "some",
    "an estimated", "estimated", "just over", "just under", "a reported",
]

_WORD_NUM = (
    r"(?:(?:%s)(?:[- ](?:%s))?|%s)"
    % ("|".join(TENS), "|".join(k for k in UNITS if UNITS[k] and UNITS[k] < 10),
       "|".join(sorted(UNITS, key=len, reverse=True)))
)
_SCALE = r"(?:hundred|thousand|lakhs?|million|crore|billion|dozen)"
# "25,000", "25000", "1.5", "2.5 million", "twenty-five thousand", "a hundred", "a dozen"
_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
_NUM_BODY = (
    rf"(?:(?:{_DIGITS})(?:\s+{_SCALE})?"
    rf"|(?:{_WORD_NUM})(?:(?:\s+|-)(?:and\s+)?(?:{_WORD_NUM}|{_SCALE}|dozen))*"
    rf"|a\s+(?:hundred|thousand|million|dozen|lakh)"
    rf"|half\s+a\s+dozen|a\s+dozen|dozen)"
)
_VAGUE = (
    r"(?:tens\s+of\s+thousands|hundreds\s+of\s+thousands|several\s+thousand|several\s+hundred"
    r"|several\s+dozen|dozens|scores|hundreds|thousands|millions|tens|several|a\s+few|a\s+handful)"
)
_QUAL = "|".join(
    re.escape(q).replace(r"\ ", r"\s+")
    for q in sorted(LOWER_QUALIFIERS + UPPER_QUALIFIERS + APPROX_QUALIFIERS, key=len, reverse=True)
)
_RANGE = (
    rf"(?:between\s+(?P<r1a>{_NUM_BODY})\s+and\s+(?P<r1b>{_NUM_BODY})"
    rf"|from\s+(?P<r2a>{_NUM_BODY})\s+to\s+(?P<r2b>{_NUM_BODY})"
    rf"|(?P<r3a>{_DIGITS})\s*(?:-|–|to)\s*(?P<r3b>{_DIGITS}(?:\s+{_SCALE})?))"
)
FIGURE_RE = re.compile(
    rf"(?<![\w.,-])(?:(?P<range>{_RANGE})"
    rf"|(?:(?P<qual>{_QUAL})\s+)?(?P<vague>{_VAGUE})"
    rf"|(?:(?P<qual2>{_QUAL})\s+)?(?P<num>{_NUM_BODY}))(?![\w-])",
    re.IGNORECASE,
)

MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
# Words right after a figure that show it is not a count of people.
_NOT_COUNT_AFTER = re.compile(
    rf"^(?:\s*(?:-|–)?\s*(?:years?|yrs?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?"
    rf"|centuries|century|percent|per\s+cent|%|km|kilomet(?:er|re)s?|miles?|metres?|meters?|kg"
    rf"|kilograms?|acres?|hectares?|rupees?|dollars?|taka|pesos?|euros?|pounds?|am|pm|a\.m\.|p\.m\."
    rf"|o'clock|th|st|nd|rd|(?:{MONTHS})\b|times|fold|rounds?|votes?|seats?|pages?|cases?\s+of\s+"
    rf"(?:rain|dengue)|storey|stories|points?|shots|bullets|vehicles?|houses|homes|buildings|shops"
    rf"|villages|districts|schools|ms|mm|hrs|gms?|crores?\s+rupees|lakh\s+rupees)\b|^\s*(?:-|–)year"
    rf"|^(?:st|nd|rd|th)\b|^\s*:\s*\d|^\s*/\s*\d|^-\w)",
    re.IGNORECASE,
)
# Words right before a figure that show it is a date, age, sum, label or measure.
_NOT_COUNT_BEFORE = re.compile(
    rf"(?:\b(?:{MONTHS})\.?|\b(?:aged?|ages|age\s+of|rs\.?|inr|pkr|usd|us\$|no\.|number|sections?"
    rf"|articles?|clauses?|resolution|chapter|paragraph|para|rule|item|page|room|flat|house|street|road"
    rf"|sector|block|phase|unit|ward|constituency|fir|volume|vol\.|grade|class|chak|km|circa"
    rf"|mid|late|early|channel|flight|route|highway|platoon|battalion|regiment|brigade|division"
    rf"|corps|squadron|wing|zone|camp|cell|district|precinct|barracks|tower|gate|level|floor)"
    rf"|[$€£₹#/:]|\b[A-Z]{{1,3}}-)\s*$"
    # the later numbers of a list of labels: "Sections 302 and 34", "Articles 9, 10 and 14"
    rf"|\b(?:sections?|articles?|clauses?|paras?|paragraphs?|rules?|resolutions?)\s+\d+[A-Z]?"
    rf"(?:\s*(?:,|and|or|&|/)\s*\d+[A-Z]?)*\s*(?:,|and|or|&|/)\s*$",
    re.IGNORECASE,
)
_YEAR_BEFORE = re.compile(
    r"\b(?:in|since|from|until|till|to|before|after|during|of|by|year|years|early|late|mid|and|or"
    r"|between|through|throughout|the|'s)\s*$", re.IGNORECASE)
_PLURAL_NEXT = re.compile(r"^\s+(?:[a-z]+\s+){0,2}?(?:[a-z]+s|people|men|women|children|police"
                          r"|personnel|youth|staff|dead)\b")


@dataclass(frozen=True)
class Figure:
    """One figure found in text, with its bounds and the characters it spans."""

    lower: int | None
    upper: int | None
    qualifier: str | None
    text: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return {"lower": self.lower, "upper": self.upper, "qualifier": self.qualifier,
                "text": self.text}


class NotANumber(ValueError):
    """Raised when a phrase cannot be read as a number."""


def words_to_number(phrase: str) -> int:
    """Read a number written in digits, words or both ("twenty-five thousand", "2.5 lakh")."""
    text = phrase.lower().replace("-", " ").replace(",", "").strip()
    text = re.sub(r"\band\b", " ", text)
    if text in ("a dozen", "dozen"):
        return 12
    if text == "half a dozen":
        return 6
    tokens = text.split()
    if tokens and tokens[0] == "a":
        tokens[0] = "one"
    total, current = 0.0, 0.0
    seen = False
    for tok in tokens:
        if re.fullmatch(r"\d+(?:\.\d+)?", tok):
            current += float(tok)
        elif tok in UNITS:
            current += UNITS[tok]
        elif tok in TENS:
            current += TENS[tok]
        elif tok in ("hundred",):
            current = (current or 1) * 100
        elif tok in SCALES:
            total += (current or 1) * SCALES[tok]
            current = 0
        else:
            raise NotANumber(phrase)
        seen = True
    if not seen:
        raise NotANumber(phrase)
    return int(round(total + current))


def _qualifier_bounds(qualifier: str | None, value: int) -> tuple[int | None, int | None]:
    """Bounds that a qualifier puts on a stated value."""
    if qualifier is None:
        return value, value
    q = " ".join(qualifier.lower().split())
    if q in LOWER_QUALIFIERS:
        return value, None
    if q in UPPER_QUALIFIERS:
        return None, value
    return value, value


def _vague_floor(word: str) -> tuple[int, str]:
    """Floor and canonical qualifier for a vague quantity word."""
    w = " ".join(word.lower().split())
    m = re.fullmatch(r"several (thousand|hundred|dozen)", w)
    if m:
        return {"thousand": 3_000, "hundred": 300, "dozen": 36}[m.group(1)], w
    return VAGUE_FLOORS[w], w


def _looks_like_date_or_measure(text: str, start: int, end: int, raw: str) -> bool:
    """True when the figure at text[start:end] is a date, year, age, time, sum or measure."""
    after = text[end:end + 40]
    before = text[max(0, start - 25):start]
    if _NOT_COUNT_AFTER.search(after):
        return True
    digits = raw.replace(",", "")
    if not re.fullmatch(r"\d+", digits):
        return False
    if _NOT_COUNT_BEFORE.search(before):
        return True
    if int(digits) < 120 and re.search(r"[A-Z][\w.'-]*,\s*$", before) and re.match(r"\s*[,)]", after):
        return True  # an age after a name: "Aslam Baloch, 32, was ..."
    if int(digits) < 120 and re.search(r"\(\s*$", before) and re.match(r"\s*\)", after):
        return True  # "(32)"
    if "," not in raw and re.fullmatch(r"\d{4}", raw) and 1900 <= int(raw) <= 2100:
        # a year, unless it plainly counts people ("over 2000 people")
        return bool(_YEAR_BEFORE.search(before)) or not _PLURAL_NEXT.match(after)
    if re.match(r"\s*(?:,\s*)?(?:19|20)\d\d\b", after) and re.search(
            rf"\b(?:{MONTHS})\.?\s*$", before, re.IGNORECASE):
        return True
    if re.match(rf"\s+(?:of\s+)?(?:{MONTHS})\b", after, re.IGNORECASE):
        return True  # "19 June", "3rd of May"
    return False


def find_figures(text: str) -> list[Figure]:
    """Every figure in `text` that may count people, in order of appearance."""
    figures: list[Figure] = []
    for m in FIGURE_RE.finditer(text):
        try:
            fig = _figure_from_match(m)
        except NotANumber:
            continue
        if fig is None:
            continue
        raw = (m.group("num") or m.group("r3a") or "").strip()
        if m.group("num") or m.group("r3a"):
            if _looks_like_date_or_measure(text, m.start(), m.end(), raw):
                continue
        if m.group("num") and re.fullmatch(r"one", raw, re.IGNORECASE) and \
                re.match(r"\s+of\b", text[m.end():]):
            continue  # "one of the victims" is not a figure on its own
        figures.append(fig)
    return figures


def _is_year(raw: str) -> bool:
    raw = raw.strip()
    return bool(re.fullmatch(r"\d{4}", raw)) and 1900 <= int(raw) <= 2100


def _figure_from_match(m: re.Match) -> Figure | None:
    span_text = " ".join(m.group(0).split())
    if m.group("range"):
        a = m.group("r1a") or m.group("r2a") or m.group("r3a")
        b = m.group("r1b") or m.group("r2b") or m.group("r3b")
        lo, hi = words_to_number(a), words_to_number(b)
        scale = re.search(_SCALE + r"$", b.strip(), re.IGNORECASE)
        if scale and not re.search(_SCALE, a, re.IGNORECASE):
            lo = words_to_number(f"{a} {scale.group(0)}")
        if hi < lo or lo == hi:
            return None
        if _is_year(a) or _is_year(b):
            return None  # "1992-1996", "between 1995 and 1996" are periods, not counts
        if re.search(r"\b(?:aged?|ages|age group|between the ages)\s*$", m.string[max(0, m.start() - 20):m.start()],
                     re.IGNORECASE):
            return None  # "aged between 19 and 26"
        return Figure(lo, hi, "between", span_text, m.start(), m.end())
    if m.group("vague"):
        floor, word = _vague_floor(m.group("vague"))
        qual = m.group("qual")
        if qual and " ".join(qual.lower().split()) in UPPER_QUALIFIERS:
            return None
        return Figure(floor, None, word, span_text, m.start(), m.end())
    value = words_to_number(m.group("num"))
    qual = m.group("qual2")
    qual_norm = " ".join(qual.lower().split()) if qual else None
    lo, hi = _qualifier_bounds(qual_norm, value)
    return Figure(lo, hi, qual_norm, span_text, m.start(), m.end())
