"""Tests of `uncounted simulate`: synthetic scenarios with known truth."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from uncounted.cli.main import cli
from uncounted.simulate import (
    ListSpec,
    ScenarioConfig,
    SimulationError,
    default_lists,
    scenario_config,
    simulate_scenario,
    write_scenario,
)
from uncounted.simulate.names import add_typo, unit_variants


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    write_scenario(simulate_scenario(scenario_config("demo", victims=3000), seed=7), out)
    return out


@pytest.fixture(scope="module")
def manifest(demo_dir) -> dict:
    return json.loads((demo_dir / "manifest.json").read_text())


@pytest.fixture(scope="module")
def truth(demo_dir) -> pd.DataFrame:
    return read_csv(demo_dir / "truth.csv")


def test_same_seed_gives_byte_identical_files(tmp_path):
    cfg = lambda: scenario_config("demo", victims=600, lists=5)  # noqa: E731
    a = write_scenario(simulate_scenario(cfg(), seed=11), tmp_path / "a")
    b = write_scenario(simulate_scenario(cfg(), seed=11), tmp_path / "b")
    c = write_scenario(simulate_scenario(cfg(), seed=12), tmp_path / "c")
    assert [p.name for p in a] == [p.name for p in b]
    for pa, pb in zip(a, b):
        assert pa.read_bytes() == pb.read_bytes(), pa.name
    assert (tmp_path / "a" / "truth.csv").read_bytes() != (tmp_path / "c" / "truth.csv").read_bytes()


def test_population_does_not_depend_on_the_lists():
    four = simulate_scenario(scenario_config("demo", victims=500, lists=4), seed=3)
    two = simulate_scenario(scenario_config("demo", victims=500, lists=2), seed=3)
    pd.testing.assert_frame_equal(four.population.iloc[:, :18], two.population.iloc[:, :18])


def test_every_record_is_in_truth_and_nothing_else(demo_dir, manifest, truth):
    assert len(manifest["lists"]) == 4
    total = 0
    for item in manifest["lists"]:
        table = read_csv(demo_dir / item["file"])
        ids = table[item["id_column"]]
        assert ids.is_unique, item["source"]
        mine = truth[truth["source"] == item["source"]]
        assert sorted(mine["record_id"]) == sorted(ids), item["source"]
        assert item["rows"] == len(table)
        total += len(table)
    assert total == len(truth)
    population = read_csv(demo_dir / "population.csv")
    assert set(truth["person_id"]) <= set(population["person_id"])


def test_capture_patterns_match_truth(demo_dir, manifest, truth):
    sources = [item["source"] for item in manifest["lists"]]
    patterns = read_csv(demo_dir / "capture_patterns.csv")
    assert list(patterns.columns) == [*sources, "count"]
    membership = truth.drop_duplicates(["source", "person_id"]).assign(on=1).pivot(
        index="person_id", columns="source", values="on").fillna(0).astype(int)[sources]
    expected = Counter(tuple(row) for row in membership.to_numpy())
    got = {tuple(int(v) for v in row[:-1]): int(row[-1]) for row in patterns.to_numpy()}
    assert got == dict(expected)
    assert sum(got.values()) == manifest["truth"]["observed_persons"] == truth["person_id"].nunique()
    assert manifest["truth"]["victims"] == manifest["truth"]["observed_persons"] + manifest["truth"]["unseen_persons"]
    assert manifest["truth"]["unseen_persons"] > 0  # people no list saw exist in the population


def test_morgue_never_lists_the_still_missing(demo_dir, truth):
    population = read_csv(demo_dir / "population.csv").set_index("person_id")
    status_of = population["status"]
    morgue = status_of[truth.loc[truth["source"] == "morgue_register", "person_id"]]
    assert set(morgue) <= {"dead", "found_dead"}
    families = status_of[truth.loc[truth["source"] == "families_association", "person_id"]]
    assert (families == "still_missing").sum() > 50  # others do see them


def test_duplicates_within_lists(truth, manifest):
    for source in ("families_association", "press_archive"):
        counts = truth.loc[truth["source"] == source, "person_id"].value_counts()
        assert (counts > 1).sum() >= 10, source
        item = next(i for i in manifest["lists"] if i["source"] == source)
        assert item["duplicate_rows"] == int((counts - 1).sum())


def test_same_person_is_spelled_differently(demo_dir, manifest, truth):
    names = []
    for item in manifest["lists"]:
        table = read_csv(demo_dir / item["file"])
        names.append(pd.DataFrame({"record_id": table[item["id_column"]], "name": table[item["name_column"]],
                                   "source": item["source"]}))
    records = truth.merge(pd.concat(names), on=["source", "record_id"])
    assert len(records) == len(truth)
    records["name"] = records["name"].str.lower()
    differ = same = 0
    for _, group in records.groupby("person_id"):
        spellings = group["name"].tolist()
        for i in range(len(spellings)):
            for j in range(i + 1, len(spellings)):
                differ += spellings[i] != spellings[j]
                same += spellings[i] == spellings[j]
    share = differ / (differ + same)
    assert 0.4 < share < 0.98, share


def test_common_names_repeat_across_different_people(demo_dir):
    population = read_csv(demo_dir / "population.csv")
    counts = population["name"].value_counts()
    assert counts.iloc[0] >= 20  # the commonest full name belongs to many different victims
    assert population["name"].nunique() < 0.8 * len(population)
    # fathers' names tell many of them apart
    assert population[["name", "father_name"]].drop_duplicates().shape[0] > 1.2 * population["name"].nunique()


def test_files_are_marked_synthetic(demo_dir, manifest, truth):
    assert manifest["SYNTHETIC"] is True
    assert "SYNTHETIC" in (demo_dir / "README.txt").read_text()
    for item in manifest["lists"]:
        assert item["file"].endswith("_SYNTHETIC.csv")
        table = read_csv(demo_dir / item["file"])
        assert (table[item["remarks_column"]] == "SYNTHETIC").all()
    assert truth["person_id"].str.startswith("SYN-").all()


def test_manifest_describes_the_csv_headers(demo_dir, manifest):
    expected_headers = {
        "families_association": ["S.No", "Name of Victim", "Father's Name", "Age", "Date of Incident", "Area",
                                 "Incident Type", "Status", "Remarks"],
        "morgue_register": ["Entry No", "Deceased", "S/O", "Age (yrs)", "Date Received", "Cause of Death",
                            "Brought From", "Remarks"],
        "press_archive": ["id", "name", "father_name", "age", "date", "place", "event", "perpetrator", "newspaper",
                          "notes"],
        "rights_commission": ["case_id", "victim_name", "parentage", "sex", "birth_year", "incident_date", "district",
                              "violation_type", "alleged_perpetrator", "custody_acknowledged", "certainty", "remarks"],
    }
    for item in manifest["lists"]:
        table = read_csv(demo_dir / item["file"])
        assert list(table.columns) == expected_headers[item["source"]]
        assert [c["header"] for c in item["columns"]] == list(table.columns)


def _parse(value: str, item: dict) -> tuple[datetime, str] | None:
    formats = [(f, "day") for f in item["date_formats"]]
    formats += [(item["date_formats_partial"]["month"], "month"), (item["date_formats_partial"]["year"], "year")]
    for fmt, precision in formats:
        try:
            return datetime.strptime(value, fmt.replace("%-", "%")), precision
        except ValueError:
            continue
    return None


def test_dates_follow_the_declared_formats(demo_dir, manifest):
    seen_precisions = set()
    for item in manifest["lists"]:
        table = read_csv(demo_dir / item["file"])
        for value in table[item["date_column"]]:
            parsed = _parse(value, item)
            assert parsed is not None, (item["source"], value)
            when, precision = parsed
            seen_precisions.add(precision)
            if "%y" in item["date_formats"][0] and precision == "day":
                assert when.year % 100 <= item["two_digit_year_pivot"] or when.year % 100 >= 92
            assert 1992 <= when.year <= 2014, (item["source"], value)
    assert seen_precisions == {"day", "month", "year"}


def test_ages_and_birth_years_are_near_the_truth(demo_dir, truth):
    population = read_csv(demo_dir / "population.csv").set_index("person_id")
    families = read_csv(demo_dir / "01_families_association_SYNTHETIC.csv")
    rows = truth[truth["source"] == "families_association"].set_index("record_id")
    ages = families.set_index("S.No")["Age"]
    ages = ages[ages != ""].astype(int)
    true_age = population.loc[rows.loc[ages.index, "person_id"], "age"].astype(int).to_numpy()
    diff = np.abs(ages.to_numpy() - true_age)
    assert (diff == 0).mean() > 0.4 and diff.max() <= 6
    assert (ages % 5 == 0).mean() > 0.3  # rounding to 5 is visible
    commission = read_csv(demo_dir / "04_rights_commission_SYNTHETIC.csv")
    assert commission["birth_year"].replace("", np.nan).dropna().astype(int).between(1915, 2000).all()


def test_dependence_and_heterogeneity_show_in_the_tables():
    def odds_ratio(sc, a: str, b: str) -> float:
        killing = sc.population["violation"].to_numpy() == "killing"
        i, j = sc.sources.index(a), sc.sources.index(b)
        x, y = sc.captured[killing, i], sc.captured[killing, j]
        n11, n10, n01, n00 = (x & y).sum(), (x & ~y).sum(), (~x & y).sum(), (~x & ~y).sum()
        return (n11 * n00) / (n10 * n01)

    independent = simulate_scenario(scenario_config("independent", victims=20000), seed=5)
    demo = simulate_scenario(scenario_config("demo", victims=20000), seed=5)
    assert 0.75 < odds_ratio(independent, "press_archive", "rights_commission") < 1.33
    assert odds_ratio(demo, "press_archive", "rights_commission") > 2.0
    # capture rate equals coverage when there is no heterogeneity (killing: families' coverage 0.22)
    killing = independent.population["violation"].to_numpy() == "killing"
    rate = independent.captured[killing, 0].mean()
    se = np.sqrt(0.22 * 0.78 / killing.sum())
    assert abs(rate - 0.22) < 4 * se


def test_lists_that_cannot_see_a_violation_see_none():
    sc = simulate_scenario(scenario_config("demo", victims=4000, lists=6), seed=2)
    j = sc.sources.index("habeas_petitions")
    listed = sc.population.loc[sc.captured[:, j], "violation"]
    assert len(listed) > 0 and (listed != "killing").all()


def test_dependence_must_point_to_an_earlier_list():
    lists = default_lists()[:2]
    lists[0].dependence = {lists[1].source: 1.0}
    with pytest.raises(SimulationError, match="earlier list"):
        simulate_scenario(ScenarioConfig(victims=10, lists=lists))


def test_bad_kind_is_refused():
    spec = ListSpec(source="x", kind="blog", layout="press_archive", title="x", coverage={"killing": 0.5})
    with pytest.raises(SimulationError, match="kind"):
        simulate_scenario(ScenarioConfig(victims=10, lists=[spec]))


def test_spelling_variants_cover_the_usual_romanisations():
    def spellings(unit: str, style: str = "urdu") -> set[str]:
        return {v for v, _ in unit_variants(unit, style)}

    assert {"Muhammad", "Mohammad", "Mohd.", "M."} <= spellings("Muhammad")
    assert {"Hussain", "Husain", "Hussein"} <= spellings("Hussain")
    assert {"Abdul Rehman", "Abdul Rahman", "Abdur Rehman"} <= spellings("Abdul Rehman")
    assert {"Salahuddin", "Salah-ud-Din"} <= spellings("Salah|uddin")
    assert {"Rahmatullah", "Rahmat Ullah"} <= spellings("Rahmat|ullah")
    assert {"Waseem", "Wasim"} <= spellings("Waseem")
    assert {"Farooq", "Faruq", "Farook"} <= spellings("Farooq")
    assert "Salah al-Din" in spellings("Salah|uddin", "arabic")
    for unit in ("Nasir", "Zubair", "Iqbal"):
        probs = [p for _, p in unit_variants(unit)]
        assert abs(sum(probs) - 1) < 1e-9 and unit_variants(unit)[0][0] == unit


def test_typos_change_one_letter_at_most():
    rng = np.random.default_rng(0)
    for _ in range(200):
        typo = add_typo("Muhammad Iqbal", rng)
        assert abs(len(typo) - len("Muhammad Iqbal")) <= 1 and typo[0] == "M"


def test_cli_writes_and_summarises(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["simulate", str(tmp_path / "out"), "--victims", "400", "--lists", "6", "--seed",
                                 "4", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["victims"] == 400 and len(summary["lists"]) == 6 and summary["synthetic"] is True
    assert summary["observed_persons"] + summary["unseen_persons"] == 400
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "06_habeas_petitions_SYNTHETIC.csv" in files and "truth.csv" in files


def test_cli_single_list_rows(tmp_path):
    result = CliRunner().invoke(cli, ["simulate", str(tmp_path / "big"), "--single-list-rows", "750"])
    assert result.exit_code == 0, result.output
    table = read_csv(tmp_path / "big" / "01_families_association_SYNTHETIC.csv")
    assert len(table) == 750 and table["S.No"].is_unique


def test_cli_needs_out_dir_without_study():
    result = CliRunner().invoke(cli, ["simulate"])
    assert result.exit_code != 0 and "OUT_DIR" in result.output


def test_relation_words_follow_sex_and_marriage():
    sc = simulate_scenario(scenario_config("demo", victims=6000), seed=8)
    truth = sc.truth()
    sex = sc.population.set_index("person_id")["sex"]
    families = sc.lists[0].table.assign(person_id=sc.lists[0].person_ids)
    names = families["Name of Victim"]
    women = sex[families["person_id"]].to_numpy() == "F"
    male_words = names.str.contains(r" (?:s/o|S/O|son of) ")
    female_words = names.str.contains(r" (?:d/o|D/O|daughter of|w/o|W/O|wife of) ")
    assert not (male_words & women).any()
    assert not (female_words & ~women).any()
    assert (female_words & women).sum() > 0 and (male_words & ~women).sum() > 0
    assert names.str.contains(" wife of | w/o | W/O ").any()
    assert len(truth) == sum(len(r.table) for r in sc.lists)


def test_dates_read_back_with_the_manifest_order_and_pivot():
    """The project's date parser, told the manifest's order and pivot, finds the true day in most records."""
    from uncounted.normalize.dates import parse_date

    sc = simulate_scenario(scenario_config("demo", victims=1500, lists=6), seed=9)
    pop = sc.population.set_index("person_id")
    for rendered, item in zip(sc.lists, sc.manifest()["lists"]):
        hits = 0
        for value, pid in zip(rendered.table[item["date_column"]], rendered.person_ids):
            parsed = parse_date(value, order=item["date_order"], pivot=item["two_digit_year_pivot"] or 30)
            person = pop.loc[pid]
            body = item["date_meaning"].startswith("date the body") or (
                item["date_meaning"].startswith("date of the reported") and person["status"] == "found_dead")
            true_day = date.fromisoformat(person["death_date"] if body else person["incident_date"])
            hits += parsed is not None and parsed.contains(true_day)
        jitter = rendered.spec.habits.date_jitter
        assert hits / len(rendered.table) > 1 - jitter - 0.05, item["source"]


def test_stratum_patterns_add_up_and_show_structural_zeros(demo_dir, manifest):
    overall = read_csv(demo_dir / "capture_patterns.csv")
    strata = read_csv(demo_dir / "capture_patterns_by_stratum.csv")
    sources = [item["source"] for item in manifest["lists"]]
    assert list(strata.columns) == ["violation", "status", *sources, "count"]
    summed = strata.astype({"count": int}).groupby(sources)["count"].sum()
    assert summed.to_dict() == overall.astype({"count": int}).set_index(sources)["count"].to_dict()
    missing = strata[strata["status"] == "still_missing"]
    assert len(missing) > 0 and (missing["morgue_register"] == "0").all()
    totals = manifest["truth"]["by_violation_and_status"]
    for (v, s), group in strata.astype({"count": int}).groupby(["violation", "status"]):
        assert group["count"].sum() <= totals[f"{v}|{s}"]


def test_district_strength_and_latent_classes_change_capture():
    cfg = scenario_config("independent", victims=20000, lists=1)
    cfg.lists[0].district_log_odds = {"Karachi Central": 1.0}
    cfg.visibility_classes = ((0.5, -1.5), (0.5, 1.5))
    sc = simulate_scenario(cfg, seed=3)
    central = sc.population["district"].to_numpy() == "Karachi Central"
    killing = sc.population["violation"].to_numpy() == "killing"
    on = sc.captured[:, 0]
    assert on[central & killing].mean() > on[~central & killing].mean() + 0.1
    high = sc.population["visibility"].to_numpy() > 0
    assert on[high].mean() > on[~high].mean() + 0.3


def test_unknown_district_is_refused():
    cfg = scenario_config("demo", victims=50, lists=1)
    cfg.lists[0].district_log_odds = {"Atlantis": 1.0}
    with pytest.raises(SimulationError, match="Atlantis"):
        simulate_scenario(cfg)


def test_clean_scenario_spells_everyone_the_same_way_everywhere():
    sc = simulate_scenario(scenario_config("clean", victims=1500), seed=4)
    names = pd.concat([pd.DataFrame({"person_id": r.person_ids,
                                     "name": r.table[r.layout.columns[1][0]].str.lower().to_numpy()})
                       for r in sc.lists])
    truth_names = sc.population.set_index("person_id")["name"].str.lower()
    assert (names["name"].to_numpy() == truth_names[names["person_id"]].to_numpy()).all()
    assert sum(r.duplicates for r in sc.lists) == 0


def test_active_years_limit_a_list():
    cfg = scenario_config("demo", victims=3000, lists=2)
    cfg.lists[1].active_years = (1992, 2001)
    sc = simulate_scenario(cfg, seed=6)
    years = sc.population.loc[sc.captured[:, 1], "year"]
    assert len(years) > 100 and years.max() <= 2001


def test_rewriting_a_folder_leaves_no_stale_lists(tmp_path):
    write_scenario(simulate_scenario(scenario_config("demo", victims=300, lists=6), seed=1), tmp_path)
    write_scenario(simulate_scenario(scenario_config("demo", victims=300, lists=3), seed=1), tmp_path)
    lists = sorted(p.name for p in tmp_path.glob("*_SYNTHETIC.csv"))
    assert lists == ["01_families_association_SYNTHETIC.csv", "02_morgue_register_SYNTHETIC.csv",
                     "03_press_archive_SYNTHETIC.csv"]
