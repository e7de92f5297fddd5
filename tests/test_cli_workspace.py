"""The workspace commands, through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from uncounted.cli.main import cli


def test_init_status_sources_reports(tmp_path: Path) -> None:
    runner = CliRunner()
    ws = tmp_path / "case"
    result = runner.invoke(cli, ["init", str(ws)])
    assert result.exit_code == 0, result.output
    assert (ws / "uncounted.toml").exists() and (ws / "uncounted.sqlite").exists()

    result = runner.invoke(cli, ["status", "--workspace", str(ws), "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["reports"] == 0 and info["store"] == "sqlite"

    for command in (["sources", "--json"], ["reports", "--json"]):
        result = runner.invoke(cli, [*command, "--workspace", str(ws)])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output) == []


def test_workspace_from_environment(tmp_path: Path) -> None:
    runner = CliRunner()
    ws = tmp_path / "case"
    assert runner.invoke(cli, ["init", str(ws)]).exit_code == 0
    result = runner.invoke(cli, ["status"], env={"UNCOUNTED_WORKSPACE": str(ws)})
    assert result.exit_code == 0 and str(ws) in result.output


def test_missing_workspace_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["status", "--workspace", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "is not a workspace" in result.output and "uncounted init" in result.output


def test_settings_mask_secrets(tmp_path: Path) -> None:
    runner = CliRunner()
    ws = tmp_path / "case"
    runner.invoke(cli, ["init", str(ws), "--database-url", "sqlite:///" + str(tmp_path / "other.sqlite")])
    result = runner.invoke(cli, ["settings", "--workspace", str(ws), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["database_url"] == "********"


def test_a_workspace_made_by_an_older_version_is_migrated_when_opened(tmp_path: Path) -> None:
    from alembic import command

    from uncounted.records.migrate import alembic_config, current_revision, head_revision
    from uncounted.records.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws")
    command.downgrade(alembic_config(ws.engine), "0003")
    assert current_revision(ws.engine) == "0003"
    ws.dispose()
    result = CliRunner().invoke(cli, ["user", "list", "--workspace", str(tmp_path / "ws"), "--json"])
    assert result.exit_code == 0, result.output
    assert "upgraded the workspace's schema from 0003" in result.output
    assert current_revision(Workspace.open(tmp_path / "ws").engine) == head_revision()
