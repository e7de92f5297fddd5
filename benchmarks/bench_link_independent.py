"""Benchmark: import and link SYNTHETIC lists made WITHOUT `uncounted simulate` (benchmarks/independent_lists.py).

    .venv/bin/python benchmarks/bench_link_independent.py                 # 3,500 victims, seed 7
    .venv/bin/python benchmarks/bench_link_independent.py --victims 5000 --seed 11 --keep /tmp/indep
    .venv/bin/python benchmarks/bench_link_independent.py --no-fixed      # only the auto-detected run

All linkage benchmarks built on our own simulator may be tuned to its habits. This one writes four
lists in other layouts (father inside the name cell, "FAMILY, GIVEN" in capitals, initials, "Wald",
"D.O.I", Excel dates, a list with no id column, duplicates within a list), then does what a user
does first: `uncounted init`, `uncounted import` of each file with the auto-detected mapping (no
mapping file), `uncounted link`, and `link evaluate` against the truth. It prints:

- per file: the detected mapping (header -> field), warnings and errors by column, and rejects;
- what the import made of the names, fathers, dates, ages and places, checked against the truth;
- pairwise P/R/F1 and persons found vs true, by `evaluate_workspace` (the CLI's `link evaluate`,
  which matches reports by source and record id, so it cannot see a list without ids) and by
  this script's own matching (record id, or the spreadsheet row for the list without ids);
- recall per pair of lists, and examples of missed and wrong links with the raw values.

A second run ("fixed headers") imports the same files with a minimal mapping file for the columns
that detection got wrong, so that the linkage figures are not only a measure of header detection.
All data are SYNTHETIC.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from independent_lists import LISTS, generate  # noqa: E402  (SYNTHETIC generator, no uncounted import)

from uncounted.errors import UncountedError  # noqa: E402
from uncounted.ingest import import_file  # noqa: E402
from uncounted.link.blocking import blocking_recall  # noqa: E402
from uncounted.link.evaluate import evaluate_clusters  # noqa: E402
from uncounted.link.model import LinkageSettings, TrainedModel, _usable_rules  # noqa: E402
from uncounted.link.prepare import prepare_reports  # noqa: E402
from uncounted.link.stored import current_run_id, evaluate_workspace, link_workspace, stored_pairs  # noqa: E402
from uncounted.normalize.namekey import name_key  # noqa: E402
from uncounted.records.models import LinkageRun, PersonReport  # noqa: E402
from uncounted.records.query import reports_frame  # noqa: E402
from uncounted.records.workspace import Workspace  # noqa: E402

# The columns a person who looks at the files would map by hand: only headers detection got wrong
# or left out in the first run (checked on seed 7). Everything else stays auto-detected.
FIXED_COLUMNS: dict[str, dict[str, str]] = {
    "SYNTHETIC_hrc_case_register.xlsx": {"Name (as reported)": "name", "Wald": "father_name",
                                         "D.O.I": "event_date"},
    "SYNTHETIC_morgue_book.csv": {"F/Name": "father_name", "Brought From": "event_place"},
}


def write_mapping(path: Path, columns: dict[str, str]) -> Path:
    """A minimal mapping file: only the [columns] given."""
    lines = ["# SYNTHETIC benchmark: fixes only the headers auto-detection misread", "[columns]"]
    lines += [f'"{header}" = "{fld}"' for header, fld in columns.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def import_all(ws: Workspace, data: Path, *, fixed: bool) -> dict[str, Any]:
    """Import every list; print mapping and problems; return the results per file."""
    out = {}
    for spec in LISTS:
        path = data / spec.file
        mapping = None
        if fixed and spec.file in FIXED_COLUMNS:
            mapping = write_mapping(data / f"{spec.file}.mapping.toml", FIXED_COLUMNS[spec.file])
        print(f"\n  {spec.file}  (source {spec.source!r}{', mapping file' if mapping else ', auto-detected'})")
        try:
            result = import_file(ws, path, source=spec.source, kind=None, mapping=mapping, progress=False,
                                 rejects_path=data / f"{spec.file}.rejects.csv")
        except UncountedError as exc:
            print(f"    IMPORT FAILED: {str(exc)[:400]}")
            out[spec.file] = None
            continue
        print_import(result)
        out[spec.file] = result
    return out


def print_import(result: Any) -> None:
    """The mapping, then warnings and errors counted by column, with the commonest reasons."""
    mapping = result.mapping.to_dict()
    cols = ", ".join(f"{c['column']}->{c['field'] or '-'}({c['confidence']:.2f})" for c in mapping["columns"])
    print(f"    mapping: {cols}")
    print(f"    rows read {result.rows_read}, imported {result.imported}, rejected {result.rejected}, "
          f"rows with warnings {result.rows_with_warnings}")
    by_col: collections.Counter[tuple[str, str]] = collections.Counter()
    reasons: dict[tuple[str, str], collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for p in result.problems:
        key = (p.severity, p.column or "-")
        by_col[key] += 1
        reasons[key][f"{p.value!r}: {p.expected[:90]}"] += 1
    for (sev, col), n in by_col.most_common():
        top = "; ".join(r for r, _ in reasons[(sev, col)].most_common(2))
        print(f"    {sev:7s} {col:22s} {n:5d}  e.g. {top[:200]}")


def stored_membership(ws: Workspace) -> dict[str, str]:
    """report_key -> person id of the current linkage run."""
    run_id = current_run_id(ws)
    with ws.session() as s:
        rows = s.query(PersonReport.report_key, PersonReport.person_id).filter(PersonReport.run_id == run_id).all()
    return {k: str(p) for k, p in rows}


def training_health(ws: Workspace) -> None:
    """EM sessions that were skipped and comparison levels left untrained in the current run's model."""
    with ws.session() as s:
        run = s.get(LinkageRun, current_run_id(ws))
        model = TrainedModel.from_dict(run.model)
    skipped = [f"{'+'.join(e['blocking_rule'])}: {str(e['skipped'])[:100]}" for e in model.training_log
               if e.get("skipped")]
    table = model.level_table()
    untrained = table[table["m"].isna()]
    print(f"  model: prior {model.prior:.2e}; EM sessions skipped: {skipped or 'none'}; levels with no m: "
          f"{len(untrained)} of {len(table)}" + (f" ({sorted(set(untrained['field']))})" if len(untrained) else ""))
    weights = ", ".join(f"{f} {w:+.1f}" for f, w in
                        table[table["level"] == "All other comparisons"][["field", "match_weight"]].itertuples(
                            index=False))
    print(f"  disagreement weights: {weights}")


def truth_by_report(frame: pd.DataFrame, truth: pd.DataFrame) -> pd.Series:
    """The true person of each stored report, by record id, or by row number for the list without ids."""
    by_id = {(s, r): p for s, r, p in zip(truth["source"], truth["record_id"], truth["person_id"])}
    persons = []
    for src, rid, row in zip(frame["source"], frame["source_record_id"], frame["row_number"]):
        key = (src, str(rid)) if isinstance(rid, str) and rid else (src, f"row:{int(row)}")
        persons.append(by_id.get(key))
    return pd.Series(persons, index=frame.index)


def check_parsing(frame: pd.DataFrame, details: pd.DataFrame) -> None:
    """What the import made of names, fathers, dates, ages and places, per list, against the truth."""
    facts = details.set_index("person_id")
    print("\n  what the import made of each field (share of reports, per list):")
    print(f"    {'list':32s} {'given ok':>8s} {'father':>7s} {'date':>6s} {'date ok':>7s} {'byear ok':>8s} "
          f"{'place':>6s} {'district ok':>11s}")
    for src, part in frame.groupby("source", sort=False):
        t = facts.loc[part["true_person"]]
        n = len(part)
        given_ok = sum(_given_found(g, tg) for g, tg in zip(part["name_given"].fillna(""), t["given"]))
        father = part["father_name"].fillna("").ne("").mean()
        has_date = part["event_date_start"].notna().mean()
        date_ok = sum(_date_within(s, e, d) for s, e, d in zip(part["event_date_start"], part["event_date_end"],
                                                                 t["event_date"])) / n
        by_ok = sum(_year_within(a, b, y) for a, b, y in zip(part["birth_year_min"], part["birth_year_max"],
                                                             t["birth_year"])) / n
        place = part["event_place"].notna().mean()
        dist_ok = sum(_same_district(p, d) for p, d in zip(part["event_place_parent"], t["district"])) / n
        print(f"    {src:32s} {given_ok / n:8.2f} {father:7.2f} {has_date:6.2f} {date_ok:7.2f} {by_ok:8.2f} "
              f"{place:6.2f} {dist_ok:11.2f}")


def _tokens(text: str) -> set[str]:
    return {t for t in str(text).lower().replace("-", " ").replace(".", " ").split() if t}


def _given_found(parsed: str, true_given: str) -> bool:
    """The parsed given name shares a token (first three letters) with the true given name."""
    a = {t[:3] for t in _tokens(parsed)}
    return bool(a & {t[:3] for t in _tokens(true_given)})


def _date_within(start: Any, end: Any, true: str) -> bool:
    if pd.isna(start):
        return False
    d = dt.date.fromisoformat(true)
    s, e = pd.Timestamp(start).date(), pd.Timestamp(end if not pd.isna(end) else start).date()
    return s - dt.timedelta(days=15) <= d <= e + dt.timedelta(days=15)


def _year_within(lo: Any, hi: Any, year: int) -> bool:
    return not pd.isna(lo) and int(lo) - 2 <= int(year) <= int(hi if not pd.isna(hi) else lo) + 2


def _same_district(parent: Any, true: str) -> bool:
    return isinstance(parent, str) and _tokens(true) <= _tokens(parent) | {"karachi"}


def pair_recall_by_lists(frame: pd.DataFrame) -> None:
    """Recall of true pairs per pair of lists (within a list: the duplicates)."""
    short = {s.source: s.file.replace("SYNTHETIC_", "").split("_")[0] for s in LISTS}
    found: collections.Counter[tuple[str, str]] = collections.Counter()
    total: collections.Counter[tuple[str, str]] = collections.Counter()
    for _, grp in frame.groupby("true_person"):
        rows = list(zip(grp["source"], grp["person"]))
        for i in range(len(rows)):
            for j in range(i + 1, len(rows)):
                key = tuple(sorted((short[rows[i][0]], short[rows[j][0]])))
                total[key] += 1
                found[key] += rows[i][1] == rows[j][1]
    print("\n  recall of true pairs by pair of lists:")
    for key in sorted(total):
        print(f"    {key[0]:>8s} ~ {key[1]:<8s} {found[key]:5d} / {total[key]:5d}  = {found[key] / total[key]:.2f}")


def _key_tokens(text: Any) -> set[str]:
    return set(name_key(text).split()) if isinstance(text, str) and text.strip() else set()


def _has_initial(given: Any) -> bool:
    return isinstance(given, str) and any(len(t.strip(".")) == 1 for t in given.split())


def pair_features(a: pd.Series, b: pd.Series) -> list[str]:
    """Plain reasons a pair is hard, from the stored report fields."""
    out = []
    ka, kb = _key_tokens(a["name_given"]) | _key_tokens(a["name_family"]), \
        _key_tokens(b["name_given"]) | _key_tokens(b["name_family"])
    if not ka & kb:
        out.append("no shared name-key token")
    if _has_initial(a["name_given"]) or _has_initial(b["name_given"]):
        out.append("initials in a name")
    fa, fb = a["father_name"], b["father_name"]
    if isinstance(fa, str) and fa and isinstance(fb, str) and fb:
        if not _key_tokens(fa) & _key_tokens(fb):
            out.append("fathers share no key token")
    else:
        out.append("father missing on a side")
    if pd.isna(a["event_date_start"]) or pd.isna(b["event_date_start"]):
        out.append("date missing on a side")
    elif abs((pd.Timestamp(a["event_date_start"]) - pd.Timestamp(b["event_date_start"])).days) > 31:
        out.append("dates > 31 days apart")
    if pd.isna(a["event_place"]) or pd.isna(b["event_place"]):
        out.append("place not normalised on a side")
    if pd.isna(a["birth_year_min"]) or pd.isna(b["birth_year_min"]):
        out.append("no birth year on a side")
    return out


def causes(frame: pd.DataFrame, ws: Workspace) -> None:
    """Blocking recall, then what the missed and the found true pairs look like, and field weights."""
    truth = dict(zip(frame["report_key"], frame["true_person"]))
    prepared = prepare_reports(reports_frame(ws))
    prepared = prepared[prepared["report_key"].isin(truth)]
    rules = _usable_rules(LinkageSettings().blocking_rules, prepared)
    br = blocking_recall(prepared, truth, rules)
    print(f"\n  blocking keeps {br['kept']} of {br['true_pairs']} true pairs ({br['recall']:.3f})")
    rows = frame.set_index("report_key")
    scored = stored_pairs(ws)
    prob = {tuple(sorted(k)): p for k, p in zip(zip(scored["report_key_l"], scored["report_key_r"]),
                                                 scored["match_probability"])}
    missed_blocking = {tuple(sorted(p)) for p in br["missed"]}
    tally: dict[str, collections.Counter[str]] = {"missed": collections.Counter(), "found": collections.Counter()}
    n = collections.Counter()
    for _, grp in frame.groupby("true_person"):
        keys = grp["report_key"].tolist()
        for i in range(len(keys)):
            for j in range(i + 1, len(keys)):
                a, b = rows.loc[keys[i]], rows.loc[keys[j]]
                kind = "found" if a["person"] == b["person"] else "missed"
                n[kind] += 1
                pair = tuple(sorted((keys[i], keys[j])))
                if kind == "missed":
                    tally[kind]["(not blocked)" if pair in missed_blocking else
                                "(scored < 0.01)" if pair not in prob else
                                "(scored >= 0.5, kept apart by clustering)" if prob[pair] >= 0.5 else
                                "(scored 0.01-0.5)"] += 1
                for f in pair_features(a, b):
                    tally[kind][f] += 1
    field_weights(scored, prob, frame)
    print(f"  features of true pairs (share of the {n['missed']} missed vs the {n['found']} found):")
    for f in sorted(set(tally["missed"]) | set(tally["found"]), key=lambda f: -tally["missed"][f]):
        print(f"    {f:45s} missed {tally['missed'][f] / max(n['missed'], 1):5.2f}   found "
              f"{tally['found'][f] / max(n['found'], 1):5.2f}")


def field_weights(scored: pd.DataFrame, prob: dict, frame: pd.DataFrame) -> None:
    """For scored true pairs the model left below 0.5: which fields pushed against, and how often."""
    truth = dict(zip(frame["report_key"], frame["true_person"]))
    same = [truth.get(a) is not None and truth.get(a) == truth.get(b)
            for a, b in zip(scored["report_key_l"], scored["report_key_r"])]
    true_scored = scored[same]
    low = true_scored[true_scored["match_probability"] < 0.5]
    fields = [c[3:] for c in scored.columns if c.startswith("mw_")]
    print(f"  scored true pairs below 0.5: {len(low)}; per field: share of them with a negative weight "
          "(mean weight there)")
    for f in fields:
        neg = low[low[f"mw_{f}"] < 0]
        if len(neg):
            print(f"    {f:14s} {len(neg) / len(low):5.2f}  ({neg[f'mw_{f}'].mean():+.2f})")


SHOW = ["source", "name_raw", "name_given", "name_family", "father_name", "event_date_raw", "event_date_start",
        "event_date_end", "birth_year_min", "event_place_raw", "event_place", "event_place_parent"]


def _show(row: pd.Series) -> str:
    src = row["source"].replace("SYNTHETIC ", "")
    date = f"{row['event_date_raw']!s}->{_d(row['event_date_start'])}..{_d(row['event_date_end'])}"
    return (f"[{src}] {row['name_raw']!r} -> given={row['name_given']!r} family={row['name_family']!r} "
            f"father={row['father_name']!r}; date {date}; born>={row['birth_year_min']}; "
            f"place {row['event_place_raw']!r}->{row['event_place']!r}/{row['event_place_parent']!r}")


def _d(value: Any) -> str:
    return "None" if pd.isna(value) else str(pd.Timestamp(value).date())


def examples(frame: pd.DataFrame, rng_seed: int, n: int = 6) -> None:
    """Missed links (one true person split) and wrong links (two true persons merged), raw and parsed."""
    split = frame.groupby("true_person")["person"].nunique()
    split_ids = split[split > 1].index.to_series().sample(frac=1.0, random_state=rng_seed)[:n]
    print(f"\n  examples of MISSED links (one true person, several found persons; {int((split > 1).sum())} "
          "true persons are split):")
    for pid in split_ids:
        print(f"    true {pid}:")
        for _, row in frame[frame["true_person"] == pid].iterrows():
            print(f"      person {row['person']}: {_show(row)}")
    merged = frame.groupby("person")["true_person"].nunique()
    merged_ids = merged[merged > 1].index.to_series().sample(frac=1.0, random_state=rng_seed)[:n]
    print(f"\n  examples of WRONG links (one found person holding several true persons; "
          f"{int((merged > 1).sum())} found persons are mixed):")
    for pid in merged_ids:
        print(f"    found person {pid}:")
        for _, row in frame[frame["person"] == pid].iterrows():
            print(f"      true {row['true_person']}: {_show(row)}")


def run(data: Path, work: Path, *, fixed: bool, seed: int, show_examples: bool) -> dict[str, Any]:
    """Import, link, evaluate one workspace; print everything; return the figures."""
    label = "FIXED HEADERS (minimal mapping files)" if fixed else "AUTO-DETECTED MAPPING (what a user does first)"
    print(f"\n=== {label} ===")
    ws = Workspace.init(work / ("ws-fixed" if fixed else "ws-auto"))
    started = time.perf_counter()
    results = import_all(ws, data, fixed=fixed)
    t_import = time.perf_counter() - started
    started = time.perf_counter()
    summary = link_workspace(ws, progress=False)
    t_link = time.perf_counter() - started
    truth_csv = data / "SYNTHETIC_truth.csv"
    cli_eval = evaluate_workspace(ws, truth_csv)
    frame = reports_frame(ws)
    truth = pd.read_csv(truth_csv, dtype=str, keep_default_na=False)
    membership = stored_membership(ws)
    frame["person"] = frame["report_key"].map(membership)
    frame["true_person"] = truth_by_report(frame, truth)
    unmatched = int(frame["true_person"].isna().sum())
    frame = frame[frame["true_person"].notna()].copy()
    own = evaluate_clusters(dict(zip(frame["report_key"], frame["person"])),
                            dict(zip(frame["report_key"], frame["true_person"])))
    imported = {f: (r.imported if r else 0) for f, r in results.items()}
    true_total = truth["person_id"].nunique()
    print(f"\n  import {t_import:.1f} s, link {t_link:.1f} s; reports imported {sum(imported.values())} of "
          f"{len(truth)} in the truth")
    pw, cl = cli_eval["pairwise"], cli_eval.get("bcubed", {})
    print(f"  link evaluate (CLI; by source + record id): pairwise P {pw['precision']:.3f} R {pw['recall']:.3f} "
          f"F1 {pw['f1']:.3f}; B-cubed F1 {cl.get('f1', float('nan')):.3f}; persons {cli_eval['persons_found']} "
          f"vs true {cli_eval['true_persons']}; truth rows not matched {cli_eval['truth_rows_unmatched']}")
    pw = own["pairwise"]
    print(f"  all imported reports (ids or row numbers): pairwise P {pw['precision']:.3f} R {pw['recall']:.3f} "
          f"F1 {pw['f1']:.3f}; B-cubed F1 {own.get('bcubed', {}).get('f1', float('nan')):.3f}; persons "
          f"{own['persons_found']} vs true {own['true_persons']} "
          f"({(own['persons_found'] - own['true_persons']) / own['true_persons']:+.1%}); reports without truth "
          f"{unmatched}; all true persons (every list) {true_total}")
    training_health(ws)
    details = pd.read_csv(data / "SYNTHETIC_truth_details.csv", dtype={"birth_year": int})
    check_parsing(frame, details)
    pair_recall_by_lists(frame)
    causes(frame, ws)
    if show_examples:
        examples(frame, seed)
    return {"cli": cli_eval, "own": own, "imported": imported, "link_s": t_link, "persons_run": summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--victims", type=int, default=3500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="write the lists and workspaces here and keep them")
    parser.add_argument("--no-fixed", action="store_true", help="skip the run with minimal mapping files")
    parser.add_argument("--no-examples", action="store_true")
    args = parser.parse_args()
    print(f"SYNTHETIC independent lists: {args.victims} victims, seed {args.seed}; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="bench-indep-") as tmp:
        work = args.keep or Path(tmp)
        data = work / "lists"
        info = generate(data, victims=args.victims, seed=args.seed)
        print(f"  {info['reports']} reports of {info['victims_reported']} reported victims "
              f"({info['reports_per_victim']:.2f} per victim): {info['files']}")
        figures = {"auto": run(data, work, fixed=False, seed=args.seed, show_examples=args.no_fixed
                               and not args.no_examples)}
        if not args.no_fixed:
            figures["fixed"] = run(data, work, fixed=True, seed=args.seed, show_examples=not args.no_examples)
    print("\nsummary (SYNTHETIC):")
    for name, f in figures.items():
        pw = f["own"]["pairwise"]
        print(f"  {name:6s} reports imported {sum(f['imported'].values()):5d}; pairwise P {pw['precision']:.3f} "
              f"R {pw['recall']:.3f} F1 {pw['f1']:.3f}; persons {f['own']['persons_found']} vs true "
              f"{f['own']['true_persons']} (of the imported reports); link {f['link_s']:.0f} s")


if __name__ == "__main__":
    main()
