"""The content-addressed evidence store: every file stored once, named by the SHA-256 of its bytes.

When the workspace has an encryption key (see records.crypto), files are stored encrypted with
AES-256-GCM, streamed, bound to their name (the SHA-256 of the plain bytes), so an imported
register's witness columns or an attached testimony are not readable from the disk. A file is
still named by the hash of its plain bytes: provenance does not depend on the key. Files stored
before a key was set stay readable as they are, and :func:`encrypt_stored_evidence` (the command
``uncounted key encrypt-evidence``) encrypts them in place, keeping their names.

Layout of an encrypted file::

    b"UCE1" | nonce (12 random bytes) | ciphertext | GCM tag (16 bytes)
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from uncounted.errors import UncountedError

if TYPE_CHECKING:
    from uncounted.records.workspace import Workspace

CHUNK = 1 << 20
MAGIC = b"UCE1"
NONCE_BYTES = 12
TAG_BYTES = 16
SPOOL_IN_MEMORY = 64 << 20
HEX = frozenset("0123456789abcdef")


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
        """The plain bytes of a stored file (decrypted and checked first when encrypted).

        The file is opened once, so a file encrypted in place meanwhile is read whole either way.
        """
        path = self.path_for(sha256)
        handle: BinaryIO | None = open(path, "rb")
        try:
            if handle.read(len(MAGIC)) == MAGIC:
                try:
                    return self._decrypted(handle, path.name)
                except EvidenceUnreadable:
                    handle.seek(0)
                    if _sha256_of(handle) != sha256:
                        raise
                    # a plain file whose bytes happen to start like an encrypted one
            handle.seek(0)
            plain, handle = handle, None
            return plain
        finally:
            if handle is not None:
                handle.close()

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

    def _decrypted(self, handle: BinaryIO, name: str) -> BinaryIO:
        """Decrypt into a spooled temporary file; nothing is returned before the tag checks out."""
        out = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
        try:
            for chunk in self._decrypted_chunks(handle, name):
                out.write(chunk)
        except BaseException:
            out.close()
            raise
        out.seek(0)
        return out  # type: ignore[return-value]

    def _decrypted_chunks(self, handle: BinaryIO, name: str) -> Iterator[bytes]:
        """The plain bytes of an encrypted file, chunk by chunk; raises at the end if the tag fails,
        so a caller must not trust the chunks before the iteration has finished."""
        if self.key is None:
            raise EvidenceUnreadable(f"{name} is stored encrypted and no key is configured: set key_file "
                                     "in uncounted.toml or UNCOUNTED_KEY.")
        size = os.fstat(handle.fileno()).st_size
        if size < len(MAGIC) + NONCE_BYTES + TAG_BYTES:
            raise EvidenceUnreadable(f"evidence file {name} is too short to be an encrypted file.")
        handle.seek(size - TAG_BYTES)
        tag = handle.read(TAG_BYTES)
        handle.seek(len(MAGIC))
        nonce = handle.read(NONCE_BYTES)
        decryptor = Cipher(algorithms.AES(self.key), modes.GCM(nonce, tag)).decryptor()
        remaining = size - len(MAGIC) - NONCE_BYTES - TAG_BYTES
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield decryptor.update(chunk)
        try:
            yield decryptor.finalize()
        except InvalidTag as exc:
            raise EvidenceUnreadable(f"evidence file {name} cannot be decrypted: the key is wrong "
                                     "or the stored bytes were altered.") from exc

    # ---- encrypting files stored before there was a key ---------------------------------------
    def stored_names(self) -> Iterator[str]:
        """The SHA-256 names of every stored file (temporary files and strays are skipped)."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if not (folder.is_dir() and len(folder.name) == 2 and set(folder.name) <= HEX):
                continue
            for item in sorted(folder.iterdir()):
                if len(item.name) == 62 and set(item.name) <= HEX and item.is_file():
                    yield folder.name + item.name

    def is_plain(self, sha256: str) -> bool:
        """True when the file is stored as plain bytes (its raw bytes hash to its name)."""
        with open(self.path_for(sha256), "rb") as handle:
            if handle.read(len(MAGIC)) == MAGIC:
                handle.seek(0)
                return _sha256_of(handle) == sha256  # rare: plain bytes that start like an encrypted file
        return True

    def encrypt_in_place(self, sha256: str, progress: Callable[[int], None] | None = None) -> str:
        """Encrypt one stored plain file under its own name; return what happened.

        "encrypted": it was plain and is now encrypted; "already": it was encrypted; "damaged": its
        plain bytes no longer hash to its name, so it is left untouched for someone to look at.
        The encrypted copy is written to a temporary file, flushed to disk, decrypted and checked
        against the name, and only then renamed over the plain file (an atomic step).
        """
        if self.key is None:
            raise EvidenceUnreadable("encrypting evidence needs the workspace key: set key_file in uncounted.toml "
                                     "or UNCOUNTED_KEY.")
        path = self.path_for(sha256)
        if not self.is_plain(sha256):
            with open(path, "rb") as handle:
                if handle.read(len(MAGIC)) == MAGIC:
                    if progress:
                        progress(path.stat().st_size)
                    return "already"
            return "damaged"
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".encrypting-")
        try:
            with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
                digest = self._encrypt_stream(src, out, progress)
                out.flush()
                os.fsync(out.fileno())
            if digest != sha256:  # changed under our feet: leave it
                os.unlink(tmp)
                return "damaged"
            with open(tmp, "rb") as check:
                if _sha256_of_chunks(self._decrypted_chunks(check, path.name)) != sha256:
                    raise EvidenceUnreadable(f"the encrypted copy of {sha256} did not decrypt to the same bytes; "
                                             "the plain file was left as it was.")
            os.replace(tmp, path)
            _fsync_folder(path.parent)
            return "encrypted"
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def encrypt_plain_files(self, progress: Callable[[int], None] | None = None) -> "EvidenceSweep":
        """Encrypt every plain file of the store in place (see :meth:`encrypt_in_place`)."""
        sweep = EvidenceSweep()
        for sha in self.stored_names():
            outcome = self.encrypt_in_place(sha, progress)
            if outcome == "encrypted":
                sweep.encrypted.append(sha)
                sweep.bytes_encrypted += self._plain_size(sha)
            elif outcome == "already":
                sweep.already += 1
            else:
                sweep.damaged.append(sha)
        return sweep

    def total_bytes(self) -> int:
        return sum(self.path_for(sha).stat().st_size for sha in self.stored_names())

    def _plain_size(self, sha256: str) -> int:
        return self.path_for(sha256).stat().st_size - len(MAGIC) - NONCE_BYTES - TAG_BYTES

    def _encrypt_stream(self, src: BinaryIO, out: BinaryIO, progress: Callable[[int], None] | None) -> str:
        """Write the encrypted form of ``src`` to ``out``; return the SHA-256 of the plain bytes."""
        encryptor, nonce = self._encryptor()
        digest = hashlib.sha256()
        out.write(MAGIC + nonce)
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            out.write(encryptor.update(chunk))
            if progress:
                progress(len(chunk))
        out.write(encryptor.finalize() + encryptor.tag)
        return digest.hexdigest()


@dataclass
class EvidenceSweep:
    """What :meth:`EvidenceStore.encrypt_plain_files` did."""

    encrypted: list[str] = field(default_factory=list)  # names of the files encrypted now
    already: int = 0                                    # files that were encrypted before
    damaged: list[str] = field(default_factory=list)    # plain files whose bytes no longer match their name
    bytes_encrypted: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"encrypted": len(self.encrypted), "already_encrypted": self.already,
                "damaged": list(self.damaged), "bytes_encrypted": self.bytes_encrypted,
                "encrypted_files": list(self.encrypted)}


def encrypt_stored_evidence(ws: "Workspace", *, actor: str | None = None, progress: bool = False) -> EvidenceSweep:
    """Encrypt, in place, every evidence file of the workspace stored before it had a key.

    Names (the plain bytes' SHA-256) and the evidence records stay as they are; running it again
    changes nothing. The files encrypted are listed in one audit entry ("evidence_encrypt").
    """
    from uncounted.records import audit
    from uncounted.records.crypto import load_key

    store = EvidenceStore(ws.evidence.root, key=load_key(ws))
    bar = _progress_bar(store.total_bytes()) if progress else None
    try:
        sweep = store.encrypt_plain_files(bar.update if bar is not None else None)
    finally:
        if bar is not None:
            bar.close()
    if sweep.encrypted or sweep.damaged:
        with ws.session() as session:
            audit.append(session, actor=actor or ws.actor, action="evidence_encrypt", object_type="evidence_store",
                         details={"encrypted": sweep.encrypted, "damaged": sweep.damaged,
                                  "already_encrypted": sweep.already})
    return sweep


def _progress_bar(total: int):  # type: ignore[no-untyped-def]
    import sys

    from tqdm import tqdm

    return tqdm(total=total, file=sys.stderr, desc="encrypting evidence", unit="B", unit_scale=True)


def _sha256_of(handle: BinaryIO) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _sha256_of_chunks(chunks: Iterator[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def _fsync_folder(folder: Path) -> None:
    """Make a rename inside ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
