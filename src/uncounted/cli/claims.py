"""CLI commands: `uncounted extract` (claims from reports), `uncounted extract evaluate`,
and `uncounted claims` (the ledger)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from uncounted.cli.common import echo_json, handle_errors, json_option, open_workspace, workspace_option
from uncounted.errors import ClaimsError


def register(cli: click.Group) -> None:
    """Add this module's commands to the top-level group."""
    cli.add_command(extract_group)
    cli.add_command(claims_command)


class _DefaultCommandGroup(click.Group):
    """A group whose arguments go to a hidden default command unless they name a subcommand.

    `uncounted extract FILE...` runs extraction; `uncounted extract evaluate DIR` evaluates.
    """

    default_command = "files"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and (args[0] in self.commands or args[0] in ("-h", "--help")):
            return super().parse_args(ctx, args)
        return super().parse_args(ctx, [self.default_command, *args])

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage("uncounted extract", "FILE... [OPTIONS]  |  evaluate GOLD_DIR [--json]")


@click.group("extract", cls=_DefaultCommandGroup)
def extract_group() -> None:
    """Turn English news reports and statements into claims about victim counts.

    \b
    uncounted extract FILE... [--json] [--statement-date DATE] [--no-store]
        FILE is a .txt or .html report, or a folder of them. Each claim gives the
        claimant, medium, relay, figure (lower/upper/qualifier), violation, victims,
        place, period, alleged perpetrator, hedging and the evidence sentence.
        Claims are stored in the workspace unless --no-store.
    uncounted extract evaluate GOLD_DIR [--json]
        Per-field precision, recall and F1 against a gold folder (NN.txt + NN.json).
    """


@extract_group.command("files", hidden=True)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--statement-date", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Date of the statement (YYYY-MM-DD), to resolve 'last year', 'on Tuesday'; "
                   "default: the date in the report's dateline.")
@click.option("--no-store", is_flag=True, help="Only print the claims; do not store them in the workspace.")
@click.option("--source", help="Source name to store the reports under (default: the statement's "
              "issuer, else the agency in the dateline).")
@workspace_option
@json_option
@click.option("--no-progress", is_flag=True, help="Do not show a progress bar.")
@handle_errors
def extract_files(files: tuple[Path, ...], statement_date: dt.datetime | None, no_store: bool,
                  source: str | None, workspace_path: Path | None, as_json: bool,
                  no_progress: bool) -> None:
    """Extract claims from FILE... (the default command of `uncounted extract`)."""
    from uncounted.claims.extract import extract_many
    from uncounted.claims.text import read_report, report_files

    paths = report_files(list(files))
    if not paths:
        raise ClaimsError("No .txt or .html reports found in the paths given.")
    ws = None
    if not no_store:
        from uncounted.errors import WorkspaceError

        try:
            ws = open_workspace(workspace_path)
        except WorkspaceError as exc:
            raise WorkspaceError(f"{exc} To only print the claims, add --no-store.") from exc
    texts = [(read_report(p), p.name) for p in paths]
    sd = statement_date.date() if statement_date else None
    results = extract_many(texts, statement_date=sd, n_process=2 if len(texts) >= 200 else 1)
    out: list[dict[str, Any]] = []
    bar = _progress(len(paths), no_progress or as_json)
    for path, result in zip(paths, results):
        entry = {"file": str(path), **result.to_dict()}
        if ws is not None:
            from uncounted.claims.store import store_result

            entry["store"] = store_result(ws, result, path, source=source)
        out.append(entry)
        if bar is not None:
            bar.update(1)
        if not as_json:
            _print_result(entry)
    if bar is not None:
        bar.close()
    if as_json:
        echo_json(out if len(out) != 1 else out[0])


def _progress(total: int, quiet: bool):  # type: ignore[no-untyped-def]
    if quiet or total < 5:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="report", file=sys.stderr)


def _print_result(entry: dict[str, Any]) -> None:
    mark = "  [SYNTHETIC]" if entry.get("synthetic") else ""
    click.echo(f"== {entry['file']}{mark}  (statement date: {entry['statement_date'] or 'not given'}; "
               f"source kind: {entry['source_kind']})")
    if not entry["claims"]:
        click.echo("   no claims with a figure")
    for i, c in enumerate(entry["claims"], 1):
        q = c["quantity"]
        bounds = _bounds(q)
        period = c["period"]
        when = f"{period['start'] or '…'} to {period['end'] or '…'}" if (period["start"] or period["end"]) \
            else "no period"
        click.echo(f"{i:3d}. {q['text']!r} {bounds}  {c['violation']}"
                   f" | victims: {c['victim_group'] or '-'} | place: {c['place'] or '-'} | {when}")
        who = c["claimant"]
        claimant = "unattributed (the outlet's own statement)" if not who else \
            who["name"] + (f" ({who['role']})" if who.get("role") else "")
        extras = [f"claimant: {claimant}"]
        if c["medium"]:
            extras.append(f"medium: {c['medium']}")
        if c["relayed_by"]:
            extras.append(f"relayed by: {c['relayed_by']}")
        if c["alleged_perpetrator"]:
            extras.append(f"alleged perpetrator: {c['alleged_perpetrator']}")
        if c["hedges"]:
            extras.append(f"hedges: {', '.join(c['hedges'])}")
        click.echo("     " + "; ".join(extras))
        click.echo(f"     evidence: {c['evidence_text']}")
    if entry["allegations"]:
        click.echo("   Allegations without a figure:")
        for a in entry["allegations"]:
            who = (a["claimant"] or {}).get("name") or "unattributed"
            perp = f" by {a['alleged_perpetrator']}" if a["alleged_perpetrator"] else ""
            click.echo(f"   - {a['violation']}{perp} (claimant: {who}): {a['evidence_text']}")
    if entry["candidate_incidents"]:
        click.echo("   Candidate incidents (review queue, not confirmed records):")
        for inc in entry["candidate_incidents"]:
            bits = [inc["event"], inc["date"] or "date unknown", inc["place"] or "place unknown"]
            if inc["alleged_perpetrator"]:
                bits.append(f"by {inc['alleged_perpetrator']}")
            click.echo(f"   - {inc['victim_name']}: " + ", ".join(bits))
    store = entry.get("store")
    if store:
        if store["stored"]:
            click.echo(f"   stored: {store['claims']} claims, {store['candidate_reports']} candidate "
                       f"reports (document {store['document_id']}, source {store['source']!r})")
        else:
            click.echo(f"   not stored again: {store['reason']} (document {store['document_id']})")
    click.echo("")


def _bounds(q: dict[str, Any]) -> str:
    lo, hi = q["lower"], q["upper"]
    if lo is not None and hi is not None:
        return f"[{lo:,}]" if lo == hi else f"[{lo:,}–{hi:,}]"
    if lo is not None:
        return f"[≥{lo:,}]"
    return f"[≤{hi:,}]"


@extract_group.command("evaluate")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@json_option
@click.option("--errors", "show_errors", is_flag=True, help="Also list every missed, spurious or wrong item.")
@handle_errors
def evaluate_command(gold_dir: Path, as_json: bool, show_errors: bool) -> None:
    """Per-field precision, recall and F1 of extraction against GOLD_DIR (NN.txt + NN.json)."""
    import json

    from uncounted.claims.evaluate import evaluate_dir, format_report

    report = evaluate_dir(gold_dir)
    synthetic = all(json.loads(p.read_text(encoding="utf-8")).get("synthetic")
                    for p in sorted(gold_dir.glob("*.json")))
    if as_json:
        data = report.to_dict()
        data["synthetic"] = synthetic
        if not show_errors:
            data.pop("errors")
        echo_json(data)
        return
    if synthetic:
        click.echo("SYNTHETIC gold corpus (invented items): scores describe this corpus only.")
    click.echo(format_report(report))
    if show_errors:
        click.echo("")
        for e in report.errors:
            click.echo(f"{e['item']} {e['kind']} {e['status']}: {e['evidence']}")
            for w in e["wrong"]:
                click.echo(f"    {w['field']}: got {w['pred']!r}, gold {w['gold']!r}")


@click.command("claims")
@workspace_option
@json_option
@handle_errors
def claims_command(workspace_path: Path | None, as_json: bool) -> None:
    """The claims ledger: each stored claim beside the documented count and the estimate.

    For each claim: its scope (violation, place, period), the number of linked persons
    documented in that scope, the latest estimate for exactly that scope, and a verdict:
    within the interval, above it, below it, below the documented count, or not comparable.
    """
    from uncounted.claims.store import workspace_ledger

    rows = workspace_ledger(open_workspace(workspace_path))
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        c = row["claim"]
        q = c["quantity"]
        est = row["estimate"]
        est_text = "no matching estimate" if not est else (
            f"estimate {_num(est.get('estimate'))} [{_num(est['interval'][0])}, "
            f"{_num(est['interval'][1])}] (run {est.get('run_id')})")
        who = (c.get("claimant") or {}).get("name") or "unattributed"
        click.echo(f"#{c['id']} {q['text']!r} {_bounds(q)} {c['violation']}"
                   f" | {c.get('place') or 'any place'} | claimant: {who} | {c.get('document') or ''}")
        documented = "not covered" if row["documented"] is None else f"{row['documented']:,}"
        click.echo(f"    documented: {documented}; {est_text}")
        click.echo(f"    verdict: {row['verdict']} — {row['reason']}")


def _num(x: Any) -> str:
    return "?" if x is None else f"{x:,.0f}"
