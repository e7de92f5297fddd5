"""A name model for romanised South-Asian and Arabic-origin names.

The pieces, from small to large:

- ``canonical_token(word)``: one spelling for the many ways a word is romanised. It applies
  rules (equivalence classes), not a list of names: vowels fold into three classes
  (a/e/ai/ay/ei -> a, i/ee -> i, u/o/oo/ou/au -> u), with a word-initial e/i -> i and o/u -> u;
  consonants q->k, w->v, ph->f, c->k, dh->d (z at the start of a word), th->t, bh->b; doubled
  letters fold; a final h after a vowel is dropped (Fatimah = Fatima); "qu" before a vowel is k.
  Short forms (Mohd, Md, Syd, Ch.) come from a table; a short table of irregular spellings
  (Yousuf/Yusuf, Uthman/Usman, Aisha/Ayesha, ...) covers what the rules cannot.
- ``name_tokens(text)``: the canonical tokens of a person's own name (the part before "s/o",
  "r/o", "alias"...), with Arabic compounds joined: Abdul Rehman = Abdur Rahman =
  Abd-ur-Rehman = Abdurrehman -> "abdurrahman"; Salah-ud-Din = Salahuddin -> "salahuddin";
  Rehmat Ullah = Rahmatullah -> "rahmatullah". Single letters stay as initials.
- ``core_tokens(text)``: without optional tokens (leading honorifics and lineage words such as
  Syed, Haji, Dr, Mst; the leading Muhammad; initials; courtesy words after the name such as
  Sahib, Bibi, Begum), unless nothing would be left.
- ``name_key(text)``: sorted core tokens joined by a space; equal keys = same name up to
  spelling and order. Use it for blocking and search.
- ``name_similarity(a, b)``: 0..1, a token-set comparison tolerant to order and missing tokens,
  with string similarity on canonical forms and guards against names that differ by a
  gendered ending (Zubair/Zubaida) or by a vowel that survives canonicalisation (Hasan/Husain).

Everything is deterministic and cached, so linkage can precompute columns of keys.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from uncounted.normalize import lexicon

__all__ = [
    "canonical_token",
    "name_tokens",
    "core_tokens",
    "optional_tokens",
    "name_key",
    "name_similarity",
    "token_similarity",
    "own_name_part",
    "is_initial",
]

_VOWELS = frozenset("aeiou")
_TWO_LETTER_VOWELS = {
    "ee": "i", "ii": "i", "ie": "i", "oo": "u", "ou": "u", "uu": "u", "au": "u", "ao": "u",
    "aa": "a", "ai": "a", "ay": "a", "ei": "a", "ey": "a", "ae": "a",
}
_ONE_LETTER_VOWELS = {"a": "a", "e": "a", "i": "i", "o": "u", "u": "u"}
_INITIAL_VOWELS = {"e": "i", "i": "i", "o": "u", "u": "u", "a": "a"}
_GLIDES = {("a", "i"): "ayi", ("a", "u"): "avu"}


# ---------------------------------------------------------------------------------------------
# One word


_NON_LETTERS = re.compile(r"[^a-z]+")


@lru_cache(maxsize=200_000)
def _ascii_letters(text: str) -> str:
    """Lowercase ASCII letters only: accents stripped, apostrophes and marks dropped."""
    if text.isascii():
        return _NON_LETTERS.sub("", text.lower())
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if "a" <= ch <= "z")


_ARABIC_PARTICIPLE = re.compile(r"^([b-df-hj-np-tv-z]{0,2})(a|aa)([b-df-hj-np-tv-xz])e([b-df-hj-np-tv-xz])$")


def _consonant_rules(word: str) -> str:
    # Khaled/Khalid, Maher/Mahir, Tamer/Tamir: in the pattern (C)Ca-C-e-C the e is an i.
    word = _ARABIC_PARTICIPLE.sub(r"\1\2\3i\4", word)
    word = re.sub(r"([b-df-hj-np-tv-xz])\1+", r"\1", word)
    word = re.sub(r"(?<=[a-z]{2})que$", "k", word)  # Farooque, Haque, Rafique
    word = word.replace("ph", "f")
    word = word.replace("ck", "k").replace("q", "k").replace("x", "ks")
    word = re.sub(r"c(?!h)", "k", word)
    word = re.sub(r"(?<=k)u(?=[aei])", "", word)  # Liaquat / Liaqat, Siddiqui: the u of "qu" is silent
    word = re.sub(r"(?<=[aeiou])w(?![aeiouy])", "u", word)  # Gowhar / Gohar, Shawkat / Shaukat
    word = word.replace("w", "v")
    if word.startswith("dh"):
        word = "z" + word[2:]
    # th is the Arabic tha, an s in Urdu (Uthman / Usman, Kulthum / Kulsoom); dh inside a word is the
    # aspirated d of Chaudhry and Sindhi.
    word = word.replace("dh", "d").replace("th", "s").replace("bh", "b").replace("jh", "j").replace("zh", "z")
    word = re.sub(r"(?<=[^aeiou]i)y(?=[aeou])", "", word)  # Imtiyaz / Imtiaz, Riyaz / Riaz, Ziyauddin / Ziauddin
    word = word.replace("gh", "g")  # Ghulam / Gulam, Mughal / Mugal
    if len(word) > 3 and word.endswith("h") and word[-2] in "aeiouy":
        word = word[:-1]
    return word


def _is_vowel_at(word: str, index: int) -> bool:
    """a e i o u are vowels; y is a vowel unless a vowel follows it (Hyder, Aly vs Yusuf, Syed)."""
    char = word[index]
    if char in _VOWELS:
        return True
    if char != "y":
        return False
    return index + 1 >= len(word) or word[index + 1] not in _VOWELS


def _vowel_units(run: str, initial: bool, final: bool) -> list[str]:
    units: list[str] = []
    i = 0
    while i < len(run):
        if run[i + 1:i + 3] in ("ee", "oo"):
            units.append(_single_vowel(run[i], initial and i == 0, final))
            i += 1
            continue
        pair = run[i:i + 2]
        if len(pair) == 2 and pair in _TWO_LETTER_VOWELS:
            unit = _TWO_LETTER_VOWELS[pair]
            if initial and i == 0 and pair in ("ee", "ie"):
                unit = "i"
            units.append(unit)
            i += 2
            continue
        units.append(_single_vowel(run[i], initial and i == 0, final and i == len(run) - 1))
        i += 1
    collapsed: list[str] = []
    for unit in units:
        if not collapsed or collapsed[-1] != unit:
            collapsed.append(unit)
    return collapsed


def _single_vowel(char: str, initial: bool, final: bool) -> str:
    if char == "y":
        return "i" if final else "a"
    if initial:
        return _INITIAL_VOWELS[char]
    return _ONE_LETTER_VOWELS[char]


def _join_units(units: list[str]) -> str:
    text = units[0]
    for before, after in zip(units, units[1:]):
        glide = _GLIDES.get((before, after))
        text += glide[1:] if glide else after
    return text


def _skeleton(word: str) -> str:
    """The rule-based canonical spelling of one plain word (no compounds, no tables).

    The rules are applied until nothing changes, so the result is a fixed point.
    """
    for _ in range(4):
        folded = _skeleton_once(word)
        if folded == word:
            break
        word = folded
    return word


def _skeleton_once(word: str) -> str:
    word = re.sub(r"(.)\1\1+", r"\1\1", word)  # WASEEEM: a letter typed three times counts twice
    word = _consonant_rules(word)
    out: list[str] = []
    i = 0
    n = len(word)
    while i < n:
        if _is_vowel_at(word, i):
            j = i
            while j < n and _is_vowel_at(word, j):
                j += 1
            units = _vowel_units(word[i:j], initial=i == 0, final=j == n)
            out.append(_join_units(units))
            i = j
        else:
            out.append(word[i])
            i += 1
    text = re.sub(r"(.)\1+", r"\1", "".join(out))
    text = re.sub(r"^a(?=v)", "u", text)  # Awais / Owais / Uwais: the vowel before an initial w is uncertain
    # Fazal/Fazl, Nasar/Nasr, Qutub/Qutb: the repeated short vowel of a CaCaC or CuCuC word is often
    # written only to help pronunciation, so it is dropped.
    return _EPENTHETIC_A.sub(r"\1\2\3\4", text)


_EPENTHETIC_A = re.compile(r"^([^aiu]{1,2})([au])(kh|sh|ch|[^aiuy])\2([^aiuy])$")


def _build_variant_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(written spelling -> canonical, rule skeleton -> canonical) for irregular spellings.

    A skeleton shared by two different names (Sayyid and Sayeed both give "sayid"), or shorter
    than four letters (Naim -> "nam"), is left out of the skeleton table, so only the exact
    written spellings decide those. Canonical forms always map to themselves.
    """
    targets = {canonical: _skeleton(canonical) for canonical in lexicon.IRREGULAR_VARIANTS}
    target_values = set(targets.values())
    written: dict[str, str] = {}
    by_skeleton: dict[str, set[str]] = {}
    for canonical, variants in lexicon.IRREGULAR_VARIANTS.items():
        target = targets[canonical]
        for variant in (canonical, *variants):
            if variant not in target_values or variant == target:
                written[variant] = target
            skeleton = _skeleton(variant)
            if len(skeleton) >= 4 or skeleton == target:
                by_skeleton.setdefault(skeleton, set()).add(target)
    skeletons = {skeleton: next(iter(found)) for skeleton, found in by_skeleton.items() if len(found) == 1}
    skeletons.update({target: target for target in target_values})
    return written, skeletons


_WRITTEN_VARIANTS, _VARIANTS = _build_variant_tables()
_ABBREVIATIONS = dict(lexicon.ABBREVIATIONS)

# Written and canonical spellings of compound second words (canonical ones keep canonical_token idempotent).
_SECOND_WORDS = sorted(
    {*lexicon.COMPOUND_SECONDS, *(w for w in map(_skeleton, lexicon.COMPOUND_SECONDS) if len(w) >= 4 or w in ("hak", "din", "nur"))}
    - {"allah", "ala", "hai"},
    key=len,
    reverse=True,
)
_JOINED_COMPOUND = re.compile(
    r"^(?P<stem>[a-z]{2,}?)(?:[uaeio](?:sh|[lrsdztn])?)-?(?P<second>" + "|".join(_SECOND_WORDS) + r")$"
)
_JOINED_ALLAH = re.compile(r"^(?P<stem>[a-z]{3,}?)(?:ullah|ulla|ulah|allah|alla|ollah|ullha|ulllah)$")
_JOINED_ABD = re.compile(r"^abd(?P<art>[uaeio](?:sh|[lrsdztn])?)?(?P<second>[a-z]{3,})$")
_ABD_WORDS = frozenset({"abd", "abdu", "abdul", "abdur", "abdus", "abdun", "abduz", "abdut", "abdud", "abdush",
                        "abdal", "abdel", "abdil", "abdool", "abdoul", "abdull", "abdl", "abadul"})
_ALLAH_WORDS = frozenset({"ullah", "ulla", "ulah", "allah", "alla", "ollah", "ullha", "illah"})
_SUN_SKELETONS = ("sh", "t", "d", "r", "z", "s", "n")


@lru_cache(maxsize=100_000)
def _plain(word: str) -> str:
    """Canonical form of a plain word: abbreviations, rules, then the irregular-spelling table."""
    word = _ABBREVIATIONS.get(word, word)
    if word in _WRITTEN_VARIANTS:
        return _WRITTEN_VARIANTS[word]
    skeleton = _skeleton(word)
    if skeleton in _ABBREVIATIONS and skeleton != word:  # "qh" -> "kh", itself a short form
        return _plain(skeleton)
    return _VARIANTS.get(skeleton, skeleton)


def _article_for(second: str) -> str:
    for letters in _SUN_SKELETONS:
        if second.startswith(letters):
            return "u" + letters
    return "ul"


@lru_cache(maxsize=100_000)
def _compound(stem: str, second: str) -> str:
    """One token for stem + article + second: abd + rahman -> abdurrahman, salah + din -> salahuddin."""
    second_word = _plain(second) if second else ""
    stem_word = "abd" if stem in _ABD_WORDS or stem == "abd" else _plain(stem)
    if second_word in ("ala", "ula", "alah", "la"):
        return stem_word + "ullah"
    return stem_word + _article_for(second_word) + second_word


def _split_abd(word: str) -> tuple[str, str] | None:
    match = _JOINED_ABD.match(word)
    if not match:
        return None
    article, second = match.group("art") or "", match.group("second")
    consonant = article[1:]
    if consonant and consonant != "l" and not second.startswith(consonant):
        second = consonant + second  # Abdurahman: the r of the article is the r of rahman
    return "abd", second


def _split_joined(word: str) -> tuple[str, str] | None:
    """Split a compound written as one word, or return None."""
    if word.startswith("abd") and word not in _ABD_WORDS:
        match = _JOINED_ALLAH.match(word)
        if match and match.group("stem") in ("abd", "abdu"):
            return "abd", "allah"
        split = _split_abd(word)
        if split is not None:
            return split
    if len(word) < 7:
        return None
    match = _JOINED_ALLAH.match(word)
    if match:
        return match.group("stem"), "allah"
    match = _JOINED_COMPOUND.match(word)
    if match:
        return match.group("stem"), match.group("second")
    return None


@lru_cache(maxsize=200_000)
def _canonical_word(word: str) -> str:
    """Canonical form of one word of lowercase ASCII letters (compounds joined)."""
    if not word:
        return ""
    if len(word) == 1 or not word.isascii():
        return word
    known = _WRITTEN_VARIANTS.get(_ABBREVIATIONS.get(word, word))
    if known is not None:
        return known
    split = _split_joined(word)
    if split is not None:
        return _compound(*split)
    plain = _plain(word)
    split = _split_joined(plain)  # the canonical spelling may reveal a compound the written one hid
    return _compound(*split) if split is not None else plain


@lru_cache(maxsize=200_000)
def canonical_token(token: str) -> str:
    """The canonical spelling of one written word (Mohammed -> muhammad, Hussein -> husan).

    Deterministic and idempotent (canonical_token(canonical_token(x)) == canonical_token(x)), so
    it can precompute columns for a SQL engine. A single letter ("M.") stays an initial ("m").
    Text with several words gives their canonical tokens joined by spaces.
    """
    words = _raw_words(token)
    if len(words) == 1:
        return _canonical_word(words[0])
    return " ".join(_join_compounds(words))


# ---------------------------------------------------------------------------------------------
# A whole name

_LEADING_OPTIONAL_RAW = frozenset(
    _plain(_ascii_letters(w)) for w in (*lexicon.LEADING_HONORIFICS, *lexicon.ABBREVIATIONS.values(), "muhammad")
)

_RELATION_WORDS = sorted(
    {*lexicon.RELATION_MARKERS, *lexicon.RESIDENCE_MARKERS, *lexicon.ALIAS_MARKERS}, key=len, reverse=True
)
_OWN_NAME_END = re.compile(
    r"@|(?<![\w/\\])(?:" + "|".join(re.escape(m) for m in _RELATION_WORDS if m != "@") + r")(?![\w/\\])",
    re.IGNORECASE,
)


_BRACKETED = re.compile(r"\([^)]*\)?")


def own_name_part(text: str) -> str:
    """The person's own name: the text before "s/o", "d/o", "w/o", "bin", "r/o", "alias", "@"...

    "bin"/"ibn"/"so" count only after at least one word (so "Bin Yamin" stays a name).
    Bracketed text ("(Bablu)", "(late)") is left out.
    """
    text = _BRACKETED.sub(" ", text)
    for match in _OWN_NAME_END.finditer(text):
        before = text[:match.start()].strip(" ,;-(")
        if before:
            return before
    return text


_WORD_SPLIT = re.compile(r"[\s\-_.,;:/\\()\[\]{}\"+*&]+")
_APOSTROPHES = re.compile(r"['`’‘ʼʻ]")  # an apostrophe inside a word marks ain or hamza: Sa'eed = Saeed


def _raw_words(text: str) -> list[str]:
    words = []
    for piece in _WORD_SPLIT.split(_APOSTROPHES.sub("", text)):
        letters = _ascii_letters(piece)
        if letters:
            words.append(letters)
        elif piece and not piece.isascii():
            script = _script_word(piece)
            if script:
                words.append(script)
    return words


# Names written in Arabic script (Urdu, Arabic, Persian) are not transliterated; they are folded
# so that the usual variants of one letter compare equal, and a few common words are mapped.
_ARABIC_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = str.maketrans({
    "\u064a": "\u06cc", "\u0649": "\u06cc", "\u0626": "\u06cc",  # yeh forms -> Farsi yeh
    "\u0643": "\u06a9",  # Arabic kaf -> keheh
    "\u0629": "\u06c1", "\u0647": "\u06c1", "\u06c0": "\u06c1", "\u06be": "\u06c1",  # teh marbuta, heh forms
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",  # alef forms
    "\u0624": "\u0648",  # waw with hamza
})
_SCRIPT_WORDS = {"محمد": "muhammad", "سید": "syed", "سیدہ": "syeda", "شیخ": "sheikh", "حاجی": "haji",
                 "ڈاکٹر": "dr", "مسماۃ": "musammat", "مسمات": "musammat", "بی\u200cبی": "bibi", "بیگم": "begum"}


@lru_cache(maxsize=100_000)
def _script_word(piece: str) -> str:
    """A word in a non-Latin script, folded (Arabic letter variants and vowel marks)."""
    folded = _ARABIC_MARKS.sub("", unicodedata.normalize("NFKC", piece)).translate(_ARABIC_LETTERS)
    folded = "".join(ch for ch in folded if ch.isalpha())
    folded = _SCRIPT_WORDS.get(folded, folded)
    return folded.lower()


def _join_compounds(words: list[str]) -> list[str]:
    """Canonical tokens, joining compounds written as several words."""
    if all(map(_stands_alone, words)):  # the common case: no compound, each word is its own token
        return [token for token in map(_canonical_word, words) if token]
    tokens: list[str] = []
    i = 0
    n = len(words)
    while i < n:
        word = words[i]
        nxt = words[i + 1] if i + 1 < n else None
        if word in _ABD_WORDS or _ABBREVIATIONS.get(word) == "abdul":
            if nxt is not None and _is_article(nxt) and i + 2 < n:
                tokens.append(_compound("abd", words[i + 2]))
                i += 3
                continue
            if nxt is not None and len(nxt) > 1:
                tokens.append(_compound("abd", nxt))
                i += 2
                continue
            tokens.append("abdul")
            i += 1
            continue
        if _is_article(word) and nxt is not None:
            if tokens and (word not in ("al", "el") or _is_compound_second(nxt)):
                tokens[-1] = _compound(tokens[-1], nxt)
            else:
                tokens.append(_canonical_word(nxt))
            i += 2
            continue
        split = _stem_with_article(word, nxt)
        if split is not None:  # "Fazlur Rehman", "Khairun Nisa", "Ziaul Haq"
            tokens.append(_compound(*split))
            i += 2
            continue
        if tokens and i > 0 and _is_article_second(word) and _may_take_allah(word, tokens[-1], nxt):
            tokens[-1] = _compound(tokens[-1], _strip_article(word))
            i += 1
            continue
        tokens.append(_canonical_word(word))
        i += 1
    return [t for t in tokens if t]


_ALONE: dict[str, bool] = {}


def _stands_alone(word: str) -> bool:
    """Whether _join_compounds reads a word as its own token whatever its neighbours: it is no Abdul,
    no article (ul, ur, al...), no second part of a compound (Uddin, Ullah), and nothing that
    joins the word before it (Rehman after Fazlur). Remembered per word (words repeat)."""
    alone = _ALONE.get(word)
    if alone is None:
        alone = not (word in _ABD_WORDS or _ABBREVIATIONS.get(word) == "abdul" or _is_article(word)
                     or _is_article_second(word) or word in _STRONG_SECONDS)
        if len(_ALONE) >= 100_000:
            _ALONE.clear()
        _ALONE[word] = alone
    return alone


_ARTICLE_ENDING = re.compile(r"^(?P<stem>[a-z]{3,}?)(?:ul|ur|un|us|ud|uz|ush|ut)$")
# Second words that, after a word ending in an article, always make a compound (Fazlur Rehman).
# Common given names (Hussain, Rasool, Malik...) are left out: "Maqbul Hussain" is two names.
_STRONG_SECONDS = frozenset({"din", "deen", "haq", "haque", "hak", "rahman", "rehman", "islam", "nisa", "nissa",
                             "nisaa", "zaman", "amin", "ameen", "mulk", "rab"})


def _stem_with_article(word: str, nxt: str | None) -> tuple[str, str] | None:
    if nxt is None or nxt not in _STRONG_SECONDS:
        return None
    match = _ARTICLE_ENDING.match(word)
    return (match.group("stem"), nxt) if match else None


# Words that follow Allah in names where Allah comes first (Allah Ditta, Allah Bakhsh).
_AFTER_ALLAH = frozenset({"ditta", "dita", "bakhsh", "bakhash", "bakhs", "bux", "baksh", "rakha", "rakhi", "dad",
                          "wasaya", "vasaya", "yar", "warayo", "jawaya", "jurio", "nawaz", "dino", "dina"})


def _may_take_allah(word: str, previous: str, nxt: str | None) -> bool:
    """"Rahmat Allah" is one name; "Muhammad Allah Ditta" is Muhammad + Allah Ditta."""
    if word not in ("allah", "alla"):
        return True
    if nxt is not None and nxt in _AFTER_ALLAH:
        return False
    return previous not in _LEADING_OPTIONAL_RAW


_ARTICLE_WORD = re.compile(r"(?:[aeiou]|uu|oo)(?:l|r|s|sh|d|z|t|n)")


def _is_article(word: str) -> bool:
    """The Arabic article written as its own word: ul, ur, ud, al, el, ad, us, ush... (also a doubled uul)."""
    return word in lexicon.ARTICLES or _ARTICLE_WORD.fullmatch(word) is not None


def _is_compound_second(word: str) -> bool:
    return word in lexicon.COMPOUND_SECONDS or word in _ALLAH_WORDS


_ARTICLE_SECOND = re.compile(
    r"^(?:[uaeio](?:sh|[lrsdztn])?)-?(?P<second>" + "|".join(_SECOND_WORDS) + r")$"
)


def _is_article_second(word: str) -> bool:
    """"Ullah", "Uddin", "Ulhaq" written as their own word after a stem."""
    if word in _ALLAH_WORDS:
        return True
    return bool(_ARTICLE_SECOND.match(word)) and word not in lexicon.COMPOUND_SECONDS


def _strip_article(word: str) -> str:
    if word in _ALLAH_WORDS:
        return "allah"
    match = _ARTICLE_SECOND.match(word)
    return match.group("second") if match else word


_FAMILY_FIRST = re.compile(r"^\s*([^\s,]+)\s*,\s*([^,]+?)\s*$")


def _family_last(text: str) -> str:
    """"Khan, Muhammad Iqbal" (family name first, then a comma) -> "Muhammad Iqbal Khan"."""
    match = _FAMILY_FIRST.match(text)
    return f"{match.group(2)} {match.group(1)}" if match else text


@lru_cache(maxsize=500_000)
def _tokens_cached(text: str) -> tuple[str, ...]:
    return _tokens_of_words(_raw_words(_family_last(own_name_part(text))))


def _tokens_of_words(words: list[str]) -> tuple[str, ...]:
    """The canonical tokens of a name's words (lowercase ASCII letters, or folded script)."""
    if len(words) > 2 and words[0] in ("shaheed", "shaheeda"):
        words[0] = "late"  # "Shaheed Muhammad Ali": the martyr's title, optional like "Late" (not Shahid)
    return tuple(_join_compounds(words))


def name_tokens(text: str) -> list[str]:
    """Canonical tokens of the person's own name, in written order (compounds joined)."""
    if not text:
        return []
    return list(_tokens_cached(text))


def is_initial(token: str) -> bool:
    return len(token) == 1


def _canonical_set(words) -> frozenset[str]:
    return frozenset(_canonical_word(_ascii_letters(w)) for w in words)


_LEADING_OPTIONAL = _canonical_set(lexicon.LEADING_HONORIFICS) | _canonical_set(lexicon.ABBREVIATIONS.values())
_LEADING_OPTIONAL = _LEADING_OPTIONAL - {_canonical_word("abdul"), _canonical_word("ghulam")}
_TRAILING_OPTIONAL = _canonical_set(lexicon.TRAILING_HONORIFICS) | _canonical_set(lexicon.FEMALE_SUFFIXES)
_MUHAMMAD = _canonical_word("muhammad")


@dataclass(frozen=True)
class _Profile:
    core: tuple[str, ...]
    optional: tuple[str, ...]
    initials: tuple[str, ...]
    sorted_core: tuple[str, ...] = ()
    joins: tuple[str, ...] = ()  # canonical form of each adjacent pair of core tokens written as one


def _core_words(tokens: tuple[str, ...]) -> tuple[list[str], list[str], tuple[str, ...]]:
    """(core words, optional words, initials) of a name's tokens: leading honorifics and Muhammad,
    and courtesy words after the name, are optional while another word is left."""
    initials = tuple(t for t in tokens if is_initial(t))
    words = [t for t in tokens if not is_initial(t)]
    optional: list[str] = []
    while len(words) > 1 and (words[0] in _LEADING_OPTIONAL or words[0] == _MUHAMMAD):
        optional.append(words.pop(0))
    while len(words) > 1 and words[-1] in _TRAILING_OPTIONAL:
        optional.append(words.pop())
    return words, optional, initials


@lru_cache(maxsize=500_000)
def _profile(text: str) -> _Profile:
    words, optional, initials = _core_words(_tokens_cached(text))
    if not words and initials:
        return _Profile(initials, tuple(optional), (), tuple(sorted(initials)))
    joins = tuple(_canonical_word(a + b) for a, b in zip(words, words[1:]))
    return _Profile(tuple(words), tuple(optional), initials, tuple(sorted(words)), joins)


def core_tokens(text: str) -> list[str]:
    """Canonical tokens that identify the name: no honorifics, leading Muhammad or initials.

    Falls back to the optional tokens (or initials) if nothing else is written ("Muhammad").
    """
    if not text:
        return []
    return list(_profile(text).core)


def optional_tokens(text: str) -> list[str]:
    """The tokens core_tokens leaves out (honorifics, leading Muhammad), initials excluded."""
    if not text:
        return []
    return list(_profile(text).optional)


@lru_cache(maxsize=500_000)
def _key(text: str) -> str:
    # _profile(text).sorted_core, without the joined pairs a profile also computes (for similarity only)
    return _key_of_tokens(_tokens_cached(text))


def _key_of_tokens(tokens: tuple[str, ...]) -> str:
    words, _, initials = _core_words(tokens)
    return " ".join(sorted(words or initials))


def name_key(text: str) -> str:
    """Sorted core tokens joined by a space: equal for spellings and orders of the same name."""
    if not text:
        return ""
    return _key(text)


def plain_name_key(text: str) -> str:
    """name_key of a name of ASCII letters and single spaces only, with no relation, residence or
    alias word in it (the own name of ``names.split_plain_name``): the same key, without looking
    for those words, brackets or commas, which such a name cannot hold."""
    return _key_of_tokens(_tokens_of_words(text.lower().split(" ")))


# ---------------------------------------------------------------------------------------------
# Similarity

_CANONICAL_VOWELS = frozenset("aiu")


def _ends_in_vowel(token: str) -> bool:
    return token[-1] in _CANONICAL_VOWELS


@lru_cache(maxsize=1_000_000)
def token_similarity(a: str, b: str) -> float:
    """Similarity of two canonical tokens in 0..1.

    Equal tokens score 1; an initial scores 0.9 against a word with that first letter. Different
    words score by edit distance only if they start alike, are at least 4 letters, differ in at
    most a quarter of their letters, do not differ by a gendered ending (one ends in a vowel,
    the other not: Shahid/Shahida, Zubair/Zubaida), and do not differ only by a swapped vowel
    (Hasan/Husain): canonical forms already absorb spelling habits, so what is left is a
    different name.
    """
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    if len(a) == 1 or len(b) == 1:
        return 0.9 if a[0] == b[0] else 0.0
    if a[0] != b[0] or min(len(a), len(b)) < 4:
        return 0.0
    if _ends_in_vowel(a) != _ends_in_vowel(b) and not _cut_short(a, b) and not _last_two_swapped(a, b):
        return 0.0  # a gendered ending: Shahid / Shahida, Zubair / Zubaida, Rehman / Rehana
    similarity = OSA.normalized_similarity(a, b)  # a swap of two letters (Ahemd / Ahmed) is one edit
    if similarity < 0.75:
        return 0.0
    if _only_vowels_differ(a, b):
        return 0.3  # only a vowel changed: Hasan / Husain
    return round(0.9 * similarity, 6)


def _cut_short(a: str, b: str) -> bool:
    """One token is the other without its last consonant, leaving an i or u (Idrees / Idree, Bashir / Bashi).

    A typo, not a gender. A short form ending in a stays a different name (Salman / Salma).
    """
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return len(long) == len(short) + 1 and long.startswith(short) and short[-1] in "iu" and not _ends_in_vowel(long)


def _last_two_swapped(a: str, b: str) -> bool:
    """Ahmde / Ahmed: the last two letters typed in the wrong order."""
    return len(a) == len(b) and a[:-2] == b[:-2] and a[-2:] == b[-1:-3:-1]


def _only_vowels_differ(a: str, b: str) -> bool:
    """Same length, same letters except vowels replaced by other vowels in the same places."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if x != y and not (x in _CANONICAL_VOWELS and y in _CANONICAL_VOWELS):
            return False
    return True


def _merge_joined(tokens: list[str], joins: tuple[str, ...], other: set[str]) -> list[str]:
    """Join adjacent tokens whose concatenation is a token of the other name (Ghulam Hussain / Ghulamhussain)."""
    if not joins or other.isdisjoint(joins):
        return tokens
    merged: list[str] = []
    i = 0
    while i < len(tokens):
        if i + 1 < len(tokens) and joins[i] in other and tokens[i] not in other:
            merged.append(joins[i])
            i += 2
            continue
        merged.append(tokens[i])
        i += 1
    return merged


def _best_matches(left: list[str], right: list[str]) -> tuple[float, list[str], list[str]]:
    """Greedy best one-to-one token matching: (summed score, unmatched left, unmatched right)."""
    pairs = []
    for i, x in enumerate(left):
        first = x[0]
        for j, y in enumerate(right):
            if x == y:
                pairs.append((1.0, i, j))
            elif y[0] == first:
                score = token_similarity(x, y)
                if score > 0:
                    pairs.append((score, i, j))
    if not pairs:
        return 0.0, left, right
    pairs.sort(reverse=True)
    used_left: set[int] = set()
    used_right: set[int] = set()
    total = 0.0
    for score, i, j in pairs:
        if i in used_left or j in used_right:
            continue
        used_left.add(i)
        used_right.add(j)
        total += score
    return (
        total,
        [x for i, x in enumerate(left) if i not in used_left],
        [y for j, y in enumerate(right) if j not in used_right],
    )


@lru_cache(maxsize=100_000)
def _abd_tail(token: str) -> str | None:
    """The name after Abdul in a canonical abd-compound: abdurrahman -> rahman, abdulkarim -> karim."""
    if not token.startswith("abdu") or len(token) < 7:
        return None
    rest = token[4:]
    if rest.startswith("l"):
        return rest[1:]
    for letters in _SUN_SKELETONS:
        if rest.startswith(letters + letters):
            return rest[len(letters):]
    return None


def _second_chance(left: list[str], right: list[str]) -> tuple[float, list[str], list[str]]:
    """Weaker evidence between leftover tokens: Ehsan/Ahsan (initial vowel, 0.7), Abdul Karim/Karim (0.8)."""
    total = 0.0
    right = list(right)
    still_left: list[str] = []
    for x in left:
        x_vowel = x[0] in _CANONICAL_VOWELS and len(x) >= 4
        x_tail = _abd_tail(x) if x[0] == "a" else None
        for k, y in enumerate(right):
            if x_vowel and y[0] != x[0] and y[0] in _CANONICAL_VOWELS and x[1:] == y[1:]:
                score = 0.7
            elif x_tail == y or (y[0] == "a" and _abd_tail(y) == x):
                score = 0.8
            else:
                continue
            total += score
            del right[k]
            break
        else:
            still_left.append(x)
    return total, still_left, right


def _initials_credit(initials: tuple[str, ...], unmatched: list[str]) -> tuple[float, int]:
    """Initials of one name that stand for unmatched words of the other: (credit, count used)."""
    if not initials or not unmatched:
        return 0.0, 0
    credit, used = 0.0, 0
    remaining = list(unmatched)
    for letter in initials:
        for k, word in enumerate(remaining):
            if word[0] == letter:
                credit += 0.9
                used += 1
                del remaining[k]
                break
    return credit, used


def _drop_shared_optional(profile: _Profile, other_optional: tuple[str, ...]) -> list[str]:
    """Core tokens, without a lone Muhammad or honorific that the other name has as optional.

    "Mohd. Y." has Muhammad as its only word; against "Muhammad Yunus" it should compare Y. with
    Yunus, not Muhammad with Yunus.
    """
    core = list(profile.core)
    if other_optional and len(core) == 1 and core[0] in other_optional and profile.initials:
        return list(profile.initials)
    return core


@lru_cache(maxsize=1_000_000)
def _similarity(a: str, b: str) -> float:
    pa, pb = _profile(a), _profile(b)
    if not pa.core or not pb.core:
        return 0.0
    if pa.sorted_core == pb.sorted_core:
        return 1.0
    left, right = _drop_shared_optional(pa, pb.optional), _drop_shared_optional(pb, pa.optional)
    if not left or not right:
        return 0.0
    if len(left) != len(right):  # Ghulam Hussain / Ghulamhussain
        left = _merge_joined(left, pa.joins, set(right))
        right = _merge_joined(right, pb.joins, set(left))
    total, free_left, free_right = _best_matches(left, right)
    if free_left and free_right:
        extra, free_left, free_right = _second_chance(free_left, free_right)
        total += extra
    credit_a, used_a = _initials_credit(pa.initials, free_right)
    credit_b, used_b = _initials_credit(pb.initials, free_left)
    matched = total + credit_a + credit_b
    if matched == 0.0:
        return 0.0
    n_left, n_right = len(left) + used_a, len(right) + used_b
    overlap = matched / min(n_left, n_right)
    dice = 2 * matched / (n_left + n_right)
    return round(min(1.0, 0.6 * overlap + 0.4 * dice), 6)


def name_similarity(a: str, b: str) -> float:
    """How alike two written names are, in 0..1 (1 = same name up to spelling and order).

    Leftover tokens get weaker credit when they differ only in the initial vowel (Ehsan/Ahsan,
    0.7) or are Abdul-X against X (0.8).

    Token-set comparison on core tokens: order does not matter; a missing token costs less than
    a conflicting one ("Iqbal" vs "Iqbal Khan" 0.87, "Iqbal Khan" vs "Iqbal Ahmed" 0.5);
    initials count for words starting with their letter; gendered and vowel-only differences
    score low (see token_similarity).
    """
    if not a or not b:
        return 0.0
    if a <= b:
        return _similarity(a, b)
    return _similarity(b, a)
