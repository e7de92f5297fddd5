"""Synthetic South-Asian Muslim names and the ways organisations romanise them.

Everything here is invented for simulation. A name is built from *units*: an
honorific or lineage title (Syed, Mirza...), an optional "Muhammad", a given
name (which may be a compound such as Abdul Rehman, Salahuddin, Rahmatullah or
Atiq-ur-Rehman) and an optional family, caste or clan name. Each unit has a
canonical spelling and a weighted set of spelling variants produced by generic
rules (vowel and consonant classes, doubled letters, compound joining and
splitting, abbreviation) plus a small table of irregular forms.

Two romanisation *styles* weight the rules differently: "urdu" (the usual
Pakistani English spellings: Rehman, Waseem, Salahuddin) and "arabic" (the
scholarly Arabic habit: Rahman, Wasim, Salah al-Din, Husayn).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

import numpy as np

# ---------------------------------------------------------------------------
# Vocabulary. Order matters: earlier entries are more common (Zipf weights).
# "|" marks the joints of compounds written in several ways (Salah|uddin).
# ---------------------------------------------------------------------------

HONORIFICS_MALE = ["Syed", "Mirza", "Sheikh", "Haji", "Hafiz", "Khawaja", "Malik", "Mir", "Qazi"]
HONORIFICS_FEMALE = ["Syeda", "Mirza", "Sheikh", "Haji", "Khawaja", "Malik"]

MALE_GIVEN = [
    "Ali", "Ahmed", "Iqbal", "Hussain", "Aslam", "Akram", "Javed", "Tariq", "Khalid", "Arshad",
    "Asif", "Nadeem", "Naeem", "Waseem", "Saleem", "Imran", "Kamran", "Farooq", "Rashid", "Zahid",
    "Shahid", "Sajid", "Hamid", "Irfan", "Rizwan", "Faisal", "Abdul Rehman", "Abdul Ghafoor",
    "Anwar", "Akhtar", "Zafar", "Haider", "Hasan", "Abbas", "Raza", "Naveed", "Junaid", "Salman",
    "Usman", "Imtiaz", "Ejaz", "Riaz", "Mumtaz", "Shahzad", "Asad", "Saeed", "Zubair", "Nasir",
    "Yasir", "Aamir", "Sohail", "Adil", "Kashif", "Arif", "Shakeel", "Jameel", "Nabeel", "Aqeel",
    "Khalil", "Tahir", "Babar", "Akbar", "Anis", "Qamar", "Pervez", "Ilyas", "Younus", "Yousuf",
    "Ismail", "Ibrahim", "Ishaq", "Yaqub", "Idrees", "Haroon", "Muneer", "Nazeer", "Bashir",
    "Zameer", "Kazim", "Jawad", "Sajjad", "Owais", "Gohar", "Khurshid", "Iftikhar", "Ishtiaq",
    "Mushtaq", "Ashfaq", "Shafiq", "Rafiq", "Fayyaz", "Niaz", "Sarfaraz", "Fawad", "Wajid",
    "Atif", "Shakir", "Zakir", "Nafees", "Rais", "Anjum", "Sulaiman", "Taqi", "Naqi",
    "Abdul Qadir", "Abdul Sattar", "Abdul Jabbar", "Abdul Rasheed", "Abdul Hameed", "Abdul Majeed",
    "Abdul Wahid", "Abdul Aziz", "Abdul Karim", "Abdul Razzaq", "Abdul Khaliq", "Abdul Shakoor",
    "Abdul Wahab", "Abdul Latif", "Abdul Basit", "Abdul Samad", "Abdul Nasir",
    "Salah|uddin", "Nizam|uddin", "Moin|uddin", "Kamal|uddin", "Jamal|uddin", "Shams|uddin",
    "Ala|uddin", "Zahir|uddin", "Fakhr|uddin", "Siraj|uddin", "Qutub|uddin", "Zia|uddin",
    "Naseer|uddin", "Shahab|uddin", "Mohi|uddin",
    "Rahmat|ullah", "Hamid|ullah", "Saif|ullah", "Ehsan|ullah", "Inam|ullah", "Asad|ullah",
    "Habib|ullah", "Zabih|ullah", "Ata|ullah", "Naimat|ullah", "Kalim|ullah", "Sana|ullah",
    "Ubaid|ullah", "Azmat|ullah",
    "Atiq|ur|Rehman", "Zia|ur|Rehman", "Fazal|ur|Rehman", "Khalil|ur|Rehman", "Habib|ur|Rehman",
    "Aziz|ur|Rehman", "Lutf|ur|Rehman", "Shafiq|ur|Rehman", "Hafeez|ur|Rehman", "Mujeeb|ur|Rehman",
    "Ghulam Abbas", "Ghulam Mustafa", "Ghulam Hussain", "Ghulam Rasool", "Ghulam Murtaza",
    "Ali Raza", "Asif Ali", "Mehdi Hasan", "Amjad Ali", "Liaquat Ali", "Zulfiqar Ali",
]

FEMALE_GIVEN = [
    "Nasreen", "Zubaida", "Rehana", "Shahnaz", "Parveen", "Naseem", "Shamim", "Farzana", "Rukhsana",
    "Yasmeen", "Fatima", "Ayesha", "Khadija", "Zainab", "Razia", "Sultana", "Kausar", "Tahira",
    "Shabana", "Nargis", "Samina", "Saima", "Nazia", "Rubina", "Bilquis", "Kulsoom", "Sughra",
    "Hajra", "Amina", "Sakina", "Zohra", "Bushra", "Asma", "Shaista", "Tasneem", "Naheed",
    "Musarrat", "Ishrat", "Kaneez Fatima", "Noor Jehan",
]

# Second given elements: "Asif Iqbal", "Zahid Hussain"; for women "Rehana Begum", "Nasreen Bano".
SECOND_MALE = ["Hussain", "Ali", "Ahmed", "Iqbal", "Akhtar", "Raza", "Abbas", "Haider", "Anwar", "Javed", "Aslam",
               "Alam", "Shah", "Jan", "Nawaz", "Hasan", "Mehmood", "Rafiq", "Akbar", "Zaman", "Rasheed", "Saleem"]
SECOND_FEMALE = ["Begum", "Bibi", "Khatoon", "Bano", "Akhtar", "Jehan", "Sultana", "Parveen"]

FAMILY_NAMES = [
    "Khan", "Siddiqui", "Qureshi", "Ansari", "Rizvi", "Zaidi", "Baig", "Abbasi", "Hashmi", "Jafri",
    "Naqvi", "Kazmi", "Farooqui", "Usmani", "Alvi", "Bukhari", "Abidi", "Rajput", "Mughal",
    "Chaudhry", "Pathan", "Khanzada", "Lodhi", "Ghauri", "Hussaini", "Jilani", "Qadri", "Chishti",
    "Warsi", "Azmi", "Nomani", "Rahmani", "Shamsi", "Memon", "Sheikh",
]

# Families whose men are usually styled Syed, and the Mirza-Baig pairing.
SAYYID_FAMILIES = {"Rizvi", "Zaidi", "Jafri", "Naqvi", "Kazmi", "Bukhari", "Abidi", "Hashmi", "Hussaini", "Jilani"}

# Irregular spellings no rule produces (weights relative to the canonical form = 1).
IRREGULAR: dict[str, dict[str, float]] = {
    "Muhammad": {"Mohammad": 0.7, "Mohammed": 0.35, "Muhammed": 0.15, "Mohd.": 0.25, "Mohd": 0.1, "Md.": 0.08, "M.": 0.1},
    "Hussain": {"Husain": 0.4, "Hussein": 0.25, "Husayn": 0.1, "Hossain": 0.05},
    "Syed": {"Sayed": 0.3, "Sayyid": 0.1, "Syyed": 0.05, "S.": 0.08},
    "Syeda": {"Sayeda": 0.3, "Sayyida": 0.1},
    "Gohar": {"Gauhar": 0.6, "Gowhar": 0.1},
    "Owais": {"Uwais": 0.4, "Awais": 0.5, "Uways": 0.08},
    "Yousuf": {"Yusuf": 0.6, "Yousaf": 0.5, "Yusuf": 0.4},
    "Ayesha": {"Aisha": 0.5, "Aysha": 0.2, "Aishah": 0.08},
    "Qureshi": {"Quraishi": 0.4, "Kureshi": 0.1, "Qureishi": 0.15, "Quraishy": 0.05},
    "Ahmed": {"Ahmad": 0.7},
    "Mehmood": {"Mahmood": 0.6, "Mahmud": 0.2, "Mehmud": 0.1},
    "Jehan": {"Jahan": 0.8},
    "Khatoon": {"Khatun": 0.5},
    "Ismail": {"Ismael": 0.2, "Esmail": 0.1},
    "Ibrahim": {"Ebrahim": 0.3, "Ibraheem": 0.2},
    "Idrees": {"Idris": 0.6},
    "Haroon": {"Harun": 0.4, "Haroun": 0.2},
    "Younus": {"Yunus": 0.5, "Younis": 0.5, "Yunis": 0.15},
    "Farooqui": {"Faruqi": 0.4, "Farooqi": 0.5},
    "Siddiqui": {"Siddiqi": 0.5, "Sadiqi": 0.05},
    "Chaudhry": {"Chaudhary": 0.5, "Choudhry": 0.3, "Chaudhri": 0.2},
    "Khawaja": {"Khwaja": 0.5, "Khuwaja": 0.1},
    "Sheikh": {"Shaikh": 0.5, "Sh.": 0.1},
    "Mir": {"Meer": 0.15},
    "Qazi": {"Kazi": 0.3, "Qazee": 0.05},
    "Haji": {"Hajji": 0.2, "Hajee": 0.05, "H.": 0.03},
    "Hafiz": {"Hafez": 0.05},
    "Jafri": {"Jafferi": 0.2, "Jaffri": 0.4, "Jafery": 0.1},
    "Qutub|uddin": {"Qutbuddin": 0.5},
    "Zulfiqar Ali": {"Zulfikar Ali": 0.4},
    "Liaquat Ali": {"Liaqat Ali": 0.6},
}

# (pattern, replacement, weight in "urdu" style, weight in "arabic" style); applied per word.
_C = "[bcdfghjklmnpqrstvwxyz]"
PHONETIC_RULES: list[tuple[str, str, float, float]] = [
    (r"ee", "i", 0.35, 1.5),  # Waseem / Wasim
    (rf"(?<={_C})i(?={_C}[aeiou]?$)", "ee", 0.04, 0.0),  # Salim / Saleem
    (r"oo", "u", 0.35, 1.5),  # Farooq / Faruq
    (r"ou", "u", 0.3, 1.0),  # Younus / Yunus
    (r"aa", "a", 0.4, 0.8),  # Aamir / Amir
    (r"eh", "ah", 0.45, 1.5),  # Rehman / Rahman
    (rf"(?<=[a-z])ah(?={_C})", "eh", 0.2, 0.0),  # Rahmat / Rehmat
    (r"ai", "ay", 0.08, 0.6),  # Hussain / Hussayn
    (r"ai", "ei", 0.12, 0.0),  # Hussain / Hussein
    (r"(?<!i)au", "o", 0.3, 0.1),  # Gauhar / Gohar (not the "ia-ur" of Ziaur)
    (r"q", "k", 0.2, 0.05),  # Farooq / Farook
    (r"v", "w", 0.15, 0.3),  # Javed / Jawed, Pervez / Perwez
    (r"w(?=[aeiou])", "v", 0.1, 0.0),  # Waseem / Vaseem (rare)
    (r"^z", "dh", 0.0, 0.35),  # Zakir / Dhakir (Arabic dhal)
    (r"(?<!e)er", "ar", 0.2, 0.3),  # Pervez / Parvez (not Muneer)
    (r"([bdjmsyz])\1", r"\1", 0.3, 0.3),  # Hussain / Husain, Sajjad / Sajad
    (r"(?<=[aeiou])([sz])(?=[aeiou])", r"\1\1", 0.04, 0.0),  # Hasan / Hassan style doubling
    (r"gh", "g", 0.05, 0.0),  # Ghulam / Gulam
    (r"(?<=[^aeiou][aeiou][^aeiou]i[mn])a$", "ah", 0.1, 0.4),  # Fatima / Fatimah, Amina / Aminah
    (r"^i", "e", 0.05, 0.0),  # Iqbal / Eqbal (rare)
]

# Arabic "sun letters": Abdul + R... is often written Abdur R..., Abdus S... .
_SUN = ("r", "s", "sh", "t", "z", "d", "n")


@dataclass(frozen=True)
class SpellingTable:
    """Variants of every unit in a vocabulary, flattened for vectorised draws.

    ``variants[offsets[u]:offsets[u + 1]]`` are the spellings of unit ``u`` and
    ``cumulative`` holds their cumulative probabilities shifted by ``u`` so that one
    ``np.searchsorted(cumulative, u + uniform)`` picks a variant for many units at once.
    """

    units: list[str]
    variants: np.ndarray  # object array of strings
    offsets: np.ndarray
    cumulative: np.ndarray

    def draw(self, unit_ids: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
        """Flat indices of variants drawn for ``unit_ids`` (all >= 0)."""
        idx = np.searchsorted(self.cumulative, unit_ids + uniforms, side="right")
        lo = self.offsets[unit_ids]
        hi = self.offsets[unit_ids + 1] - 1
        return np.clip(idx, lo, hi)


@dataclass
class Vocabulary:
    """All name units, with index ranges for each kind."""

    units: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)

    def add(self, names: list[str]) -> np.ndarray:
        ids = []
        for name in names:
            if name not in self.index:
                self.index[name] = len(self.units)
                self.units.append(name)
            ids.append(self.index[name])
        return np.array(ids, dtype=np.int64)

    def display(self, unit_id: int) -> str:
        """The canonical spelling (compound joints removed: Salah|uddin -> Salahuddin)."""
        return canonical_spelling(self.units[unit_id])


def canonical_spelling(unit: str) -> str:
    parts = unit.split("|")
    if len(parts) == 3:  # Atiq|ur|Rehman
        return f"{parts[0]}-ur-{parts[2]}"
    return "".join(parts)


def build_vocabulary() -> tuple[Vocabulary, dict[str, np.ndarray]]:
    """The one vocabulary and the unit ids of each kind of name part."""
    vocab = Vocabulary()
    kinds = {
        "muhammad": vocab.add(["Muhammad"]),
        "honorific_male": vocab.add(HONORIFICS_MALE),
        "honorific_female": vocab.add(HONORIFICS_FEMALE),
        "given_male": vocab.add(MALE_GIVEN),
        "given_female": vocab.add(FEMALE_GIVEN),
        "family": vocab.add(FAMILY_NAMES),
        "second_male": vocab.add(SECOND_MALE),
        "second_female": vocab.add(SECOND_FEMALE),
    }
    return vocab, kinds


def zipf_weights(n: int, exponent: float = 1.1, offset: float = 1.5) -> np.ndarray:
    """Zipf-like probabilities for ranks 0..n-1: a few names are very common."""
    w = 1.0 / (np.arange(n) + offset) ** exponent
    return w / w.sum()


# ---------------------------------------------------------------------------
# Spelling variants
# ---------------------------------------------------------------------------


def _word_variants(word: str, style: str, max_rules: int = 2, stem: bool = False) -> dict[str, float]:
    """Variants of one word made by up to ``max_rules`` phonetic rules.

    ``stem``: the word is the first part of a joined compound (Ala- of Alauddin), so rules
    about the end of a word do not apply.
    """
    lower = word.lower()
    col = 2 if style == "urdu" else 3
    applicable = [(p, r, rule[col]) for rule in PHONETIC_RULES for p, r in [rule[:2]]
                  if rule[col] > 0 and re.search(p, lower) and not (stem and p.endswith("$"))]
    out: dict[str, float] = {lower: 1.0}
    for k in range(1, max_rules + 1):
        for combo in combinations(applicable, k):
            s, w = lower, 1.0
            for p, r, rw in combo:
                s = re.sub(p, r, s, count=1)
                w *= rw
            if s != lower and w > 0.004:
                out[s] = max(out.get(s, 0.0), w)
    return {_match_case(word, v): w for v, w in out.items()}


def _match_case(model: str, s: str) -> str:
    return s[:1].upper() + s[1:] if model[:1].isupper() else s


def _phrase_variants(words: list[str], style: str) -> dict[str, float]:
    """Cross product of word variants, keeping the most likely combinations."""
    out: dict[str, float] = {"": 1.0}
    for word in words:
        wv = _word_variants(word, style)
        nxt: dict[str, float] = {}
        for prefix, pw in out.items():
            for v, w in wv.items():
                key = f"{prefix} {v}".strip() if prefix else v
                nxt[key] = max(nxt.get(key, 0.0), pw * w)
        out = dict(sorted(nxt.items(), key=lambda kv: -kv[1])[:12])
    return out


def _compound_forms(unit: str, style: str) -> dict[str, float]:
    """Ways of writing a compound's joints (before phonetic rules on its parts)."""
    parts = unit.split("|")
    arabic = style == "arabic"
    if len(parts) == 2 and parts[1] == "uddin":
        x = parts[0]
        if arabic:
            return {f"{x} al-Din": 1.0, f"{x}-al-Din": 0.4, f"{x} ad-Din": 0.3, f"{x}uddin": 0.5}
        return {f"{x}uddin": 1.0, f"{x}-ud-Din": 0.3, f"{x} Uddin": 0.2, f"{x} ud Din": 0.12, f"{x}-uddin": 0.1, f"{x}udin": 0.05, f"{x}-ud-din": 0.08}
    if len(parts) == 2 and parts[1] == "ullah":
        x = parts[0]
        if arabic:
            return {f"{x} Allah": 0.6, f"{x}ullah": 1.0, f"{x}-Allah": 0.3}
        return {f"{x}ullah": 1.0, f"{x} Ullah": 0.3, f"{x}-ullah": 0.12, f"{x}ulla": 0.05, f"{x} Ulla": 0.03}
    if len(parts) == 3:  # X|ur|Rehman
        x, _, y = parts
        if arabic:
            return {f"{x} al-{y}": 0.7, f"{x}-ur-{y}": 1.0, f"{x} ar-{y}": 0.3}
        return {f"{x}-ur-{y}": 1.0, f"{x}ur {y}": 0.5, f"{x} ur {y}": 0.3, f"{x}-ur-{y.lower()}": 0.1, f"{x}ur{y.lower()}": 0.08}
    words = unit.split(" ")
    if words[0] == "Abdul" and len(words) == 2:
        y = words[1]
        sun = y.lower().startswith(_SUN)
        letter = y[0].lower() if not y.lower().startswith("sh") else "sh"
        if arabic:
            forms = {f"Abd al-{y}": 1.0, f"Abdul {y}": 0.8}
            if sun:
                forms[f"Abd a{letter}-{y}"] = 0.4
            return forms
        forms = {f"Abdul {y}": 1.0, f"Abd-ul-{y}": 0.12, f"Abdul-{y}": 0.08, f"Abdul{y.lower()}": 0.08, f"A. {y}": 0.05}
        if sun:
            forms[f"Abd{'u' + letter} {y}"] = 0.45
            forms[f"Abd-{'u' + letter}-{y}"] = 0.1
        return forms
    return {canonical_spelling(unit): 1.0}


@lru_cache(maxsize=None)
def unit_variants(unit: str, style: str = "urdu", max_variants: int = 10) -> tuple[tuple[str, float], ...]:
    """Weighted spellings of one unit, canonical first, probabilities summing to 1."""
    canonical = canonical_spelling(unit)
    weights: dict[str, float] = {}
    irregular = IRREGULAR.get(unit, {})
    for form, fw in _compound_forms(unit, style).items():
        # Particles (ud, ur, al, Abdul...) are left alone; rules act on content words.
        for variant, vw in _phrase_variants_keep_particles(form, style).items():
            weights[variant] = max(weights.get(variant, 0.0), fw * vw)
    if unit == "Muhammad" or unit in HONORIFICS_MALE or unit in HONORIFICS_FEMALE:
        # only the table: rules would invent spellings nobody uses (Hafiz -> Hafeez is another name)
        weights = {canonical: 1.0}
    for v, w in irregular.items():
        weights[v] = max(weights.get(v, 0.0), w * (1.5 if style == "arabic" and w < 0.5 else 1.0))
    weights.setdefault(canonical, 1.0)
    ranked = sorted(weights.items(), key=lambda kv: (kv[0] != canonical, -kv[1], kv[0]))[:max_variants]
    total = sum(w for _, w in ranked)
    return tuple((v, w / total) for v, w in ranked)


_PARTICLES = {"ud", "ur", "al", "ad", "ar", "Din", "din", "Uddin", "Ullah", "Ulla", "Allah", "Abdul", "A."}


def _phrase_variants_keep_particles(form: str, style: str) -> dict[str, float]:
    """Apply phonetic rules to the content words of a written form, not to particles."""
    tokens = re.split(r"([ \-])", form)
    out: dict[str, float] = {"": 1.0}
    for tok in tokens:
        if tok in (" ", "-", "") or tok in _PARTICLES or tok.startswith(("al-", "Abd")) or tok.endswith("."):
            options = {tok: 1.0}
        elif tok.lower().endswith(("uddin", "ullah", "udin", "ulla")):
            m = re.match(r"(.*?)(uddin|udin|ullah|ulla)$", tok)
            assert m
            options = {k + m.group(2): w for k, w in _word_variants(m.group(1), style, stem=True).items()}
        else:
            options = _word_variants(tok, style)
        nxt: dict[str, float] = {}
        for prefix, pw in out.items():
            for v, w in options.items():
                key = prefix + v
                nxt[key] = max(nxt.get(key, 0.0), pw * w)
        out = dict(sorted(nxt.items(), key=lambda kv: -kv[1])[:16])
    return out


def build_spelling_table(vocab: Vocabulary, style: str = "urdu", overrides: dict[str, dict[str, float]] | None = None) -> SpellingTable:
    """A flat table of variants for every unit, in one romanisation style.

    ``overrides`` replaces the variant distribution of named units (canonical
    unit strings), e.g. ``{"Muhammad": {"Mohd.": 0.5, "Muhammad": 0.5}}``.
    """
    overrides = overrides or {}
    variants: list[str] = []
    offsets = [0]
    cumulative: list[float] = []
    for u, unit in enumerate(vocab.units):
        if unit in overrides:
            pairs = [(v, w) for v, w in overrides[unit].items() if w > 0]
            total = sum(w for _, w in pairs)
            pairs = [(v, w / total) for v, w in pairs]
        else:
            pairs = list(unit_variants(unit, style))
        acc = 0.0
        for v, p in pairs:
            acc += p
            variants.append(v)
            cumulative.append(u + min(acc, 1.0))
        cumulative[-1] = u + 1.0
        offsets.append(len(variants))
    return SpellingTable(
        units=list(vocab.units),
        variants=np.array(variants, dtype=object),
        offsets=np.array(offsets, dtype=np.int64),
        cumulative=np.array(cumulative, dtype=np.float64),
    )


# ---------------------------------------------------------------------------
# Typos
# ---------------------------------------------------------------------------

_KEYBOARD_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
_NEIGHBOURS: dict[str, str] = {}
for _row_i, _row in enumerate(_KEYBOARD_ROWS):
    for _i, _ch in enumerate(_row):
        near = _row[max(0, _i - 1) : _i] + _row[_i + 1 : _i + 2]
        _NEIGHBOURS[_ch] = near


def add_typo(text: str, rng: np.random.Generator) -> str:
    """One keyboard slip: a neighbouring key, a transposition, a dropped or doubled letter."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 4:
        return text
    i = letters[int(rng.integers(1, len(letters)))]  # spare the first letter, as people mostly do
    kind = int(rng.integers(4))
    c = text[i]
    if kind == 0 and c.lower() in _NEIGHBOURS:
        near = _NEIGHBOURS[c.lower()]
        r = near[int(rng.integers(len(near)))]
        return text[:i] + (r.upper() if c.isupper() else r) + text[i + 1 :]
    if kind == 1 and i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + c + text[i + 2 :]
    if kind == 2:
        return text[:i] + text[i + 1 :]
    return text[:i] + c + text[i:]
