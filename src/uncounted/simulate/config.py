"""Settings of a synthetic scenario: the population, the lists and each list's habits.

Defaults are modelled on the demo scenario: a large city (Karachi), an operation
beginning 19 June 1992, killings and disappearances over two decades, and four
documenting organisations. Everything generated from these settings is SYNTHETIC.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date

from uncounted.errors import UncountedError

VIOLATIONS = ("killing", "enforced_disappearance", "abduction", "arbitrary_detention", "torture", "death_in_custody")
STATUSES = ("dead", "still_missing", "released", "found_dead")
PERPETRATORS = ("army", "paramilitary", "police", "intelligence_agency", "armed_group", "unknown")
LIST_KINDS = ("ngo_list", "testimony", "press", "statement", "official", "morgue_or_hospital", "other")
LAYOUTS = ("families_register", "morgue_book", "press_archive", "commission_cases", "testimonies", "habeas_petitions")


class SimulationError(UncountedError):
    """A scenario's settings are inconsistent or out of range."""


@dataclass
class ListHabits:
    """How one organisation writes names, dates, ages and places.

    Probabilities are per record unless said otherwise.
    """

    spelling_style: str = "urdu"  # "urdu" or "arabic" romanisation
    spelling_variation: bool = True  # False: every name part in its canonical spelling
    arabic_share: float = 0.0  # share of records spelled in the other style than spelling_style
    house_style: float = 0.6  # chance a name part takes the list's habitual spelling
    muhammad_spellings: dict[str, float] | None = None  # e.g. {"Muhammad": .6, "Mohd.": .4}
    drop_muhammad: float = 0.15
    drop_family: float = 0.2
    drop_honorific: float = 0.3
    drop_second: float = 0.1  # leave out a second given element ("Asif Iqbal" -> "Asif")
    family_first: float = 0.0  # "Qureshi, Muhammad Iqbal"
    father_in_name: float = 0.0  # "Muhammad Iqbal s/o Abdul Ghafoor" in the name column
    initial_given: float = 0.0  # "M. Iqbal" style initials of the first given word
    uppercase: bool = False
    typo_rate: float = 0.02  # per name field
    missing_father: float = 0.1
    husband_for_women: float = 0.3  # a married woman's relative column holds her husband (w/o)
    late_father: float = 0.03  # "Late Abdul Ghafoor"
    mst_prefix: float = 0.0  # "Mst." before women's names (police, court and hospital habit)
    resident_in_name: float = 0.0  # "... r/o Lyari" appended to the name column
    date_precision: tuple[float, float, float] = (1.0, 0.0, 0.0)  # day, month-only, year-only
    date_jitter: float = 0.05  # share of dates off by a few days
    jitter_days: int = 3
    age_missing: float = 0.05
    age_round5: float = 0.2
    age_noise: float = 0.15  # share of ages off by 1-3 years
    duplicate_rate: float = 0.02  # share of persons listed twice
    place_house_style: float = 0.7


@dataclass
class ListSpec:
    """One documenting organisation: what it sees and how it writes it down."""

    source: str
    kind: str
    layout: str
    title: str
    coverage: dict[str, float]  # chance of listing a victim of median visibility, by violation (missing = 0)
    blind_to_status: tuple[str, ...] = ()  # structural zeros: never lists victims with these statuses
    active_years: tuple[int, int] | None = None  # outside these years the list cannot see anyone
    visibility_loading: float = 1.0  # how strongly the shared latent visibility acts on this list
    dependence: dict[str, float] = field(default_factory=dict)  # earlier list -> log-odds added if listed there
    year_log_odds: dict[int, float] = field(default_factory=dict)
    district_log_odds: dict[str, float] = field(default_factory=dict)  # where the organisation is strong or weak
    capture_all: bool = False  # list every victim once (for big single-list benchmark files)
    habits: ListHabits = field(default_factory=ListHabits)


def _year_weights() -> dict[int, float]:
    peak = {1992: 3.0, 1993: 3.5, 1994: 4.0, 1995: 5.0, 1996: 3.5}
    other = {1997: 1.2, 1998: 1.8, 1999: 1.5, 2000: 0.8, 2001: 0.7, 2002: 0.8, 2003: 0.7, 2004: 0.7,
             2005: 0.7, 2006: 0.8, 2007: 1.0, 2008: 1.1, 2009: 1.2, 2010: 1.5, 2011: 1.8, 2012: 1.5}
    return {**peak, **other}


def default_lists() -> list[ListSpec]:
    """The six organisations; scenarios use the first k (four by default)."""
    return [
        ListSpec(
            source="families_association", kind="ngo_list", layout="families_register",
            title="A families' association register of the killed and the disappeared",
            coverage={"killing": 0.22, "enforced_disappearance": 0.55, "abduction": 0.35,
                      "arbitrary_detention": 0.15, "torture": 0.12, "death_in_custody": 0.35},
            visibility_loading=0.8,
            district_log_odds={"Karachi Central": 0.5, "Karachi West": -0.3, "Malir": -0.5},
            habits=ListHabits(house_style=0.55, drop_muhammad=0.1, drop_family=0.15, father_in_name=0.25,
                              mst_prefix=0.15, late_father=0.06,
                              missing_father=0.08, date_precision=(0.55, 0.33, 0.12), date_jitter=0.15,
                              jitter_days=5, age_round5=0.35, age_noise=0.2, duplicate_rate=0.04,
                              typo_rate=0.03,
                              muhammad_spellings={"Muhammad": 0.55, "Mohammad": 0.3, "Mohd": 0.08, "M.": 0.07}),
        ),
        ListSpec(
            source="morgue_register", kind="morgue_or_hospital", layout="morgue_book",
            title="A city hospital's medico-legal book of bodies received",
            coverage={"killing": 0.6, "enforced_disappearance": 0.65, "abduction": 0.6,
                      "arbitrary_detention": 0.4, "torture": 0.5, "death_in_custody": 0.5},
            blind_to_status=("still_missing", "released"),
            visibility_loading=0.4,
            habits=ListHabits(house_style=0.7, drop_muhammad=0.2, drop_family=0.35, drop_honorific=0.5,
                              uppercase=True, typo_rate=0.05, missing_father=0.3, mst_prefix=0.7,
                              resident_in_name=0.1, husband_for_women=0.5,
                              date_precision=(1.0, 0.0, 0.0), date_jitter=0.2, jitter_days=1,
                              age_missing=0.02, age_round5=0.5, age_noise=0.35, duplicate_rate=0.01,
                              muhammad_spellings={"Muhammad": 0.4, "Mohammad": 0.3, "Mohd": 0.2, "Md.": 0.1}),
        ),
        ListSpec(
            source="press_archive", kind="press", layout="press_archive",
            title="A press-clippings archive",
            coverage={"killing": 0.3, "enforced_disappearance": 0.2, "abduction": 0.18,
                      "arbitrary_detention": 0.08, "torture": 0.05, "death_in_custody": 0.4},
            visibility_loading=1.3,
            year_log_odds={1992: 0.4, 1993: 0.4, 1994: 0.5, 1995: 0.6, 1996: 0.4},
            habits=ListHabits(house_style=0.4, drop_muhammad=0.25, drop_family=0.3, initial_given=0.05,
                              missing_father=0.55, date_precision=(0.95, 0.05, 0.0), date_jitter=0.25,
                              jitter_days=2, age_missing=0.45, age_round5=0.15, duplicate_rate=0.07,
                              typo_rate=0.03,
                              muhammad_spellings={"Mohd.": 0.35, "Muhammad": 0.3, "Mohammad": 0.2, "M.": 0.1, "Md.": 0.05}),
        ),
        ListSpec(
            source="rights_commission", kind="official", layout="commission_cases",
            title="A human-rights commission's case files",
            coverage={"killing": 0.12, "enforced_disappearance": 0.3, "abduction": 0.12,
                      "arbitrary_detention": 0.2, "torture": 0.2, "death_in_custody": 0.35},
            visibility_loading=1.0,
            dependence={"press_archive": 1.0},
            habits=ListHabits(spelling_style="urdu", arabic_share=0.25, house_style=0.65, drop_muhammad=0.05,
                              drop_family=0.1, drop_honorific=0.2, family_first=0.15, missing_father=0.05,
                              date_precision=(0.85, 0.1, 0.05), date_jitter=0.05, age_missing=0.1,
                              duplicate_rate=0.02, typo_rate=0.015,
                              muhammad_spellings={"Muhammad": 0.8, "Mohammad": 0.2}),
        ),
        ListSpec(
            source="testimony_project", kind="testimony", layout="testimonies",
            title="A testimony project's interviews with relatives (collected years later)",
            coverage={"killing": 0.15, "enforced_disappearance": 0.3, "abduction": 0.2,
                      "arbitrary_detention": 0.1, "torture": 0.15, "death_in_custody": 0.2},
            visibility_loading=0.6,
            dependence={"families_association": 0.8},
            habits=ListHabits(spelling_style="arabic", arabic_share=0.3, house_style=0.4, father_in_name=0.1,
                              missing_father=0.15, date_precision=(0.3, 0.4, 0.3), date_jitter=0.3,
                              jitter_days=10, age_round5=0.5, age_noise=0.3, duplicate_rate=0.03,
                              typo_rate=0.04),
        ),
        ListSpec(
            source="habeas_petitions", kind="other", layout="habeas_petitions",
            title="Lawyers' register of habeas corpus petitions",
            coverage={"killing": 0.0, "enforced_disappearance": 0.25, "abduction": 0.05,
                      "arbitrary_detention": 0.35, "torture": 0.05, "death_in_custody": 0.1},
            visibility_loading=0.7,
            dependence={"families_association": 0.5},
            habits=ListHabits(house_style=0.7, drop_family=0.1, father_in_name=0.5, missing_father=0.02,
                              mst_prefix=0.6, resident_in_name=0.3, late_father=0.08,
                              date_precision=(0.9, 0.1, 0.0), age_missing=0.2, duplicate_rate=0.05,
                              muhammad_spellings={"Muhammad": 0.9, "M.": 0.1}),
        ),
    ]


@dataclass
class ScenarioConfig:
    """Everything that defines a synthetic scenario except the seed."""

    name: str = "demo"
    victims: int = 4000
    city: str = "Karachi"
    start_date: date = date(1992, 6, 19)
    end_year: int = 2012
    year_weights: dict[int, float] = field(default_factory=_year_weights)
    violation_weights: dict[str, float] = field(default_factory=lambda: {
        "killing": 0.45, "enforced_disappearance": 0.3, "abduction": 0.08,
        "arbitrary_detention": 0.08, "torture": 0.05, "death_in_custody": 0.04})
    # P(status | violation): dead, still_missing, released, found_dead
    status_given_violation: dict[str, tuple[float, float, float, float]] = field(default_factory=lambda: {
        "killing": (1.0, 0.0, 0.0, 0.0),
        "enforced_disappearance": (0.0, 0.6, 0.15, 0.25),
        "abduction": (0.0, 0.2, 0.5, 0.3),
        "arbitrary_detention": (0.0, 0.05, 0.95, 0.0),
        "torture": (0.1, 0.0, 0.9, 0.0),
        "death_in_custody": (1.0, 0.0, 0.0, 0.0)})
    perpetrator_weights: dict[str, float] = field(default_factory=lambda: {
        "army": 0.1, "paramilitary": 0.3, "police": 0.25, "intelligence_agency": 0.1,
        "armed_group": 0.15, "unknown": 0.1})
    female_share: float = 0.06
    age_range: tuple[int, int] = (14, 70)
    age_mean: float = 27.0
    visibility_sd: float = 1.0  # latent per-victim visibility (heterogeneity); 0 = none
    # Optional latent classes: ((share, shift), ...); visibility = shift of the victim's class + Normal(0, sd).
    visibility_classes: tuple[tuple[float, float], ...] | None = None
    name_zipf_exponent: float = 1.1
    p_muhammad: float = 0.45
    p_family_name: float = 0.6
    p_honorific: float = 0.15
    p_second_name: float = 0.3  # a second given element: "Asif Iqbal", "Rehana Begum"
    lists: list[ListSpec] = field(default_factory=lambda: default_lists()[:4])

    def validate(self) -> None:
        if self.victims < 1:
            raise SimulationError(f"victims must be at least 1, got {self.victims}; pass --victims N with N >= 1")
        if self.city != "Karachi":
            raise SimulationError(f"only Karachi's places are available, got city {self.city!r}")
        if not 1 <= len(self.lists) <= 12:
            raise SimulationError(f"a scenario needs 1 to 12 lists, got {len(self.lists)}")
        names = [s.source for s in self.lists]
        if len(set(names)) != len(names):
            raise SimulationError(f"list source names must be unique, got {names}")
        for i, spec in enumerate(self.lists):
            if spec.kind not in LIST_KINDS:
                raise SimulationError(f"list {spec.source!r}: kind {spec.kind!r} is not one of {LIST_KINDS}")
            if spec.layout not in LAYOUTS:
                raise SimulationError(f"list {spec.source!r}: layout {spec.layout!r} is not one of {LAYOUTS}")
            unknown = set(spec.coverage) - set(VIOLATIONS)
            if unknown:
                raise SimulationError(f"list {spec.source!r}: unknown violations in coverage {sorted(unknown)}; use {VIOLATIONS}")
            bad = [v for v in spec.coverage.values() if not 0.0 <= v <= 1.0]
            if bad:
                raise SimulationError(f"list {spec.source!r}: coverage values must be between 0 and 1, got {bad}")
            earlier = set(names[:i])
            for other in spec.dependence:
                if other not in earlier:
                    raise SimulationError(
                        f"list {spec.source!r} depends on {other!r}, which is not an earlier list; "
                        f"dependence can only point to lists before it: {sorted(earlier)}")
            if spec.habits.spelling_style not in ("urdu", "arabic"):
                raise SimulationError(f"list {spec.source!r}: spelling_style must be 'urdu' or 'arabic'")
        if abs(sum(self.violation_weights.values())) <= 0:
            raise SimulationError("violation_weights must not all be zero")
        if self.visibility_classes is not None:
            shares = [c[0] for c in self.visibility_classes]
            if not shares or min(shares) < 0 or abs(sum(shares) - 1) > 1e-6:
                raise SimulationError(f"visibility_classes shares must be >= 0 and sum to 1, got {shares}")
        for v in self.violation_weights:
            if v not in VIOLATIONS or v not in self.status_given_violation:
                raise SimulationError(f"violation {v!r} needs an entry in status_given_violation; known: {VIOLATIONS}")

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["start_date"] = self.start_date.isoformat()
        d["year_weights"] = {str(k): v for k, v in self.year_weights.items()}
        for spec in d["lists"]:
            spec["year_log_odds"] = {str(k): v for k, v in spec["year_log_odds"].items()}
        return d


SCENARIOS = ("demo", "independent", "romanisation", "clean")


def scenario_config(name: str = "demo", *, victims: int | None = None, lists: int | None = None) -> ScenarioConfig:
    """A named scenario's settings.

    - ``demo``: the Karachi scenario with heterogeneity, dependence and messy lists.
    - ``independent``: same lists, but no heterogeneity and no dependence (the textbook case).
    - ``romanisation``: 20,000 victims, heavier spelling variation (the linkage benchmark).
    - ``clean``: no spelling variation, typos, partial dates or duplicates (for debugging linkage).
    """
    if name not in SCENARIOS:
        raise SimulationError(f"unknown scenario {name!r}; choose one of {', '.join(SCENARIOS)}")
    k = 4 if lists is None else lists
    if not 1 <= k <= len(default_lists()):
        raise SimulationError(f"--lists must be between 1 and {len(default_lists())}, got {k}")
    specs = default_lists()[:k]
    names = {s.source for s in specs}
    for s in specs:  # drop dependence on lists left out
        s.dependence = {o: v for o, v in s.dependence.items() if o in names}
    cfg = ScenarioConfig(name=name, lists=specs)
    if name == "independent":
        cfg.visibility_sd = 0.0
        for s in cfg.lists:
            s.dependence = {}
            s.year_log_odds = {}
            s.district_log_odds = {}
    elif name == "romanisation":
        cfg.victims = 20000
        for s in cfg.lists:
            h = s.habits
            h.house_style = min(h.house_style, 0.25)
            h.arabic_share = max(h.arabic_share, 0.2)
            h.typo_rate = max(h.typo_rate, 0.04)
            h.drop_family = max(h.drop_family, 0.25)
    elif name == "clean":
        for s in cfg.lists:
            s.habits = ListHabits(house_style=1.0, drop_muhammad=0.0, drop_family=0.0, drop_honorific=0.0, drop_second=0.0,
                                  typo_rate=0.0, missing_father=0.0, date_jitter=0.0, age_missing=0.0,
                                  age_round5=0.0, age_noise=0.0, duplicate_rate=0.0, place_house_style=1.0,
                                  muhammad_spellings={"Muhammad": 1.0}, uppercase=s.habits.uppercase,
                                  husband_for_women=0.0, late_father=0.0,
                                  spelling_variation=False)
    if victims is not None:
        cfg.victims = victims
    return cfg


def single_list_config(rows: int) -> ScenarioConfig:
    """Benchmark settings: one families' register that records every victim exactly once.

    ``rows`` victims give exactly ``rows`` data rows (no duplicates), with the usual
    spelling, date and age habits, for import and linkage benchmarks on big files.
    """
    if rows < 1:
        raise SimulationError(f"--single-list-rows must be at least 1, got {rows}")
    spec = default_lists()[0]
    spec.capture_all = True
    spec.habits.duplicate_rate = 0.0
    return ScenarioConfig(name="single_list", victims=rows, lists=[spec])
