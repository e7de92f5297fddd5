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
from .dates import DATE_RE, find_periods, resolve_date
from .nlp import load_pipeline
from .numbers import Figure, find_figures
from .text import Report, split_report

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
}
NON_PERSON_PLURALS = {
    "houses", "homes", "vehicles", "shops", "buildings", "villages", "districts", "schools",
    "years", "months", "days", "weeks", "hours", "rounds", "shells", "rockets", "bullets",
    "votes", "seats", "pages", "points", "times", "kilometres", "kilometers", "miles",
    "rupees", "dollars", "acres", "trucks", "cars", "tents", "schools", "petitions",
    "hearings", "meetings", "protests", "rallies", "raids", "operations", "attacks", "bombs",
    "camps", "checkpoints", "posts", "mosques", "churches", "temples", "hospitals", "weapons",
    "guns", "rifles", "grenades", "members",
}


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

    def to_dict(self) -> dict:
        return {
            "source_name": self.source_name, "statement_date": self.statement_date,
            "claims": [c.to_dict() for c in self.claims],
            "allegations": [a.to_dict() for a in self.allegations],
            "candidate_incidents": [c.to_dict() for c in self.candidate_incidents],
            "quotes": [q.to_dict() for q in self.quotes],
        }


# --------------------------------------------------------------------------------------
# Tree helpers


def tree_distance(a, b) -> int:
    """Number of dependency arcs between two tokens of the same sentence."""
    if a.i == b.i:
        return 0
    path_a = [a] + list(a.ancestors)
    index_a = {t.i: n for n, t in enumerate(path_a)}
    for n, t in enumerate([b] + list(b.ancestors)):
        if t.i in index_a:
            return n + index_a[t.i]
    return 99


def tree_path(a, b) -> list:
    """Tokens on the dependency path from a to b (both ends included)."""
    path_a = [a] + list(a.ancestors)
    index_a = {t.i: n for n, t in enumerate(path_a)}
    path_b = [b] + list(b.ancestors)
    for n, t in enumerate(path_b):
        if t.i in index_a:
            return path_a[: index_a[t.i] + 1] + list(reversed(path_b[:n]))
    return path_a + path_b


def strip_det(text: str) -> str:
    text = re.sub(r"^(?:the|a|an|some|its|their|his|her|our)\s+", "", text.strip(),
                  flags=re.IGNORECASE)
    return text.strip(" ,.;:'\"“”’")


def span_text(tokens: list) -> str:
    """Text of a contiguous run of tokens (gaps are filled from the document)."""
    if not tokens:
        return ""
    doc = tokens[0].doc
    lo, hi = min(t.i for t in tokens), max(t.i for t in tokens)
    return doc[lo: hi + 1].text


# --------------------------------------------------------------------------------------
# Speakers


@dataclass
class Speaker:
    name: str
    role: str | None
    kind: str  # "person", "org" or "generic"

    def as_claimant(self) -> dict:
        return {"name": self.name, "role": self.role}


class Context:
    """What a report has said so far: people named, the last speakers, media per speaker."""

    def __init__(self) -> None:
        self.persons: dict[str, str | None] = {}  # full name -> role
        self.last_person: Speaker | None = None
        self.last_org: Speaker | None = None
        self.last_speaker: Speaker | None = None
        self.medium_of: dict[str, str] = {}

    def note_person(self, name: str, role: str | None) -> None:
        if name not in self.persons or (role and not self.persons[name]):
            self.persons[name] = role

    def full_name(self, token_text: str) -> str | None:
        """Full name of a person named earlier by surname or first name."""
        for full in reversed(list(self.persons)):
            parts = full.split()
            if len(parts) > 1 and token_text in (parts[-1], parts[0]):
                return full
        return None

    def resolve(self, pronoun: str) -> Speaker | None:
        p = pronoun.lower()
        if p in ("he", "she", "him", "her", "his"):
            return self.last_person or self.last_speaker
        if p in ("it", "its"):
            return self.last_org or self.last_speaker
        return self.last_speaker


def _is_person_ent(tok) -> bool:
    if tok.ent_type_ != "PERSON":
        return False
    if tok.text.endswith("s") and tok.text in lx.PEOPLE_NOUNS:
        return False  # community names ("Mohajirs") are not persons
    return True


def _ent_span(tok):
    for ent in tok.doc.ents:
        if ent.start <= tok.i < ent.end:
            return ent
    return None


def _clean_role(parts: list[str]) -> str | None:
    parts = [strip_det(p) for p in parts if p and strip_det(p)]
    if not parts:
        return None
    return ", ".join(dict.fromkeys(parts))


_LOOSE_DEPS = ("appos", "relcl", "acl", "punct", "advcl", "parataxis", "ccomp")


def compact_subtree(tok) -> list:
    """The token's subtree without appositions, relative clauses and punctuation."""
    out = [tok]
    for child in tok.children:
        if child.dep_ not in _LOOSE_DEPS:
            out.extend(compact_subtree(child))
    return out


def _np_tokens(head, stop_preps=("of", "for", "from", "in", "at", "on", "with")) -> list:
    """Head with its compounds, modifiers and (for 'of'/'for') prepositional complements."""
    toks = [head]
    for child in head.children:
        if child.dep_ in ("compound", "amod", "nmod", "poss", "det", "nummod", "quantmod",
                          "case", "npadvmod") and child.i < head.i:
            toks.extend(compact_subtree(child))
        elif child.dep_ == "prep" and child.lower_ in ("of", "for") and child.i > head.i:
            toks.extend(compact_subtree(child))
        elif child.dep_ == "case":
            toks.append(child)
    toks = sorted(set(toks), key=lambda t: t.i)
    # keep only the contiguous run around the head
    run = [head]
    ids = {t.i for t in toks}
    i = head.i - 1
    while i in ids:
        run.insert(0, head.doc[i]); i -= 1
    i = head.i + 1
    while i in ids:
        run.append(head.doc[i]); i += 1
    return run


def speaker_from_token(head, ctx: Context, sent) -> Speaker | None:
    """The speaker named by the noun phrase whose head is `head`, resolved with the context."""
    if head.lower_ in lx.PRONOUNS:
        return ctx.resolve(head.lower_)
    ent = _ent_span(head)
    # A person named in the phrase (directly or as a compound of a title noun)
    person_tok = head if _is_person_ent(head) else None
    if person_tok is None and head.pos_ == "PROPN" and ctx.full_name(head.text):
        person_tok = head
    if person_tok is None:
        for child in head.children:
            if child.dep_ in ("compound", "appos") and _is_person_ent(child):
                person_tok = child
    if person_tok is not None:
        return _person_speaker(person_tok, head, ctx)
    # "a spokesman for the X Party", "the chairman of the X Commission"
    if head.lower_ in lx.TITLE_WORDS:
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ in ("for", "of", "at", "from"):
                objs = [c for c in child.children if c.dep_ == "pobj"]
                if objs and (objs[0].pos_ == "PROPN" or objs[0].ent_type_ in ("ORG", "GPE", "NORP")
                             or objs[0].lower_ in lx.ORG_WORDS):
                    org = strip_det(span_text(_np_tokens(objs[0])))
                    role_toks = [t for t in _np_tokens(head, stop_preps=()) if t.i < child.i]
                    role = strip_det(span_text([t for t in role_toks if t.dep_ != "det"] or [head]))
                    sp = Speaker(org, role, "org")
                    ctx.last_org = sp
                    return sp
        for child in head.children:
            if child.dep_ == "appos" and child.ent_type_ == "PERSON":
                return _person_speaker(child, head, ctx)
    toks = _np_tokens(head)
    name = strip_det(span_text([t for t in toks if t.dep_ not in ("det",) or t.i != toks[0].i]))
    if ent is not None and ent.label_ in ("ORG", "NORP", "GPE") and len(ent.text) > len(name):
        name = strip_det(ent.text)
    if not name:
        return None
    kind = "org" if (ent is not None and ent.label_ == "ORG") or head.pos_ == "PROPN" or \
        head.lower_ in lx.ORG_WORDS else "generic"
    role = None
    for tok in toks:
        for child in tok.children:
            if child.dep_ == "appos" and child.ent_type_ != "PERSON":
                role = strip_det(span_text(compact_subtree(child)))
    sp = Speaker(name, role, kind)
    if kind == "org":
        ctx.last_org = sp
    return sp


def _person_speaker(person_tok, head, ctx: Context) -> Speaker:
    ent = _ent_span(person_tok)
    name = ent.text if ent is not None and ent.label_ == "PERSON" else person_tok.text
    name = re.sub(r"'s$|’s$", "", name).strip()
    if len(name.split()) == 1:
        name = ctx.full_name(name) or name
    roles: list[str] = []
    # titles before the name inside the same noun phrase: "Opposition leader Tariq Mehboob"
    lead = [t for t in head.subtree if t.i < (ent.start if ent is not None else person_tok.i)
            and t.dep_ in ("compound", "amod", "nmod", "poss", "case") and t.ent_type_ != "PERSON"]
    if lead:
        roles.append(span_text(lead))
    if head is not person_tok and head.lower_ in lx.TITLE_WORDS:
        roles.append(span_text([t for t in _np_tokens(head) if not (
            ent is not None and ent.start <= t.i < ent.end)]))
    for tok in (person_tok, head):
        for child in tok.children:
            if child.dep_ == "appos" and child.ent_type_ != "PERSON":
                roles.append(span_text(sorted(compact_subtree(child), key=lambda t: t.i)))
            elif child.dep_ == "prep" and child.lower_ in ("of", "from") and child.i > tok.i:
                roles.append(span_text(sorted(compact_subtree(child), key=lambda t: t.i)[1:]))
    role = _clean_role(roles)
    if role is None:
        role = ctx.persons.get(name)
    ctx.note_person(name, role)
    sp = Speaker(name, role, "person")
    ctx.last_person = sp
    return sp


def reporting_verbs(sent) -> list:
    return [t for t in sent if t.lower_ in lx.REPORTING_VERBS and t.pos_ in ("VERB", "AUX")
            and t.lower_ != "according"]


def speaker_of_verb(verb, ctx: Context, sent) -> Speaker | None:
    """The speaker of a reporting verb: its subject, or the agent of a passive."""
    subj = None
    for child in verb.children:
        if child.dep_ in ("nsubj",) and child.lower_ not in ("it", "that", "which", "who"):
            subj = child
        elif child.dep_ == "nsubj" and child.lower_ == "it" and ctx.last_org:
            subj = child
        elif child.dep_ == "agent":
            objs = [c for c in child.children if c.dep_ == "pobj"]
            if objs:
                subj = objs[0]
    if subj is None and verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.i != verb.i:
        return speaker_of_verb(verb.head, ctx, sent) if verb.head.lower_ in lx.REPORTING_VERBS \
            else None
    if subj is None and verb.dep_ in ("acl", "relcl") and verb.head.pos_ in ("NOUN", "PROPN"):
        subj = verb.head if verb.dep_ == "acl" else None
    if subj is None:
        return None
    if subj.lower_ in ("who",):
        return None
    # "A report by the X Commission", "the X Commission's report"
    if subj.lower_ in ("report", "statement", "study", "survey", "figures", "data", "tally",
                       "count", "record", "records", "letter", "document", "list", "dossier"):
        for child in subj.children:
            if child.dep_ == "poss":
                return speaker_from_token(child, ctx, sent)
            if child.dep_ in ("prep", "agent", "acl") and child.lower_ in ("by", "of", "from",
                                                                            "released", "issued"):
                for obj in child.subtree:
                    if obj.dep_ == "pobj":
                        return speaker_from_token(obj, ctx, sent)
    return speaker_from_token(subj, ctx, sent)


def according_to(sent, ctx: Context) -> list[tuple[object, Speaker]]:
    """(token, speaker) pairs for "according to X" phrases."""
    out = []
    for tok in sent:
        if tok.lower_ == "according":
            to = [c for c in tok.children if c.lower_ == "to"]
            if not to and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to":
                to = [tok.doc[tok.i + 1]]
            objs = [c for c in to[0].children if c.dep_ == "pobj"] if to else []
            if not objs and to:
                nxt = [t for t in tok.doc[to[0].i + 1: min(len(tok.doc), to[0].i + 8)]
                       if t.pos_ in ("NOUN", "PROPN", "PRON")]
                objs = nxt[:1]
            if objs:
                obj = objs[0]
                # "according to a report by/of X", "according to figures compiled by X"
                if obj.lower_ in ("report", "figures", "data", "statement", "tally", "count",
                                  "estimates", "records", "list", "study", "survey"):
                    inner = [t for t in obj.subtree if t.dep_ == "pobj" and t.i > obj.i
                             and t.head.lower_ in ("by", "of", "from")] + \
                            [t for t in obj.children if t.dep_ == "poss"]
                    if inner:
                        obj = inner[0]
                sp = speaker_from_token(obj, ctx, sent)
                if sp:
                    out.append((tok, sp))
    return out


# --------------------------------------------------------------------------------------
# Violations, groups, places, perpetrators, periods


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
            if span is not None and len(span):
                cues.append((span[0], violation))
                taken.update(t.i for t in span)
    for tok in sent:
        if tok.i in taken:
            continue
        violation = lx.WORD_TO_VIOLATION.get(tok.lower_)
        if violation is None:
            continue
        if tok.lower_ in lx.NOT_VIOLATION_CONTEXT:
            around = low[max(0, tok.idx - sent.start_char - 6): tok.idx - sent.start_char + 16]
            if any(p in around for p in lx.NOT_VIOLATION_CONTEXT[tok.lower_]):
                continue
            if tok.lower_ == "held" and not re.search(
                    r"held (?:in |incommunicado|without|captive|hostage|illegally|secretly|at )",
                    low[tok.idx - sent.start_char:]):
                continue
        if tok.lower_ in ("death", "deaths") and tok.i + 1 < len(tok.doc) and \
                tok.doc[tok.i + 1].lower_ in ("squad", "squads", "penalty", "sentence", "threats",
                                              "anniversary"):
            continue
        if tok.lower_ == "lives" and not re.search(r"\b(?:lost|claimed|claiming|cost)\b", low):
            continue
        if tok.lower_ in ("custody",) and re.search(r"\bdied in custody\b|\bcustodial death", low):
            violation = "killing"
        if tok.lower_ in ("missing",) and tok.dep_ == "amod" and tok.head.lower_ in ("link",):
            continue
        cues.append((tok, violation))
    return cues


def _blocking_verb(path: list, cue_tok) -> bool:
    """True when the path from figure to cue passes a verb that is neither a cue nor a link."""
    for t in path[1:-1]:
        if t.pos_ == "VERB" and t.lower_ not in LINK_VERBS and \
                lx.WORD_TO_VIOLATION.get(t.lower_) is None and t.lower_ not in lx.REPORTING_VERBS:
            return True
    return False


def counted_noun(anchor):
    """The noun a figure counts ("25,000 workers", "dozens of activists"), if any."""
    if anchor.dep_ in ("nummod", "quantmod", "amod", "npadvmod", "compound") and \
            anchor.head.pos_ in ("NOUN", "PROPN", "ADJ") and anchor.head.i > anchor.i:
        head = anchor.head
        if head.lower_ in ("dozen", "hundred", "thousand", "lakh", "million") and \
                head.head.pos_ in ("NOUN", "PROPN"):
            head = head.head
        return _through_of(head)
    of = _through_of(anchor)
    if of is not anchor:
        return of
    return None


def _through_of(tok):
    """Follow "X of Y" when X is a quantity word or a container ("members of the party")."""
    if tok.lower_ in ("dozens", "hundreds", "thousands", "scores", "tens", "millions", "number",
                      "total", "lot", "lots", "several", "few", "handful", "some", "many") or \
            tok.like_num or tok.lower_ in ("dozen", "hundred", "thousand", "lakh", "million"):
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                objs = [c for c in child.children if c.dep_ == "pobj"]
                if objs:
                    return objs[0]
    return tok


def victim_group_text(noun, cue_words: set[str]) -> str | None:
    """The counted group as the text names it, without the figure or the violation word."""
    if noun is None:
        return None
    if noun.lower_ in lx.EVENT_NOUNS:
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ in ("of", "among"):
                objs = [c for c in child.children if c.dep_ == "pobj"]
                if objs and objs[0].lower_ not in lx.EVENT_NOUNS and objs[0].pos_ in ("NOUN", "PROPN"):
                    return victim_group_text(objs[0], cue_words)
        return None
    toks = [noun]
    for child in noun.children:
        if child.i < noun.i and child.dep_ in ("compound", "amod", "nmod", "poss", "case") and \
                not child.like_num and child.lower_ not in cue_words and \
                lx.WORD_TO_VIOLATION.get(child.lower_) is None and \
                child.lower_ not in ("other", "more", "innocent", "unarmed", "least", "many"):
            toks.extend(t for t in child.subtree if not t.like_num)
        elif child.dep_ == "prep" and child.lower_ in ("of", "from", "belonging") and child.i > noun.i:
            sub = list(child.subtree)
            if not any(lx.WORD_TO_VIOLATION.get(t.lower_) for t in sub) and len(sub) <= 8:
                toks.extend(sub)
    toks = sorted(set(toks), key=lambda t: t.i)
    # keep the run contiguous from the first kept modifier to the end
    text = span_text(toks)
    text = re.sub(r"^(?:the|a|an|some|of|at least|more than)\s+", "", text, flags=re.IGNORECASE)
    return strip_det(text) or None


def _place_candidates(sent, excluded: set[int]) -> list:
    """Tokens heading place names in the sentence (entities, and 'in X' proper nouns)."""
    out = []
    seen = set()
    for ent in sent.ents:
        if any(t.i in excluded for t in ent):
            continue
        ok = ent.label_ in ("GPE", "LOC", "FAC")
        if not ok and ent.label_ in ("ORG", "PERSON", "NORP", "DATE"):
            head = ent.root
            prep = head.head if head.dep_ == "pobj" else None
            ok = prep is not None and prep.lower_ in ("in", "across", "near", "around") and \
                not any(t.lower_ in lx.ORG_WORDS for t in ent) and head.pos_ == "PROPN" and \
                ent.label_ != "DATE" or (ent.label_ == "DATE" and prep is not None and
                                        prep.lower_ in ("in", "across") and head.pos_ == "PROPN"
                                        and not DATE_RE.fullmatch(ent.text))
        if ok:
            out.append(ent)
            seen.update(t.i for t in ent)
    for tok in sent:
        if tok.i in seen or tok.i in excluded:
            continue
        if tok.pos_ == "PROPN" and tok.dep_ == "pobj" and tok.head.lower_ in ("in", "across") \
                and not tok.ent_type_ and not DATE_RE.fullmatch(tok.text):
            left = [t for t in tok.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"]
            out.append(tok.doc[(left[0].i if left else tok.i): tok.i + 1])
    return out


def _expand_place(span) -> str:
    """Place text, with a coordinated second place ("Karachi and Hyderabad")."""
    text = span.text
    text = re.sub(r"^the\s+", "", text, flags=re.IGNORECASE)
    root = span.root
    for child in root.children:
        if child.dep_ == "conj" and child.pos_ == "PROPN" and (child.ent_type_ in ("GPE", "LOC")):
            ent = _ent_span(child)
            text += " and " + (ent.text if ent is not None else child.text)
    text = re.sub(r"['’]s$", "", text)
    return text


def pick_place(sent, cue_tok, excluded: set[int]) -> str | None:
    cands = _place_candidates(sent, excluded)
    if not cands:
        return None
    best = min(cands, key=lambda s: (tree_distance(s.root, cue_tok), abs(s.root.i - cue_tok.i)))
    return _expand_place(best)


def _np_text(tok) -> str:
    toks = [tok]
    for child in tok.children:
        if child.i < tok.i and child.dep_ in ("compound", "amod", "nmod", "poss", "case", "det"):
            toks.extend(compact_subtree(child))
        elif child.dep_ == "prep" and child.lower_ in ("of", "in") and child.i > tok.i:
            sub = compact_subtree(child)
            if child.lower_ == "of" or (len(sub) <= 4 and not any(
                    t.ent_type_ in ("GPE", "LOC", "FAC", "DATE") for t in sub)):
                toks.extend(sub)
    return strip_det(span_text(sorted(set(toks), key=lambda t: t.i)))


def _perp_ok(tok) -> bool:
    return tok.lower_ in lx.PERPETRATOR_HEADS or tok.ent_type_ in ("ORG", "NORP") or \
        bool(lx.PERPETRATOR_RE.search(_np_text(tok)))


def pick_perpetrator(sent, cue_tok, excluded: set[int]) -> str | None:
    """Who the text says carried out the violation, by the parse's agent and subject roles."""
    cands = []
    for tok in sent:
        if tok.i in excluded:
            continue
        # "killed by X", "at the hands of X", "in the custody of X", "blamed on X"
        if tok.dep_ == "pobj" and (tok.head.dep_ == "agent" or tok.head.lower_ == "by") and _perp_ok(tok):
            cands.append(tok)
        elif tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lower_ in (
                "hands", "custody", "personnel", "men"):
            cands.append(tok)
        elif tok.dep_ == "pobj" and tok.head.lower_ == "on" and tok.head.head.lower_ in ("blamed",):
            cands.append(tok)
        # "accused X of killing", "blamed X for"
        elif tok.dep_ == "dobj" and tok.head.lower_ in ("accused", "accuses", "accusing", "blamed",
                                                          "blames", "blaming", "held", "charged"):
            cands.append(tok)
        # active violation verb: "security forces killed 12"
        elif tok.dep_ == "nsubj" and lx.WORD_TO_VIOLATION.get(tok.head.lower_) and \
                not any(c.dep_ == "auxpass" for c in tok.head.children) and _perp_ok(tok) and \
                tok.head.lower_ not in ("died", "die", "dies", "fled", "flee", "missing", "dead",
                                        "disappeared", "vanished", "perished"):
            cands.append(tok)
        # "Rangers-led", "army-run"
        elif tok.lower_ in ("rangers", "army", "police") and tok.dep_ in ("npadvmod",) :
            cands.append(tok)
    if not cands:
        return None
    best = min(cands, key=lambda t: (tree_distance(t, cue_tok), abs(t.i - cue_tok.i)))
    if tree_distance(best, cue_tok) > 7:
        return None
    if best.lower_ in lx.PRONOUNS or best.lower_ in ("who", "which", "whom", "unknown"):
        return None
    text = _np_text(best)
    for child in best.children:
        if child.dep_ == "cc":
            continue
        if child.dep_ == "conj" and _perp_ok(child):
            text += " and " + _np_text(child)
    return text or None


def pick_period(sent, cue_tok, ref: date | None, report_verbs: list) -> dict:
    """The period the figure covers, from the time expression nearest the violation word."""
    best = None
    for p in find_periods(sent.text, ref):
        span = sent.doc.char_span(sent.start_char + p.start, sent.start_char + p.end,
                                  alignment_mode="expand")
        if span is None or not len(span):
            continue
        root = span.root
        d_cue = tree_distance(root, cue_tok)
        d_rep = min((tree_distance(root, v) for v in report_verbs), default=99)
        if any(_attached_to_verb(span, v) for v in report_verbs):
            continue  # "said on Tuesday": the statement date, not the period
        key = (d_cue, abs(root.i - cue_tok.i))
        if best is None or key < best[0]:
            best = (key, p.span)
    if best is None:
        return {"start": None, "end": None}
    return best[1].to_dict()


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
    if not (root.head.i == verb.i or root.head.head.i == verb.i):
        return False
    for child in verb.children:
        if child.dep_ in ("ccomp", "parataxis", "xcomp", "dobj"):
            sub = [t.i for t in child.subtree]
            if min(sub) <= root.i <= max(sub):
                return False
    return True


# --------------------------------------------------------------------------------------
# Hedges, media, relays, quotes


def hedges_in(text: str) -> list[str]:
    found = []
    for label, pattern in lx.HEDGE_PATTERNS:
        m = pattern.search(text)
        if m:
            found.append((m.start(), label))
    return [label for _, label in sorted(found)]


def medium_in(text: str) -> str | None:
    for label, pattern in lx.MEDIUM_PATTERNS:
        if pattern.search(text):
            return label
    return None


_PAPER_RE = re.compile(
    r"\b(?:told|quoted by|reported by|interview with|according to|speaking to|cited by|wrote in|"
    r"published by|report in|reports in|carried by)\s+(?:the\s+)?"
    r"(?P<name>(?:[A-Z][\w.&'-]*\s+){0,4}(?:newspaper|daily|Daily\s+\w+|Times|Post|News|Tribune|"
    r"Herald|Express|Dawn|Nation|Chronicle|Observer|Gazette|Journal|Star|Mail|Telegraph|Guardian|"
    r"Television|TV|Radio|channel|broadcaster|[A-Z][\w]+\s+(?:newspaper|daily|channel)))"
)
_PAPER_SUBJ_RE = re.compile(
    r"\b(?:the\s+)?(?P<name>(?:[A-Z][\w.&'-]*\s+){0,3}(?:newspaper|daily|Times|Post|Tribune|"
    r"Herald|Express|Dawn|Chronicle|Observer|Gazette|Journal|Television|TV|Radio)"
    r"(?:\s+[A-Z][\w]+){0,2})\s+(?:reported|said|quoted|carried|cited|published)\b"
)


def relays_in(text: str) -> list[str]:
    """Agencies and papers a sentence names as carrying the claim."""
    found: list[tuple[int, str]] = []
    for m in lx.AGENCY_RE.finditer(text):
        found.append((m.start(), m.group(0)))
    for rx in (_PAPER_RE, _PAPER_SUBJ_RE):
        for m in rx.finditer(text):
            name = strip_det(m.group("name"))
            if not lx.AGENCY_RE.fullmatch(name):
                found.append((m.start("name"), name))
    return list(dict.fromkeys(name for _, name in sorted(found)))


_QUOTE_RE = re.compile(r"“([^”]{8,})”|\"([^\"]{8,})\"")


@dataclass
class _QuoteSpan:
    para: int
    start: int
    end: int
    text: str
    speaker: Speaker | None = None


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


def _figure_is_count(anchor, noun) -> bool:
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


class _Extractor:
    def __init__(self, report: Report, docs: list) -> None:
        self.report = report
        self.docs = docs
        self.ctx = Context()
        self.claims: list[Claim] = []
        self.allegations: list[Allegation] = []
        self.incidents: list[CandidateIncident] = []
        self.quotes: list[_QuoteSpan] = []
        self.doc_medium = medium_in(" ".join(report.paragraphs))

    def run(self) -> None:
        for pi, doc in enumerate(self.docs):
            quotes = [_QuoteSpan(pi, m.start(), m.end(), m.group(1) or m.group(2))
                      for m in _QUOTE_RE.finditer(doc.text)]
            self.quotes.extend(quotes)
            para_speaker: Speaker | None = None
            for sent in doc.sents:
                para_speaker = self.sentence(sent, quotes, para_speaker) or para_speaker
            for q in quotes:
                if q.speaker is None and q.start <= 1 and self.ctx.last_speaker is not None:
                    q.speaker = para_speaker or self.ctx.last_speaker

    def sentence(self, sent, quotes: list[_QuoteSpan], para_speaker) -> Speaker | None:
        ref = self.report.statement_date
        verbs = reporting_verbs(sent)
        outside_quote = [v for v in verbs if not self._in_quote(v.idx, quotes)]
        speakers: list[tuple[object, Speaker]] = []
        for v in outside_quote:
            sp = speaker_of_verb(v, self.ctx, sent)
            if sp is not None:
                speakers.append((v, sp))
        accord = according_to(sent, self.ctx)
        speakers.extend(accord)
        main_speaker = speakers[0][1] if speakers else None
        for _, sp in speakers:
            self.ctx.last_speaker = sp
            if sp.kind == "person":
                self.ctx.last_person = sp
            m = medium_in(sent.text)
            if m:
                self.ctx.medium_of.setdefault(sp.name, m)
        # quotes whose closing mark is in this sentence take the sentence's speaker
        for q in quotes:
            if q.speaker is None and sent.start_char <= q.end - 1 <= sent.end_char + 1 and \
                    main_speaker is not None:
                q.speaker = main_speaker
        stmt_date = statement_date_in(sent, ref, verbs) or ref
        sent_relays = relays_in(sent.text)
        relays = list(dict.fromkeys(sent_relays + self.report.doc_relays))
        hedges = hedges_in(sent.text)
        cues = violation_cues(sent)
        cue_words = {t.lower_ for t, _ in cues}
        excluded = self._speaker_tokens(sent, speakers)
        found_claim = False
        for fig in find_figures(sent.text):
            span = _figure_tokens(sent, fig)
            if span is None or not len(span):
                continue
            claim = self._claim_for_figure(sent, fig, span, cues, cue_words, speakers, quotes,
                                           excluded, stmt_date, relays, hedges, verbs)
            if claim is not None:
                self.claims.append(claim)
                found_claim = True
        incident = self._incidents(sent, cues, speakers, excluded, stmt_date, verbs)
        if not found_claim and not incident and cues:
            self._allegation(sent, cues, speakers, excluded, stmt_date, hedges, verbs, quotes)
        return main_speaker

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
            for child in verb.children:
                if child.dep_ in ("nsubj", "agent") or (verb.lower_ == "according"):
                    out.update(t.i for t in child.subtree)
            if verb.lower_ == "according":
                out.update(t.i for t in verb.subtree)
        return out

    def _claimant_for(self, anchor, sent, speakers, quotes) -> Speaker | None:
        q = self._in_quote(anchor.idx, quotes)
        if q is not None:
            if q.speaker is None:
                # the speaker may come later in the sentence, or was the last one
                return speakers[0][1] if speakers else self.ctx.last_speaker
            return q.speaker
        if not speakers:
            return None
        ancestors = {t.i for t in anchor.ancestors}
        governing = [(v, sp) for v, sp in speakers if v.i in ancestors]
        if governing:
            return min(governing, key=lambda vs: tree_distance(anchor, vs[0]))[1]
        return min(speakers, key=lambda vs: tree_distance(anchor, vs[0]))[1]

    def _claim_for_figure(self, sent, fig, span, cues, cue_words, speakers, quotes, excluded,
                          stmt_date, relays, hedges, verbs) -> Claim | None:
        anchor = _anchor(span)
        if anchor.i in excluded:
            return None
        noun = counted_noun(anchor)
        if noun is not None and (noun.ent_type_ in ("DATE", "TIME") and noun.lower_ in (
                "years", "months", "days", "weeks", "hours")):
            return None
        if not _figure_is_count(anchor, noun):
            return None
        best = None
        start = noun or anchor
        for cue_tok, violation in cues:
            if cue_tok.i in range(span.start, span.end):
                continue
            path = tree_path(start, cue_tok)
            if _blocking_verb(path, cue_tok):
                continue
            key = (len(path), abs(cue_tok.i - anchor.i))
            if best is None or key < best[0]:
                best = (key, cue_tok, violation)
        if noun is not None and noun.lower_ in ("detainees", "prisoners") and best is None:
            best = ((0, 0), noun, "arbitrary detention")
        if noun is not None and noun.lower_ in ("refugees",) and best is None:
            best = ((0, 0), noun, "displacement")
        if best is None or best[0][0] > 9:
            return None
        _, cue_tok, violation = best
        claimant = self._claimant_for(anchor, sent, speakers, quotes)
        quote = self._in_quote(anchor.idx, quotes)
        group = victim_group_text(noun, cue_words)
        if group and noun is not None and noun.i in excluded:
            group = None
        place = pick_place(sent, cue_tok, excluded | set(range(span.start, span.end)))
        perp = pick_perpetrator(sent, cue_tok, excluded | ({noun.i} if noun is not None else set()))
        if perp and group and perp.lower() == group.lower():
            perp = None
        medium = None
        if claimant is not None:
            medium = medium_in(sent.text) or self.ctx.medium_of.get(claimant.name)
        return Claim(
            claimant=claimant.as_claimant() if claimant else None,
            medium=medium,
            relayed_by=", ".join(relays) or None,
            statement_date=stmt_date.isoformat() if stmt_date else None,
            quantity=fig.to_dict(),
            violation=violation,
            victim_group=group,
            place=place,
            period=pick_period(sent, cue_tok, stmt_date, verbs),
            alleged_perpetrator=perp,
            attributed=claimant is not None,
            hedges=hedges,
            evidence_text=sent.text.strip(),
            quotes=[{"text": quote.text, "speaker": (quote.speaker.name if quote.speaker else
                                                     (claimant.name if claimant else None))}]
            if quote is not None else [],
        )

    def _incidents(self, sent, cues, speakers, excluded, stmt_date, verbs) -> bool:
        if not cues:
            return False
        found = False
        seen: set[str] = set()
        for ent in sent.ents:
            if ent.label_ != "PERSON" or any(t.i in excluded for t in ent):
                continue
            if ent.text.endswith("s") and ent.text in lx.PEOPLE_NOUNS:
                continue
            root = ent.root
            best = None
            for cue_tok, violation in cues:
                d = tree_distance(root, cue_tok)
                if d > 3:
                    continue
                path = tree_path(root, cue_tok)
                if _blocking_verb(path, cue_tok):
                    continue
                # the named person must be the patient, not the doer
                if root.dep_ == "nsubj" and root.head.i == cue_tok.i and violation not in (
                        "enforced disappearance",) and cue_tok.lower_ not in (
                        "died", "missing", "dead", "disappeared", "vanished"):
                    continue
                if root.dep_ == "pobj" and root.head.dep_ == "agent":
                    continue
                if best is None or d < best[0]:
                    best = (d, cue_tok, violation)
            if best is None:
                continue
            name = re.sub(r"['’]s$", "", ent.text).strip()
            if name in seen:
                continue
            seen.add(name)
            _, cue_tok, violation = best
            period = pick_period(sent, cue_tok, stmt_date, verbs)
            age = None
            m = re.search(re.escape(ent.text) + r",\s*(\d{1,2}),|" + re.escape(ent.text) +
                          r",?\s*(?:aged|age)\s*(\d{1,2})", sent.text)
            if m:
                age = int(m.group(1) or m.group(2))
            claimant = speakers[0][1] if speakers else None
            self.incidents.append(CandidateIncident(
                victim_name=name, event=violation,
                date=period["start"] if period["start"] == period["end"] else period["start"],
                place=pick_place(sent, cue_tok, excluded | set(range(ent.start, ent.end))),
                alleged_perpetrator=pick_perpetrator(sent, cue_tok, excluded | {root.i}),
                age=age, claimant=claimant.as_claimant() if claimant else None,
                evidence_text=sent.text.strip()))
            self.ctx.note_person(name, None)
            found = True
        return found

    def _allegation(self, sent, cues, speakers, excluded, stmt_date, hedges, verbs, quotes) -> None:
        q = self._in_quote(sent.start_char + 1, quotes) or (
            self._in_quote(cues[0][0].idx, quotes) if cues else None)
        claimant = speakers[0][1] if speakers else (q.speaker if q is not None else None)
        if claimant is None and not hedges:
            return
        cue_tok, violation = cues[0]
        # prefer a cue that is a verb or event noun over a bare adjective
        for tok, v in cues:
            if tok.pos_ in ("VERB", "NOUN"):
                cue_tok, violation = tok, v
                break
        victim = None
        for child in cue_tok.children:
            if child.dep_ in ("dobj", "nsubjpass") and child.pos_ in ("NOUN",) and \
                    child.lower_ in lx.PEOPLE_NOUNS | {"people", "youths", "workers"}:
                victim = victim_group_text(child, {cue_tok.lower_})
        self.allegations.append(Allegation(
            claimant=claimant.as_claimant() if claimant else None,
            violation=violation, victim_group=victim,
            place=pick_place(sent, cue_tok, excluded),
            period=pick_period(sent, cue_tok, stmt_date, verbs),
            alleged_perpetrator=pick_perpetrator(sent, cue_tok, excluded),
            attributed=claimant is not None, hedges=hedges, evidence_text=sent.text.strip()))

    def result(self, source_name: str | None) -> ExtractionResult:
        quotes = [Quote(q.text, q.speaker.name if q.speaker else None) for q in self.quotes
                  if len(q.text.split()) >= 3]
        sd = self.report.statement_date
        return ExtractionResult(self.claims, self.allegations, self.incidents, quotes,
                                source_name, sd.isoformat() if sd else None)


def _as_date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def extract_claims(text: str, *, statement_date: date | str | None = None,
                   source_name: str | None = None) -> ExtractionResult:
    """Claims, allegations, candidate incidents and quotes in one English report."""
    return next(extract_many([(text, source_name)], statement_date=statement_date))


def extract_many(items: Iterable[tuple[str, str | None]], *,
                 statement_date: date | str | None = None,
                 batch_size: int = 64) -> Iterator[ExtractionResult]:
    """Extract from many reports, parsing their paragraphs in batches with nlp.pipe."""
    nlp = load_pipeline()
    ref = _as_date(statement_date)
    items = list(items)
    reports = [(split_report(text, ref), name) for text, name in items]
    flat = [p for report, _ in reports for p in report.paragraphs]
    docs = iter(nlp.pipe(flat, batch_size=batch_size))
    for report, name in reports:
        report_docs = [next(docs) for _ in report.paragraphs]
        ex = _Extractor(report, report_docs)
        ex.run()
        yield ex.result(name)
