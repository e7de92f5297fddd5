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
from uncounted.records.query import current_linkage_run_id, memberships_frame
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
    run_id = store_run(ws, result, linkage_run_id=linkage_run, lists=lists, by=by) if store else None
    return result, run_id


def store_run(ws: Workspace, result: StratifiedResult, *, linkage_run_id: int | None,
              lists: Sequence[str] | None, by: str | Sequence[str] | None,
              scope: dict[str, Any] | None = None) -> int:
    data = result.to_dict()
    lo, hi = data["interval"]
    by_text = by if isinstance(by, str) or by is None else ",".join(by)
    with ws.session() as s:
        run = EstimateRun(created_by=ws.actor, method=result.method, settings=data.get("settings"),
                          seed=result.settings.get("seed"), data_hash=result.data_hash(),
                          linkage_run_id=linkage_run_id, lists=list(lists) if lists else data.get("lists"),
                          scope={"by": by_text, **(scope or {})}, observed=result.observed,
                          estimate=data["estimate"], interval_low=lo, interval_high=hi, level=result.level,
                          result=data)
        s.add(run)
        s.flush()
        audit.append(s, actor=ws.actor, action="estimate.run", object_type="estimate_run", object_id=run.id,
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
