"""Dates and periods in news text, resolved against the statement date.

Rules, not a model: wire copy writes dates in a handful of shapes ("19 June 1992",
"June 19, 1992", "June 1992", "1992", "Tuesday", "last year"). A period is returned
as ISO start and end days; an open end ("since 1992") ends on the statement date
when it is known.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

MONTH_NUM = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTH_NUM.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTH_NUM["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MON = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:19|20)\d\d"
# One date expression; the named groups say which shape matched.
DATE_EXPR = (
    rf"(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_MON})(?:,?\s+(?P<y1>{_YEAR}))?"
    rf"|(?P<m2>{_MON})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y2>{_YEAR}))?"
    rf"|(?P<m3>{_MON}),?\s+(?P<y3>{_YEAR})"
    rf"|(?P<dd>\d{{1,2}})[/.-](?P<mm>\d{{1,2}})[/.-](?P<yy>{_YEAR})"
    rf"|(?P<iso>{_YEAR}-\d\d-\d\d)"
    rf"|(?P<decade>(?:19|20)\d0)'?s"
    rf"|(?P<y4>{_YEAR})"
    rf"|(?P<m4>{_MON})(?![\w.]*\s+\d)"
    rf"|(?P<wd>{_WD})(?!['’]s)"
    rf"|(?P<rel>yesterday|today|last\s+night|this\s+morning))"
)


@dataclass(frozen=True)
class Span:
    """A resolved stretch of days (start and end inclusive)."""

    start: date | None
    end: date | None

    def to_dict(self) -> dict:
        return {"start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None}


def _rename(expr: str, suffix: str) -> str:
    return re.sub(r"\(\?P<(\w+)>", lambda m: f"(?P<{m.group(1)}{suffix}>", expr)


DATE_RE = re.compile(DATE_EXPR, re.IGNORECASE)
_NUMWORD = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty)"
PERIOD_RE = re.compile(
    rf"\b(?:(?:(?:in|during|over|for)\s+)?(?:the\s+)?(?P<part>first|second|last|third|fourth)\s+(?P<punit>half|quarter|six\s+months|three\s+months|nine\s+months)\s+of\s+(?:(?P<pyear>{_YEAR})|(?P<pthis>this|last|the)\s+year)"
    rf"|(?P<yand>(?:in|during)\s+)(?P<ya>{_YEAR})\s+and\s+(?P<yb>{_YEAR})"
    rf"|(?P<mrel_since>since\s+|from\s+)?(?:(?:in|during)\s+)?(?:(?:early|late|mid)[- ])?(?P<mrel>{_MON})\s+(?P<mrel_year>last|this|previous)\s+year"
    rf"|(?P<sinceev>since)\s+(?:the|its|their|a|an|this|that)\s+[^,.;]{{3,40}}?\s+(?P<evrel>last|this|previous|past)\s+(?P<evunit>year|month|week)"
    rf"|(?P<sincein>since)\s+(?:the|its|their|a|an|this|that)\s+[^,.;]{{3,60}}?\s+(?:in|on|of|from)\s+(?P<si>{_rename(DATE_EXPR, '_i')})"
    rf"|(?P<between>between|from)\s+(?P<a>{_rename(DATE_EXPR, '_a')})\s+(?:and|to|until|till|through)\s+(?P<b>{_rename(DATE_EXPR, '_b')})"
    rf"|(?P<since>since|from)\s+(?:(?:early|late|mid)[- ])?(?P<s>{_rename(DATE_EXPR, '_s')})"
    rf"|(?P<yrange>{_YEAR})\s*(?:-|–|to)\s*(?P<yend>{_YEAR}|\d\d)\b"
    rf"|(?:(?:over|in|during|for|within)\s+the\s+(?:past|last|previous)|over)\s+(?P<n>{_NUMWORD}|few|several)?\s*(?P<unit>years?|months?|weeks?|days?|decades?)\b(?!\s+(?:ago|later|earlier|before|after))"
    rf"|(?P<sincerel>since\s+)?(?P<rel>last|this|past|previous)\s+(?P<runit>year|month|week)"
    rf"|(?:(?P<prep>in|during|on|of|throughout)\s+(?:the\s+)?)?(?:(?:early|late|mid)[- ])?(?P<one>{_rename(DATE_EXPR, '_o')}))\b",
    re.IGNORECASE,
)
_SMALL = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
          "thirty": 30, "few": 3, "several": 3}


def _group(m: re.Match, name: str, suffix: str) -> str | None:
    return m.groupdict().get(name + suffix)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def resolve_date(m: re.Match, suffix: str, ref: date | None) -> Span | None:
    """The days one DATE_EXPR match covers; `ref` fills a missing year or a weekday."""
    g = lambda n: _group(m, n, suffix)  # noqa: E731
    try:
        if g("iso"):
            d = date.fromisoformat(g("iso"))
            return Span(d, d)
        if g("dd"):
            d = date(int(g("yy")), int(g("mm")), int(g("dd")))  # day first, as in South Asia
            return Span(d, d)
        for dk, mk, yk in (("d1", "m1", "y1"), ("d2", "m2", "y2")):
            if g(mk) and g(dk):
                month = MONTH_NUM[g(mk).lower().rstrip(".")]
                day = int(g(dk))
                if g(yk):
                    d = date(int(g(yk)), month, day)
                elif ref is not None:
                    d = date(ref.year, month, day)
                    if d > ref:
                        d = date(ref.year - 1, month, day)
                else:
                    return None
                return Span(d, d)
        if g("m4") and ref is not None and not g("m4")[0].islower():
            month = MONTH_NUM[g("m4").lower().rstrip(".")]
            year = ref.year if month <= ref.month else ref.year - 1
            return Span(date(year, month, 1), _month_end(year, month))
        if g("m3"):
            year, month = int(g("y3")), MONTH_NUM[g("m3").lower().rstrip(".")]
            return Span(date(year, month, 1), _month_end(year, month))
        if g("decade"):
            y = int(g("decade"))
            return Span(date(y, 1, 1), date(y + 9, 12, 31))
        if g("y4"):
            y = int(g("y4"))
            return Span(date(y, 1, 1), date(y, 12, 31))
        if g("wd") and ref is not None:
            back = (ref.weekday() - WEEKDAYS[g("wd").lower()]) % 7
            d = ref - timedelta(days=back)
            return Span(d, d)
        if g("rel") and ref is not None:
            word = " ".join(g("rel").lower().split())
            d = ref - timedelta(days=1) if word in ("yesterday", "last night") else ref
            return Span(d, d)
    except (ValueError, KeyError):
        return None
    return None


def parse_date(text: str, ref: date | None = None) -> date | None:
    """The first single day named in `text` (for datelines and statement dates)."""
    for m in DATE_RE.finditer(text):
        span = resolve_date(m, "", ref)
        if span and span.start == span.end and span.start is not None:
            return span.start
    return None


@dataclass(frozen=True)
class PeriodMatch:
    span: Span
    start: int
    end: int
    text: str


@lru_cache(maxsize=4096)
def find_periods(text: str, ref: date | None) -> tuple[PeriodMatch, ...]:
    """Every period expression in `text`, resolved against the statement date `ref`."""
    return tuple(_find_periods(text, ref))


def _find_periods(text: str, ref: date | None) -> list[PeriodMatch]:
    found = []
    for m in PERIOD_RE.finditer(text):
        span = _resolve_period(m, ref)
        if span is not None:
            found.append(PeriodMatch(span, m.start(), m.end(), m.group(0)))
    return found


def _resolve_period(m: re.Match, ref: date | None) -> Span | None:
    if m.group("part"):
        return _part_of_year(m, ref)
    if m.group("mrel"):
        # "in October last year", "since March this year"
        if ref is None:
            return None
        year = ref.year - (m.group("mrel_year").lower() in ("last", "previous"))
        month = MONTH_NUM[m.group("mrel").lower().rstrip(".")]
        start, end = date(year, month, 1), _month_end(year, month)
        return Span(start, ref) if m.group("mrel_since") else Span(start, min(end, ref))
    if m.group("sinceev"):
        # "since a protest last week": from the start of that week (month, year) until now
        span = _relative_unit(m.group("evrel").lower(), m.group("evunit").lower(), ref)
        return Span(span.start, ref) if span is not None else None
    if m.group("yand"):
        y0, y1 = int(m.group("ya")), int(m.group("yb"))
        return Span(date(y0, 1, 1), date(y1, 12, 31)) if y1 >= y0 else None
    if m.group("sincein"):
        s = resolve_date(m, "_i", ref)
        return Span(s.start, ref) if s else None
    if m.group("between"):
        a, b = resolve_date(m, "_a", ref), resolve_date(m, "_b", ref)
        if a and b:
            return Span(a.start, b.end)
        return None
    if m.group("since"):
        s = resolve_date(m, "_s", ref)
        return Span(s.start, ref) if s else None
    if m.group("yrange"):
        y0 = int(m.group("yrange"))
        tail = m.group("yend")
        y1 = int(tail) if len(tail) == 4 else (y0 // 100) * 100 + int(tail)
        return Span(date(y0, 1, 1), date(y1, 12, 31)) if y1 >= y0 else None
    if m.group("unit"):
        if ref is None:
            return None
        n = m.group("n")
        count = 1 if not n else (int(n) if n.isdigit() else _SMALL[n.lower()])
        unit = m.group("unit").lower().rstrip("s")
        return Span(_back(ref, unit, count), ref)
    if m.group("rel"):
        span = _relative_unit(m.group("rel").lower(), m.group("runit").lower(), ref)
        if span is not None and m.group("sincerel"):
            return Span(span.start, ref)  # "since last year": from its first day until now
        return span
    if m.group("one"):
        return resolve_date(m, "_o", ref)
    return None


_PART_MONTHS = {"half": 6, "quarter": 3, "six months": 6, "three months": 3, "nine months": 9}
_PART_INDEX = {"first": 0, "second": 1, "third": 2, "fourth": 3}


def _part_of_year(m: re.Match, ref: date | None) -> Span | None:
    """'the first half of 2018', 'the last quarter of this year', 'the first six months of last year'."""
    if m.group("pyear"):
        year = int(m.group("pyear"))
    elif ref is not None and m.group("pthis") in ("this", "last"):
        year = ref.year - (m.group("pthis") == "last")
    else:
        return None  # "of the year": which year is not said
    months = _PART_MONTHS[" ".join(m.group("punit").lower().split())]
    part = m.group("part").lower()
    if part == "last":
        first_month = 13 - months
    elif months in (3, 6) and _PART_INDEX[part] * months < 12:
        first_month = 1 + _PART_INDEX[part] * months
    elif part == "first":
        first_month = 1
    else:
        return None
    end = _month_end(year, first_month + months - 1)
    if ref is not None and end > ref >= date(year, first_month, 1):
        end = ref  # the part of the year that has passed
    return Span(date(year, first_month, 1), end)


def _back(ref: date, unit: str, count: int) -> date:
    """The same calendar day `count` units before `ref` (clamped to the month's end)."""
    if unit in ("year", "decade"):
        years = count * (10 if unit == "decade" else 1)
        return _safe_day(ref.year - years, ref.month, ref.day)
    if unit == "month":
        months = ref.year * 12 + ref.month - 1 - count
        return _safe_day(months // 12, months % 12 + 1, ref.day)
    return ref - timedelta(days=count * (7 if unit == "week" else 1))


def _safe_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _relative_unit(rel: str, unit: str, ref: date | None) -> Span | None:
    """'last year', 'this month', 'past week' against the statement date."""
    if ref is None:
        return None
    if unit == "year":
        if rel in ("last", "previous"):
            return Span(date(ref.year - 1, 1, 1), date(ref.year - 1, 12, 31))
        if rel == "past":
            return Span(_back(ref, "year", 1), ref)
        return Span(date(ref.year, 1, 1), ref)
    if unit == "month":
        if rel in ("last", "previous"):
            first = date(ref.year, ref.month, 1) - timedelta(days=1)
            return Span(date(first.year, first.month, 1), first)
        if rel == "past":
            return Span(_back(ref, "month", 1), ref)
        return Span(date(ref.year, ref.month, 1), ref)
    if rel in ("last", "previous"):
        monday = ref - timedelta(days=ref.weekday())
        return Span(monday - timedelta(days=7), monday - timedelta(days=1))
    if rel == "past":
        return Span(ref - timedelta(days=7), ref)
    return Span(ref - timedelta(days=ref.weekday()), ref)
