"""Who says it, how and through whom: speakers, roles, media, relays, hedges and quotes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import lexicon as lx
from .syntax import (
    _ent_span, _is_person_ent, _modifiers_text, _np_tokens, compact_subtree, span_text, strip_det,
)



@dataclass
class Speaker:
    name: str
    role: str | None
    kind: str  # "person", "org" or "generic"

    def as_claimant(self) -> dict:
        return {"name": self.name, "role": self.role}


ORG_SYNONYMS = {"court": {"tribunal"}, "tribunal": {"court"}, "organisation": {"organization"},
                "organization": {"organisation"}, "panel": {"commission", "committee"}}
GENERIC_ORG_NOUNS = {"group", "organisation", "organization", "body", "watchdog", "outfit"}
REPORT_NOUNS = {"report", "study", "survey", "factsheet", "dossier", "review", "findings", "tally"}
# Subjects that show something but make no claim: "A video ... showed 11 bodies".
NON_SPEAKERS = {"video", "videos", "footage", "photo", "photos", "photograph", "photographs",
                "images", "image", "pictures", "picture", "clip", "clips", "recording"}
DEFINITE_ORG_NOUNS = {
    "group", "forum", "office", "court", "council", "monitor", "association", "commission",
    "network", "organisation", "organization", "party", "committee", "coalition", "alliance",
    "institute", "tribunal", "agency", "movement", "watchdog", "observatory", "collective",
    "front", "union", "league", "society", "centre", "center", "body", "panel", "mission",
    "jirga", "tanzeem",
}


def _merge_roles(parts: list[str]) -> str | None:
    """One role string from the parts a text gives, dropping parts another part contains."""
    kept: list[str] = []
    for part in parts:
        words = set(part.lower().split())
        if any(words <= set(k.lower().split()) for k in kept):
            continue
        kept = [k for k in kept if not set(k.lower().split()) <= words]
        kept.append(part)
    return ", ".join(kept) or None


class Context:
    """What a report has said so far: people named, the last speakers, media per speaker."""

    def __init__(self) -> None:
        self.roles: dict[str, list[str]] = {}  # speaker name -> role parts, in order seen
        self.persons: list[str] = []
        self.last_person: Speaker | None = None
        self.last_org: Speaker | None = None
        self.last_speaker: Speaker | None = None
        self.medium_of: dict[str, str] = {}
        self.orgs: list[str] = []
        self.aliases: dict[str, str] = {}  # "HRCB" -> "Human Rights Council of Balochistan"
        self.issuer: Speaker | None = None  # who issues the statement, when the text is one
        # organisations met only by description ("a rights group said ..."), and the
        # organisations named, with the number of the sentence they were named in
        self.described: set[str] = set()
        self.named_orgs: list[tuple[int, str]] = []
        self.sentence_no = 0

    def note_role(self, name: str, role: str | None) -> None:
        parts = self.roles.setdefault(name, [])
        if role:
            for part in role.split(", "):
                if part and part not in parts:
                    parts.append(part)

    def note_person(self, name: str, role: str | None) -> None:
        if name not in self.persons:
            self.persons.append(name)
        self.note_role(name, role)

    def role_of(self, name: str) -> str | None:
        return _merge_roles(self.roles.get(name, []))

    def full_name(self, token_text: str) -> str | None:
        """Full name of a person named earlier by surname or first name."""
        for full in reversed(self.persons):
            parts = full.split()
            if len(parts) > 1 and token_text in (parts[-1], parts[0]):
                return full
        return None

    def resolve(self, pronoun: str) -> Speaker | None:
        p = pronoun.lower()
        if p in ("he", "she", "him", "her", "his"):
            return self.last_person
        if p in ("it", "its"):
            return self.last_org or self.last_speaker
        if p in ("we", "us", "our"):
            return self.issuer or self.last_org or self.last_speaker
        return self.last_speaker

    def set_org(self, sp: Speaker) -> Speaker:
        self.last_org = sp
        self.note_role(sp.name, sp.role)
        if sp.name not in self.described and any(w[:1].isupper() for w in sp.name.split()[1:]):
            self.named_orgs.append((self.sentence_no, sp.name))
        if sp.name in self.orgs:
            self.orgs.remove(sp.name)
        self.orgs.append(sp.name)
        return sp

    def org_for(self, noun: str) -> str | None:
        """The latest organisation whose name or role holds the noun ("the commission").

        A generic noun ("the group", "the organisation") falls back on the last organisation.
        """
        same = {noun} | ORG_SYNONYMS.get(noun, set())
        for name in reversed(self.orgs):
            words = set(name.lower().split()) | set((self.role_of(name) or "").lower().split())
            if same & words:
                return name
        if noun in GENERIC_ORG_NOUNS and self.last_org is not None:
            return self.last_org.name
        return None


_HONORIFICS = re.compile(r"^(?:mr|mrs|ms|miss|mx|sir|madam|dame|lady|lord|haji|mian|syed|sayed|"
                        r"mirza|khawaja|mst|begum|sahib)\.?$", re.IGNORECASE)


def _clean_role(parts: list[str]) -> str | None:
    parts = [strip_det(p) for p in parts if p and strip_det(p)]
    parts = [p for p in parts if not _HONORIFICS.match(p)]
    if not parts:
        return None
    return ", ".join(dict.fromkeys(parts))


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
            if child.dep_ == "compound" and _is_person_ent(child):
                person_tok = child
    if person_tok is not None:
        return _person_speaker(person_tok, head, ctx)
    if head.pos_ == "NOUN" and head.lower_ in DEFINITE_ORG_NOUNS | lx.ORG_WORDS and any(
            c.dep_ == "poss" and c.lower_ in ("her", "his", "their", "our", "my")
            for c in head.children):
        return None  # "her group had documented ...": the claim stays with the outer speaker
    appos = [c for c in head.children if c.dep_ == "appos" and c.pos_ == "PROPN"]
    if head.pos_ == "NOUN" and appos:
        # "The association's patron, Firdous Rather," / "The Dhaka-based monitor, X Forum,"
        desc = strip_det(span_text(_np_tokens(head)))
        if re.fullmatch(r"[A-Z]{2,8}", appos[0].text) and appos[0].i > 0 and \
                head.doc[appos[0].i - 1].text == "(":
            # "A joint investigation team (JIT)": the letters are an alias of the words
            ctx.aliases[appos[0].text] = desc
            return ctx.set_org(Speaker(desc, None, "org"))
        if _is_person_ent(appos[0]) or ctx.full_name(appos[0].text):
            sp = _person_speaker(appos[0], appos[0], ctx, extra_role=desc)
            return sp
        org_ent = _ent_span(appos[0])
        name = strip_det(org_ent.text if org_ent is not None else span_text(_np_tokens(appos[0])))
        return ctx.set_org(Speaker(name, desc, "org"))
    # "the group", "The Britain-based monitor": a reference back to the last organisation
    if head.lower_ in DEFINITE_ORG_NOUNS and head.pos_ == "NOUN" and head.text[0].islower() and \
            any(c.lower_ == "the" for c in head.lefts) and ctx.last_org is not None and \
            not any(t.pos_ == "PROPN" for t in head.lefts):
        desc = _modifiers_text(head)
        org = ctx.org_for(head.lower_)
        org_words = set() if org is None else \
            set(org.lower().split()) | set((ctx.role_of(org) or "").lower().split())
        if org is not None and (desc is None or head.lower_ in org_words):
            ctx.note_role(org, desc)
            ctx.last_org = Speaker(org, ctx.role_of(org), "org")
            return ctx.last_org
    if head.lower_ in DEFINITE_ORG_NOUNS and head.pos_ == "NOUN" and ctx.issuer is not None and \
            any(c.lower_ == "the" for c in head.lefts) and len(list(head.lefts)) == 1:
        return ctx.issuer  # "The party said ..." in the party's own press release
    # "The JIT report found", "the commission's report": the report speaks for its author
    if head.lower_ in REPORT_NOUNS:
        owners = [c for c in head.children if c.dep_ in ("poss", "compound") and (
            c.pos_ == "PROPN" or c.ent_type_ == "ORG" or c.lower_ in lx.ORG_WORDS | DEFINITE_ORG_NOUNS)]
        if owners:
            return speaker_from_token(owners[0], ctx, sent)
        if any(c.lower_ == "the" for c in head.lefts) and ctx.last_org is not None:
            return ctx.last_org  # "the report" is the report just mentioned
    # "the army's spokesman": an unnamed official speaks for the organisation
    if head.lower_ in lx.TITLE_WORDS:
        owners = [c for c in head.children if c.dep_ == "poss" and c.pos_ in ("NOUN", "PROPN")
                  and (c.ent_type_ in ("ORG", "GPE", "NORP") or c.lower_ in
                       lx.ORG_WORDS | DEFINITE_ORG_NOUNS | lx.PERPETRATOR_HEADS)]
        if owners and not any(c.dep_ == "appos" for c in head.children):
            org = strip_det(re.sub(r"['’]s?$", "", span_text(compact_subtree(owners[0]))))
            title = strip_det(span_text([t for t in head.lefts if t.i > owners[0].i
                                         and t.dep_ in ("compound", "amod")] + [head]))
            if org:
                ctx.set_org(Speaker(org, None, "org"))
                return Speaker(org, title, "org")
    # "a spokesman for the X Party", "the chairman of the X Commission"
    if head.lower_ in lx.TITLE_WORDS:
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ in ("for", "of", "at", "from"):
                objs = [c for c in child.children if c.dep_ == "pobj"]
                if objs and (objs[0].pos_ == "PROPN" or objs[0].ent_type_ in ("ORG", "GPE", "NORP")
                             or objs[0].lower_ in lx.ORG_WORDS):
                    org = strip_det(span_text(_np_tokens(objs[0])))
                    role_toks = [t for t in head.subtree if t.i < child.i and t.dep_ != "det"
                                 and t.i >= min(x.i for x in _np_tokens(head))]
                    role = strip_det(span_text(role_toks or [head]))
                    ctx.set_org(Speaker(org, None, "org"))
                    return Speaker(org, role, "org")
    toks = _np_tokens(head)
    name = strip_det(span_text(toks))
    lead_role = None
    if ent is not None and ent.label_ in ("ORG", "NORP", "GPE", "FAC"):
        ent_name = strip_det(ent.text)
        outside = [t for t in toks if t.i < ent.start and t.dep_ in ("compound", "amod", "nmod")
                   and t.pos_ != "PROPN"]
        if outside:
            # "The London-based X Forum": the words before the name, hyphenated places included
            lead_role = strip_det(head.doc[min(t.i for t in toks): ent.start].text)
        if len(ent_name) >= len(name) or outside:
            name = ent_name
        if lead_role and re.fullmatch(r"[A-Z]{2,8}", ent_name) and ent.start > 0 and \
                head.doc[ent.start - 1].text == "(":
            # "a joint investigation team (JIT)": the words are the name, the letters its alias
            name, lead_role = lead_role, None
            ctx.aliases[ent_name] = name
    name = re.sub(r"^\d+-year-old\s+", "", name)
    name = re.sub(r"['’]s$", "", name)  # "an activist group's claim"
    if ent is None or ent.label_ != "ORG" or not ent.text.startswith(name.split("'")[0]):
        # "Pakistan's military", "India's home ministry": the country is not part of the name
        name = re.sub(r"^(?:[A-Z][\w.-]*\s){0,2}[A-Z][\w.-]*['’]s\s+(?=[a-z])", "", name)
    name = re.sub(r"\s*\($", "", name)
    acronym = re.search(r"\s*\(([A-Z][A-Za-z.&-]{1,12})\)?\s*$", name)
    if acronym and " " in name[:acronym.start()].strip():
        name = name[:acronym.start()].strip()  # "Human Rights Council of Balochistan (HRCB)"
        ctx.aliases[acronym.group(1)] = name
    else:
        last = max(t.idx + len(t) for t in toks + ([ent[-1]] if ent is not None and
                                                     ent[-1].text != "(" else []))
        after = re.match(r"\s*\(([A-Z][A-Za-z.&-]{1,12})\)", head.doc.text[last: last + 20])
        if after and " " in name:
            ctx.aliases[after.group(1)] = name
    name = ctx.aliases.get(name, name)
    if not name:
        return None
    kind = "org" if (ent is not None and ent.label_ == "ORG") or head.pos_ == "PROPN" or \
        head.lower_ in lx.ORG_WORDS or head.lower_ in DEFINITE_ORG_NOUNS else "generic"
    roles = [lead_role] if lead_role else []
    for tok in toks:
        for child in tok.children:
            if child.dep_ == "appos" and child.ent_type_ != "PERSON":
                roles.append(strip_det(span_text(sorted(compact_subtree(child), key=lambda t: t.i))))
    roles = [r for r in roles if r not in ctx.aliases and not re.fullmatch(r"\(?[A-Z.&-]{2,12}\)?", r)]
    if head.pos_ == "NOUN" and head.lower_ in DEFINITE_ORG_NOUNS | lx.ORG_WORDS and any(
            c.lower_ in ("a", "an") for c in head.lefts):
        ctx.described.add(name)  # "a rights group": the report may name it in a later sentence
    roles = [r for r in roles if set(r.lower().split()) - set(name.lower().split())]
    sp = Speaker(name, _clean_role(roles), kind)
    if kind == "org":
        ctx.set_org(sp)
        sp = Speaker(name, ctx.role_of(name), kind)
    return sp


def _person_speaker(person_tok, head, ctx: Context, extra_role: str | None = None) -> Speaker:
    ent = _ent_span(person_tok)
    name = ent.text if ent is not None and ent.label_ == "PERSON" else person_tok.text
    if ent is not None and ent.label_ == "PERSON" and head.i == ent.end and head.pos_ == "PROPN":
        name = f"{name} {head.text}"  # "Mir Sohrab" + "Kalmati": the model cut the name short
    name = re.sub(r"['’]s$", "", name).strip()
    name = re.sub(r"^(?:Mr|Mrs|Ms|Dr|Prof|Professor|Col|Lt|Gen|Capt|Maj|Sen|Senator)\.?\s+", "", name)
    words = name.split()
    while len(words) > 2 and words[0].lower() in lx.TITLE_WORDS:
        words = words[1:]  # "Convener Rafiq Soomro": the title is a role, not a name
    name = " ".join(words)
    if len(name.split()) == 1:
        name = ctx.full_name(name) or name
    roles: list[str] = [extra_role] if extra_role else []
    start = ent.start if ent is not None and ent.label_ == "PERSON" else person_tok.i
    # titles before the name inside the same noun phrase: "Opposition leader Tariq Mehboob"
    lead = [t for t in head.subtree if t.i < start and t.dep_ in ("compound", "amod", "nmod",
                                                                    "poss", "case")
            and t.ent_type_ != "PERSON"]
    if lead:
        roles.append(span_text(lead))
    if ent is not None:
        titles = [t for t in ent if t.text.rstrip(".").lower() in lx.TITLE_WORDS | {
            "professor", "prof", "dr", "col", "lt", "gen", "capt", "colonel", "lieutenant"}]
        if titles and titles[0].i == ent.start:
            roles.append(ent[: titles[-1].i - ent.start + 1].text)
    if head is not person_tok and head.lower_ in lx.TITLE_WORDS:
        roles.append(span_text([t for t in _np_tokens(head) if not (
            ent is not None and ent.start <= t.i < ent.end)]))
    for tok in {person_tok, head}:
        for child in tok.children:
            if child.dep_ == "relcl" and child.lower_ in ("heads", "leads", "chairs", "runs",
                                                           "directs", "represents", "founded",
                                                           "headed", "led", "coordinates"):
                sub = sorted(t for t in child.subtree if t.lower_ not in ("who", "which"))
                roles.append(span_text(sub))  # "who heads a victims' network"
                _note_org_in(sub, ctx)
            if child.dep_ == "appos" and child.ent_type_ != "PERSON":
                sub = sorted(compact_subtree(child), key=lambda t: t.i)
                roles.append(span_text(sub))
                _note_org_in(sub, ctx)
            elif child.dep_ == "prep" and child.lower_ in ("of", "from") and child.i > tok.i:
                sub = sorted(compact_subtree(child), key=lambda t: t.i)
                roles.append(span_text(sub[1:]))
                _note_org_in(sub, ctx)
    role = _clean_role(roles)
    ctx.note_person(name, role)
    sp = Speaker(name, ctx.role_of(name), "person")
    ctx.last_person = sp
    return sp


def _note_org_in(tokens: list, ctx: Context) -> None:
    """Remember an organisation named in a person's role ("chairperson of the X Forum")."""
    for t in tokens:
        if t.dep_ == "pobj" and (t.ent_type_ == "ORG" or (t.pos_ == "PROPN" and any(
                w.lower_ in lx.ORG_WORDS | DEFINITE_ORG_NOUNS for w in t.subtree))):
            ent = _ent_span(t)
            name = strip_det(ent.text if ent is not None and ent.label_ == "ORG"
                             else span_text(_np_tokens(t)))
            ctx.set_org(Speaker(name, None, "org"))
            return


def reporting_verbs(sent) -> list:
    return [t for t in sent if t.lower_ in lx.REPORTING_VERBS and t.pos_ in ("VERB", "AUX")
            and t.lower_ != "according"]


def _subject_of(verb):
    subj = None
    for child in verb.children:
        if child.dep_ == "nsubj" and child.lower_ not in ("that", "which", "who"):
            subj = child
        elif child.dep_ == "agent":
            objs = [c for c in child.children if c.dep_ == "pobj"]
            if objs:
                subj = objs[0]
    return subj


def speaker_of_verb(verb, ctx: Context, sent) -> Speaker | None:
    """The speaker of a reporting verb: its subject, or the agent of a passive."""
    subj = _subject_of(verb)
    if subj is None and verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.i != verb.i:
        head = verb.head
        if verb.dep_ == "conj" and head.lower_ not in lx.REPORTING_VERBS:
            # "X said that 8,000 had disappeared ..., and accused Y": the parse hangs the
            # second verb on the reported clause; its subject is the reporting verb's
            head = next((a for a in head.ancestors if a.lower_ in lx.REPORTING_VERBS), None)
            if head is None:
                return None
        subj = _subject_of(head)  # "..., saying", "said ... and added"
    if subj is None and verb.dep_ == "ROOT":
        # a misparsed subject ("Addressing ... from Geneva, Kalmati, who heads ..., claimed"):
        # the nearest earlier word that names a person already met
        for tok in reversed(list(sent[: verb.i - sent.start])):
            if tok.pos_ == "PROPN" and ctx.full_name(tok.text):
                return _person_speaker(tok, tok, ctx)
        # "The Working Group ..., made up of five experts, said": the parse gave the subject
        # to the participle before the verb
        for child in verb.children:
            if child.dep_ in ("advcl", "ccomp") and child.i < verb.i and child.tag_ in ("VBD", "VBN"):
                inner = _subject_of(child)
                after = max(t.i for t in inner.subtree if not t.is_punct) + 1 if inner is not None else None
                if inner is not None and inner.i < child.i and after < len(verb.doc) and \
                        verb.doc[after].text == ",":  # "X, made up of ..., said"
                    subj = inner
                    break
    if subj is None or subj.lower_ in ("who", "which", "that") or subj.lower_ in NON_SPEAKERS:
        return None
    if subj.lower_ == "it" and ctx.last_org is None:
        return None
    if lx.AGENCY_RE.fullmatch(subj.text) or lx.AGENCY_RE.fullmatch(
            strip_det(span_text(_np_tokens(subj)))):
        return None  # "AFP reported": the agency relays, it does not claim
    # "A report by the X Commission", "the X Commission's report"
    if subj.lower_ in ("report", "statement", "study", "survey", "figures", "data", "tally",
                       "count", "record", "records", "letter", "document", "list", "dossier",
                       "review"):
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
                    elif obj.lower_ in REPORT_NOUNS and any(c.lower_ == "the" for c in obj.lefts) \
                            and ctx.last_org is not None and not any(
                                c.dep_ in ("compound", "amod") for c in obj.children):
                        out.append((tok, ctx.last_org))  # "according to the report" just named
                        continue
                sp = speaker_from_token(obj, ctx, sent)
                if sp:
                    out.append((tok, sp))
    return out




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


def medium_of_sentence(sent, verbs: list) -> str | None:
    """The medium a sentence names for its act of speaking, not inside what is reported.

    A cue counts when the nearest verb above it is a verb of saying ("said in a statement",
    "told reporters", "A report by X said"); "were investigating the report of an abduction"
    names no medium.
    """
    for label, pattern in lx.MEDIUM_PATTERNS:
        for m in pattern.finditer(sent.text):
            span = sent.doc.char_span(sent.start_char + m.start(), sent.start_char + m.end(),
                                      alignment_mode="expand")
            if span is None or any(_speech_cue(t) for t in span):
                return label
    return None


def _speech_cue(tok) -> bool:
    for anc in [tok, *tok.ancestors]:
        if anc.pos_ in ("VERB", "AUX"):
            return anc.lower_ in lx.REPORTING_VERBS or anc.lower_ in (
                "according", "speaking", "addressing", "posted", "released", "published",
                "issued", "releasing", "publishing", "issuing", "launched")
    return True


_PAPER_RE = re.compile(
    r"\b(?:told|quoted by|reported by|interview with|according to|speaking to|cited by|wrote in|"
    r"published by|report in|reports in|carried by)\s+(?:the\s+)?"
    r"(?P<name>(?:[A-Z][\w.&'-]*\s+){0,4}(?:newspaper|daily|Daily\s+[\w-]+|Times|Post|News|Tribune|"
    r"Herald|Express|Dawn|Nation|Chronicle|Observer|Gazette|Journal|Star|Mail|Telegraph|Guardian|"
    r"Television|TV|Radio|channel|broadcaster|[A-Z][\w]+\s+(?:newspaper|daily|channel))\b)"
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


_QUOTE_RE = re.compile(r"“([^”]{8,})”|\"([^\"]{8,})\"|‘((?:[^’]|’(?=\w))+)’(?!\w)|"
                       r"(?:(?<=:\s)|(?<=^))'((?:[^']|'(?=\w))+)'(?!\w)")


@dataclass
class _QuoteSpan:
    para: int
    start: int
    end: int
    text: str
    speaker: Speaker | None = None


