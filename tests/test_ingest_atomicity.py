"""An import killed midway leaves nothing behind, and the next import works. SYNTHETIC data.

A real `uncounted import` runs in a subprocess on a file big enough to take several seconds; it
is killed with SIGKILL once its progress bar shows that rows are being written. With worker
processes, the workers must go too (they stop when the importing process is gone).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from uncounted.ingest import import_file
from uncounted.records.models import AuditEntry, Document, Report, Source

ROWS = 60_000


def write_big_list(path: Path, rows: int) -> None:
    places = ["Lyari", "Baldia", "Landhi", "Orangi Town", "Korangi"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("S.No,Name of Victim,Father's Name,Age,Date of Incident,Area,Incident Type,Remarks\n")
        for i in range(1, rows + 1):
            handle.write(f"{i},Person {i % 997} Khan,Father {i % 331},{20 + i % 40},{1 + i % 28:02d}/{1 + i % 12:02d}/"
                         f"19{90 + i % 9},{places[i % 5]},Killed,SYNTHETIC row padded to be long enough\n")


def counts(ws) -> tuple[int, int, int, int]:
    with ws.session() as s:
        return tuple(s.execute(select(func.count()).select_from(m)).scalar_one()  # type: ignore[return-value]
                     for m in (Source, Document, Report, AuditEntry))


def child_processes(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["0", "2"])
def test_killed_import_leaves_nothing_and_the_next_import_works(workspace, tmp_path: Path, workers: str) -> None:
    path = tmp_path / "big_list.csv"
    write_big_list(path, ROWS)
    command = [sys.executable, "-c", "from uncounted.cli.main import cli; cli()", "import", str(path),
               "--source", "Big list", "--workspace", str(workspace.path), "--workers", workers]
    sqlite_alone = workspace.is_sqlite and workers != "0"
    workspace.dispose()  # no connection of this process stays open: the import is the workspace's only user
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, "COLUMNS": "80"})
    seen: list[str] = []

    def read_stderr() -> None:
        assert process.stderr is not None
        while chunk := process.stderr.read1(256):  # type: ignore[attr-defined]
            seen.append(chunk.decode("utf-8", "replace"))

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    deadline = time.monotonic() + 120
    percent = 0
    while time.monotonic() < deadline and process.poll() is None:
        found = re.findall(r"(\d+)%", "".join(seen))
        percent = int(found[-1]) if found else 0
        if percent >= 50:  # past the first batch of 20,000 rows: some rows are in the database
            break
        time.sleep(0.05)
    assert process.poll() is None, "the import finished before it could be killed: make the file bigger"
    assert percent >= 50, "no progress seen: " + "".join(seen)[-500:]
    children = child_processes(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    reader.join(timeout=5)
    assert process.returncode == -signal.SIGKILL
    if workers != "0":
        assert len(children) >= int(workers), "the worker processes were not running"
        deadline = time.monotonic() + 20
        while any(alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(pid) for pid in children), "a worker outlived the killed import"

    if sqlite_alone:  # it wrote in place (ingest.store.write_in_place): its rollback journal is left
        assert (Path(workspace.path) / "uncounted.sqlite-journal").exists()
    workspace.dispose()  # forget pooled connections; the killed process's transaction is gone
    assert counts(workspace) == (0, 0, 0, 0)
    result = import_file(workspace, path, source="Big list", progress=False)
    assert (result.imported, result.rejected, result.already_imported) == (ROWS, 0, False)
    assert counts(workspace) == (1, 1, ROWS, 1)
    staging = Path(workspace.path) / "tmp"  # the killed import's staging files (SQLite) are gone too
    assert not staging.exists() or list(staging.iterdir()) == []
