"""CLI commands: `uncounted import` (spreadsheets into the record) and `uncounted mapping` (column mappings).

Exit codes of `uncounted import`: 0 imported (warnings allowed) or already imported; 1 imported,
but some rows were rejected (see the rejects CSV); 2 nothing imported (the file or the mapping has
to be fixed; with --strict, any problem).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from uncounted.cli.common import workspace_option
from uncounted.errors import ImportFailed, UncountedError

SHOW_PROBLEMS = 20


def register(cli: click.Group) -> None:
    """Add this module's commands to the top-level group."""
    cli.add_command(import_command)
    cli.add_command(mapping_group)


def _workspace(path: Path | None) -> Any:
    from uncounted.records.workspace import Workspace

    return Workspace.open(path)


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--source", "-s", required=True, help="Name of the organisation or list the file comes from "
              "(created on first import).")
@click.option("--kind", help="Kind of source when it is new: ngo_list, testimony, press, statement, official, "
              "morgue_or_hospital, other.")
@click.option("--mapping", "mapping_path", type=click.Path(dir_okay=False, path_type=Path),
              help="A mapping file (TOML) saying which column is which; `uncounted mapping detect FILE` writes one to edit.")
@click.option("--save-mapping", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the mapping used (detected or given) to this TOML file, to edit and reuse.")
@click.option("--dry-run", is_flag=True, help="Read and check the whole file; show the mapping and the first "
              "parsed rows; write nothing.")
@click.option("--strict", is_flag=True, help="Import nothing if any row has any problem (error or warning).")
@click.option("--rejects", "rejects_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write rejected rows with their reasons (default: FILE.rejects.csv beside FILE).")
@click.option("--encoding", help="Text encoding, if detection is wrong: utf-8, utf-16, cp1252, cp1256, ...")
@click.option("--delimiter", help="Field delimiter, if detection is wrong: ',', ';', 'tab' or '|'.")
@click.option("--date-order", type=click.Choice(["dmy", "mdy", "ymd"]),
              help="How to read numeric dates such as 05/06/1995 (default: the workspace's date_order).")
@click.option("--pivot", "pivot", type=click.IntRange(0, 99),
              help="Two-digit years up to this are 20xx, above it 19xx (default: workspace setting).")
@click.option("--workers", type=click.IntRange(0, 16), default=None,
              help="Processes that build the rows of a big first import alongside the writing (default: chosen "
              "from the file's size and the free cores; 0: build every row in this process).")
@workspace_option
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--no-progress", is_flag=True, help="Do not show a progress bar.")
def import_command(file: Path, source: str, kind: str | None, mapping_path: Path | None, save_mapping: Path | None,
                   dry_run: bool, strict: bool, rejects_path: Path | None, encoding: str | None,
                   delimiter: str | None, date_order: str | None, pivot: int | None, workers: int | None,
                   workspace_path: Path | None, as_json: bool, no_progress: bool) -> None:
    """Import a spreadsheet (CSV, XLSX or JSON Lines) as a document of SOURCE.

    Columns are recognised from their headers (English names and their variants, and HXL hashtags);
    check them first with --dry-run. Rows with errors are written to a rejects CSV with the reasons;
    rows with warnings are imported with the warnings kept. Importing the same file again adds
    nothing; a changed file with the same name becomes a new version of the document.

    \b
    Exit codes: 0 imported (perhaps with warnings) or already imported;
                1 imported, but some rows were rejected;
                2 nothing imported.

    \b
    Examples:
      uncounted import register.csv --source "Families Association" --kind ngo_list --dry-run
      uncounted import register.csv --source "Families Association" --save-mapping families.toml
      uncounted import morgue.xlsx --source "City Morgue" --kind morgue --mapping morgue.toml
    """
    from uncounted.ingest import import_file

    try:
        ws = _workspace(workspace_path)
        result = import_file(ws, file, source=source, kind=kind, mapping=mapping_path, strict=strict,
                             dry_run=dry_run, rejects_path=rejects_path, progress=not no_progress and not as_json,
                             encoding=encoding, delimiter=delimiter, date_order=date_order,
                             two_digit_year_pivot=pivot, workers=workers)
    except ImportFailed as exc:
        _fail(exc, as_json)
        return
    except UncountedError as exc:
        _fail(ImportFailed(str(exc)), as_json)
        return
    if save_mapping and result.mapping is not None:
        result.mapping.save(save_mapping)
    if as_json:
        out = result.to_dict()
        if save_mapping:
            out["mapping_saved_to"] = str(save_mapping)
        click.echo(json.dumps(out, indent=2, ensure_ascii=False, default=str))
    else:
        _print_result(result, save_mapping)
    sys.exit(1 if result.rejected and not result.dry_run else 0)


def _fail(exc: ImportFailed, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"ok": False, "error": str(exc), "problems": [
            {"file": p.file, "row": p.row, "column": p.column, "value": p.value, "expected": p.expected,
             "severity": p.severity, "message": str(p)} for p in exc.problems]}, indent=2, ensure_ascii=False))
    else:
        click.echo(f"Import failed: {exc}", err=True)
        for problem in exc.problems[:SHOW_PROBLEMS]:
            click.echo(f"  {problem.severity}: {problem}", err=True)
        if len(exc.problems) > SHOW_PROBLEMS:
            click.echo(f"  ... and {len(exc.problems) - SHOW_PROBLEMS:,} more (use --json to see them all)", err=True)
    sys.exit(2)


def _print_result(result: Any, save_mapping: Path | None) -> None:
    echo = click.echo
    if result.already_imported:
        echo(f"{result.file}: already imported for source {result.source!r} (as {result.already_imported_as!r}, "
             f"document {result.document_id}); the same bytes add nothing.")
        if not result.dry_run:
            return
    for sheet, mapping in result.mappings.items():
        title = f"Columns of sheet {sheet!r}" if sheet else "Columns"
        echo(f"{title} (field, confidence, how it was found):")
        width = max((len(h) for h in mapping.columns), default=10)
        for header, field_name in mapping.columns.items():
            if field_name:
                also = mapping.alternatives.get(header)
                hint = f"   (could also be {also})" if also else ""
                echo(f"  {header:<{width}}  -> {field_name:<22} {mapping.confidence.get(header, 0):.2f}  "
                     f"{mapping.origin.get(header, '')}{hint}")
        encrypted = list(getattr(mapping, "sensitive", None) or [])
        unmapped = [h for h in mapping.unmapped if h not in encrypted]
        if unmapped:
            echo("  Not mapped (kept in each report's raw row): " + ", ".join(repr(h) for h in unmapped))
        if encrypted:
            echo("  Sensitive, stored only encrypted (values never shown): " + ", ".join(repr(h) for h in encrypted))
        if mapping.date_order:
            echo(f"  Dates read as {mapping.date_order}; two-digit years up to {mapping.two_digit_year_pivot} are 20xx.")
    for table in result.tables:
        if table.get("preamble"):
            echo(f"  Skipped title lines above the header (row {table['header_row']}): "
                 + " | ".join(table["preamble"][:3]))
    if result.preview:
        echo(f"First {len(result.preview)} parsed rows:")
        for item in result.preview:
            values = item["values"]
            shown = ", ".join(f"{k}={v!r}" for k, v in values.items() if k != "name_key")
            echo(f"  row {item['row']}: {shown}")
            for problem in item["problems"]:
                echo(f"      ! {problem}")
    verb = "Would import" if result.dry_run else "Imported"
    echo("")
    if result.dry_run:
        echo("SIMULATION ONLY (--dry-run): nothing was written.")
    echo(f"{verb} {result.imported:,} of {result.rows_read:,} rows from {result.file} into source {result.source!r}"
         + (" (a new source)" if result.source_created else "")
         + (f"; document {result.document_id}, version {result.version}" if result.document_id else "") + ".")
    if result.previous_document_id:
        echo(f"  New version of an earlier file: {result.added:,} added, {result.changed:,} changed, "
             f"{result.withdrawn:,} withdrawn, {result.unchanged:,} unchanged.")
    if result.rows_with_warnings:
        echo(f"  {_rows(result.rows_with_warnings)} imported with warnings (kept with each report).")
    if result.rejected:
        where = f" They are in {result.rejects_path} with the reasons." if result.rejects_path else ""
        echo(f"  {_rows(result.rejected)} rejected.{where}")
    if result.problem_groups:
        counts = result.problem_counts
        echo(f"Problems: {counts.get('error', 0):,} errors, {counts.get('warning', 0):,} warnings "
             "(same problem and value grouped; most frequent first):")
        for group in result.problem_groups[:SHOW_PROBLEMS]:
            echo("  " + group["message"])
        if len(result.problem_groups) > SHOW_PROBLEMS:
            echo(f"  ... and {len(result.problem_groups) - SHOW_PROBLEMS:,} more kinds (use --json to see them all)")
    if save_mapping:
        echo(f"Mapping saved to {save_mapping}; edit it and use it with --mapping {save_mapping}.")


def _rows(n: int) -> str:
    return "1 row" if n == 1 else f"{n:,} rows"


@click.group("mapping")
def mapping_group() -> None:
    """Column mappings: see what would be detected, write a mapping file to edit."""


@mapping_group.command("detect")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the detected mapping to this TOML file (default: print it).")
@click.option("--json", "as_json", is_flag=True, help="Print the mapping as JSON.")
def mapping_detect(file: Path, out: Path | None, as_json: bool) -> None:
    """Detect the column mapping of FILE (no workspace needed) and print or save it as TOML."""
    from uncounted.ingest import detect_mapping, read_table

    try:
        tables = read_table(file)
    except ImportFailed as exc:
        _fail(exc, as_json)
        return
    mapping = detect_mapping(tables[0].headers, tables[0].hxl_tags)
    for table in tables[1:]:
        extra = detect_mapping(table.headers, table.hxl_tags)
        for header, field_name in extra.columns.items():
            mapping.columns.setdefault(header, field_name)
            mapping.confidence.setdefault(header, extra.confidence.get(header, 0.0))
    if as_json:
        click.echo(json.dumps(mapping.to_dict(), indent=2, ensure_ascii=False))
    elif out:
        mapping.save(out)
        click.echo(f"Mapping written to {out}.")
    else:
        click.echo(mapping.to_toml())


@mapping_group.command("fields")
def mapping_fields() -> None:
    """List the fields a column can be mapped to."""
    from uncounted.ingest.headers import FIELDS, INDICATORS

    for name, help_text in FIELDS.items():
        click.echo(f"  {name:<22} {help_text}")
    for name in INDICATORS:
        click.echo(f"  indicator:{name:<12} a yes / 1 column meaning the violation was {name} (HXL #affected+...)")
