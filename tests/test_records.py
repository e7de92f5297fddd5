"""The record itself: workspace, schema, evidence store, versions, audit chain (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select, text

from uncounted.errors import UncountedError, WorkspaceError
from uncounted.records import audit
from uncounted.records.edit import edit_report, report_history, withdraw_report
from uncounted.records.migrate import current_revision
from uncounted.records.models import AuditEntry, Report, Source
from uncounted.records.query import reports_frame, status
from uncounted.records.workspace import Workspace


def _add_report(ws: Workspace, name: str = "SYNTHETIC Muhammad Iqbal") -> str:
    with ws.session() as s:
        src = Source(name="synthetic-list", kind="ngo_list")
        s.add(src)
        s.flush()
        s.add(Report(report_key="k1", source_id=src.id, name_raw=name, violation="killing",
                     raw={"Name": name}))
    return "k1"


def test_init_creates_schema_at_head(workspace: Workspace) -> None:
    from alembic.script import ScriptDirectory

    from uncounted.records.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config(workspace.engine)).get_current_head()
    assert head is not None and current_revision(workspace.engine) == head
    assert status(workspace)["reports"] == 0


def test_migrations_build_the_schema_the_models_describe(workspace: Workspace) -> None:
    """The tables, columns and indexes that the migrations made are those of the models, so a model
    change without its migration (or the reverse) fails here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from uncounted.records.models import Base

    with workspace.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []


def test_unused_report_indexes_are_gone_after_upgrade(tmp_path: Path) -> None:
    """Migration 0005 drops two report indexes from a workspace made before it, keeping the rows."""
    from alembic import command
    from sqlalchemy import inspect

    from uncounted.records.migrate import alembic_config, head_revision, upgrade

    ws = Workspace.init(tmp_path / "ws")
    _add_report(ws)
    command.downgrade(alembic_config(ws.engine), "0004")
    assert {"ix_reports_name_key", "ix_reports_current_source"} <= {
        i["name"] for i in inspect(ws.engine).get_indexes("reports")}
    upgrade(ws.engine)
    assert current_revision(ws.engine) == head_revision()
    names = {i["name"] for i in inspect(ws.engine).get_indexes("reports")}
    assert not names & {"ix_reports_name_key", "ix_reports_current_source"}
    assert status(ws)["reports"] == 1
    ws.dispose()


def test_init_refuses_existing_workspace(tmp_path: Path) -> None:
    Workspace.init(tmp_path / "w").dispose()
    with pytest.raises(WorkspaceError, match="already a workspace"):
        Workspace.init(tmp_path / "w")


def test_open_names_missing_settings(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="uncounted.toml is missing"):
        Workspace.open(tmp_path)


def test_env_overrides_settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Workspace.init(tmp_path / "w").dispose()
    monkeypatch.setenv("UNCOUNTED_TWO_DIGIT_YEAR_PIVOT", "10")
    assert Workspace.open(tmp_path / "w").settings["two_digit_year_pivot"] == 10


def test_evidence_hash_matches_hashlib(tmp_path: Path, sqlite_workspace: Workspace) -> None:
    data = "SYNTHETIC S.No,Name\n1,Ahmed\n".encode("utf-8") * 50_000  # several chunks
    path = tmp_path / "list.csv"
    path.write_bytes(data)
    sha, size = sqlite_workspace.evidence.add_file(path)
    assert sha == hashlib.sha256(data).hexdigest()
    assert size == len(data)
    assert sqlite_workspace.evidence.path_for(sha).read_bytes() == data
    assert sqlite_workspace.evidence.add_file(path) == (sha, size)  # stored once
    assert sqlite_workspace.evidence.verify(sha)


def test_edit_creates_version_and_keeps_old(workspace: Workspace) -> None:
    key = _add_report(workspace)
    with workspace.session() as s:
        edit_report(s, key, {"violation": "enforced_disappearance"}, actor="tester", reason="family corrected")
    with workspace.session() as s:
        history = report_history(s, key)
        assert [r.version for r in history] == [1, 2]
        assert [r.is_current for r in history] == [False, True]
        assert history[0].violation == "killing" and history[1].violation == "enforced_disappearance"
        assert history[1].raw == history[0].raw
    frame = reports_frame(workspace)
    assert list(frame["violation"]) == ["enforced_disappearance"]


def test_edit_refuses_provenance_and_missing_reason(workspace: Workspace) -> None:
    key = _add_report(workspace)
    with workspace.session() as s, pytest.raises(UncountedError, match="provenance"):
        edit_report(s, key, {"raw": {}}, actor="t", reason="x")
    with workspace.session() as s, pytest.raises(UncountedError, match="reason"):
        edit_report(s, key, {"notes": "x"}, actor="t", reason=" ")


def test_withdraw_hides_but_keeps(workspace: Workspace) -> None:
    key = _add_report(workspace)
    with workspace.session() as s:
        withdraw_report(s, key, actor="t", reason="duplicate entry in the register")
    assert len(reports_frame(workspace)) == 0
    with workspace.session() as s:
        assert s.execute(select(Report).where(Report.report_key == key)).scalars().all()


def test_audit_chain_detects_alteration_removal_and_reordering(workspace: Workspace) -> None:
    with workspace.session() as s:
        for i in range(5):
            audit.append(s, actor="tester", action="test.write", object_type="thing", object_id=i,
                         details={"i": i})
    with workspace.session() as s:
        assert audit.verify(s).ok and audit.verify(s).entries == 5
    with workspace.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET details = :d WHERE seq = 3"), {"d": '{"i":33}'})
    with workspace.session() as s:
        check = audit.verify(s)
        assert not check.ok and check.first_bad_seq == 3
    with workspace.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET details = :d WHERE seq = 3"), {"d": '{"i":3}'})
        conn.execute(text("DELETE FROM audit_log WHERE seq = 2"))
    with workspace.session() as s:
        check = audit.verify(s)
        assert not check.ok and check.first_bad_seq == 3 and "removed" in (check.problem or "")


def test_audit_chain_detects_every_single_byte(sqlite_workspace: Workspace) -> None:
    with sqlite_workspace.session() as s:
        entry = audit.append(s, actor="tester", action="import", object_type="document", object_id="9",
                             details={"rows": 12})
        original = {c: getattr(entry, c) for c in ("at", "actor", "action", "object_type", "object_id",
                                                   "details", "prev_hash", "hash")}
    for column, value in original.items():
        for position in range(len(value)):
            changed = value[:position] + chr(ord(value[position]) ^ 1) + value[position + 1:]
            with sqlite_workspace.engine.begin() as conn:
                conn.execute(text(f"UPDATE audit_log SET {column} = :v WHERE seq = 1"), {"v": changed})
            with sqlite_workspace.session() as s:
                assert not audit.verify(s).ok, (column, position)
            with sqlite_workspace.engine.begin() as conn:
                conn.execute(text(f"UPDATE audit_log SET {column} = :v WHERE seq = 1"), {"v": value})
    with sqlite_workspace.session() as s:
        assert audit.verify(s).ok
        assert s.execute(select(AuditEntry)).scalar_one().seq == 1


def test_set_setting_rewrites_one_line_and_keeps_the_rest(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws")
    settings_file = ws.path / "uncounted.toml"
    settings_file.write_text(settings_file.read_text(encoding="utf-8") + "# keep me\n", encoding="utf-8")
    ws.set_setting("link_threshold", 0.3)
    ws.set_setting("link_threshold", 0.35)
    text = settings_file.read_text(encoding="utf-8")
    assert text.count("link_threshold") == 1 and "# keep me" in text
    again = Workspace.open(ws.path)
    assert again.settings["link_threshold"] == 0.35 and again.settings["date_order"] == "dmy"
    with pytest.raises(WorkspaceError, match="Unknown setting"):
        ws.set_setting("link_treshold", 0.3)


def test_new_sqlite_workspaces_use_32k_pages_and_old_ones_keep_theirs(tmp_path: Path) -> None:
    import sqlite3

    new = Workspace.init(tmp_path / "new")
    with new.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA page_size").scalar() == 32_768
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    new.dispose()
    old = tmp_path / "old"
    old.mkdir()
    made = sqlite3.connect(old / "made_elsewhere.sqlite")  # an existing database with 4 KB pages
    made.execute("PRAGMA page_size = 4096")
    made.execute("CREATE TABLE t (x)")
    made.execute("INSERT INTO t VALUES (1)")
    made.commit()
    made.close()
    from uncounted.records.workspace import make_engine

    engine = make_engine(f"sqlite:///{old / 'made_elsewhere.sqlite'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA page_size").scalar() == 4096
        assert connection.exec_driver_sql("SELECT x FROM t").scalar() == 1
    engine.dispose()
