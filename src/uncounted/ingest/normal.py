"""The normalisers of ``uncounted.normalize``, wrapped for import: cached, and returning plain tuples.

Values repeat a lot in a list (the same dates, places, violation words, common names), so every
call is cached on the raw text (functools.lru_cache). A failure comes back as a string saying what
was expected, never as an exception, so that the row builder can turn it into a warning.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from uncounted.errors import ImportFailed
from uncounted.normalize import dates as dates_mod
from uncounted.normalize.errors import NormalizeError

CACHE = 200_000
NAME_CACHE = 500_000


class Normalisers:
    """One set of cached normalisers for one import (date order, pivot, vocabularies, gazetteer)."""

    def __init__(self, *, date_order: str = "dmy", pivot: int = 30, gazetteer: str | Path | None = None,
                 vocabulary: dict[str, dict[str, str]] | None = None):
        from uncounted.normalize import ages, places, vocab

        self.date_order = date_order
        self.pivot = pivot
        vocabulary = vocabulary or {}
        self._violations = _with_overrides(vocab.VIOLATION_VOCAB, vocabulary.get("violation"), "violation")
        self._perpetrators = _with_overrides(vocab.PERPETRATOR_VOCAB, vocabulary.get("perpetrator"), "perpetrator")
        self._statuses = _with_overrides(vocab.STATUS_VOCAB, vocabulary.get("victim_status"), "victim_status")
        self._custody = _with_overrides(vocab.CUSTODY_VOCAB, vocabulary.get("custody_acknowledged"),
                                        "custody_acknowledged")
        self._certainty = _with_overrides(vocab.CERTAINTY_VOCAB, vocabulary.get("certainty"), "certainty")
        self._sex_overrides = {vocab.fold_text(k): v for k, v in (vocabulary.get("sex") or {}).items()}
        bad = {k: v for k, v in self._sex_overrides.items() if v not in vocab.SEXES}
        if bad:
            raise ImportFailed(f"[vocabulary.sex] in the mapping file: {bad}; each word must map to one of "
                               f"{', '.join(vocab.SEXES)}.")
        self._fold = vocab.fold_text
        self._parse_sex = vocab.parse_sex
        try:
            self._gazetteer = places.Gazetteer.from_csv(gazetteer) if gazetteer else places.load_default_gazetteer()
        except NormalizeError as exc:
            raise ImportFailed(f"The gazetteer {gazetteer} cannot be used: {exc}") from exc
        except FileNotFoundError as exc:
            raise ImportFailed(f"The gazetteer file {gazetteer} does not exist; check the path in the mapping "
                               "file or the 'gazetteer' setting.") from exc
        self._parse_age = ages.parse_age
        self._birth_year_range = ages.birth_year_range
        self._names: dict[str, tuple[Any, ...] | None] = {}
        self.sex = lru_cache(1024)(self._sex)
        self.date = lru_cache(CACHE)(self._date)
        self.age = lru_cache(CACHE)(self._age)
        self._birth_years_in = lru_cache(CACHE)(self._birth_years_from_age_years)
        self.birth_years = lru_cache(CACHE)(self._birth_years)
        self.place = lru_cache(CACHE)(self._place)
        self.violation = lru_cache(CACHE)(self._violations)
        self.perpetrator = lru_cache(CACHE)(self._perpetrators)
        self.victim_status = lru_cache(4096)(self._statuses)
        self.custody = lru_cache(4096)(self._custody)
        self.certainty = lru_cache(4096)(self._certainty)

    # ---- each field ------------------------------------------------------------------------------
    def name(self, text: str) -> tuple[Any, ...] | None:
        """(honorific, given, family, relation, relative's name, name key) or None for 'unknown'."""
        try:
            return self._names[text]
        except KeyError:
            pass
        if len(self._names) >= NAME_CACHE:
            self._names.clear()
        parts = self._names[text] = name_parts(text)
        return parts

    def _sex(self, text: str) -> str | None:
        folded = self._fold(text)
        if folded in self._sex_overrides:
            return self._sex_overrides[folded]
        return self._parse_sex(text)

    def _date(self, text: str) -> tuple[dt.date, dt.date, str] | None | str:
        try:
            parsed = dates_mod.parse_date(text, order=self.date_order, pivot=self.pivot)
        except NormalizeError as exc:
            return f"a date ({exc})"
        if parsed is None:
            return None
        return parsed.start, parsed.end, parsed.precision

    def birth_years_from_age(self, text: str, date: tuple[dt.date, dt.date, str] | None
                             ) -> tuple[int, int] | None | str:
        """Birth years (first, last) from an age and the event date; a message if the age cannot be read.

        Cached on the age text and the event's years only (the range depends on nothing else), so that
        the few distinct ages times the many distinct dates do not each parse the age again.
        """
        if date is None:
            age = self.age(text)
            return age if isinstance(age, str) else None  # without an event date an age gives no birth year
        return self._birth_years_in(text, date[0].year, date[1].year)

    def _age(self, text: str) -> Any:
        try:
            return self._parse_age(text)
        except NormalizeError as exc:
            return f"an age in years, such as 34, 'about 30' or '30-35' ({exc})"

    def _birth_years_from_age_years(self, text: str, first_year: int, last_year: int) -> tuple[int, int] | None | str:
        age = self.age(text)
        if age is None or isinstance(age, str):
            return age
        event = dates_mod.PartialDate(dt.date(first_year, 1, 1), dt.date(last_year, 12, 31), "year", "")
        found = self._birth_year_range(age=age, event=event)
        return None if found is None else (int(found[0]), int(found[1]))

    def _birth_years(self, text: str) -> tuple[int, int] | None | str:
        try:
            parsed = dates_mod.parse_date(text, order=self.date_order, pivot=self.pivot)
        except NormalizeError as exc:
            return f"a year of birth such as 1965, or a date of birth ({exc})"
        if parsed is None:
            return None
        return parsed.start.year, parsed.end.year

    def _place(self, text: str | None, district: str | None) -> tuple[str, str | None] | None | str:
        """(place, its district or parent) from the gazetteer; None if unknown; a message if ambiguous."""
        if text is None:
            return None
        candidates = self._gazetteer.candidates(text)
        if len(candidates) > 1 and district:
            within = {p.place_id for p in self._gazetteer.candidates(district)}
            narrowed = [c for c in candidates
                        if within & {a.place_id for a in self._gazetteer.ancestors(c.place_id)}]
            candidates = narrowed or candidates
        if not candidates:
            return None
        if len(candidates) > 1:
            names = "; ".join(f"{c.name} ({self._parent_name(c) or c.level})" for c in candidates[:4])
            return (f"one place; {text!r} could be any of: {names}. Add a district column or a more precise "
                    "variant to the gazetteer")
        place = candidates[0]
        return place.name, self._parent_name(place)

    def _parent_name(self, place: Any) -> str | None:
        district = self._gazetteer.ancestor_at(place.place_id, "district")
        if district is not None and district.place_id != place.place_id:
            return district.name
        parent = self._gazetteer.get(place.parent_id) if place.parent_id else None
        return parent.name if parent is not None else None

    def custody_from(self, header: str | None) -> Callable[[str], str | None]:
        """Custody words, plus yes / no read by the column's own wording ('Custody denied?' yes = denied)."""
        denied_header = bool(header) and any(w in header.casefold() for w in ("denied", "denial", "deny"))
        yes = "denied" if denied_header else "acknowledged"
        no = "acknowledged" if denied_header else "denied"

        def classify(text: str) -> str | None:
            folded = self._fold(text)
            if folded in YES:
                return yes
            if folded in NO:
                return no
            return self.custody(text)

        return lru_cache(4096)(classify)

    def cache_info(self) -> dict[str, Any]:
        info = {n: getattr(self, n).cache_info()._asdict() for n in ("date", "place", "violation")}
        return info | {"names_known": len(self._names)}


def name_parts(text: str) -> tuple[Any, ...] | None:
    """(honorific, given, family, relation, relative's name, name key) of a name as written."""
    from uncounted.normalize.names import parse_name

    folded = text.casefold()
    if folded in dates_mod.EMPTY_MARKERS or folded in UNNAMED:
        return None
    try:
        parsed = parse_name(text)
    except NormalizeError:
        return None
    honorific = " ".join(parsed.honorifics) if parsed.honorifics else None
    given = " ".join(parsed.given) if parsed.given else None
    return (honorific, given, parsed.family or None, parsed.relation or None, parsed.relative_name or None,
            _name_key(text) or None)


_KEY_BY_OWN_PART: dict[str, str] = {}
KEY_CACHE = 200_000


def _name_key(text: str) -> str:
    """``name_key(text)``, computed once per own name part ("Ali Khan" of "Ali Khan S/O Akbar").

    The key is made from the person's own name only (namekey reads it through own_name_part), and
    own names repeat far more than whole names with their fathers' names: a third fewer to key.
    """
    from uncounted.normalize.namekey import name_key, own_name_part

    own = own_name_part(text)
    key = _KEY_BY_OWN_PART.get(own)
    if key is None:
        if len(_KEY_BY_OWN_PART) >= KEY_CACHE:
            _KEY_BY_OWN_PART.clear()
        key = _KEY_BY_OWN_PART[own] = name_key(text)
    return key


YES = frozenset({"yes", "y", "true", "1", "haan"})
NO = frozenset({"no", "n", "false", "0", "nahi"})
UNNAMED = frozenset({"unidentified", "unknown person", "not identified", "unnamed", "name unknown", "nameless",
                     "unidentified person", "unidentified body", "la-waris", "lawaris", "لاوارث"})


def _with_overrides(vocabulary: Any, overrides: dict[str, str] | None, kind: str) -> Callable[[str], str | None]:
    """The classify function of a vocabulary, with this source's own words first."""
    if overrides:
        try:
            vocabulary = vocabulary.with_overrides(overrides)
        except (ValueError, KeyError) as exc:
            raise ImportFailed(f"[vocabulary.{kind}] in the mapping file: {exc}") from exc
    return vocabulary.classify
