"""CLI commands: simulate (synthetic scenarios with known truth, and the estimation validation study)."""

from __future__ import annotations

import json
import sys
import time

import click


def register(cli: click.Group) -> None:
    """Add this module's commands to the top-level group."""
    cli.add_command(simulate)


@click.command("simulate")
@click.argument("out_dir", required=False, type=click.Path(file_okay=False))
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed; same seed and options give byte-identical files.")
@click.option("--victims", type=int, default=None, help="Number of synthetic victims (default: the scenario's, 4,000 for demo).")
@click.option("--lists", "n_lists", type=click.IntRange(1, 6), default=None, help="Number of documenting organisations (1-6; default 4).")
@click.option("--scenario", type=click.Choice(["demo", "independent", "romanisation", "clean"]), default="demo",
              show_default=True, help="Named scenario: demo (Karachi, heterogeneity and dependence), independent "
              "(no heterogeneity or dependence), romanisation (20,000 victims, heavy spelling variation), clean (no noise).")
@click.option("--single-list-rows", type=int, default=None, metavar="N",
              help="Benchmark mode: one list that records every victim once, N rows (e.g. 1000000 for the import benchmark).")
@click.option("--study", is_flag=True, help="Run the estimation validation study instead (OUT_DIR optional).")
@click.option("--replicates", type=int, default=None, help="--study: replicates per scenario.")
@click.option("--scenarios", default=None, help="--study: comma-separated scenario names.")
@click.option("--methods", default=None, help="--study: comma-separated estimator names.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--no-progress", is_flag=True, help="Do not show a progress bar.")
def simulate(out_dir: str | None, seed: int, victims: int | None, n_lists: int | None, scenario: str,
             single_list_rows: int | None, study: bool, replicates: int | None, scenarios: str | None,
             methods: str | None, as_json: bool, no_progress: bool) -> None:
    """Write a SYNTHETIC scenario into OUT_DIR: victims, the lists organisations would keep, and the truth.

    Files: one CSV per list (NN_<source>_SYNTHETIC.csv, in that organisation's own layout),
    truth.csv (source, record_id, person_id), population.csv, capture_patterns.csv,
    manifest.json and README.txt. Everything is invented; every file says so.

    \b
    Examples:
      uncounted simulate demo_out --seed 1
      uncounted simulate big --scenario romanisation --victims 20000
      uncounted simulate bench --single-list-rows 1000000
      uncounted simulate --study --replicates 20 --json
    """
    if study:
        _run_study(out_dir, seed, replicates, scenarios, methods, as_json, not no_progress)
        return
    if out_dir is None:
        raise click.UsageError("OUT_DIR is required (it is optional only with --study).")

    from uncounted.simulate import SimulationError, scenario_config, simulate_scenario, write_scenario
    from uncounted.simulate.config import single_list_config

    try:
        if single_list_rows is not None:
            cfg = single_list_config(single_list_rows)
        else:
            cfg = scenario_config(scenario, victims=victims, lists=n_lists)
        started = time.perf_counter()
        progress = not no_progress and cfg.victims >= 50_000
        sc = simulate_scenario(cfg, seed=seed, progress=progress)
        paths = write_scenario(sc, out_dir)
        elapsed = time.perf_counter() - started
    except SimulationError as exc:
        raise click.ClickException(str(exc)) from exc
    summary = sc.summary()
    summary["out_dir"] = out_dir
    summary["files"] = [p.name for p in paths]
    summary["seconds"] = round(elapsed, 2)
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    _print_summary(summary)


def _print_summary(s: dict) -> None:
    click.echo(f"SYNTHETIC scenario '{s['scenario']}' (seed {s['seed']}) written to {s['out_dir']} in {s['seconds']} s")
    click.echo(f"True victims: {s['victims']:,}")
    for k, v in s["by_violation"].items():
        if v:
            click.echo(f"  {k:<24} {v:>9,}")
    click.echo("Lists:")
    for item in s["lists"]:
        click.echo(f"  {item['source']:<22} {item['kind']:<19} {item['rows']:>9,} rows  {item['persons']:>9,} persons"
                   f"  ({item['duplicate_rows']:,} duplicate rows)")
    click.echo(f"Observed persons (on at least one list): {s['observed_persons']:,}")
    click.echo(f"Unseen (on no list): {s['unseen_persons']:,} ({s['unseen_share']:.1%})")


def _run_study(out_dir: str | None, seed: int, replicates: int | None, scenarios: str | None, methods: str | None,
               as_json: bool, progress: bool) -> None:
    from uncounted.simulate.study import run_study  # written by the estimation engineer; imported lazily

    kwargs: dict = {"seed": seed, "progress": progress}
    if replicates is not None:
        kwargs["replicates"] = replicates
    if scenarios:
        kwargs["scenarios"] = [s.strip() for s in scenarios.split(",") if s.strip()]
    if methods:
        kwargs["methods"] = [m.strip() for m in methods.split(",") if m.strip()]
    from uncounted.errors import UncountedError

    try:
        result = run_study(**kwargs)
    except UncountedError as exc:
        raise click.ClickException(str(exc)) from exc
    if out_dir:
        from pathlib import Path

        path = Path(out_dir)
        path.mkdir(parents=True, exist_ok=True)
        result.table().to_csv(path / "study_SYNTHETIC.csv", index=False, lineterminator="\n")
        (path / "study_SYNTHETIC.json").write_text(json.dumps(result.to_dict(), indent=2, default=str) + "\n")
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, default=str))
    else:
        click.echo("SYNTHETIC validation study (estimates on simulated scenarios with known truth)")
        click.echo(result.table().to_string(index=False))
    sys.stdout.flush()
