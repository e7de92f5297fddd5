"""CLI commands: link (and link evaluate), review, persons."""

from __future__ import annotations

from pathlib import Path

import click

from uncounted.cli.common import (
    echo_json, handle_errors, json_option, open_workspace, print_table, workspace_option,
)


def register(cli: click.Group) -> None:
    cli.add_command(link)
    cli.add_command(review)
    cli.add_command(persons)


@click.group(invoke_without_command=True)
@workspace_option
@click.option("--threshold", type=click.FloatRange(0, 1), default=None,
              help="Match probability at which two reports are one person (default: setting link_threshold, else the model's 0.2).")
@click.option("--backend", type=click.Choice(["duckdb", "spark"]), default="duckdb", show_default=True,
              help="Where Splink runs: DuckDB on this machine, or Spark for very large records.")
@click.option("--reuse-model", is_flag=True, help="Score with the current run's trained model instead of retraining.")
@click.option("--save-model", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the trained model as JSON to this file.")
@json_option
@click.pass_context
@handle_errors
def link(ctx: click.Context, workspace_path: Path | None, threshold: float | None, backend: str,
         reuse_model: bool, save_model: Path | None, as_json: bool) -> None:
    """Link every report into persons (probabilistic record linkage with Splink).

    Human decisions from `uncounted review` always override the model. Each run is stored;
    the previous one stays in the record. `uncounted link evaluate --truth FILE` measures it.
    """
    if ctx.invoked_subcommand is not None:
        return
    from uncounted.link.model import TrainedModel
    from uncounted.link.stored import link_workspace

    ws = open_workspace(workspace_path)
    summary = link_workspace(ws, threshold=threshold, backend=backend, reuse_model=reuse_model,
                             progress=not as_json)
    if save_model:
        with ws.session() as s:
            from uncounted.records.models import LinkageRun

            TrainedModel.from_dict(s.get(LinkageRun, summary.run_id).model).save(save_model)
    if as_json:
        echo_json(summary.to_dict())
        return
    click.echo(f"Linked {summary.reports:,} reports into {summary.persons:,} persons "
               f"(run {summary.run_id}, threshold {summary.threshold}, backend {backend}).")
    click.echo(f"  {summary.links:,} links at or above the threshold; {summary.pairs_stored:,} scored pairs kept "
               "for review.")
    click.echo(f"  human decisions applied: {summary.decisions_applied}; "
               f"persons whose reports disagree (killed vs missing, sex, ...): {summary.persons_with_conflicts:,}")
    for refused in summary.refused[:10]:
        click.echo(f"  refused: {refused}")
    click.echo("Next: `uncounted review` to decide the uncertain pairs.")


@link.command("evaluate")
@workspace_option
@click.option("--truth", "truth_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV with columns source, record_id (the list's own id), person_id.")
@click.option("--decisions", "use_decisions", is_flag=True,
              help="Score the model against the human review decisions instead of a truth file.")
@json_option
@handle_errors
def evaluate(workspace_path: Path | None, truth_path: Path | None, use_decisions: bool, as_json: bool) -> None:
    """Measure the current linkage: against known truth (--truth: precision, recall, F1, B-cubed,
    persons) or against the human review decisions (--decisions: agreement, calibration and the
    threshold the decisions favour)."""
    from uncounted.errors import UncountedError
    from uncounted.link.stored import evaluate_decisions, evaluate_workspace

    if bool(truth_path) == use_decisions:
        raise UncountedError("Give exactly one of --truth FILE or --decisions.")
    ws = open_workspace(workspace_path)
    if use_decisions:
        report = evaluate_decisions(ws)
        echo_json(report) if as_json else _print_decision_report(report)
        return
    metrics = evaluate_workspace(ws, truth_path)
    if as_json:
        echo_json(metrics)
        return
    pw, bc = metrics["pairwise"], metrics["bcubed"]
    click.echo(f"Pairwise   precision {pw['precision']:.4f}  recall {pw['recall']:.4f}  F1 {pw['f1']:.4f}")
    click.echo(f"B-cubed    precision {bc['precision']:.4f}  recall {bc['recall']:.4f}  F1 {bc['f1']:.4f}")
    diff = metrics["persons_found"] - metrics["true_persons"]
    click.echo(f"Persons found {metrics['persons_found']:,} vs true persons {metrics['true_persons']:,} "
               f"({diff:+,}, {100 * diff / max(metrics['true_persons'], 1):+.1f}%)")
    if metrics.get("truth_rows_unmatched"):
        click.echo(f"Note: {metrics['truth_rows_unmatched']} truth rows matched no stored report.")


@link.command("tune")
@workspace_option
@click.option("--apply", is_flag=True, help="Save the suggested threshold as the workspace's link_threshold.")
@json_option
@handle_errors
def tune(workspace_path: Path | None, apply: bool, as_json: bool) -> None:
    """Choose the match threshold from the human review decisions (the one with the fewest
    disagreements; ties go to the current threshold). With --apply it is saved as the setting
    link_threshold and the next `uncounted link` uses it."""
    from uncounted.link.stored import tune_threshold

    report = tune_threshold(open_workspace(workspace_path), apply=apply)
    if as_json:
        echo_json(report)
        return
    _print_decision_report(report)
    if report["applied"]:
        click.echo(f"Saved link_threshold = {report['suggested']['threshold']:.4f}. "
                   "Run `uncounted link` to relink with it.")
    elif report["suggested"] is not None:
        click.echo("Nothing saved: add --apply to use this threshold.")


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _print_decision_report(report: dict) -> None:
    cur = report["at_threshold"]
    click.echo(f"Run {report['run_id']}: {cur['labelled_pairs']} decided pairs "
               f"({report['unsure']} unsure left out). {report['note']}")
    click.echo(f"At the run's threshold {report['threshold']:.3f}: agreement {_rate(cur['agreement'])}, "
               f"precision {_rate(cur['precision'])}, recall {_rate(cur['recall'])} "
               f"({cur['false_positive']} false links, {cur['false_negative']} missed links).")
    click.echo("Calibration (predicted probability vs share of pairs people judged the same):")
    print_table([{**row, "mean_probability": _rate(row["mean_probability"]), "share_same": _rate(row["share_same"])}
                 for row in report["calibration"]], ["band", "pairs", "mean_probability", "share_same"])
    best = report["suggested"]
    if best is None:
        click.echo(f"No threshold suggested: {report['reason']}")
    else:
        click.echo(f"Suggested threshold {best['threshold']:.4f}: {best['errors']} disagreements "
                   f"instead of {cur['errors']} (precision {_rate(best['precision'])}, recall {_rate(best['recall'])}).")


@click.command()
@workspace_option
@click.option("--limit", type=int, default=20, show_default=True, help="How many pairs to show.")
@click.option("--list", "list_only", is_flag=True, help="Only list the queue; decide nothing.")
@click.option("--decide", nargs=3, metavar="KEY_A KEY_B DECISION",
              help="Record one decision without prompting: DECISION is same, different or unsure.")
@click.option("--note", help="A note stored with --decide.")
@click.option("--user", "actor", help="Who decides (default: setting `user`, else the login name).")
@json_option
@handle_errors
def review(workspace_path: Path | None, limit: int, list_only: bool, decide: tuple[str, str, str] | None,
           note: str | None, actor: str | None, as_json: bool) -> None:
    """Decide the pairs the model is least sure about (nearest the threshold first).

    Each pair is shown side by side with how much every field pushed towards or away from a
    match. Answer s (same person), d (different), u (unsure), Enter to skip, q to stop.
    Decisions are stored with who and when, and override the model in every later run.
    """
    from uncounted.link.stored import record_decision, review_queue

    ws = open_workspace(workspace_path)
    actor = actor or ws.actor
    if decide:
        key_a, key_b, decision = decide
        record_decision(ws, key_a, key_b, decision, actor=actor, note=note)
        click.echo(f"Recorded: {key_a} / {key_b} -> {decision} (by {actor}). Run `uncounted link` to apply it.")
        return
    queue = review_queue(ws, limit=limit)
    if as_json:
        echo_json(queue)
        return
    if not queue:
        click.echo("Nothing to review: no undecided pair near the threshold.")
        return
    if list_only or not _interactive():
        for item in queue:
            click.echo(_pair_text(item))
            click.echo("")
        return
    answers = {"s": "same", "d": "different", "u": "unsure"}
    decided = 0
    for number, item in enumerate(queue, 1):
        click.echo(f"\n[{number}/{len(queue)}] " + _pair_text(item))
        answer = click.prompt("same (s) / different (d) / unsure (u) / skip (Enter) / quit (q)",
                              default="", show_default=False).strip().lower()
        if answer == "q":
            break
        if answer in answers:
            record_decision(ws, item["report_key_l"], item["report_key_r"], answers[answer], actor=actor)
            decided += 1
    click.echo(f"\n{decided} decisions stored. Run `uncounted link` to apply them.")


def _interactive() -> bool:
    import sys

    return sys.stdin.isatty()


def _pair_text(item: dict) -> str:
    left, right = item["left"], item["right"]
    lines = [f"{item['report_key_l']}  vs  {item['report_key_r']}   "
             f"match probability {item['match_probability']:.3f}"]
    fields = [f for f in ("source", "source_record_id", "name_raw", "father_name", "sex", "age_raw",
                          "event_date_raw", "event_place_raw", "violation", "perpetrator_category",
                          "victim_status") if left.get(f) is not None or right.get(f) is not None]
    for field in fields:
        lines.append(f"  {field:<20} {str(left.get(field) or ''):<34} | {right.get(field) or ''}")
    lines.append(item["explanation"].split("\n", 1)[1] if "\n" in item["explanation"] else item["explanation"])
    return "\n".join(lines)


@click.command()
@workspace_option
@click.option("--name", help="Romanisation-aware name search (Mohd = Muhammad, Rehman = Rahman, ...).")
@click.option("--limit", type=int, default=50, show_default=True)
@json_option
@handle_errors
def persons(workspace_path: Path | None, name: str | None, limit: int, as_json: bool) -> None:
    """List the persons of the current linkage run, with how many reports and sources each has."""
    from uncounted.link.stored import list_persons

    rows = list_persons(open_workspace(workspace_path), name=name, limit=limit)
    if as_json:
        echo_json(rows)
    else:
        print_table(rows, ["person_key", "display_name", "n_reports", "sources", "violation", "conflicts"])
