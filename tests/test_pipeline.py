"""The whole pipeline on a small SYNTHETIC scenario, on SQLite and PostgreSQL.

simulate -> import every list -> link -> evaluate against the truth -> a review decision
survives re-linking -> decisions (from the truth) choose a threshold that is saved and used -> estimate from the stored persons (the run is stored) -> re-import adds
nothing. One linkage per store keeps the test fast.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from uncounted.cli.main import cli
from uncounted.demo import import_lists, simulate_lists
from uncounted.link.stored import (
    evaluate_workspace, link_workspace, load_decisions, record_decision, review_queue,
)
from uncounted.records.models import EstimateRun, PersonReport
from uncounted.records.workspace import Workspace


def test_pipeline_end_to_end(workspace: Workspace, tmp_path: Path) -> None:
    scenario = tmp_path / "scenario"
    manifest = simulate_lists(scenario, victims=1000, seed=7)
    import_lists(workspace, scenario, manifest)
    link_workspace(workspace, progress=False)

    _linkage_is_close_to_the_truth(workspace, scenario / "truth.csv")
    _decisions_survive_relinking(workspace)
    _decisions_tune_the_threshold(workspace, scenario / "truth.csv")
    _estimate_is_stored_and_cited(workspace)
    assert all(item["imported"] == 0 for item in import_lists(workspace, scenario, manifest))


def _linkage_is_close_to_the_truth(ws: Workspace, truth: Path) -> None:
    metrics = evaluate_workspace(ws, truth)
    assert metrics["truth_rows_unmatched"] == 0
    assert metrics["pairwise"]["precision"] > 0.8
    assert metrics["pairwise"]["recall"] > 0.6
    assert abs(metrics["persons_found"] - metrics["true_persons"]) / metrics["true_persons"] < 0.25


def _decisions_survive_relinking(ws: Workspace) -> None:
    queue = review_queue(ws, limit=5)
    assert len(queue) >= 2, "a list of common names always leaves uncertain pairs"
    apart, together = queue[0], queue[1]
    record_decision(ws, apart["report_key_l"], apart["report_key_r"], "different", actor="reviewer-1")
    record_decision(ws, together["report_key_l"], together["report_key_r"], "same", actor="reviewer-1")
    summary = link_workspace(ws, progress=False)
    assert summary.decisions_applied == len(load_decisions(ws)) == 2
    with ws.session() as s:
        person_of = dict(s.execute(select(PersonReport.report_key, PersonReport.person_id)
                                   .where(PersonReport.run_id == summary.run_id)).all())
    assert person_of[apart["report_key_l"]] != person_of[apart["report_key_r"]]
    assert person_of[together["report_key_l"]] == person_of[together["report_key_r"]]
    offered = {(q["report_key_l"], q["report_key_r"]) for q in review_queue(ws, limit=50)}
    assert (apart["report_key_l"], apart["report_key_r"]) not in offered


def _decisions_tune_the_threshold(ws: Workspace, truth_path: Path) -> None:
    """A reviewer who knows the truth decides 150 doubtful pairs; the decisions score the model,
    choose a threshold with no more disagreements than the current one, and `link tune --apply`
    saves it for the next run."""
    import pandas as pd

    truth = pd.read_csv(truth_path, dtype=str)
    person = {(src, rid): pid for src, rid, pid in zip(truth["source"], truth["record_id"], truth["person_id"])}
    for item in review_queue(ws, limit=150):
        left, right = item["left"], item["right"]
        same = (person[(left["source"], str(left["source_record_id"]))]
                == person[(right["source"], str(right["source_record_id"]))])
        record_decision(ws, item["report_key_l"], item["report_key_r"], "same" if same else "different",
                        actor="reviewer-2")
    env = {"UNCOUNTED_DATABASE_URL": ws.settings.get("database_url") or ""}
    result = CliRunner().invoke(cli, ["link", "tune", "--workspace", str(ws.path), "--apply", "--json"], env=env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["at_threshold"]["labelled_pairs"] == 152  # 150 here and 2 earlier
    assert report["suggested"] is not None, report["reason"]
    assert report["suggested"]["errors"] <= report["at_threshold"]["errors"]
    assert report["applied"] is True
    chosen = round(report["suggested"]["threshold"], 4)
    reopened = Workspace.open(ws.path)
    assert reopened.settings["link_threshold"] == chosen
    summary = link_workspace(reopened, progress=False)
    assert summary.threshold == pytest.approx(chosen)


def _estimate_is_stored_and_cited(ws: Workspace) -> None:
    env = {"UNCOUNTED_DATABASE_URL": ws.settings.get("database_url") or ""}
    result = CliRunner().invoke(cli, ["estimate", "--workspace", str(ws.path), "--method", "loglinear",
                                      "--by", "violation", "--json"], env=env)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["synthetic"] is True
    assert out["observed"] > 0 and out["estimate"] >= out["observed"]
    assert {s["stratum"]["violation"] for s in out["strata"]} >= {"killing", "enforced_disappearance"}
    with ws.session() as s:
        run = s.get(EstimateRun, out["run_id"])
        assert run.method == "loglinear" and run.data_hash == out["data_hash"]
        assert s.execute(select(func.count(EstimateRun.id))).scalar_one() == 1
