"""Derive the columns that linkage compares from one row per report.

Names are turned into canonical tokens by ``uncounted.normalize.namekey`` (romanisation
variants such as Rehman/Rahman, Mohd/Muhammad, joined or split compounds collapse to the
same token; honorifics and the Muhammad prefix become optional). From those tokens this
module builds plain columns that SQL can compare on any backend:

=================  =============================================================
name_full          canonical core tokens in written order ("exact" level)
name_key           canonical core tokens sorted (order-free "token set" level)
name_tokens        list of canonical core tokens (overlap levels)
name_rare          the core tokens that are rare in these reports (rare overlap)
name_rare1         the single rarest core token (blocking)
name_first/_last   first and last core token
name_skel          sorted consonant skeletons of the tokens (blocking on typos)
name_btok          the tokens that are not very common (blocking; list)
name_bskel         their consonant skeletons (blocking on typos; list)
name_b1, name_b2   the rarest and second-rarest of name_btok (blocking; scalars)
name_s1            consonant skeleton of name_b1; name_p3 / name_l3 its first / last
                   three letters (blocking on typos)
father_*           the same for the father's (or husband's) name
event_day_start    first/last possible day of the event as days since 1970-01-01,
event_day_end      so a month-only date spans the whole month
event_year         year of event_day_start; event_year2 that of 182 days later
birth_year_min/max as given, or derived from an age and the event date
event_place_path   the place, then the places containing it (from the reports' place/parent pairs)
violation_cmp,     violation and perpetrator to compare: missing for a list that gives one
perpetrator_cmp    value to 95% or more of its reports
event_2y(2), event_w3(b), birth_w5(b): offset date and birth windows for blocking
=================  =============================================================
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

import numpy as np
import pandas as pd

from uncounted.errors import LinkageError
from uncounted.link import _names

__all__ = ["prepare_reports", "INPUT_COLUMNS", "RARE_TOKEN_SHARE"]

INPUT_COLUMNS = (
    "report_key", "source", "name_raw", "given_name", "family_name", "father_name",
    "sex", "birth_year_min", "birth_year_max", "event_date_start", "event_date_end",
    "event_date_precision", "event_place", "event_place_parent", "violation",
    "perpetrator_category", "victim_status",
)
# Column names used by the record (uncounted.records) -> the names used here.
_STORE_ALIASES = {"name_given": "given_name", "name_family": "family_name"}
# A token carried by fewer than this share of reports counts as rare.
RARE_TOKEN_SHARE = 0.002
# Tokens carried by more than this share of reports are too common to block on alone.
BLOCK_TOKEN_SHARE = 0.01
# ... and, in big data, more than this many reports (blocks stay small at a million reports).
BLOCK_TOKEN_MAX = 500
_EPOCH = np.datetime64("1970-01-01", "D")


def _clean_text(v) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return None
    s = str(v).strip()
    return s or None


_FAMILY_FIRST = re.compile(r"^\s*([^\W\d_][\w'.-]*)\s*,\s*(\S.*)$")


def _split_family_first(raw: str) -> tuple[str | None, str | None]:
    """Own and father's name, putting a family-first form in written order.

    "Qureshi, Muhammad Iqbal s/o Akram" -> ("Muhammad Iqbal Qureshi", "Akram").
    """
    m = _FAMILY_FIRST.match(raw)
    if m is None:
        return _names.split_raw_name(raw)
    family, rest = m.groups()
    own, father = _names.split_raw_name(rest)
    return (f"{own} {family}" if own else family), father


def _person_name(row: dict) -> tuple[str | None, str | None]:
    """The report's own full name and the father's name.

    The raw name is preferred (parsed again here so that a family-first form such as
    "Qureshi, Muhammad Iqbal" is put in written order); given/family parts are used
    when there is no raw name.
    """
    given, family, father = (_clean_text(row.get(c)) for c in ("given_name", "family_name", "father_name"))
    raw = _clean_text(row.get("name_raw"))
    if raw is None:
        return (" ".join(p for p in (given, family) if p) or None), father
    own, parsed_father = _split_family_first(raw)
    return own or " ".join(p for p in (given, family) if p) or None, father or parsed_father


@lru_cache(maxsize=500_000)
def _skeleton(token: str) -> str:
    """Consonant skeleton: first letter kept, vowels and y/w/h dropped, doubles collapsed."""
    if not token:
        return token
    out = [token[0]]
    for ch in token[1:]:
        if ch in "aeiouyhw":
            continue
        if ch != out[-1]:
            out.append(ch)
    return "".join(out)


def _token_columns(tokens_series: pd.Series, prefix: str, rare_share: float) -> pd.DataFrame:
    """Comparison columns for one name (own or father's) from its canonical tokens.

    Names repeat heavily, so every column is computed once per distinct token list.
    """
    as_tuples = tokens_series.map(lambda t: tuple(t) if t else ())
    codes, uniques = pd.factorize(as_tuples, sort=False)
    counts = np.bincount(codes, minlength=len(uniques))
    doc_freq: Counter[str] = Counter()
    for toks, c in zip(uniques, counts):
        for t in set(toks):
            doc_freq[t] += int(c)
    n = max(len(tokens_series), 1)
    rare_cutoff = max(rare_share * n, 2.0)
    common_cutoff = max(min(BLOCK_TOKEN_SHARE * n, BLOCK_TOKEN_MAX), 2.0)

    def derive(toks: tuple[str, ...]) -> tuple:
        if not toks:
            return (None,) * 16
        rarest = min(toks, key=lambda t: (doc_freq[t], t))
        kept = sorted({t for t in toks if doc_freq[t] <= common_cutoff}) or [rarest]
        # the two rarest block tokens as scalars: each blocking rule is then a plain equi-join
        by_rarity = sorted(kept, key=lambda t: (doc_freq[t], t))
        b1 = by_rarity[0]
        return (
            " ".join(toks), " ".join(sorted(toks)), list(toks),
            sorted({t for t in toks if doc_freq[t] <= rare_cutoff}), rarest,
            toks[0], toks[0][:1], toks[-1], " ".join(sorted(_skeleton(x) for x in toks)),
            kept, sorted({_skeleton(x) for x in kept}),
            b1, by_rarity[1] if len(by_rarity) > 1 else None, _skeleton(b1),
            b1[:3], b1[-3:] if len(b1) >= 4 else None,
        )

    names = ["full", "key", "tokens", "rare", "rare1", "first", "initial", "last", "skel", "btok", "bskel",
             "b1", "b2", "s1", "p3", "l3"]
    table = [derive(t) for t in uniques]
    out = pd.DataFrame(index=tokens_series.index)
    for i, name in enumerate(names):
        values = np.empty(len(table), dtype=object)
        values[:] = [row[i] for row in table]
        out[f"{prefix}_{name}"] = values[codes]
    return out


def _to_day_numbers(values: pd.Series) -> pd.Series:
    dates = pd.to_datetime(values, errors="coerce", format="mixed", dayfirst=False)
    days = (dates.values.astype("datetime64[D]") - _EPOCH).astype("float64")
    days[pd.isna(dates).to_numpy()] = np.nan
    return pd.Series(days, index=values.index)


def _dates_of_day_numbers(days: pd.Series) -> pd.Series:
    """Dates of day numbers (days since 1970-01-01; NaN for none). Not through
    ``pd.to_datetime(..., unit="D")``: pandas 2 reads the fraction of a NaN from memory it never
    set, and raises FloatingPointError when that memory happens to hold a huge number."""
    values = days.to_numpy(dtype="float64", na_value=np.nan)
    known = ~np.isnan(values)
    dates = np.full(values.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    dates[known] = values[known].astype("int64").astype("datetime64[D]")
    return pd.Series(dates.astype("datetime64[s]"), index=days.index)


# Day numbers (days since 1970-01-01) outside 1800-2199 are misreadings, not dates.
_PLAUSIBLE_DAYS = (-62_091, 84_006)


def _event_days(df: pd.DataFrame) -> pd.DataFrame:
    """First and last possible day of the event; a missing end follows the precision."""
    with np.errstate(all="ignore"):  # NaN arithmetic on missing dates is expected here
        return _event_days_unchecked(df)


def _event_days_unchecked(df: pd.DataFrame) -> pd.DataFrame:
    start = _to_day_numbers(df["event_date_start"]) if "event_date_start" in df else pd.Series(np.nan, index=df.index)
    end = _to_day_numbers(df["event_date_end"]) if "event_date_end" in df else pd.Series(np.nan, index=df.index)
    if end.isna().any() and start.notna().any():
        precision = df.get("event_date_precision", pd.Series(None, index=df.index)).astype("object")
        start_dates = pd.to_datetime(df["event_date_start"], errors="coerce", format="mixed")
        month_end = (start_dates + pd.offsets.MonthEnd(0))
        year_end = start_dates + pd.offsets.YearEnd(0)
        derived = start.copy()
        is_month = precision.isin(["month"])
        is_year = precision.isin(["year"])
        derived[is_month] = _to_day_numbers(month_end)[is_month]
        derived[is_year] = _to_day_numbers(year_end)[is_year]
        end = end.fillna(derived)
    start = start.where(start.between(*_PLAUSIBLE_DAYS))
    end = end.where(end.between(*_PLAUSIBLE_DAYS))
    out = pd.DataFrame(index=df.index)
    out["event_day_start"] = start.astype("Int64")
    out["event_day_end"] = end.astype("Int64")
    dates = _dates_of_day_numbers(start)
    years = dates.dt.year
    out["event_year"] = years.astype("Int64")
    # two 61-day windows offset by 30 days: reports within 30 days share one of them
    out["event_month"] = (years * 12 + dates.dt.month).astype("Int64")
    # windows for blocking on a (possibly common) first name: 61 days wide in a list of
    # 30,000 reports or fewer, narrower in bigger data (7 days at a million) so blocks stay small
    width = int(np.clip(round(61 * 30_000 / max(len(df), 1)), 7, 61))
    out["event_fwin"] = (start // width).astype("Int64")
    out["event_fwin2"] = ((start + width // 2) // width).astype("Int64")
    out["event_win"] = (start // 61).astype("Int64")
    out["event_win2"] = ((start + 30) // 61).astype("Int64")
    # the year of the day half a year later: two reports within ~6 months of each other
    # share event_year or event_year2, so blocking on both misses no pair across New Year
    shifted = _dates_of_day_numbers(start + 182).dt.year
    out["event_year2"] = shifted.astype("Int64")
    # blocking windows: two-year windows offset by a year (reports within a year share
    # one), three-day windows offset by a day (reports a day apart share one)
    out["event_2y"] = (start // 730).astype("Int64")
    out["event_2y2"] = ((start + 365) // 730).astype("Int64")
    out["event_w3"] = (start // 3).astype("Int64")
    out["event_w3b"] = ((start + 1) // 3).astype("Int64")
    return out


def _place_paths(place: pd.Series, parent: pd.Series) -> pd.Series:
    """Each report's place followed by the places that contain it, as far as the reports tell.

    Lists record places at different levels (one gives the neighbourhood, another the
    town or district), so "nazimabad" within "karachi central" must not count as a
    disagreement. The hierarchy is read from the (place, parent) pairs the reports give:
    "karachi central" is the parent of "nazimabad" in one report and a place with parent
    "karachi" in another, so the path of "nazimabad" is [nazimabad, karachi central, karachi].
    """
    known = pd.DataFrame({"p": place, "q": parent}).dropna()
    known = known[known["p"] != known["q"]]
    parent_of = known.drop_duplicates("p").set_index("p")["q"].to_dict()

    @lru_cache(maxsize=None)
    def path(p: str) -> tuple[str, ...]:
        out = [p]
        while out[-1] in parent_of and parent_of[out[-1]] not in out and len(out) < 10:
            out.append(parent_of[out[-1]])
        return tuple(out)

    values = []
    for p, q in zip(place, parent):
        if p is None:
            values.append(None)
            continue
        chain = list(path(p))
        if q is not None and q not in chain:  # this report's own parent, if the first one seen differs
            chain.insert(1, q)
        values.append(chain)
    return pd.Series(values, index=place.index, dtype=object)


# A list that gives one value to at least this share of its reports (and has at least
# LIST_CONSTANT_MIN reports with a value) records that field for itself, not per person.
LIST_CONSTANT_SHARE = 0.95
LIST_CONSTANT_MIN = 50


def _without_list_constants(values: pd.Series, source: pd.Series) -> pd.Series:
    """The values to compare, with those of lists that give (nearly) every report the same one left out.

    A morgue register that calls every death "torture", or a families' list where every
    entry is a disappearance, says what kind of list it is, not what happened to the
    person: when another list calls the same person's case a killing, the difference
    is between the lists. Such values compare as missing (neutral).
    """
    out = values.copy()
    for _, part in values.groupby(source, sort=False):
        given = part.dropna()
        if len(given) >= LIST_CONSTANT_MIN and given.value_counts(normalize=True).iloc[0] >= LIST_CONSTANT_SHARE:
            out[part.index] = None
    return out


def _categorical(series: pd.Series) -> pd.Series:
    return series.map(lambda v: (_clean_text(v) or "").lower() or None)


def prepare_reports(df: pd.DataFrame, *, rare_token_share: float = RARE_TOKEN_SHARE) -> pd.DataFrame:
    """Add the derived comparison columns to a frame with one row per report.

    Args:
        df: columns as in ``INPUT_COLUMNS``; only report_key and source are required,
            the others may be missing or None. Extra columns are kept (they can be
            compared through ``LinkageSettings.extra_comparisons``).
        rare_token_share: a name token carried by at most this share of the reports
            (and at least 2 reports) counts as rare.

    Returns:
        A new frame: the inputs, ``unique_id`` (= report_key) and the derived columns.
    """
    for needed in ("report_key", "source"):
        if needed not in df.columns:
            raise LinkageError(f"prepare_reports needs a {needed!r} column; got columns {list(df.columns)}.")
    if df["report_key"].isna().any():
        raise LinkageError("Some reports have no report_key; every report needs a unique, stable key.")
    dup = df["report_key"][df["report_key"].duplicated()]
    if len(dup):
        raise LinkageError(f"report_key must be unique; {len(dup)} repeat, e.g. {dup.iloc[0]!r}.")

    out = df.copy()
    for store_name, name in _STORE_ALIASES.items():
        if store_name in out.columns and name not in out.columns:
            out[name] = out[store_name]
    for col in INPUT_COLUMNS:
        if col not in out.columns:
            out[col] = None
    out["report_key"] = out["report_key"].astype(str)
    out["source"] = out["source"].astype(str)
    out["unique_id"] = out["report_key"]

    name_cols = ["name_raw", "given_name", "family_name", "father_name"]
    # each distinct combination of the name columns is parsed once
    combos = out[name_cols].astype(object).where(out[name_cols].notna(), None)
    codes, uniques = pd.factorize(pd.Series(list(zip(*(combos[c] for c in name_cols)))), sort=False)
    parsed = [_person_name(dict(zip(name_cols, u))) for u in uniques]
    own_father = [parsed[c] for c in codes]
    own_tokens = pd.Series([_names.core_tokens(o) if o else None for o, _ in own_father], index=out.index)
    father_tokens = pd.Series([_names.core_tokens(f) if f else None for _, f in own_father], index=out.index)
    out["name_person"] = [o for o, _ in own_father]
    out["father_person"] = [f for _, f in own_father]
    derived = [_token_columns(own_tokens, "name", rare_token_share),
               _token_columns(father_tokens, "father", rare_token_share)]
    # the record keeps its own name_key column: the derived one replaces it here
    out = out.drop(columns=[c for d in derived for c in d.columns if c in out.columns])
    out = pd.concat([out, *derived], axis=1)

    out["sex"] = _categorical(out["sex"]).map(lambda s: None if s is None else s[:1])
    for col in ("birth_year_min", "birth_year_max"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("Int64")
    out["birth_year_min"] = out["birth_year_min"].fillna(out["birth_year_max"])
    out["birth_year_max"] = out["birth_year_max"].fillna(out["birth_year_min"])
    # five-year birth windows offset by two years, for blocking
    out["birth_w5"] = (out["birth_year_min"] // 5).astype("Int64")
    out["birth_w5b"] = ((out["birth_year_min"] + 2) // 5).astype("Int64")
    days = _event_days(out)
    out = pd.concat([out.drop(columns=[c for c in days.columns if c in out.columns]), days], axis=1)
    for col in ("event_place", "event_place_parent", "violation", "perpetrator_category", "victim_status"):
        out[col] = _categorical(out[col])
    out["event_place_path"] = _place_paths(out["event_place"], out["event_place_parent"])
    out["violation_cmp"] = _without_list_constants(out["violation"], out["source"])
    out["perpetrator_cmp"] = _without_list_constants(out["perpetrator_category"], out["source"])
    return out
