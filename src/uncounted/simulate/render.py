"""Writing captured victims down the way each organisation would: names, dates, ages, places.

Every step is vectorised over records except the rare per-record typos. Each list
draws from its own random stream, so its records depend only on the seed, the
population and its own settings.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from uncounted.simulate.config import PERPETRATORS, STATUSES, VIOLATIONS, ListSpec
from uncounted.simulate.names import Vocabulary, add_typo, build_spelling_table
from uncounted.simulate.places import Places

SYNTHETIC = "SYNTHETIC"

# --------------------------------------------------------------------------
# Layouts: each organisation's own headers, id column, date habits and vocabularies
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class DateStyle:
    day: tuple[tuple[str, float], ...]  # (format code, weight)
    month: str
    year: str
    order: str  # how all-numeric dates read: "dmy", "mdy" or "ymd" (as normalize.parse_date's order)
    two_digit_pivot: int | None = None  # yy <= pivot -> 20yy, else 19yy (as normalize.expand_two_digit_year)
    iso_from_year: int | None = None  # full dates from this year on are written yyyy-mm-dd (a newer database)


@dataclass(frozen=True)
class Layout:
    file_stem: str
    columns: tuple[tuple[str, str], ...]  # (header, role)
    id_style: str
    date_style: DateStyle
    date_basis: str  # incident | death | report
    violation_labels: dict[str, str]
    status_labels: dict[str, str]
    perpetrator_labels: dict[str, str]
    so_connectors: tuple[str, ...] = ("s/o", "S/O", "son of")  # male forms; see _RELATION_FORMS

    @property
    def id_column(self) -> str:
        return next(h for h, r in self.columns if r == "record_id")


_PERP_PLAIN = {"army": "Army", "paramilitary": "Rangers", "police": "Police", "intelligence_agency": "Agencies",
               "armed_group": "Armed group", "unknown": "Unknown"}

LAYOUTS: dict[str, Layout] = {
    "families_register": Layout(
        file_stem="families_association",
        columns=(("S.No", "record_id"), ("Name of Victim", "name"), ("Father's Name", "father"), ("Age", "age"),
                 ("Date of Incident", "date"), ("Area", "place"), ("Incident Type", "violation"),
                 ("Status", "status"), ("Remarks", "remarks")),
        id_style="serial",
        date_style=DateStyle(day=(("%d/%m/%Y", 1.0),), month="%m/%Y", year="%Y", order="dmy"),
        date_basis="incident",
        violation_labels={"killing": "Killed", "enforced_disappearance": "Missing", "abduction": "Kidnapped",
                          "arbitrary_detention": "Arrested", "torture": "Tortured", "death_in_custody": "Died in custody"},
        status_labels={"dead": "Dead", "still_missing": "Missing", "released": "Released", "found_dead": "Body found"},
        perpetrator_labels=_PERP_PLAIN,
    ),
    "morgue_book": Layout(
        file_stem="morgue_register",
        columns=(("Entry No", "record_id"), ("Deceased", "name"), ("S/O", "father"), ("Age (yrs)", "age"),
                 ("Date Received", "date"), ("Cause of Death", "cause_of_death"), ("Brought From", "place"),
                 ("Remarks", "remarks")),
        id_style="yearly",
        date_style=DateStyle(day=(("%d-%m-%y", 1.0),), month="%m-%Y", year="%Y", order="dmy", two_digit_pivot=30),
        date_basis="death",
        violation_labels={"killing": "FIREARM INJURIES", "enforced_disappearance": "FIREARM INJURIES, TORTURE MARKS",
                          "abduction": "FIREARM INJURIES, TORTURE MARKS", "arbitrary_detention": "MULTIPLE INJURIES",
                          "torture": "MULTIPLE INJURIES", "death_in_custody": "INJURIES (BROUGHT BY POLICE)"},
        status_labels={s: s for s in STATUSES},
        perpetrator_labels=_PERP_PLAIN,
        so_connectors=("S/O",),
    ),
    "press_archive": Layout(
        file_stem="press_archive",
        columns=(("id", "record_id"), ("name", "name"), ("father_name", "father"), ("age", "age"), ("date", "date"),
                 ("place", "place"), ("event", "violation"), ("perpetrator", "perpetrator"),
                 ("newspaper", "newspaper"), ("notes", "remarks")),
        id_style="press",
        date_style=DateStyle(day=(("%Y-%m-%d", 0.6), ("%d %B %Y", 0.4)), month="%B %Y", year="%Y", order="ymd"),
        date_basis="report",
        violation_labels={"killing": "killed", "enforced_disappearance": "picked up", "abduction": "abducted",
                          "arbitrary_detention": "arrested", "torture": "tortured", "death_in_custody": "died in custody"},
        status_labels={s: s for s in STATUSES},
        perpetrator_labels={"army": "army", "paramilitary": "Rangers", "police": "police",
                            "intelligence_agency": "agencies", "armed_group": "armed men", "unknown": "unidentified men"},
    ),
    "commission_cases": Layout(
        file_stem="rights_commission",
        columns=(("case_id", "record_id"), ("victim_name", "name"), ("parentage", "father"), ("sex", "sex"),
                 ("birth_year", "birth_year"), ("incident_date", "date"), ("district", "district"),
                 ("violation_type", "violation"), ("alleged_perpetrator", "perpetrator"),
                 ("custody_acknowledged", "custody_acknowledged"), ("certainty", "certainty"), ("remarks", "remarks")),
        id_style="case",
        date_style=DateStyle(day=(("%m/%d/%Y-nopad", 1.0),), month="%m/%Y-nopad", year="%Y", order="mdy",
                             iso_from_year=2003),
        date_basis="incident",
        violation_labels={"killing": "extra-judicial execution", "enforced_disappearance": "enforced disappearance",
                          "abduction": "abduction", "arbitrary_detention": "arbitrary detention", "torture": "torture",
                          "death_in_custody": "death in detention"},
        status_labels={s: s for s in STATUSES},
        perpetrator_labels={"army": "Army", "paramilitary": "Paramilitary (Rangers)", "police": "Police",
                            "intelligence_agency": "Intelligence agency", "armed_group": "Armed group", "unknown": "Unknown"},
    ),
    "testimonies": Layout(
        file_stem="testimony_project",
        columns=(("Ref No", "record_id"), ("Full Name", "name"), ("Father/Husband Name", "father"),
                 ("Age at the time", "age"), ("When", "date"), ("Where", "place"), ("What happened", "violation"),
                 ("Who did it", "perpetrator"), ("Notes", "remarks")),
        id_style="testimony",
        date_style=DateStyle(day=(("%d %B %Y", 1.0),), month="%B %Y", year="%Y", order="dmy"),
        date_basis="incident",
        violation_labels={"killing": "killed", "enforced_disappearance": "taken away, never returned",
                          "abduction": "kidnapped", "arbitrary_detention": "detained", "torture": "tortured",
                          "death_in_custody": "died in custody"},
        status_labels={s: s for s in STATUSES},
        perpetrator_labels=_PERP_PLAIN,
        so_connectors=("son of", "s/o", "bin"),
    ),
    "habeas_petitions": Layout(
        file_stem="habeas_petitions",
        columns=(("Petition No", "record_id"), ("Detenue", "name"), ("Father's Name", "father"), ("Age", "age"),
                 ("Date of Arrest", "date"), ("Police Station", "place"), ("Arrested By", "perpetrator"),
                 ("Outcome", "status"), ("Remarks", "remarks")),
        id_style="petition",
        date_style=DateStyle(day=(("%d.%m.%Y", 1.0),), month="%m.%Y", year="%Y", order="dmy"),
        date_basis="incident",
        violation_labels={v: v for v in VIOLATIONS},
        status_labels={"dead": "Dismissed (detenue dead)", "still_missing": "Pending (not traced)",
                       "released": "Released", "found_dead": "Dismissed (body found)"},
        perpetrator_labels=_PERP_PLAIN,
    ),
}

# How a connector changes for a daughter and for a wife.
_RELATION_FORMS = {
    "s/o": ("d/o", "w/o"), "S/O": ("D/O", "W/O"), "son of": ("daughter of", "wife of"), "bin": ("bint", "w/o"),
}

NEWSPAPERS = ("The Morning Courier", "Daily Sada", "Evening Bulletin", "The Karachi Ledger", "Daily Awaaz")


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------


@dataclass
class RenderedList:
    spec: ListSpec
    layout: Layout
    table: pd.DataFrame  # the CSV as the organisation keeps it (all strings)
    person_ids: np.ndarray  # person of each row (truth)
    record_ids: np.ndarray
    duplicates: int


class NameRenderer:
    """Spells name units the way one list does: a habitual spelling per unit plus drift."""

    def __init__(self, vocab: Vocabulary, spec: ListSpec, rng: np.random.Generator):
        h = spec.habits
        overrides = {"Muhammad": h.muhammad_spellings} if h.muhammad_spellings else None
        self.primary = build_spelling_table(vocab, h.spelling_style, overrides)
        other = "arabic" if h.spelling_style == "urdu" else "urdu"
        self.other = build_spelling_table(vocab, other, overrides)
        units = np.arange(len(vocab.units))
        self.house = self.primary.draw(units, rng.random(len(units)))
        self.habits = h

    def spell(self, unit_ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Strings for unit ids (-1 gives "")."""
        n = len(unit_ids)
        out = np.full(n, "", dtype=object)
        present = unit_ids >= 0
        ids = unit_ids[present]
        if not self.habits.spelling_variation:
            out[present] = self.primary.variants[self.primary.offsets[ids]]
            return out
        m = len(ids)
        u_house, u_var, u_style = rng.random(m), rng.random(m), rng.random(m)
        flat = np.where(u_house < self.habits.house_style, self.house[ids], self.primary.draw(ids, u_var))
        strings = self.primary.variants[flat]
        other = u_style < self.habits.arabic_share
        if other.any():
            strings[other] = self.other.variants[self.other.draw(ids[other], u_var[other])]
        out[present] = strings
        return out


def join_parts(*parts: np.ndarray) -> np.ndarray:
    """Join name parts with single spaces, skipping empty ones.

    Names repeat heavily, so the distinct combinations are joined once and mapped back
    (several times faster than joining a million rows).
    """
    parts = tuple(np.asarray(p, dtype=object) for p in parts)
    n = len(parts[0])
    if n < 2000:
        return np.array([" ".join(q for q in t if q) for t in zip(*parts)], dtype=object)
    key = np.zeros(n, dtype=np.int64)
    for p in parts:
        codes, uniques = pd.factorize(p)
        key = pd.factorize(key * (len(uniques) + 1) + codes)[0].astype(np.int64)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    joined = np.array([" ".join(q for q in t if q) for t in zip(*(p[first] for p in parts))], dtype=object)
    return joined[inverse.ravel()]


def render_names(renderer: NameRenderer, hon: np.ndarray, muh: np.ndarray, given: np.ndarray, second: np.ndarray,
                 fam: np.ndarray, muhammad_id: int, rng: np.random.Generator, family_first: float) -> np.ndarray:
    h = renderer.habits
    n = len(given)
    second = np.where(rng.random(n) < h.drop_second, -1, second)
    hon = np.where(rng.random(n) < h.drop_honorific, -1, hon)
    muh_ids = np.where(muh & (rng.random(n) >= h.drop_muhammad), muhammad_id, -1)
    fam = np.where(rng.random(n) < h.drop_family, -1, fam)
    s_hon, s_muh = renderer.spell(hon, rng), renderer.spell(muh_ids, rng)
    s_given, s_fam = renderer.spell(given, rng), renderer.spell(fam, rng)
    if h.initial_given > 0:
        ini = (rng.random(n) < h.initial_given) & ((muh_ids >= 0) | (fam >= 0))
        s_given[ini] = [g[0] + "." for g in s_given[ini]]
    names = join_parts(s_hon, s_muh, s_given, renderer.spell(second, rng))
    if family_first > 0:
        first = (rng.random(n) < family_first) & (fam >= 0)
        names[first] = [f"{f}, {g}" for f, g in zip(s_fam[first], names[first])]
        rest = ~first
        names[rest] = join_parts(names[rest], s_fam[rest])
    else:
        names = join_parts(names, s_fam)
    return names


def _apply_typos(values: np.ndarray, rate: float, rng: np.random.Generator) -> np.ndarray:
    if rate <= 0:
        return values
    hit = np.flatnonzero(rng.random(len(values)) < rate)
    for i in hit:
        values[i] = add_typo(values[i], rng)
    return values


def _format(day: date, fmt: str) -> str:
    if fmt.endswith("-nopad"):
        base = fmt[: -len("-nopad")]
        if base == "%m/%d/%Y":
            return f"{day.month}/{day.day}/{day.year}"
        if base == "%m/%Y":
            return f"{day.month}/{day.year}"
    if "%B" in fmt:  # locale-independent month names
        fmt = fmt.replace("%B", calendar.month_name[day.month])
    return day.strftime(fmt)


def _format_days(days: np.ndarray, fmt: str) -> np.ndarray:
    """Format day numbers (since 1970-01-01) through a lookup on the distinct days."""
    uniq, inv = np.unique(days, return_inverse=True)
    base = date(1970, 1, 1)
    table = np.array([_format(base + timedelta(days=int(d)), fmt) for d in uniq], dtype=object)
    return table[inv]


def render_dates(days: np.ndarray, style: DateStyle, spec: ListSpec, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Date strings and their precision ('day', 'month', 'year')."""
    h = spec.habits
    n = len(days)
    jitter = rng.random(n) < h.date_jitter
    shift = rng.integers(-h.jitter_days, h.jitter_days + 1, size=n) if h.jitter_days > 0 else np.zeros(n, dtype=np.int64)
    days = np.where(jitter, days + shift, days)
    p = np.array(h.date_precision, dtype=float)
    precision = rng.choice(3, size=n, p=p / p.sum())
    out = np.empty(n, dtype=object)
    fmts, weights = zip(*style.day)
    w = np.array(weights, dtype=float)
    which = rng.choice(len(fmts), size=n, p=w / w.sum())
    for i, fmt in enumerate(fmts):
        sel = (precision == 0) & (which == i)
        out[sel] = _format_days(days[sel], fmt)
    if style.iso_from_year is not None:
        first = (np.datetime64(f"{style.iso_from_year}-01-01", "D") - np.datetime64("1970-01-01", "D")).astype(np.int64)
        sel = (precision == 0) & (days >= first)
        out[sel] = _format_days(days[sel], "%Y-%m-%d")
    sel = precision == 1
    out[sel] = _format_days(days[sel], style.month)
    sel = precision == 2
    out[sel] = _format_days(days[sel], style.year)
    return out, np.array(["day", "month", "year"])[precision]


def render_ages(age: np.ndarray, spec: ListSpec, rng: np.random.Generator) -> np.ndarray:
    """Reported ages: some missing, some rounded to 5, some off by 1-3 years (as integers, -1 = missing)."""
    h = spec.habits
    n = len(age)
    age = age.copy()
    noisy = rng.random(n) < h.age_noise
    age[noisy] += rng.choice([-3, -2, -1, 1, 2, 3], size=noisy.sum())
    rounded = rng.random(n) < h.age_round5
    age[rounded] = (np.round(age[rounded] / 5) * 5).astype(age.dtype)
    age = np.maximum(age, 1)
    age[rng.random(n) < h.age_missing] = -1
    return age


def render_places(place: np.ndarray, places: Places, spec: ListSpec, rng: np.random.Generator) -> np.ndarray:
    sp = places.spellings
    house = np.array([sp[i][int(rng.integers(min(3, len(sp[i]))))] for i in range(len(sp))], dtype=object)
    n = len(place)
    counts = np.array([len(s) for s in sp])
    flat = np.array([s for opts in sp for s in opts], dtype=object)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    pick = offsets[place] + np.floor(rng.random(n) * counts[place]).astype(np.int64)
    use_house = rng.random(n) < spec.habits.place_house_style
    return np.where(use_house, house[place], flat[pick])


def _ids(style: str, order_days: np.ndarray, n: int) -> np.ndarray:
    years = (order_days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970) if n else np.array([], dtype=np.int64)
    if style == "serial":
        return np.array([str(i) for i in range(1, n + 1)], dtype=object)
    if style == "press":
        return np.array([f"CLP-{i:06d}" for i in range(1, n + 1)], dtype=object)
    if style == "testimony":
        return np.array([f"T-{i:05d}" for i in range(1, n + 1)], dtype=object)
    seq = np.zeros(n, dtype=np.int64)
    for y in np.unique(years):
        sel = np.flatnonzero(years == y)
        seq[sel] = np.arange(1, len(sel) + 1)
    if style == "yearly":
        return np.array([f"{s:04d}/{y % 100:02d}" for s, y in zip(seq, years)], dtype=object)
    if style == "case":
        return np.array([f"KHI-{y}-{s:05d}" for s, y in zip(seq, years)], dtype=object)
    if style == "petition":
        return np.array([f"HCP {s}/{y}" for s, y in zip(seq, years)], dtype=object)
    raise ValueError(f"unknown id style {style!r}")


def render_list(spec: ListSpec, persons: np.ndarray, pop: pd.DataFrame, vocab: Vocabulary, kinds: dict[str, np.ndarray],
                places: Places, rng: np.random.Generator) -> RenderedList:
    """The rows one organisation would write for the captured ``persons`` (row indices into ``pop``)."""
    layout = LAYOUTS[spec.layout]
    h = spec.habits
    dup = persons[rng.random(len(persons)) < h.duplicate_rate]
    rows = np.concatenate([persons, dup])
    n = len(rows)
    g = {c: pop[c].to_numpy()[rows] for c in pop.columns}

    renderer = NameRenderer(vocab, spec, rng)
    muhammad_id = int(kinds["muhammad"][0])
    female = g["sex"] == "F"
    name = render_names(renderer, g["honorific_id"], g["muhammad"], g["given_id"], g["second_id"], g["family_id"],
                        muhammad_id, rng, h.family_first)
    father = render_names(renderer, g["father_honorific_id"], g["father_muhammad"], g["father_given_id"],
                          g["father_second_id"], g["father_family_id"], muhammad_id, rng, 0.0)
    # A married woman may be identified by her husband instead of her father.
    by_husband = female & (g["husband_given_id"] >= 0) & (rng.random(n) < h.husband_for_women)
    if by_husband.any():
        none = np.full(by_husband.sum(), -1)
        father[by_husband] = render_names(renderer, none, g["husband_muhammad"][by_husband],
                                          g["husband_given_id"][by_husband], none, g["husband_family_id"][by_husband],
                                          muhammad_id, rng, 0.0)
    name = _apply_typos(name, h.typo_rate, rng)
    father = _apply_typos(father, h.typo_rate, rng)
    father[rng.random(n) < h.missing_father] = ""
    late = (father != "") & ~by_husband & (rng.random(n) < h.late_father)
    father[late] = ["Late " + f for f in father[late]]
    mst = female & (rng.random(n) < h.mst_prefix)
    name[mst] = ["Mst. " + x for x in name[mst]]
    in_name = (rng.random(n) < h.father_in_name) & (father != "")
    if in_name.any():
        son = np.array(layout.so_connectors, dtype=object)
        daughter = np.array([_RELATION_FORMS.get(c, (c, c))[0] for c in layout.so_connectors], dtype=object)
        wife = np.array([_RELATION_FORMS.get(c, (c, c))[1] for c in layout.so_connectors], dtype=object)
        idx = rng.integers(len(son), size=n)
        conn = np.where(by_husband, wife[idx], np.where(female, daughter[idx], son[idx]))
        name[in_name] = [f"{a} {c} {b}" for a, c, b in zip(name[in_name], conn[in_name], father[in_name])]
        father[in_name & (rng.random(n) < 0.7)] = ""
    if h.resident_in_name > 0:
        where = rng.random(n) < h.resident_in_name
        name[where] = [f"{x} r/o {p}" for x, p in zip(name[where], np.array(places.names, dtype=object)[g["place"][where]])]

    status = np.array(STATUSES, dtype=object)[g["status"]]
    if layout.date_basis == "death":
        days = np.where(g["death_day"] >= 0, g["death_day"], g["incident_day"])
    elif layout.date_basis == "report":
        days = np.where(status == "found_dead", g["death_day"], g["incident_day"])
    else:
        days = g["incident_day"]
    date_str, _precision = render_dates(days, layout.date_style, spec, rng)
    age = render_ages(g["age"], spec, rng)
    place_str = render_places(g["place"], places, spec, rng)
    violations = np.array(VIOLATIONS, dtype=object)[g["violation"]]

    values: dict[str, np.ndarray] = {
        "name": name,
        "father": father,
        "age": np.where(age >= 0, age.astype(str), ""),
        "birth_year": np.where(age >= 0, (g["year"] - age).astype(str), ""),
        "sex": g["sex"],
        "date": date_str,
        "place": place_str,
        "district": np.array(places.districts, dtype=object)[g["place"]],
        "violation": _labels(g["violation"], VIOLATIONS, layout.violation_labels),
        "status": _labels(g["status"], STATUSES, layout.status_labels),
        "perpetrator": _labels(g["perpetrator"], PERPETRATORS, layout.perpetrator_labels),
        "cause_of_death": _labels(g["violation"], VIOLATIONS, layout.violation_labels),
        "newspaper": np.array(NEWSPAPERS, dtype=object)[rng.integers(len(NEWSPAPERS), size=n)],
        "custody_acknowledged": _custody(violations, rng),
        "certainty": np.array(["confirmed", "likely", "possible"], dtype=object)[rng.choice(3, size=n, p=[0.5, 0.35, 0.15])],
        "remarks": np.full(n, SYNTHETIC, dtype=object),
    }
    if layout.date_basis == "report":  # press: what the paper reported
        found = status == "found_dead"
        values["violation"][found] = "body found"
    if h.uppercase:
        values["name"] = np.array([s.upper() for s in values["name"]], dtype=object)
        values["father"] = np.array([s.upper() for s in values["father"]], dtype=object)
        values["place"] = np.array([s.upper() for s in values["place"]], dtype=object)

    # Organisations keep roughly chronological books: order rows by date with some noise.
    spread = {"serial": 45.0, "yearly": 0.0, "press": 0.0, "case": 60.0, "testimony": 3650.0, "petition": 5.0}[layout.id_style]
    order_key = days + rng.normal(0, spread, size=n) if spread else days + rng.random(n) * 0.5
    order = np.argsort(order_key, kind="stable")
    ids = _ids(layout.id_style, days[order], n)
    table = pd.DataFrame({header: values[role][order] if role != "record_id" else ids for header, role in layout.columns})
    return RenderedList(spec=spec, layout=layout, table=table, person_ids=pop["person_id"].to_numpy()[rows][order],
                        record_ids=ids, duplicates=len(dup))


def _labels(codes: np.ndarray, order: tuple[str, ...], labels: dict[str, str]) -> np.ndarray:
    """The list's own words for integer-coded values."""
    return np.array([labels.get(k, k) for k in order], dtype=object)[codes]


def _custody(violations: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = np.full(len(violations), "", dtype=object)
    out[violations == "enforced_disappearance"] = "No"
    out[np.isin(violations, ["arbitrary_detention", "death_in_custody"])] = "Yes"
    unknown = (out != "") & (rng.random(len(violations)) < 0.1)
    out[unknown] = "Unknown"
    return out
