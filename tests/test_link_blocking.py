"""Blocking keys, caps, cross rules and pair recall (uncounted.link.blocking). SYNTHETIC data."""

from __future__ import annotations

import pandas as pd

from uncounted.link.blocking import block_key, blocking_recall, count_blocked_pairs, rule_parts
from uncounted.link.model import DEFAULT_BLOCKING_RULES, LIST_COLUMNS, _blocking_rule
from uncounted.link.prepare import prepare_reports


def _frame(**cols) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    return pd.DataFrame({"report_key": [f"r{i}" for i in range(n)], **cols})


def test_rule_parts_reads_cross_parts():
    assert rule_parts(["a", "b=c"]) == [("a", "a"), ("b", "c")]


def test_block_key_equal_values_share_a_key_and_missing_has_none():
    df = _frame(tok=["x", "x", "y", None], year=[1, 1, 1, 1])
    key = block_key(df, ["tok", "year"])
    assert key[0] == key[1]
    assert key[0] != key[2]
    assert pd.isna(key[3])


def test_block_key_combines_columns():
    df = _frame(tok=["x", "x", "x"], year=[1, 2, 1])
    key = block_key(df, ["tok", "year"])
    assert key[0] == key[2] and key[0] != key[1]


def test_big_blocks_are_split_into_runs_close_in_date():
    # one block of 100 reports with days 0..99, budget 45 pairs per rule
    df = _frame(tok=["x"] * 100, event_day_start=list(range(99, -1, -1)))
    key = block_key(df, ["tok"], max_block=None, max_pairs=500)
    sizes = key.value_counts()
    assert int((sizes * (sizes - 1) // 2).sum()) <= 500
    # reports one day apart mostly share a run; reports 90 days apart never do
    day = df["event_day_start"].to_numpy()
    by_day = dict(zip(day, key))
    assert by_day[0] != by_day[90]
    assert sum(by_day[d] == by_day[d + 1] for d in range(99)) >= 80


def test_rule_under_budget_is_untouched():
    df = _frame(tok=["x"] * 10, event_day_start=range(10))
    assert block_key(df, ["tok"]).nunique() == 1


def test_max_block_caps_every_block():
    df = _frame(tok=["x"] * 50, event_day_start=range(50))
    sizes = block_key(df, ["tok"], max_block=20, max_pairs=None).value_counts()
    assert sizes.max() <= 20 and sizes.sum() == 50


def test_count_blocked_pairs_scalar_cross_and_list_rules():
    df = _frame(a=["p", "p", "q"], b=["q", None, "p"], toks=[["u", "v"], ["v"], ["w"]])
    counts = count_blocked_pairs(df, [["a"], ["a=b"], ["toks"]])
    assert counts == {"a": 1, "a=b": 3, "toks": 1}


def test_blocking_recall_counts_cross_rules_in_both_orders():
    df = _frame(b1=["ali", "raza", "kamal"], b2=[None, "ali", None])
    truth = {"r0": "P1", "r1": "P1", "r2": "P2"}
    # r0's rarest token is r1's second rarest: only the cross rule finds the pair
    assert blocking_recall(df, truth, [["b1"]])["recall"] == 0.0
    assert blocking_recall(df, truth, [["b2=b1"]])["recall"] == 1.0
    assert blocking_recall(df, truth, [["b1=b2"]])["recall"] == 1.0


def test_blocking_recall_lists_missed_pairs():
    df = _frame(tok=["a", "b", "c"])
    out = blocking_recall(df, {"r0": "P", "r1": "P", "r2": "Q"}, [["tok"]])
    assert out["missed"] == [("r0", "r1")] and out["recall"] == 0.0


def test_default_rules_are_scalar_equi_joins():
    for rule in DEFAULT_BLOCKING_RULES:
        assert not set(c for pair in rule_parts(rule) for c in pair) & LIST_COLUMNS
        sql = _blocking_rule(rule)
        assert isinstance(sql, str) and " OR " not in sql.upper()


def test_keyed_rule_sql_names_its_columns_for_em():
    sql = _blocking_rule(["name_key", "father_key"])
    assert "l.name_key = r.name_key" in sql and "l.father_key = r.father_key" in sql
    assert sql.startswith("l.bk_")


def test_prepared_block_columns_on_variants():
    df = pd.DataFrame({
        "report_key": ["a", "b", "c"], "source": ["s1", "s2", "s1"],
        "name_raw": ["Muhammad Iqbal Qureshi", "Iqbal Kureshi", "Zubaida Khan"],
        "event_date_start": ["2001-03-04", "2001-03-05", "2005-01-01"],
        "birth_year_min": [1970, 1971, None],
    })
    prep = prepare_reports(df)
    assert prep.loc[0, "name_b1"] is not None
    assert {prep.loc[0, "name_b1"], prep.loc[0, "name_b2"]} & {prep.loc[1, "name_b1"], prep.loc[1, "name_b2"]}
    # days one apart share a three-day window in one of the two offsets
    same_w3 = (prep.loc[0, "event_w3"] == prep.loc[1, "event_w3"]) or (prep.loc[0, "event_w3b"] == prep.loc[1, "event_w3b"])
    assert same_w3
    assert pd.isna(prep.loc[2, "birth_w5"])


def test_rule_pair_budget_grows_only_past_small_lists():
    from uncounted.link.blocking import MAX_RULE_PAIRS, rule_pair_budget

    assert rule_pair_budget(30_000) == MAX_RULE_PAIRS
    assert rule_pair_budget(1_000_000) > MAX_RULE_PAIRS
    # the default budget applies: a block of 2,000 reports (about 2 million pairs) among
    # 2,000 reports is split, but kept whole without a limit
    df = _frame(tok=["x"] * 2000, event_day_start=range(2000))
    assert block_key(df, ["tok"], max_block=None).nunique() > 1
    assert block_key(df, ["tok"], max_block=None, max_pairs=None).nunique() == 1


def test_event_windows_of_reports_without_dates_do_not_depend_on_stale_memory() -> None:
    """pandas 2's ``to_datetime(..., unit="D")`` reads the fraction of a NaN from memory it never
    set; when that memory held huge numbers (left by earlier arrays) it raised FloatingPointError,
    now and then, when linking reports without a date. Stale memory is made on purpose here."""
    import numpy as np

    from uncounted.link.prepare import _event_days

    n = 5000
    frame = pd.DataFrame({"event_date_start": [None] * (n - 1) + ["1995-06-14"],
                          "event_date_end": [None] * (n - 1) + ["1995-06-14"],
                          "event_date_precision": [None] * (n - 1) + ["day"]})
    for _ in range(5):
        stale = [np.full(n, 1e300) for _ in range(6)]
        del stale
        days = _event_days(frame)
        assert days["event_year"].isna().sum() == n - 1
        assert (days["event_year"].iloc[-1], days["event_year2"].iloc[-1]) == (1995, 1995)
        assert days["event_month"].iloc[-1] == 1995 * 12 + 6
