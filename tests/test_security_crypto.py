"""Sensitive fields at rest: AES-GCM round trips, every key byte matters, blobs are bound to their
report, keys load from a file or the environment, and the database file alone reveals nothing."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

from uncounted.records.crypto import (
    KEY_BYTES,
    DecryptionFailed,
    KeyProblem,
    decrypt_fields,
    encrypt_fields,
    generate_key,
    load_key,
    read_key_file,
    split_sensitive,
    write_key_file,
)
from uncounted.records.models import AuditEntry
from uncounted.server import synthetic
from uncounted.server.testing import make_site

FIELDS = {"witness_name": "SYNTHETIC Witness Gul Bibi", "witness_phone": "+00 555 0101010",
          "testimony": "SYNTHETIC: they took him from the bus stop at night."}


def test_round_trip() -> None:
    key = generate_key()
    blob = encrypt_fields(key, FIELDS, report_key="r1")
    assert decrypt_fields(key, blob, report_key="r1") == FIELDS
    assert isinstance(blob, bytes) and b"Gul Bibi" not in blob
    assert encrypt_fields(key, FIELDS, report_key="r1") != blob, "a fresh random nonce each time"


def test_every_byte_of_the_key_matters() -> None:
    key = generate_key()
    blob = encrypt_fields(key, FIELDS, report_key="r1")
    for position in range(KEY_BYTES):
        for flip in (0x01, 0x80):
            wrong = bytearray(key)
            wrong[position] ^= flip
            with pytest.raises(DecryptionFailed):
                decrypt_fields(bytes(wrong), blob, report_key="r1")


def test_every_byte_of_the_blob_matters() -> None:
    key = generate_key()
    blob = encrypt_fields(key, FIELDS, report_key="r1")
    for position in range(len(blob)):
        altered = bytearray(blob)
        altered[position] ^= 0x01
        with pytest.raises(DecryptionFailed):
            decrypt_fields(key, bytes(altered), report_key="r1")
    with pytest.raises(DecryptionFailed):
        decrypt_fields(key, blob[:-1], report_key="r1")


def test_blob_is_bound_to_its_report() -> None:
    key = generate_key()
    blob = encrypt_fields(key, FIELDS, report_key="report-A")
    with pytest.raises(DecryptionFailed):
        decrypt_fields(key, blob, report_key="report-B")


def test_wrong_key_lengths_and_types_are_refused() -> None:
    for bad in (b"", b"x" * 16, b"x" * 31, b"x" * 33):
        with pytest.raises(KeyProblem):
            encrypt_fields(bad, FIELDS, report_key="r")
    with pytest.raises(KeyProblem):
        encrypt_fields("a" * 32, FIELDS, report_key="r")  # type: ignore[arg-type]


def test_keys_load_from_file_and_environment(tmp_path, sqlite_workspace, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("UNCOUNTED_KEY", raising=False)
    with pytest.raises(KeyProblem, match="no encryption key"):
        load_key(sqlite_workspace)
    assert load_key(sqlite_workspace, required=False) is None
    path = write_key_file(tmp_path / "k.key")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    key = read_key_file(path)
    assert len(key) == KEY_BYTES
    with pytest.raises(KeyProblem):
        write_key_file(path)  # never overwrite a key by accident
    sqlite_workspace.settings["key_file"] = str(path)
    assert load_key(sqlite_workspace) == key
    (tmp_path / "b64.key").write_text(base64.b64encode(key).decode() + "\n")
    sqlite_workspace.settings["key_file"] = str(tmp_path / "b64.key")
    assert load_key(sqlite_workspace) == key
    other = generate_key()
    monkeypatch.setenv("UNCOUNTED_KEY", other.hex())
    assert load_key(sqlite_workspace) == other, "the environment wins over the key file"
    monkeypatch.setenv("UNCOUNTED_KEY", base64.b64encode(other).decode())
    assert load_key(sqlite_workspace) == other
    monkeypatch.setenv("UNCOUNTED_KEY", "not a key")
    with pytest.raises(KeyProblem):
        load_key(sqlite_workspace)


def test_split_sensitive_uses_fixed_and_source_fields() -> None:
    from uncounted.records.crypto import sensitive_field_names
    names = sensitive_field_names({"sensitive_fields": ["informant_village"]})
    plain, secret = split_sensitive({"name": "X", "witness_name": "W", "informant_village": "V", "testimony": ""},
                                    names)
    assert plain == {"name": "X"} and secret == {"witness_name": "W", "informant_village": "V"}


def test_database_file_alone_reveals_no_sensitive_field(sqlite_workspace) -> None:  # type: ignore[no-untyped-def]
    key = generate_key()
    case = synthetic.fill(sqlite_workspace, key)
    assert case.sensitive_values
    sqlite_workspace.dispose()  # checkpoint and close, so the file holds everything
    db_path = sqlite_workspace.path / "uncounted.sqlite"
    data = db_path.read_bytes()
    for extra in ("-wal", "-journal"):
        side = db_path.with_name(db_path.name + extra)
        if side.exists():
            data += side.read_bytes()
    assert b"SYNTHETIC NGO list" in data, "the test reads the right file"
    for value in case.sensitive_values + ["SYNTHETIC testimony about"]:
        assert value.encode("utf-8") not in data, f"{value!r} is readable in the database file"
    assert key not in data and key.hex().encode() not in data and base64.b64encode(key) not in data


def test_sensitive_read_through_the_api_is_audited(sqlite_workspace) -> None:  # type: ignore[no-untyped-def]
    key = generate_key()
    case = synthetic.fill(sqlite_workspace, key)
    site = make_site(sqlite_workspace, key)
    client, _ = site.login("documenter")
    report_key = case.report_keys[1]  # restricted source: documenter needs a grant
    assert client.get(f"/api/reports/{report_key}/sensitive").status_code == 404
    admin, csrf = site.login("admin")
    src = case.source_ids["restricted"]
    assert admin.post(f"/api/users/documenter/grants/{src}", headers={"X-CSRF-Token": csrf}).status_code == 200
    response = client.get(f"/api/reports/{report_key}/sensitive")
    assert response.status_code == 200, response.text
    fields = response.json()["fields"]
    assert fields["witness_name"].startswith("SYNTHETIC witness")
    with sqlite_workspace.session() as s:
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "sensitive_read")).scalar_one()
    assert entry.actor == "documenter" and entry.object_id == report_key
    assert fields["witness_name"] not in (entry.details or ""), "the audit log names fields, never values"
    # with the wrong key the app refuses instead of showing garbage
    wrong = make_site(sqlite_workspace, generate_key(), users=False)
    other = wrong.client()
    other.post("/api/login", json={"username": "documenter", "password": site.passwords["documenter"]})
    refused = other.get(f"/api/reports/{report_key}/sensitive")
    assert refused.status_code == 503 and refused.json()["error"]["code"] == "decryption_failed"
