"""The normalisers of ``uncounted.normalize``, wrapped for import: cached, and returning plain tuples.

Values repeat a lot in a list (the same dates, places, violation words, common names), so every
call is cached on the raw text (functools.lru_cache). A failure comes back as a string saying what
was expected, never as an exception, so that the row builder can turn it into a warning.
"""

from __future__ import annotations

import datetime as dt
import re
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
                 vocabulary: dict[str, dict[str, str]] | None = None, kind: str | None = None):
        from uncounted.normalize import ages, places, vocab

        self.date_order = date_order
        self.pivot = pivot
        self.kind = kind
        vocabulary = vocabulary or {}
        # The source's kind brings its own built-in words (a morgue's causes of death); the source's
        # mapping file still wins over them.
        self._violations = _with_overrides(vocab.violation_vocabulary(kind), vocabulary.get("violation"), "violation")
        self._causes_of_death = _with_overrides(vocab.violation_vocabulary("morgue_or_hospital"),
                                                vocabulary.get("violation"), "violation")
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
        self._sex_words = frozenset(vocab.SEX_VOCAB.synonyms)
        try:
            self._gazetteer = places.Gazetteer.from_csv(gazetteer) if gazetteer else places.load_default_gazetteer()
        except NormalizeError as exc:
            raise ImportFailed(f"The gazetteer {gazetteer} cannot be used: {exc}") from exc
        except FileNotFoundError as exc:
            raise ImportFailed(f"The gazetteer file {gazetteer} does not exist; check the path in the mapping "
                               "file or the 'gazetteer' setting.") from exc
        self._parse_age = ages.parse_age
        self._birth_year_range = ages.birth_year_range
        self._names: dict[str, tuple[tuple[Any, ...] | None, str | None, str | None]] = {}
        self.sex = lru_cache(1024)(self._sex)
        self.date = lru_cache(CACHE)(self._date)
        self.age = lru_cache(CACHE)(self._age)
        self._birth_years_in = lru_cache(CACHE)(self._birth_years_from_age_years)
        self.birth_years = lru_cache(CACHE)(self._birth_years)
        self.place = lru_cache(CACHE)(self._place)
        self.violation = lru_cache(CACHE)(self._violations)
        self.cause_of_death = lru_cache(CACHE)(self._causes_of_death)
        self.relative = lru_cache(CACHE)(_relative)
        self.age_sex = lru_cache(4096)(self._age_sex)
        self.date_place = lru_cache(CACHE)(self._date_place)
        self.perpetrator = lru_cache(CACHE)(self._perpetrators)
        self.victim_status = lru_cache(4096)(self._statuses)
        self.custody = lru_cache(4096)(self._custody)
        self.certainty = lru_cache(4096)(self._certainty)
        self.people_named = lru_cache(CACHE)(self._people_named)
        self.name_and_age = lru_cache(CACHE)(_name_and_age)

    # ---- each field ------------------------------------------------------------------------------
    def name(self, text: str) -> tuple[Any, ...] | None:
        """(honorific, given, family, relation, relative's name, name key) or None for 'unknown'."""
        return self.name_and_sex(text)[0]

    def name_and_sex(self, text: str) -> tuple[tuple[Any, ...] | None, str | None, str | None]:
        """The name's parts (as ``name``), and the sex the written name states with the words that
        state it ("d/o", "Mst.", "Unknown male"), or None, None."""
        entry = self._names.get(text)
        if entry is None:
            if len(self._names) >= NAME_CACHE:
                self._names.clear()
            entry = self._names[text] = name_parts_and_sex(text)
        return entry

    def _people_named(self, text: str) -> int:
        """How many people a name cell plainly lists: "Ali Raza and Kamran Khan" 2, "Asif, Rehan and
        Tariq" 3, "Asif, Rehan, Tariq" 3; else 1. Every piece must read as a name (letters, not a
        relation, alias or title, not a place in the gazetteer); commas alone list people only when
        there are three pieces or more ("QURESHI, OWAIS", "Ali Raza, Lyari" are one person)."""
        halves = _AND.split(text)
        pieces = [piece.strip() for half in halves for piece in half.split(",")]
        if len(pieces) < 2 or (len(halves) == 1 and len(pieces) < 3):
            return 1
        for piece in pieces:
            if not _NAME_PIECE.fullmatch(piece) or _names().starts_with_marker(piece) or _all_titles(piece):
                return 1
            if isinstance(self.place(piece, None), tuple):
                return 1
        return len(pieces)

    def violation_for(self, header: str | None) -> Callable[[str], str | None]:
        """The violation classifier for a column: causes of death are read as a morgue reads them."""
        if header and is_cause_of_death_header(header):
            return self.cause_of_death
        return self.violation

    def _age_sex(self, text: str) -> tuple[str | None, str | None, str | None]:
        """(age as written, sex, what was wrong) from one cell holding both: "32/M", "F-40", "25 yrs / male"."""
        if text.casefold() in dates_mod.EMPTY_MARKERS or self._fold(text) in UNKNOWN_WORDS:
            return None, None, None
        parts = split_age_sex(text, self._is_sex_word)
        if parts is None:
            return None, None, AGE_SEX_EXPECTED
        age_text, sex_text = parts
        sex = self.sex(sex_text) if sex_text else None
        problems = []
        if sex_text is not None and sex is None:
            problems.append(f"the sex part {sex_text!r} is not a sex (M, F, male, female)")
        if age_text is not None and isinstance(self.age(age_text), str):
            problems.append(f"the age part {age_text!r} cannot be read")
            age_text = None
        return age_text, sex, f"{AGE_SEX_EXPECTED}; {' and '.join(problems)}" if problems else None

    def _date_place(self, text: str) -> tuple[str | None, str | None]:
        """(date, place) as written, from one cell holding both: "14-06-1995, Nazimabad", "Lyari; June
        1995", "1996 Malir", "Orangi 22.7.95". The date is the part (between commas or semicolons, else
        the first or last words) that reads as a date; without one, it is all place."""
        if self._is_date(text):
            return text, None
        parts = [p for p in _DATE_PLACE_SEPARATOR.split(text.strip()) if p]
        if len(parts) > 1:
            dated = [i for i, part in enumerate(parts) if self._is_date(part)]
            if len(dated) == 1:
                place = ", ".join(p for i, p in enumerate(parts) if i != dated[0])
                return parts[dated[0]], place
        words = text.split()
        for n in range(len(words) - 1, 0, -1):  # the longest run of first or last words that is a date
            first, rest = " ".join(words[:n]), " ".join(words[n:])
            if self._is_date(first):
                return first, _place_part(rest)
            last, rest = " ".join(words[-n:]), " ".join(words[:-n])
            if self._is_date(last):
                return last, _place_part(rest)
        return None, text

    def _is_date(self, text: str) -> bool:
        return isinstance(self.date(text), tuple)

    def _is_sex_word(self, word: str) -> bool:
        """A sex written as one word or a few (M, F, male, Female, mard, the source's own words)."""
        folded = self._fold(word)
        return bool(folded) and (folded in self._sex_overrides or folded in self._sex_words)

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
        if not candidates and "," in text:
            return self._place_with_area(text, district)
        if len(candidates) > 1 and district:
            within = {p.place_id for p in self._gazetteer.candidates(district)}
            narrowed = [c for c in candidates
                        if within & {a.place_id for a in self._gazetteer.ancestors(c.place_id)}]
            candidates = narrowed or candidates
        if not candidates:
            return None
        if len(candidates) > 1:
            names = "; ".join(f"{c.name} ({self._within(c)})" for c in candidates[:4])
            return (f"one place; {text!r} could be any of: {names}. Add a district column or a more precise "
                    "variant to the gazetteer")
        place = candidates[0]
        return place.name, self._parent_name(place)

    def _place_with_area(self, text: str, district: str | None) -> tuple[str, str | None] | None | str:
        """"Mingora, Swat", "Lyari, Karachi": a place followed by the area it lies in, in one cell. The
        part before the last comma is the place, read within the area after it (which must contain
        it when the gazetteer knows the area); None when that does not name one place."""
        head, _, tail = text.rpartition(",")
        head, tail = head.strip(), tail.strip()
        if not head or not tail:
            return None
        areas = {p.place_id for p in self._gazetteer.candidates(tail)}
        found = self._place(head, district or tail)
        if not isinstance(found, tuple) or not areas:
            return found if isinstance(found, tuple) else None
        place = next((c for c in self._gazetteer.candidates(head) if c.name == found[0]), None)
        if place is None:
            return None
        lineage = {place.place_id} | {a.place_id for a in self._gazetteer.ancestors(place.place_id)}
        return found if lineage & areas else None

    def _parent_name(self, place: Any) -> str | None:
        """The district of a place (the event's ``event_place_parent``). A district's district is
        itself, so "Karachi Central" agrees with "Nazimabad" (in Karachi Central); a place above
        the district level (a city, a province) gets its parent."""
        district = self._gazetteer.ancestor_at(place.place_id, "district")
        if district is not None:
            return district.name
        parent = self._gazetteer.get(place.parent_id) if place.parent_id else None
        return parent.name if parent is not None else None

    def _within(self, place: Any) -> str:
        parent = self._parent_name(place)
        return parent if parent and parent != place.name else place.level

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
    return name_parts_and_sex(text)[0]


def name_parts_and_sex(text: str) -> tuple[tuple[Any, ...] | None, str | None, str | None]:
    """The name's parts (None for an unidentified person), the sex the name states, and the words
    that state it ("d/o", "Mst.", "Unknown male")."""
    folded = text.casefold()
    if folded in dates_mod.EMPTY_MARKERS or folded in UNNAMED:
        return None, None, None
    names = _names()
    plain = names.split_plain_name(text)
    if plain is not None:
        return _plain_name_parts_and_sex(*plain)
    try:
        parsed = names.parse_name(text)
    except NormalizeError:
        return None, None, None
    sex = names.sex_from_name(parsed)
    evidence = names.sex_evidence(parsed) if sex else None
    if parsed.unidentified:
        return None, sex, evidence
    honorific = " ".join(parsed.honorifics) if parsed.honorifics else None
    given = " ".join(parsed.given) if parsed.given else None
    return (honorific, given, parsed.family or None, parsed.relation or None, parsed.relative_name or None,
            _name_key(text) or None), sex, evidence


# The sex a relation states, with the words for the note ("d/o" is daughter_of: female, "daughter of").
_RELATION_SEX = {relation: (sex, relation.replace("_", " ")) for sex, relations in (
    ("female", ("daughter_of", "wife_of", "mother_of")),
    ("male", ("son_of", "husband_of", "father_of", "brother_of"))) for relation in relations}
# Own name -> (honorific, given, family, name key, sex its titles state, the title that states it).
_OWN_PARTS: dict[str, tuple[str | None, str | None, str | None, str | None, str | None, str | None]] = {}


def _plain_name_parts_and_sex(own: str, relation: str | None, relative_text: str | None
                              ) -> tuple[tuple[Any, ...], str | None, str | None]:
    """name_parts_and_sex of a name written plainly (names.split_plain_name), from its cached parts:
    what parse_name would find, without reading the whole text again."""
    parts = _OWN_PARTS.get(own)
    if parts is None:
        parts = _own_parts(own)
    honorific, given, family, key, sex, evidence = parts
    if relation in _RELATION_SEX:  # "d/o", "son of": the relation says the sex (else the titles may)
        sex, evidence = _RELATION_SEX[relation]
    relative = _names().relative_name(relative_text)[0] if relative_text else None
    return (honorific, given, family, relation, relative, key), sex, evidence


def _own_parts(own: str) -> tuple[str | None, str | None, str | None, str | None, str | None, str | None]:
    """The parts of a plain own name, cached (bounded like the other caches)."""
    names = _names()
    honorifics, given, family, suffixes, _ = names.own_name_parts(own)
    sex, evidence = names.title_sex(honorifics, suffixes)
    parts = (" ".join(honorifics) if honorifics else None, " ".join(given) if given else None, family or None,
             names.plain_name_key(own) or None, sex, evidence)
    if len(_OWN_PARTS) >= KEY_CACHE:
        _OWN_PARTS.clear()
    _OWN_PARTS[own] = parts
    return parts


def _relative(text: str) -> tuple[str | None, str]:
    """(relation, name) of a father's (or husband's) cell: "W/O ASLAM" -> ("wife_of", "ASLAM")."""
    return _names().split_relation_prefix(text)


@lru_cache(1)
def _names() -> Any:
    """The name parser module, imported once (on first use: importing ingest does not load the name model)."""
    from uncounted.normalize import names

    return names


# ---- several people, or an age, in a name cell ----------------------------------------------------
_AND = re.compile(r"\s+(?:and|&)\s+|\s*&\s*", re.IGNORECASE)
_NAME_PIECE = re.compile(r"[^\W\d_][^\W\d_'\-]*\.?(?:[ '\-]+[^\W\d_][^\W\d_'\-]*\.?)*")
# "Saleem Akhtar, 25", "Saleem Akhtar (25 yrs)", "Saleem Akhtar aged 25", "Saleem Akhtar 25 years": a
# name, then an age. A bare number after a name ("Unidentified body 3") is no age.
_AGE_TEXT = r"\d{1,3}(?:\s*(?:years?|yrs?\.?|y))?"
_TRAILING_AGE = re.compile(r"(?P<name>.*?[^\W\d_].*?)(?:\s*[,;]\s*(?:aged?\s*:?\s*)?(?P<a>" + _AGE_TEXT + r")"
                           r"|\s*\(\s*(?:aged?\s*:?\s*)?(?P<b>" + _AGE_TEXT + r")\s*\)"
                           r"|\s+aged?\s*:?\s*(?P<c>" + _AGE_TEXT + r")"
                           r"|\s+(?P<d>\d{1,3}\s*(?:years?|yrs?\.?)))", re.IGNORECASE)


def _name_and_age(text: str) -> tuple[str, str] | None:
    """(name, age as written) of a name cell that ends with an age, or None."""
    match = _TRAILING_AGE.fullmatch(text.strip())
    if match is None:
        return None
    name = match.group("name").strip(" ,;-")
    if any(ch.isdigit() for ch in name):
        return None
    age = next(group for group in match.group("a", "b", "c", "d") if group)
    return name, age.strip()


def _all_titles(piece: str) -> bool:
    """True for a piece made only of titles ("Dr.", "Advocate Sahib"): not a person's name."""
    titles = _names().TITLE_WORDS
    return all(word.strip(".").casefold() in titles for word in piece.split())


# ---- age and sex in one cell -----------------------------------------------------------------------
AGE_SEX_EXPECTED = ("an age and a sex in one cell, such as 32/M, M/32, 32 M, F-40 or 25 yrs / male (the value "
                    "is kept as written in the raw row)")
UNKNOWN_WORDS = frozenset({"unknown", "not known", "nk", "unk"})
_AGE_SEX_SEPARATOR = re.compile(r"\s*[/\\|,;]\s*")
_DATE_PLACE_SEPARATOR = re.compile(r"\s*[,;|]\s*")
_PLACE_CONNECTORS = re.compile(r"^(?:(?:at|in|on|near|from|dated|of)\s+)+|(?:\s+(?:at|in|on|near|from|dated|of))+$",
                               re.IGNORECASE)


def _place_part(text: str) -> str | None:
    """The place left beside a date, without the words that joined them ("Orangi on", "at Lyari")."""
    return _PLACE_CONNECTORS.sub("", text.strip(" ,;-")).strip(" ,;-") or None
_SEX_FIRST = re.compile(r"(?P<sex>[^\W\d_]+)\.?\s*[-:]?\s*(?P<age>(?:\d|[^\W\d_]+\s+\d).*)")
_SEX_LAST = re.compile(r"(?P<age>.*?\d.*?)\s*[-:]?\s*(?P<sex>[^\W\d_]+)\.?")


def split_age_sex(text: str, is_sex: Callable[[str], bool]) -> tuple[str | None, str | None] | None:
    """(age text, sex text) of a cell holding both, in either order; None when it cannot be split.

    "32/M", "M/32", "32 M", "32M", "F-40", "40-F", "25 yrs / male", "Male, 32"; an age alone or a sex
    alone is accepted too ("32", "F"). ``is_sex`` says whether a word is a sex.
    """
    parts = [p for p in _AGE_SEX_SEPARATOR.split(text.strip()) if p]
    if len(parts) == 2:
        first, second = parts
        if is_sex(second) and not is_sex(first):
            return first, second
        if is_sex(first) and not is_sex(second):
            return second, first
        numbers = [any(ch.isdigit() for ch in part) for part in parts]
        if numbers == [True, False]:  # "32/Q": the age is clear, the sex is not
            return first, second
        if numbers == [False, True]:
            return second, first
        return None
    if len(parts) != 1:
        return None
    one = parts[0]
    if is_sex(one):
        return None, one
    for pattern in (_SEX_FIRST, _SEX_LAST):
        match = pattern.fullmatch(one)
        if match and is_sex(match.group("sex")):
            return match.group("age").strip(), match.group("sex")
    words = one.split()
    if len(words) > 1 and is_sex(words[-1]):  # "adult male"
        return " ".join(words[:-1]), words[-1]
    return one, None


_CAUSE_OF_DEATH_WORDS = (frozenset({"cause", "death"}), frozenset({"cause", "died"}), frozenset({"manner", "death"}),
                         frozenset({"postmortem"}), frozenset({"post", "mortem"}), frozenset({"autopsy"}),
                         frozenset({"cod"}), frozenset({"injuries"}), frozenset({"nature", "injury"}))


@lru_cache(1024)
def is_cause_of_death_header(header: str) -> bool:
    """'Cause of Death', 'Manner of death', 'Postmortem findings', 'Injuries': a morgue's column."""
    from uncounted.ingest.headers import header_tokens

    tokens = set(header_tokens(header))
    return any(words <= tokens for words in _CAUSE_OF_DEATH_WORDS)


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
                     "unidentified person", "unidentified body", "la-waris", "lawaris", "لاوارث",
                     # a name kept back (to protect the family): no name in the record either
                     "name withheld", "withheld", "name not disclosed", "not disclosed", "undisclosed",
                     "confidential", "name confidential", "name not given", "name not known"})


def _with_overrides(vocabulary: Any, overrides: dict[str, str] | None, kind: str) -> Callable[[str], str | None]:
    """The classify function of a vocabulary, with this source's own words first."""
    if overrides:
        try:
            vocabulary = vocabulary.with_overrides(overrides)
        except (ValueError, KeyError) as exc:
            raise ImportFailed(f"[vocabulary.{kind}] in the mapping file: {exc}") from exc
    return vocabulary.classify
