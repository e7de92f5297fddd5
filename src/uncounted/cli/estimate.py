"""CLI commands: estimate (multiple systems estimation on a pattern table).

The workspace path (estimates from linked persons in the record) goes through
``uncounted.estimate.strata.estimate_from_memberships``; this module handles ``--patterns``.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import click

from uncounted.cli.common import echo_json, handle_errors, json_option


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
@click.option("--patterns", "patterns_path", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="CSV of capture-pattern counts: one 0/1 column per list and a count column last "
                   "(Freq, count, freq or n), or one row per person without a count column.")
@click.option("--method", type=click.Choice(["chapman", "loglinear", "lcmcr"]), default="loglinear", show_default=True,
              help="chapman: two lists; loglinear: Poisson log-linear models with AIC/BIC selection; "
                   "lcmcr: Bayesian latent classes.")
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
def estimate(patterns_path: Path, method: str, lists: str | None, by: str | None, order: int | None,
             criterion: str | None, model: str | None, heterogeneity: str | None, candidates: str | None,
             interval_kind: str | None, level: float, seed: int, bootstrap: int, synthetic: bool,
             plot_path: Path | None, as_json: bool) -> None:
    """Estimate the total number of victims, documented and undocumented, from list overlaps.

    Example: uncounted estimate --patterns kosovo_aggregate_patterns.csv --method loglinear --criterion bic
    """
    from uncounted.estimate.base import UncountedWarning

    settings: dict[str, Any] = {"order": order, "criterion": criterion, "model": model,
                                "heterogeneity": heterogeneity, "candidates": candidates,
                                "interval": interval_kind}
    settings = {k: v for k, v in settings.items() if v is not None}
    if method == "lcmcr":
        settings.update(progress=not as_json)
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
