"""The public entry points: simulate a scenario, then write it as the files organisations keep."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from uncounted import __version__
from uncounted.simulate.config import PERPETRATORS, STATUSES, VIOLATIONS, ScenarioConfig, SimulationError
from uncounted.simulate.names import Vocabulary, build_vocabulary
from uncounted.simulate.places import Places, karachi_places
from uncounted.simulate.population import draw_captures, draw_population, stream
from uncounted.simulate.render import SYNTHETIC, RenderedList, join_parts, render_list

NOTICE = ("SYNTHETIC DATA made by `uncounted simulate`: invented people, invented events. "
          "Not a record of any real person or event.")


@dataclass
class Scenario:
    """A simulated population, the lists that captured it, and the truth that links them."""

    config: ScenarioConfig
    seed: int
    population: pd.DataFrame  # readable true attributes, one row per victim
    captured: np.ndarray  # victims x lists, True where the list recorded the victim (at least once)
    lists: list[RenderedList]

    @property
    def sources(self) -> list[str]:
        return [s.source for s in self.config.lists]

    def truth(self) -> pd.DataFrame:
        """One row per record: source, record_id (as written in the list), person_id."""
        frames = [pd.DataFrame({"source": r.spec.source, "record_id": r.record_ids, "person_id": r.person_ids})
                  for r in self.lists]
        return pd.concat(frames, ignore_index=True)

    def capture_patterns(self) -> pd.DataFrame:
        """Observed capture histories: one 0/1 column per list and a count (observed persons only)."""
        seen = self.captured.any(axis=1)
        hist = pd.DataFrame(self.captured[seen].astype(np.int8), columns=self.sources)
        if hist.empty:
            return pd.DataFrame(columns=[*self.sources, "count"])
        table = hist.value_counts().rename("count").reset_index()
        return table.sort_values(self.sources, ascending=False, kind="stable").reset_index(drop=True)

    def capture_patterns_by_stratum(self, by: tuple[str, ...] = ("violation", "status")) -> pd.DataFrame:
        """Observed capture histories within strata of true attributes (columns of ``population``)."""
        seen = self.captured.any(axis=1)
        hist = pd.DataFrame(self.captured[seen].astype(np.int8), columns=self.sources)
        keys = self.population.loc[seen, list(by)].reset_index(drop=True)
        table = pd.concat([keys, hist], axis=1).value_counts().rename("count").reset_index()
        return table.sort_values([*by, *self.sources], ascending=[True] * len(by) + [False] * len(self.sources),
                                 kind="stable").reset_index(drop=True)

    def summary(self) -> dict:
        """True totals, per-list counts and the share of victims no list recorded."""
        pop = self.population
        seen = self.captured.any(axis=1)
        per_list = []
        for j, r in enumerate(self.lists):
            per_list.append({"source": r.spec.source, "kind": r.spec.kind, "rows": int(len(r.table)),
                             "persons": int(self.captured[:, j].sum()), "duplicate_rows": int(r.duplicates)})
        return {
            "synthetic": True,
            "scenario": self.config.name,
            "seed": self.seed,
            "victims": int(len(pop)),
            "by_violation": _counts(pop["violation"], VIOLATIONS),
            "by_status": _counts(pop["status"], STATUSES),
            "lists": per_list,
            "observed_persons": int(seen.sum()),
            "unseen_persons": int((~seen).sum()),
            "unseen_share": float((~seen).mean()) if len(pop) else 0.0,
        }

    def manifest(self) -> dict:
        pop = self.population
        lists = []
        for j, r in enumerate(self.lists):
            lay = r.layout
            persons = self.captured[:, j]
            roles = {role: header for header, role in lay.columns}
            ds = lay.date_style
            lists.append({
                "file": list_file_name(j, r),
                "source": r.spec.source,
                "kind": r.spec.kind,
                "title": r.spec.title,
                "id_column": lay.id_column,
                "columns": [{"header": h, "role": role} for h, role in lay.columns],
                "name_column": roles.get("name"),
                "father_column": roles.get("father"),
                "date_column": roles.get("date"),
                "date_formats": [_public_format(f) for f, _ in ds.day] + (["%Y-%m-%d"] if ds.iso_from_year else []),
                "iso_dates_from_year": ds.iso_from_year,
                "date_formats_partial": {"month": _public_format(ds.month), "year": ds.year},
                "date_order": ds.order,
                "two_digit_year_pivot": ds.two_digit_pivot,
                "date_meaning": {"incident": "date of the incident", "death": "date the body was received",
                                 "report": "date of the reported event (body found, for bodies)"}[lay.date_basis],
                "age_column": roles.get("age"),
                "birth_year_column": roles.get("birth_year"),
                "remarks_column": roles.get("remarks"),
                "value_labels": {"violation": lay.violation_labels, "status": lay.status_labels,
                                 "perpetrator": lay.perpetrator_labels},
                "structural_zeros": {"status": list(r.spec.blind_to_status),
                                     "violation": sorted(v for v in VIOLATIONS if r.spec.coverage.get(v, 0.0) <= 0),
                                     "active_years": list(r.spec.active_years) if r.spec.active_years else None},
                "rows": int(len(r.table)),
                "persons": int(persons.sum()),
                "duplicate_rows": int(r.duplicates),
                "persons_by_violation": _counts(pop.loc[persons, "violation"], VIOLATIONS),
                "persons_by_status": _counts(pop.loc[persons, "status"], STATUSES),
            })
        strata = pop.groupby(["violation", "status"]).size()
        return {
            "SYNTHETIC": True,
            "notice": NOTICE,
            "generator": f"uncounted {__version__} simulate",
            "seed": self.seed,
            "scenario": self.config.name,
            "config": self.config.to_dict(),
            "files": {"truth": "truth.csv", "population": "population.csv",
                      "capture_patterns": "capture_patterns.csv",
                      "capture_patterns_by_stratum": "capture_patterns_by_stratum.csv", "readme": "README.txt"},
            "lists": lists,
            "truth": {
                **self.summary(),
                "by_violation_and_status": {f"{v}|{s}": int(c) for (v, s), c in strata.items()},
                "by_year": {str(k): int(v) for k, v in pop["year"].value_counts().sort_index().items()},
                "by_district": {str(k): int(v) for k, v in pop["district"].value_counts().sort_index().items()},
                "by_perpetrator": _counts(pop["perpetrator"], PERPETRATORS),
            },
        }


def _counts(series: pd.Series, order: tuple[str, ...]) -> dict[str, int]:
    vc = series.value_counts()
    return {k: int(vc.get(k, 0)) for k in order}


def _public_format(fmt: str) -> str:
    """Python strftime pattern; "-nopad" formats are written with GNU's %-m / %-d."""
    if fmt.endswith("-nopad"):
        return fmt[: -len("-nopad")].replace("%m", "%-m").replace("%d", "%-d")
    return fmt


def list_file_name(index: int, rendered: RenderedList) -> str:
    return f"{index + 1:02d}_{rendered.spec.source}_{SYNTHETIC}.csv"


def _readable_population(pop: pd.DataFrame, vocab: Vocabulary, places: Places, captured: np.ndarray,
                         sources: list[str]) -> pd.DataFrame:
    canon = np.array([vocab.display(i) for i in range(len(vocab.units))] + [""], dtype=object)  # -1 -> ""

    def parts(col: str) -> np.ndarray:
        return canon[pop[col].to_numpy()]

    muh = np.where(pop["muhammad"].to_numpy(), "Muhammad", "")
    f_muh = np.where(pop["father_muhammad"].to_numpy(), "Muhammad", "")
    name = join_parts(parts("honorific_id"), muh, parts("given_id"), parts("second_id"), parts("family_id"))
    father = join_parts(parts("father_honorific_id"), f_muh, parts("father_given_id"), parts("father_second_id"),
                        parts("father_family_id"))
    h_muh = np.where(pop["husband_muhammad"].to_numpy(), "Muhammad", "")
    husband = join_parts(h_muh, parts("husband_given_id"), parts("husband_family_id"))
    base = np.datetime64("1970-01-01", "D")
    incident = (base + pop["incident_day"].to_numpy()).astype(str)
    death_days = pop["death_day"].to_numpy()
    death = np.where(death_days >= 0, (base + np.maximum(death_days, 0)).astype(str), "")
    out = pd.DataFrame({
        "person_id": pop["person_id"],
        "sex": pop["sex"],
        "name": name,
        "honorific": parts("honorific_id"),
        "given_name": parts("given_id"),
        "second_name": parts("second_id"),
        "family_name": parts("family_id"),
        "father_name": father,
        "husband_name": husband,
        "birth_year": pop["birth_year"],
        "age": pop["age"],
        "incident_date": incident,
        "death_date": death,
        "year": pop["year"],
        "place": np.array(places.names, dtype=object)[pop["place"].to_numpy()],
        "district": np.array(places.districts, dtype=object)[pop["place"].to_numpy()],
        "violation": np.array(VIOLATIONS)[pop["violation"].to_numpy()],
        "perpetrator": np.array(PERPETRATORS)[pop["perpetrator"].to_numpy()],
        "status": np.array(STATUSES)[pop["status"].to_numpy()],
        "visibility": pop["visibility"].round(4),
    })
    for j, s in enumerate(sources):
        out[f"on_{s}"] = captured[:, j].astype(np.int8)
    out["n_lists"] = captured.sum(axis=1)
    return out


def simulate_scenario(config: ScenarioConfig | None = None, *, seed: int = 0, progress: bool = False) -> Scenario:
    """Draw a synthetic population and the lists that record it, with known truth.

    The same ``config`` and ``seed`` always give the same scenario. The population
    depends only on the seed and the population settings; each list has its own
    random stream.
    """
    cfg = config or ScenarioConfig()
    cfg.validate()
    if seed < 0:
        raise SimulationError(f"seed must be a non-negative integer, got {seed}")
    bar = _progress(progress, total=2 + len(cfg.lists))
    vocab, kinds = build_vocabulary()
    places = karachi_places()
    population = draw_population(cfg, vocab, kinds, places, seed)
    pop = population.frame
    bar.update(1)
    captured = draw_captures(cfg, population, seed, places.districts)
    bar.update(1)
    lists = []
    for j, spec in enumerate(cfg.lists):
        persons = np.flatnonzero(captured[:, j])
        lists.append(render_list(spec, persons, pop, vocab, kinds, places, stream(seed, 2, j)))
        bar.update(1)
    bar.close()
    readable = _readable_population(pop, vocab, places, captured, [s.source for s in cfg.lists])
    return Scenario(config=cfg, seed=seed, population=readable, captured=captured, lists=lists)


class _NoBar:
    def update(self, _n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(enabled: bool, total: int):
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc="simulate", unit="step", leave=False)


README_TEXT = """SYNTHETIC DATA: invented people and invented events, made by `uncounted simulate`.
Nothing here is a record of any real person or event. Do not publish it as data.

Scenario: {scenario} (seed {seed}), {victims} synthetic victims, {k} lists.

Files
  {list_files}
      One CSV per documenting organisation, written as that organisation would keep it:
      its own headers, id column, date format and spelling habits. Every row carries
      SYNTHETIC in its remarks/notes column, and every file name ends in _SYNTHETIC.
  truth.csv             source, record_id, person_id: which synthetic person each record is.
  population.csv        every synthetic victim (listed or not) with true attributes.
  capture_patterns.csv  one 0/1 column per list and a count: observed persons by capture pattern.
  capture_patterns_by_stratum.csv  the same within true strata (violation, status); the
                        morgue's structural zero shows as status still_missing/released.
  manifest.json         seed, settings, and per list: file, source, kind, id column, date
                        format and order, two-digit-year pivot, true totals.

True totals: {victims} victims; {observed} appear on at least one list; {unseen} ({share:.1%}) on none.
"""


def write_scenario(scenario: Scenario, out_dir: str | Path) -> list[Path]:
    """Write the lists, truth, population, capture patterns, manifest and README into ``out_dir``.

    Files are byte-identical for the same seed and settings. List files of an earlier
    run in the same folder (``NN_<source>_SYNTHETIC.csv``) that this run does not write
    are removed, so the folder never mixes two scenarios. Returns the paths written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    current = {list_file_name(j, r) for j, r in enumerate(scenario.lists)}
    for stale in out.glob(f"[0-9][0-9]_*_{SYNTHETIC}.csv"):
        if stale.name not in current:
            stale.unlink()

    def csv(df: pd.DataFrame, name: str) -> None:
        path = out / name
        df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
        written.append(path)

    for j, r in enumerate(scenario.lists):
        csv(r.table, list_file_name(j, r))
    csv(scenario.truth(), "truth.csv")
    csv(scenario.population, "population.csv")
    csv(scenario.capture_patterns(), "capture_patterns.csv")
    csv(scenario.capture_patterns_by_stratum(), "capture_patterns_by_stratum.csv")
    manifest = scenario.manifest()
    path = out / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    written.append(path)
    s = manifest["truth"]
    path = out / "README.txt"
    path.write_text(README_TEXT.format(
        scenario=scenario.config.name, seed=scenario.seed, victims=s["victims"], k=len(scenario.lists),
        list_files="\n  ".join(list_file_name(j, r) for j, r in enumerate(scenario.lists)),
        observed=s["observed_persons"], unseen=s["unseen_persons"], share=s["unseen_share"]), encoding="utf-8")
    written.append(path)
    return written
