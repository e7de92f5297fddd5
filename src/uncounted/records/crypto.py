"""Encryption of sensitive fields at rest (AES-256-GCM from the `cryptography` package).

What is encrypted: witness and contact details, free-text testimony, and any field a source
marks sensitive (``Source.settings["sensitive_fields"]``). These fields live only in
``Report.sensitive_enc``, a blob made by :func:`encrypt_fields`; they never go into plain columns
or ``Report.raw``.

The key is 32 raw bytes kept outside the database: in a key file (setting ``key_file``) or in the
environment variable ``UNCOUNTED_KEY`` (base64 or hex). Keys are bytes from end to end; they are
never logged or printed except by ``uncounted key generate`` when asked to.

Blob layout (version 1)::

    b"UC1" | nonce (12 random bytes) | AES-GCM ciphertext with its 16-byte tag

The associated data binds the blob to its report (``b"uncounted:" + report_key``), so a blob
copied onto another report fails to decrypt instead of silently showing the wrong witness.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from uncounted.errors import UncountedError

if TYPE_CHECKING:
    from uncounted.records.workspace import Workspace

KEY_BYTES = 32
NONCE_BYTES = 12
MAGIC = b"UC1"
KEY_ENV = "UNCOUNTED_KEY"

# Fields that are always sensitive, whatever the source says. Ingest mappings that target one of
# these names (or any name a source lists in settings["sensitive_fields"]) go into the blob.
ALWAYS_SENSITIVE = (
    "witness_name",
    "witness_contact",
    "witness_phone",
    "witness_address",
    "contact_name",
    "contact_phone",
    "contact_email",
    "contact_address",
    "informant",
    "testimony",
    "testimony_text",
    "family_contact",
    "id_number",
)


class KeyProblem(UncountedError):
    """A key is missing, unreadable or has the wrong length."""


class DecryptionFailed(UncountedError):
    """A blob could not be decrypted: wrong key, altered bytes, or a blob from another report."""


def generate_key() -> bytes:
    """A new random 32-byte key."""
    return secrets.token_bytes(KEY_BYTES)


def write_key_file(path: str | Path, key: bytes | None = None, *, overwrite: bool = False) -> Path:
    """Write a key file (raw 32 bytes, readable by its owner only); return its path."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise KeyProblem(f"{path} already exists; refusing to overwrite a key (data encrypted under it "
                         "would become unreadable). Choose another path or pass overwrite=True.")
    key = generate_key() if key is None else _check_length(key, str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    return path


def parse_key_text(text: str | bytes, where: str = "the key") -> bytes:
    """Read a key written as base64 (44 characters) or hex (64 characters)."""
    raw = text.strip() if isinstance(text, bytes) else text.strip().encode("ascii", "replace")
    if len(raw) == 2 * KEY_BYTES:
        try:
            return _check_length(binascii.unhexlify(raw), where)
        except (binascii.Error, ValueError):
            pass
    try:
        return _check_length(base64.b64decode(raw, validate=True), where)
    except (binascii.Error, ValueError) as exc:
        raise KeyProblem(f"{where} is neither base64 nor hex of {KEY_BYTES} bytes; "
                         "make a new one with `uncounted key generate`.") from exc


def read_key_file(path: str | Path) -> bytes:
    """Read a key file: 32 raw bytes, or their base64 / hex text."""
    path = Path(path).expanduser()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyProblem(f"cannot read the key file {path}: {exc.strerror}. Check the setting key_file "
                         "(or UNCOUNTED_KEY_FILE).") from exc
    if len(data) == KEY_BYTES:
        return data
    return parse_key_text(data, f"the key file {path}")


def load_key(ws: "Workspace | None" = None, *, required: bool = True) -> bytes | None:
    """The workspace's key: from $UNCOUNTED_KEY, else from the key file named by the settings.

    Raises KeyProblem when no key is configured and ``required`` is true.
    """
    env = os.environ.get(KEY_ENV)
    if env:
        return parse_key_text(env, f"${KEY_ENV}")
    key_file = ws.settings.get("key_file") if ws is not None else None
    if key_file:
        path = Path(key_file).expanduser()
        if not path.is_absolute() and ws is not None:
            path = ws.path / path
        return read_key_file(path)
    if required:
        raise KeyProblem("no encryption key is configured: run `uncounted key generate --out PATH` and set "
                         "key_file = \"PATH\" in uncounted.toml (or UNCOUNTED_KEY_FILE), or put the key "
                         f"in ${KEY_ENV}.")
    return None


def associated_data(report_key: str) -> bytes:
    return b"uncounted:" + report_key.encode("utf-8")


def encrypt_fields(key: bytes, fields: Mapping[str, Any], *, report_key: str = "") -> bytes:
    """Encrypt a dict of fields into one blob bound to ``report_key``."""
    aead = AESGCM(_check_length(key, "the key"))
    nonce = secrets.token_bytes(NONCE_BYTES)
    plain = json.dumps(dict(fields), sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    return MAGIC + nonce + aead.encrypt(nonce, plain, associated_data(report_key))


def decrypt_fields(key: bytes, blob: bytes, *, report_key: str = "") -> dict[str, Any]:
    """Decrypt a blob made by :func:`encrypt_fields` for the same ``report_key``."""
    aead = AESGCM(_check_length(key, "the key"))
    blob = bytes(blob)
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + NONCE_BYTES + 16:
        raise DecryptionFailed("this is not an uncounted encrypted blob (wrong header or too short).")
    nonce = blob[len(MAGIC):len(MAGIC) + NONCE_BYTES]
    try:
        plain = aead.decrypt(nonce, blob[len(MAGIC) + NONCE_BYTES:], associated_data(report_key))
    except InvalidTag as exc:
        raise DecryptionFailed("the sensitive fields cannot be decrypted: the key is wrong, the stored bytes "
                               "were altered, or the blob belongs to another report.") from exc
    return json.loads(plain.decode("utf-8"))


def encrypt_bytes(key: bytes, data: bytes, *, context: str) -> bytes:
    """Encrypt a small secret (a TOTP secret) bound to a context string."""
    aead = AESGCM(_check_length(key, "the key"))
    nonce = secrets.token_bytes(NONCE_BYTES)
    return MAGIC + nonce + aead.encrypt(nonce, data, context.encode("utf-8"))


def decrypt_bytes(key: bytes, blob: bytes, *, context: str) -> bytes:
    aead = AESGCM(_check_length(key, "the key"))
    blob = bytes(blob)
    nonce = blob[len(MAGIC):len(MAGIC) + NONCE_BYTES]
    try:
        return aead.decrypt(nonce, blob[len(MAGIC) + NONCE_BYTES:], context.encode("utf-8"))
    except InvalidTag as exc:
        raise DecryptionFailed("a secret cannot be decrypted: wrong key or altered bytes.") from exc


def sensitive_field_names(source_settings: Mapping[str, Any] | None) -> set[str]:
    """The fields to encrypt for a source: the fixed list plus those the source marks sensitive."""
    names = set(ALWAYS_SENSITIVE)
    extra = (source_settings or {}).get("sensitive_fields") or []
    names.update(str(n) for n in extra)
    return names


def split_sensitive(row: Mapping[str, Any], sensitive: Iterable[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a row into (plain fields, sensitive fields). Empty sensitive values are dropped."""
    wanted = set(sensitive)
    plain: dict[str, Any] = {}
    secret: dict[str, Any] = {}
    for name, value in row.items():
        if name in wanted:
            if value not in (None, ""):
                secret[name] = value
        else:
            plain[name] = value
    return plain, secret


def _check_length(key: bytes, where: str) -> bytes:
    if not isinstance(key, (bytes, bytearray)):
        raise KeyProblem(f"{where} must be bytes, not {type(key).__name__}.")
    if len(key) != KEY_BYTES:
        raise KeyProblem(f"{where} has {len(key)} bytes; an AES-256 key has {KEY_BYTES}. "
                         "Make one with `uncounted key generate`.")
    return bytes(key)
