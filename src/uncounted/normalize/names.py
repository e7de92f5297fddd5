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
from uncounted.normalize.namekey import _ascii_letters, canonical_token, name_key, plain_name_key

__all__ = ["ParsedName", "parse_name", "sex_from_name", "RELATIONS", "is_unidentified", "split_relation_prefix"]

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
    unidentified: bool = False  # "Unknown male", "Unidentified body", "Na-maloom": no name at all

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
_SUFFIX_KEYS = _TRAILING_KEYS | _FEMALE_SUFFIX_KEYS
_DECEASED_WORDS = frozenset(w.strip("()") for w in lexicon.DECEASED_WORDS)
_SEPARATORS = " ,;:-–—"  # around a relation or an alias: spaces, punctuation, hyphen, en and em dash

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
    walad), also in brackets ("Abdul Ghafoor (son of Rasool Bakhsh)"), "late"/"marhoom" before
    the relative, residence (r/o), aliases (@, alias, urf), leading honorifics (Mr, Mst., Dr,
    Haji, Syed, Sheikh...), a trailing family name from a list (Khan, Qureshi, Siddiqui... in any
    spelling), a family name written first with one comma ("QURESHI, OWAIS"), and unidentified
    persons ("Unknown male", "Unidentified", "Na-maloom": no name parts, ``unidentified``).
    Never raises; an empty text gives an empty ParsedName.
    """
    raw = "" if text is None else str(text)
    cleaned = _SPACES.sub(" ", unicodedata.normalize("NFKC", raw)).strip().strip("\"'")
    parsed = ParsedName(raw=raw)
    if not cleaned:
        return parsed
    if is_unidentified(cleaned):
        parsed.unidentified = True
        return parsed
    cleaned, parsed.residence = _cut(cleaned, _RESIDENCE_PATTERN)
    cleaned = _unbracket_relation(cleaned)
    relation_match = _first_relation(cleaned)
    relative_text = None
    if relation_match is not None:
        relative_text = cleaned[relation_match.end():].strip(_SEPARATORS)
        cleaned = cleaned[:relation_match.start()].strip(_SEPARATORS)
        parsed.relation = lexicon.RELATION_MARKERS[relation_match.group("marker").lower()]
    own, aliases = _split_aliases(cleaned)
    parsed.aliases = aliases
    if relative_text:
        parsed.relative_name, parsed.relative_deceased = _relative(relative_text)
    family_first = _family_first(own)
    if family_first is not None:
        family_word, own = family_first
    honorifics, given, family, suffixes, deceased = _own_name(own)
    if family_first is not None:  # "QURESHI, OWAIS": the word before the comma is the family name
        given, family = (*given, *([family] if family else [])), family_word
    parsed.honorifics, parsed.given, parsed.suffixes = list(honorifics), list(given), list(suffixes)
    parsed.family, parsed.deceased = family, deceased
    return parsed


# ---- unidentified persons ---------------------------------------------------------------------
# A name cell that says the person is not known: every word is one of these (at least one of the
# first set), so "Unknown male", "unknown person (male)", "Unidentified body, aged about 30",
# "Na-maloom" and "لاوارث" are unidentified, but "Unknown Khan" is a name.
_UNKNOWN_WORDS = frozenset({
    "unknown", "unkown", "unidentified", "unidentifed", "unindentified", "unnamed", "nameless", "namaloom",
    "namalum", "namaalum", "namalom", "lawaris", "lawaaris", "unclaimed", "anonymous", "nk",
    "نامعلوم", "لاوارث",
})
_UNKNOWN_PHRASES = (("na maloom", "namaloom"), ("na malum", "namalum"), ("na maalum", "namaalum"),
                    ("la waris", "lawaris"), ("la waaris", "lawaris"), ("not identified", "unidentified"),
                    ("not known", "unknown"), ("un known", "unknown"), ("un identified", "unidentified"),
                    ("نا معلوم", "نامعلوم"), ("لا وارث", "لاوارث"))
_PLACEHOLDERS = frozenset({"n a", "na", "nil", "none", "not available", "not given", "no name"})  # all start with n
_DESCRIPTION_WORDS = frozenset({
    "person", "persons", "body", "dead", "deadbody", "corpse", "individual", "male", "female", "man", "woman",
    "boy", "girl", "child", "adult", "old", "young", "youth", "teenager", "aged", "age", "about", "approx",
    "approximately", "around", "yrs", "yr", "years", "year", "a", "an", "the", "of", "name", "identity",
    "shakhs", "mard", "aurat", "لاش", "شخص", "مرد", "عورت",
})
_MALE_WORDS = frozenset({"male", "man", "boy", "mard", "مرد"})
_FEMALE_WORDS = frozenset({"female", "woman", "girl", "aurat", "عورت"})


def _unknown_tokens(text: str) -> list[str]:
    folded = " " + re.sub(r"[\W_]+", " ", text.casefold()).strip() + " "
    for phrase, word in _UNKNOWN_PHRASES:
        if phrase in folded:
            folded = folded.replace(f" {phrase} ", f" {word} ")
    return folded.split()


# Every unknown-word and placeholder contains one of these (a quick test before the full one).
_UNKNOWN_STEMS = ("unk", "unid", "unind", "un id", "ident", "named", "nameless", "maloom", "malum", "maalum", "malom",
                  "waris", "waaris", "unclaimed", "anonym", "nk", "known", "معلوم", "وارث")
_UNKNOWN_STEM = re.compile("|".join(map(re.escape, _UNKNOWN_STEMS)))
_SHORT_PLACEHOLDER = 16


def is_unidentified(text: str | None) -> bool:
    """True when a name cell says who is not known ("Unknown male", "Unidentified", "Na-maloom", "N/A")."""
    if not text:
        return False
    low = text.casefold()
    if _UNKNOWN_STEM.search(low) is None:
        # every placeholder ("N/A", "nil", "none", "no name") starts with an n and is short
        if len(low) > _SHORT_PLACEHOLDER or low.lstrip(" ([-")[:1] != "n":
            return False
        return " ".join(_unknown_tokens(low)) in _PLACEHOLDERS
    tokens = _unknown_tokens(text)
    if not tokens:
        return False
    if " ".join(tokens) in _PLACEHOLDERS:
        return True
    if not any(t in _UNKNOWN_WORDS for t in tokens):
        return False
    return all(t in _UNKNOWN_WORDS or t in _DESCRIPTION_WORDS or t.isdigit() for t in tokens)


def _unidentified_sex(text: str) -> str | None:
    words = set(_unknown_tokens(text))
    male, female = bool(words & _MALE_WORDS), bool(words & _FEMALE_WORDS)
    if male != female:
        return "male" if male else "female"
    return None


# ---- relations in brackets, relations leading a relative's cell --------------------------------
_BRACKETED = re.compile(r"[(\[]([^()\[\]]*)[)\]]")


def _unbracket_relation(text: str) -> str:
    """"Abdul Ghafoor (son of Rasool Bakhsh)" -> "Abdul Ghafoor son of Rasool Bakhsh"; other brackets stay."""
    if "(" not in text and "[" not in text:
        return text

    def open_up(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        leading = _RELATION_PATTERN.match(inner)
        return f" {inner} " if leading is not None else match.group(0)

    return _SPACES.sub(" ", _BRACKETED.sub(open_up, text)).strip()


# Markers that can lead a relative's cell ("W/O ASLAM" in a father's-name column). Word markers
# that are also names or common words ("bin", "so", "walad") are left out: "Bin Yamin" is a name.
_PREFIX_MARKERS = tuple(sorted((m for m in lexicon.RELATION_MARKERS
                                if any(c in m for c in "/\\.-") or m.endswith(" of")), key=len, reverse=True))
_RELATION_PREFIX = re.compile(
    r"^\s*[(\[]?\s*(?P<marker>" + "|".join(re.escape(m) for m in _PREFIX_MARKERS) + r")(?![\w/\\])[\s.:,-]*",
    re.IGNORECASE,
)


def split_relation_prefix(text: str) -> tuple[str | None, str]:
    """(relation, the name after it) for a relative's cell that starts with a relation marker.

    "W/O ASLAM" -> ("wife_of", "ASLAM"); "S/O Abdul Rehman" -> ("son_of", "Abdul Rehman");
    "Aslam" -> (None, "Aslam"). Used for father's (or husband's) name columns.
    """
    match = _RELATION_PREFIX.match(text)
    if match is None:
        return None, text
    rest = text[match.end():].strip(_SEPARATORS + "()[]")
    if not rest:
        return None, text
    return lexicon.RELATION_MARKERS[match.group("marker").lower()], rest


def _family_first(own: str) -> tuple[str, str] | None:
    """(family name, the rest) for "QURESHI, OWAIS" or "Khan, Muhammad Iqbal"; None otherwise.

    Only one comma, one word before it and a few after, and nothing that reads as a list of
    people ("Ali, Raza and Hussain") or as a description after the comma.
    """
    if own.count(",") != 1:
        return None
    before, after = (part.strip() for part in own.split(","))
    if not before or not after or " " in before or any(ch.isdigit() for ch in own):
        return None
    words = after.split()
    if len(words) > 4 or any(w.casefold() in _LIST_WORDS for w in words):
        return None
    if not re.fullmatch(r"[^\W\d_][\w'.-]*", before):
        return None
    return before, after


_LIST_WORDS = frozenset({"and", "&", "or", "aur", "etc", "others"})


# Own names and relatives' names repeat far more than whole names ("Ali Khan s/o Akbar" and "Ali
# Khan s/o Aslam" share "Ali Khan"), so their parts are kept per text (bounded; cleared when full).
PART_CACHE = 200_000
_OWN_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], str | None, tuple[str, ...], bool]] = {}
_RELATIVES: dict[str, tuple[str | None, bool]] = {}


def _own_name(own: str) -> tuple[tuple[str, ...], tuple[str, ...], str | None, tuple[str, ...], bool]:
    """(honorifics, given names, family name, suffixes, deceased) of a person's own name."""
    found = _OWN_NAMES.get(own)
    if found is None:
        found = _read_own_name(own)
        if len(_OWN_NAMES) >= PART_CACHE:
            _OWN_NAMES.clear()
        _OWN_NAMES[own] = found
    return found


def _read_own_name(own: str) -> tuple[tuple[str, ...], tuple[str, ...], str | None, tuple[str, ...], bool]:
    """_own_name without its cache."""
    honorifics, given, family, suffixes = _split_own_name(own)
    deceased = any(_ascii_letters(w) in _DECEASED_WORDS for w in [*honorifics, *suffixes])
    if not deceased and given and _ascii_letters(given[0]) == "shaheed" and len(given) > 1:
        deceased = True  # "Shaheed Muhammad Ali": the martyr's title, kept in the given names
    return tuple(honorifics), tuple(given), family, tuple(suffixes), deceased


def _relative(relative_text: str) -> tuple[str | None, bool]:
    """(relative's name, written as deceased) from the text after a relation marker."""
    found = _RELATIVES.get(relative_text)
    if found is None:
        # Plain words: what _read_relative gives them, found at less cost.
        found = (relative_text, False) if _nothing_to_cut(relative_text) else _read_relative(relative_text)
        if len(_RELATIVES) >= PART_CACHE:
            _RELATIVES.clear()
        _RELATIVES[relative_text] = found
    return found


def _read_relative(relative_text: str) -> tuple[str | None, bool]:
    """_relative without its cache and its shortcut."""
    text, _ = _split_aliases(relative_text)
    nested = _first_relation(text)
    if nested is not None:  # "s/o Ahmed s/o Karim": keep the immediate relative
        text = text[:nested.start()].strip(_SEPARATORS)
    stripped = _LATE.sub("", text).strip()
    return stripped or None, stripped != text


# The words _LATE cuts from the start or end of a name ("Late Bashir", "Shaheed Ali", "Bashir (late)").
_LATE_WORDS = frozenset({"late", "marhoom", "marhum", "mrhm", "shaheed"})


def _nothing_to_cut(text: str) -> bool:
    """True when the text is plain words (ASCII letters, one space apart), none of them a word of a
    relation, residence or alias marker (see _MARKER_WORDS) or of _LATE: then no alias, nested
    relation or 'late' can be found in it, and it stays as it is."""
    for word in text.split(" "):
        if not (word.isascii() and word.isalpha()):
            return False
        low = word.lower()
        if low in _MARKER_WORDS or low in _LATE_WORDS:
            return False
    return True


def _cut(text: str, pattern: re.Pattern[str]) -> tuple[str, str | None]:
    match = pattern.search(text)
    if not match or not text[:match.start()].strip():
        return text, None
    rest = text[match.end():].strip(_SEPARATORS + ".")
    return text[:match.start()].strip(_SEPARATORS), rest or None


def _first_relation(text: str) -> re.Match[str] | None:
    """The first relation marker that has a name before it ("Bin Yamin" alone is a name)."""
    for match in _RELATION_PATTERN.finditer(text):
        if text[:match.start()].strip(_SEPARATORS):
            return match
    return None


def _split_aliases(text: str) -> tuple[str, list[str]]:
    parts = [p.strip(_SEPARATORS) for p in _ALIAS_PATTERN.split(text)]
    own = parts[0]
    aliases = [p.strip("()") for p in parts[1:] if p.strip("()")]
    bracketed = _FINAL_BRACKET.search(own) if ")" in own else None
    if bracketed and bracketed.group(1).strip().lower() not in ("late", "marhoom"):
        aliases.insert(0, bracketed.group(1).strip())
        own = own[:bracketed.start()].strip()
    return own, aliases


_FINAL_BRACKET = re.compile(r"\(([^)]*)\)\s*$")
_DOTTED_INITIALS = re.compile(r"(?:[^\W\d_]\.){2,}")


def _words_with_dots(text: str) -> list[str]:
    """Words as written; "M.A." becomes "M." and "A."; hyphenated compounds stay whole."""
    words: list[str] = []
    for word in text.replace(",", " ").split():
        if "." in word and _DOTTED_INITIALS.fullmatch(word):
            words.extend(f"{letter}." for letter in word.split(".") if letter)
        else:
            words.append(word)
    return words


def _key_of(word: str) -> str:
    return canonical_token(_ascii_letters(word)) if _ascii_letters(word) else word.lower()


def _split_own_name(text: str) -> tuple[list[str], list[str], str | None, list[str]]:
    """(honorifics, given names, family name, suffixes) of a person's own name, as written."""
    words = _words_with_dots(text)
    honorifics: list[str] = []
    suffixes: list[str] = []
    family = None
    while len(words) > 1 and _is_leading_honorific(words[0], words[1:]):
        honorifics.append(words.pop(0))
    while len(words) > 1 and _key_of(words[-1]) in _SUFFIX_KEYS:
        suffixes.insert(0, words.pop())
    if len(words) > 1 and _key_of(words[-1]) in _FAMILY_KEYS and _key_of(words[-2]) not in _ARTICLE_KEYS:
        family = words.pop()
    return honorifics, words, family, suffixes


_ARTICLE_KEYS = frozenset(lexicon.ARTICLES)
# Courtesy words for women that are titles before a name ("Bibi Fatima", "Mai Jamalo") as well as
# after it ("Zainab Bibi"); before a name they are honorifics, alone they stay the name.
_LEADING_FEMALE_TITLES = frozenset({"bibi", "mai"})
_LEADING_FEMALE_KEYS = frozenset(canonical_token(w) for w in _LEADING_FEMALE_TITLES)


def _is_leading_honorific(word: str, rest: list[str]) -> bool:
    key = _key_of(word)
    if key in _PURE_TITLE_KEYS or key in _LEADING_FEMALE_KEYS:
        return True
    if key not in _HONORIFIC_KEYS:
        return False
    # A lineage word (Mirza, Raja, Sardar...) is a title only if a name that is not itself a
    # family name follows: "Mirza Baig" keeps Mirza as a given name.
    return any(_key_of(w) not in _FAMILY_KEYS for w in rest)


# ---- names written plainly -------------------------------------------------------------------
# Most names in a list are written plainly: words of letters, one space apart, and at most one
# relation marker between two names ("Ali Khan s/o Akbar", "Nasreen daughter of Ali"). For those,
# parse_name's many passes over the text can only find the own name, the relation and the
# relative's name, so callers can compose its result from the parts (which repeat far more than
# whole names, and are cached). Every word that is part of a marker (relation, residence, alias)
# sends a name to the full parser, unless it is one of the relation markers checked below.
_MARKER_WORDS = frozenset(word for marker in (*lexicon.RELATION_MARKERS, *lexicon.RESIDENCE_MARKERS,
                                               *lexicon.ALIAS_MARKERS) for word in marker.lower().split())


def _plain_relation_markers() -> dict[str, str]:
    """The relation markers (as lowercase text) that parse_name reads as nothing but a relation
    between two plain names; checked here against the parser itself, once."""
    found = {}
    for marker, relation in lexicon.RELATION_MARKERS.items():
        sample = f"Ali {marker} Akbar"
        if marker != marker.lower() or any(ch in marker for ch in "()[],@'\"") or not marker.strip():
            continue
        if _RESIDENCE_PATTERN.search(sample) or _ALIAS_PATTERN.search(sample):
            continue
        match = _first_relation(sample)
        if match is None or (match.start(), match.end()) != (4, 4 + len(marker)):
            continue
        parsed = parse_name(sample)
        if (parsed.relation, parsed.relative_name, parsed.given) == (relation, "Akbar", ["Ali"]):
            found[marker] = relation
    return found


_PLAIN_RELATIONS = _plain_relation_markers()


def starts_with_marker(text: str) -> bool:
    """True when the text starts with a word of a relation, residence or alias marker ("alias Mana",
    "s/o Akbar", "son of Karim", "r/o Lyari")."""
    first = text.split(None, 1)[0].lower() if text.strip() else ""
    return first in _MARKER_WORDS


# Words that are only titles or courtesy words, never a name by themselves.
TITLE_WORDS = frozenset({*lexicon.PURE_TITLES, *lexicon.TRAILING_HONORIFICS, "advocate", "adv", "engineer", "engr",
                         "doctor", "dr", "prof", "professor", "sir", "madam"})


def split_plain_name(text: str) -> tuple[str, str | None, str | None] | None:
    """(own name, relation, relative's name as written) of a name written plainly, else None.

    "Ali Khan s/o Akbar" -> ("Ali Khan", "son_of", "Akbar"); "Ali Khan" -> ("Ali Khan", None, None).
    None (use parse_name) for anything else: other characters, several spaces, brackets, an alias,
    a residence, two relations, a name that says the person is unknown. For a plain name,
    parse_name(text) has the own name's parts (``_own_name(own)``), this relation, and the relative
    read by ``_relative(relative)``; and the person's name key is the own name's.
    """
    words = text.split(" ")
    start = end = -1  # the words of the relation marker
    for i, word in enumerate(words):
        if word.isascii() and word.isalpha() and word.lower() not in _MARKER_WORDS:
            continue
        if start < 0:
            start = i
        elif i != end:
            return None  # marker words in two places
        end = i + 1
    if is_unidentified(text):
        return None
    if start < 0:
        return text, None, None
    relation = _PLAIN_RELATIONS.get(" ".join(words[start:end]).lower())
    if relation is None or start == 0 or end == len(words):
        return None
    return " ".join(words[:start]), relation, " ".join(words[end:])


def own_name_parts(own: str) -> tuple[tuple[str, ...], tuple[str, ...], str | None, tuple[str, ...], bool]:
    """(honorifics, given names, family name, suffixes, deceased) of a person's own name, as parse_name
    reads it. Not cached here: callers keep what they need of it (ingest.normal keeps the parts it stores)."""
    return _read_own_name(own)


def relative_name(relative_text: str) -> tuple[str | None, bool]:
    """(relative's name, written as deceased) from the text after a relation marker (cached)."""
    return _relative(relative_text)


def title_sex(honorifics: tuple[str, ...], suffixes: tuple[str, ...]) -> tuple[str | None, str | None]:
    """(sex, the title that states it) from a name's titles alone (Mst., Mrs, Begum; Mr, Haji), as
    sex_from_name and sex_evidence read a name without relation: (None, None) when they say nothing."""
    words = [_ascii_letters(w) for w in (*honorifics, *suffixes)]
    if not lexicon.FEMALE_TITLES.isdisjoint(words):
        sex = "female"
    elif not lexicon.MALE_TITLES.isdisjoint(words):
        sex = "male"
    else:
        return None, None
    evidence = next(w for w, letters in zip((*honorifics, *suffixes), words)
                    if letters in lexicon.FEMALE_TITLES or letters in lexicon.MALE_TITLES)
    return sex, evidence


def sex_from_name(parsed: ParsedName) -> str | None:
    """"female" or "male" when the written name says so, else None.

    Female: d/o, w/o, bint, m/o; the titles Mst./Mussammat, Mrs, Miss, Syeda, Bibi, Begum, Mai;
    male: s/o, bin, h/o; Mr, Haji, Maulana. An unidentified person's description says it too
    ("Unknown male", "unidentified woman"). Given names themselves are not used: too many are
    shared or ambiguous in romanisation.
    """
    if parsed.unidentified:
        return _unidentified_sex(parsed.raw)
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


def sex_evidence(parsed: ParsedName) -> str | None:
    """The words of the name that tell its sex ("d/o", "Mst.", "unknown male"), for a note; None if none."""
    if parsed.unidentified:
        return parsed.raw.strip() if _unidentified_sex(parsed.raw) else None
    if parsed.relation in ("daughter_of", "wife_of", "mother_of", "son_of", "husband_of", "father_of", "brother_of"):
        return parsed.relation.replace("_", " ")
    for word in [*parsed.honorifics, *parsed.suffixes]:
        if _ascii_letters(word) in lexicon.FEMALE_TITLES or _ascii_letters(word) in lexicon.MALE_TITLES:
            return word
    return None
