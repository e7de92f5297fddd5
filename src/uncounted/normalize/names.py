"""Names as written in records, parsed into parts without losing the original.

"Syed Muhammad Iqbal Shah s/o Late Abdul Ghafoor r/o Lyari" parses into honorifics ["Syed"],
given ["Muhammad", "Iqbal"], family "Shah", relation "son_of", relative_name "Abdul Ghafoor",
relative_deceased True, residence "Lyari". Parts keep the spelling as written; the canonical
forms for matching come from ``uncounted.normalize.namekey``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field

from uncounted.normalize import lexicon
from uncounted.normalize.namekey import _ascii_letters, canonical_token, name_key

__all__ = ["ParsedName", "parse_name", "sex_from_name", "RELATIONS"]

RELATIONS = ("son_of", "daughter_of", "wife_of", "child_of", "husband_of", "father_of", "mother_of", "brother_of")


@dataclass
class ParsedName:
    """A written name and its parts. ``raw`` is always the text exactly as given."""

    raw: str
    honorifics: list[str] = field(default_factory=list)
    given: list[str] = field(default_factory=list)
    family: str | None = None
    relation: str | None = None  # one of RELATIONS
    relative_name: str | None = None  # father's name (s/o, d/o, bin...), husband's (w/o)
    relative_deceased: bool = False  # "s/o Late Abdul Ghafoor"
    aliases: list[str] = field(default_factory=list)  # "@ Bala", "alias Bala", "urf Bala"
    residence: str | None = None  # "r/o Lyari"
    suffixes: list[str] = field(default_factory=list)  # "Sahib", "Bibi", "Begum" after the name
    deceased: bool = False  # the person is written as dead: "Late Ali", "Ali (late)", "Shaheed Ali"

    @property
    def own_name(self) -> str:
        """The person's own name without honorifics: given names and family name."""
        return " ".join([*self.given, *([self.family] if self.family else [])])

    @property
    def full_name(self) -> str:
        """Honorifics, given names, family name and suffixes, as written."""
        return " ".join([*self.honorifics, *self.given, *([self.family] if self.family else []), *self.suffixes])

    @property
    def key(self) -> str:
        """name_key of the person's own name."""
        return name_key(self.full_name)

    @property
    def relative_key(self) -> str | None:
        return name_key(self.relative_name) if self.relative_name else None

    def relative(self) -> ParsedName | None:
        """The relative's name parsed in turn ("Abdul Ghafoor")."""
        return parse_name(self.relative_name) if self.relative_name else None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["key"] = self.key
        data["relative_key"] = self.relative_key
        return data


_HONORIFIC_KEYS = frozenset(canonical_token(w) for w in lexicon.LEADING_HONORIFICS)
_PURE_TITLE_KEYS = frozenset(canonical_token(w) for w in lexicon.PURE_TITLES)
_TRAILING_KEYS = frozenset(canonical_token(w) for w in lexicon.TRAILING_HONORIFICS)
_FEMALE_SUFFIX_KEYS = frozenset(canonical_token(w) for w in lexicon.FEMALE_SUFFIXES)
_FAMILY_KEYS = frozenset(canonical_token(w) for w in lexicon.FAMILY_NAMES)
_DECEASED_WORDS = frozenset(w.strip("()") for w in lexicon.DECEASED_WORDS)

_RELATION_PATTERN = re.compile(
    r"(?<![\w/\\])(?P<marker>" + "|".join(re.escape(m) for m in sorted(lexicon.RELATION_MARKERS, key=len, reverse=True))
    + r")(?![\w/\\])",
    re.IGNORECASE,
)
_RESIDENCE_PATTERN = re.compile(
    r"(?<![\w/\\])(?:" + "|".join(re.escape(m) for m in sorted(lexicon.RESIDENCE_MARKERS, key=len, reverse=True))
    + r")(?![\w/\\])",
    re.IGNORECASE,
)
_ALIAS_PATTERN = re.compile(
    r"@|(?<![\w/\\])(?:" + "|".join(re.escape(m) for m in sorted(lexicon.ALIAS_MARKERS, key=len, reverse=True) if m != "@")
    + r")(?![\w/\\])",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")
_LATE = re.compile(r"^\(?\s*(?:late|marhoom|marhum|mrhm|shaheed)\s*\.?\)?\s+|\s+\(?(?:late|marhoom|marhum)\)?\s*$", re.IGNORECASE)


def parse_name(text: str) -> ParsedName:
    """Parse a written name into honorifics, given names, family name, relation and relative.

    Handles relation markers (s/o, S/O, s.o., son of, d/o, w/o, widow of, bin, ibn, binti, bint,
    walad), "late"/"marhoom" before the relative, residence (r/o), aliases (@, alias, urf),
    leading honorifics (Mr, Mst., Dr, Haji, Syed, Sheikh...) and a trailing family name from a
    list (Khan, Qureshi, Siddiqui... in any spelling). Never raises; an empty text gives an
    empty ParsedName.
    """
    raw = "" if text is None else str(text)
    cleaned = _SPACES.sub(" ", unicodedata.normalize("NFKC", raw)).strip().strip("\"'")
    parsed = ParsedName(raw=raw)
    if not cleaned:
        return parsed
    cleaned, parsed.residence = _cut(cleaned, _RESIDENCE_PATTERN)
    relation_match = _first_relation(cleaned)
    relative_text = None
    if relation_match is not None:
        relative_text = cleaned[relation_match.end():].strip(" ,;:-")
        cleaned = cleaned[:relation_match.start()].strip(" ,;:-")
        parsed.relation = lexicon.RELATION_MARKERS[relation_match.group("marker").lower()]
    own, aliases = _split_aliases(cleaned)
    parsed.aliases = aliases
    if relative_text:
        parsed.relative_name, parsed.relative_deceased = _relative(relative_text)
    honorifics, given, family, suffixes, deceased = _own_name(own)
    parsed.honorifics, parsed.given, parsed.suffixes = list(honorifics), list(given), list(suffixes)
    parsed.family, parsed.deceased = family, deceased
    return parsed


# Own names and relatives' names repeat far more than whole names ("Ali Khan s/o Akbar" and "Ali
# Khan s/o Aslam" share "Ali Khan"), so their parts are kept per text (bounded; cleared when full).
PART_CACHE = 200_000
_OWN_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], str | None, tuple[str, ...], bool]] = {}
_RELATIVES: dict[str, tuple[str | None, bool]] = {}


def _own_name(own: str) -> tuple[tuple[str, ...], tuple[str, ...], str | None, tuple[str, ...], bool]:
    """(honorifics, given names, family name, suffixes, deceased) of a person's own name."""
    found = _OWN_NAMES.get(own)
    if found is None:
        parsed = ParsedName(raw=own)
        _split_own_name(own, parsed)
        deceased = any(_ascii_letters(w) in _DECEASED_WORDS for w in [*parsed.honorifics, *parsed.suffixes])
        if not deceased and parsed.given and _ascii_letters(parsed.given[0]) == "shaheed" and len(parsed.given) > 1:
            deceased = True  # "Shaheed Muhammad Ali": the martyr's title, kept in the given names
        found = (tuple(parsed.honorifics), tuple(parsed.given), parsed.family, tuple(parsed.suffixes), deceased)
        if len(_OWN_NAMES) >= PART_CACHE:
            _OWN_NAMES.clear()
        _OWN_NAMES[own] = found
    return found


def _relative(relative_text: str) -> tuple[str | None, bool]:
    """(relative's name, written as deceased) from the text after a relation marker."""
    found = _RELATIVES.get(relative_text)
    if found is None:
        text, _ = _split_aliases(relative_text)
        nested = _first_relation(text)
        if nested is not None:  # "s/o Ahmed s/o Karim": keep the immediate relative
            text = text[:nested.start()].strip(" ,;:-")
        stripped = _LATE.sub("", text).strip()
        found = (stripped or None, stripped != text)
        if len(_RELATIVES) >= PART_CACHE:
            _RELATIVES.clear()
        _RELATIVES[relative_text] = found
    return found


def _cut(text: str, pattern: re.Pattern[str]) -> tuple[str, str | None]:
    match = pattern.search(text)
    if not match or not text[:match.start()].strip():
        return text, None
    rest = text[match.end():].strip(" ,;:-.")
    return text[:match.start()].strip(" ,;:-"), rest or None


def _first_relation(text: str) -> re.Match[str] | None:
    """The first relation marker that has a name before it ("Bin Yamin" alone is a name)."""
    for match in _RELATION_PATTERN.finditer(text):
        if text[:match.start()].strip(" ,;:-"):
            return match
    return None


def _split_aliases(text: str) -> tuple[str, list[str]]:
    parts = [p.strip(" ,;:-") for p in _ALIAS_PATTERN.split(text)]
    own = parts[0]
    aliases = [p.strip("()") for p in parts[1:] if p.strip("()")]
    bracketed = re.search(r"\(([^)]*)\)\s*$", own)
    if bracketed and bracketed.group(1).strip().lower() not in ("late", "marhoom"):
        aliases.insert(0, bracketed.group(1).strip())
        own = own[:bracketed.start()].strip()
    return own, aliases


def _words_with_dots(text: str) -> list[str]:
    """Words as written; "M.A." becomes "M." and "A."; hyphenated compounds stay whole."""
    words: list[str] = []
    for word in text.replace(",", " ").split():
        if re.fullmatch(r"(?:[^\W\d_]\.){2,}", word):
            words.extend(f"{letter}." for letter in word.split(".") if letter)
        else:
            words.append(word)
    return words


def _key_of(word: str) -> str:
    return canonical_token(_ascii_letters(word)) if _ascii_letters(word) else word.lower()


def _split_own_name(text: str, parsed: ParsedName) -> None:
    words = _words_with_dots(text)
    while len(words) > 1 and _is_leading_honorific(words[0], words[1:]):
        parsed.honorifics.append(words.pop(0))
    while len(words) > 1 and _key_of(words[-1]) in (_TRAILING_KEYS | _FEMALE_SUFFIX_KEYS):
        parsed.suffixes.insert(0, words.pop())
    if len(words) > 1 and _key_of(words[-1]) in _FAMILY_KEYS and _key_of(words[-2]) not in _ARTICLE_KEYS:
        parsed.family = words.pop()
    parsed.given = words


_ARTICLE_KEYS = frozenset(lexicon.ARTICLES)


def _is_leading_honorific(word: str, rest: list[str]) -> bool:
    key = _key_of(word)
    if key in _PURE_TITLE_KEYS:
        return True
    if key not in _HONORIFIC_KEYS:
        return False
    # A lineage word (Mirza, Raja, Sardar...) is a title only if a name that is not itself a
    # family name follows: "Mirza Baig" keeps Mirza as a given name.
    return any(_key_of(w) not in _FAMILY_KEYS for w in rest)


def sex_from_name(parsed: ParsedName) -> str | None:
    """"female" or "male" when the written name says so (Mst., Mrs, Begum, d/o, w/o, bint / Mr, s/o, bin), else None.

    Given names themselves are not used: too many are shared or ambiguous in romanisation.
    """
    if parsed.relation in ("daughter_of", "wife_of", "mother_of"):
        return "female"
    if parsed.relation in ("son_of", "husband_of", "father_of", "brother_of"):
        return "male"
    words = {_ascii_letters(w) for w in [*parsed.honorifics, *parsed.suffixes]}
    if words & lexicon.FEMALE_TITLES:
        return "female"
    if words & lexicon.MALE_TITLES:
        return "male"
    return None
