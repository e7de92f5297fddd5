"""`uncounted key encrypt-evidence`: files stored before the workspace had a key are encrypted in
place, keep their names (the plain bytes' SHA-256) and stay readable; a second run changes nothing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from uncounted.cli.main import cli
from uncounted.records import audit
from uncounted.records.crypto import write_key_file
from uncounted.records.evidence import MAGIC, EvidenceStore, encrypt_stored_evidence
from uncounted.records.models import AuditEntry
from uncounted.records.workspace import Workspace

SECRET = b"SYNTHETIC witness Farah Naz, phone 0300-0000000"
FILES = {
    "register": b"S.No,Name,Witness\n" + b"1,SYNTHETIC Ahmed," + SECRET + b"\n",
    "big": (b"2,SYNTHETIC Bibi," + SECRET + b"\n") * 40_000,  # about 2.6 MB: several chunks
    "looks_encrypted": MAGIC + b" but plain: " + SECRET,      # plain bytes that start like an encrypted file
    "empty": b"",
}


def add_plain_files(ws: Workspace) -> dict[str, str]:
    assert not ws.evidence.encrypts, "the workspace has no key yet"
    return {label: ws.evidence.add_bytes(data)[0] for label, data in FILES.items()}


def give_key(ws: Workspace, tmp_path: Path) -> Workspace:
    key_path = write_key_file(tmp_path / "outside" / "uncounted.key")
    settings = ws.path / "uncounted.toml"
    settings.write_text(settings.read_text() + f'key_file = "{key_path}"\n')
    ws.dispose()
    return Workspace.open(ws.path)


def snapshot(store: EvidenceStore) -> dict[str, bytes]:
    return {p.relative_to(store.root).as_posix(): p.read_bytes() for p in sorted(store.root.rglob("*")) if p.is_file()}


def read(store: EvidenceStore, sha: str) -> bytes:
    with store.open(sha) as handle:
        return handle.read()


def audit_count(ws: Workspace) -> int:
    with ws.session() as s:
        return audit.count(s)


def test_plain_files_are_encrypted_in_place_once(workspace, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    names = add_plain_files(workspace)
    ws = give_key(workspace, tmp_path)
    store = ws.evidence
    assert store.encrypts
    for label, sha in names.items():
        assert sha == hashlib.sha256(FILES[label]).hexdigest()
        assert read(store, sha) == FILES[label], f"{label} readable before"
        assert store.is_plain(sha)
    assert SECRET in store.path_for(names["register"]).read_bytes()
    before = snapshot(store)

    sweep = encrypt_stored_evidence(ws, actor="SYNTHETIC admin")
    assert sorted(sweep.encrypted) == sorted(names.values()) and sweep.already == 0 and not sweep.damaged
    assert sweep.bytes_encrypted == sum(len(d) for d in FILES.values())
    after = snapshot(store)
    assert set(after) == set(before), "same names, no stray temporary files"
    for label, sha in names.items():
        raw = store.path_for(sha).read_bytes()
        assert raw.startswith(MAGIC) and not store.is_plain(sha), label
        if FILES[label]:
            assert SECRET not in raw and FILES[label][:40] not in raw[len(MAGIC):], f"{label} still readable on disk"
        assert read(store, sha) == FILES[label], f"{label} readable after"
        assert store.verify(sha)
    with ws.session() as s:
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "evidence_encrypt")).scalar_one()
        assert entry.actor == "SYNTHETIC admin" and sorted(json.loads(entry.details)["encrypted"]) == sorted(names.values())
        assert audit.verify(s).ok

    entries = audit_count(ws)
    again = encrypt_stored_evidence(ws, actor="SYNTHETIC admin")
    assert again.encrypted == [] and again.already == len(names) and not again.damaged
    assert snapshot(store) == after, "a second run changes no byte"
    assert audit_count(ws) == entries, "and writes no audit entry"
    ws.dispose()


def test_cli_progress_json_no_key_and_damaged_files(sqlite_workspace, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    names = add_plain_files(sqlite_workspace)
    no_key = runner.invoke(cli, ["key", "encrypt-evidence", "-w", str(sqlite_workspace.path)])
    assert no_key.exit_code == 2 and "no encryption key" in no_key.stderr

    damaged_sha = names["register"]
    path = sqlite_workspace.evidence.path_for(damaged_sha)
    path.write_bytes(FILES["register"].replace(b"Ahmed", b"Ahmad"))  # someone edited the stored file
    ws = give_key(sqlite_workspace, tmp_path)
    first = runner.invoke(cli, ["key", "encrypt-evidence", "-w", str(ws.path), "--json"])
    assert first.exit_code == 1, first.output
    result = json.loads(first.stdout)
    assert result["encrypted"] == len(names) - 1 and result["damaged"] == [damaged_sha]
    assert "encrypting evidence" in first.stderr, "a progress bar on stderr"
    assert path.read_bytes() == FILES["register"].replace(b"Ahmed", b"Ahmad"), "a damaged file is left untouched"
    second = runner.invoke(cli, ["key", "encrypt-evidence", "-w", str(ws.path), "--no-progress"])
    assert second.exit_code == 1 and "Encrypted 0 file(s)" in second.stdout and "DAMAGED" in second.stderr
    assert "encrypting evidence" not in second.stderr
    ws.dispose()


def test_a_plain_file_that_starts_like_an_encrypted_one_is_read_as_plain(tmp_path: Path) -> None:
    from uncounted.records.crypto import generate_key

    plain_store = EvidenceStore(tmp_path / "evidence")
    sha, _ = plain_store.add_bytes(FILES["looks_encrypted"])
    for store in (plain_store, EvidenceStore(tmp_path / "evidence", key=generate_key())):
        assert read(store, sha) == FILES["looks_encrypted"]
        assert store.verify(sha)
