"""The `uncounted` command. Each domain registers its commands from its own module."""

from __future__ import annotations

import importlib

import click

from uncounted import __version__

# Each module below defines `register(cli: click.Group) -> None`.
COMMAND_MODULES = (
    "uncounted.cli.workspace",
    "uncounted.cli.ingest",
    "uncounted.cli.simulate",
    "uncounted.cli.link",
    "uncounted.cli.estimate",
    "uncounted.cli.claims",
    "uncounted.cli.server",
    "uncounted.cli.demo",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="uncounted")
def cli() -> None:
    """uncounted: record, link and count alleged human-rights violations.

    Every command works on a workspace (a folder made by `uncounted init`);
    name it with --workspace, or UNCOUNTED_WORKSPACE, or run from inside it.
    """


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(cli)
