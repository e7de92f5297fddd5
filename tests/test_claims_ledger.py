"""The claims ledger: scopes, documented counts, matching estimates and verdicts."""

from __future__ import annotations

from uncounted.claims.ledger import (
    Verdict, candidate_estimates, claim_scope, compare_claim, documented_count, ledger_rows,
    matching_estimate, record_coverage,
)


def claim(lower, upper, *, violation="killing", place="Karachi", start=None, end=None, text=None):
    return {"quantity": {"lower": lower, "upper": upper, "qualifier": None,
                         "text": text or str(lower or upper)},
            "violation": violation, "place": place, "period": {"start": start, "end": end}}


EST = {"estimate": 1000.0, "interval": [800.0, 1300.0], "level": 0.95, "run_id": 7}


def test_verdicts_cover_every_case():
    assert compare_claim(claim(900, 900), 500, EST).verdict == "within"
    assert compare_claim(claim(25000, None), 500, EST).verdict == "above"
    assert compare_claim(claim(600, 600), 500, EST).verdict == "below_interval"
    assert compare_claim(claim(300, 300), 500, EST).verdict == "below_documented"
    assert compare_claim(claim(300, 300), None, None).verdict == "not_comparable"
    assert compare_claim(claim(900, 900), 500, None).verdict == "not_comparable"


def test_open_and_upper_bounded_claims():
    # "more than 100" is consistent with an interval of 800-1300
    assert compare_claim(claim(100, None), 50, EST).verdict == "within"
    # "up to 400" cannot reach the documented 500
    assert compare_claim(claim(None, 400), 500, EST).verdict == "below_documented"
    # a range touching the interval is within it
    assert compare_claim(claim(1250, 2000), 500, EST).verdict == "within"
    assert compare_claim(claim(1301, 2000), 500, EST).verdict == "above"


def test_reasons_name_the_numbers():
    v = compare_claim(claim(25000, None, text="more than 25,000"), 500, EST)
    assert isinstance(v, Verdict)
    assert "25,000" in v.reason and "1,300" in v.reason and "95%" in v.reason
    v = compare_claim(claim(300, 300), 500, EST)
    assert "500 persons" in v.reason


def test_scope_of_a_claim():
    s = claim_scope(claim(10, 10, violation="enforced disappearance",
                          place="Hyderabad, Karachi and Larkana", start="1992-01-01"))
    assert s["violation_codes"] == ["enforced_disappearance"]
    assert s["places"] == ["Hyderabad", "Karachi", "Larkana"]
    assert s["period"] == {"start": "1992-01-01", "end": None}


PERSONS = (
    [{"violation": "killing", "place": "Lyari", "district": "Karachi South", "year": y}
     for y in (1992, 1995, 1995, 2012)]
    + [{"violation": "enforced_disappearance", "place": "Landhi", "district": "Karachi East",
        "year": 1996}]
    + [{"violation": "killing", "place": "Korangi", "district": "Karachi East", "year": None}]
)


def test_documented_count_by_scope():
    cov = record_coverage(PERSONS)
    assert documented_count(PERSONS, claim_scope(claim(1, 1)), cov) == 5
    assert documented_count(PERSONS, claim_scope(claim(1, 1, place="Lyari")), cov) == 4
    # a period leaves out persons without a year, so the count is a floor
    assert documented_count(PERSONS, claim_scope(claim(1, 1, start="1995-01-01",
                                                       end="1996-12-31")), cov) == 2
    # not covered: another city, another violation, a period outside the record
    assert documented_count(PERSONS, claim_scope(claim(1, 1, place="Quetta")), cov) is None
    assert documented_count(PERSONS, claim_scope(claim(1, 1, violation="torture")), cov) is None
    assert documented_count(PERSONS, claim_scope(claim(1, 1, start="2015-01-01",
                                                       end="2016-12-31")), cov) is None


RUNS = [{"id": 3, "method": "lcmcr", "level": 0.95, "scope": {"by": "violation"},
         "estimate": 9000.0, "interval": [8000.0, 10500.0],
         "result": {"strata": [
             {"stratum": {"violation": "killing"}, "estimate": 7000.0, "interval": [6000.0, 8200.0]},
             {"stratum": {"violation": "enforced_disappearance"}, "estimate": 2000.0,
              "interval": [1500.0, 2600.0]}]}}]


def test_matching_estimate_needs_the_same_scope():
    cov = record_coverage(PERSONS)
    ests = candidate_estimates(RUNS)
    assert len(ests) == 3
    killing = matching_estimate(ests, claim_scope(claim(1, 1)), cov)
    assert killing["estimate"] == 7000.0 and killing["run_id"] == 3
    # same years as the record (1992-2012): comparable
    same = matching_estimate(ests, claim_scope(claim(1, 1, start="1992-06-19", end="2012-12-30")), cov)
    assert same is not None
    # a longer period than the record covers: no estimate for it
    assert matching_estimate(ests, claim_scope(claim(1, 1, start="1992-06-19",
                                                     end="2024-03-12")), cov) is None
    # one neighbourhood is narrower than the whole-record stratum
    assert matching_estimate(ests, claim_scope(claim(1, 1, place="Lyari")), cov) is None


def test_ledger_rows_end_to_end():
    rows = ledger_rows([claim(25000, None, text="more than 25,000"), claim(2, 2, place="Lyari"),
                        claim(5, 5, violation="torture")], PERSONS, RUNS)
    assert [r["verdict"] for r in rows] == ["above", "below_documented", "not_comparable"]
    assert rows[0]["documented"] == 5 and rows[0]["estimate"]["estimate"] == 7000.0
    assert rows[2]["documented"] is None
    # with no persons at all nothing is comparable
    assert {r["verdict"] for r in ledger_rows([claim(5, 5)], [], RUNS)} == {"not_comparable"}


def test_killing_claims_combine_killing_and_custody_strata_conservatively():
    persons = [{"violation": "killing", "place": "Lyari", "district": "Karachi South", "year": 1995},
               {"violation": "death_in_custody", "place": "Lyari", "district": "Karachi South",
                "year": 1996},
               {"violation": "abduction", "place": "Lyari", "district": "Karachi South", "year": 1996}]
    runs = [{"id": 9, "method": "lcmcr", "level": 0.95, "scope": {"by": "violation"},
             "estimate": 900.0, "interval": [800.0, 1000.0],
             "result": {"strata": [
                 {"stratum": {"violation": "killing"}, "estimate": 700.0, "interval": [600.0, 820.0]},
                 {"stratum": {"violation": "death_in_custody"}, "estimate": 150.0,
                  "interval": [120.0, 190.0]}]}}]
    [row] = ledger_rows([claim(1005, None, place=None)], persons, runs)
    assert row["estimate"]["estimate"] == 850.0
    assert row["estimate"]["interval"] == [720.0, 1010.0]  # sums of the bounds
    assert row["verdict"] == "within" and "conservative" in row["reason"]
    [row] = ledger_rows([claim(1011, None, place=None)], persons, runs)
    assert row["verdict"] == "above"
    # with only killings and deaths in custody in the record, the whole-record estimate is exact
    [row] = ledger_rows([claim(1005, None, place=None)], persons[:2], runs)
    assert row["estimate"]["estimate"] == 900.0 and "combined" not in row["estimate"]
    # a disappearance claim finds no stratum in this record
    [row] = ledger_rows([claim(5, 5, violation="enforced disappearance", place=None)], persons, runs)
    assert row["verdict"] == "not_comparable"
