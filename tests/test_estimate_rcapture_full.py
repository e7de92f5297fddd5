"""Every Rcapture number we have, to near machine precision (see tests/reference/rcapture/README.md)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from uncounted.estimate import LogLinear, PatternTable

D = Path("/work/shared/data/mse")
R = Path(__file__).parent / "reference" / "rcapture"
REL = 1e-7  # R prints 15 digits; IRLS stopping differs only below this


def r_model(name: str, lists: tuple[str, ...]) -> str:
    """Rcapture's '[123,14]' -> our 'A*B*C + A*D'."""
    terms = [t for t in name.strip("[]").split(",") if len(t) > 1]
    return " + ".join("*".join(lists[int(c) - 1] for c in t) for t in terms) or "independence"


def fit(model: str, table: PatternTable, interval: str = "wald"):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return LogLinear(model=model, interval=interval).fit(table)


def test_all_113_kosovo_models_match_closedpMS():
    t = PatternTable.from_csv(D / "kosovo_aggregate_patterns.csv")
    ms = pd.read_csv(R / "kosovo_closedpMS_maxorder3.csv", index_col=0)
    assert len(ms) == 113
    for name, row in ms.iterrows():
        r = fit(r_model(name, t.lists), t)
        assert r.estimate == pytest.approx(row.abundance, rel=REL), name
        assert r.std_error == pytest.approx(row.stderr, rel=REL), name
        assert r.diagnostics["deviance"] == pytest.approx(row.deviance, rel=1e-6, abs=1e-6), name
        assert r.diagnostics["df"] == row.df
        assert r.diagnostics["aic"] == pytest.approx(row.AIC, rel=REL), name
        assert r.diagnostics["bic"] == pytest.approx(row.BIC, rel=REL), name


@pytest.mark.parametrize("file", sorted(p.name[len("closedp_"):] for p in R.glob("closedp_*.csv")))
def test_closedp_standard_models(file):
    t = PatternTable.from_csv(D / file)
    cp = pd.read_csv(R / f"closedp_{file}", index_col=0)
    for name, row in cp.iterrows():
        if name in ("Mb", "Mbh"):  # behavioural models: not meaningful for lists
            continue
        r = fit(name.replace(" (LB)", ""), t)
        assert r.estimate == pytest.approx(row.abundance, rel=REL), name
        assert r.std_error == pytest.approx(row.stderr, rel=REL), name
        assert r.diagnostics["aic"] == pytest.approx(row.AIC, rel=REL), name
        assert r.diagnostics["bic"] == pytest.approx(row.BIC, rel=REL), name


def test_profile_likelihood_intervals_match_closedpCI():
    pr = pd.read_csv(R / "closedpCI_profile.csv")
    for _, row in pr.iterrows():
        h = {"Poisson": "Poisson2"}.get(row.h, row.h)
        model = row.m if h == "none" else f"{row.m} {h}"
        r = fit(model, PatternTable.from_csv(D / row.file), interval="profile")
        lo, hi = r.interval(0.95)
        # both sides stop their root search at tol 1e-4 in N
        assert lo == pytest.approx(row.lo, abs=2e-3), (model, lo, row.lo)
        assert hi == pytest.approx(row.hi, abs=2e-3), (model, hi, row.hi)


def test_five_list_search_matches_closedpMS_top20():
    t = PatternTable.from_csv(D / "care1_Congenital.csv")
    top = pd.read_csv(R / "congenital_closedpMS_maxorder4_top20.csv", index_col=0)
    r = LogLinear(criterion="bic").fit(t)
    assert r.diagnostics["models_compared"] == 6893
    ours = r.models.sort_values("bic").head(20)
    assert list(ours["formula"]) == [r_model(n, t.lists) for n in top.index]
    assert ours["bic"].to_numpy() == pytest.approx(top["BIC"].to_numpy(), rel=REL)
    assert ours["estimate"].to_numpy() == pytest.approx(top["abundance"].to_numpy(), rel=REL)
