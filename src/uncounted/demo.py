"""The end-to-end demo on a SYNTHETIC scenario modelled on the report that started the project.

A large city, an operation beginning 19 June 1992, killings and disappearances over two
decades, four documenting organisations. Every step uses the same public functions as the CLI:
simulate -> import -> link -> evaluate against the known truth -> estimate by violation ->
extract the claims of a synthetic statement -> the claims ledger.
"""

from __future__ import annotations

import json
import shutil
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from uncounted.errors import WorkspaceError
from uncounted.records.workspace import SETTINGS_FILE, Workspace

DEMO_MARKER = ".uncounted-demo"
BANNER = "SYNTHETIC DATA: every person and event in this demo is invented by `uncounted simulate`."

# What a morgue's documentation officer would write in a mapping file: the book's own words.
MORGUE_VOCABULARY = """\
# Column mapping for the (SYNTHETIC) morgue register: auto-detected columns, the book's own words.
[vocabulary.violation]
"FIREARM INJURIES" = "killing"
"FIREARM INJURIES, TORTURE MARKS" = "killing"
"MULTIPLE INJURIES" = "killing"
"INJURIES (BROUGHT BY POLICE)" = "death_in_custody"
"""


@dataclass
class DemoSettings:
    workspace: Path = Path("demo-workspace")
    victims: int = 3000
    seed: int = 1992
    fresh: bool = False
    method: str = "lcmcr"
    echo: Callable[[str], None] = print
    timings: dict[str, float] = field(default_factory=dict)


def prepare_workspace(path: Path, fresh: bool) -> Workspace:
    """A new workspace; with `fresh`, an earlier demo workspace at that path is replaced.

    Only a folder this demo made (it holds the demo marker) is ever removed.
    """
    if path.exists() and any(path.iterdir()):
        if not fresh:
            raise WorkspaceError(f"{path} already exists; pass --fresh to replace an earlier demo workspace, "
                                 "or choose another --workspace.")
        if not (path / DEMO_MARKER).exists():
            raise WorkspaceError(f"{path} is not a demo workspace (no {DEMO_MARKER} file); refusing to delete it.")
        shutil.rmtree(path)
    ws = Workspace.init(path)
    (path / DEMO_MARKER).write_text(BANNER + "\n", encoding="utf-8")
    return ws


def run_demo(settings: DemoSettings) -> dict[str, Any]:
    """Run every step and return what it found (also printed through settings.echo)."""
    say = settings.echo
    out: dict[str, Any] = {"synthetic": True}
    say(BANNER)
    ws = prepare_workspace(settings.workspace, settings.fresh)
    scenario_dir = ws.path / "scenario"

    with _step(settings, "simulate"):
        manifest = simulate_lists(scenario_dir, victims=settings.victims, seed=settings.seed)
    truth = manifest["truth"]
    say(f"\n1. Simulated {truth['victims']:,} victims and {len(manifest['lists'])} lists in {scenario_dir}")

    with _step(settings, "import"):
        out["imports"] = import_lists(ws, scenario_dir, manifest)
    say("\n2. Imported every list (provenance kept: document hash, row, raw values):")
    for item in out["imports"]:
        say(f"   {item['source']:<22} {item['imported']:>6,} reports  ({item['warnings']} warnings, "
            f"{item['rejected']} rejected)  sha256 {item['sha256'][:12]}…")
    from uncounted.records.query import status

    info = status(ws)
    out["record"] = info
    say(f"   The record holds {info['reports']:,} reports from {info['sources']} sources.")
    say("   Event dates by precision: " + ", ".join(f"{k} {v:,}" for k, v in info["date_precision"].items()))

    with _step(settings, "link"):
        out["linkage"] = link_and_evaluate(ws, scenario_dir / "truth.csv", settings.echo)
    ev = out["linkage"]
    say(f"\n3. Linked reports into persons: {ev['persons_found']:,} persons found vs "
        f"{ev['true_persons']:,} true persons on the lists "
        f"({100 * (ev['persons_found'] - ev['true_persons']) / ev['true_persons']:+.1f}%); "
        f"pairwise F1 {ev['pairwise']['f1']:.3f} (precision {ev['pairwise']['precision']:.3f}, "
        f"recall {ev['pairwise']['recall']:.3f})")

    with _step(settings, "estimate"):
        out["estimate"] = estimate_by_violation(ws, method=settings.method, seed=settings.seed)
    say(f"\n4. Estimated by violation ({settings.method}); documented = persons on at least one list:")
    say(f"   {'violation':<24}{'documented':>11}{'estimate':>10}{'95% interval':>20}{'true total':>12}")
    for row in estimate_rows(out["estimate"], truth["by_violation"]):
        say(f"   {row['violation']:<24}{row['documented']:>11,}{_num(row['estimate']):>10}"
            f"{row['interval']:>20}{_num(row['true_total']):>12}")
    combined = out["estimate"]
    say(f"   {'all (sum of strata)':<24}{combined['observed']:>11,}{_num(combined['estimate']):>10}"
        f"{_interval(combined['interval']):>20}{truth['victims']:>12,}")
    with _step(settings, "estimate"):
        out["estimate_total"] = estimate_by_violation(ws, method=settings.method, seed=settings.seed, by=None)
    total = out["estimate_total"]
    say(f"   {'all (one model)':<24}{total['observed']:>11,}{_num(total['estimate']):>10}"
        f"{_interval(total['interval']):>20}{truth['victims']:>12,}")
    say("   Strata follow each person's reported violation; where lists disagree (a morgue records\n"
        "   as killed someone a family reports disappeared) strata are misassigned, and the two\n"
        "   totals differ. Both are shown so that neither is taken on trust.")

    with _step(settings, "claims"):
        out["claims"] = claims_and_ledger(ws, scenario_dir)
    say("\n5. Claims in a SYNTHETIC statement, held against the record:")
    for row in out["claims"]:
        say(f"   \"{row['quantity_text']}\" ({row['violation'] or 'victims'}; claimant: {row['claimant'] or 'the outlet'}"
            f"{'; attributed' if row['attributed'] else ''})")
        say(f"      documented {_num(row['documented'])}, estimate {_num(row['estimate'])} "
            f"[{_interval(row['interval'])}] -> {row['verdict']}: {row['reason']}")

    out["timings"] = settings.timings
    say(f"\nDone in {sum(settings.timings.values()):.0f} s: " +
        ", ".join(f"{k} {v:.0f} s" for k, v in settings.timings.items()))
    say(f"Workspace: {ws.path}   (try: uncounted status -w {settings.workspace}; "
        f"uncounted review -w {settings.workspace}; uncounted demo --serve)")
    say(BANNER)
    ws.dispose()
    return out


class _step:
    def __init__(self, settings: DemoSettings, name: str):
        self.settings, self.name = settings, name

    def __enter__(self) -> None:
        self.started = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.settings.timings[self.name] = self.settings.timings.get(self.name, 0.0) + time.perf_counter() - self.started


def simulate_lists(out_dir: Path, *, victims: int, seed: int) -> dict[str, Any]:
    from uncounted.simulate.config import ScenarioConfig
    from uncounted.simulate.scenario import simulate_scenario, write_scenario

    scenario = simulate_scenario(ScenarioConfig(victims=victims), seed=seed)
    write_scenario(scenario, out_dir)
    return json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))


def import_lists(ws: Workspace, scenario_dir: Path, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    from uncounted.ingest.importer import import_file

    results = []
    for spec in manifest["lists"]:
        mapping = None
        if spec["kind"] == "morgue_or_hospital":
            mapping = scenario_dir / "morgue_mapping.toml"
            mapping.write_text(MORGUE_VOCABULARY, encoding="utf-8")
        result = import_file(ws, scenario_dir / spec["file"], source=spec["source"], kind=spec["kind"],
                             mapping=mapping, progress=False)
        results.append({"source": spec["source"], "imported": result.imported, "rejected": result.rejected,
                        "warnings": result.warnings, "sha256": result.sha256})
    return results


def link_and_evaluate(ws: Workspace, truth_path: Path, echo: Callable[[str], None]) -> dict[str, Any]:
    from uncounted.link.stored import evaluate_workspace, link_workspace

    summary = link_workspace(ws, progress=False)
    metrics = evaluate_workspace(ws, truth_path)
    metrics["run"] = summary.to_dict()
    return metrics


def estimate_by_violation(ws: Workspace, *, method: str, seed: int, by: str | None = "violation") -> dict[str, Any]:
    from uncounted.estimate.stored import estimate_workspace

    settings: dict[str, Any] = {"seed": seed}
    if method == "lcmcr":
        settings.update(burnin=2000, samples=1000, thinning=20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # they are kept in the result and printed below
        result, run_id = estimate_workspace(ws, method=method, by=by, **settings)
    data = result.to_dict()
    data["run_id"] = run_id
    return data


def estimate_rows(data: dict[str, Any], true_by_violation: dict[str, int]) -> list[dict[str, Any]]:
    rows = []
    for stratum in data["strata"]:
        violation = stratum["stratum"].get("violation") or "unknown"
        rows.append({"violation": violation, "documented": stratum["observed"], "estimate": stratum["estimate"],
                     "interval": _interval(stratum["interval"]), "true_total": true_by_violation.get(violation)})
    return rows


def claims_and_ledger(ws: Workspace, scenario_dir: Path) -> list[dict[str, Any]]:
    """Extract the claims of the demo's synthetic statement, store them, and build the ledger."""
    from importlib.resources import files

    from uncounted.claims.extract import extract_claims
    from uncounted.claims.store import store_result, workspace_ledger

    statement = scenario_dir / "statement_SYNTHETIC.txt"
    statement.write_text(files("uncounted.claims").joinpath("data/demo_statement.txt").read_text(encoding="utf-8"),
                         encoding="utf-8")
    result = extract_claims(statement.read_text(encoding="utf-8"))
    store_result(ws, result, statement)
    rows = []
    for entry in workspace_ledger(ws):
        claim = entry.get("claim", entry)
        quantity = claim.get("quantity") or {}
        estimate = entry.get("estimate") or {}
        rows.append({"quantity_text": quantity.get("text"), "violation": claim.get("violation"),
                     "claimant": (claim.get("claimant") or {}).get("name"),
                     "attributed": claim.get("attributed"), "documented": entry.get("documented"),
                     "estimate": estimate.get("estimate"),
                     "interval": estimate.get("interval") or [None, None],
                     "verdict": entry.get("verdict"), "reason": entry.get("reason")})
    return rows


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def _interval(pair: list[float | None]) -> str:
    lo, hi = pair
    return "n/a" if lo is None or hi is None else f"{lo:,.0f} to {hi:,.0f}"
