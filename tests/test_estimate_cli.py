"""`uncounted estimate --patterns`: table output, JSON shape, plot, errors."""

from __future__ import annotations

import json

from click.testing import CliRunner

from uncounted.cli.main import cli

D = "/work/shared/data/mse/"


def run(*args: str):
    return CliRunner().invoke(cli, ["estimate", *args], catch_exceptions=False)


def test_kosovo_json_shape_and_numbers():
    r = run("--patterns", D + "kosovo_aggregate_patterns.csv", "--criterion", "bic", "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert {"method", "estimate", "interval", "level", "observed", "strata", "diagnostics"} <= set(d)
    assert d["method"] == "loglinear" and d["observed"] == 4400
    assert round(d["estimate"], 1) == 10356.5
    assert [round(x) for x in d["interval"]] == [8994, 12110]
    assert d["strata"][0]["lists_used"] == ["EXH", "ABA", "OSCE", "HRW"]


def test_fixed_model_table_output_and_plot(tmp_path):
    png = tmp_path / "hiv.png"
    r = run("--patterns", D + "rcapture_HIV.csv", "--model", "c1:c2", "--plot", str(png), "--synthetic")
    assert r.exit_code == 0, r.output
    assert "SYNTHETIC" in r.output and "12,318.5" in r.output and "[c1·c2]" in r.output
    assert png.stat().st_size > 5000


def test_chapman_with_lists():
    r = run("--patterns", D + "care1_HAV.csv", "--method", "chapman", "--lists", "P,Q", "--json")
    d = json.loads(r.output)
    assert d["method"] == "chapman" and d["strata"][0]["lists_used"] == ["P", "Q"]


def test_strata_from_pattern_file_forest_plot(tmp_path):
    import pandas as pd

    from uncounted.estimate.patterns import all_patterns

    pats = all_patterns(3)
    rows = []
    # SYNTHETIC stratified counts; region "b" has nobody on list C (structural zero)
    for region, cells in (("a", [30, 25, 8, 40, 12, 10, 4]), ("b", [0, 30, 0, 35, 0, 12, 0])):
        for pat, n in zip(pats, cells):
            rows.append({"region": region, "A": pat[0], "B": pat[1], "C": pat[2], "count": n})
    f = tmp_path / "strata.csv"
    pd.DataFrame(rows).to_csv(f, index=False)
    png = tmp_path / "forest.png"
    r = run("--patterns", str(f), "--by", "region", "--bootstrap", "100", "--json", "--plot", str(png))
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert [s["stratum"]["region"] for s in d["strata"]] == ["a", "b"]
    assert d["strata"][1]["lists_used"] == ["A", "B"] and "C" in d["strata"][1]["lists_dropped"]
    assert d["combined"]["how"].startswith("parametric bootstrap")
    assert d["estimate"] == sum(s["estimate"] for s in d["strata"])
    assert png.stat().st_size > 5000


def test_clear_errors():
    r = CliRunner().invoke(cli, ["estimate", "--patterns", D + "rcapture_ill.csv"])
    assert r.exit_code == 2 and "capture-frequency" in r.output
    r = CliRunner().invoke(cli, ["estimate", "--patterns", D + "kosovo_aggregate_patterns.csv", "--lists", "EXH,NOPE"])
    assert r.exit_code == 2 and "unknown lists" in r.output
    r = CliRunner().invoke(cli, ["estimate", "--patterns", D + "care1_HAV.csv", "--method", "chapman", "--order", "2"])
    assert r.exit_code == 2 and "does not apply" in r.output
