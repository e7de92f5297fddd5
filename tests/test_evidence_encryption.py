"""The evidence store encrypts files at rest when the workspace has a key."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from uncounted.records.crypto import generate_key, write_key_file
from uncounted.records.evidence import EvidenceStore, EvidenceUnreadable
from uncounted.records.workspace import Workspace

SECRET = "SYNTHETIC witness Farah Naz phone 0300-0000000"


def _file(tmp_path: Path, size_factor: int = 1) -> tuple[Path, bytes]:
    data = ("S.No,Name,Witness\n" + f"1,SYNTHETIC Ahmed,{SECRET}\n" * size_factor).encode("utf-8")
    path = tmp_path / "register.csv"
    path.write_bytes(data)
    return path, data


@pytest.mark.parametrize("size_factor", [1, 60_000])  # one chunk, several chunks
def test_encrypted_round_trip_keeps_the_plain_hash_as_name(tmp_path: Path, size_factor: int) -> None:
    path, data = _file(tmp_path, size_factor)
    store = EvidenceStore(tmp_path / "evidence", key=generate_key())
    sha, size = store.add_file(path)
    assert sha == hashlib.sha256(data).hexdigest() and size == len(data)
    on_disk = store.path_for(sha).read_bytes()
    assert SECRET.encode() not in on_disk and b"Witness" not in on_disk
    with store.open(sha) as handle:
        assert handle.read() == data
    assert store.verify(sha)
    assert store.add_file(path) == (sha, size)  # stored once


def test_wrong_key_altered_bytes_and_no_key_are_refused(tmp_path: Path) -> None:
    path, _ = _file(tmp_path)
    key = generate_key()
    store = EvidenceStore(tmp_path / "evidence", key=key)
    sha, _ = store.add_file(path)
    for position in (0, len(key) - 1):
        wrong = bytearray(key)
        wrong[position] ^= 1
        with pytest.raises(EvidenceUnreadable):
            EvidenceStore(store.root, key=bytes(wrong)).open(sha)
    with pytest.raises(EvidenceUnreadable, match="no key"):
        EvidenceStore(store.root).open(sha)
    blob = bytearray(store.path_for(sha).read_bytes())
    blob[len(blob) // 2] ^= 1
    store.path_for(sha).write_bytes(bytes(blob))
    assert not store.verify(sha)


def test_plain_files_stored_before_a_key_stay_readable(tmp_path: Path) -> None:
    path, data = _file(tmp_path)
    sha, _ = EvidenceStore(tmp_path / "evidence").add_file(path)
    with EvidenceStore(tmp_path / "evidence", key=generate_key()).open(sha) as handle:
        assert handle.read() == data


def test_workspace_with_a_key_imports_and_keeps_the_file_encrypted(tmp_path: Path) -> None:
    from uncounted.ingest.importer import import_file

    ws = Workspace.init(tmp_path / "ws")
    key_path = write_key_file(tmp_path / "uncounted.key")
    settings = ws.path / "uncounted.toml"
    settings.write_text(settings.read_text() + f'key_file = "{key_path}"\n')
    ws = Workspace.open(ws.path)
    path, data = _file(tmp_path)
    result = import_file(ws, path, source="SYNTHETIC families", progress=False)
    assert result.imported == 1
    stored = ws.evidence.path_for(result.sha256).read_bytes()
    assert SECRET.encode() not in stored
    with ws.evidence.open(result.sha256) as handle:
        assert handle.read() == data
