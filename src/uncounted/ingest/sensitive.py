"""Which columns of a file are sensitive, and how their values are kept out of plain text.

A column is sensitive when any of these holds (the union, so that no one rule can let a witness's
phone number through):

- it is mapped to a sensitive field (``uncounted.records.crypto.ALWAYS_SENSITIVE``: witness and
  contact details, informant, testimony, identity numbers) or to a field the source lists in
  ``settings["sensitive_fields"]``;
- its header is one the source lists in ``settings["sensitive_fields"]`` (compared without case);
- its header, read on its own, looks most like a sensitive field ("Phone 2", "Witness"), even when
  a mapping leaves it unmapped or maps it to an ordinary field.

The values of sensitive columns go only into ``Report.sensitive_enc`` (AES-GCM, see
``uncounted.records.crypto``); ``Report.raw`` keeps a keyed digest of them instead, so that a new
version of a file is still compared row by row without the values ever being stored in the clear.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, Iterable, Mapping

from uncounted.errors import ImportFailed
from uncounted.ingest.headers import MIN_SCORE, SENSITIVE_FIELDS, field_scores
from uncounted.records.crypto import sensitive_field_names

REDACTED = "[sensitive: not written]"
DIGEST_KEY = "_sensitive"  # the key in Report.raw that holds the keyed digest of the encrypted cells


def looks_sensitive(header: str) -> bool:
    """Whether a header, read on its own, looks most like a sensitive field."""
    scores = field_scores(header)
    return bool(scores) and scores[0][0] in SENSITIVE_FIELDS and scores[0][1] >= MIN_SCORE


def sensitive_columns(headers: Iterable[str], columns: Mapping[str, str | None] | None = None,
                      source_settings: Mapping[str, Any] | None = None) -> list[str]:
    """The headers whose values must be encrypted, in file order.

    ``columns`` is the mapping (header -> field or None); ``source_settings`` the source's settings,
    whose ``sensitive_fields`` may name field names or column headers.
    """
    fields = sensitive_field_names(source_settings)
    marked = {str(f).strip().casefold() for f in (source_settings or {}).get("sensitive_fields") or []}
    out = []
    for header in headers:
        field_name = (columns or {}).get(header)
        if (field_name in fields or header.strip().casefold() in marked or looks_sensitive(header)):
            out.append(header)
    return out


def digest_key(key: bytes) -> bytes:
    """A sub-key for the digests in ``raw``, derived from the encryption key (never the key itself)."""
    return hmac.new(key, b"uncounted:raw-digest:v1", hashlib.sha256).digest()


def secret_digest(subkey: bytes, secret: Mapping[str, Any]) -> str:
    """A keyed digest of a row's sensitive cells: equal cells give equal digests, and without the
    key the digest says nothing about them (a plain hash of a phone number could be guessed)."""
    message = "\x1f".join(f"{k}\x1e{secret[k]}" for k in sorted(secret)).encode("utf-8")
    return hmac.new(subkey, message, hashlib.sha256).hexdigest()[:32]


def no_key_message(columns: Iterable[str], file: str) -> str:
    names = ", ".join(repr(c) for c in columns)
    return (f"{file} has sensitive columns ({names}: witness, contact, testimony or identity details, or columns "
            "the source marks sensitive). They are stored only encrypted, and no encryption key is configured, "
            "so nothing was imported. Make a key with `uncounted key generate --out KEYFILE`, then set "
            "key_file = \"KEYFILE\" in uncounted.toml (or put the key in $UNCOUNTED_KEY), keep a copy of the key "
            "somewhere safe, and import again.")


def missing_key_expectation(columns: Iterable[str]) -> str:
    """The warning a dry run gives (as ``expected ...``) when sensitive columns meet no key."""
    names = ", ".join(repr(c) for c in columns)
    return (f"an encryption key, because the columns {names} are sensitive and stored only encrypted; without "
            "a key the import will be refused. Make one with `uncounted key generate --out KEYFILE` and set "
            "key_file = \"KEYFILE\" in uncounted.toml (or put the key in $UNCOUNTED_KEY)")


def refuse_without_key(columns: list[str], file: str) -> None:
    if columns:
        raise ImportFailed(no_key_message(columns, file))
