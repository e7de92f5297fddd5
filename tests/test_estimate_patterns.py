"""PatternTable and capture histories from memberships."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from uncounted.errors import EstimationError
from uncounted.estimate.histories import capture_histories, parse_by
from uncounted.estimate.patterns import PatternTable, all_patterns

D = "/work/shared/data/mse/"


def test_reads_each_count_column_name_and_individual_records():
    k = PatternTable.from_csv(D + "kosovo_aggregate_patterns.csv")  # Freq
    assert k.observed == 4400 and k.lists == ("EXH", "ABA", "OSCE", "HRW")
    assert PatternTable.from_csv(D + "rcapture_HIV.csv").observed == 1896  # freq, with a zero row
    assert PatternTable.from_csv(D + "care1_HAV.csv").list_totals() == {"P": 135, "Q": 122, "E": 126}
    assert PatternTable.from_csv(D + "kosovo_aggregate_individual.csv") == k


def test_capture_frequency_form_is_refused_clearly():
    with pytest.raises(EstimationError, match="capture-frequency form"):
        PatternTable.from_csv(D + "rcapture_ill.csv")


def test_bad_values_and_all_zero_rows_raise():
    with pytest.raises(EstimationError, match="0/1"):
        PatternTable.from_frame(pd.DataFrame({"A": [2, 1], "B": [0, 1], "n": [3, 4]}))
    with pytest.raises(EstimationError, match="all-zero"):
        PatternTable.from_frame(pd.DataFrame({"A": [0, 1], "B": [0, 1], "n": [3, 4]}))


def test_full_table_subset_and_hash():
    t = PatternTable.from_frame(pd.DataFrame({"A": [1, 0, 1], "B": [0, 1, 1], "C": [0, 0, 1], "count": [5, 7, 2]}))
    full = t.full_table()
    assert full.patterns.shape == (7, 3) and full.observed == 14
    assert np.array_equal(full.patterns, all_patterns(3))
    ab = t.subset(["B", "A"])
    assert ab.lists == ("B", "A") and ab.observed == 14
    c = t.subset(["C"])
    assert c.observed == 2  # persons on none of the chosen lists are dropped
    assert t.data_hash() == full.data_hash()  # zero cells do not change the canonical form
    assert t.data_hash() != t.subset(["B", "A", "C"]).data_hash()
    roundtrip = PatternTable.from_frame(t.to_frame())
    assert roundtrip == t


def memberships() -> pd.DataFrame:
    rows = [
        (1, "A", 1991, "north"), (1, "B", 1991, "north"),
        (2, "A", 1993, "north"),
        (3, "B", 1996, "south"), (3, "C", 1997, "south"), (3, "C", 1996, "south"),
        (4, "C", 1999, "south"),
        (5, "A", None, "south"),
    ]
    return pd.DataFrame(rows, columns=["person_id", "source", "year", "place"])


def test_capture_histories_overall_and_binned():
    m = memberships()
    (overall,) = capture_histories(m)
    assert overall.lists == ("A", "B", "C") and overall.observed == 5
    assert overall.list_totals() == {"A": 3, "B": 2, "C": 2}
    tables = capture_histories(m, by="year:5")
    strata = {t.stratum["year:5"]: t for t in tables}
    assert set(strata) == {"1990-1994", "1995-1999", "unknown"}
    assert strata["1990-1994"].observed == 2 and strata["1995-1999"].observed == 2
    # person 3's two C records count once
    assert strata["1995-1999"].list_totals()["C"] == 2


def test_capture_histories_lists_and_errors():
    m = memberships()
    (t,) = capture_histories(m, lists=["C", "B"])
    # on B: persons 1, 3; on C: 3, 4. Persons 2 and 5 (only on A) are not observed by these lists.
    assert t.lists == ("C", "B") and t.observed == 3
    assert t.cell_counts().tolist() == [1, 1, 1]  # 01 (person 1), 10 (person 4), 11 (person 3)
    with pytest.raises(EstimationError, match="unknown list"):
        capture_histories(m, lists=["A", "Z"])
    assert [b.label() for b in parse_by("year:5, place")] == ["year:5", "place"]
