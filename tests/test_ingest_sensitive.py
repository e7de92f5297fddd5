"""Sensitive columns are stored only encrypted, on SQLite and PostgreSQL. Every list here is SYNTHETIC.

A file with witness names, phone numbers and testimony is imported; the database (and, on SQLite,
the database file's bytes) must hold none of those values, while the key gives them back.
"""

from __future__ import annotations

import base64
import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from uncounted.errors import ImportFailed
from uncounted.ingest import import_file
from uncounted.ingest.headers import ALL_FIELDS, SENSITIVE_FIELDS, field_scores
from uncounted.ingest.sensitive import REDACTED, sensitive_columns
from uncounted.records.crypto import (ALWAYS_SENSITIVE, DecryptionFailed, decrypt_fields, generate_key,
                                      write_key_file)
from uncounted.records.models import AuditEntry, Document, Report, Source
from uncounted.records.workspace import DATABASE_FILE, Workspace

# Values chosen so that they cannot appear in the database by chance.
WITNESSES = ["SYNTHETIC Zarvanqa Witness", "SYNTHETIC Pelimor Witness", "SYNTHETIC Quoxtel Witness"]
PHONES = ["+00 9137 446 218", "+00 9137 551 907", "+00 9137 602 334"]
TESTIMONY = ["SYNTHETIC saw the white car near the orchard at dusk (Kwelbrin)",
             "SYNTHETIC heard the shots from the Trovak bridge",
             "SYNTHETIC the family was told to wait at Mirzolt gate"]
SECRETS = WITNESSES + PHONES + TESTIMONY
HEADER = ["S.No", "Name of Victim", "Date of Incident", "District", "Witness Name", "Phone", "Testimony", "Notes"]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def sample_rows() -> list[list[str]]:
    return [[str(i + 1), f"SYNTHETIC Person {i + 1}", f"0{i + 1}/03/2014", "Kech", WITNESSES[i], PHONES[i],
             TESTIMONY[i], f"SYNTHETIC plain note {i + 1}"] for i in range(3)]


@pytest.fixture(autouse=True)
def no_key_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UNCOUNTED_KEY", raising=False)


def current_reports(ws: Workspace) -> list[Report]:
    with ws.session() as s:
        return list(s.execute(select(Report).where(Report.is_current.is_(True)).order_by(Report.row_number)).scalars())


def database_text(ws: Workspace) -> str:
    """Every stored value the importer could have written, as one text to search."""
    parts: list[str] = []
    with ws.session() as s:
        for report in s.execute(select(Report)).scalars():
            for column in Report.__table__.columns:
                if column.name != "sensitive_enc":
                    parts.append(json.dumps(getattr(report, column.name), default=str, ensure_ascii=False))
        for doc in s.execute(select(Document)).scalars():
            parts.append(json.dumps([doc.summary, doc.mapping], default=str, ensure_ascii=False))
        for entry in s.execute(select(AuditEntry)).scalars():
            parts.append(json.dumps(entry.details, default=str, ensure_ascii=False))
    return "\n".join(parts)


def test_sensitive_columns_are_encrypted_and_come_back_with_the_key(workspace: Workspace, tmp_path: Path) -> None:
    key = generate_key()
    path = write_csv(tmp_path / "witnesses.csv", sample_rows())
    result = import_file(workspace, path, source="Witness list (SYNTHETIC)", progress=False, key=key)
    assert result.imported == 3
    assert result.encrypted_columns == ["Witness Name", "Phone", "Testimony"]
    stored = current_reports(workspace)
    for i, report in enumerate(stored):
        assert report.sensitive_enc is not None
        assert set(report.raw) == {"S.No", "Name of Victim", "Date of Incident", "District", "Notes", "_sensitive"}
        fields = decrypt_fields(key, report.sensitive_enc, report_key=report.report_key)
        assert fields == {"Witness Name": WITNESSES[i], "Phone": PHONES[i], "Testimony": TESTIMONY[i]}
        assert report.notes == f"SYNTHETIC plain note {i + 1}" and report.name_raw == f"SYNTHETIC Person {i + 1}"
    text = database_text(workspace)
    assert not [s for s in SECRETS if s in text]
    # the blob is bound to its report: another report's key (as associated data) fails
    with pytest.raises(DecryptionFailed):
        decrypt_fields(key, stored[0].sensitive_enc, report_key=stored[1].report_key)


def test_sensitive_values_inside_json_objects_are_encrypted_too(workspace: Workspace, tmp_path: Path) -> None:
    """JSON Lines with {"witness": {"name": ..., "phone": ...}}: the nested values are taken out of the
    raw row and encrypted like any sensitive column; the rest of the object stays."""
    key = generate_key()
    path = tmp_path / "nested.jsonl"
    lines = [{"id": i + 1, "victim": {"name": f"SYNTHETIC Person {i + 1}", "occupation": "tailor"},
              "witness": {"name": WITNESSES[i], "phone": PHONES[i]}, "testimony": TESTIMONY[i]} for i in range(3)]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = import_file(workspace, path, source="Nested (SYNTHETIC)", progress=False, key=key)
    assert result.imported == 3
    assert set(result.encrypted_columns) == {"witness.name", "witness.phone", "testimony"}
    for i, report in enumerate(current_reports(workspace)):
        assert report.name_raw == f"SYNTHETIC Person {i + 1}"
        assert report.raw["witness"] == {} and "testimony" not in report.raw
        assert report.raw["victim"] == lines[i]["victim"] and report.occupation == "tailor"
        assert decrypt_fields(key, report.sensitive_enc, report_key=report.report_key) == {
            "witness.name": WITNESSES[i], "witness.phone": PHONES[i], "testimony": TESTIMONY[i]}
    text = database_text(workspace)
    assert not [s for s in SECRETS if s in text]


def test_the_sqlite_file_alone_reveals_none_of_the_fields(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws")
    key_path = write_key_file(tmp_path / "secret" / "uncounted.key")
    ws.settings["key_file"] = str(key_path)
    path = write_csv(tmp_path / "witnesses.csv", sample_rows())
    import_file(ws, path, source="Witness list (SYNTHETIC)", progress=False)
    with ws.session() as s:
        assert s.execute(select(func.count()).where(Report.sensitive_enc.is_not(None))).scalar_one() == 3
    ws.dispose()
    files = [p for p in (tmp_path / "ws").iterdir() if p.name.startswith(DATABASE_FILE)]
    data = b"".join(p.read_bytes() for p in files)
    assert len(data) > 10_000 and b"SYNTHETIC Person 1" in data, "the file holds the plain fields"
    for secret in SECRETS:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert secret.encode(encoding) not in data, secret
        assert base64.b64encode(secret.encode()) not in data


def test_every_byte_of_the_key_matters(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    key = generate_key()
    import_file(sqlite_workspace, write_csv(tmp_path / "w.csv", sample_rows()[:1]), source="W (SYNTHETIC)",
                progress=False, key=key)
    [report] = current_reports(sqlite_workspace)
    blob, rk = report.sensitive_enc, report.report_key
    assert decrypt_fields(key, blob, report_key=rk)["Phone"] == PHONES[0]
    with pytest.raises(DecryptionFailed):
        decrypt_fields(generate_key(), blob, report_key=rk)
    for i in range(len(key)):
        for bit in (0x01, 0x80):
            flipped = bytearray(key)
            flipped[i] ^= bit
            with pytest.raises(DecryptionFailed):
                decrypt_fields(bytes(flipped), blob, report_key=rk)


def test_without_a_key_the_import_fails_clearly_and_writes_nothing(workspace: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "witnesses.csv", sample_rows())
    with pytest.raises(ImportFailed) as failure:
        import_file(workspace, path, source="Witness list (SYNTHETIC)", progress=False,
                    rejects_path=tmp_path / "rejects.csv")
    message = str(failure.value)
    assert "'Witness Name'" in message and "'Phone'" in message and "'Testimony'" in message
    assert "uncounted key generate --out KEYFILE" in message and "key_file" in message
    assert "UNCOUNTED_KEY" in message
    with workspace.session() as s:
        for model in (Report, Document, Source, AuditEntry):
            assert s.execute(select(func.count()).select_from(model)).scalar_one() == 0, model
    assert not [p for p in workspace.evidence.root.rglob("*") if p.is_file()], "nothing copied into the evidence"
    assert not (tmp_path / "rejects.csv").exists()


def test_a_dry_run_names_the_encrypted_columns_but_never_their_values(sqlite_workspace: Workspace,
                                                                       tmp_path: Path) -> None:
    path = write_csv(tmp_path / "witnesses.csv", sample_rows())
    result = import_file(sqlite_workspace, path, source="W (SYNTHETIC)", progress=False, dry_run=True)
    shown = json.dumps(result.to_dict(), ensure_ascii=False)
    assert result.encrypted_columns == ["Witness Name", "Phone", "Testimony"]
    assert result.mapping is not None and result.mapping.to_dict()["encrypted_columns"] == result.encrypted_columns
    assert not [s for s in SECRETS if s in shown]
    assert "without a key the import will be refused" in shown, "without a key the dry run warns that the import would fail"


def test_rejected_rows_never_write_sensitive_values(workspace: Workspace, tmp_path: Path) -> None:
    rows = sample_rows()
    rows[1][0] = "1"  # the same record id twice: row 3 is rejected
    broken = ["9", "SYNTHETIC Person 9", "01/01/2015", "Kech", WITNESSES[2], PHONES[2], "SYNTHETIC spilt",
              "note", TESTIMONY[2]]  # one value too many: rejected, and the spill-over is hidden too
    path = write_csv(tmp_path / "witnesses.csv", rows + [broken])
    rejects = tmp_path / "rejects.csv"
    result = import_file(workspace, path, source="W (SYNTHETIC)", progress=False, key=generate_key(),
                         rejects_path=rejects)
    assert result.rejected == 2 and result.imported == 2
    text = rejects.read_text(encoding="utf-8-sig")
    assert "SYNTHETIC Person 2" in text and "SYNTHETIC Person 9" in text and REDACTED in text
    assert not [s for s in SECRETS if s in text]
    assert not [s for s in SECRETS if s in json.dumps(result.to_dict(), ensure_ascii=False)]
    assert not [s for s in SECRETS if s in database_text(workspace)]


def test_a_source_can_mark_an_ordinary_column_sensitive(workspace: Workspace, tmp_path: Path) -> None:
    with workspace.session() as s:
        s.add(Source(name="Careful list (SYNTHETIC)", kind="ngo_list", created_by="test",
                     settings={"sensitive_fields": ["notes"]}))
        s.commit()
    key = generate_key()
    path = write_csv(tmp_path / "plain.csv", [["1", "SYNTHETIC Person 1", "01/03/2014", "Kech",
                                               "SYNTHETIC Gorvanth confided the names"]],
                     header=["S.No", "Name of Victim", "Date of Incident", "District", "Notes"])
    result = import_file(workspace, path, source="Careful list (SYNTHETIC)", progress=False, key=key)
    assert result.encrypted_columns == ["Notes"]
    [report] = current_reports(workspace)
    assert report.notes is None and "Notes" not in report.raw
    assert decrypt_fields(key, report.sensitive_enc, report_key=report.report_key) == {
        "Notes": "SYNTHETIC Gorvanth confided the names"}
    assert "Gorvanth" not in database_text(workspace)


def test_a_new_file_version_notices_a_changed_testimony_and_unchanged_rows_stay(sqlite_workspace: Workspace,
                                                                                tmp_path: Path) -> None:
    key = generate_key()
    ws = sqlite_workspace
    path = write_csv(tmp_path / "witnesses.csv", sample_rows())
    import_file(ws, path, source="W (SYNTHETIC)", progress=False, key=key)
    rows = sample_rows()
    rows[2][6] = "SYNTHETIC a corrected account (Vellizar)"
    again = import_file(ws, write_csv(path, rows), source="W (SYNTHETIC)", progress=False, key=key)
    assert (again.changed, again.unchanged) == (1, 2)
    report = current_reports(ws)[2]
    assert report.version == 2
    assert decrypt_fields(key, report.sensitive_enc, report_key=report.report_key)["Testimony"] == rows[2][6]


def test_unmapped_or_misnamed_sensitive_columns_are_still_encrypted(sqlite_workspace: Workspace,
                                                                    tmp_path: Path) -> None:
    from uncounted.ingest import Mapping

    key = generate_key()
    header = ["S.No", "Name of Victim", "Witness phone", "Phone 2"]
    path = write_csv(tmp_path / "p.csv", [["1", "SYNTHETIC Person 1", PHONES[0], PHONES[1]]], header=header)
    mapping = Mapping(columns={"S.No": "record_id", "Name of Victim": "name", "Witness phone": "notes",
                               "Phone 2": None})
    result = import_file(sqlite_workspace, path, source="W (SYNTHETIC)", progress=False, key=key, mapping=mapping)
    assert result.encrypted_columns == ["Witness phone", "Phone 2"]
    [report] = current_reports(sqlite_workspace)
    assert report.notes is None
    assert decrypt_fields(key, report.sensitive_enc, report_key=report.report_key) == {
        "Witness phone": PHONES[0], "Phone 2": PHONES[1]}


def test_a_file_without_sensitive_columns_needs_no_key(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "plain.csv", [["1", "SYNTHETIC Person 1", "01/03/2014", "Kech", "note"]],
                     header=["S.No", "Name of Victim", "Date of Incident", "District", "Notes"])
    result = import_file(sqlite_workspace, path, source="Plain (SYNTHETIC)", progress=False)
    assert result.imported == 1 and result.encrypted_columns == []
    assert current_reports(sqlite_workspace)[0].sensitive_enc is None


@pytest.mark.parametrize("header, field", [
    ("Witness", "witness_name"), ("Witness Name", "witness_name"), ("Informant", "informant"),
    ("Contact", "witness_contact"), ("Phone", "contact_phone"), ("Mobile", "contact_phone"),
    ("Tel", "contact_phone"), ("Address of complainant", "contact_address"), ("CNIC", "id_number"),
    ("ID card", "id_number"), ("National ID", "id_number"), ("Testimony", "testimony"),
    ("Statement", "testimony"), ("Narrative", "testimony"), ("Account of events", "testimony"),
    # ordinary fields stay ordinary
    ("Address", "residence"), ("Notes", "notes"), ("Remarks", "notes"), ("ID", "record_id"),
    ("S.No", "record_id"), ("Name", "name"), ("Date reported", None),
])
def test_sensitive_headers_are_recognised_without_stealing_ordinary_ones(header: str, field: str | None) -> None:
    scores = [f for f, s in field_scores(header) if s >= 0.6]
    assert (scores[0] if scores else None) == field
    assert (header in sensitive_columns([header])) == (field in SENSITIVE_FIELDS)


def test_every_always_sensitive_name_is_a_field() -> None:
    assert set(ALWAYS_SENSITIVE) == SENSITIVE_FIELDS and SENSITIVE_FIELDS <= set(ALL_FIELDS)
