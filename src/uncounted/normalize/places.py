"""Place names through a gazetteer: every written variant to one place id.

A gazetteer is a CSV file with the columns ``place_id, name, variants, parent_id, level``
(variants separated by "|"; level one of country, province, city, district, town,
neighbourhood). ``Gazetteer.lookup("Liaqat Abad")`` finds Liaquatabad through tolerant folding:
case, punctuation and spacing are ignored ("Liaqat Abad" = "Liaquatabad"), romanisation is
folded with the name-key rules (q/k, ee/i, w/v...), the Persian izafat "-e-" is optional
("Gulshan-e-Iqbal" = "Gulshan Iqbal"), and common abbreviations are expanded ("F.B. Area" =
"Federal B Area", "N. Nazimabad" = "North Nazimabad"). Generic words (town, colony, area,
sector, block ...) are tried away only if that still names a single place.

``place_key(text)`` gives the same folded key for places that are not in any gazetteer.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from uncounted.normalize.digits import to_ascii_digits
from uncounted.normalize.errors import GazetteerError
from uncounted.normalize.namekey import _ascii_letters, canonical_token

__all__ = ["Place", "Gazetteer", "place_key", "load_default_gazetteer", "LEVELS"]

LEVELS = ("country", "province", "city", "district", "town", "neighbourhood")
REQUIRED_COLUMNS = ("place_id", "name", "variants", "parent_id", "level")

# Written abbreviations (after folding to lowercase words) and what they stand for.
PLACE_ABBREVIATIONS = {
    "fb": "federal b", "f b": "federal b", "fed b": "federal b", "n": "north", "n.": "north", "s": "south",
    "e": "east", "w": "west", "khi": "karachi", "khi.": "karachi", "gulshan e": "gulshan", "b": "b",
    "soc": "society", "sect": "sector", "blk": "block", "st": "street", "rd": "road", "coy": "colony",
    "col": "colony", "stn": "station", "ps": "police station",
}
# Words describing the kind of place, tried away when the full name is not found.
GENERIC_WORDS = frozenset(
    {"town", "colony", "area", "sector", "block", "society", "city", "district", "mohalla", "muhalla", "basti",
     "goth", "village", "road", "street", "no", "number", "phase", "scheme", "housing", "the", "karachi",
     "police", "station", "ps", "thana", "union", "council", "uc"}
)
IZAFAT = frozenset({"e", "i", "ul", "o"})


@dataclass(frozen=True)
class Place:
    place_id: str
    name: str
    parent_id: str | None
    level: str


def _fold_words(text: str) -> list[str]:
    """Lowercase words with abbreviations expanded and the izafat dropped."""
    text = to_ascii_digits(str(text)).lower()
    text = re.sub(r"\b([a-z])\.\s*(?=[a-z]\b\.?)", r"\1", text)  # F.B. -> fb
    text = text.replace(".", " ")
    words = [w for w in re.split(r"[\s\-_,;:/\\()'\"`&]+", text) if w]
    expanded: list[str] = []
    i = 0
    while i < len(words):
        pair = " ".join(words[i:i + 2])
        if len(words) > i + 1 and pair in PLACE_ABBREVIATIONS:
            expanded.extend(PLACE_ABBREVIATIONS[pair].split())
            i += 2
            continue
        word = words[i]
        if word in PLACE_ABBREVIATIONS and (len(word) > 1 or (i == 0 and len(words) > 1)):
            expanded.extend(PLACE_ABBREVIATIONS[word].split())
        else:
            expanded.append(word)
        i += 1
    return [w for k, w in enumerate(expanded) if not (w in IZAFAT and 0 < k < len(expanded) - 1)]


def _key_of_words(words: list[str]) -> str:
    parts = []
    for word in words:
        if word.isdigit():
            parts.append(word)
            continue
        letters = _ascii_letters(word)
        if letters:
            parts.append(canonical_token(letters) if len(letters) > 1 else letters)
    if not parts:  # a name in Urdu (Arabic) script: its letters, spelled one way
        return "".join(_plain_script(word) for word in words)
    return canonical_token("".join(parts)) if parts and all(not p.isdigit() for p in parts) else "".join(parts)


# Urdu typed with Arabic letters (ي ك ه) or with vowel marks, tatweel or zero-width joiners is
# the same word: one spelling for the key.
_SCRIPT_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ه": "ہ", "ۀ": "ہ", "\u200c": None,
                                 "\u200d": None, "\u0640": None,
                                 **{chr(c): None for c in (*range(0x064B, 0x0660), 0x0670)}})


def _plain_script(word: str) -> str:
    """A word's letters in a non-Latin script (digits and marks left out), spelled one way."""
    return "".join(ch for ch in word.translate(_SCRIPT_LETTERS) if ch.isalpha())


@lru_cache(maxsize=100_000)
def place_key(text: str) -> str:
    """A folded key for a place name: "Liaqat Abad", "Liaquatabad" and "LIAQUATABAD" give one key."""
    return _key_of_words(_fold_words(text))


def _generic_free_key(text: str) -> str:
    """The key without generic words and numbers ("Korangi No. 2" -> the key of "Korangi")."""
    words = [w for w in _fold_words(text) if w not in GENERIC_WORDS and not w.isdigit()]
    return _key_of_words(words) if words else ""


class Gazetteer:
    """Places with their variants and hierarchy, loaded from a CSV file."""

    def __init__(self, places: list[Place], variants: dict[str, list[str]] | None = None):
        self._places = {p.place_id: p for p in places}
        if len(self._places) != len(places):
            raise GazetteerError("place_id values must be unique in a gazetteer")
        self._by_key: dict[str, set[str]] = {}
        self._by_loose_key: dict[str, set[str]] = {}
        for place in places:
            for name in [place.name, *(variants or {}).get(place.place_id, [])]:
                self._by_key.setdefault(place_key(name), set()).add(place.place_id)
                loose = _generic_free_key(name)
                if loose:
                    self._by_loose_key.setdefault(loose, set()).add(place.place_id)
        for place in places:
            if place.parent_id and place.parent_id not in self._places:
                raise GazetteerError(f"place {place.place_id!r} names parent {place.parent_id!r}, which is not in the gazetteer")

    @classmethod
    def from_csv(cls, path: str | Path) -> Gazetteer:
        """Load a gazetteer CSV (columns place_id, name, variants, parent_id, level)."""
        with open(path, newline="", encoding="utf-8-sig") as handle:
            return cls._from_rows(csv.DictReader(handle), str(path))

    @classmethod
    def _from_rows(cls, reader: csv.DictReader, source: str) -> Gazetteer:
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise GazetteerError(f"{source}: missing column(s) {', '.join(missing)}; expected {', '.join(REQUIRED_COLUMNS)}")
        places: list[Place] = []
        variants: dict[str, list[str]] = {}
        for row_number, row in enumerate(reader, start=2):
            place_id = (row["place_id"] or "").strip()
            name = (row["name"] or "").strip()
            level = (row["level"] or "").strip().lower()
            if not place_id or not name:
                raise GazetteerError(f"{source}, row {row_number}: place_id and name are required")
            if level not in LEVELS:
                raise GazetteerError(f"{source}, row {row_number}: level {level!r} is not one of {', '.join(LEVELS)}")
            places.append(Place(place_id, name, (row["parent_id"] or "").strip() or None, level))
            variants[place_id] = [v.strip() for v in (row["variants"] or "").split("|") if v.strip()]
        return cls(places, variants)

    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self):
        return iter(self._places.values())

    def get(self, place_id: str) -> Place | None:
        return self._places.get(place_id)

    def lookup(self, text: str) -> Place | None:
        """The place a written name means, or None if unknown or ambiguous."""
        candidates = self.candidates(text)
        return candidates[0] if len(candidates) == 1 else None

    def candidates(self, text: str) -> list[Place]:
        """Every place the written name could mean (more than one = ambiguous).

        A place named together with one of its own ancestors (a town and the district of the same
        name) counts once, as the finer place.
        """
        if not text or not str(text).strip():
            return []
        ids = self._by_key.get(place_key(str(text)))
        if not ids:
            loose = _generic_free_key(str(text))
            ids = self._by_loose_key.get(loose) if loose else None
        if not ids:
            return []
        found = [self._places[i] for i in ids]
        if len(found) > 1:  # "Korangi": the town and the district it lies in -> the town
            ancestors = {a.place_id for p in found for a in self.ancestors(p.place_id)}
            found = [p for p in found if p.place_id not in ancestors]
        return sorted(found, key=lambda p: (LEVELS.index(p.level), p.place_id))

    def ancestors(self, place_id: str) -> list[Place]:
        """Parents of a place, nearest first (neighbourhood -> town -> district -> city ...)."""
        found: list[Place] = []
        seen = {place_id}
        place = self._places.get(place_id)
        if place is None:
            raise KeyError(f"no place with id {place_id!r} in the gazetteer")
        while place.parent_id:
            if place.parent_id in seen:
                raise GazetteerError(f"the gazetteer has a cycle of parents at {place.parent_id!r}")
            seen.add(place.parent_id)
            place = self._places[place.parent_id]
            found.append(place)
        return found

    def ancestor_at(self, place_id: str, level: str) -> Place | None:
        """The place itself or its ancestor at ``level`` (e.g. the district of a neighbourhood)."""
        place = self._places.get(place_id)
        if place is not None and place.level == level:
            return place
        return next((p for p in self.ancestors(place_id) if p.level == level), None)


@lru_cache(maxsize=1)
def load_default_gazetteer() -> Gazetteer:
    """The gazetteer shipped with uncounted: Karachi down to neighbourhoods
    (data/gazetteer_karachi.csv) and Pakistan's provinces, districts and the towns lists often
    name (data/gazetteer_pakistan.csv)."""
    rows: list[dict[str, str]] = []
    for name in DEFAULT_GAZETTEER_FILES:
        source = resources.files("uncounted.normalize").joinpath(f"data/{name}")
        with resources.as_file(source) as path, open(path, newline="", encoding="utf-8-sig") as handle:
            rows.extend(csv.DictReader(handle))
    return Gazetteer._from_rows(_RowsWithFields(rows), "the bundled gazetteer")


DEFAULT_GAZETTEER_FILES = ("gazetteer_karachi.csv", "gazetteer_pakistan.csv")


class _RowsWithFields(list):
    """Rows that also say their column names, as csv.DictReader does."""

    @property
    def fieldnames(self) -> list[str]:
        return list(self[0]) if self else []
