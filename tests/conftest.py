"""Shared fixtures: real workspaces on a SQLite file and, when CI provides it, on PostgreSQL.

The `store_url` fixture is parametrised over both back ends. PostgreSQL tests run against the
server named by UNCOUNTED_TEST_PG_URL (.ci/run starts one); each test gets its own new database.
Without that variable, outside CI, the PostgreSQL cases are skipped with a reason; in CI
(CI=true) a missing server is an error, so a green CI run always covers both stores.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text

from uncounted.records.workspace import Workspace

PG_URL = os.environ.get("UNCOUNTED_TEST_PG_URL")


def _pg_admin_url() -> str:
    url = PG_URL or ""
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture
def pg_database_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test; dropped afterwards."""
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must set UNCOUNTED_TEST_PG_URL (see .ci/run)")
        pytest.skip("no PostgreSQL server: set UNCOUNTED_TEST_PG_URL (bash .ci/services.sh starts one)")
    name = "uncounted_test_" + uuid.uuid4().hex[:12]
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = PG_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> str | None:
    """None for the workspace's own SQLite file, or a PostgreSQL URL."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("pg_database_url")


@pytest.fixture
def workspace(tmp_path: Path, store_url: str | None) -> Iterator[Workspace]:
    """A new workspace on each store back end."""
    ws = Workspace.init(tmp_path / "ws", database_url=store_url)
    try:
        yield ws
    finally:
        ws.dispose()


@pytest.fixture
def sqlite_workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.init(tmp_path / "ws")
    try:
        yield ws
    finally:
        ws.dispose()
