"""`uncounted import` and `uncounted mapping`: exit codes, --json, --dry-run, saved mappings. SYNTHETIC data."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from uncounted.cli.main import cli
from uncounted.records.models import Report
from uncounted.records.workspace import Workspace

DATA = Path(__file__).parent / "data" / "ingest"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def report_count(ws: Workspace) -> int:
    with ws.session() as s:
        return s.execute(select(func.count()).select_from(Report)).scalar_one()


def test_exit_codes_and_messages(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    ws = str(sqlite_workspace.path)
    good = tmp_path / "families_titled.csv"
    shutil.copy(DATA / "families_titled.csv", good)
    out = run("import", str(good), "--source", "Families", "--kind", "ngo_list", "-w", ws, "--no-progress")
    assert out.exit_code == 0, out.output
    assert "Imported 5 of 5 rows" in out.output and "1 row imported with warnings" in out.output
    assert "31/02/1995" in out.output  # the warning names the value

    again = run("import", str(good), "--source", "Families", "-w", ws)
    assert again.exit_code == 0 and "already imported" in again.output

    broken = tmp_path / "broken.csv"
    shutil.copy(DATA / "broken.csv", broken)
    partial = run("import", str(broken), "--source", "Broken", "-w", ws)
    assert partial.exit_code == 1
    assert "2 rows rejected" in partial.output and "broken.rejects.csv" in partial.output

    strict = run("import", str(broken), "--source", "Broken strict", "--strict", "-w", ws)
    assert strict.exit_code == 2 and "Import failed: --strict" in strict.output

    missing = run("import", str(tmp_path / "nope.csv"), "--source", "X", "-w", ws)
    assert missing.exit_code == 2 and "no such file" in missing.output
    assert report_count(sqlite_workspace) == 5 + 3


def test_json_output_and_failure_shape(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    ws = str(sqlite_workspace.path)
    path = tmp_path / "broken.csv"
    shutil.copy(DATA / "broken.csv", path)
    out = run("import", str(path), "--source", "Broken", "-w", ws, "--json")
    assert out.exit_code == 1
    data = json.loads(out.output)
    assert (data["imported"], data["rejected"], data["rows_read"]) == (3, 2, 5)
    assert {p["row"] for p in data["problems"] if p["severity"] == "error"} == {4, 6}
    assert data["mappings"][""]["columns"][0] == {"column": "S.No", "field": "record_id", "confidence": 1.0,
                                                  "origin": "header"}
    odd = tmp_path / "odd.csv"
    odd.write_text("Colour,Weight\nred,1\n", encoding="utf-8")
    failed = run("import", str(odd), "--source", "Odd", "-w", ws, "--json")
    assert failed.exit_code == 2
    body = json.loads(failed.output)
    assert body["ok"] is False and "victim's name" in body["error"]


def test_dry_run_then_saved_mapping_is_reused(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    ws = str(sqlite_workspace.path)
    path = tmp_path / "morgue.csv"
    shutil.copy(DATA / "morgue.csv", path)
    mapping = tmp_path / "morgue.toml"
    dry = run("import", str(path), "--source", "Morgue", "-w", ws, "--dry-run", "--save-mapping", str(mapping))
    assert dry.exit_code == 0
    assert "SIMULATION ONLY (--dry-run)" in dry.output and "First 3 parsed rows" in dry.output
    assert re.search(r"Brought From\s+-> event_place", dry.output)
    assert report_count(sqlite_workspace) == 0
    text = mapping.read_text(encoding="utf-8")
    assert '"Brought From" = "event_place"' in text and 'Remarks = "notes"' in text
    # the dry run warned about the one cause of death that is no violation (gunshot and firearm
    # injuries are built-in words for a "Cause of Death" column)
    assert "violation_raw='GUNSHOT INJURIES', violation='killing'" in dry.output
    assert re.search(r"warning.*'DROWNING'", dry.output) and not re.search(r"warning.*'GUNSHOT", dry.output)
    # the documentation officer edits the file: a column left out, and the morgue's own words, one of
    # which overrides a built-in reading
    text = text.replace('Remarks = "notes"', 'Remarks = ""')
    text += '\n[vocabulary.violation]\n"drowning" = "other"\n"firearm injuries" = "death_in_custody"\n'
    mapping.write_text(text, encoding="utf-8")
    out = run("import", str(path), "--source", "Morgue", "-w", ws, "--mapping", str(mapping), "--json")
    data = json.loads(out.output)
    assert out.exit_code == 0 and data["imported"] == 3 and data["problem_counts"] == {}
    with sqlite_workspace.session() as s:
        violations = dict(s.execute(select(Report.source_record_id, Report.violation)).all())
        place, notes = s.execute(select(Report.event_place, Report.notes)
                                 .where(Report.source_record_id == "0001/92")).one()
    assert violations == {"0001/92": "killing", "0002/92": "death_in_custody", "0003/92": "other"}
    assert place == "Landhi Town" and notes is None


def test_mapping_detect_and_fields(tmp_path: Path) -> None:
    out = run("mapping", "detect", str(DATA / "families_titled.csv"))
    assert out.exit_code == 0 and '"Victim\'s Full Name" = "name"' in out.output
    saved = tmp_path / "m.toml"
    assert run("mapping", "detect", str(DATA / "hxl_list.csv"), "-o", str(saved)).exit_code == 0
    assert 'Killed = "indicator:killing"' in saved.read_text(encoding="utf-8")
    fields = run("mapping", "fields")
    assert "father_name" in fields.output and "indicator:killing" in fields.output
