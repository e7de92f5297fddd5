"""The same trained model scores pairs on Spark (local mode) as on DuckDB."""

from __future__ import annotations

import pytest

from uncounted.link.spark import spark_available

pytestmark = [pytest.mark.spark, pytest.mark.slow]

_REASON = spark_available()
if _REASON:
    pytest.skip(f"Spark backend not available: {_REASON}", allow_module_level=True)


def test_spark_predictions_equal_duckdb_predictions():
    import pandas as pd

    from uncounted.link.model import LinkageSettings, predict_pairs, train_model
    from uncounted.link.prepare import prepare_reports

    rows = []
    names = ["Muhammad Iqbal", "Mohd Iqbal", "Abdul Rehman", "Abdur Rahman", "Nasir Khan", "Nasreen",
             "Zubair Ahmed", "Zubaida", "Ali Raza", "Syed Ali Raza", "Tariq Mehmood", "Tariq Mahmood"]
    for i in range(240):  # SYNTHETIC reports: pairs of spellings of 120 invented people
        person = i // 2
        rows.append({
            "report_key": f"s{i % 2}:{i}", "source": f"s{i % 2}",
            "name_raw": f"{names[person % len(names)]} {['Khan', 'Baig', 'Qureshi', 'Ansari'][person % 4]}"
                        f"{' Siddiqui' if person % 5 == 0 else ''}",
            "father_name": ["Abdul Ghafoor", "Abd Ghafoor", "Akram", "Akram"][(person + i) % 4] if person % 3 else None,
            "birth_year_min": 1960 + person % 30, "birth_year_max": 1961 + person % 30,
            "event_date_start": f"{1992 + person % 10}-{1 + person % 12:02d}-{1 + person % 27:02d}",
            "event_date_precision": "day", "event_place": ["lyari", "malir", "korangi"][person % 3],
            "violation": "killing",
        })
    prepared = prepare_reports(pd.DataFrame(rows))
    # a few rules (one on a list column) keep the Spark run short; the rules are not under test
    settings = LinkageSettings(u_max_pairs=2e4, em_max_pairs=None, blocking_rules=[
        ["name_key"], ["name_btok", "event_year"], ["event_day_start", "name_initial"]])
    model = train_model(prepared, settings, backend="duckdb")
    duck = predict_pairs(prepared, model, threshold=0.01, backend="duckdb")
    spark = predict_pairs(prepared, model, threshold=0.01, backend="spark")
    keys = ["report_key_l", "report_key_r"]
    merged = duck.merge(spark, on=keys, suffixes=("_duck", "_spark"), how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    diff = (merged["match_weight_duck"] - merged["match_weight_spark"]).abs().max()
    assert diff < 1e-6
    assert len(duck) > 100
