"""Controlled vocabularies (violations, perpetrators, statuses, ...) and their synonyms.

``VIOLATION_VOCAB.classify("shot dead by unknown persons")`` gives "killing"; unknown text gives
None so that ingest can report it. Each source can add its own synonyms:
``VIOLATION_VOCAB.with_overrides({"gunshot injuries": "killing"})`` for a morgue register.

Matching: the text is folded (lowercase, ASCII digits, punctuation to spaces); an exact synonym
wins; otherwise every synonym found as whole words inside the text is collected, and the label
of the earliest-listed label among them (the vocabulary's priority order) is returned.
Per-source overrides are matched before the defaults. A vocabulary can also carry the built-in
words of one kind of source (``violation_vocabulary("morgue_or_hospital")``: a morgue's "firearm
injuries" is a killing, its "heart failure" is no violation at all); they sit between a source's
own words and the defaults.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from uncounted.normalize.digits import to_ascii_digits

__all__ = [
    "VIOLATIONS", "PERPETRATORS", "VICTIM_STATUSES", "CERTAINTIES", "CUSTODY", "SEXES",
    "Vocabulary", "VIOLATION_VOCAB", "PERPETRATOR_VOCAB", "STATUS_VOCAB", "CERTAINTY_VOCAB",
    "CUSTODY_VOCAB", "SEX_VOCAB", "VOCABULARIES", "parse_sex", "fold_text", "violation_vocabulary",
    "MORGUE_VIOLATION_VOCAB", "MORGUE_KILLING_WORDS", "NATURAL_OR_ACCIDENTAL_CAUSES",
]

VIOLATIONS = ("killing", "enforced_disappearance", "abduction", "arbitrary_detention", "torture", "death_in_custody", "other")
PERPETRATORS = ("army", "paramilitary", "police", "intelligence_agency", "armed_group", "unknown")
VICTIM_STATUSES = ("dead", "still_missing", "released", "found_dead", "unknown")
CERTAINTIES = ("confirmed", "likely", "possible", "unknown")
CUSTODY = ("acknowledged", "denied", "unknown")
SEXES = ("male", "female", "unknown")


def fold_text(text: str) -> str:
    """Lowercase, ASCII digits, punctuation to spaces, single spaces."""
    text = to_ascii_digits(str(text)).lower().replace("&", " and ")
    text = re.sub(r"[^\w\s/]+", " ", text).replace("_", " ")
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Vocabulary:
    """A closed list of labels and the words that mean each one."""

    name: str
    labels: tuple[str, ...]
    synonyms: Mapping[str, str]  # folded phrase -> label
    overrides: Mapping[str, str] = field(default_factory=dict)  # per-source phrases, matched first
    priority: tuple[str, ...] = ()  # which label wins when a text names several; default: label order
    # Built-in words of one kind of source (a morgue's "gunshot"), after the overrides, before the defaults.
    kind_words: Mapping[str, str] = field(default_factory=dict)
    # Phrases that name none of the labels (a morgue's "heart failure"): the text gets no label,
    # unless an override or a kind word names one ("drowned after torture marks" is still torture).
    no_label: frozenset[str] = frozenset()
    # Patterns that name a label however their words are spaced out ("died in police custody"),
    # matched after the overrides, kind words and no-label phrases, before the synonyms.
    patterns: tuple[tuple[re.Pattern[str], str], ...] = ()

    def __post_init__(self) -> None:
        for table in (self.synonyms, self.overrides, self.kind_words):
            for phrase, label in table.items():
                if label not in self.labels:
                    raise ValueError(
                        f"{self.name}: synonym {phrase!r} maps to {label!r}, which is not one of {', '.join(self.labels)}"
                    )

    def with_overrides(self, mapping: Mapping[str, str]) -> Vocabulary:
        """A copy in which ``mapping`` (phrase -> label, e.g. from a source's mapping file) wins."""
        merged = dict(self.overrides)
        merged.update({fold_text(k): v for k, v in mapping.items()})
        return replace(self, overrides=merged)

    def with_kind_words(self, words: Mapping[str, str], no_label: frozenset[str] | set[str] = frozenset()
                        ) -> Vocabulary:
        """A copy with the built-in words of one kind of source (matched after the overrides)."""
        merged = dict(self.kind_words)
        merged.update({fold_text(k): v for k, v in words.items()})
        return replace(self, kind_words=merged, no_label=self.no_label | {fold_text(w) for w in no_label})

    def classify(self, text: object) -> str | None:
        """The label for ``text``, or None if no synonym is recognised."""
        found = self.classify_all(text)
        if not found:
            return None
        order = self.priority or self.labels
        return min(found, key=order.index)

    def classify_all(self, text: object) -> list[str]:
        """Every label named in ``text`` ("abducted and tortured" -> abduction, torture), in label order."""
        if text is None:
            return []
        folded = fold_text(text)
        if not folded:
            return []
        for table in (self.overrides, self.kind_words):
            if folded in table:
                return [table[folded]]
        if folded in self.no_label:
            return []
        if folded in self.synonyms:
            return [self.synonyms[folded]]
        labels: set[str] = set()
        for table in (self.overrides, self.kind_words, self.no_label, self.synonyms):
            if table is self.no_label:
                if any(_contains_phrase(folded, phrase) for phrase in table):
                    return []
                continue
            if table is self.synonyms:
                for pattern, label in self.patterns:
                    if pattern.search(folded):
                        return [label]
            found = [(phrase, label) for phrase, label in table.items()
                     if _contains_phrase(folded, phrase) and not _negated(folded, phrase)]
            # A phrase inside a longer one that matched says nothing of its own: "agencies" in "law
            # enforcement agencies", "armed men" in "unknown armed men", "dead" in "dead body found".
            labels = {label for phrase, label in found
                      if not any(other != phrase and _contains_phrase(other, phrase) for other, _ in found)}
            if labels:
                break
        for label in self.labels:
            if folded == label.replace("_", " "):
                labels.add(label)
        return [label for label in self.labels if label in labels]


# "not released", "never returned", "has not been traced", "not yet arrested"; in Urdu the negation
# follows the verb: "wapas nahi aaya", "reha nahi hua".
_NEGATION_BEFORE = r"(?<!\w)(?:not|never|no|nahi|nahin)\s+(?:(?:yet|been|be|ever|so far|yet been)\s+)*"
_NEGATION_AFTER = r"(?:\s+\w+)?\s+(?:nahi|nahin|na)(?!\w)"


def _negated(text: str, phrase: str) -> bool:
    """True when the phrase is denied in the text ("not released" does not say released)."""
    if "no" not in text and "nahi" not in text and "never" not in text and " na" not in text:
        return False
    escaped = re.escape(phrase)
    return re.search(_NEGATION_BEFORE + escaped + r"(?!\w)", text) is not None or \
        re.search(r"(?<!\w)" + escaped + _NEGATION_AFTER, text) is not None


def _contains_phrase(text: str, phrase: str) -> bool:
    if phrase not in text:
        return False
    return re.search(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", text) is not None


def _vocabulary(name: str, labels: tuple[str, ...], groups: Mapping[str, tuple[str, ...]], priority: tuple[str, ...] = (),
                patterns: tuple[tuple[re.Pattern[str], str], ...] = ()) -> Vocabulary:
    synonyms: dict[str, str] = {}
    for label, phrases in groups.items():
        synonyms[fold_text(label)] = label
        for phrase in phrases:
            synonyms[fold_text(phrase)] = label
    return Vocabulary(name, labels, synonyms, {}, priority, patterns=patterns)


# A death, then where the person was held: "died in police custody", "killed in Rangers' custody",
# "death in jail", "found dead in the lock-up" (words between them are free).
_DEATH_IN_CUSTODY = re.compile(r"\b(?:died|dies|death|killed|dead|murdered|tortured to death)\b.*\b(?:custody|jail|prison|"
                               r"lock ?up|lockup|detention|remand|police station|thana|torture cell)\b")


VIOLATION_VOCAB = _vocabulary(
    "violation",
    VIOLATIONS,
    {
        "killing": (
            "killed", "kill", "killing", "murder", "murdered", "shot dead", "shot and killed", "gunned down",
            "extra judicial killing", "extrajudicial killing", "extra judicial execution", "extrajudicial execution",
            "extra-judicial killing", "target killing", "targeted killing", "target killed", "fake encounter",
            "encounter killing", "killed in encounter", "killed in a police encounter", "executed", "execution",
            "assassinated", "assassination", "slain", "dead body found", "body found", "found dead",
            "bullet riddled body", "mutilated body", "kill and dump", "killed and dumped", "death", "died",
            "lynched", "strangled", "stabbed to death", "burnt alive", "burned alive", "beheaded", "encounter",
            "police encounter", "extrajudicially killed", "extra judicially killed", "summary execution", "ejk",
            "qatl", "قتل", "ہلاک", "مارا گیا",
            # Urdu in Latin letters
            "qatal", "qatl kiya", "maar diya", "mar diya", "maara gaya", "mara gaya", "halak", "halaak",
            "shaheed kar diya", "goli mar di", "goli maar di",
        ),
        "enforced_disappearance": (
            "enforced disappearance", "enforced disappeared", "disappeared", "disappearance", "missing",
            "missing person", "went missing", "whereabouts unknown", "picked up", "picked up by agencies",
            "taken away", "taken by", "forcibly disappeared", "involuntary disappearance", "ed", "lapata",
            "forced disappearance", "missing since", "whereabouts not known", "not traced", "untraced",
            "لاپتہ", "جبری گمشدگی", "گمشدہ",
            "la pata", "laapata", "ghayab", "gayab", "ghaib", "jabri gumshudgi", "gumshuda", "gumshudgi",
            "uthaya gaya", "uthaa liya", "utha liya", "utha liya gaya", "uthaya",
        ),
        "abduction": ("abduction", "abducted", "kidnapped", "kidnapping", "kidnap", "abduct", "hostage", "اغوا", "agwa",
                      "aghwa", "ighwa", "agwa kiya"),
        "arbitrary_detention": (
            "arrested", "arrest", "detained", "detention", "arbitrary arrest", "arbitrary detention",
            "illegal detention", "illegally detained", "in custody", "held", "imprisoned", "jailed",
            "taken into custody", "preventive detention", "remand", "illegal confinement", "wrongful confinement",
            "گرفتار", "گرفتاری", "giraftar", "giraftari", "hirasat", "hirasat mein",
        ),
        "torture": ("torture", "tortured", "beaten", "beating", "ill treatment", "ill-treated", "cruel treatment", "تشدد",
                    "tashadud", "tashaddud", "maar peet", "marpeet"),
        "death_in_custody": (
            "death in custody", "died in custody", "custodial death", "killed in custody", "died in detention",
            "death in detention", "tortured to death", "died under torture", "custodial killing",
            "hirasat mein maut", "hirasat mein mout", "hirasati maut", "hirasati qatl", "hirasat mein qatl",
        ),
        "other": ("other", "others", "misc", "miscellaneous"),
    },
    priority=("death_in_custody", "killing", "enforced_disappearance", "abduction", "torture", "arbitrary_detention", "other"),
    patterns=((_DEATH_IN_CUSTODY, "death_in_custody"),),
)

PERPETRATOR_VOCAB = _vocabulary(
    "perpetrator",
    PERPETRATORS,
    {
        "army": ("army", "military", "pak army", "pakistan army", "soldiers", "troops", "armed forces", "fauj", "فوج"),
        "paramilitary": (
            "rangers", "ranger", "sindh rangers", "punjab rangers", "pakistan rangers", "fc", "f c", "frontier corps",
            "frontier constabulary", "levies", "paramilitary", "para military", "para-military", "رینجرز", "ایف سی",
        ),
        "police": (
            "police", "policemen", "policeman", "cops", "ctd", "counter terrorism department", "cia",
            "crime investigation agency", "cid", "sho", "police station", "thana", "elite force", "elite police",
            "special branch", "law enforcement agencies", "law enforcement agency", "law enforcers", "lea", "leas",
            "پولیس",
        ),
        "intelligence_agency": (
            "isi", "inter services intelligence", "mi", "military intelligence", "ib", "intelligence bureau",
            "agencies", "agency", "intelligence agencies", "intelligence agency", "intelligence", "secret agencies",
            "sensitive institutions", "khufia", "ایجنسیاں", "ایجنسی",
        ),
        "armed_group": (
            "militants", "militant", "armed group", "armed men", "terrorists", "taliban", "ttp", "party workers",
            "workers of", "political party", "gang", "gangsters", "lyari gang", "peace committee", "death squad",
            "armed opposition", "insurgents", "separatists", "bla", "blf", "lashkar", "sipah", "mqm", "target killers",
        ),
        "unknown": (
            "unknown", "unknown persons", "unknown people", "unidentified", "unidentified persons", "unidentified men",
            "unknown gunmen", "gunmen", "not known", "nk", "unknown armed men", "plain clothes", "plain clothed",
            "plainclothes", "plain clothed men", "men in plain clothes", "masked men", "نامعلوم", "نامعلوم افراد",
        ),
    },
    priority=("army", "paramilitary", "intelligence_agency", "police", "armed_group", "unknown"),
)

STATUS_VOCAB = _vocabulary(
    "victim status",
    VICTIM_STATUSES,
    {
        "dead": ("dead", "killed", "died", "deceased", "death", "murdered", "late", "expired", "shaheed", "martyred",
                 "martyr", "mara gaya", "maara gaya", "faut", "wafat", "intiqal"),
        "still_missing": ("missing", "still missing", "disappeared", "whereabouts unknown", "not traced", "untraced", "lapata",
                          "la pata", "laapata", "gumshuda", "ghayab", "not released", "not yet released", "never released",
                          "not returned", "never returned", "not yet returned", "never came back", "not come back",
                          "wapas nahi aaya", "wapas nahin aaya", "reha nahi hua", "reha nahin hua"),
        "released": ("released", "returned", "came back", "freed", "set free", "back home", "traced alive", "reappeared", "surfaced",
                     "reha", "rehaa", "rihai", "wapas", "wapis", "wapas aa gaya", "ghar wapas"),
        "found_dead": ("found dead", "body found", "dead body found", "body recovered", "recovered dead", "dumped body"),
        "unknown": ("unknown", "not known", "nk", "unclear"),
    },
    priority=("found_dead", "dead", "released", "still_missing", "unknown"),
)

CERTAINTY_VOCAB = _vocabulary(
    "certainty",
    CERTAINTIES,
    {
        "confirmed": ("confirmed", "verified", "certain", "yes", "high", "established", "corroborated"),
        "likely": ("likely", "probable", "probably", "medium", "credible"),
        "possible": ("possible", "possibly", "unverified", "low", "alleged", "reported", "unconfirmed"),
        "unknown": ("unknown", "not known", "nk", "unclear"),
    },
)

CUSTODY_VOCAB = _vocabulary(
    "custody",
    CUSTODY,
    {
        "acknowledged": ("acknowledged", "admitted", "custody acknowledged", "arrest shown", "produced in court", "fir registered against victim"),
        "denied": ("denied", "not acknowledged", "custody denied", "refused", "unacknowledged", "denial"),
        "unknown": ("unknown", "not known", "nk", "unclear"),
    },
)

SEX_VOCAB = _vocabulary(
    "sex",
    SEXES,
    {
        "male": ("m", "male", "man", "men", "boy", "he", "son", "husband", "father", "brother", "mr", "mard", "larka", "مرد", "لڑکا"),
        "female": ("f", "female", "woman", "women", "girl", "she", "daughter", "wife", "mother", "sister", "mrs", "mst", "aurat", "larki", "khatoon", "khatun", "عورت", "لڑکی",
                   "w"),
        "unknown": ("unknown", "u", "not known", "nk", "x", "?"),
    },
)

# Morgue and hospital registers write the cause of death, not the violation. A violent cause means
# the person was killed; a natural or accidental one is no violation (the row is kept, with a
# warning, and no violation). A source's own mapping file still overrides these.
MORGUE_KILLING_WORDS = (
    "firearm", "firearms", "firearm injury", "firearm injuries", "fire arm injuries", "firearm wounds",
    "gunshot", "gunshots", "gun shot", "gunshot wound", "gunshot wounds", "gunshot injury", "gunshot injuries",
    "bullet", "bullets", "bullet wound", "bullet wounds", "bullet injury", "bullet injuries",
    "multiple bullet injuries", "multiple bullet wounds", "multiple gunshot wounds", "shot", "shot injuries",
    "pellet injuries", "strangulation", "strangled", "throttling", "throttled", "ligature marks",
    "stab", "stab wound", "stab wounds", "stab injuries", "stabbed", "stabbing", "knife wounds",
    "sharp weapon injuries", "sharp edged weapon", "incised wounds", "throat cut", "slaughtered",
    "blunt trauma", "blunt force trauma", "blunt injuries", "blunt weapon", "torture marks",
    "marks of torture", "signs of torture", "tortured", "bomb blast", "blast injuries", "mutilated",
)
NATURAL_OR_ACCIDENTAL_CAUSES = frozenset({
    "natural", "natural death", "natural causes", "heart failure", "heart attack", "cardiac arrest",
    "cardio respiratory failure", "cardiorespiratory arrest", "illness", "disease", "old age", "drowning",
    "drowned", "road accident", "road traffic accident", "traffic accident", "rta", "accident", "accidental",
    "accidental death", "electrocution", "electric shock", "fall from height", "snake bite", "sunstroke",
    "heat stroke", "pneumonia", "tuberculosis", "cancer", "stroke", "fire accident",
})
MORGUE_VIOLATION_VOCAB = VIOLATION_VOCAB.with_kind_words(
    {word: "killing" for word in MORGUE_KILLING_WORDS}, NATURAL_OR_ACCIDENTAL_CAUSES)
_VIOLATION_BY_KIND = {"morgue_or_hospital": MORGUE_VIOLATION_VOCAB}


def violation_vocabulary(kind: str | None) -> Vocabulary:
    """The violation vocabulary for a kind of source: ``"morgue_or_hospital"`` reads causes of death."""
    return _VIOLATION_BY_KIND.get(kind or "", VIOLATION_VOCAB)


VOCABULARIES = {
    "violation": VIOLATION_VOCAB,
    "perpetrator": PERPETRATOR_VOCAB,
    "victim_status": STATUS_VOCAB,
    "certainty": CERTAINTY_VOCAB,
    "custody": CUSTODY_VOCAB,
    "sex": SEX_VOCAB,
}


def parse_sex(text: object) -> str | None:
    """"male", "female" or "unknown" from m/male/man/boy, f/female/woman/girl...; None if not recognised."""
    if text is None:
        return None
    folded = fold_text(text)
    if not folded:
        return None
    if folded in SEX_VOCAB.synonyms:
        return SEX_VOCAB.synonyms[folded]
    found = SEX_VOCAB.classify_all(folded)
    return found[0] if len(found) == 1 else None
