"""Estimating from the persons stored in a workspace, and keeping each run in the record.

    result, run_id = estimate_workspace(ws, method="lcmcr", by="violation", seed=1)

The run (method, settings, seed, the hash of the capture-pattern tables, the linkage run it
stands on, the full result) is stored as an EstimateRun, so a report can cite it exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select

from uncounted.estimate.strata import StratifiedResult, estimate_from_memberships
from uncounted.records import audit
from uncounted.records.models import EstimateRun
from uncounted.records.query import current_linkage_run_id, is_synthetic, memberships_frame
from uncounted.records.workspace import Workspace


def estimate_workspace(ws: Workspace, *, method: str = "lcmcr", lists: Sequence[str] | None = None,
                       by: str | Sequence[str] | None = None,
                       structural_zeros: Mapping[str, Iterable[Any]] | None = None,
                       store: bool = True, **settings: Any) -> tuple[StratifiedResult, int | None]:
    """Capture histories from the current linkage run, estimate, and store the run."""
    linkage_run = current_linkage_run_id(ws)
    memberships = memberships_frame(ws, run_id=linkage_run)
    result = estimate_from_memberships(memberships, method=method, lists=lists, by=by,
                                       structural_zeros=structural_zeros, **settings)
    run_id = None
    if store:
        with ws.session() as s:
            run_id = store_run(ws, result, linkage_run_id=linkage_run, lists=lists, by=by,
                               scope={"synthetic": is_synthetic(s)}, session=s)
    return result, run_id


def store_run(ws: Workspace, result: StratifiedResult, *, linkage_run_id: int | None,
              lists: Sequence[str] | None, by: str | Sequence[str] | None,
              scope: dict[str, Any] | None = None, actor: str | None = None, session: Any = None) -> int:
    """Store one run (the full result, strata included) and its audit entry; return its id.

    Pass `session` to write inside the caller's transaction (the web app does).
    """
    if session is None:
        with ws.session() as s:
            return store_run(ws, result, linkage_run_id=linkage_run_id, lists=lists, by=by, scope=scope,
                             actor=actor, session=s)
    data = result.to_dict()
    lo, hi = data["interval"]
    by_text = by if isinstance(by, str) or by is None else ",".join(by)
    actor = actor or ws.actor
    run = EstimateRun(created_by=actor, method=result.method, settings=data.get("settings"),
                      seed=result.settings.get("seed"), data_hash=result.data_hash(),
                      linkage_run_id=linkage_run_id, lists=list(lists) if lists else data.get("lists"),
                      scope={"by": by_text, **(scope or {})}, observed=result.observed,
                      estimate=data["estimate"], interval_low=lo, interval_high=hi, level=result.level,
                      result=data)
    session.add(run)
    session.flush()
    audit.append(session, actor=actor, action="estimate.run", object_type="estimate_run", object_id=run.id,
                 details={"method": result.method, "by": by_text, "data_hash": run.data_hash})
    return run.id


def latest_runs(ws: Workspace, limit: int = 20) -> list[dict[str, Any]]:
    """The most recent estimate runs, newest first, as stored."""
    with ws.session() as s:
        runs = s.execute(select(EstimateRun).order_by(EstimateRun.id.desc()).limit(limit)).scalars().all()
        return [{"id": r.id, "created_at": r.created_at.isoformat() if r.created_at else None,
                 "method": r.method, "scope": r.scope, "observed": r.observed, "estimate": r.estimate,
                 "interval": [r.interval_low, r.interval_high], "level": r.level, "seed": r.seed,
                 "data_hash": r.data_hash, "linkage_run_id": r.linkage_run_id, "result": r.result}
                for r in runs]


def reports_for_strata(ws: Workspace) -> Any:
    """Current reports with report_key, source and the stratum columns estimation uses."""
    import pandas as pd

    from uncounted.records.query import STRATUM_FIELDS, reports_frame

    frame = reports_frame(ws)
    out = frame[["report_key", "source"]].copy()
    out["year"] = pd.to_datetime(frame["event_date_start"], errors="coerce").dt.year.astype("Int64")
    for name, column in STRATUM_FIELDS.items():
        out[name] = frame[column]
    return out


def _linkage_inputs(ws: Workspace) -> tuple[Any, Any, dict[str, str], list[Any]]:
    from uncounted.link.stored import load_decisions, stored_pairs
    from uncounted.records.models import PersonReport

    run_id = current_linkage_run_id(ws)
    if run_id is None:
        from uncounted.errors import EstimationError

        raise EstimationError("The record has no persons yet: run `uncounted link` first.")
    with ws.session() as s:
        fixed = {key: str(pid) for key, pid in s.execute(
            select(PersonReport.report_key, PersonReport.person_id).where(PersonReport.run_id == run_id)).all()}
    return reports_for_strata(ws), stored_pairs(ws, run_id), fixed, load_decisions(ws)


def linkage_uncertainty_workspace(ws: Workspace, *, method: str = "lcmcr", by: str | Sequence[str] | None = None,
                                  lists: Sequence[str] | None = None, n_draws: int = 20, seed: int = 0,
                                  level: float = 0.95, store: bool = True, progress: Any = None,
                                  **settings: Any) -> tuple[Any, int | None]:
    """Estimate over plausible linkages drawn from the stored match probabilities; store the run."""
    from uncounted.estimate.linkage_uncertainty import linkage_uncertainty

    reports, pairs, fixed, decisions = _linkage_inputs(ws)
    keys = set(reports["report_key"])
    reports = reports[reports["report_key"].isin(fixed.keys() & keys)]
    result = linkage_uncertainty(reports, pairs, fixed_cluster_of=fixed, method=method, by=by, lists=lists,
                                 decisions=decisions, n_draws=n_draws, seed=seed, level=level,
                                 progress=progress, **settings)
    run_id = None
    if store:
        data = result.to_dict()
        by_text = by if isinstance(by, str) or by is None else ",".join(by)
        with ws.session() as s:
            run = EstimateRun(created_by=ws.actor, method=method,
                              settings={"linkage_uncertainty": True, "n_linkage_draws": n_draws, "by": by_text,
                                        **{k: v for k, v in settings.items()}},
                              seed=seed, data_hash=_pairs_hash(pairs), linkage_run_id=current_linkage_run_id(ws),
                              lists=list(lists) if lists else None,
                              scope={"by": by_text, "linkage_uncertainty": True, "synthetic": is_synthetic(s)},
                              observed=int(result.fixed_linkage["observed"]), estimate=result.estimate,
                              interval_low=result.interval[0], interval_high=result.interval[1], level=level,
                              result=data)
            s.add(run)
            s.flush()
            audit.append(s, actor=ws.actor, action="estimate.run", object_type="estimate_run", object_id=run.id,
                         details={"method": method, "linkage_uncertainty": True, "draws": n_draws})
            run_id = run.id
    return result, run_id


def threshold_sensitivity_workspace(ws: Workspace, *, thresholds: Sequence[float], method: str = "lcmcr",
                                    by: str | Sequence[str] | None = None, lists: Sequence[str] | None = None,
                                    seed: int = 0, level: float = 0.95, **settings: Any) -> list[dict[str, Any]]:
    from uncounted.estimate.linkage_uncertainty import threshold_sensitivity

    reports, pairs, fixed, decisions = _linkage_inputs(ws)
    return threshold_sensitivity(reports, pairs, thresholds=thresholds, method=method, by=by, lists=lists,
                                 decisions=decisions, seed=seed, level=level, **settings)


def _pairs_hash(pairs: Any) -> str:
    import hashlib

    body = pairs[["report_key_l", "report_key_r", "match_probability"]].round(6).sort_values(
        ["report_key_l", "report_key_r"]).to_csv(index=False)
    return hashlib.sha256(body.encode()).hexdigest()
