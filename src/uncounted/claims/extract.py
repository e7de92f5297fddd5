"""Turn English news reports and statements into structured claims about victim counts.

The backbone is a set of rules over spaCy's dependency parse: a figure → the noun it
counts → the violation word nearest to it in the tree; reporting verbs and "according
to" → the speaker; named entities for people, organisations and places, with the small
model's known mistakes guarded. Extraction is pure: text in, dataclasses out.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Iterable, Iterator

from . import lexicon as lx
from .attribution import (
    Context, Speaker, _QuoteSpan, _QUOTE_RE, _subject_of, according_to, hedges_in,
    medium_of_sentence, relays_in, reporting_verbs, speaker_from_token, speaker_of_verb,
)
from .dates import DATE_RE, find_periods, parse_date
from .nlp import load_pipeline
from .numbers import Figure, find_figures
from .syntax import _ent_span, compact_subtree, span_text, strip_det, tree_distance, tree_path
from .text import Report, html_to_text, looks_like_html, split_report

# Verbs a figure may pass through on its way to the violation word without breaking the link.
LINK_VERBS = {
    "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "rose", "risen",
    "rise", "rises", "rising", "reached", "reach", "reaches", "stood", "stands", "stand",
    "climbed", "climb", "crossed", "exceeded", "exceeds", "include", "included", "includes",
    "including", "numbered", "number", "totalled", "totaled", "total", "increased", "jumped",
    "touched", "surpassed", "passed", "remain", "remained", "remains", "became", "become",
    "went", "gone", "continue", "continued", "put", "puts", "left", "leaving", "brought",
    "bringing", "taking", "took", "swelled", "hit", "mounted", "grew", "found", "recovered",
    "feared", "believed", "thought", "reported", "confirmed", "estimated", "said", "says",
    "claimed", "alleged", "documented", "recorded", "registered", "counted", "listed",
    "verified", "compiled", "showed", "shows", "did", "do", "does", "according", "lost",
    "claiming", "claims", "feared", "presumed", "declared", "buried", "exhumed", "identified",
    "involved", "involve", "involving", "concerned", "related", "subjected", "forced", "force",
    "forcing", "driven", "drove", "compelled", "amount", "amounts", "amounted", "made",
    "accounted", "received", "receive", "receives", "filed", "lodged", "saw", "seen",
    "witnessed", "watched", "called", "termed", "described", "picked", "taken", "gunned",
    "transmitted", "forwarded", "referred", "submitted", "sent", "sustained", "sustain",
    "sustaining", "suffered", "suffer", "suffering",
}
NON_PERSON_PLURALS = {
    "houses", "homes", "vehicles", "shops", "buildings", "villages", "districts", "schools",
    "years", "months", "days", "weeks", "hours", "rounds", "shells", "rockets", "bullets",
    "votes", "seats", "pages", "points", "times", "kilometres", "kilometers", "miles",
    "rupees", "dollars", "acres", "trucks", "cars", "tents", "schools", "petitions",
    "hearings", "meetings", "protests", "rallies", "raids", "operations", "attacks", "bombs",
    "camps", "checkpoints", "posts", "mosques", "churches", "temples", "hospitals", "weapons",
    "guns", "rifles", "grenades", "neighbourhoods", "neighborhoods", "areas", "towns",
    "provinces", "cities", "regions", "countries", "states", "localities", "hamlets",
    "streets", "roads", "bridges", "universities", "colleges", "factories", "offices",
    "posts", "stations", "units", "companies", "steps", "charges", "laws", "petitions",
}
PLACE_NOUNS = {"town", "village", "city", "district", "province", "state", "region",
               "department", "hamlet", "area", "outskirts", "mountains", "hills", "suburbs",
               "neighbourhood", "neighborhood", "neighbourhoods", "neighborhoods", "parts",
               "capital", "county", "valley", "division", "tehsil", "municipality", "governorate",
               "island", "camp", "locality", "township", "colony", "sector", "block", "market",
               "areas", "districts", "provinces", "towns", "villages"}


@dataclass
class Quote:
    text: str
    speaker: str | None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Claim:
    """One claim about a victim count, in the field shape of docs/claims.md."""

    claimant: dict | None
    medium: str | None
    relayed_by: str | None
    statement_date: str | None
    quantity: dict
    violation: str
    victim_group: str | None
    place: str | None
    period: dict
    alleged_perpetrator: str | None
    attributed: bool
    hedges: list[str]
    evidence_text: str
    quotes: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "claimant": self.claimant, "medium": self.medium, "relayed_by": self.relayed_by,
            "statement_date": self.statement_date, "quantity": dict(self.quantity),
            "violation": self.violation, "victim_group": self.victim_group,
            "place": self.place, "period": dict(self.period),
            "alleged_perpetrator": self.alleged_perpetrator, "attributed": self.attributed,
            "hedges": list(self.hedges), "evidence_text": self.evidence_text,
            "quotes": [dict(q) for q in self.quotes],
        }


@dataclass
class Allegation:
    """A qualitative allegation: a violation is alleged, but no figure is given."""

    claimant: dict | None
    violation: str
    victim_group: str | None
    place: str | None
    period: dict
    alleged_perpetrator: str | None
    attributed: bool
    hedges: list[str]
    evidence_text: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class CandidateIncident:
    """A named victim with an event: a candidate report for the review queue, never a record."""

    victim_name: str
    event: str
    date: str | None
    place: str | None
    alleged_perpetrator: str | None
    age: int | None
    claimant: dict | None
    evidence_text: str
    status: str = "candidate"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ExtractionResult:
    claims: list[Claim]
    allegations: list[Allegation]
    candidate_incidents: list[CandidateIncident]
    quotes: list[Quote]
    source_name: str | None = None
    statement_date: str | None = None
    issuer: str | None = None  # the organisation issuing a statement, when the text is one
    relays: list[str] = field(default_factory=list)  # agencies named by dateline or credit line
    synthetic: bool = False  # the text marks itself SYNTHETIC

    @property
    def source_kind(self) -> str:
        """'statement' for a statement or press release, else 'press'."""
        return "statement" if self.issuer else "press"

    def to_dict(self) -> dict:
        return {
            "source_name": self.source_name, "statement_date": self.statement_date,
            "source_kind": self.source_kind, "issuer": self.issuer, "relays": list(self.relays),
            "synthetic": self.synthetic,
            "claims": [c.to_dict() for c in self.claims],
            "allegations": [a.to_dict() for a in self.allegations],
            "candidate_incidents": [c.to_dict() for c in self.candidate_incidents],
            "quotes": [q.to_dict() for q in self.quotes],
        }


# --------------------------------------------------------------------------------------
# Violations, groups, places, perpetrators, periods


SEVERITY = {"killing": 0, "enforced disappearance": 1, "abduction": 2, "torture": 3,
            "arbitrary detention": 4, "injury": 5, "displacement": 6}
PERPETRATOR_NOUNS = {"attackers", "assailants", "gunmen", "killers", "kidnappers", "abductors",
                     "culprits", "suspects", "robbers", "dacoits", "terrorists", "militants"}
DISPLACING_VERBS = {"forced", "force", "forcing", "forces", "driven", "drove", "drive", "fled",
                    "flee", "fleeing", "chased", "uprooted", "evicted", "expelled", "displaced",
                    "pushed", "flushed"}
RELEASE_VERBS = {"freed", "released", "rescued", "returned", "traced", "reunited", "acquitted",
                 "resettled", "repatriated", "ransomed", "free", "release", "rescue", "bailed",
                 "recovered alive", "produced", "located"}
PERPETRATING_VERBS = {"fired", "shot", "opened", "attacked", "raided", "stormed", "shelled",
                      "bombed", "ambushed", "targeted", "beat", "beaten", "struck", "hit"}
# Verbs of violent events: a path through them stays inside the event ("when troops fired").
EVENT_VERBS = PERPETRATING_VERBS - {"opened", "targeted", "hit"}
MEANS_NOUNS = {"encounter", "encounters", "custody", "raid", "raids", "firing", "operation",
               "operations", "crackdown", "action", "airstrike", "airstrikes", "strikes",
               "attack", "attacks", "bombing", "bombings", "shelling", "offensive", "cells",
               "cell", "prisons", "prison", "torture", "detention", "camps", "fire", "bullets",
               "lock-up", "lock-ups", "lockup", "lockups", "jail", "jails", "firing"}
ACCUSING_VERBS = {"accused", "accuses", "accusing", "alleged", "alleges", "alleging", "blamed",
                  "blames", "blaming", "charged", "charges", "claimed", "claims", "claiming"}
NEGATIONS = {"not", "no", "never", "none", "denied", "denies", "deny", "denying", "rejected",
             "rejects", "dismissed", "dismisses", "n't", "nobody", "neither"}


def violation_cues(sent) -> list[tuple[object, str]]:
    """(token, violation) for every violation cue word in the sentence."""
    cues: list[tuple[object, str]] = []
    text = sent.text
    low = text.lower()
    taken: set[int] = set()
    for pattern, violation in lx.VIOLATION_PHRASES:
        for m in pattern.finditer(text):
            span = sent.doc.char_span(sent.start_char + m.start(), sent.start_char + m.end(),
                                      alignment_mode="expand")
            if span is not None and len(span) and not any(
                    t.ent_type_ == "ORG" or (t.pos_ == "PROPN" and t.i > sent.start) for t in span):
                head = span.root if span.root.pos_ == "VERB" else span[0]
                cues.append((head, violation))
                taken.update(t.i for t in span)
    for tok in sent:
        if tok.i in taken:
            continue
        if tok.ent_type_ == "ORG" or (tok.pos_ == "PROPN" and tok.text[:1].isupper() and
                                      tok.i > sent.start):
            continue  # a word inside a name ("Commission of Inquiry on Enforced Disappearances")
        if tok.lower_ in ("homes", "home", "villages", "lands") and tok.head.lower_ in (
                "from", "out", "of") and tok.head.head.lower_ in DISPLACING_VERBS:
            cues.append((tok, "displacement"))
            continue
        violation = lx.WORD_TO_VIOLATION.get(tok.lower_)
        if violation is None:
            continue
        if violation == "displacement" and tok.lower_ in ("fled", "flee", "fleeing") and any(
                c.dep_ == "nsubj" and c.lower_ in lx.PERPETRATOR_HEADS | PERPETRATOR_NOUNS
                for c in tok.children):
            continue  # "the attackers fled": doers escaping, not people displaced
        rel = tok.idx - sent.start_char
        if tok.lower_ in lx.NOT_VIOLATION_CONTEXT:
            around = low[max(0, rel - 6): rel + 16]
            if any(p in around for p in lx.NOT_VIOLATION_CONTEXT[tok.lower_]):
                continue
            if tok.lower_ == "held" and not re.search(
                    r"held (?:in |incommunicado|without|captive|hostage|illegally|secretly|at )",
                    low[rel:]):
                continue
        if tok.lower_ in ("death", "deaths") and tok.i + 1 < len(tok.doc) and \
                tok.doc[tok.i + 1].lower_ in ("squad", "squads", "penalty", "sentence", "threats",
                                              "anniversary", "certificate", "certificates"):
            continue
        if tok.lower_ == "lives" and not re.search(r"\b(?:lost|claimed|claiming|cost)\b", low):
            continue
        if tok.lower_ == "custody" and re.search(r"\bdied in (?:\w+ )?custody\b", low):
            violation = "killing"
        if tok.lower_ == "missing" and tok.head.lower_ in ("link", "piece", "data"):
            continue
        if tok.lower_ in ("held",) and tok.dep_ == "amod":
            continue
        cues.append((tok, violation))
    return cues


_QUANTITY_WORDS = {"dozens", "hundreds", "thousands", "scores", "tens", "millions", "number",
                   "total", "lot", "lots", "several", "few", "handful", "some", "many", "dozen",
                   "hundred", "thousand", "lakh", "million", "crore"}


def _blocking_verb(path: list, cue_tok) -> bool:
    """True when the path from figure to cue leaves the figure's own clause.

    It does so through a verb that is neither a violation cue, a reporting verb nor a
    linking verb ("rose", "were", "included"); by going down from a noun into one of its
    prepositional complements ("families of people who disappeared"); by stepping from one
    coordinated clause into another; or by turning at a reporting verb between two clauses.
    """
    on_path = {t.i for t in path}
    for t in path[1:-1]:
        if t.pos_ == "VERB" and t.lower_ not in LINK_VERBS and t.lower_ not in EVENT_VERBS \
                and lx.WORD_TO_VIOLATION.get(t.lower_) is None and t.lower_ not in lx.REPORTING_VERBS \
                and not _opened_fire(t) and not (
                    t.dep_ == "conj" and t.head.i in on_path and not _own_subject(t)):
            return True
    for a, b in zip(path, path[1:]):
        verb = b if b.head.i == a.i else a if a.head.i == b.i else None
        if verb is not None and verb.dep_ == "relcl" and _relative_about_another(verb, path[-1]):
            return True  # "women whose husbands vanished": the clause is about the husbands
    for a, b in zip(path, path[1:]):
        if b.head.i == a.i and b.dep_ == "prep" and a.pos_ in ("NOUN", "PROPN") and \
                a.lower_ not in lx.EVENT_NOUNS and a.lower_ not in _QUANTITY_WORDS and \
                not a.like_num and lx.WORD_TO_VIOLATION.get(a.lower_) is None:
            return True
        lower, upper = (b, a) if b.head.i == a.i else (a, b)
        if lower.dep_ == "conj" and lower.head.i == upper.i and lower.pos_ in ("VERB", "AUX") \
                and upper.pos_ in ("VERB", "AUX") and not (
                    _is_cue_word(lower) and _is_cue_word(upper)) and _own_subject(lower):
            return True  # from one coordinated clause into another ("killed or maimed" is one)
    return _crosses_speech(path)


def _opened_fire(verb) -> bool:
    """"when troops opened fire on protesters": the event itself."""
    return verb.lower_ in ("opened", "open", "opening") and any(c.lower_ == "fire" for c in verb.children)


def _relative_about_another(verb, end) -> bool:
    """True when a relative clause has a subject of its own ("whose husbands vanished",
    "many of whom it said had crossed"), so what it says is not about the noun it modifies.
    A clause opened by "where" or "when" is about the place or time it modifies."""
    if any(t.lower_ in ("where", "when", "wherein", "whereby") for t in verb.subtree
           if t.i < verb.i):
        return False
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass") and child.lower_ not in (
                "who", "that", "which", "whom") and child.i != end.i and \
                lx.WORD_TO_VIOLATION.get(child.lower_) is None:
            return True
    return False


def _own_subject(verb) -> bool:
    """True for a coordinated clause with a subject of its own; "were rounded up and deported
    since October" coordinates two verbs of one subject, which share their modifiers."""
    return any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children)


def _is_cue_word(tok) -> bool:
    return lx.WORD_TO_VIOLATION.get(tok.lower_) is not None or tok.lower_ in (
        "picked", "taken", "shot", "gunned")


def _crosses_speech(path: list) -> bool:
    """True when the path turns at a reporting verb between two of its clauses.

    "X said 12 were killed, while Y put the toll at 9": the 9 must not reach "killed".
    """
    if len(path) < 3:
        return False
    depth = [len(list(t.ancestors)) for t in path]
    top = min(range(len(path)), key=lambda i: depth[i])
    if top in (0, len(path) - 1):
        return False
    verb = path[top]
    if verb.lower_ not in lx.REPORTING_VERBS:
        return False
    clauses = {"ccomp", "advcl", "parataxis", "conj", "xcomp"}
    return path[top - 1].dep_ in clauses and path[top + 1].dep_ in clauses


def _of_complement_cue(noun, by_index: dict):
    """The violation named in the 'of' complement of an event noun ("cases of torture")."""
    if noun is None or noun.lower_ not in lx.EVENT_NOUNS:
        return None
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for t in child.subtree:
                if t.i in by_index:
                    return by_index[t.i]
    return None


_ELLIPTIC_HEADS = {"more", "others", "other", "people", "persons", "civilians"}


def _participle_after(span, by_index: dict):
    """The violation participle right after a figure: "23 others injured", "3,000 injured"."""
    doc = span.doc
    i = span.end
    if i < len(doc) and doc[i].lower_ in _ELLIPTIC_HEADS:
        i += 1
    if i < len(doc) and i in by_index and doc[i].tag_ in ("VBN", "JJ") and \
            doc[i].i < span.sent.end:
        return by_index[i]
    return None


def counted_noun(anchor):
    """The noun a figure counts ("25,000 workers", "dozens of activists"), if any."""
    if anchor.dep_ in ("nummod", "quantmod", "amod", "npadvmod", "compound") and \
            anchor.head.pos_ in ("NOUN", "PROPN", "ADJ") and anchor.head.i > anchor.i:
        head = anchor.head
        if head.pos_ == "ADJ" and head.head.pos_ in ("NOUN", "PROPN") and head.head.i > head.i:
            head = head.head  # "30 more people", "12 other activists"
        if head.lower_ in ("dozen", "hundred", "thousand", "lakh", "million") and \
                head.head.pos_ in ("NOUN", "PROPN"):
            head = head.head
        return _through_of(head)
    of = _through_of(anchor)
    if of is not anchor:
        return of
    # "the number of people killed has risen to 87", "put the number of dead at 17"
    if anchor.dep_ == "pobj" and anchor.head.lower_ in ("to", "at") and \
            anchor.head.head.pos_ in ("VERB", "AUX"):
        verb = anchor.head.head
        for child in verb.children:
            if child.dep_ in ("nsubj", "dobj", "nsubjpass") and child.lower_ in (
                    "number", "toll", "figure", "count", "tally", "total"):
                inner = _through_of(child) if child.lower_ != "toll" else child
                if inner is not child:
                    return inner
    return None


def _through_of(tok):
    """Follow "X of Y" when X is a quantity word or a number ("dozens of activists")."""
    if tok.lower_ in _QUANTITY_WORDS or tok.like_num or tok.lower_ in ("figure", "count", "tally"):
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                objs = [c for c in child.children if c.dep_ == "pobj"]
                if objs:
                    return objs[0]
    return tok


def victim_group_text(noun, cue_words: set[str], skip: frozenset = frozenset()) -> str | None:
    """The counted group as the text names it, without the figure or the violation word."""
    if noun is None or noun.pos_ in ("PRON", "DET") or noun.lower_ in (
            "them", "those", "these", "they", "whom", "us", "which"):
        return None
    if noun.lower_ in lx.EVENT_NOUNS or lx.WORD_TO_VIOLATION.get(noun.lower_) in (
            "killing",) and noun.lower_ in ("dead", "bodies", "body", "remains") or (
            noun.pos_ in ("ADJ", "VERB", "NOUN") and noun.lower_ in (
                "missing", "disappeared", "detained", "arrested", "abducted", "injured",
                "wounded", "displaced", "deceased", "killed", "dead")):
        # "212 of the missing", "of the detained": the violation word, not a group
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ in ("of", "among"):
                objs = [c for c in child.children if c.dep_ == "pobj"]
                if objs and objs[0].lower_ not in lx.EVENT_NOUNS and objs[0].pos_ in (
                        "NOUN", "PROPN") and lx.WORD_TO_VIOLATION.get(objs[0].lower_) is None \
                        and objs[0].lower_ not in ("disappearance", "torture", "detention"):
                    return victim_group_text(objs[0], cue_words, skip)
        return None
    toks = [noun]
    for child in noun.children:
        if child.i < noun.i and child.dep_ in ("compound", "amod", "nmod", "poss", "case") and \
                not child.like_num and child.lower_ not in cue_words and \
                lx.WORD_TO_VIOLATION.get(child.lower_) is None and \
                child.lower_ not in ("other", "more", "innocent", "unarmed", "least", "many",
                                     "another", "further", "additional") and \
                not re.fullmatch(r"\d[\d,]*|\w+-year-old", child.text) and child.i not in skip:
            sub = compact_subtree(child)
            if any(t.i in skip for t in sub):
                continue  # the figure itself ("an estimated 300,000")
            toks.extend(t for t in sub if not t.like_num)
        elif child.dep_ == "prep" and child.lower_ in ("of", "from", "belonging") and child.i > noun.i:
            sub = compact_subtree(child)
            if not any(lx.WORD_TO_VIOLATION.get(t.lower_) for t in sub) and len(sub) <= 8:
                toks.extend(sub)
        elif child.dep_ == "conj" and child.i > noun.i and child.pos_ in ("NOUN", "PROPN") and \
                not any(g.like_num for g in child.children):
            # "workers and sympathisers"; not "soldiers and 16 militants" (a second figure)
            toks.extend(t for t in noun.children if t.dep_ == "cc" and noun.i < t.i < child.i)
            toks.extend(compact_subtree(child))
            for grand in child.children:
                if grand.dep_ in ("conj", "cc") and not any(g.like_num for g in grand.children):
                    toks.extend(compact_subtree(grand))
    toks = sorted(set(toks), key=lambda t: t.i)
    text = span_text(toks)
    text = re.sub(r"^(?:the|a|an|some|of|at least|more than|other)\s+", "", text, flags=re.IGNORECASE)
    return strip_det(text) or None


def _residence(tok) -> bool:
    """True for "residents of X", "a native of X": where a person lives, not where it happened."""
    for anc in list(tok.ancestors)[:3]:
        if anc.lower_ in ("resident", "residents", "native", "natives", "hailing", "hails"):
            return True
    return False


def _place_candidates(sent, excluded: set[int]) -> list:
    """Spans naming places in the sentence (entities, 'in X' proper nouns, 'X district')."""
    out = []
    seen = set()
    for ent in sent.ents:
        if any(t.i in excluded for t in ent) or _residence(ent.root):
            continue
        if ent.root.dep_ == "poss" and ent.root.head.lower_ in PLACE_NOUNS and any(
                c.dep_ == "prep" and c.lower_ == "of" for c in ent.root.head.children):
            continue  # "Pakistan's southwestern town of Turbat": the town is the place
        ok = ent.label_ in ("GPE", "LOC", "FAC")
        if not ok and ent.label_ in ("ORG", "PERSON", "DATE", "NORP"):
            head = ent.root
            prep = head.head if head.dep_ == "pobj" else None
            ok = prep is not None and head.pos_ == "PROPN" and (
                prep.lower_ in ("in", "across", "near", "around") or (
                    prep.lower_ == "of" and prep.head.lower_ in PLACE_NOUNS)) and \
                not any(t.lower_ in lx.ORG_WORDS for t in ent) and not DATE_RE.fullmatch(ent.text)
        if ok:
            out.append(ent)
            seen.update(t.i for t in ent)
    for tok in sent:
        if tok.i in seen or tok.i in excluded or _residence(tok):
            continue
        if tok.pos_ == "PROPN" and tok.dep_ == "pobj" and not tok.ent_type_ and \
                not DATE_RE.fullmatch(tok.text) and (tok.head.lower_ in ("in", "across") or (
                    tok.head.lower_ == "of" and tok.head.head.lower_ in PLACE_NOUNS)):
            left = [t for t in tok.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"]
            out.append(tok.doc[(left[0].i if left else tok.i): tok.i + 1])
            seen.update(range(left[0].i if left else tok.i, tok.i + 1))
        elif tok.lower_ in PLACE_NOUNS and tok.pos_ == "NOUN" and tok.dep_ == "pobj":
            # "Dadu district", "Karachi's Landhi area", "Kebbi state"
            mods = [t for t in tok.lefts if t.text[:1].isupper() and t.pos_ not in ("DET", "PRON")
                    and t.dep_ in ("compound", "poss", "nmod", "amod")]
            if any(c.dep_ == "prep" and c.lower_ == "of" and any(
                    g.pos_ == "PROPN" for g in c.children) for c in tok.children):
                continue  # "the town of Turbat": Turbat is the place
            if mods and not any(t.i in seen or t.i in excluded for t in mods):
                first = min(t.i for t in mods)
                first = min([first] + [x.i for m in mods for x in m.subtree])
                out.append(tok.doc[first: tok.i + 1])
                seen.update(range(first, tok.i + 1))
    return out


def _expand_place(span) -> str:
    """Place text, with coordinated places ("Hyderabad, Karachi and Larkana")."""
    text = re.sub(r"^the\s+", "", span.text, flags=re.IGNORECASE)
    names = [re.sub(r"['’]s$", "", text).strip()]
    tok = span.root
    while True:
        nxt = [c for c in tok.children if c.dep_ == "conj" and c.pos_ == "PROPN"]
        if not nxt:
            break
        tok = nxt[0]
        ent = _ent_span(tok)
        names.append(re.sub(r"['’]s$", "", ent.text if ent is not None else tok.text))
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _closer_to_speaking(tok, cue_tok, report_verbs: list) -> bool:
    """True when a word belongs to the act of speaking ("said in Jaffna") rather than the event.

    That is when its path to the violation word climbs to a reporting verb through one of the
    verb's own modifiers (not its reported content). A fronted phrase ("In Antioquia, the court
    found ...") is read as part of the content.
    """
    path = tree_path(tok, cue_tok)
    ids = [t.i for t in path]
    for v in report_verbs:
        if v.i not in ids[1:-1]:
            continue
        before = path[ids.index(v.i) - 1]
        if before.head.i != v.i or before.dep_ in ("ccomp", "xcomp", "dobj", "parataxis", "conj"):
            continue
        subj = _subject_of(v)
        fronted = before.i < v.i and (subj is None or before.i < min(t.i for t in subj.subtree))
        if not fronted:
            return True
    return False


SPEECH_VERBS = {
    "said", "says", "say", "saying", "told", "tell", "tells", "stated", "states", "announced",
    "added", "posted", "tweeted", "wrote", "claimed", "claims", "alleged", "alleges", "declared",
    "reported", "asserted", "insisted", "noted", "warned", "recalled", "reiterated", "explained",
    "confirmed", "quoted", "briefed", "informed", "testified", "mentioned", "stressed",
}


def _speech_modifier(path: list) -> bool:
    """True when the path turns at a reporting verb it reaches through one of the verb's
    modifiers ("told on Wednesday that ...", "posted on Sunday"), unless that modifier is
    fronted before the speaker ("In 1989, 60 students were ... , a lecturer recalled")."""
    if len(path) < 3:
        return False
    depth = [len(list(t.ancestors)) for t in path]
    top = min(range(len(path)), key=lambda i: depth[i])
    if top in (0, len(path) - 1):
        return False
    verb, side = path[top], path[top - 1]
    if verb.lower_ not in SPEECH_VERBS or side.dep_ not in ("prep", "npadvmod", "advmod"):
        return False
    subj = _subject_of(verb)
    fronted = side.i < verb.i and (subj is None or side.i < min(t.i for t in subj.subtree))
    return not fronted


def pick_place(sent, cue_tok, excluded: set[int], report_verbs: list = (),
               cue_ids: frozenset = frozenset()) -> str | None:
    best = None
    for span in _place_candidates(sent, excluded):
        root = span.root
        path = tree_path(root, cue_tok)
        if _blocking_verb(path, cue_tok) or _closer_to_speaking(root, cue_tok, report_verbs) or \
                _speech_modifier(path):
            continue
        if any(t.i in cue_ids and t.dep_ in ("relcl", "acl") and t.i != cue_tok.i
               for t in path[1:-1]):
            continue  # "the bodies of two men who went missing from Tank": Tank is where they vanished
        key = (len(path), abs(root.i - cue_tok.i))
        if best is None or key < best[0]:
            best = (key, span)
    return _expand_place(best[1]) if best else None


def _np_text(tok) -> str:
    toks = [tok]
    for child in tok.children:
        if child.i < tok.i and child.dep_ in ("compound", "amod", "nmod", "poss", "case", "det"):
            toks.extend(compact_subtree(child))
        elif child.dep_ == "prep" and child.lower_ in ("of", "in") and child.i > tok.i:
            sub = compact_subtree(child)
            if child.lower_ == "of" or (len(sub) <= 5 and not any(
                    t.ent_type_ in ("GPE", "LOC", "FAC", "DATE") for t in sub)):
                toks.extend(sub)
    return strip_det(span_text(sorted(set(toks), key=lambda t: t.i)))


def _perp_ok(tok) -> bool:
    return tok.lower_ in lx.PERPETRATOR_HEADS or tok.ent_type_ in ("ORG", "NORP") or \
        bool(lx.PERPETRATOR_RE.search(_np_text(tok)))


def _perpetrator_candidates(sent, cue_tok, excluded: set[int]) -> list:
    cands = []
    linked = {cue_tok.i} | {c.i for c in cue_tok.conjuncts}
    for tok in sent:
        if tok.i in excluded:
            continue
        head = tok.head
        if tok.dep_ == "pobj" and (head.dep_ == "agent" or head.lower_ == "by") and _perp_ok(tok):
            cands.append(tok)  # "killed by X"
        elif tok.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in (
                "hands", "custody", "personnel"):
            cands.append(tok)  # "at the hands of X", "in the custody of X"
        elif tok.dep_ == "pobj" and head.lower_ == "on" and head.head.lower_ in ("blamed",):
            cands.append(tok)
        elif tok.dep_ == "dobj" and head.lower_ in ("accused", "accuses", "accusing", "blamed",
                                                     "blames", "blaming", "charged") and \
                not _accused_of_something_else(head):
            cands.append(tok)  # "accused X of killing"
        elif tok.dep_ == "nsubjpass" and head.lower_ in ("accused", "blamed", "charged", "suspected"):
            cands.append(tok)  # "the military has been accused of killing"
        elif any(c.dep_ == "acl" and c.i in linked and any(g.dep_ == "dobj" for g in c.children)
                 for c in tok.children) and _perp_ok(tok):
            cands.append(tok)  # misparsed "militants executed 40 men" (verb as acl, with object)
        elif tok.dep_ == "nsubj" and any(c.lower_ == "behind" or c.lower_ == "responsible"
                                         for c in head.children) and _perp_ok(tok):
            cands.append(tok)  # "agencies were behind the disappearances"
        elif tok.dep_ == "nsubj" and head.i in linked and \
                not any(c.dep_ == "auxpass" for c in head.children) and (
                    _perp_ok(tok) or tok.lower_ in ("they", "we")) and \
                (head.lower_ not in ("died", "die", "dies", "fled", "flee", "missing", "dead",
                                     "disappeared", "vanished", "perished", "remain", "remained")
                 or any(c.dep_ == "dobj" for c in head.children)):
            cands.append(tok)  # "security forces killed 12"
        elif tok.dep_ == "nsubj" and head.lower_ in PERPETRATING_VERBS | {"holding"} and _perp_ok(tok) and \
                tree_distance(tok, cue_tok) <= 4:
            cands.append(tok)  # "when security forces fired on protesters"
        elif tok.dep_ in ("compound", "amod", "nmod") and head.lower_ in MEANS_NOUNS and \
                (tok.lower_ in lx.PERPETRATOR_HEADS or tok.ent_type_ == "ORG"):
            cands.append(tok)  # "police encounters", "military operations"
    return cands


def _accused_of_something_else(verb) -> bool:
    """"accused the government of ignoring their plight": the accusation is not the violation."""
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ in ("of", "for"):
            for comp in prep.children:
                if comp.dep_ == "pcomp" and comp.pos_ == "VERB" and \
                        lx.WORD_TO_VIOLATION.get(comp.lower_) is None and not _is_cue_word(comp) and \
                        comp.lower_ not in PERPETRATING_VERBS | {"holding", "keeping"} and \
                        not any(lx.WORD_TO_VIOLATION.get(t.lower_) for t in comp.subtree):
                    return True
    return False


def pick_perpetrator(sent, cue_tok, excluded: set[int], claimant: str | None = None) -> str | None:
    """Who the text says carried out the violation, by the parse's agent and subject roles."""
    cands = [t for t in _perpetrator_candidates(sent, cue_tok, excluded)
             if t.dep_ in ("dobj", "nsubj") or not _blocking_verb(tree_path(t, cue_tok), cue_tok)]
    if not cands:
        return None
    best = min(cands, key=lambda t: (tree_distance(t, cue_tok), abs(t.i - cue_tok.i)))
    if tree_distance(best, cue_tok) > 7:
        return None
    if best.lower_ in ("they", "we") and claimant:
        return claimant
    if best.lower_ in lx.PRONOUNS or best.lower_ in ("who", "which", "whom", "unknown", "we"):
        return None
    if best.dep_ in ("compound", "amod", "nmod"):
        return strip_det(span_text(compact_subtree(best)))
    text = _np_text(best)
    for child in best.children:
        if child.dep_ == "conj" and _perp_ok(child):
            text += " and " + _np_text(child)
    return text or None


_MORE_AFTER = re.compile(r"\s*(?:more|others|other people|further)\b", re.IGNORECASE)


def _adds_to_previous(text: str, fig) -> bool:
    """"... 25,000 killed since 1992, and thousands more missing": the second figure adds to
    the first and shares its frame."""
    return bool(_MORE_AFTER.match(text, fig.end))


_EVENT_NOUN = r"(operation|crackdown|offensive|uprising|insurgency|conflict|war|revolt|protests?|movement|campaign)"
_DATED_EVENT_RE = re.compile(
    rf"\bthe\s+(?P<d1>\d{{1,2}}\s+\w+\s+(?:19|20)\d\d|\w+\s+\d{{1,2}},?\s+(?:19|20)\d\d)\s+(?:military\s+)?(?P<n1>{_EVENT_NOUN[1:-1]})\b"
    rf"|\b(?P<n2>{_EVENT_NOUN[1:-1]})\s+(?:was\s+)?(?:launched|began|started|begun)\s+(?:on|in)\s+"
    rf"(?P<d2>\d{{1,2}}\s+\w+\s+(?:19|20)\d\d|\w+\s+\d{{1,2}},?\s+(?:19|20)\d\d|\w+\s+(?:19|20)\d\d)",
    re.IGNORECASE)
_SINCE_EVENT_RE = re.compile(rf"\bsince\s+the\s+(?:military\s+)?{_EVENT_NOUN}\s+(?:was\s+)?(?:began|started|begun|launched|broke\s+out)\b",
                             re.IGNORECASE)
_SAME_PERIOD_RE = re.compile(r"\b(?:during|in|over|for)\s+the\s+same\s+(?:period|time|months?)\b", re.I)
_THE_YEAR_RE = re.compile(r"\b(?:during|in|over|throughout)\s+the\s+year\b", re.I)


def _dated_events(text: str, ref: date | None) -> dict:
    """Events the text dates ("the 19 June 1992 operation", "the crackdown launched on 3 March
    1994"), for a later "since the operation began": noun -> first day."""
    events: dict = {}
    for m in _DATED_EVENT_RE.finditer(text):
        noun = (m.group("n1") or m.group("n2") or "").lower()
        when = parse_date(m.group("d1") or m.group("d2") or "", ref)
        if noun and when:
            events.setdefault(noun, when)
    return events


def _inherit_scope(claim: Claim, previous: Claim) -> None:
    """Fill the period and place an 'X more' figure leaves unsaid from the figure it adds to.
    (Not the victims: "412 civilians ... and 200 more deaths" does not say who died.)"""
    if not claim.period.get("start") and not claim.period.get("end"):
        claim.period = dict(previous.period)
    if claim.place is None:
        claim.place = previous.place


def _clause_verb(tok):
    """The verb of the clause a violation word belongs to ("injuries" -> "sustained")."""
    if tok.pos_ in ("VERB", "AUX") or tok.head.i == tok.i:
        return tok
    if tok.dep_ in ("dobj", "attr", "acomp", "oprd") and tok.head.pos_ in ("VERB", "AUX"):
        return tok.head
    return tok


def _coordinated(a, b) -> bool:
    """True when two violation words sit in coordinated clauses or phrases: conjuncts, a
    conjunct's dependant ("3,000 injured"), or two clauses the parse hangs side by side on
    one head with "and" between them."""
    va, vb = _clause_verb(a), _clause_verb(b)
    later = va if va.i > vb.i else vb
    if any(c.dep_ == "mark" for c in later.children):
        return False  # "(that) 25,000 remain missing and that 1.5 lakh were displaced": two claims
    linked = {c.i for c in va.conjuncts} | {c.i for c in a.conjuncts}
    if vb.i in linked or b.i in linked or b.head.i in linked:
        return True
    if va.head.i == vb.head.i and va.dep_ == vb.dep_ and va.i != va.head.i:
        lo, hi = sorted((va.i, vb.i))
        return any(t.dep_ == "cc" and t.head.i in (va.i, vb.i) and lo < t.i < hi
                   for t in va.doc[lo:hi])
    return False


def _share_over_coordination(claims: list[tuple[Claim, object]]) -> None:
    """"Two policemen were martyred and three others sustained injuries when terrorists attacked
    a checkpost in X on Tuesday": the place, time and doers the parse hangs on one coordinated
    clause hold for the other too, when it names none of its own."""
    for claim, cue in claims:
        for other, other_cue in claims:
            if other is claim or other_cue.i == cue.i or not _coordinated(cue, other_cue):
                continue
            if claim.place is None and other.place is not None:
                claim.place = other.place
            if not claim.period.get("start") and other.period.get("start"):
                claim.period = dict(other.period)
            if claim.alleged_perpetrator is None and other.alleged_perpetrator is not None:
                claim.alleged_perpetrator = other.alleged_perpetrator


def pick_period(sent, cue_tok, ref: date | None, report_verbs: list) -> dict:
    """The period the figure covers, from the time expression nearest the violation word."""
    best = None
    for p in find_periods(sent.text, ref):
        span = sent.doc.char_span(sent.start_char + p.start, sent.start_char + p.end,
                                  alignment_mode="expand")
        if span is None or not len(span):
            continue
        if _reporting_time(p) and any(_attached_to_verb(span, v) for v in report_verbs):
            continue  # "said on Tuesday", "last month ... reported": when it was said, not the period
        root = span.root
        path = tree_path(root, cue_tok)
        if _blocking_verb(path, cue_tok) or _speech_modifier(path):
            continue
        key = (len(path), abs(root.i - cue_tok.i))
        if best is None or key < best[0]:
            best = (key, p.span)
    if best is None:
        return {"start": None, "end": None}
    return best[1].to_dict()


_RELATIVE_TIME = re.compile(r"^(?:last|this|previous|past|earlier|yesterday|today)\b", re.IGNORECASE)


def _reporting_time(p) -> bool:
    """A single day, or a relative time ("last month"): when attached to the reporting verb it
    says when the statement was made."""
    return p.span.start == p.span.end or bool(_RELATIVE_TIME.match(p.text.strip()))


def statement_date_in(sent, ref: date | None, report_verbs: list) -> date | None:
    """A date the sentence attaches to its reporting verb ("said on Tuesday")."""
    for p in find_periods(sent.text, ref):
        if p.span.start != p.span.end or p.span.start is None:
            continue
        span = sent.doc.char_span(sent.start_char + p.start, sent.start_char + p.end,
                                  alignment_mode="expand")
        if span is None:
            continue
        if any(_attached_to_verb(span, v) for v in report_verbs):
            return p.span.start
    return None


def _attached_to_verb(span, verb) -> bool:
    """True when a time expression modifies the reporting verb, not the reported content."""
    root = span.root
    between = []
    for anc in root.ancestors:
        if anc.i == verb.i:
            break
        between.append(anc)
    else:
        return False
    if any(t.pos_ == "VERB" for t in between) or len(between) > 4:
        return False
    for child in verb.children:
        if child.dep_ in ("ccomp", "parataxis", "xcomp", "dobj", "advcl", "conj"):
            sub = [t.i for t in child.subtree]
            if min(sub) <= root.i <= max(sub):
                return False
    return True


# --------------------------------------------------------------------------------------
# The extractor


def _figure_tokens(sent, fig: Figure):
    span = sent.doc.char_span(sent.start_char + fig.start, sent.start_char + fig.end,
                              alignment_mode="expand")
    return span


def _anchor(span):
    """The token that stands for the figure in the parse (the number word, or 'dozens')."""
    nums = [t for t in span if t.like_num or t.lower_ in (
        "dozens", "hundreds", "thousands", "scores", "tens", "millions", "several", "few",
        "dozen", "hundred", "thousand", "lakh", "million", "handful", "crore")]
    if not nums:
        return span.root
    # the last number of the span carries the phrase ("twenty-five thousand")
    outside = [t for t in nums if t.head.i < span.start or t.head.i >= span.end]
    return outside[0] if outside else nums[-1]


SINGULAR_PERSONS = {"person", "man", "woman", "child", "boy", "girl", "youth", "civilian",
                    "student", "worker", "activist", "journalist", "soldier", "policeman",
                    "individual", "victim", "member", "resident", "detainee", "prisoner", "body"}


def _figure_is_count(anchor, noun) -> bool:
    if noun is not None and noun.lower_ in ("those", "them", "whom", "these"):
        return True  # "14 of those arrested", "11 of them"
    if noun is not None and anchor.lower_ in ("one", "1", "single") and noun.tag_ == "NN" and \
            noun.lower_ not in SINGULAR_PERSONS:
        return False  # "people from one family", "in one case": not a count of victims
    if noun is not None:
        if noun.lower_ in lx.PEOPLE_NOUNS or noun.lower_ in lx.EVENT_NOUNS:
            return True
        if noun.lower_ in NON_PERSON_PLURALS or noun.ent_type_ in ("DATE", "TIME", "MONEY",
                                                                   "PERCENT", "QUANTITY"):
            return False
        return noun.tag_ in ("NNS", "NNPS") or noun.pos_ == "PROPN" or noun.lower_ in (
            "dead", "wounded", "injured", "missing", "displaced")
    return anchor.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "attr", "appos", "conj",
                           "npadvmod", "ROOT", "oprd", "dative", "advmod", "nummod")


PERSON_DESCRIPTIONS = {
    "student", "teacher", "schoolteacher", "journalist", "activist", "lawyer", "farmer", "worker",
    "leader", "driver", "shopkeeper", "labourer", "laborer", "doctor", "engineer", "resident",
    "man", "woman", "boy", "girl", "youth", "cleric", "trader", "poet", "writer", "member",
    "son", "daughter", "brother", "father", "mother", "husband", "wife", "reporter", "blogger",
    "politician", "councillor", "official", "officer", "policeman", "soldier", "vendor", "tailor",
}


# Last words of place names in South Asian towns ("Orangi Town", "Sohrab Goth", "Model Colony").
PLACE_NAME_WORDS = {"colony", "goth", "town", "nagar", "abad", "mohalla", "bazaar", "bazar",
                    "chowk", "road", "street", "society", "phase", "sector", "camp", "village",
                    "basti", "pura", "pur", "garden", "gardens", "park", "market", "mandi"}
RANKS = {"constable", "sepoy", "naik", "havildar", "lance", "subedar", "inspector", "sub-inspector",
         "sergeant", "corporal", "private", "trooper", "head", "asi", "si", "hawaldar"}
RELATION_WORDS = {"family", "families", "members", "relatives", "brother", "sister", "father",
                  "mother", "wife", "husband", "son", "daughter", "lawyer", "lawyers", "cousin",
                  "parents", "uncle", "colleagues", "friends"}


def _relative_of(ent) -> bool:
    """'Family members of X said ...': X is named inside the speaker's phrase as the victim."""
    head = ent.root.head
    return head.lower_ == "of" and head.head.lower_ in RELATION_WORDS


def _listed_with_persons(ent) -> bool:
    """A name the model tags ORG or NORP inside a list of persons ("Faraz Baloch, Sameer Jokhio,
    Waqar Khaskheli and Danish Brohi")."""
    if ent.label_ not in ("ORG", "NORP", "GPE") or len(ent) < 2 or any(
            t.lower_ in lx.ORG_WORDS | PLACE_NAME_WORDS for t in ent):
        return False
    root = ent.root
    return root.dep_ == "conj" and root.head.ent_type_ == "PERSON"


def _whole_name(ent):
    """The entity with the proper nouns the model left out in front ("Waqar" + "Khaskheli")."""
    start = ent.start
    while start > ent.sent.start and ent.doc[start - 1].pos_ == "PROPN" and \
            ent.doc[start - 1].dep_ == "compound" and ent.doc[start - 1].head.i >= ent.start and \
            not ent.doc[start - 1].ent_type_:
        start -= 1
    return ent.doc[start: ent.end] if start != ent.start else ent


def _described_as_person(ent) -> bool:
    """An entity the small model mislabels ("Shah Jahan Baloch" as ORG) that the sentence
    describes as a person: "X, a 28-year-old schoolteacher", "X, 32,"."""
    if ent.label_ not in ("ORG", "GPE", "NORP", "FAC", "LOC") or len(ent) < 2:
        return False
    if ent[0].lower_ in RANKS and len(ent) >= 3:
        return True  # "Constable Noor Zaman", "Sepoy Ali Khan"
    if any(t.lower_ in lx.ORG_WORDS for t in ent):
        return False
    root = ent.root
    for child in root.children:
        if child.dep_ == "appos" and child.lower_ in PERSON_DESCRIPTIONS:
            return True
    after = ent.doc.text[ent.end_char: ent.end_char + 8]
    return bool(re.match(r",\s*\d{1,2}\s*,", after))


CLAIM_NOUNS = {"claim", "claims", "allegation", "allegations", "assertion", "contention",
               "estimate", "estimates", "figure", "figures", "charge", "charges", "report", "reports"}


def _claim_noun_owner(anchor):
    """The owner of the claim noun whose that-clause holds the figure: "a rights group's claim
    that 2,100 people had disappeared", "allegations by the party that ..."."""
    cur = anchor
    while cur.head.i != cur.i:
        if cur.dep_ in ("acl", "ccomp") and cur.head.lower_ in CLAIM_NOUNS and \
                cur.head.pos_ == "NOUN" and any(c.lower_ == "that" for c in cur.children):
            noun = cur.head
            for child in noun.children:
                if child.dep_ == "poss" and child.pos_ in ("NOUN", "PROPN"):
                    return child
                if child.dep_ == "prep" and child.lower_ in ("by", "from"):
                    objs = [c for c in child.children if c.dep_ == "pobj"]
                    if objs:
                        return objs[0]
            return None
        cur = cur.head
    return None


def _released(tok) -> bool:
    """True when the figure counts people freed, rescued or traced, not victims."""
    cur = tok
    while cur.head.i != cur.i:
        if cur.dep_ in ("conj", "ccomp", "advcl", "relcl", "parataxis", "acl", "pobj"):
            return False  # the figure's own clause ends here ("Of the 200 arrested, ...")
        cur = cur.head
        if cur.like_num and cur.i != tok.i:
            return False  # "Of the 200 arrested, 150 were released": that is another figure
        if cur.lower_ in RELEASE_VERBS:
            return True
        if cur.pos_ == "VERB" and cur.lower_ not in LINK_VERBS:
            return False
    return False


WEAK_ALLEGATION_CUES = {"toll", "detainees", "prisoners", "refugees", "hostages", "bodies", "body",
                        "dead", "remains", "lives", "custody", "missing", "deceased"}
AUTHORITY_WORDS = {"police", "army", "military", "government", "ministry", "minister", "rangers",
                   "forces", "authorities", "palace", "administration", "interior", "isi",
                   "spokesman", "spokesperson", "spokeswoman", "cabinet", "governor", "officials",
                   "prosecutor", "prosecutors", "prosecutor's", "dpo", "sho", "ssp", "dsp",
                   "dig", "igp", "cpo", "ccpo", "levies", "constable", "ispr", "inspector-general"}


def _is_authority(sp: Speaker) -> bool:
    """True for the state side (police, army, ministries), whose reports are not allegations."""
    words = set(sp.name.lower().split()) | set((sp.role or "").lower().split())
    has_state = bool(words & (AUTHORITY_WORDS - {"spokesman", "spokesperson", "spokeswoman"}))
    return has_state


def _negated(cue_tok) -> bool:
    """True when the violation word sits under a negation or a denial."""
    for anc in [cue_tok] + list(cue_tok.ancestors):
        if anc.lower_ in NEGATIONS and anc.pos_ == "VERB":
            return True
        if any(c.dep_ == "neg" or c.lower_ in ("none", "nobody", "no") for c in anc.children):
            return True
    return False


class _Extractor:
    def __init__(self, report: Report, docs: list) -> None:
        self.report = report
        self.docs = docs
        self.ctx = Context()
        self.claims: list[Claim] = []
        self.allegations: list[Allegation] = []
        self.incidents: list[CandidateIncident] = []
        self.quotes: list[_QuoteSpan] = []
        self.list_speaker: Speaker | None = None
        self.last_cue = None
        self.borrowed_cue = False
        self.last_period: dict | None = None
        self.event_dates: dict = dict(report.dated_events)
        self.claim_sentence: dict[int, int] = {}
        self.issuer = Speaker(report.issuer, None, "org") if report.issuer else None
        if self.issuer is not None:
            self.ctx.set_org(self.issuer)
            self.ctx.issuer = self.issuer

    def run(self) -> None:
        kinds = self.report.kinds or ["text"] * len(self.docs)
        for pi, doc in enumerate(self.docs):
            quotes = [_QuoteSpan(pi, m.start(), m.end(), next(g for g in m.groups() if g))
                      for m in _QUOTE_RE.finditer(doc.text)]
            quotes.extend(self._running_quote(pi, doc, quotes))
            self.quotes.extend(quotes)
            # a list item ("- At least 379 people were killed ...") speaks for whoever spoke
            # before the list ("X said in its report ... Among its key findings:")
            if kinds[pi] == "item":
                if self.list_speaker is None:
                    self.list_speaker = self.ctx.last_speaker
            else:
                self.list_speaker = None
            para_speaker: Speaker | None = None
            first_claim = len(self.claims)
            for sent in doc.sents:
                para_speaker = self.sentence(sent, quotes) or para_speaker
            previous: Speaker | None = None
            for q in sorted(quotes, key=lambda q: q.start):
                if q.speaker is None and q.start <= 1 and self.ctx.last_speaker is not None:
                    q.speaker = para_speaker or self.ctx.last_speaker
                elif q.speaker is None and previous is not None:
                    q.speaker = previous  # '"...," said X. "..."': the second quote is X's too
                previous = q.speaker or previous
            self._claims_follow_quotes(self.claims[first_claim:], quotes)
        self._finish()

    def _running_quote(self, pi: int, doc, quotes: list[_QuoteSpan]) -> list[_QuoteSpan]:
        """A quotation that runs on into the next paragraph (news style leaves its first
        paragraph without a closing mark, and opens the next with a quotation mark)."""
        text = doc.text
        opens = [m.start() for m in re.finditer(r"“|(?:(?<=\s)|(?<=^)|(?<=:))\"(?=\w)", text)]
        for start in reversed(opens):
            if any(q.start <= start < q.end for q in quotes):
                continue
            rest = text[start + 1:]
            if "”" in rest or '"' in rest or len(rest.split()) < 3:
                return []
            nxt = self.report.paragraphs[pi + 1] if pi + 1 < len(self.report.paragraphs) else ""
            if nxt[:1] in ('"', "“"):
                return [_QuoteSpan(pi, start, len(text), rest.strip())]
            return []
        return []

    @staticmethod
    def _claims_follow_quotes(claims: list[Claim], quotes: list[_QuoteSpan]) -> None:
        """A claim inside a quotation whose speaker is named only after it ('"22 were killed.
        We buried them," X told AFP') takes that speaker."""
        for claim in claims:
            for q in quotes:
                if q.speaker is None or not claim.quotes or claim.quotes[0]["text"] != q.text:
                    continue
                if claim.claimant is None or claim.claimant["name"] != q.speaker.name:
                    claim.claimant = q.speaker.as_claimant()
                    claim.attributed = True
                    claim.quotes[0]["speaker"] = q.speaker.name
                    claim.medium = None

    def _finish(self) -> None:
        """Fill roles and media that the report gives only in another sentence."""
        for item in [*self.claims, *self.allegations, *self.incidents]:
            if item.claimant:
                name = item.claimant["name"]
                role = self.ctx.role_of(name)
                if role:
                    item.claimant = {"name": name, "role": role}
                if isinstance(item, Claim) and item.medium is None:
                    item.medium = self.ctx.medium_of.get(name)

    def sentence(self, sent, quotes: list[_QuoteSpan]) -> Speaker | None:
        self.ctx.sentence_no += 1
        ref = self.report.statement_date
        verbs = reporting_verbs(sent)
        outside_quote = [v for v in verbs if not self._in_quote(v.idx, quotes)]
        speakers: list[tuple[object, Speaker]] = []
        medium = medium_of_sentence(sent, outside_quote)
        for v in outside_quote:
            sp = speaker_of_verb(v, self.ctx, sent)
            if sp is not None:
                speakers.append((v, sp))
                self._note_speaker(sp, medium)
        for tok, sp in according_to(sent, self.ctx):
            speakers.append((tok, sp))
            self._note_speaker(sp, medium)
        main_speaker = speakers[0][1] if speakers else None
        # a quote takes the speaker of the sentence holding its closing mark ("...," he said),
        # or else of the sentence that opens it (X said: "... . ...")
        for q in quotes:
            if main_speaker is None:
                continue
            if sent.start_char <= q.end - 1 <= sent.end_char + 1:
                q.speaker = main_speaker
            elif q.speaker is None and sent.start_char <= q.start <= sent.end_char:
                q.speaker = main_speaker
        verbs = [v for v, _ in speakers if v.lower_ != "according"]
        stmt_date = statement_date_in(sent, ref, verbs) or ref
        relays = list(dict.fromkeys(relays_in(sent.text) + self.report.doc_relays))
        hedges = hedges_in(sent.text)
        cues = violation_cues(sent)
        cue_words = {t.lower_ for t, _ in cues}
        excluded = self._speaker_tokens(sent, speakers)
        found_claim = False
        figures = find_figures(sent.text)
        previous: Claim | None = None
        in_sentence: list[tuple[Claim, object]] = []
        for fig in figures:
            span = _figure_tokens(sent, fig)
            if span is None or not len(span):
                continue
            claim = self._claim_for_figure(sent, fig, span, cues, cue_words, speakers, quotes,
                                           excluded, stmt_date, relays, hedges, verbs, medium)
            if claim is not None:
                if previous is not None and _adds_to_previous(sent.text, fig):
                    _inherit_scope(claim, previous)
                self.claims.append(claim)
                self.claim_sentence[id(claim)] = self.ctx.sentence_no
                in_sentence.append((claim, self.last_cue))
                previous = claim
                found_claim = True
        _share_over_coordination(in_sentence)
        incident = self._incidents(sent, cues, speakers, excluded, stmt_date, verbs)
        if not found_claim and not incident and cues:
            self._allegation(sent, cues, speakers, excluded, stmt_date, hedges, verbs, quotes)
        return main_speaker

    def _note_speaker(self, sp: Speaker, medium: str | None) -> None:
        self.ctx.last_speaker = sp
        if sp.kind == "person":
            self.ctx.last_person = sp
        if medium:
            self.ctx.medium_of.setdefault(sp.name, medium)

    # -- helpers ---------------------------------------------------------------------
    @staticmethod
    def _in_quote(char: int, quotes: list[_QuoteSpan]) -> _QuoteSpan | None:
        for q in quotes:
            if q.start < char < q.end:
                return q
        return None

    @staticmethod
    def _speaker_tokens(sent, speakers) -> set[int]:
        out: set[int] = set()
        for verb, _ in speakers:
            if verb.lower_ == "according":
                out.update(t.i for t in verb.subtree)
                continue
            subj = _subject_of(verb)
            if subj is None and verb.dep_ in ("conj", "xcomp", "advcl"):
                head = verb.head
                if verb.dep_ == "conj" and head.lower_ not in lx.REPORTING_VERBS:
                    # the parse hung this reporting verb on the reported clause (see
                    # speaker_of_verb): the reported clause's subject is not the speaker
                    head = next((a for a in head.ancestors if a.lower_ in lx.REPORTING_VERBS),
                                None)
                subj = _subject_of(head) if head is not None else None
            if subj is not None:
                out.update(t.i for t in subj.subtree)
        return out

    def _claimant_for(self, anchor, sent, speakers, quotes) -> Speaker | None:
        owner = _claim_noun_owner(anchor)
        if owner is not None:
            sp = speaker_from_token(owner, self.ctx, sent)
            if sp is not None:
                return sp
        q = self._in_quote(anchor.idx, quotes)
        if q is not None:
            if q.speaker is None:
                return speakers[0][1] if speakers else self.ctx.last_speaker
            return q.speaker
        if not speakers:
            return self.list_speaker or self.issuer
        ancestors = {t.i for t in anchor.ancestors}
        governing = [(v, sp) for v, sp in speakers if v.i in ancestors]
        if governing:
            return min(governing, key=lambda vs: tree_distance(anchor, vs[0]))[1]
        return min(speakers, key=lambda vs: tree_distance(anchor, vs[0]))[1]

    def _pick_violation(self, span, anchor, noun, cues):
        """The violation cue a figure belongs to, by the shortest unblocked tree path.

        The counted noun may itself be the cue ("86 bodies", "38 of the dead"); as a bare
        modifier it counts one step further away, so that a governing verb wins a tie
        ("36 detainees died" is a killing).
        """
        starts = [anchor] + ([noun] if noun is not None and noun.i != anchor.i else [])
        by_index = {t.i: (t, v) for t, v in cues}
        of_cue = _of_complement_cue(noun, by_index)
        if of_cue is not None:
            return of_cue  # "627 cases of enforced disappearance and 118 killings"
        after = _participle_after(span, by_index)
        if after is not None:
            return after  # "... killed and nearly 3,000 injured"
        if noun is not None and noun.head.lower_ == "of" and noun.dep_ == "pobj":
            # "the bodies of two men", "the killing of 412 civilians": the head noun is the event
            for cue_tok, violation in cues:
                if cue_tok.i == noun.head.head.i and cue_tok.pos_ == "NOUN":
                    return cue_tok, violation
        best = None
        for cue_tok, violation in cues:
            if span.start <= cue_tok.i < span.end:
                continue
            if noun is not None and cue_tok.i == noun.i:
                length = len(tree_path(anchor, noun)) + (1 if anchor.head.i == noun.i else 0)
            else:
                paths = [tree_path(st, cue_tok) for st in starts]
                paths = [p for p in paths if not _blocking_verb(p, cue_tok)]
                if not paths:
                    continue
                length = min(len(p) for p in paths)
            key = (length, SEVERITY[violation], abs(cue_tok.i - anchor.i))
            if best is None or key < best[0]:
                best = (key, cue_tok, violation)
        if best is not None and best[0][0] <= 9:
            return best[1], best[2]
        if noun is not None and noun.lower_ in ("detainees", "prisoners"):
            return noun, "arbitrary detention"
        if noun is not None and noun.lower_ in ("cases", "complaints"):
            # "312 cases of enforced disappearance ..., and that 1,486 cases remained outstanding"
            for tok in span.sent:
                if tok.i != noun.i and tok.lower_ == noun.lower_:
                    found = _of_complement_cue(tok, by_index)
                    if found is not None:
                        self.borrowed_cue = True  # the violation only: not that clause's scope
                        return found
        return None

    def _claim_for_figure(self, sent, fig, span, cues, cue_words, speakers, quotes, excluded,
                          stmt_date, relays, hedges, verbs, medium) -> Claim | None:
        anchor = _anchor(span)
        if anchor.i in excluded:
            return None
        noun = counted_noun(anchor)
        if not _figure_is_count(anchor, noun):
            return None
        if _released(anchor) or (noun is not None and _released(noun)):
            return None  # "42 of the abducted had been freed"
        picked = self._pick_violation(span, anchor, noun, cues)
        if picked is None:
            return None
        cue_tok, violation = picked
        borrowed, self.borrowed_cue = self.borrowed_cue, False
        self.last_cue = cue_tok
        claimant = self._claimant_for(anchor, sent, speakers, quotes)
        quote = self._in_quote(anchor.idx, quotes)
        group = victim_group_text(noun, cue_words, frozenset(range(span.start, span.end)))
        if group and noun is not None and noun.i in excluded:
            group = None
        fig_ids = set(range(span.start, span.end))
        group_mods = {t.i for c in (noun.lefts if noun is not None else []) for t in c.subtree}
        place = None if borrowed else pick_place(sent, cue_tok, excluded | fig_ids | group_mods,
                                                 verbs, frozenset(t.i for t, _ in cues))
        perp = pick_perpetrator(sent, cue_tok, excluded | fig_ids | (
            {noun.i} if noun is not None else set()), claimant.name if claimant else None)
        if perp and group and perp.lower() == group.lower():
            perp = None
        claim_medium = None
        if claimant is not None:
            claim_medium = medium or self.ctx.medium_of.get(claimant.name)
            if not claim_medium and (self.report.press_release and self.issuer is None or
                                     self.issuer is not None and claimant.name == self.issuer.name):
                # what a statement says; in a press release without a named issuer, what its
                # speakers say
                claim_medium = "written report"
        return Claim(
            claimant=claimant.as_claimant() if claimant else None,
            medium=claim_medium,
            relayed_by=", ".join(relays) or None,
            statement_date=stmt_date.isoformat() if stmt_date else None,
            quantity=fig.to_dict(),
            violation=violation,
            victim_group=group,
            place=place,
            period={"start": None, "end": None} if borrowed else
            self._period_or_anaphora(sent, cue_tok, stmt_date, verbs),
            alleged_perpetrator=perp,
            attributed=claimant is not None,
            hedges=hedges,
            evidence_text=sent.text.strip(),
            quotes=[{"text": quote.text, "speaker": (quote.speaker.name if quote.speaker else
                                                     (claimant.name if claimant else None))}]
            if quote is not None else [],
        )

    def _period_or_anaphora(self, sent, cue_tok, stmt_date, verbs) -> dict:
        """The period in the sentence; else one the sentence points back to: "during the year"
        (the single year a claim before named), "in the same period" (the period before),
        "since the operation began" (an event dated earlier: "the 19 June 1992 operation")."""
        period = pick_period(sent, cue_tok, stmt_date, verbs)
        if period["start"] or period["end"]:
            self.last_period = period
            return period
        text = sent.text
        m = _SINCE_EVENT_RE.search(text)
        span = sent.doc.char_span(sent.start_char + m.start(), sent.start_char + m.end(),
                                  alignment_mode="expand") if m else None
        if m and m.group(1).lower() in self.event_dates and span is not None and \
                not _blocking_verb(tree_path(span.root, cue_tok), cue_tok):
            start = self.event_dates[m.group(1).lower()]
            return {"start": start.isoformat(), "end": stmt_date.isoformat() if stmt_date else None}
        last = self.last_period
        if last and last.get("start") and _SAME_PERIOD_RE.search(text):
            return dict(last)
        if last and last.get("start") and _THE_YEAR_RE.search(text) and last.get("end") and \
                last["start"][:4] == last["end"][:4] and last["start"][5:] == "01-01" and \
                last["end"][5:] == "12-31":
            return dict(last)
        return period

    def _incidents(self, sent, cues, speakers, excluded, stmt_date, verbs) -> bool:
        if not cues:
            return False
        found = False
        seen: set[str] = set()
        for ent in sent.ents:
            if any(t.i in excluded for t in ent) and not _relative_of(ent):
                continue
            if ent.label_ != "PERSON" and not _described_as_person(ent) and not _listed_with_persons(ent):
                continue
            ent = _whole_name(ent)
            name = re.sub(r"['’]s$", "", ent.text).strip()
            if len(name.split()) < 2 or (ent.text.endswith("s") and ent.text in lx.PEOPLE_NOUNS):
                continue  # a surname alone refers back; a community name is not a person
            if ent[-1].lower_ in PLACE_NOUNS | PLACE_NAME_WORDS:
                continue  # "Sohrab Goth", "Banaras Colony": places the model takes for people
            root = ent.root
            while root.dep_ in ("conj", "appos") and root.head.pos_ in ("PROPN", "NOUN") and (
                    root.head.ent_type_ in ("PERSON", "ORG") or root.head.lower_ in RELATION_WORDS
                    or root.head.pos_ == "PROPN"):
                # "Zubair Wani and Tariq Dar" share the first name's role; so do "... and his
                # cousin Jamil Ahmed"
                root = root.head
            best = None
            for cue_tok, violation in cues:
                d = tree_distance(root, cue_tok)
                if d > 4:
                    continue
                path = tree_path(root, cue_tok)
                if _blocking_verb(path, cue_tok):
                    continue
                # the named person must be the patient, not the doer
                if root.dep_ == "nsubj" and root.head.i == cue_tok.i and cue_tok.lower_ not in (
                        "died", "missing", "dead", "disappeared", "vanished", "went", "perished"):
                    continue
                if root.dep_ == "pobj" and root.head.dep_ == "agent":
                    continue
                key = (d, SEVERITY[violation])
                if best is None or key < best[0]:
                    best = (key, cue_tok, violation)
            if best is None or name in seen:
                continue
            seen.add(name)
            _, cue_tok, violation = best
            period = pick_period(sent, cue_tok, stmt_date, verbs)
            m = re.search(re.escape(ent.text) + r",\s*(\d{1,2}),|" + re.escape(ent.text) +
                          r",?\s*(?:aged|age)\s*(\d{1,2})|" + re.escape(ent.text) +
                          r"\s*\((\d{1,2})\)", sent.text)
            age = int(next(g for g in m.groups() if g)) if m else None
            claimant = speakers[0][1] if speakers else self.issuer
            ent_ids = set(range(ent.start, ent.end))
            self.incidents.append(CandidateIncident(
                victim_name=name, event=violation,
                date=period["start"],
                place=pick_place(sent, cue_tok, excluded | ent_ids, verbs),
                alleged_perpetrator=pick_perpetrator(sent, cue_tok, excluded | ent_ids),
                age=age, claimant=claimant.as_claimant() if claimant else None,
                evidence_text=sent.text.strip()))
            self.ctx.note_person(name, None)
            found = True
        return found

    def _allegation(self, sent, cues, speakers, excluded, stmt_date, hedges, verbs, quotes) -> None:
        """A violation alleged without a figure; acknowledgements by authorities are not kept."""
        q = self._in_quote(sent.start_char + 1, quotes) or self._in_quote(cues[0][0].idx, quotes)
        claimant = speakers[0][1] if speakers else (q.speaker if q is not None else self.issuer)
        if claimant is None and not hedges:
            return
        if claimant is not None and _is_authority(claimant):
            return
        usable = sorted(((t, v) for t, v in cues if not _negated(t) and t.i not in excluded
                         and t.lower_ not in WEAK_ALLEGATION_CUES), key=lambda tv: tv[0].i)
        if not usable or any(t.lower_ in RELEASE_VERBS for t in sent):
            return
        cue_tok, violation = next(((t, v) for t, v in usable if t.pos_ == "VERB"),
                                  next(((t, v) for t, v in usable if t.pos_ == "NOUN"), usable[0]))
        perp = pick_perpetrator(sent, cue_tok, excluded, claimant.name if claimant else None)
        victim = None
        for child in cue_tok.children:
            if child.dep_ in ("dobj", "nsubjpass") and child.pos_ == "NOUN" and \
                    child.lower_ in lx.PEOPLE_NOUNS:
                victim = victim_group_text(child, {cue_tok.lower_})
        self.allegations.append(Allegation(
            claimant=claimant.as_claimant() if claimant else None,
            violation=violation, victim_group=victim,
            place=pick_place(sent, cue_tok, excluded, verbs),
            period=pick_period(sent, cue_tok, stmt_date, verbs),
            alleged_perpetrator=perp,
            attributed=claimant is not None, hedges=hedges, evidence_text=sent.text.strip()))

    def result(self, source_name: str | None) -> ExtractionResult:
        quotes = [Quote(q.text, q.speaker.name if q.speaker else None) for q in self.quotes
                  if len(q.text.split()) >= 3]
        sd = self.report.statement_date
        return ExtractionResult(self.claims, self.allegations, self.incidents, quotes,
                                source_name, sd.isoformat() if sd else None,
                                self.report.issuer, list(self.report.doc_relays))


def _as_date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def extract_claims(text: str, *, statement_date: date | str | None = None,
                   source_name: str | None = None) -> ExtractionResult:
    """Claims, allegations, candidate incidents and quotes in one English report."""
    return next(extract_many([(text, source_name)], statement_date=statement_date))


_ABBREV_END = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Col|Lt|Gen|Capt|Maj|Sgt|No|St|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|"
    r"Sept|Oct|Nov|Dec|Rs|Gov|Sen|Rep|Brig|Cdr|Insp|Supt|Hon|Sr|Jr|Mt|vs|etc|approx)\.|"
    r"\b[A-Z]\.)$")
_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[\"“‘(]?[A-Z0-9])")
_CUE_RE = re.compile(
    r"\b(?:%s)\b|picked up|taken away|shot dead|gunned down|never (?:been )?seen|homes\b" % "|".join(
        sorted((re.escape(w) for w in lx.WORD_TO_VIOLATION), key=len, reverse=True)),
    re.IGNORECASE)
_REPORT_RE = re.compile(
    r"\b(?:%s)\b" % "|".join(sorted(lx.REPORTING_VERBS, key=len, reverse=True)), re.IGNORECASE)


def split_sentences(paragraph: str) -> list[str]:
    """A quick sentence split (used only to decide which sentences need parsing)."""
    pieces = _SENT_SPLIT.split(paragraph)
    out: list[str] = []
    for piece in pieces:
        if out and _ABBREV_END.search(out[-1].rstrip("\"”’")):
            out[-1] = out[-1] + " " + piece
        else:
            out.append(piece)
    return out


def relevant_text(paragraph: str) -> str:
    """The paragraph without sentences that cannot hold a claim, a speaker or a quote.

    Background sentences (no figure, no violation word, no reporting verb, no quotation
    mark) are dropped before parsing; this halves the parsing of long features and keeps
    every sentence the rules look at.
    """
    sentences = split_sentences(paragraph)
    if len(sentences) == 1:
        return paragraph if _is_relevant(paragraph) else ""
    in_quote = False
    kept = []
    for sent in sentences:
        opens = sent.count("“") + sent.count('"') % 2
        keep = in_quote or _is_relevant(sent)
        if ("“" in sent and "”" not in sent) or sent.count('"') % 2 == 1:
            in_quote = not in_quote
        elif "”" in sent and "“" not in sent:
            in_quote = False
        if keep or opens:
            kept.append(sent)
    return " ".join(kept)


def _is_relevant(sentence: str) -> bool:
    return bool(_CUE_RE.search(sentence) or _REPORT_RE.search(sentence) or
                any(q in sentence for q in ('"', "“", "”")) or find_figures(sentence))


def extract_many(items: Iterable[tuple], *, statement_date: date | str | None = None,
                 batch_size: int = 64, n_process: int = 1) -> Iterator[ExtractionResult]:
    """Extract from many reports, parsing their relevant sentences in batches with nlp.pipe.

    Items are (text, source_name) or (text, source_name, statement_date); a per-item date
    overrides `statement_date`. `n_process` > 1 parses in that many worker processes (worth it
    for hundreds of reports).
    """
    nlp = load_pipeline()
    default_ref = _as_date(statement_date)
    reports = []
    for item in items:
        text, name = item[0], item[1]
        ref = _as_date(item[2]) if len(item) > 2 and item[2] else default_ref
        if looks_like_html(text):
            text = html_to_text(text)
        report = split_report(text, ref)
        # events the text dates, read before sentences without claims are dropped
        report.dated_events = _dated_events(" ".join(report.paragraphs), report.statement_date)
        kept = [(relevant_text(p), k) for p, k in zip(report.paragraphs, report.kinds)
                if k != "heading"]  # headings are titles, not sentences that make claims
        report.paragraphs = [p for p, _ in kept if p]
        report.kinds = [k for p, k in kept if p]
        reports.append((report, name, bool(re.search(r"\bSYNTHETIC\b", text))))
    flat = [p for report, _, _ in reports for p in report.paragraphs]
    docs = iter(nlp.pipe(flat, batch_size=batch_size, n_process=n_process))
    for report, name, synthetic in reports:
        report_docs = [next(docs) for _ in report.paragraphs]
        ex = _Extractor(report, report_docs)
        ex.run()
        result = ex.result(name)
        result.synthetic = synthetic
        yield result
