"""The content-addressed evidence store: every file stored once, named by the SHA-256 of its bytes.

When the workspace has an encryption key (see records.crypto), files are stored encrypted with
AES-256-GCM, streamed, bound to their name (the SHA-256 of the plain bytes), so an imported
register's witness columns or an attached testimony are not readable from the disk. A file is
still named by the hash of its plain bytes: provenance does not depend on the key. Files stored
before a key was set stay readable as they are.

Layout of an encrypted file::

    b"UCE1" | nonce (12 random bytes) | ciphertext | GCM tag (16 bytes)
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from uncounted.errors import UncountedError

CHUNK = 1 << 20
MAGIC = b"UCE1"
NONCE_BYTES = 12
TAG_BYTES = 16
SPOOL_IN_MEMORY = 64 << 20


class EvidenceUnreadable(UncountedError):
    """A stored file cannot be decrypted (wrong or missing key, or altered bytes)."""


def sha256_file(path: Path) -> tuple[str, int]:
    """The hex SHA-256 and the size of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


class EvidenceStore:
    """Files under ``root/ab/cdef…``; writing the same bytes twice stores them once."""

    def __init__(self, root: Path, key: bytes | None = None):
        self.root = Path(root)
        self.key = key

    @property
    def encrypts(self) -> bool:
        return self.key is not None

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:]

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def add_file(self, path: Path) -> tuple[str, int]:
        """Copy a file into the store; return the hash and size of its plain bytes."""
        with open(path, "rb") as handle:
            return self.add_stream(handle)

    def add_bytes(self, data: bytes) -> tuple[str, int]:
        import io

        return self.add_stream(io.BytesIO(data))

    def add_stream(self, stream: BinaryIO) -> tuple[str, int]:
        """Store a stream (encrypted when there is a key); the name is the plain bytes' SHA-256.

        The bytes are written once to a temporary file while being hashed, then moved into place
        (or dropped when the store already has them), so a reader never sees half a file.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                encryptor, nonce = self._encryptor()
                if encryptor is not None:
                    out.write(MAGIC + nonce)
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(encryptor.update(chunk) if encryptor is not None else chunk)
                sha = digest.hexdigest()
                if encryptor is not None:
                    out.write(encryptor.finalize() + encryptor.tag)
            target = self.path_for(sha)
            if target.exists():
                os.unlink(tmp)
                return sha, size
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
            return sha, size
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def open(self, sha256: str) -> BinaryIO:
        """The plain bytes of a stored file (decrypted and checked first when encrypted)."""
        path = self.path_for(sha256)
        with open(path, "rb") as handle:
            encrypted = handle.read(len(MAGIC)) == MAGIC
        if not encrypted:
            return open(path, "rb")
        return self._decrypted(path)

    def verify(self, sha256: str) -> bool:
        """True when the stored bytes (decrypted if need be) still hash to their name."""
        digest = hashlib.sha256()
        try:
            with self.open(sha256) as handle:
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
        except EvidenceUnreadable:
            return False
        return digest.hexdigest() == sha256

    # ---- encryption ------------------------------------------------------------------------
    def _encryptor(self):  # type: ignore[no-untyped-def]
        """A streaming AES-GCM encryptor with a fresh nonce (None without a key).

        No associated data is needed: a file's name is the SHA-256 of its plain bytes, so a blob
        moved under another name is caught by `verify` after decryption.
        """
        if self.key is None:
            return None, b""
        nonce = secrets.token_bytes(NONCE_BYTES)
        return Cipher(algorithms.AES(self.key), modes.GCM(nonce)).encryptor(), nonce

    def _decrypted(self, path: Path) -> BinaryIO:
        """Decrypt into a spooled temporary file; nothing is returned before the tag checks out."""
        if self.key is None:
            raise EvidenceUnreadable(f"{path.name} is stored encrypted and no key is configured: set key_file "
                                     "in uncounted.toml or UNCOUNTED_KEY.")
        size = path.stat().st_size
        with open(path, "rb") as handle:
            handle.seek(size - TAG_BYTES)
            tag = handle.read(TAG_BYTES)
            handle.seek(len(MAGIC))
            nonce = handle.read(NONCE_BYTES)
            decryptor = Cipher(algorithms.AES(self.key), modes.GCM(nonce, tag)).decryptor()
            out = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
            remaining = size - len(MAGIC) - NONCE_BYTES - TAG_BYTES
            while remaining > 0:
                chunk = handle.read(min(CHUNK, remaining))
                remaining -= len(chunk)
                out.write(decryptor.update(chunk))
            try:
                out.write(decryptor.finalize())
            except InvalidTag as exc:
                out.close()
                raise EvidenceUnreadable(f"evidence file {path.name} cannot be decrypted: the key is wrong "
                                         "or the stored bytes were altered.") from exc
        out.seek(0)
        return out  # type: ignore[return-value]
