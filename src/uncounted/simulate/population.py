"""Drawing the synthetic victim population and who each list captures (vectorised numpy)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from uncounted.simulate.config import PERPETRATORS, STATUSES, VIOLATIONS, ScenarioConfig, SimulationError
from uncounted.simulate.names import SAYYID_FAMILIES, Vocabulary, zipf_weights
from uncounted.simulate.places import Places

EPOCH = np.datetime64("1970-01-01", "D")


def stream(seed: int, *key: int) -> np.random.Generator:
    """An independent random stream per purpose, so that changing the lists never changes the population."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


@dataclass
class Population:
    """One row per victim: codes into the vocabularies plus true attributes.

    Dates are whole days since 1970-01-01 (int64). Name parts are unit ids into the
    vocabulary, -1 where absent.
    """

    frame: pd.DataFrame


def _pick(rng: np.random.Generator, weights: dict, n: int, order: tuple[str, ...]) -> np.ndarray:
    p = np.array([weights.get(k, 0.0) for k in order], dtype=float)
    return rng.choice(len(order), size=n, p=p / p.sum())


def _draw_dates(cfg: ScenarioConfig, rng: np.random.Generator, n: int) -> np.ndarray:
    """Incident days: a year by the intensity weights, then a day within it (after the start date)."""
    years = np.array(sorted(y for y in cfg.year_weights if cfg.start_date.year <= y <= cfg.end_year))
    w = np.array([cfg.year_weights[y] for y in years], dtype=float)
    year = years[rng.choice(len(years), size=n, p=w / w.sum())]
    first = np.array([f"{y}-01-01" for y in years], dtype="datetime64[D]")
    first[years == cfg.start_date.year] = np.datetime64(cfg.start_date.isoformat(), "D")
    last = np.array([f"{y}-12-31" for y in years], dtype="datetime64[D]")
    lo = (first - EPOCH).astype(np.int64)
    hi = (last - EPOCH).astype(np.int64)
    idx = np.searchsorted(years, year)
    return lo[idx] + np.floor(rng.random(n) * (hi[idx] - lo[idx] + 1)).astype(np.int64)


def draw_population(cfg: ScenarioConfig, vocab: Vocabulary, kinds: dict[str, np.ndarray], places: Places, seed: int) -> Population:
    rng = stream(seed, 0)
    n = cfg.victims
    female = rng.random(n) < cfg.female_share
    violation = _pick(rng, cfg.violation_weights, n, VIOLATIONS)
    status_p = np.array([cfg.status_given_violation.get(v, (1, 0, 0, 0)) for v in VIOLATIONS], dtype=float)
    status_p /= status_p.sum(axis=1, keepdims=True)
    cum = np.cumsum(status_p, axis=1)[violation]
    status = np.minimum((rng.random(n)[:, None] > cum).sum(axis=1), len(STATUSES) - 1)
    perpetrator = _pick(rng, cfg.perpetrator_weights, n, PERPETRATORS)

    incident = _draw_dates(cfg, rng, n)
    death = np.full(n, -1, dtype=np.int64)
    st = np.array(STATUSES)[status]
    death[st == "dead"] = incident[st == "dead"]
    found = st == "found_dead"
    death[found] = incident[found] + 1 + np.minimum(rng.geometric(1 / 25, size=found.sum()), 400)
    year = (incident.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970)

    lo, hi = cfg.age_range
    age = np.clip(np.round(lo + rng.gamma(2.2, (cfg.age_mean - lo) / 2.2, size=n)), lo, hi).astype(np.int64)
    birth_year = year - age - (rng.random(n) < 0.5)

    names = _draw_names(cfg, kinds, rng, female, vocab)
    place = rng.choice(len(places.names), size=n, p=places.weights)
    visibility = rng.normal(0.0, cfg.visibility_sd, size=n) if cfg.visibility_sd > 0 else np.zeros(n)
    if cfg.visibility_classes:
        shares = np.array([c[0] for c in cfg.visibility_classes], dtype=float)
        shifts = np.array([c[1] for c in cfg.visibility_classes], dtype=float)
        visibility = visibility + shifts[rng.choice(len(shares), size=n, p=shares / shares.sum())]

    width = max(6, len(str(n)))
    frame = pd.DataFrame({
        "person_id": [f"SYN-P{i:0{width}d}" for i in range(1, n + 1)],
        "sex": np.where(female, "F", "M"),
        **names,
        "birth_year": birth_year,
        "age": age,
        "incident_day": incident,
        "death_day": death,
        "year": year,
        "place": place,
        "violation": violation,
        "perpetrator": perpetrator,
        "status": status,
        "visibility": visibility,
    })
    return Population(frame)


def _draw_names(cfg: ScenarioConfig, kinds: dict[str, np.ndarray], rng: np.random.Generator,
                female: np.ndarray, vocab: Vocabulary) -> dict[str, np.ndarray]:
    """Name parts of victims and their fathers, with heavy (Zipf-like) repetition."""
    n = len(female)
    z = cfg.name_zipf_exponent
    male_given, female_given, family = kinds["given_male"], kinds["given_female"], kinds["family"]
    given = np.where(
        female,
        female_given[rng.choice(len(female_given), size=n, p=zipf_weights(len(female_given), z))],
        male_given[rng.choice(len(male_given), size=n, p=zipf_weights(len(male_given), z))],
    )
    fam_rank = rng.choice(len(family), size=n, p=zipf_weights(len(family), 0.9, 2.0))
    has_family = rng.random(n) < cfg.p_family_name
    fam = np.where(has_family, family[fam_rank], -1)

    sayyid_ids = {vocab.index[f] for f in SAYYID_FAMILIES}
    is_sayyid = np.isin(fam, list(sayyid_ids))
    is_baig = fam == vocab.index["Baig"]
    hon_m, hon_f = kinds["honorific_male"], kinds["honorific_female"]
    other_m = hon_m[1:]  # not Syed
    other_f = hon_f[1:]
    random_hon = rng.random(n) < cfg.p_honorific
    pick_m = other_m[rng.integers(len(other_m), size=n)]
    pick_f = other_f[rng.integers(len(other_f), size=n)]
    hon = np.where(random_hon, np.where(female, pick_f, pick_m), -1)
    syed = is_sayyid & (rng.random(n) < 0.7)
    hon = np.where(syed, np.where(female, hon_f[0], hon_m[0]), hon)
    mirza = is_baig & (rng.random(n) < 0.6)
    hon = np.where(mirza, vocab.index["Mirza"], hon)
    muh = (~female) & (rng.random(n) < cfg.p_muhammad)

    f_given = male_given[rng.choice(len(male_given), size=n, p=zipf_weights(len(male_given), z))]
    f_muh = rng.random(n) < cfg.p_muhammad
    keep_family = rng.random(n) < 0.85
    own_family = np.where(rng.random(n) < 0.4, family[rng.choice(len(family), size=n, p=zipf_weights(len(family), 0.9, 2.0))], -1)
    f_fam = np.where((fam >= 0) & keep_family, fam, np.where(fam >= 0, -1, own_family))
    f_hon = np.where(syed | mirza, np.where(syed, hon_m[0], vocab.index["Mirza"]), -1)
    # Married women are often identified by their husband (w/o) rather than their father.
    married = female & (rng.random(n) < 0.7)
    h_given = np.where(married, male_given[rng.choice(len(male_given), size=n, p=zipf_weights(len(male_given), z))], -1)
    h_muh = married & (rng.random(n) < cfg.p_muhammad)
    h_fam = np.where(married & (fam >= 0), fam, -1)
    sm, sf = kinds["second_male"], kinds["second_female"]
    second = np.where(
        female,
        sf[rng.choice(len(sf), size=n, p=zipf_weights(len(sf), z))],
        sm[rng.choice(len(sm), size=n, p=zipf_weights(len(sm), z))],
    )
    compound = np.array([(" " in u or "|" in u) for u in vocab.units])
    second = np.where((rng.random(n) < cfg.p_second_name) & (second != given) & ~compound[given], second, -1)
    f_second = sm[rng.choice(len(sm), size=n, p=zipf_weights(len(sm), z))]
    f_second = np.where((rng.random(n) < cfg.p_second_name) & (f_second != f_given) & ~compound[f_given], f_second, -1)
    return {
        "honorific_id": hon, "muhammad": muh, "given_id": given, "second_id": second, "family_id": fam,
        "father_second_id": f_second,
        "father_honorific_id": f_hon, "father_muhammad": f_muh, "father_given_id": f_given, "father_family_id": f_fam,
        "husband_given_id": h_given, "husband_muhammad": h_muh, "husband_family_id": h_fam,
    }


def draw_captures(cfg: ScenarioConfig, pop: Population, seed: int, districts: list[str]) -> np.ndarray:
    """A victims x lists boolean matrix: who each list would record.

    Capture log-odds = logit(coverage[violation]) + loading * visibility
    + year effect + district effect + dependence on earlier lists. Coverage 0, a blind status or a
    year outside the list's active years makes the probability exactly zero.
    """
    rng = stream(seed, 1)
    f = pop.frame
    n, k = len(f), len(cfg.lists)
    captured = np.zeros((n, k), dtype=bool)
    index = {s.source: j for j, s in enumerate(cfg.lists)}
    status = np.array(STATUSES)[f["status"].to_numpy()]
    year = f["year"].to_numpy()
    visibility = f["visibility"].to_numpy()
    for j, spec in enumerate(cfg.lists):
        u = rng.random(n)  # drawn for every list, so lists do not shift each other's streams
        if spec.capture_all:
            captured[:, j] = True
            continue
        base = np.array([spec.coverage.get(v, 0.0) for v in VIOLATIONS])[f["violation"].to_numpy()]
        with np.errstate(divide="ignore"):
            logit = np.log(np.clip(base, 1e-12, 1)) - np.log(np.clip(1 - base, 1e-12, 1))
        logit = logit + spec.visibility_loading * visibility
        if spec.year_log_odds:
            logit = logit + _map_years(year, spec.year_log_odds)
        if spec.district_log_odds:
            unknown = sorted(set(spec.district_log_odds) - set(districts))
            if unknown:
                raise SimulationError(f"list {spec.source!r}: unknown districts {unknown} in district_log_odds; "
                                      f"known: {districts}")
            by_place = np.array([spec.district_log_odds.get(d, 0.0) for d in districts])
            logit = logit + by_place[f["place"].to_numpy()]
        for other, shift in spec.dependence.items():
            logit = logit + shift * captured[:, index[other]]
        p = 1.0 / (1.0 + np.exp(-logit))
        p[base <= 0] = 0.0
        p[base >= 1] = 1.0
        if spec.blind_to_status:
            p[np.isin(status, spec.blind_to_status)] = 0.0
        if spec.active_years:
            a, b = spec.active_years
            p[(year < a) | (year > b)] = 0.0
        captured[:, j] = u < p
    return captured


def _map_years(year: np.ndarray, table: dict[int, float]) -> np.ndarray:
    lo = int(year.min())
    lookup = np.array([table.get(y, 0.0) for y in range(lo, int(year.max()) + 1)])
    return lookup[year - lo]
