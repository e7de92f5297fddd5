"""CLI commands: init, status, sources, reports, settings."""

from __future__ import annotations

from pathlib import Path

import click

from uncounted.cli.common import (
    echo_json, handle_errors, json_option, open_workspace, print_table, workspace_option,
)


def register(cli: click.Group) -> None:
    for command in (init, status, sources, reports, settings):
        cli.add_command(command)


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--database-url", envvar="UNCOUNTED_DATABASE_URL",
              help="Keep the record in PostgreSQL instead of the workspace's SQLite file "
                   "(postgresql://user:password@host/db).")
@handle_errors
def init(directory: Path, database_url: str | None) -> None:
    """Create a workspace in DIRECTORY: settings file, database and evidence store."""
    from uncounted.records.workspace import Workspace

    ws = Workspace.init(directory, database_url=database_url)
    click.echo(f"Created workspace {ws.path}")
    click.echo(f"  store:    {'SQLite file ' + str(ws.path / 'uncounted.sqlite') if ws.is_sqlite else 'PostgreSQL'}")
    click.echo(f"  evidence: {ws.path / 'evidence'}")
    click.echo(f"Next: uncounted import FILE --source NAME --workspace {directory}")


@click.command()
@workspace_option
@json_option
@handle_errors
def status(workspace_path: Path | None, as_json: bool) -> None:
    """What the record holds: sources, reports, date precision, persons, runs."""
    from uncounted.records.query import status as get_status

    info = get_status(open_workspace(workspace_path))
    if as_json:
        echo_json(info)
        return
    click.echo(f"Workspace {info['workspace']} ({info['store']})")
    click.echo(f"  sources {info['sources']}, documents {info['documents']}, reports {info['reports']} "
               f"({info['report_versions']} versions), with warnings {info['reports_with_warnings']}")
    click.echo("  event date precision: " + _pairs(info["date_precision"]))
    click.echo("  violations: " + _pairs(info["violations"]))
    persons = info["persons"]
    click.echo(f"  persons: {persons if persons is not None else 'not linked yet (run uncounted link)'}; "
               f"match decisions {info['match_decisions']}")
    click.echo(f"  claims {info['claims']}, estimate runs {info['estimate_runs']}, "
               f"audit entries {info['audit_entries']}")


def _pairs(mapping: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in mapping.items()) or "(none)"


@click.command()
@workspace_option
@json_option
@handle_errors
def sources(workspace_path: Path | None, as_json: bool) -> None:
    """List the sources with their documents and reports."""
    from uncounted.records.query import sources_table

    rows = sources_table(open_workspace(workspace_path))
    if as_json:
        echo_json(rows)
    else:
        print_table(rows, ["name", "kind", "sensitivity", "documents", "reports"])


@click.command()
@workspace_option
@click.option("--source", help="Only this source's reports.")
@click.option("--limit", type=int, default=50, show_default=True, help="At most this many (0: all).")
@json_option
@handle_errors
def reports(workspace_path: Path | None, source: str | None, limit: int, as_json: bool) -> None:
    """List current reports (one source's account of one victim)."""
    from uncounted.records.query import reports_frame

    frame = reports_frame(open_workspace(workspace_path), source=source, limit=limit or None)
    if as_json:
        echo_json(frame.astype(object).where(frame.notna(), None).to_dict(orient="records"))
        return
    cols = ["source", "source_record_id", "name_raw", "father_name", "violation", "event_date_raw",
            "event_date_precision", "event_place"]
    print_table(frame[cols].astype(object).where(frame[cols].notna(), None).to_dict(orient="records"), cols)


@click.command()
@workspace_option
@json_option
@handle_errors
def settings(workspace_path: Path | None, as_json: bool) -> None:
    """Show the workspace's settings (secrets masked) and where each can be set."""
    from uncounted.records.settings import SETTINGS, redacted

    values = redacted(open_workspace(workspace_path).settings)
    if as_json:
        echo_json(values)
        return
    for setting in SETTINGS:
        click.echo(f"{setting.name} = {values[setting.name]!r}")
        click.echo(f"    {setting.help} (env {setting.env_var})")
