"""Linking the reports stored in a workspace, and keeping persons, pairs and decisions there.

    summary = link_workspace(ws)                       # reports -> persons, stored as a new run
    record_decision(ws, key_a, key_b, "same", actor="amina")
    queue = review_queue(ws, limit=20)                 # uncertain pairs, nearest the threshold
    metrics = evaluate_workspace(ws, "truth.csv")      # against known truth (simulations)
    check = evaluate_decisions(ws)                     # against the human decisions
    tune_threshold(ws, apply=True, actor="amina")      # the threshold the decisions favour

Each run of `link_workspace` is a new LinkageRun; the previous one stays in the record, marked
not current. Human decisions are keyed on the reports' stable keys, so they survive re-imports
and every later run applies them.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import insert, select, update

from uncounted.errors import LinkageError
from uncounted.link.api import LinkResult, link_dataframe
from uncounted.link.cluster import Decision, person_summaries
from uncounted.link.evaluate import evaluate_clusters
from uncounted.link.model import LinkageSettings, TrainedModel
from uncounted.link.review import (
    calibration_table, format_explanation, labelled_pairs, suggest_threshold, uncertain_pairs,
)
from uncounted.records import audit
from uncounted.records.models import (
    LinkageRun, MatchDecision, MatchPair, Person, PersonReport, Report, Source, utcnow,
)
from uncounted.records.query import reports_frame
from uncounted.records.workspace import Workspace

# Pairs at or above this probability are stored with the run (review, linkage uncertainty).
STORE_PAIRS_ABOVE = 0.01
INSERT_BATCH = 5_000


@dataclass
class LinkRunSummary:
    run_id: int
    reports: int
    persons: int
    pairs_stored: int
    links: int
    threshold: float
    decisions_applied: int
    refused: list[dict[str, Any]]
    persons_with_conflicts: int
    seconds: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def load_decisions(ws: Workspace) -> list[Decision]:
    """The current human decisions, oldest first."""
    with ws.session() as s:
        rows = s.execute(select(MatchDecision).where(MatchDecision.is_current.is_(True))
                         .order_by(MatchDecision.id)).scalars().all()
        return [Decision(r.report_key_l, r.report_key_r, r.decision, r.decided_by,
                         r.decided_at.isoformat() if r.decided_at else None) for r in rows]


def record_decision(ws: Workspace, key_a: str, key_b: str, decision: str, *, actor: str,
                    note: str | None = None) -> None:
    """Store a human decision on a pair; a later decision on the same pair supersedes it."""
    checked = Decision(key_a, key_b, decision)  # validates the word
    left, right = checked.pair
    with ws.session() as s:
        known = set(s.execute(select(Report.report_key).where(Report.report_key.in_([left, right]))).scalars())
        missing = sorted({left, right} - known)
        if missing:
            raise LinkageError(f"No report with key {', '.join(missing)}; see `uncounted reports --json`.")
        s.execute(update(MatchDecision)
                  .where(MatchDecision.report_key_l == left, MatchDecision.report_key_r == right,
                         MatchDecision.is_current.is_(True))
                  .values(is_current=False))
        s.add(MatchDecision(report_key_l=left, report_key_r=right, decision=decision, decided_by=actor,
                            note=note, decided_at=utcnow()))
        audit.append(s, actor=actor, action="match.decide", object_type="pair",
                     object_id=f"{left}|{right}", details={"decision": decision, "note": note})


def link_workspace(ws: Workspace, *, threshold: float | None = None, backend: str = "duckdb",
                   settings: LinkageSettings | None = None, reuse_model: bool = False,
                   progress: bool = True) -> LinkRunSummary:
    """Link every current report into persons and store the run."""
    frame = reports_frame(ws)
    if frame.empty:
        raise LinkageError("The record has no reports to link: import some lists first (`uncounted import`).")
    if threshold is None and ws.settings.get("link_threshold") not in (None, ""):
        threshold = float(ws.settings["link_threshold"])
    model = _current_model(ws) if reuse_model else None
    decisions = load_decisions(ws)
    with _splink_quiet(not progress):
        result = link_dataframe(frame, settings=settings, threshold=threshold, backend=backend,
                                decisions=decisions, model=model, keep_pairs_above=STORE_PAIRS_ABOVE,
                                progress=progress)
    return _store_run(ws, result, backend=backend, decisions=len(decisions))


@contextmanager
def _splink_quiet(quiet: bool) -> Iterator[None]:
    """Keep Splink's training chatter (untrained levels, sampling notes) off the screen.

    Splink sets its own loggers' levels when a Linker is made, so logging is muted at WARNING
    and below for the duration instead; errors still show.
    """
    if not quiet:
        yield
        return
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(previous)


def _current_model(ws: Workspace) -> TrainedModel | None:
    with ws.session() as s:
        run = _current_run(s)
        return TrainedModel.from_dict(run.model) if run is not None and run.model else None


def _current_run(session: Any) -> LinkageRun | None:
    return session.execute(select(LinkageRun).where(LinkageRun.is_current.is_(True))
                           .order_by(LinkageRun.id.desc()).limit(1)).scalar_one_or_none()


def current_run_id(ws: Workspace) -> int | None:
    with ws.session() as s:
        run = _current_run(s)
        return run.id if run else None


def _store_run(ws: Workspace, result: LinkResult, *, backend: str, decisions: int) -> LinkRunSummary:
    summaries = person_summaries(result.clusters, result.prepared)
    links = int((result.pairs["match_probability"] >= result.threshold).sum()) if len(result.pairs) else 0
    with ws.session() as s:
        s.execute(update(LinkageRun).where(LinkageRun.is_current.is_(True)).values(is_current=False))
        run = LinkageRun(created_by=ws.actor, backend=backend, threshold=result.threshold,
                         settings=result.model.settings.to_dict(), model=result.model.to_dict(),
                         summary={"reports": len(result.prepared), "persons": result.clusters.n_persons,
                                  "links": links, "timings": result.timings,
                                  "refused": result.clusters.refused})
        s.add(run)
        s.flush()
        person_ids = _insert_persons(s, run.id, summaries)
        _insert_memberships(s, run.id, summaries, person_ids)
        stored = _insert_pairs(s, run.id, result.pairs)
        conflicts = int(sum(1 for c in summaries["conflicts"] if c)) if len(summaries) else 0
        audit.append(s, actor=ws.actor, action="link.run", object_type="linkage_run", object_id=run.id,
                     details={"reports": len(result.prepared), "persons": result.clusters.n_persons,
                              "threshold": result.threshold, "backend": backend})
        return LinkRunSummary(run.id, len(result.prepared), result.clusters.n_persons, stored, links,
                              result.threshold, decisions, result.clusters.refused, conflicts, result.timings)


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


def _insert_persons(session: Any, run_id: int, summaries: pd.DataFrame) -> dict[str, int]:
    value_fields = [c for c in summaries.columns
                    if c not in ("person_id", "n_reports", "sources", "report_keys", "conflicts", "provenance")]
    rows = []
    for rec in summaries.to_dict("records"):
        values = {f: _json_value(rec.get(f)) for f in value_fields}
        values["sources"] = list(rec["sources"])
        values["provenance"] = json.loads(rec["provenance"]) if rec.get("provenance") else {}
        rows.append({"person_key": rec["person_id"], "run_id": run_id,
                     "display_name": values.get("name_raw"), "name_key": None,
                     "n_reports": int(rec["n_reports"]), "values": values,
                     "conflicts": list(rec["conflicts"]) or None})
    for start in range(0, len(rows), INSERT_BATCH):
        session.execute(insert(Person), rows[start:start + INSERT_BATCH])
    return dict(session.execute(select(Person.person_key, Person.id).where(Person.run_id == run_id)).all())


def _insert_memberships(session: Any, run_id: int, summaries: pd.DataFrame, person_ids: dict[str, int]) -> None:
    rows = [{"run_id": run_id, "person_id": person_ids[pid], "report_key": key}
            for pid, keys in zip(summaries["person_id"], summaries["report_keys"]) for key in keys]
    for start in range(0, len(rows), INSERT_BATCH):
        session.execute(insert(PersonReport), rows[start:start + INSERT_BATCH])
    # The persons' name keys come from their reports (the record's romanisation-aware key).
    _fill_person_name_keys(session, run_id)


def _fill_person_name_keys(session: Any, run_id: int) -> None:
    rows = session.execute(
        select(PersonReport.person_id, Report.name_key)
        .join(Report, (Report.report_key == PersonReport.report_key) & Report.is_current.is_(True))
        .where(PersonReport.run_id == run_id, Report.name_key.is_not(None))).all()
    chosen: dict[int, str] = {}
    for person_id, key in rows:
        if person_id not in chosen or len(key) > len(chosen[person_id]):
            chosen[person_id] = key
    rows = [{"id": pid, "name_key": key} for pid, key in chosen.items()]
    for start in range(0, len(rows), INSERT_BATCH):
        session.execute(update(Person), rows[start:start + INSERT_BATCH])


def _insert_pairs(session: Any, run_id: int, pairs: pd.DataFrame) -> int:
    if pairs.empty:
        return 0
    kept = pairs[pairs["match_probability"] >= STORE_PAIRS_ABOVE]
    detail = [c for c in kept.columns if c.startswith(("gamma_", "mw_"))]
    rows = []
    for rec in kept.to_dict("records"):
        rows.append({"run_id": run_id, "report_key_l": rec["report_key_l"], "report_key_r": rec["report_key_r"],
                     "match_probability": float(rec["match_probability"]),
                     "match_weight": float(rec["match_weight"]),
                     "explanation": {c: _json_value(rec[c]) for c in detail}})
    for start in range(0, len(rows), INSERT_BATCH):
        session.execute(insert(MatchPair), rows[start:start + INSERT_BATCH])
    return len(rows)


def stored_pairs(ws: Workspace, run_id: int | None = None) -> pd.DataFrame:
    """The scored pairs of a run (default: the current one), with their per-field detail."""
    with ws.session() as s:
        run = s.get(LinkageRun, run_id) if run_id else _current_run(s)
        if run is None:
            raise LinkageError("Nothing is linked yet: run `uncounted link` first.")
        rows = s.execute(select(MatchPair.report_key_l, MatchPair.report_key_r, MatchPair.match_probability,
                                MatchPair.match_weight, MatchPair.explanation)
                         .where(MatchPair.run_id == run.id)).all()
    records = [{"report_key_l": a, "report_key_r": b, "match_probability": p, "match_weight": w, **(e or {})}
               for a, b, p, w, e in rows]
    return pd.DataFrame(records, columns=None if records else ["report_key_l", "report_key_r",
                                                               "match_probability", "match_weight"])


def review_queue(ws: Workspace, *, limit: int = 20, threshold: float | None = None) -> list[dict[str, Any]]:
    """Undecided pairs nearest the threshold, each with both reports and a per-field explanation."""
    with ws.session() as s:
        run = _current_run(s)
        if run is None:
            raise LinkageError("Nothing is linked yet: run `uncounted link` first.")
        model = TrainedModel.from_dict(run.model) if run.model else None
        run_threshold = run.threshold
    threshold = run_threshold if threshold is None else threshold
    pairs = stored_pairs(ws)
    if pairs.empty:
        return []
    queue = uncertain_pairs(pairs, threshold=threshold, limit=limit, decisions=load_decisions(ws))
    keys = sorted(set(queue["report_key_l"]) | set(queue["report_key_r"]))
    reports = _reports_by_key(ws, keys)
    out = []
    for rec in queue.to_dict("records"):
        out.append({
            "report_key_l": rec["report_key_l"], "report_key_r": rec["report_key_r"],
            "match_probability": rec["match_probability"], "match_weight": rec["match_weight"],
            "left": reports.get(rec["report_key_l"], {}), "right": reports.get(rec["report_key_r"], {}),
            "explanation": format_explanation(rec, model, reports=None),
        })
    return out


REVIEW_FIELDS = ("source", "source_record_id", "name_raw", "father_name", "sex", "age_raw", "birth_year_min",
                 "birth_year_max", "event_date_raw", "event_place_raw", "violation", "perpetrator_category",
                 "victim_status")


def _reports_by_key(ws: Workspace, keys: list[str]) -> dict[str, dict[str, Any]]:
    if not keys:
        return {}
    cols = [getattr(Report, f) for f in REVIEW_FIELDS if f != "source"]
    with ws.session() as s:
        rows = s.execute(select(Report.report_key, Source.name, *cols)
                         .join(Source, Source.id == Report.source_id)
                         .where(Report.report_key.in_(keys), Report.is_current.is_(True))).all()
    return {row[0]: {f: _json_value(v) for f, v in zip(REVIEW_FIELDS, row[1:])} for row in rows}


def evaluate_workspace(ws: Workspace, truth_path: str | Path, *, run_id: int | None = None) -> dict[str, Any]:
    """Compare the stored persons with known truth (columns source, record_id, person_id).

    Reports are matched to truth rows by source name and the list's own record id. For a list
    without ids, record_id may be ``row:N``, N being the row number as a spreadsheet shows it
    (the number uncounted's import messages use).
    """
    truth = pd.read_csv(truth_path, dtype=str, keep_default_na=False)
    missing = {"source", "record_id", "person_id"} - set(truth.columns)
    if missing:
        raise LinkageError(f"{truth_path}: truth needs columns source, record_id, person_id; "
                           f"missing {sorted(missing)}.")
    with ws.session() as s:
        run = s.get(LinkageRun, run_id) if run_id else _current_run(s)
        if run is None:
            raise LinkageError("Nothing is linked yet: run `uncounted link` first.")
        rows = s.execute(select(Source.name, Report.source_record_id, Report.row_number, Report.report_key,
                                PersonReport.person_id)
                         .join(Report, (Report.report_key == PersonReport.report_key) & Report.is_current.is_(True))
                         .join(Source, Source.id == Report.source_id)
                         .where(PersonReport.run_id == run.id)).all()
    key_of = _truth_keys(rows)
    predicted = {key: str(pid) for _, _, _, key, pid in rows}
    truth_map: dict[str, str] = {}
    unmatched = 0
    for src, rid, pid in zip(truth["source"], truth["record_id"], truth["person_id"]):
        key = key_of.get((src, str(rid)))
        if key is None:
            unmatched += 1
        else:
            truth_map[key] = pid
    if not truth_map:
        raise LinkageError(f"No row of {truth_path} matches a stored report by (source, record_id); "
                           "check that sources were imported under the names the truth file uses.")
    shared = {k: v for k, v in predicted.items() if k in truth_map}
    metrics = evaluate_clusters(shared, truth_map)
    metrics["truth_rows_unmatched"] = unmatched
    metrics["run_id"] = run.id
    return metrics


def evaluate_decisions(ws: Workspace, *, run_id: int | None = None) -> dict[str, Any]:
    """Score the model of a run (default: the current one) against the human decisions.

    Returns agreement, precision and recall at the run's threshold, a calibration table (per
    probability band, the share of pairs people judged "same") and the threshold the decisions
    favour. Decided pairs are those people chose to review, mostly near the threshold, so the
    figures describe the doubtful pairs, not the linkage as a whole.
    """
    decisions = load_decisions(ws)
    with ws.session() as s:
        run = s.get(LinkageRun, run_id) if run_id else _current_run(s)
        if run is None:
            raise LinkageError("Nothing is linked yet: run `uncounted link` first.")
        run_id, threshold = run.id, run.threshold
    labelled = labelled_pairs(stored_pairs(ws, run_id), decisions)
    if labelled.empty:
        raise LinkageError("There are no 'same' or 'different' decisions yet: decide some pairs with "
                           "`uncounted review` (or in the web app's review queue) first.")
    advice = suggest_threshold(labelled, threshold)
    return {"run_id": run_id, "threshold": threshold, "decisions": len(decisions),
            "unsure": sum(d.decision == "unsure" for d in decisions),
            "at_threshold": advice["current"], "suggested": advice["suggested"], "reason": advice["reason"],
            "calibration": [{k: _json_value(v) for k, v in row.items()}
                            for row in calibration_table(labelled).to_dict("records")],
            "note": "Decided pairs are the doubtful ones people reviewed, not a random sample."}


def tune_threshold(ws: Workspace, *, apply: bool = False, actor: str | None = None) -> dict[str, Any]:
    """Choose the link threshold the human decisions favour; with ``apply``, save it as the
    workspace's ``link_threshold`` (used by the next `uncounted link`) and log it."""
    report = evaluate_decisions(ws)
    suggested = report["suggested"]
    report["applied"] = False
    if apply and suggested is not None:
        value = round(float(suggested["threshold"]), 4)
        ws.set_setting("link_threshold", value)
        with ws.session() as s:
            audit.append(s, actor=actor or ws.actor, action="link.tune", object_type="setting",
                         object_id="link_threshold",
                         details={"from": report["threshold"], "to": value,
                                  "errors_before": report["at_threshold"]["errors"],
                                  "errors_after": suggested["errors"]})
        report["applied"] = True
    return report


def _truth_keys(rows: list[Any]) -> dict[tuple[str, str], str]:
    """(source, record id) and (source, "row:N") -> report key; a row number shared by reports of
    two files of one source is left out (ambiguous)."""
    key_of: dict[tuple[str, str], str] = {}
    by_row: dict[tuple[str, str], list[str]] = {}
    for src, rid, row, key, _ in rows:
        if rid not in (None, ""):
            key_of[(src, str(rid))] = key
        if row is not None:
            by_row.setdefault((src, f"row:{row}"), []).append(key)
    for pair, keys in by_row.items():
        if len(keys) == 1:
            key_of.setdefault(pair, keys[0])
    return key_of


def list_persons(ws: Workspace, *, name: str | None = None, limit: int | None = 50) -> list[dict[str, Any]]:
    """Persons of the current run; `name` searches romanisation-aware (every name token must match)."""
    from uncounted.normalize.namekey import name_key

    with ws.session() as s:
        run = _current_run(s)
        if run is None:
            raise LinkageError("Nothing is linked yet: run `uncounted link` first.")
        stmt = select(Person).where(Person.run_id == run.id).order_by(Person.n_reports.desc(), Person.id)
        wanted = name_key(name).split() if name else []
        for token in wanted:
            stmt = stmt.where(Person.name_key.like(f"%{token}%"))
        rows = []
        for person in s.execute(stmt).scalars():
            if wanted and not set(wanted) <= set((person.name_key or "").split()):
                continue
            values = person.values or {}
            rows.append({"person_key": person.person_key, "display_name": person.display_name,
                         "name_key": person.name_key, "n_reports": person.n_reports,
                         "sources": ", ".join(values.get("sources", [])), "violation": values.get("violation"),
                         "conflicts": ", ".join(person.conflicts or [])})
            if limit and len(rows) >= limit:
                break
        return rows
