"""Small helpers over spaCy's dependency parse shared by the claim rules."""

from __future__ import annotations

import re

from . import lexicon as lx



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
    text = re.sub(r"^(?:the|a|an|some|its|their|his|her|our|another|one)\s+", "", text.strip(),
                  flags=re.IGNORECASE)
    text = text.strip(" ,;:'\"“”’")
    if text.endswith(".") and not re.search(r"\b[A-Z]\.$", text):
        text = text.rstrip(".")  # keep the point of "U.N."
    return text


def span_text(tokens: list) -> str:
    """Text of a contiguous run of tokens (gaps are filled from the document)."""
    if not tokens:
        return ""
    doc = tokens[0].doc
    lo, hi = min(t.i for t in tokens), max(t.i for t in tokens)
    return doc[lo: hi + 1].text


def _is_person_ent(tok) -> bool:
    if tok.ent_type_ != "PERSON":
        return False
    if tok.text.endswith("s") and tok.text in lx.PEOPLE_NOUNS:
        return False  # community names ("Mohajirs") are not persons
    return True


def _ent_span(tok):
    """The named-entity span a token belongs to, found from its IOB tags."""
    if not tok.ent_type_:
        return None
    doc = tok.doc
    start = tok.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = tok.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc.char_span(doc[start].idx, doc[end - 1].idx + len(doc[end - 1]),
                         label=tok.ent_type_)


_LOOSE_DEPS = ("appos", "relcl", "acl", "punct", "advcl", "parataxis", "ccomp")


def compact_subtree(tok) -> list:
    """The token's subtree without appositions, relative clauses and punctuation."""
    out = [tok]
    for child in tok.children:
        if child.dep_ not in _LOOSE_DEPS or (child.text == "-" and not child.whitespace_):
            out.extend(compact_subtree(child))
    return out


def _np_tokens(head) -> list:
    """Head with its compounds, modifiers and 'of'/'for' complements, as one contiguous run."""
    toks = [head]
    for child in head.children:
        if child.dep_ in ("compound", "amod", "nmod", "poss", "det", "nummod", "quantmod",
                          "case", "npadvmod") and child.i < head.i:
            toks.extend(compact_subtree(child))
        elif child.dep_ == "prep" and child.lower_ in ("of", "for") and child.i > head.i:
            toks.extend(compact_subtree(child))
        elif child.dep_ == "case":
            toks.append(child)
    ids = {t.i for t in toks}
    run = [head]
    i = head.i - 1
    while i in ids:
        run.insert(0, head.doc[i])
        i -= 1
    i = head.i + 1
    while i in ids:
        run.append(head.doc[i])
        i += 1
    return run


def _modifiers_text(head) -> str | None:
    """The descriptive words before a noun ("Britain-based" in "the Britain-based monitor")."""
    mods = [t for t in head.lefts if t.dep_ in ("amod", "compound", "nmod", "poss")]
    if not mods:
        return None
    return strip_det(span_text(sorted({x for m in mods for x in compact_subtree(m)} | {head},
                                      key=lambda t: t.i)))


