"""The Fellegi-Sunter linkage model, built on Splink 5.

One declarative ``LinkageSettings`` (saved as JSON) says which fields are compared,
how pairs are blocked and how the model is trained. ``train_model`` estimates the
parameters: u by random sampling of pairs (seeded, so reproducible), m by
expectation maximisation in sessions blocked on strong keys (same name tokens; same
event day and place), because EM blocked on weak keys converges to a meaningless
"match" class. The prior (probability that two random reports match) is derived from
the EM sessions. ``predict_pairs`` scores the blocked pairs and keeps, for every
field, the comparison level and its match weight, which ``explain_pair`` turns into
plain words.

The trained model is data: a JSON document holding the settings and Splink's model
(levels with their m and u probabilities), never a pickle.
"""

from __future__ import annotations

import json
import logging
import math
import tempfile
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from uncounted.errors import LinkageError
from uncounted.link.blocking import block_key, block_key_name, is_cross_rule, rule_columns, rule_parts

__all__ = [
    "ExtraComparison",
    "LinkageSettings",
    "TrainedModel",
    "FieldContribution",
    "train_model",
    "predict_pairs",
    "explain_pair",
    "FIELDS",
]

# Built-in fields, compared when their columns hold any value.
FIELDS = ("name", "father", "sex", "birth_year", "event_date", "place", "violation", "perpetrator", "list")
_FIELD_COLUMNS = {
    "name": ["name_full", "name_key", "name_tokens", "name_rare", "name_btok", "name_rare1"],
    "father": ["father_full", "father_key", "father_tokens", "father_rare", "father_btok", "father_rare1"],
    "sex": ["sex"],
    "birth_year": ["birth_year_min", "birth_year_max"],
    "event_date": ["event_day_start", "event_day_end"],
    "place": ["event_place", "event_place_parent", "event_place_path"],
    "violation": ["violation_cmp"],  # without values a list gives to (nearly) all its reports
    "perpetrator": ["perpetrator_cmp"],
    "list": ["source"],  # lists rarely name one person twice: same-list pairs need more evidence
}
_INT_COLUMNS = {"birth_year_min", "birth_year_max", "event_day_start", "event_day_end", "event_year",
                "event_year2", "event_month", "event_win", "event_win2", "event_fwin", "event_fwin2"}

# Blocking rules (see uncounted.link.blocking): each is a list of scalar columns that
# must be equal, so each rule is one hashed equi-join on a block key; "a=b" joins column a
# of one report to column b of the other. A rule that would make too many pairs has its
# big blocks split into runs of reports close in date (blocking.MAX_RULE_PAIRS). On the
# simulated romanisation benchmark (docs/linking.md) they keep 99.5% of true pairs.
DEFAULT_BLOCKING_RULES: list[list[str]] = [
    ["name_b1", "event_2y"],           # the rarest name token that is not common, events within a year
    ["name_b1", "event_2y2"],
    ["name_b1=name_b2", "event_2y"],   # ... or one name's rarest token is the other's second
    ["name_b2=name_b1", "event_2y"],
    ["name_b2", "event_2y"],
    ["name_b1=name_b2", "event_2y2"],
    ["name_b2=name_b1", "event_2y2"],
    ["name_s1", "event_2y"],           # its consonant skeleton (typos)
    ["name_s1", "event_2y2"],
    ["father_b1", "event_2y"],         # the father's rarest token
    ["father_b1", "event_2y2"],
    ["name_first", "event_2y"],        # the first name (even a common one), events within a year
    ["name_first", "event_2y2"],
    ["name_key", "father_key"],        # same names at any date
    ["event_day_start", "name_last"],
    ["event_day_start", "name_initial"],
    ["event_month", "birth_year_min"],
    ["event_day_start"],               # same day, or within a day or two (initials-only names)
    ["event_w3"],
    ["event_w3b"],
    ["name_p3", "event_win"],          # first or last three letters of the rarest token (typos)
    ["name_p3", "event_win2"],
    ["name_l3", "event_win"],
    ["name_l3", "event_win2"],
    ["name_last", "event_2y"],         # the last name token (even a common one) within a year
    ["name_last", "event_2y2"],
    ["name_first", "father_first"],
    ["name_first", "birth_w5"],        # the first name and a birth year within ~5 years
    ["name_first", "birth_w5b"],
]
# EM sessions blocked on strong keys, where true matches are a good share of the pairs.
DEFAULT_EM_BLOCKING_RULES: list[list[str]] = [
    ["name_key", "father_key"],            # trains everything but the names
    ["event_day_start", "birth_year_min"],  # trains the names (and the rest but date and age)
]
# No level's m probability is allowed below this: a few reports always disagree on
# sex or violation by mistake, so disagreement must never be infinitely damning.
M_FLOOR = 0.002
# DuckDB spills to disk beyond this, keeping linkage of a million reports within 8 GB.
DUCKDB_MEMORY_LIMIT = "2GB"
DUCKDB_THREADS = 2
# Prepared columns that hold lists (blocking on them means "share any element").
LIST_COLUMNS = {"name_tokens", "name_rare", "name_btok", "name_bskel",
                "father_tokens", "father_rare", "father_btok", "father_bskel", "event_place_path"}


@dataclass
class ExtraComparison:
    """A comparison on a column that is not one of the built-in fields.

    kind: "exact" (equal or not), "string" (exact, edit distance 1, Jaro-Winkler >= 0.88)
    or "number" (exact, |difference| <= 1, <= 5).
    """

    column: str
    kind: str = "exact"
    tf: bool = False

    def __post_init__(self) -> None:
        if self.kind not in ("exact", "string", "number"):
            raise LinkageError(
                f"Extra comparison on {self.column!r} has kind {self.kind!r}; "
                "use 'exact', 'string' or 'number'."
            )


@dataclass
class LinkageSettings:
    """Everything that defines a linkage run, saved and loaded as JSON."""

    link_type: str = "dedupe_only"  # all reports against all; "link_only" pairs across sources only
    fields: list[str] = field(default_factory=lambda: list(FIELDS))
    extra_comparisons: list[ExtraComparison] = field(default_factory=list)
    blocking_rules: list[list[str] | str] = field(
        default_factory=lambda: [list(r) for r in DEFAULT_BLOCKING_RULES]
    )
    em_blocking_rules: list[list[str] | str] = field(
        default_factory=lambda: [list(r) for r in DEFAULT_EM_BLOCKING_RULES]
    )
    u_max_pairs: float = 1e6
    em_max_pairs: float | None = 5e5
    max_iterations: int = 25
    seed: int = 42
    term_frequency: bool = True
    probability_two_random_records_match: float | None = None  # None: estimated from blocked pairs
    # Evidence clustering at 0.2 was best on the romanisation, demo and independent lists
    # (docs/linking.md); `uncounted link tune` chooses one from review decisions.
    threshold: float = 0.2
    coherence: bool = True  # refuse merges joining reports that cannot be one person
    clustering: str = "evidence"  # "evidence" (summed cross-pair weights) or "single" (single-link)
    refine_on_blocked_pairs: bool = True  # m and prior by a last EM on all blocked pairs (u fixed)
    refine_max_reports: int = 300_000  # ... skipped above this many reports (never on a sample)

    def __post_init__(self) -> None:
        if self.link_type not in ("dedupe_only", "link_only", "link_and_dedupe"):
            raise LinkageError(
                f"link_type {self.link_type!r} is not known; use dedupe_only, link_only "
                "or link_and_dedupe."
            )
        if self.clustering not in ("evidence", "single"):
            raise LinkageError(f"clustering {self.clustering!r} is not known; use 'evidence' or 'single'.")
        unknown = [f for f in self.fields if f not in FIELDS]
        if unknown:
            raise LinkageError(f"Unknown field(s) {unknown}; the built-in fields are {list(FIELDS)}.")
        self.extra_comparisons = [
            e if isinstance(e, ExtraComparison) else ExtraComparison(**e) for e in self.extra_comparisons
        ]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinkageSettings:
        known = set(cls.__dataclass_fields__)
        extra = set(data) - known
        if extra:
            raise LinkageError(f"Unknown linkage setting(s) {sorted(extra)}; known: {sorted(known)}.")
        return cls(**data)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_json(cls, text: str) -> LinkageSettings:
        return cls.from_dict(json.loads(text))


# --- comparisons ---------------------------------------------------------------------


def _exact(col: str, tf: bool, label: str | None = None):
    import splink.comparison_level_library as cll

    level = cll.ExactMatchLevel(col, term_frequency_adjustments=tf)
    if label:
        level = level.configure(label_for_charts=label)
    return level


def _custom(sql: str, label: str):
    import splink.comparison_level_library as cll

    return cll.CustomLevel(sql, label_for_charts=label)


def _name_comparison(prefix: str, tf: bool, output: str, with_subset: bool):
    """Levels for a person's name, most specific first."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    levels = [
        cll.NullLevel(f"{prefix}_key"),
        _exact(f"{prefix}_full", tf, "same canonical name"),
        _exact(f"{prefix}_key", tf, "same name tokens, other order or optional tokens"),
        _custom(
            f"levenshtein({prefix}_key_l, {prefix}_key_r) <= 1 "
            f"OR levenshtein({prefix}_full_l, {prefix}_full_r) <= 1",
            "one letter apart",
        ),
    ]
    if with_subset:
        # the term frequency of the rarer of the two names' rarest tokens: "Ali" within
        # "Ali Qureshi" says less than "Rashid" within "Rashid Chishti"
        subset = cll.ArraySubsetLevel(f"{prefix}_tokens").configure(
            label_for_charts="one name's tokens all in the other")
        if tf:
            subset = subset.configure(tf_adjustment_column=f"{prefix}_rare1", tf_adjustment_weight=1.0,
                                      disable_tf_exact_match_detection=True)
        levels.append(subset)
    levels += [
        cll.ArrayIntersectLevel(f"{prefix}_rare", 1).configure(label_for_charts="share a rare token"),
        cll.ArrayIntersectLevel(f"{prefix}_btok", 1).configure(label_for_charts="share a token that is not common"),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(levels, output_column_name=output)


def _interval_comparison(lo: str, hi: str, output: str, steps: list[tuple[int, str]], exact_point: str | None):
    """Compare [lo, hi] ranges: overlap, then the gap between them within each step."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    gap = f"greatest({lo}_l - {hi}_r, {lo}_r - {hi}_l)"
    levels = [_custom(f"{lo}_l IS NULL OR {lo}_r IS NULL", "missing").configure(is_null_level=True)]
    if exact_point:
        levels.append(_custom(
            f"{lo}_l = {lo}_r AND {hi}_l = {hi}_r AND {lo}_l = {hi}_l", exact_point))
    levels.append(_custom(f"{lo}_l <= {hi}_r AND {lo}_r <= {hi}_l", "ranges overlap"))
    for limit, label in steps:
        levels.append(_custom(f"{gap} <= {limit}", label))
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(levels, output_column_name=output)


def _categorical_comparison(col: str, output: str, tf: bool = False):
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        [cll.NullLevel(col), _exact(col, tf), cll.ElseLevel()], output_column_name=output
    )


def _place_comparison(tf: bool):
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        [
            cll.NullLevel("event_place"),
            _exact("event_place", tf, "same place"),
            # lists give places at different levels: a neighbourhood lies within its town
            cll.CustomLevel(
                "list_contains(event_place_path_l, event_place_r) "
                "OR list_contains(event_place_path_r, event_place_l)",
                label_for_charts="one place lies within the other", base_dialect_str="duckdb"),
            _exact("event_place_parent", False, "same district or province"),
            cll.ElseLevel(),
        ],
        output_column_name="place",
    )


def _extra_comparison(extra: ExtraComparison):
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    col = extra.column
    levels = [cll.NullLevel(col), _exact(col, extra.tf)]
    if extra.kind == "string":
        levels += [cll.DamerauLevenshteinLevel(col, 1), cll.JaroWinklerLevel(col, 0.88)]
    elif extra.kind == "number":
        levels += [cll.AbsoluteDifferenceLevel(col, 1), cll.AbsoluteDifferenceLevel(col, 5)]
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(levels, output_column_name=col)


def _build_comparisons(settings: LinkageSettings, fields: list[str]) -> list:
    tf = settings.term_frequency
    builders = {
        "name": lambda: _name_comparison("name", tf, "name", with_subset=True),
        "father": lambda: _name_comparison("father", tf, "father", with_subset=True),
        "sex": lambda: _categorical_comparison("sex", "sex"),
        "birth_year": lambda: _interval_comparison(
            "birth_year_min", "birth_year_max", "birth_year",
            [(2, "within 2 years"), (5, "within 5 years")], None),
        "event_date": lambda: _interval_comparison(
            "event_day_start", "event_day_end", "event_date",
            [(3, "within 3 days"), (31, "within a month"), (366, "within a year")], "same day"),
        "place": lambda: _place_comparison(tf),
        "violation": lambda: _categorical_comparison("violation_cmp", "violation"),
        "perpetrator": lambda: _categorical_comparison("perpetrator_cmp", "perpetrator"),
        "list": lambda: _categorical_comparison("source", "list"),
    }
    comps = [builders[f]() for f in fields]
    comps += [_extra_comparison(e) for e in settings.extra_comparisons]
    return comps


def _keyed_rule(rule: list[str] | str) -> bool:
    """A rule of scalar columns, scored through one precomputed (capped) block key."""
    return isinstance(rule, list) and not is_cross_rule(rule) and not any(c in LIST_COLUMNS for c in rule)


def _blocking_rule(rule: list[str] | str):
    from splink import block_on

    if isinstance(rule, str):
        return rule
    if _keyed_rule(rule):
        # the key alone would do; the columns themselves are named too, so that an EM
        # session knows which comparisons its blocking rule fixes
        key = block_key_name(rule)
        return " AND ".join([f"l.{key} = r.{key}"] + [f"l.{c} = r.{c}" for c in rule])
    if is_cross_rule(rule):
        return " AND ".join(f"l.{a} = r.{b}" for a, b in rule_parts(rule))
    arrays = [c for c in rule if c in LIST_COLUMNS]
    return block_on(*rule, arrays_to_explode=arrays or None)


def _rule_columns(rule: list[str] | str) -> list[str]:
    return rule_columns(rule) if isinstance(rule, list) else []


# --- data handed to Splink ---------------------------------------------------------


def _usable_fields(prepared: pd.DataFrame, settings: LinkageSettings) -> list[str]:
    """The requested built-in fields whose columns hold at least one value."""
    usable = []
    for f in settings.fields:
        main = _FIELD_COLUMNS[f][0]
        if main in prepared.columns and prepared[main].notna().any():
            usable.append(f)
    return usable


def _usable_rules(rules: list[list[str] | str], prepared: pd.DataFrame) -> list[list[str] | str]:
    return [
        r for r in rules
        if all(c in prepared.columns and prepared[c].notna().any() for c in _rule_columns(r))
    ]


def _splink_columns(fields: list[str], settings: LinkageSettings, rules: list) -> list[str]:
    cols = ["unique_id"]
    for f in fields:
        cols += _FIELD_COLUMNS[f]
    cols += [e.column for e in settings.extra_comparisons]
    for r in rules:
        cols += _rule_columns(r)
    return list(dict.fromkeys(cols))


def _arrow_table(prepared: pd.DataFrame, columns: list[str]) -> pa.Table:
    arrays, names = [], []
    for c in columns:
        s = prepared[c]
        if c in LIST_COLUMNS:
            arr = pa.array(s.tolist(), type=pa.list_(pa.string()))
        elif c in _INT_COLUMNS:
            arr = pa.array(pd.to_numeric(s, errors="coerce").astype("Int64"), type=pa.int64())
        elif c == "unique_id":
            arr = pa.array(s.astype(str).tolist(), type=pa.string())
        else:
            try:
                arr = pa.array(s.astype(object).where(s.notna(), None).tolist())
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                arr = pa.array(s.astype(str).where(s.notna(), None).tolist(), type=pa.string())
        arrays.append(arr)
        names.append(c)
    return pa.Table.from_arrays(arrays, names=names)


def _db_api(backend: str):
    if backend == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        # a file-backed database lets DuckDB move tables to disk under its memory limit
        # (an in-memory database must keep every table in RAM)
        workdir = tempfile.TemporaryDirectory(prefix="uncounted-duckdb-")
        con = duckdb.connect(str(Path(workdir.name) / "link.duckdb"))
        con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
        con.execute(f"SET threads = {DUCKDB_THREADS}")
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"SET temp_directory = '{Path(workdir.name) / 'spill'}'")
        api = DuckDBAPI(con)
        api._uncounted_workdir = workdir  # removed with the API object
        return api
    if backend == "spark":
        from uncounted.link.spark import spark_api

        return spark_api()
    raise LinkageError(f"Backend {backend!r} is not supported; use 'duckdb' or 'spark'.")


def _block_keys(prepared: pd.DataFrame, rules: list) -> pd.DataFrame:
    """One int64 key column per scalar rule (blocks over MAX_BLOCK reports have none)."""
    keyed = list({block_key_name(r): r for r in rules if _keyed_rule(r)}.items())
    return pd.DataFrame({name: block_key(prepared, rule) for name, rule in keyed}, index=prepared.index)


def _register(db_api, prepared: pd.DataFrame, columns: list[str], link_type: str, backend: str,
              rules: list | None = None):
    """Register the reports: one table, or one per source when linking across sources.

    The block keys of ``rules`` are computed on all the reports, then registered with them."""
    keys = _block_keys(prepared, rules or [])

    def to_input(frame: pd.DataFrame):
        table = _arrow_table(frame, columns)
        for name in keys.columns:
            values = keys.loc[frame.index, name]
            table = table.append_column(name, pa.array(values, type=pa.int64(), from_pandas=True))
        return table if backend == "duckdb" else table.to_pandas()

    run = uuid.uuid4().hex[:10]
    if link_type == "dedupe_only":
        return [db_api.register(to_input(prepared), dataset_display_name="reports",
                                table_name=f"uncounted_reports_{run}")]
    frames = []
    for i, (source, part) in enumerate(sorted(prepared.groupby("source", sort=True), key=lambda kv: kv[0])):
        frames.append(db_api.register(to_input(part), dataset_display_name=f"source_{i}",
                                      table_name=f"uncounted_source_{i}_{run}"))
    if len(frames) < 2:
        raise LinkageError(
            f"link_type {link_type!r} needs reports from at least two sources; found {len(frames)}."
        )
    return frames


def _linker(prepared: pd.DataFrame, splink_settings: dict | Any, settings: LinkageSettings,
            columns: list[str], backend: str):
    from splink import Linker

    db_api = _db_api(backend)
    rules = list(settings.blocking_rules) + list(settings.em_blocking_rules)
    tables = _register(db_api, prepared, columns, settings.link_type, backend, rules)
    return Linker(tables if len(tables) > 1 else tables[0], splink_settings, log_level=logging.WARNING)


# --- training -------------------------------------------------------------------------


@dataclass
class TrainedModel:
    """A trained model: the settings, the fields in use and Splink's model dict."""

    settings: LinkageSettings
    fields: list[str]
    splink_model: dict[str, Any]
    training_log: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "uncounted-linkage-model/1",
            "settings": self.settings.to_dict(),
            "fields": self.fields,
            "splink_model": self.splink_model,
            "training_log": self.training_log,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainedModel:
        if data.get("format") != "uncounted-linkage-model/1":
            raise LinkageError(
                f"Not an uncounted linkage model (format {data.get('format')!r}); "
                "expected 'uncounted-linkage-model/1'."
            )
        return cls(
            settings=LinkageSettings.from_dict(data["settings"]),
            fields=list(data["fields"]),
            splink_model=data["splink_model"],
            training_log=list(data.get("training_log", [])),
        )

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> TrainedModel:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    @property
    def prior(self) -> float:
        return float(self.splink_model["probability_two_random_records_match"])

    def level_table(self) -> pd.DataFrame:
        """Every comparison level with its m, u and match weight (for docs and review)."""
        rows = []
        for comp in self.splink_model["comparisons"]:
            for lvl in comp["comparison_levels"]:
                if lvl.get("is_null_level"):
                    continue
                m, u = lvl.get("m_probability"), lvl.get("u_probability")
                w = math.log2(m / u) if m and u else None
                rows.append({"field": comp["output_column_name"], "level": lvl.get("label_for_charts"),
                             "m": m, "u": u, "match_weight": w})
        return pd.DataFrame(rows)


def _settings_creator(settings: LinkageSettings, fields: list[str], rules: list):
    from splink import SettingsCreator

    return SettingsCreator(
        link_type=settings.link_type,
        comparisons=_build_comparisons(settings, fields),
        blocking_rules_to_generate_predictions=[_blocking_rule(r) for r in rules],
        probability_two_random_records_match=settings.probability_two_random_records_match or 1e-4,
        max_iterations=settings.max_iterations,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,
    )


def train_model(prepared: pd.DataFrame, settings: LinkageSettings | None = None,
                backend: str = "duckdb") -> TrainedModel:
    """Estimate the model's parameters from the (unlabelled) prepared reports.

    u probabilities come from a seeded random sample of pairs; m probabilities from EM
    sessions blocked on the strong keys in ``settings.em_blocking_rules``; the prior from
    those sessions unless ``settings.probability_two_random_records_match`` is set.
    """
    settings = settings or LinkageSettings()
    if len(prepared) < 2:
        raise LinkageError(f"Linkage needs at least two reports; got {len(prepared)}.")
    fields = _usable_fields(prepared, settings)
    if "name" not in fields and not settings.extra_comparisons:
        raise LinkageError("No report has a usable name; linkage needs names (or extra comparisons).")
    rules = _usable_rules(settings.blocking_rules, prepared)
    em_rules = _usable_rules(settings.em_blocking_rules, prepared)
    if not rules or not em_rules:
        raise LinkageError(
            "None of the blocking rules can be used on these reports (their columns are empty); "
            f"rules: {settings.blocking_rules}."
        )
    columns = _splink_columns(fields, settings, rules + em_rules)
    linker = _linker(prepared, _settings_creator(settings, fields, rules), settings, columns, backend)

    log: list[dict[str, Any]] = []
    linker.training.estimate_u_using_random_sampling(max_pairs=settings.u_max_pairs, seed=settings.seed)
    log.append({"step": "u by random sampling", "max_pairs": settings.u_max_pairs, "seed": settings.seed})
    populate = settings.probability_two_random_records_match is None
    from splink.internals.exceptions import EMTrainingException

    trained_sessions = 0
    for rule in em_rules:
        before = linker.misc.save_model_to_json()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                _blocking_rule(rule),
                max_pairs=settings.em_max_pairs,
                populate_probability_two_random_records_match_from_trained_values=populate,
                estimate_without_term_frequencies=True,
            )
        except EMTrainingException as exc:
            log.append({"step": "EM", "blocking_rule": rule, "skipped": str(exc).splitlines()[0]})
            continue
        except ValueError as exc:
            # On small or sparse lists an EM session can drive a level's m (or u) to exactly 0,
            # which Splink refuses. Such a session has nothing usable: skip it like one that found
            # no pairs, and train on the other sessions.
            if "_probability value" not in str(exc):
                raise
            log.append({"step": "EM", "blocking_rule": rule, "skipped": str(exc).splitlines()[0]})
            # The failed session leaves the linker half-updated (its comparisons deactivated):
            # start again from the parameters as they were before it.
            linker = _linker(prepared, before, settings, columns, backend)
            continue
        trained_sessions += 1
        log.append({"step": "EM", "blocking_rule": rule})
    if not trained_sessions:
        reasons = "; ".join(f"{entry['blocking_rule']}: {entry['skipped']}" for entry in log if "skipped" in entry)
        raise LinkageError(
            f"No EM training session could estimate the model from these {len(prepared):,} reports "
            f"({reasons}). There are too few reports sharing a name or an event day to learn from. "
            "Link more reports together, or score with a model trained on a larger record "
            "(`uncounted link --reuse-model`, or TrainedModel.load in Python)."
        )
    model = linker.misc.save_model_to_json()
    if settings.refine_on_blocked_pairs:
        model = _refine_on_blocked_pairs(prepared, _floor_m_probabilities(model), settings, columns, backend, log)
    model = _floor_m_probabilities(model)
    return TrainedModel(settings=settings, fields=fields, splink_model=model, training_log=log)


def _refine_on_blocked_pairs(prepared: pd.DataFrame, model: dict[str, Any], settings: LinkageSettings,
                             columns: list[str], backend: str, log: list[dict[str, Any]]) -> dict[str, Any]:
    """Re-estimate every m probability and the prior by EM on all blocked pairs, u held fixed.

    The EM sessions each see only pairs that agree on a strong key (same name and father;
    same day and birth year). Their "match" class is the clean cases, so they understate
    how often true matches disagree on the other fields (an event months apart, another
    violation, a father written differently), which makes disagreements too damning and
    every probability too low for true pairs with less evidence. One EM on all the pairs
    that linkage scores, starting from the sessions' estimates, with u fixed from random
    sampling and term-frequency adjustments kept, fits the m of every level on the pairs
    the model will judge. Pairs no blocking rule makes count as non-matches for the prior.
    With more than ``settings.refine_max_reports`` reports the step is skipped (it costs one
    more scoring pass). It is never run on a sample of reports: a sample keeps few of each
    person's reports, so true matches become rare among the blocked pairs and the EM takes
    pairs of namesakes for matches (at 100,000 simulated reports a 20,000-report sample
    cut F1 from 0.89 to 0.76; the full set gave 0.890, no refinement 0.888).
    """
    if len(prepared) > settings.refine_max_reports:
        log.append({"step": "refine", "skipped": f"{len(prepared):,} reports is more than refine_max_reports "
                                                 f"({settings.refine_max_reports:,})"})
        return model
    sample = prepared
    linker = _linker(sample, model, settings, columns, backend)
    comps = list(model["comparisons"])
    names = [c["output_column_name"] for c in comps]
    tf_terms = " + ".join(
        f"coalesce(mw_tf_adj_{c['output_column_name']}, 0)" for c in comps
        if any(lvl.get("tf_adjustment_column") for lvl in c["comparison_levels"])) or "0"
    # Splink returns each field's match weight, not its level: count the pairs by weights
    # (few distinct values) and read the levels back from them
    groups = ", ".join([f"round(mw_{n}, 4)" for n in names] + [f"round({tf_terms}, 1)"])
    selects = ", ".join([f"round(mw_{n}, 4) as mw_{n}" for n in names] + [f"round({tf_terms}, 1) as tf"])
    parts = []
    chunks = _chunk_count(len(sample), backend)
    for chunk in range(1, chunks + 1):
        sdf = _predict_chunk(linker, chunk, chunks)
        parts.append(linker._db_api.query_sql(
            f"select {selects}, count(*) as n from {sdf.physical_name} group by {groups}",
            output_type="pandas"))
        sdf.drop_table_from_database_and_remove_from_cache()
    hist = pd.concat(parts, ignore_index=True)
    level_weights = _level_weights(TrainedModel(settings, [], model))
    for n in names:
        hist[f"gamma_{n}"] = _gamma_from_weight(hist[f"mw_{n}"].to_numpy(dtype=float), level_weights[n])
    if hist.empty:
        log.append({"step": "EM on blocked pairs", "skipped": "no blocked pairs"})
        return model
    prior, m_by_comp, iterations = _em_on_patterns(
        hist, comps, _total_pairs(sample, settings.link_type), float(model["probability_two_random_records_match"]))
    for comp, m in zip(comps, m_by_comp):
        levels = [lvl for lvl in comp["comparison_levels"] if not lvl.get("is_null_level")]
        for gamma, lvl in enumerate(reversed(levels)):
            if m[gamma] is not None:
                lvl["m_probability"] = m[gamma]
    model["probability_two_random_records_match"] = prior
    log.append({"step": "EM on blocked pairs", "pairs": int(hist["n"].sum()), "reports": len(sample),
                "iterations": iterations, "prior": prior})
    return model


def _em_on_patterns(hist: pd.DataFrame, comps: list[dict[str, Any]], total_pairs: float, prior: float,
                    max_iterations: int = 200, tolerance: float = 1e-6) -> tuple[float, list, int]:
    """EM for the m probabilities and the prior over counted comparison patterns, u fixed.

    ``hist`` has one row per pattern: a gamma column per comparison (-1 = missing), ``tf``
    (the summed term-frequency adjustment, in bits) and ``n`` (how many pairs).
    Returns (prior, m per comparison as a list indexed by gamma (None if never seen), iterations).
    """
    counts = hist["n"].to_numpy(dtype=float)
    offset = hist["tf"].to_numpy(dtype=float)
    gamma, log_u, m = [], [], []
    for comp in comps:
        levels = list(reversed([lvl for lvl in comp["comparison_levels"] if not lvl.get("is_null_level")]))
        g = hist[f"gamma_{comp['output_column_name']}"].to_numpy(dtype=int)
        u = np.array([lvl.get("u_probability") or 1.0 for lvl in levels], dtype=float)
        start = np.array([lvl.get("m_probability") or 1e-3 for lvl in levels], dtype=float)
        gamma.append(g)
        log_u.append(np.log2(np.maximum(u, 1e-12)))
        m.append(start / start.sum())
    seen = [np.bincount(g[g >= 0], weights=counts[g >= 0], minlength=len(mm)) > 0 for g, mm in zip(gamma, m)]
    iterations = 0
    for iterations in range(1, max_iterations + 1):
        weight = offset.copy()
        for g, lu, mm in zip(gamma, log_u, m):
            ok = g >= 0
            weight[ok] += np.log2(np.maximum(mm, 1e-12))[g[ok]] - lu[g[ok]]
        odds = prior / (1 - prior) * np.power(2.0, np.clip(weight, -200, 200))
        expected = counts * odds / (1 + odds)
        new_prior = min(max(float(expected.sum()) / total_pairs, 1e-12), 0.5)
        change = abs(new_prior - prior) / prior
        new_m = []
        for g, mm in zip(gamma, m):
            ok = g >= 0
            by_level = np.bincount(g[ok], weights=expected[ok], minlength=len(mm))
            fitted = by_level / by_level.sum() if by_level.sum() > 0 else mm
            change = max(change, float(np.abs(fitted - mm).max()))
            new_m.append(fitted)
        prior, m = new_prior, new_m
        if change < tolerance:
            break
    out = [[float(v) if s else None for v, s in zip(mm, ok)] for mm, ok in zip(m, seen)]
    return prior, out, iterations


def _total_pairs(prepared: pd.DataFrame, link_type: str) -> float:
    n = float(len(prepared))
    if link_type == "link_only":
        sizes = prepared["source"].value_counts().astype(float)
        return float((sizes.sum() ** 2 - (sizes ** 2).sum()) / 2)
    return n * (n - 1) / 2


def _floor_m_probabilities(model: dict[str, Any], floor: float = M_FLOOR) -> dict[str, Any]:
    """Raise every m probability to at least ``floor`` and renormalise each comparison."""
    for comp in model["comparisons"]:
        levels = [lvl for lvl in comp["comparison_levels"] if not lvl.get("is_null_level")]
        # A level never seen in training borrows the Bayes factor (m/u) of the level above
        # it. Copying the m itself would count that share of matches twice, and the
        # renormalisation below would then shrink every other level's m.
        for above, lvl in zip(levels, levels[1:]):
            if lvl.get("u_probability") is None and above.get("u_probability") is not None:
                lvl["u_probability"] = above["u_probability"]
            if lvl.get("m_probability") is None and above.get("m_probability") is not None:
                factor = above["m_probability"] / above["u_probability"] if above.get("u_probability") else 1.0
                lvl["m_probability"] = min(lvl["u_probability"] * factor, above["m_probability"])
        ms = [lvl.get("m_probability") for lvl in levels]
        if any(m is None for m in ms):
            continue
        raised = [max(m, floor) for m in ms]
        total = sum(raised)
        for lvl, m in zip(levels, raised):
            lvl["m_probability"] = m / total
    return model


# --- prediction ------------------------------------------------------------------------


def _model_for_backend(model: TrainedModel, rules: list, backend: str) -> dict[str, Any]:
    """Splink settings for this backend: SQL rebuilt, trained m/u copied across by position."""
    creator = _settings_creator(model.settings, model.fields, rules)
    fresh = creator.create_settings_dict("duckdb" if backend == "duckdb" else "spark")
    trained = {c["output_column_name"]: c for c in model.splink_model["comparisons"]}
    for comp in fresh["comparisons"]:
        old = trained[comp["output_column_name"]]["comparison_levels"]
        if len(old) != len(comp["comparison_levels"]):
            raise LinkageError(
                f"The saved model compares {comp['output_column_name']!r} with {len(old)} levels; this "
                f"version of uncounted uses {len(comp['comparison_levels'])}. Train the model again "
                "(link without --reuse-model)."
            )
        for new_level, old_level in zip(comp["comparison_levels"], old, strict=True):
            for k in ("m_probability", "u_probability"):
                if k in old_level:
                    new_level[k] = old_level[k]
    fresh["probability_two_random_records_match"] = model.prior
    return fresh


# Prediction runs in chunks of about this many reports (on one side of the pairs); only the
# likely pairs of each chunk come out of the database.
PREDICT_CHUNK_REPORTS = 100_000


def _chunk_count(n_reports: int, backend: str) -> int:
    if backend != "duckdb":
        return 1  # Spark partitions the work itself
    return max(1, math.ceil(n_reports / PREDICT_CHUNK_REPORTS))


def _predict_chunk(linker, chunk: int, chunks: int):
    part = (chunk, chunks) if chunks > 1 else None
    return linker.inference.predict_chunk(left_chunk=part, warning_mode="never")


def _prior_from_histogram(weights: np.ndarray, counts: np.ndarray, start_prior: float,
                          total_pairs: float, iterations: int = 100) -> float:
    """The probability that two random reports match, by EM on the prior alone.

    ``weights`` are the log2 Bayes factors of the blocked pairs (match weights without the
    prior) and ``counts`` how many pairs have each. With m and u fixed, the
    maximum-likelihood prior is the expected number of matching pairs divided by all
    pairs; pairs no blocking rule generates count as non-matches. EM sessions on blocked
    pairs overstate the prior (matches are common inside blocks), which would make every
    threshold too lenient.
    """
    if len(weights) == 0:
        return start_prior
    bayes = np.power(2.0, weights.astype(float))
    counts = counts.astype(float)
    prior = start_prior
    for _ in range(iterations):
        odds = prior / (1 - prior) * bayes
        expected = float((counts * odds / (1 + odds)).sum())
        new = min(max(expected / total_pairs, 1e-12), 0.5)
        if abs(new - prior) <= 1e-6 * prior:
            return new
        prior = new
    return prior


def predict_pairs(prepared: pd.DataFrame, model: TrainedModel, threshold: float = 0.01,
                  backend: str = "duckdb", *, refit_prior: bool = False) -> pd.DataFrame:
    """Score every blocked pair with match probability >= threshold.

    Returns columns report_key_l, report_key_r (ordered so that l < r), match_probability,
    match_weight, and per field ``gamma_<field>`` (level index, -1 missing),
    ``mw_<field>`` (its match weight) and ``bf_<field>`` (its Bayes factor).

    On DuckDB the pairs are scored in chunks of reports (``PREDICT_CHUNK_REPORTS``);
    only the pairs above the threshold of each chunk are kept.
    """
    rules = _usable_rules(model.settings.blocking_rules, prepared)
    columns = _splink_columns(model.fields, model.settings, rules)
    linker = _linker(prepared, _model_for_backend(model, rules, backend), model.settings, columns, backend)
    chunks = _chunk_count(len(prepared), backend)
    min_weight = math.log2(threshold / (1 - threshold)) if 0 < threshold < 1 else -1e9
    old_prior = model.prior
    offset = math.log2(old_prior / (1 - old_prior))
    kept, histograms, scored = [], [], []
    for chunk in range(1, chunks + 1):
        sdf = _predict_chunk(linker, chunk, chunks)
        if refit_prior:
            # the histogram of every blocked pair fits the prior; the scored pairs stay in the
            # database (on disk beyond its memory limit) until the prior, and so the cut, is known
            histograms.append(linker._db_api.query_sql(
                f"select round(match_weight - ({offset}), 2) as w, count(*) as n "
                f"from {sdf.physical_name} group by 1", output_type="pandas"))
            scored.append(sdf)
            continue
        kept.append(_pairs_above(linker, sdf, min_weight))
    if not refit_prior:
        return _tidy_pairs(pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0], model)
    # fit the prior on every blocked pair, then keep the pairs whose probability under
    # the fitted prior reaches the threshold
    hist = pd.concat(histograms).groupby("w", as_index=False)["n"].sum()
    prior = _prior_from_histogram(hist["w"].to_numpy(dtype=float), hist["n"].to_numpy(dtype=float),
                                  old_prior, _total_pairs(prepared, model.settings.link_type))
    shift = math.log2(prior / (1 - prior)) - offset
    kept = [_pairs_above(linker, sdf, min_weight - shift) for sdf in scored]
    out = pd.concat(kept, ignore_index=True) if len(kept) > 1 else kept[0]
    out["match_weight"] = out["match_weight"] + shift
    out["match_probability"] = 1.0 / (1.0 + np.power(2.0, -out["match_weight"].to_numpy(dtype=float)))
    model.splink_model["probability_two_random_records_match"] = prior
    entry = {"step": "prior from blocked pairs", "em_prior": old_prior, "prior": prior,
             "blocked_pairs": int(hist["n"].sum()), "chunks": chunks}
    model.training_log.append(entry)
    return _tidy_pairs(out, model)


def _pairs_above(linker, sdf, min_weight: float) -> pd.DataFrame:
    """The scored pairs of one chunk at or above a match weight; the chunk's table is dropped."""
    out = linker._db_api.query_sql(f"select * from {sdf.physical_name} where match_weight >= {min_weight}",
                                   output_type="pandas")
    sdf.drop_table_from_database_and_remove_from_cache()
    return out


def _tidy_pairs(raw: pd.DataFrame, model: TrainedModel) -> pd.DataFrame:
    names = [c["output_column_name"] for c in model.splink_model["comparisons"]]
    left, right = raw["unique_id_l"].astype(str), raw["unique_id_r"].astype(str)
    swap = left > right
    out = pd.DataFrame({
        "report_key_l": left.where(~swap, right),
        "report_key_r": right.where(~swap, left),
        "match_probability": raw["match_probability"].astype(float),
        "match_weight": raw["match_weight"].astype(float),
    })
    level_weights = _level_weights(model)
    for n in names:
        if f"gamma_{n}" in raw:
            out[f"gamma_{n}"] = raw[f"gamma_{n}"].astype(int)
        elif f"mw_{n}" in raw and n in level_weights:
            out[f"gamma_{n}"] = _gamma_from_weight(raw[f"mw_{n}"].to_numpy(dtype=float), level_weights[n])
        mw = _match_weight_column(raw, n)
        if mw is not None:
            out[f"mw_{n}"] = mw
            out[f"bf_{n}"] = 2.0 ** mw
    out = out.drop_duplicates(["report_key_l", "report_key_r"])
    return out.reset_index(drop=True)


def _level_weights(model: TrainedModel) -> dict[str, list[tuple[int, float]]]:
    """(gamma, match weight) of every level; gamma -1 is the null level (weight 0)."""
    out = {}
    for comp in model.splink_model["comparisons"]:
        levels = [lvl for lvl in comp["comparison_levels"] if not lvl.get("is_null_level")]
        pairs = [(-1, 0.0)]
        for i, lvl in enumerate(levels):
            m, u = lvl.get("m_probability"), lvl.get("u_probability")
            if m and u:
                pairs.append((len(levels) - 1 - i, math.log2(m / u)))
        out[comp["output_column_name"]] = pairs
    return out


def _gamma_from_weight(weights: np.ndarray, levels: list[tuple[int, float]]) -> np.ndarray:
    """Splink 5 does not return comparison levels: recover them from the level weights."""
    gammas = np.array([g for g, _ in levels])
    level_w = np.array([w for _, w in levels])
    nearest = np.abs(weights[:, None] - level_w[None, :]).argmin(axis=1)
    return gammas[nearest]


def _match_weight_column(raw: pd.DataFrame, name: str) -> pd.Series | None:
    """The field's match weight including any term-frequency adjustment."""
    if f"mw_{name}" in raw:
        mw = raw[f"mw_{name}"].astype(float)
    elif f"bf_{name}" in raw:
        mw = raw[f"bf_{name}"].astype(float).map(math.log2)
    else:
        return None
    for tf_col in (f"mw_tf_adj_{name}", f"bf_tf_adj_{name}"):
        if tf_col in raw:
            adj = raw[tf_col].astype(float)
            mw = mw + (adj if tf_col.startswith("mw_") else adj.map(math.log2))
    return mw


# --- explanation ------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldContribution:
    """How much one field pushed a pair towards (positive) or away from a match."""

    field: str
    level: str
    match_weight: float
    bayes_factor: float

    def __str__(self) -> str:
        arrow = "for" if self.match_weight > 0 else ("against" if self.match_weight < 0 else "neutral")
        return f"{self.field:<12} {self.level:<48} {self.match_weight:+6.2f} ({arrow})"


def explain_pair(row: pd.Series | dict, model: TrainedModel | None = None) -> list[FieldContribution]:
    """Per-field contributions of one scored pair, strongest first.

    With the model, each level's label ("same canonical name", "within a year"...) is
    given; without it, the level number.
    """
    row = dict(row)
    labels: dict[str, list[str]] = {}
    if model is not None:
        for comp in model.splink_model["comparisons"]:
            levels = [lvl for lvl in comp["comparison_levels"] if not lvl.get("is_null_level")]
            # gamma counts down from the most specific level to 0 (else)
            labels[comp["output_column_name"]] = [
                lvl.get("label_for_charts", "") for lvl in reversed(levels)
            ]
    out = []
    for key, value in row.items():
        if not key.startswith("mw_") or value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        name = key[3:]
        gamma = row.get(f"gamma_{name}")
        if gamma is None or gamma == -1:
            level = "missing in one report"
        elif name in labels and 0 <= int(gamma) < len(labels[name]):
            level = labels[name][int(gamma)]
        else:
            level = f"level {gamma}"
        out.append(FieldContribution(name, level, float(value), float(2.0 ** float(value))))
    return sorted(out, key=lambda c: -abs(c.match_weight))


# --- levels of one pair, without training (for tests, docs and review) ------------------


def field_levels(left: dict[str, Any], right: dict[str, Any], settings: LinkageSettings | None = None,
                 fields: list[str] | None = None) -> dict[str, str]:
    """The comparison level each field of two prepared reports falls in, by label.

    Runs the very SQL the model runs (on DuckDB), so it shows how the model sees a pair:
    ``field_levels(prep.iloc[0], prep.iloc[1])["name"]`` -> "same canonical name".
    """
    import duckdb

    settings = settings or LinkageSettings()
    fields = fields or list(settings.fields)
    comps = _settings_creator(settings, fields, []).create_settings_dict("duckdb")["comparisons"]
    columns = sorted({c for f in fields for c in _FIELD_COLUMNS[f]} | {e.column for e in settings.extra_comparisons})
    frame = pd.DataFrame([{
        **{f"{c}_l": _plain_value(left.get(c)) for c in columns},
        **{f"{c}_r": _plain_value(right.get(c)) for c in columns},
    }])
    for c in columns:  # empty lists and all-null columns need a type DuckDB can use
        for side in ("_l", "_r"):
            if c in LIST_COLUMNS and frame.at[0, c + side] is None:
                frame.at[0, c + side] = []
    con = duckdb.connect()
    con.register("pair", frame)
    out = {}
    for comp in comps:
        levels = comp["comparison_levels"]
        cases = " ".join(
            f"WHEN {lvl['sql_condition']} THEN {i}" for i, lvl in enumerate(levels)
            if lvl["sql_condition"] != "ELSE"
        )
        index = con.execute(f"SELECT CASE {cases} ELSE -1 END FROM pair").fetchone()[0]
        chosen = levels[index] if index >= 0 else levels[-1]
        out[comp["output_column_name"]] = chosen.get("label_for_charts", chosen["sql_condition"])
    con.close()
    return out


def _plain_value(v: Any) -> Any:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, np.ndarray):
        return list(v)
    if isinstance(v, np.integer):
        return int(v)
    return v
