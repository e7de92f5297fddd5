"""CLI command: demo (the end-to-end run on a SYNTHETIC scenario)."""

from __future__ import annotations

from pathlib import Path

import click

from uncounted.cli.common import echo_json, handle_errors, json_option


def register(cli: click.Group) -> None:
    cli.add_command(demo)


@click.command()
@click.option("--workspace", "-w", "workspace_path", type=click.Path(file_okay=False, path_type=Path),
              default=Path("demo-workspace"), show_default=True, help="Folder for the demo workspace.")
@click.option("--fresh", is_flag=True, help="Replace an earlier demo workspace at that path.")
@click.option("--victims", type=click.IntRange(200, 200_000), default=3000, show_default=True,
              help="Size of the synthetic population.")
@click.option("--seed", type=int, default=1992, show_default=True, help="Seed of the simulation and the sampler.")
@click.option("--method", type=click.Choice(["lcmcr", "loglinear"]), default="lcmcr", show_default=True,
              help="Estimator used by violation type.")
@click.option("--serve", is_flag=True, help="Then open the web app on the demo workspace (a demo admin is created; "
                                            "its password is printed once).")
@click.option("--port", type=int, default=8000, show_default=True, help="Port for --serve (on 127.0.0.1).")
@json_option
@handle_errors
def demo(workspace_path: Path, fresh: bool, victims: int, seed: int, method: str, serve: bool, port: int,
         as_json: bool) -> None:
    """Run the whole pipeline on a SYNTHETIC scenario modelled on the report that started the project.

    A large city, an operation beginning 19 June 1992, killings and disappearances over two
    decades, four documenting organisations: simulate the lists, import them, link the reports
    into persons (and compare with the known truth), estimate by violation type, and hold the
    claims of a synthetic statement against the record.
    """
    from uncounted.demo import DemoSettings, run_demo

    echo = (lambda _line: None) if as_json else click.echo
    out = run_demo(DemoSettings(workspace=workspace_path, victims=victims, seed=seed, fresh=fresh,
                                method=method, echo=echo))
    if as_json:
        echo_json(out)
    if serve:
        _serve_demo(workspace_path, port)


def _serve_demo(workspace_path: Path, port: int) -> None:
    from uncounted.records.accounts import create_user
    from uncounted.records.workspace import Workspace
    from uncounted.server.app import serve

    ws = Workspace.open(workspace_path)
    password = create_user(ws, "demo-admin", "admin")
    click.echo("\nWeb app: http://127.0.0.1:%d/  user demo-admin  password %s" % (port, password))
    click.echo("(The password is shown only this once. Stop the server with Ctrl-C.)")
    serve(ws, host="127.0.0.1", port=port)
