"""Anchors make cutting off the newest audit entries detectable: the chain alone cannot see it,
verifying against an anchor taken earlier names the anchored entry and what is missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from uncounted.cli.main import cli
from uncounted.records import audit
from uncounted.records.audit import AnchorProblem


def write_entries(ws, n: int, start: int = 0) -> None:  # type: ignore[no-untyped-def]
    with ws.session() as s:
        for i in range(start, start + n):
            audit.append(s, actor="SYNTHETIC tester", action="test_write", object_type="report",
                         object_id=f"r{i}", details={"i": i})


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args))


def delete_after(ws, seq: int) -> None:  # type: ignore[no-untyped-def]
    """What someone with write access to the database does: cut the newest entries off in SQL."""
    with ws.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq > :s"), {"s": seq})


def test_truncation_passes_the_chain_but_fails_the_anchor(workspace, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_entries(workspace, 8)
    anchors = tmp_path / "outside" / "anchors.jsonl"
    taken = run("audit", "anchor", "-w", str(workspace.path), "--to", str(anchors), "--json")
    assert taken.exit_code == 0, taken.output + taken.stderr
    head = json.loads(taken.stdout)
    assert head["seq"] == 8 and head["entries"] == 8 and len(head["hash"]) == 64
    assert json.loads(anchors.read_text().splitlines()[0])["hash"] == head["hash"]

    intact = run("audit", "verify", "-w", str(workspace.path), "--anchor", str(anchors))
    assert intact.exit_code == 0 and "anchored entry 8 is present" in intact.stdout

    write_entries(workspace, 2, start=8)  # the log grows after the anchor: still fine
    assert run("audit", "verify", "-w", str(workspace.path), "--anchor", str(anchors)).exit_code == 0

    delete_after(workspace, 5)  # entries 6..10 removed; 6..8 were anchored
    alone = run("audit", "verify", "-w", str(workspace.path))
    assert alone.exit_code == 0, "without an anchor the shorter chain looks intact (the weakness anchors fix)"
    cut = run("audit", "verify", "-w", str(workspace.path), "--anchor", str(anchors), "--json")
    assert cut.exit_code == 1
    result = json.loads(cut.stdout)
    assert result["chain_ok"] is True and result["ok"] is False
    assert result["anchor"]["missing_from"] == 6 and result["anchor"]["missing_to"] == 8
    assert "anchored entry 8" in result["anchor"]["problem"] and head["hash"][:16] in result["anchor"]["problem"]
    assert "entries 6 to 8 were removed" in result["anchor"]["problem"]
    human = run("audit", "verify", "-w", str(workspace.path), "--anchor", f"8:{head['hash']}")
    assert human.exit_code == 1 and "TRUNCATED" in human.stderr and "anchored entry 8" in human.stderr


def test_cut_off_and_written_again_is_found(workspace) -> None:  # type: ignore[no-untyped-def]
    write_entries(workspace, 6)
    with workspace.session() as s:
        anchor = audit.head(s)
    assert anchor is not None and anchor.seq == 6
    delete_after(workspace, 3)
    write_entries(workspace, 5, start=100)  # the app keeps writing: entry 6 exists again, with another hash
    with workspace.session() as s:
        assert audit.verify(s).ok
        check = audit.check_anchor(s, anchor)
    assert not check.ok and check.missing_to == 6
    assert "entry 6 no longer has the anchored hash" in (check.problem or "")


def test_an_older_anchor_that_still_holds_bounds_the_loss(sqlite_workspace, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws = sqlite_workspace
    anchors = tmp_path / "anchors.jsonl"
    write_entries(ws, 4)
    with ws.session() as s:
        audit.append_anchor(anchors, audit.head(s))
    write_entries(ws, 4, start=4)
    with ws.session() as s:
        audit.append_anchor(anchors, audit.head(s))
    delete_after(ws, 5)
    write_entries(ws, 3, start=50)
    with ws.session() as s:
        check = audit.check_anchors(s, audit.read_anchors(anchors))
    assert not check.ok and check.anchor.seq == 8 and check.missing_from == 5 and check.missing_to == 8
    assert "entries 5 to 8" in (check.problem or "")


def test_anchor_forms_and_mistakes(sqlite_workspace, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_entries(sqlite_workspace, 3)
    with sqlite_workspace.session() as s:
        anchor = audit.head(s)
        assert anchor is not None
        assert audit.check_anchor(s, audit.parse_anchor(anchor.short)).ok
        bare = audit.check_anchor(s, audit.parse_anchor(anchor.hash.upper()))
        assert bare.ok and bare.anchor.seq == 3
        assert audit.check_anchor(s, audit.parse_anchor(anchor.to_line())).ok
        wrong = audit.check_anchor(s, audit.parse_anchor("3:" + "0" * 64))
        assert not wrong.ok
        unknown = audit.check_anchor(s, audit.parse_anchor("f" * 64))
        assert not unknown.ok and "no entry has the anchored hash" in (unknown.problem or "")
    for bad in ("12:abc", "x:" + "a" * 64, "{not json"):
        with pytest.raises(AnchorProblem):
            audit.parse_anchor(bad)
    with pytest.raises(AnchorProblem, match="does not exist"):
        audit.read_anchors(tmp_path / "missing" / "anchors.jsonl")
    inside = run("audit", "anchor", "-w", str(sqlite_workspace.path), "--to",
                 str(sqlite_workspace.path / "anchors.jsonl"))
    assert inside.exit_code == 2 and "inside the workspace" in inside.stderr
    assert not (sqlite_workspace.path / "anchors.jsonl").exists()


def test_empty_log_has_no_anchor(sqlite_workspace) -> None:  # type: ignore[no-untyped-def]
    with sqlite_workspace.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
    result = run("audit", "anchor", "-w", str(sqlite_workspace.path))
    assert result.exit_code == 2 and "empty" in result.stderr


def test_the_anchor_file_setting_is_the_default(sqlite_workspace, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws = sqlite_workspace
    anchors = tmp_path / "elsewhere" / "audit-anchors.jsonl"
    settings = ws.path / "uncounted.toml"
    settings.write_text(settings.read_text() + f'audit_anchor_file = "{anchors}"\n')
    write_entries(ws, 5)
    for _ in range(2):  # as a periodic job would
        assert run("audit", "anchor", "-w", str(ws.path)).exit_code == 0
    assert len(anchors.read_text().splitlines()) == 2
    ok = run("audit", "verify", "-w", str(ws.path))
    assert ok.exit_code == 0 and "2 anchors checked" in ok.stdout
    delete_after(ws, 4)
    cut = run("audit", "verify", "-w", str(ws.path))
    assert cut.exit_code == 1 and "entries 5 to 5 were removed" in cut.stderr
