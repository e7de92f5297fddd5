"""The claims ledger: each claim beside the documented count and the estimate for its scope.

Pure functions (no database): `claim_scope`, `compare_claim`, `record_coverage`,
`documented_count`, `matching_estimate` and `ledger_rows`. `uncounted.claims.store` feeds
them from a workspace.

Verdicts (see docs/claims.md):
  within            the claim's range overlaps the estimate's interval
  above             the claim's lower bound is above the interval's upper bound
  below_interval    the claim's upper bound is below the interval's lower bound, but not
                    below the documented count
  below_documented  the claim's upper bound is below the number of persons already
                    documented by name in that scope
  not_comparable    the record does not cover that scope, or no estimate matches it
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Iterable

VERDICTS = ("within", "above", "below_interval", "below_documented", "not_comparable")

# Claim violations (docs/claims.md) -> the record's violation codes (normalize.vocab).
VIOLATION_CODES: dict[str, tuple[str, ...]] = {
    "killing": ("killing", "death_in_custody"),
    "enforced disappearance": ("enforced_disappearance",),
    "abduction": ("abduction",),
    "arbitrary detention": ("arbitrary_detention",),
    "torture": ("torture",),
    "injury": ("injury",),
    "displacement": ("displacement",),
}


@dataclass(frozen=True)
class Verdict:
    verdict: str
    reason: str

    def to_dict(self) -> dict:
        return asdict(self)


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def claim_scope(claim: dict) -> dict:
    """What a claim counts: violation (with the record's codes), places named, period."""
    violation = claim.get("violation")
    period = claim.get("period") or {}
    return {
        "violation": violation,
        "violation_codes": list(VIOLATION_CODES.get(violation or "", ())),
        "place": claim.get("place"),
        "places": split_places(claim.get("place")),
        "period": {"start": period.get("start"), "end": period.get("end")},
    }


def split_places(place: str | None) -> list[str]:
    """'Hyderabad, Karachi and Larkana' -> ['Hyderabad', 'Karachi', 'Larkana']."""
    if not place:
        return []
    parts = re.split(r",\s*|\s+and\s+", place)
    return [p.strip() for p in parts if p.strip()]


def _words(text: str) -> set[str]:
    text = re.sub(r"['’]s\b", "", text.lower())
    return {w for w in re.findall(r"[\w-]+", text) if w not in ("the", "of", "area", "district",
                                                                 "province", "city", "town")}


def place_matches(claim_place: str, value: str | None) -> bool:
    """A record place matches a claimed place when one's words contain the other's."""
    if not value or not claim_place:
        return False
    a, b = _words(claim_place), _words(value)
    return bool(a and b) and (a <= b or b <= a)


class PlaceMatcher:
    """Matches record places to claimed places by words and, given a gazetteer, by hierarchy:
    a neighbourhood or district of Karachi lies within a claim about "Karachi"."""

    def __init__(self, gazetteer: Any = None):
        self.gazetteer = gazetteer
        self._cache: dict[tuple[str, str], bool] = {}

    def __call__(self, claim_place: str, value: str | None) -> bool:
        if not value or not claim_place:
            return False
        key = (claim_place, value)
        if key not in self._cache:
            self._cache[key] = place_matches(claim_place, value) or self._within(claim_place, value)
        return self._cache[key]

    def _within(self, claim_place: str, value: str) -> bool:
        if self.gazetteer is None:
            return False
        target = self.gazetteer.lookup(claim_place)
        if target is None:
            return False
        for cand in self.gazetteer.candidates(value):
            if cand.place_id == target.place_id or target.place_id in {
                    a.place_id for a in self.gazetteer.ancestors(cand.place_id)}:
                return True
        return False


_WORDS_ONLY = PlaceMatcher()


def _fmt(x: float | int | None) -> str:
    if x is None:
        return "?"
    return f"{x:,.0f}"


def _claim_range(q: dict) -> str:
    lo, hi = q.get("lower"), q.get("upper")
    if lo is not None and hi is not None:
        return _fmt(lo) if lo == hi else f"{_fmt(lo)}–{_fmt(hi)}"
    if lo is not None:
        return f"at least {_fmt(lo)}"
    return f"at most {_fmt(hi)}"


def compare_claim(claim: dict, documented: int | None, estimate: dict | None) -> Verdict:
    """Compare a claim's figure with the documented count and the estimate for its scope.

    `documented` is the number of linked persons in the scope (None: the record does not
    cover the scope). `estimate` has "estimate" and "interval" [low, high] (and optionally
    "level", "run_id"); None when no estimate matches the scope.
    """
    q = claim.get("quantity") or {}
    lo, hi = q.get("lower"), q.get("upper")
    said = f"the claim ({q.get('text') or _claim_range(q)}: {_claim_range(q)})"
    if lo is None and hi is None:
        return Verdict("not_comparable", "the claim gives no figure")
    if documented is None and estimate is None:
        return Verdict("not_comparable", "the record does not cover this scope "
                       f"({_scope_text(claim_scope(claim))})")
    if documented is not None and hi is not None and hi < documented:
        return Verdict("below_documented", f"{said} is below the {documented:,} persons already "
                       "documented by name in this scope")
    interval = (estimate or {}).get("interval") or [None, None]
    ilo, ihi = (interval + [None, None])[:2]
    if estimate is None or ilo is None or ihi is None:
        doc = f"; {documented:,} persons are documented, which the claim does not contradict" \
            if documented is not None else ""
        return Verdict("not_comparable", f"no estimate matches this scope{doc}")
    level = estimate.get("level") or 0.95
    point = estimate.get("estimate")
    where = f"the {level:.0%} interval [{_fmt(ilo)}, {_fmt(ihi)}] of the estimate {_fmt(point)}"
    if estimate.get("combined"):
        where = (f"the combined range [{_fmt(ilo)}, {_fmt(ihi)}] (sum of the strata's {level:.0%} "
                 f"bounds, conservative) of the estimate {_fmt(point)}")
    if lo is not None and lo > ihi:
        return Verdict("above", f"{said} is above the upper bound of {where}")
    if hi is not None and hi < ilo:
        doc = f" (documented: {documented:,})" if documented is not None else ""
        return Verdict("below_interval", f"{said} is below the lower bound of {where}, but not "
                       f"below the documented count{doc}")
    return Verdict("within", f"{said} overlaps {where}")


def _scope_text(scope: dict) -> str:
    period = scope["period"]
    span = "any period" if not (period["start"] or period["end"]) else \
        f"{period['start'] or '…'} to {period['end'] or '…'}"
    return f"{scope['violation']}, {scope['place'] or 'any place'}, {span}"


# --------------------------------------------------------------------------------------
# The record's coverage and documented counts, from person-level rows


def record_coverage(persons: Iterable[dict]) -> dict:
    """Violations, places and years the record's persons cover."""
    violations, places, locations, years = set(), set(), set(), []
    for p in persons:
        if p.get("violation"):
            violations.add(p["violation"])
        for key in ("place", "district"):
            if p.get(key):
                places.add(p[key])
        if p.get("place") or p.get("district"):
            locations.add((p.get("place"), p.get("district")))
        if p.get("year") is not None:
            years.append(int(p["year"]))
    return {"violations": violations, "places": places, "locations": locations,
            "years": (min(years), max(years)) if years else None}


def _all_within(claim_places: list[str], locations: set, match=_WORDS_ONLY) -> bool:
    """True when every located person of the record lies in one of the claimed places."""
    return bool(locations) and all(
        any(match(cp, place) or match(cp, district) for cp in claim_places)
        for place, district in locations)


def _claim_years(scope: dict) -> tuple[int | None, int | None]:
    start, end = _as_date(scope["period"]["start"]), _as_date(scope["period"]["end"])
    return (start.year if start else None, end.year if end else None)


def _in_scope(person: dict, scope: dict, match=_WORDS_ONLY) -> bool:
    if person.get("violation") not in scope["violation_codes"]:
        return False
    if scope["places"] and not any(match(cp, person.get(k)) for cp in scope["places"]
                                   for k in ("place", "district")):
        return False
    y0, y1 = _claim_years(scope)
    if y0 is not None or y1 is not None:
        year = person.get("year")
        if year is None:
            return False
        if (y0 is not None and year < y0) or (y1 is not None and year > y1):
            return False
    return True


def covers(coverage: dict, scope: dict, match=_WORDS_ONLY) -> bool:
    """True when the record holds persons of this violation, in these places and years."""
    if not set(scope["violation_codes"]) & coverage["violations"]:
        return False
    if scope["places"] and not all(any(match(cp, v) for v in coverage["places"])
                                   for cp in scope["places"]):
        return False
    y0, y1 = _claim_years(scope)
    if coverage["years"] and (y0 is not None or y1 is not None):
        r0, r1 = coverage["years"]
        if (y1 is not None and y1 < r0) or (y0 is not None and y0 > r1):
            return False
    return True


def documented_count(persons: list[dict], scope: dict, coverage: dict | None = None,
                     match=_WORDS_ONLY) -> int | None:
    """Persons documented in the scope (its part the record covers); None if not covered.

    Persons without a known year are left out when the claim names a period, so the count
    is a floor for that period.
    """
    coverage = coverage or record_coverage(persons)
    if not covers(coverage, scope, match):
        return None
    return sum(1 for p in persons if _in_scope(p, scope, match))


def candidate_estimates(runs: Iterable[dict]) -> list[dict]:
    """Stratum estimates from stored runs: {stratum, estimate, interval, level, run_id, method}."""
    out = []
    for run in runs:
        result = run.get("result") or {}
        level = run.get("level") or result.get("level")
        base = {"run_id": run.get("id"), "method": run.get("method"), "level": level}
        scope = run.get("scope") or {}
        if isinstance(scope.get("stratum"), dict):  # one stored row per stratum
            out.append({**base, "stratum": scope["stratum"], "estimate": run.get("estimate"),
                        "interval": list(run.get("interval") or [None, None])})
            continue
        strata = result.get("strata") or []
        for st in strata:
            if st.get("stratum"):
                out.append({**base, "stratum": st["stratum"], "estimate": st.get("estimate"),
                            "interval": list(st.get("interval") or [None, None])})
        out.append({**base, "stratum": {}, "estimate": run.get("estimate"),
                    "interval": list(run.get("interval") or [None, None])})
    return out


def matching_estimate(estimates: list[dict], scope: dict, coverage: dict,
                      match=_WORDS_ONLY) -> dict | None:
    """The newest estimate for exactly the claim's scope, or None.

    A dimension a stratum does not restrict matches only when the record itself holds just
    that value (all persons are killings, all in Karachi); the claim's period must span the
    record's years (or a year stratum's). When the claim's violation covers several of the
    record's codes (a killing includes deaths in custody), the strata of one run are
    combined: points add, and the interval is the sum of the strata's bounds, a conservative
    (Bonferroni) interval for the total.
    """
    codes = [c for c in scope["violation_codes"] if c in coverage["violations"]]
    if not codes:
        return None
    by_run: dict[Any, list[dict]] = {}
    for est in estimates:
        by_run.setdefault(est.get("run_id"), []).append(est)
    for run_id in sorted(by_run, key=lambda r: -(r or 0)):
        strata = [e for e in by_run[run_id] if _other_dimensions_ok(e, scope, coverage, match)]
        whole = [e for e in strata if e.get("stratum", {}).get("violation") is None and
                 coverage["violations"] <= set(scope["violation_codes"])]
        if whole:
            return whole[0]
        chosen = []
        for code in codes:
            found = [e for e in strata if (e.get("stratum") or {}).get("violation") == code]
            if not found:
                break
            chosen.append(found[0])
        else:
            return chosen[0] if len(chosen) == 1 else _combine(chosen)
    return None


def _other_dimensions_ok(est: dict, scope: dict, coverage: dict, match) -> bool:
    stratum = est.get("stratum") or {}
    if set(stratum) - {"violation", "place", "district", "year"}:
        return False  # strata by sex, perpetrator, ... are narrower than any claim
    place = stratum.get("place") or stratum.get("district")
    if scope["places"]:
        if place is not None:
            if not any(match(cp, place) for cp in scope["places"]):
                return False
        elif not _all_within(scope["places"], coverage["locations"], match):
            return False
    elif place is not None:
        return False
    y0, y1 = _claim_years(scope)
    if y0 is not None or y1 is not None:
        years = (int(stratum["year"]),) * 2 if stratum.get("year") is not None else coverage["years"]
        if years is None or (y0 if y0 is not None else years[0],
                             y1 if y1 is not None else years[1]) != tuple(years):
            return False
    elif stratum.get("year") is not None:
        return False
    return True


def _combine(parts: list[dict]) -> dict | None:
    lows = [p["interval"][0] for p in parts]
    highs = [p["interval"][1] for p in parts]
    points = [p.get("estimate") for p in parts]
    if any(v is None for v in lows + highs + points):
        return None
    return {"run_id": parts[0].get("run_id"), "method": parts[0].get("method"),
            "level": parts[0].get("level"), "estimate": sum(points),
            "interval": [sum(lows), sum(highs)],
            "stratum": {"violation": [p["stratum"].get("violation") for p in parts]},
            "combined": "sum of stratum estimates; interval = sum of their bounds (conservative)"}


def _dimension_ok(value: Any, record_values: set, ok) -> bool:
    if value is not None:
        return bool(ok(value))
    return bool(record_values) and all(ok(v) for v in record_values)


def ledger_rows(claims: list[dict], persons: list[dict] | None, runs: list[dict],
                gazetteer: Any = None) -> list[dict]:
    """One ledger row per claim: scope, documented count, matching estimate, verdict.

    With a gazetteer (normalize.places.Gazetteer), places also match by hierarchy.
    """
    persons = persons or []
    match = PlaceMatcher(gazetteer)
    coverage = record_coverage(persons)
    estimates = candidate_estimates(runs)
    rows = []
    for claim in claims:
        scope = claim_scope(claim)
        documented = documented_count(persons, scope, coverage, match) if persons else None
        estimate = matching_estimate(estimates, scope, coverage, match) if persons and \
            documented is not None else None
        verdict = compare_claim(claim, documented, estimate)
        rows.append({"claim": claim, "scope": scope, "documented": documented,
                     "estimate": estimate, "verdict": verdict.verdict, "reason": verdict.reason})
    return rows
