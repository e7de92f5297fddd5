"""The audit log: hash-chained, and the chain names the first entry that was altered, removed or
reordered, whichever single byte of whichever entry changed. Logins, writes, downloads and
sensitive reads all leave entries."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import select, update

from uncounted.cli.main import cli
from uncounted.records import audit
from uncounted.records.models import AuditEntry

TEXT_FIELDS = ("at", "actor", "action", "object_type", "object_id", "details", "prev_hash", "hash")


def write_entries(ws, n: int = 6) -> None:  # type: ignore[no-untyped-def]
    with ws.session() as s:
        for i in range(n):
            audit.append(s, actor=f"user{i}", action="test_write", object_type="report", object_id=f"r{i}",
                         details={"i": i, "note": "SYNTHETIC ünïcode ok"})


def altered(value: str, position: int) -> str:
    """The same text with one character changed (still valid text)."""
    ch = value[position]
    new = chr(ord(ch) ^ 1) if ord(ch) ^ 1 not in (0,) else "x"
    return value[:position] + new + value[position + 1:]


def test_any_single_byte_change_in_any_entry_is_found(sqlite_workspace) -> None:  # type: ignore[no-untyped-def]
    write_entries(sqlite_workspace)
    with sqlite_workspace.session() as s:
        assert audit.verify(s).ok
        entries = s.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()
        originals = [{f: getattr(e, f) for f in TEXT_FIELDS} | {"id": e.id, "seq": e.seq} for e in entries]
    checked = 0
    with sqlite_workspace.engine.connect() as conn:
        from sqlalchemy.orm import Session
        for original in originals:
            for field in TEXT_FIELDS:
                value = original[field]
                if value is None:
                    continue
                for position in range(len(value)):
                    trans = conn.begin()
                    conn.execute(update(AuditEntry).where(AuditEntry.id == original["id"])
                                 .values({field: altered(value, position)}))
                    check = audit.verify(Session(bind=conn))
                    trans.rollback()
                    assert not check.ok, f"changing {field}[{position}] of entry {original['seq']} went unnoticed"
                    assert check.first_bad_seq == original["seq"] or (
                        field in ("hash",) and check.first_bad_seq == original["seq"]), (field, position, check)
                    checked += 1
            # the number itself
            trans = conn.begin()
            conn.execute(update(AuditEntry).where(AuditEntry.id == original["id"]).values(seq=original["seq"] + 1000))
            check = audit.verify(Session(bind=conn))
            trans.rollback()
            assert not check.ok and check.first_bad_seq == original["seq"] + 1000
    assert checked > 6 * 200


def test_removed_and_reordered_entries_are_found(sqlite_workspace) -> None:  # type: ignore[no-untyped-def]
    write_entries(sqlite_workspace)
    with sqlite_workspace.engine.connect() as conn:
        from sqlalchemy.orm import Session
        trans = conn.begin()
        conn.execute(AuditEntry.__table__.delete().where(AuditEntry.seq == 3))
        check = audit.verify(Session(bind=conn))
        trans.rollback()
        assert not check.ok and check.first_bad_seq == 4 and "removed" in check.problem
        # reorder: swap the positions (ids) of entries 2 and 5
        trans = conn.begin()
        rows = {r.seq: r.id for r in conn.execute(select(AuditEntry.seq, AuditEntry.id))}
        conn.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(id=-1))
        conn.execute(update(AuditEntry).where(AuditEntry.seq == 5).values(id=rows[2]))
        conn.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(id=rows[5]))
        check = audit.verify(Session(bind=conn))
        trans.rollback()
        assert not check.ok and check.first_bad_seq == 5


def test_cli_audit_verify_names_the_first_bad_entry(sqlite_workspace) -> None:  # type: ignore[no-untyped-def]
    write_entries(sqlite_workspace)
    runner = CliRunner()
    ok = runner.invoke(cli, ["audit", "verify", "-w", str(sqlite_workspace.path)])
    assert ok.exit_code == 0 and "intact" in ok.output
    with sqlite_workspace.session() as s:
        s.execute(update(AuditEntry).where(AuditEntry.seq == 4).values(details='{"i":99}'))
    bad = runner.invoke(cli, ["audit", "verify", "-w", str(sqlite_workspace.path), "--json"])
    assert bad.exit_code == 1
    result = json.loads(bad.output)
    assert result["ok"] is False and result["first_bad_seq"] == 4 and "altered" in result["problem"]


def test_the_app_audits_logins_writes_downloads_and_sensitive_reads(sqlite_workspace) -> None:  # type: ignore[no-untyped-def]
    from uncounted.records.crypto import generate_key
    from uncounted.server import synthetic
    from uncounted.server.testing import make_site

    key = generate_key()
    case = synthetic.fill(sqlite_workspace, key)
    site = make_site(sqlite_workspace, key)
    admin, csrf = site.login("admin")
    headers = {"X-CSRF-Token": csrf}
    report = case.report_keys[0]
    added = admin.post(f"/api/reports/{report}/evidence", headers=headers,
                       files={"file": ("photo.jpg", b"SYNTHETIC jpeg bytes", "image/jpeg")})
    assert added.status_code == 201, added.text
    download = admin.get(f"/api/evidence/{added.json()['id']}")
    assert download.content == b"SYNTHETIC jpeg bytes"
    assert download.headers["content-disposition"].startswith("attachment")
    admin.get(f"/api/reports/{case.report_keys[1]}/sensitive")
    admin.post("/api/review/decisions", headers=headers,
               json={"report_key_l": case.report_keys[0], "report_key_r": case.report_keys[3], "decision": "same"})
    admin.post("/api/sources", headers=headers, json={"name": "SYNTHETIC audited source"})
    admin.patch(f"/api/reports/{report}", headers=headers, json={"changes": {"notes": "checked"}, "reason": "test"})
    site.client().post("/api/login", json={"username": "admin", "password": "wrong-password"})
    with sqlite_workspace.session() as s:
        done = {(e.actor, e.action) for e in s.execute(select(AuditEntry)).scalars()}
        assert audit.verify(s).ok
    for expected in [("admin", "login"), ("admin", "login_failed"), ("admin", "evidence_add"),
                     ("admin", "evidence_download"), ("admin", "sensitive_read"), ("admin", "match_decision"),
                     ("admin", "source_add"), ("admin", "report.edit")]:
        assert expected in done, f"missing audit entry {expected}"
