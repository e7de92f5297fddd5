"""CLI commands: link, link evaluate, review (a draft over uncounted.link's Python API).

Storing persons, pairs and decisions in the record is the lead's wiring; until then
`uncounted link` can write its results to --out as CSV/JSON files.
"""

from __future__ import annotations

from pathlib import Path

import click

from uncounted.cli.common import echo_json, handle_errors, json_option, open_workspace, workspace_option


def register(cli: click.Group) -> None:
    """Add this module's commands to the top-level group."""
    cli.add_command(link)
    cli.add_command(review)


def _decisions(ws):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from uncounted.link.cluster import Decision
    from uncounted.records.models import MatchDecision

    with ws.session() as s:
        rows = s.execute(select(MatchDecision).where(MatchDecision.is_current.is_(True))).scalars().all()
        return [Decision(r.report_key_l, r.report_key_r, r.decision, who=r.decided_by,
                         when=r.decided_at.isoformat() if r.decided_at else None) for r in rows]


@click.group("link", invoke_without_command=True)
@workspace_option
@click.option("--threshold", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Match probability at which two reports are linked.")
@click.option("--backend", type=click.Choice(["duckdb", "spark"]), default="duckdb", show_default=True,
              help="Where pairs are scored. Spark needs Java and pyspark.")
@click.option("--model", "model_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Use this trained model (JSON) instead of training a new one.")
@click.option("--save-model", type=click.Path(dir_okay=False, path_type=Path), help="Write the trained model (JSON).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Also write persons.csv, pairs.csv and model.json into this folder.")
@json_option
@click.pass_context
@handle_errors
def link(ctx: click.Context, workspace_path: Path | None, threshold: float, backend: str,
         model_path: Path | None, save_model: Path | None, out: Path | None, as_json: bool) -> None:
    """Link and deduplicate all current reports in the workspace into persons.

    Human decisions (same / different) made in review always override the model.
    """
    if ctx.invoked_subcommand is not None:
        return
    from uncounted.link.api import link_dataframe
    from uncounted.link.cluster import person_summaries
    from uncounted.link.model import TrainedModel
    from uncounted.records.query import reports_frame

    ws = open_workspace(workspace_path)
    reports = reports_frame(ws)
    model = TrainedModel.load(model_path) if model_path else None
    result = link_dataframe(reports, threshold=threshold, backend=backend, decisions=_decisions(ws),
                            model=model, progress=not as_json)
    if save_model:
        result.model.save(save_model)
    summary = {"reports": len(reports), "persons": result.clusters.n_persons,
               "pairs_scored_above_0.01": len(result.pairs), "threshold": threshold,
               "prior": result.model.prior, "refused_merges": len(result.clusters.refused),
               "seconds": result.timings}
    if out:
        out.mkdir(parents=True, exist_ok=True)
        person_summaries(result.clusters, result.prepared).to_csv(out / "persons.csv", index=False)
        result.pairs.to_csv(out / "pairs.csv", index=False)
        result.model.save(out / "model.json")
        summary["written"] = str(out)
    if as_json:
        echo_json(summary)
    else:
        click.echo(f"{summary['reports']:,} reports -> {summary['persons']:,} persons at threshold {threshold}")


@link.command("evaluate")
@workspace_option
@click.option("--truth", type=click.Path(dir_okay=False, exists=True, path_type=Path), required=True,
              help="CSV with columns source, record_id, person_id (e.g. from `uncounted simulate`).")
@json_option
@handle_errors
def evaluate(workspace_path: Path | None, truth: Path, as_json: bool) -> None:
    """Score the current persons against a known truth (synthetic data)."""
    import pandas as pd
    from sqlalchemy import select

    from uncounted.link.evaluate import evaluate_clusters, load_truth
    from uncounted.records.models import Person, PersonReport
    from uncounted.records.query import current_linkage_run_id, reports_frame

    ws = open_workspace(workspace_path)
    reports = reports_frame(ws)
    key_of = dict(zip(zip(reports["source"].astype(str), reports["source_record_id"].astype(str)),
                      reports["report_key"]))
    truth_map = load_truth(truth, key_fn=lambda s, r: key_of.get((s, r), f"missing:{s}:{r}"))
    run_id = current_linkage_run_id(ws)
    if run_id is None:
        raise click.ClickException("No linkage run yet: run `uncounted link` first.")
    with ws.engine.connect() as conn:
        members = pd.read_sql(select(PersonReport.report_key, Person.person_key)
                              .join(Person, Person.id == PersonReport.person_id)
                              .where(PersonReport.run_id == run_id), conn)
    scores = evaluate_clusters(dict(zip(members["report_key"], members["person_key"])), truth_map)
    if as_json:
        echo_json(scores)
        return
    pw, b3 = scores["pairwise"], scores["bcubed"]
    click.echo(f"pairwise  precision {pw['precision']:.4f}  recall {pw['recall']:.4f}  F1 {pw['f1']:.4f}")
    click.echo(f"B-cubed   precision {b3['precision']:.4f}  recall {b3['recall']:.4f}  F1 {b3['f1']:.4f}")
    click.echo(f"persons found {scores['persons_found']:,}; true persons {scores['true_persons']:,}")


@click.command("review")
@workspace_option
@click.option("--limit", type=int, default=20, show_default=True, help="How many pairs to show.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=None,
              help="Centre of the uncertainty (default: the current run's threshold).")
@json_option
@handle_errors
def review(workspace_path: Path | None, limit: int, threshold: float | None, as_json: bool) -> None:
    """Show the pairs the model is least sure about, nearest the threshold first."""
    import pandas as pd
    from sqlalchemy import select

    from uncounted.link.review import uncertain_pairs
    from uncounted.records.models import LinkageRun, MatchPair
    from uncounted.records.query import current_linkage_run_id

    ws = open_workspace(workspace_path)
    run_id = current_linkage_run_id(ws)
    if run_id is None:
        raise click.ClickException("No linkage run yet: run `uncounted link` first.")
    with ws.session() as s:
        run = s.get(LinkageRun, run_id)
        threshold = run.threshold if threshold is None else threshold
        rows = s.execute(select(MatchPair).where(MatchPair.run_id == run_id)).scalars().all()
        pairs = pd.DataFrame([{"report_key_l": r.report_key_l, "report_key_r": r.report_key_r,
                               "match_probability": r.match_probability, "match_weight": r.match_weight,
                               "explanation": r.explanation} for r in rows])
    if pairs.empty:
        click.echo("No scored pairs in the current run.")
        return
    chosen = uncertain_pairs(pairs, threshold=threshold, limit=limit, decisions=_decisions(ws))
    if as_json:
        echo_json(chosen.drop(columns=["distance_to_threshold"]).to_dict("records"))
        return
    for row in chosen.itertuples():
        click.echo(f"{row.report_key_l} vs {row.report_key_r}: p={row.match_probability:.3f} "
                   f"(weight {row.match_weight:+.2f})")
        for field, part in (row.explanation or {}).items():
            click.echo(f"    {field:<12} {part}")
