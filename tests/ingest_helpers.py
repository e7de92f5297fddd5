"""Helpers shared by the import tests: what a document stored, a simulated list, an import in workers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from uncounted.ingest import import_file, importer
from uncounted.records.models import Report

# Fields that differ between two imports of the same file by design.
BOOKKEEPING = {"id", "report_key", "source_id", "document_id", "created_at", "supersedes_id"}


def stored(ws: Any, document_id: int) -> list[dict[str, Any]]:
    """Every stored field of a document's reports, in row order, but for the fields that differ by design."""
    with ws.session() as session:
        rows = session.execute(select(Report).where(Report.document_id == document_id)
                               .order_by(Report.sheet, Report.row_number)).scalars()
        return [{c.name: getattr(r, c.name) for c in Report.__table__.columns if c.name not in BOOKKEEPING}
                for r in rows]


def simulated_list(tmp_path: Path, rows: int, seed: int) -> Path:
    """A SYNTHETIC single list of ``rows`` rows made by `uncounted simulate`."""
    from uncounted.simulate import simulate_scenario, write_scenario
    from uncounted.simulate.config import single_list_config

    scenario = simulate_scenario(single_list_config(rows), seed=seed)
    return next(p for p in write_scenario(scenario, tmp_path / "sim") if p.name.startswith("01_"))


def import_in_workers(ws: Any, path: Path, monkeypatch: pytest.MonkeyPatch, *, workers: int, chunk_rows: int,
                      **options: Any) -> tuple[Any, list[Any]]:
    """Import with ``workers`` worker processes and tiny chunks; the result, and the specs of the
    pools that were started (the real pool, counted)."""
    pools: list[Any] = []
    real = importer.WorkerPool

    def counted(n: int, spec: Any = None) -> Any:
        pool = real(n, spec)
        pools.append(pool)
        return pool

    with monkeypatch.context() as patch:
        patch.setattr(importer, "CHUNK_ROWS", chunk_rows)
        patch.setattr(importer, "WorkerPool", counted)
        result = import_file(ws, path, progress=False, workers=workers, **options)
    return result, [pool.spec for pool in pools if pool.spec is not None]
