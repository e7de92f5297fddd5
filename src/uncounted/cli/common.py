"""Helpers every command shares: the --workspace option, JSON output, error handling."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any, Callable, TypeVar

import click

from uncounted.errors import UncountedError

F = TypeVar("F", bound=Callable[..., Any])


def workspace_option(func: F) -> F:
    """Add --workspace (default: $UNCOUNTED_WORKSPACE, else the current folder)."""
    return click.option(
        "--workspace", "-w", "workspace_path", type=click.Path(file_okay=False, path_type=Path),
        envvar="UNCOUNTED_WORKSPACE", default=None, show_envvar=True,
        help="Workspace folder (made by `uncounted init`). Default: the current folder.",
    )(func)


def open_workspace(path: Path | None):  # type: ignore[no-untyped-def]
    """Open the workspace; a schema made by an older uncounted is migrated first (migrations only
    add tables and columns), with a note on stderr."""
    from uncounted.records.migrate import upgrade_if_behind
    from uncounted.records.workspace import Workspace

    ws = Workspace.open(path)
    upgraded = upgrade_if_behind(ws.engine)
    if upgraded:
        click.echo(f"Note: upgraded the workspace's schema from {upgraded[0]} to {upgraded[1]}.", err=True)
    return ws


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")(func)


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=_json_default))


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return str(value)


def handle_errors(func: F) -> F:
    """Turn our own errors into a clean message and exit code 2, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UncountedError as exc:
            click.echo(f"Error: {exc}", err=True)
            problems = getattr(exc, "problems", None) or []
            for problem in problems[:50]:
                click.echo(f"  - {problem}", err=True)
            if len(problems) > 50:
                click.echo(f"  … and {len(problems) - 50} more", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def print_table(rows: list[dict[str, Any]], columns: list[str] | None = None) -> None:
    """A plain aligned text table."""
    if not rows:
        click.echo("(nothing)")
        return
    columns = columns or list(rows[0])
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    click.echo("  ".join("-" * w for w in widths))
    for row in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths)))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."
