"""CLI commands: estimate (multiple systems estimation on a pattern table).

The workspace path (estimates from linked persons in the record) goes through
``uncounted.estimate.strata.estimate_from_memberships``; this module handles ``--patterns``.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import click

from uncounted.cli.common import echo_json, handle_errors, json_option, open_workspace, workspace_option


def register(cli: click.Group) -> None:
    """Add this module's commands to the top-level group."""
    cli.add_command(estimate)


def _split(text: str | None) -> list[str] | None:
    return None if not text else [x.strip() for x in text.split(",") if x.strip()]


def estimate_from_pattern_file(path: Path, *, method: str = "loglinear", lists: list[str] | None = None,
                               by: list[str] | None = None, level: float = 0.95, seed: int | None = 0,
                               bootstrap: int = 500, structural_zeros: dict | None = None,
                               **settings: Any) -> Any:
    """Read a pattern CSV (shared-data format) and estimate, per stratum when ``by`` names stratum
    columns of the file (e.g. the Peru file's ``stratum``). Returns a StratifiedResult."""
    import pandas as pd

    from uncounted.errors import EstimationError
    from uncounted.estimate.patterns import COUNT_COLUMNS, PatternTable
    from uncounted.estimate.strata import estimate_strata

    if not path.exists():
        raise EstimationError(f"pattern file not found: {path}")
    df = pd.read_csv(path)
    by = by or []
    missing = [c for c in by if c not in df.columns]
    if missing:
        raise EstimationError(f"--by column(s) {missing} are not in {path.name}; its columns are {list(df.columns)}.")
    if lists:
        unknown = [c for c in lists if c not in df.columns]
        if unknown:
            raise EstimationError(f"unknown lists {unknown}; the columns of {path.name} are {list(df.columns)}.")
        count_col = df.columns[-1] if str(df.columns[-1]).strip().lower() in COUNT_COLUMNS else None
        df = df[[*by, *lists, *([count_col] if count_col else [])]]
        df = df[df[list(lists)].sum(axis=1) > 0]
    if by:
        tables = [PatternTable.from_frame(g.drop(columns=by), stratum=dict(zip(by, k if isinstance(k, tuple) else (k,))))
                  for k, g in df.groupby(by, sort=True)]
    else:
        tables = [PatternTable.from_frame(df)]
    return estimate_strata(tables, method=method, level=level, seed=seed, bootstrap=bootstrap,
                           structural_zeros=structural_zeros, by=by, **settings)


@click.command()
@click.option("--patterns", "patterns_path", type=click.Path(dir_okay=False, path_type=Path),
              help="CSV of capture-pattern counts: one 0/1 column per list and a count column last "
                   "(Freq, count, freq or n), or one row per person without a count column. "
                   "Without it, the workspace's linked persons are used.")
@workspace_option
@click.option("--linkage-uncertainty", is_flag=True,
              help="Workspace only: estimate over many plausible linkages drawn from the match probabilities "
                   "and pool them into one interval that includes linkage error.")
@click.option("--draws", "linkage_draws", type=click.IntRange(2, 1000), default=20, show_default=True,
              help="With --linkage-uncertainty: how many plausible linkages.")
@click.option("--linkage-sensitivity", "sensitivity", is_flag=True,
              help="Workspace only: the estimate with persons formed at several match thresholds.")
@click.option("--thresholds", default="0.5,0.7,0.9,0.95,0.99", show_default=True,
              help="With --linkage-sensitivity: the match thresholds.")
@click.option("--method", type=click.Choice(["chapman", "loglinear", "lcmcr", "dga"]), default="loglinear", show_default=True,
              help="chapman: two lists; loglinear: Poisson log-linear models with AIC/BIC selection; "
                   "lcmcr: Bayesian latent classes; dga: Bayesian averaging over decomposable graphs (3-5 lists).")
@click.option("--delta", type=float, help="dga: the hyper-Dirichlet prior's parameter (default 0.5).")
@click.option("--lists", help="Comma-separated lists to use (others are collapsed away), e.g. EXH,ABA.")
@click.option("--by", help="Stratum columns of the pattern file (e.g. stratum,perpetrator): one model per stratum "
                          "plus a combined total.")
@click.option("--order", type=int, help="loglinear: highest interaction order searched (default: lists - 1).")
@click.option("--criterion", type=click.Choice(["aic", "bic"]), help="loglinear: selection criterion (default bic).")
@click.option("--model", help='loglinear: a fixed model, e.g. "EXH*ABA*OSCE+EXH*HRW+OSCE*HRW", "c1:c2", '
                              '"Mth Darroch", "Mh Chao".')
@click.option("--heterogeneity", type=click.Choice(["chao", "poisson2", "darroch", "gamma3.5"]),
              help="loglinear: add this heterogeneity term to every searched model.")
@click.option("--candidates", type=click.Choice(["hierarchical", "closedp", "all"]),
              help="loglinear: which models to compare (closedp = M0, Mt, Mh, Mth as Rcapture closedp.t).")
@click.option("--interval", "interval_kind", type=click.Choice(["profile", "lognormal", "wald"]),
              help="Frequentist interval (loglinear default: profile; chapman default: lognormal).")
@click.option("--level", type=float, default=0.95, show_default=True, help="Interval level.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (bootstrap, MCMC).")
@click.option("--bootstrap", type=int, default=500, show_default=True,
              help="Bootstrap replicates for the combined interval over strata (frequentist methods).")
@click.option("--synthetic", is_flag=True, help="The data are synthetic: say SYNTHETIC in outputs and plots.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a PNG: the profile likelihood or posterior of N (one stratum) or a forest plot of strata.")
@json_option
@handle_errors
def estimate(patterns_path: Path | None, workspace_path: Path | None, linkage_uncertainty: bool,
             linkage_draws: int, sensitivity: bool, thresholds: str, method: str, delta: float | None,
             lists: str | None,
             by: str | None, order: int | None, criterion: str | None, model: str | None,
             heterogeneity: str | None, candidates: str | None, interval_kind: str | None, level: float,
             seed: int, bootstrap: int, synthetic: bool, plot_path: Path | None, as_json: bool) -> None:
    """Estimate the total number of victims, documented and undocumented, from list overlaps.

    \b
    From the workspace's linked persons (each run is stored in the record):
      uncounted estimate --method lcmcr --by violation
      uncounted estimate --by year:5,violation --lists families_association,press_archive,rights_commission
      uncounted estimate --linkage-uncertainty --draws 20
      uncounted estimate --linkage-sensitivity
    From a table of capture-pattern counts:
      uncounted estimate --patterns kosovo_aggregate_patterns.csv --method loglinear --criterion bic
    """
    from uncounted.errors import EstimationError
    from uncounted.estimate.base import UncountedWarning

    settings: dict[str, Any] = {"order": order, "criterion": criterion, "model": model,
                                "heterogeneity": heterogeneity, "candidates": candidates,
                                "interval": interval_kind, "delta": delta}
    settings = {k: v for k, v in settings.items() if v is not None}
    if method == "lcmcr":
        settings.update(progress=not as_json)
    if patterns_path is None:
        _estimate_workspace(workspace_path, linkage_uncertainty=linkage_uncertainty, linkage_draws=linkage_draws,
                            sensitivity=sensitivity, thresholds=thresholds, method=method, lists=_split(lists),
                            by=by, level=level, seed=seed, bootstrap=bootstrap, synthetic=synthetic,
                            plot_path=plot_path, as_json=as_json, settings=settings)
        return
    if linkage_uncertainty or sensitivity:
        raise EstimationError("--linkage-uncertainty and --linkage-sensitivity need linked persons in a workspace, "
                              "not a --patterns table.")
    if not patterns_path.exists():
        raise EstimationError(f"pattern file not found: {patterns_path}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UncountedWarning)  # they are in the result and printed with it
        result = estimate_from_pattern_file(patterns_path, method=method, lists=_split(lists), by=_split(by),
                                            level=level, seed=seed, bootstrap=bootstrap, **settings)
    out = result.to_dict()
    out["synthetic"] = synthetic
    out["source_file"] = str(patterns_path)
    if plot_path is not None:
        from uncounted.estimate.plots import plot_estimate

        plot_estimate(result, path=plot_path, synthetic=synthetic)
        out["plot"] = str(plot_path)
    if as_json:
        echo_json(out)
    else:
        if synthetic:
            click.echo("SYNTHETIC DATA: these numbers describe a made-up population.")
        click.echo(result.summary())
        if plot_path is not None:
            click.echo(f"Plot written to {plot_path}")


def _estimate_workspace(workspace_path: Path | None, *, linkage_uncertainty: bool, linkage_draws: int,
                        sensitivity: bool, thresholds: str, method: str, lists: list[str] | None, by: str | None,
                        level: float, seed: int, bootstrap: int, synthetic: bool, plot_path: Path | None,
                        as_json: bool, settings: dict[str, Any]) -> None:
    """The workspace path: capture histories from the current linkage run; runs are stored."""
    from uncounted.estimate import stored
    from uncounted.estimate.base import UncountedWarning
    from uncounted.records.query import is_synthetic

    ws = open_workspace(workspace_path)
    with ws.session() as session:
        synthetic = synthetic or is_synthetic(session)
    if synthetic and not as_json:
        click.echo("SYNTHETIC DATA: these numbers describe a made-up population.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UncountedWarning)
        if sensitivity:
            rows = stored.threshold_sensitivity_workspace(
                ws, thresholds=[float(t) for t in thresholds.split(",")], method=method, by=by, lists=lists,
                seed=seed, level=level, **settings)
            if as_json:
                echo_json({"method": method, "linkage_sensitivity": rows, "synthetic": synthetic})
                return
            click.echo(f"Estimate ({method}) with persons formed at each match threshold:")
            click.echo(f"  {'threshold':>9}  {'persons':>8}  {'estimate':>10}  interval")
            for row in rows:
                lo, hi = row["interval"]
                click.echo(f"  {row['threshold']:>9}  {row['persons']:>8,}  {_fmt(row['estimate']):>10}  "
                           f"{_fmt(lo)} to {_fmt(hi)}")
            return
        if linkage_uncertainty:
            bar = _progress_bar(linkage_draws, enabled=not as_json)
            result, run_id = stored.linkage_uncertainty_workspace(
                ws, method=method, by=by, lists=lists, n_draws=linkage_draws, seed=seed, level=level,
                progress=bar, **settings)
            out = {**result.to_dict(), "run_id": run_id, "synthetic": synthetic}
            if as_json:
                echo_json(out)
            else:
                click.echo(result.summary())
                click.echo(f"Stored as estimate run {run_id}.")
            return
        result, run_id = stored.estimate_workspace(ws, method=method, lists=lists, by=by, level=level, seed=seed,
                                                   bootstrap=bootstrap, **settings)
    out = {**result.to_dict(), "run_id": run_id, "synthetic": synthetic}
    if plot_path is not None:
        from uncounted.estimate.plots import plot_estimate

        plot_estimate(result, path=plot_path, synthetic=synthetic)
        out["plot"] = str(plot_path)
    if as_json:
        echo_json(out)
        return
    click.echo(f"Documented (linked persons on at least one list): {result.observed:,}")
    click.echo(result.summary())
    click.echo(f"Stored as estimate run {run_id}." + (f" Plot written to {plot_path}" if plot_path else ""))


def _fmt(value: float | None) -> str:
    import math

    return "n/a" if value is None or not math.isfinite(value) else f"{value:,.0f}"


def _progress_bar(total: int, *, enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    bar = tqdm(total=total, desc="linkage draws", unit="draw", file=__import__("sys").stderr)

    def advance(done: int, _total: int) -> None:
        bar.update(done - bar.n)
        if done == _total:
            bar.close()

    return advance
