"""`uncounted extract`, `uncounted extract evaluate` and `uncounted claims` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from uncounted.claims.evaluate import Tally, evaluate_dir, overlap, text_match
from uncounted.cli.main import cli

DEMO = Path(__file__).parents[1] / "src/uncounted/claims/data/demo_statement.txt"
GOLD = Path(__file__).parents[1] / "corpus/claims_gold"

ITEM = ("KARACHI, Oct 21, 1995 (Reuters) - Paramilitary Rangers shot dead six young men in "
        "Liaquatabad on Friday night, residents said.\n")


def _gold_claim(**over):
    base = {"claimant": {"name": "residents", "role": None}, "medium": None,
            "relayed_by": "Reuters", "statement_date": "1995-10-21",
            "quantity": {"lower": 6, "upper": 6, "qualifier": None, "text": "six"},
            "violation": "killing", "victim_group": "young men", "place": "Liaquatabad",
            "period": {"start": "1995-10-20", "end": "1995-10-20"},
            "alleged_perpetrator": "Paramilitary Rangers", "attributed": True, "hedges": [],
            "evidence_text": ITEM.split(" - ", 1)[1].strip(), "quotes": []}
    base.update(over)
    return base


def _write_gold(folder: Path, claim: dict) -> None:
    folder.mkdir()
    (folder / "01.txt").write_text(ITEM)
    (folder / "01.json").write_text(json.dumps({"synthetic": True, "claims": [claim]}))


def test_evaluate_scores_fields_and_detects_wrong_gold(tmp_path):
    _write_gold(tmp_path / "good", _gold_claim())
    good = evaluate_dir(tmp_path / "good")
    assert good.fields["claim"].f1 == 1.0
    assert good.fields["violation"].f1 == 1.0 and good.fields["period"].f1 == 1.0
    _write_gold(tmp_path / "bad", _gold_claim(violation="injury", place="Lyari"))
    bad = evaluate_dir(tmp_path / "bad")
    assert bad.fields["claim"].f1 == 1.0  # still aligned by figure and sentence
    assert bad.fields["violation"].f1 == 0.0 and bad.fields["place"].f1 == 0.0
    _write_gold(tmp_path / "other", _gold_claim(quantity={"lower": 7, "upper": 7,
                                                          "qualifier": None, "text": "7"}))
    other = evaluate_dir(tmp_path / "other")
    assert other.fields["claim"].tp == 0 and other.fields["claim"].fn == 1


def test_scoring_helpers():
    t = Tally(tp=8, fp=2, fn=0)
    assert t.precision == 0.8 and t.recall == 1.0 and abs(t.f1 - 8 / 9) < 1e-12
    assert text_match("Colombian police", "police") and not text_match("army", "police")
    assert overlap("a b c d", "a b c d e f") == 1.0


def test_extract_evaluate_command(tmp_path):
    _write_gold(tmp_path / "g", _gold_claim())
    out = CliRunner().invoke(cli, ["extract", "evaluate", str(tmp_path / "g"), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["synthetic"] is True and data["fields"]["claim"]["f1"] == 1.0
    text = CliRunner().invoke(cli, ["extract", "evaluate", str(tmp_path / "g")])
    assert "SYNTHETIC" in text.output and "claimant.name" in text.output


def test_extract_store_and_ledger(tmp_path):
    runner = CliRunner()
    ws = tmp_path / "ws"
    assert runner.invoke(cli, ["init", str(ws)]).exit_code == 0
    out = runner.invoke(cli, ["extract", str(DEMO), "-w", str(ws), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["synthetic"] is True and data["store"]["stored"] is True
    assert data["store"]["claims"] == len(data["claims"]) >= 3
    assert data["store"]["candidate_reports"] == 1
    again = json.loads(runner.invoke(cli, ["extract", str(DEMO), "-w", str(ws), "--json"]).output)
    assert again["store"]["stored"] is False
    ledger = runner.invoke(cli, ["claims", "-w", str(ws), "--json"])
    assert ledger.exit_code == 0, ledger.output
    rows = json.loads(ledger.output)
    assert len(rows) == len(data["claims"])
    # the record holds no persons yet, so nothing is comparable
    assert {r["verdict"] for r in rows} == {"not_comparable"}
    plain = runner.invoke(cli, ["extract", str(DEMO), "--no-store"])
    assert "[SYNTHETIC]" in plain.output and "Candidate incidents" in plain.output


def test_missing_file_is_a_clean_error(tmp_path):
    out = CliRunner().invoke(cli, ["extract", str(tmp_path / "nope.txt"), "--no-store"])
    assert out.exit_code != 0 and "Traceback" not in out.output


@pytest.mark.slow
def test_gold_corpus_reaches_target():
    report = evaluate_dir(GOLD)
    assert report.items >= 60
    for name in ("claim", "claimant.name", "violation", "place", "period", "attributed"):
        assert report.fields[name].f1 >= 0.9, name
    assert report.micro().f1 >= 0.9


def test_published_date_is_input_metadata(tmp_path):
    folder = tmp_path / "pub"
    folder.mkdir()
    text = "Police said 11 protesters were detained last month.\n"
    (folder / "01.txt").write_text(text)
    gold = {"synthetic": True, "published": "2022-05-10", "claims": [{
        "quantity": {"lower": 11, "upper": 11, "qualifier": None, "text": "11"},
        "violation": "arbitrary detention", "period": {"start": "2022-04-01", "end": "2022-04-30"},
        "statement_date": "2022-05-10", "evidence_text": text.strip()}]}
    (folder / "01.json").write_text(json.dumps(gold))
    report = evaluate_dir(folder)
    assert report.fields["period"].f1 == 1.0 and report.fields["statement_date"].f1 == 1.0
    del gold["published"]
    (folder / "01.json").write_text(json.dumps(gold))
    assert evaluate_dir(folder).fields["period"].tp == 0
