"""normalize: pure functions that turn messy spreadsheet values into normalised values, keeping precision.

Modules: digits (to_ascii_digits), dates (parse_date, PartialDate), ages (parse_age,
birth_year_range), names (parse_name, ParsedName, sex_from_name), namekey (canonical_token,
name_tokens, core_tokens, name_key, name_similarity), places (Gazetteer, place_key),
vocab (controlled vocabularies and their synonyms). See docs/normalisation.md.
"""

from __future__ import annotations

from uncounted.normalize.ages import AgeRange, birth_year_range, parse_age
from uncounted.normalize.dates import PartialDate, detect_date_order, expand_two_digit_year, parse_date
from uncounted.normalize.digits import to_ascii_digits
from uncounted.normalize.errors import AgeParseError, DateParseError, GazetteerError, NormalizeError
from uncounted.normalize.namekey import (
    canonical_token,
    core_tokens,
    name_key,
    name_similarity,
    name_tokens,
    optional_tokens,
    token_similarity,
)
from uncounted.normalize.names import ParsedName, parse_name, sex_from_name
from uncounted.normalize.places import Gazetteer, Place, load_default_gazetteer, place_key
from uncounted.normalize.vocab import (
    CERTAINTIES,
    CERTAINTY_VOCAB,
    CUSTODY,
    CUSTODY_VOCAB,
    PERPETRATOR_VOCAB,
    PERPETRATORS,
    SEX_VOCAB,
    SEXES,
    STATUS_VOCAB,
    VICTIM_STATUSES,
    VIOLATION_VOCAB,
    VIOLATIONS,
    VOCABULARIES,
    Vocabulary,
    fold_text,
    parse_sex,
)

__all__ = [
    "AgeParseError", "AgeRange", "CERTAINTIES", "CUSTODY", "DateParseError", "Gazetteer", "GazetteerError",
    "NormalizeError", "PERPETRATORS", "ParsedName", "PartialDate", "Place", "SEXES", "VICTIM_STATUSES",
    "VIOLATIONS", "VOCABULARIES", "Vocabulary", "birth_year_range", "canonical_token", "core_tokens",
    "detect_date_order", "load_default_gazetteer", "name_key", "name_similarity", "name_tokens", "parse_age",
    "parse_date", "parse_name", "parse_sex", "place_key", "sex_from_name", "to_ascii_digits",
    "expand_two_digit_year", "optional_tokens", "token_similarity", "fold_text", "VIOLATION_VOCAB",
    "PERPETRATOR_VOCAB", "STATUS_VOCAB", "CERTAINTY_VOCAB", "CUSTODY_VOCAB", "SEX_VOCAB",
]
