"""Places for the synthetic scenario: Karachi neighbourhoods, their districts and spellings.

The neighbourhoods are real place names; everything that happens in them here is
invented. When the normalize module's gazetteer
(``uncounted/normalize/data/gazetteer_karachi.csv``) is present its spellings are
added to the variants below; the internal table keeps the simulator working
without it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# name, district (as in 1992-2012), relative weight, extra spellings
_KARACHI: list[tuple[str, str, float, tuple[str, ...]]] = [
    ("Liaquatabad", "Karachi Central", 3.0, ("Liaqat Abad", "Liaquat Abad", "Liaqatabad", "Lalukhet")),
    ("F.B. Area", "Karachi Central", 2.5, ("Federal B Area", "FB Area", "Federal B. Area", "F B Area")),
    ("Nazimabad", "Karachi Central", 2.0, ("Nazim Abad",)),
    ("North Nazimabad", "Karachi Central", 2.0, ("N. Nazimabad", "North Nazim Abad")),
    ("New Karachi", "Karachi Central", 2.0, ("New Karachi Town",)),
    ("Gulbahar", "Karachi Central", 1.0, ("Gul Bahar",)),
    ("Orangi Town", "Karachi West", 2.5, ("Orangi", "Orangi Township")),
    ("Baldia Town", "Karachi West", 1.2, ("Baldia",)),
    ("SITE", "Karachi West", 0.8, ("S.I.T.E.", "Site Area")),
    ("Korangi", "Karachi East", 2.2, ("Korangi Town", "Korangi No. 2")),
    ("Landhi", "Karachi East", 1.8, ("Landhi Town",)),
    ("Shah Faisal Colony", "Karachi East", 1.2, ("Shah Faisal", "Shahfaisal Colony", "Drigh Colony")),
    ("Gulshan-e-Iqbal", "Karachi East", 1.5, ("Gulshan e Iqbal", "Gulshan-i-Iqbal", "Gulshan Iqbal")),
    ("Jamshed Town", "Karachi East", 0.8, ("Jamshed Road",)),
    ("Malir", "Malir", 1.5, ("Malir City", "Malir Colony")),
    ("Shah Latif Town", "Malir", 0.5, ("Shah Latif",)),
    ("Lyari", "Karachi South", 1.5, ("Lyari Town", "Liyari")),
    ("Saddar", "Karachi South", 0.8, ("Sadar", "Saddar Town")),
    ("Golimar", "Karachi Central", 0.7, ("Goli Mar",)),
    ("Pak Colony", "Karachi West", 0.6, ("Pakistan Colony",)),
    ("Lines Area", "Karachi South", 0.6, ("Lines Area Jacob Lines", "Jacob Lines")),
    ("Pirabad", "Karachi West", 0.5, ("Pir Abad", "Peerabad")),
    ("Mehmoodabad", "Karachi East", 0.6, ("Mahmoodabad", "Mehmood Abad")),
    ("Azizabad", "Karachi Central", 0.9, ("Aziz Abad",)),
]

DISTRICTS = ["Karachi Central", "Karachi East", "Karachi West", "Karachi South", "Malir"]

GAZETTEER_PATH = Path(__file__).resolve().parent.parent / "normalize" / "data" / "gazetteer_karachi.csv"


@dataclass(frozen=True)
class Places:
    names: list[str]
    districts: list[str]
    weights: np.ndarray
    spellings: list[list[str]]  # canonical first


# Districts of today that did not exist in 1992-2012, as the districts of that time.
_HISTORICAL_DISTRICT = {"Korangi District": "Karachi East", "Keamari District": "Karachi West",
                        "Malir District": "Malir"}
_EXTRA_PLACE_WEIGHT = 0.25  # gazetteer places not in the internal table: a little violence everywhere


def karachi_places() -> Places:
    """Karachi neighbourhoods: the internal table, enriched and extended by the gazetteer when present.

    The internal table sets where violence concentrates (its weights). The normalize module's
    gazetteer adds spellings to those places and adds its other towns and neighbourhoods with
    a small weight; their districts are the districts of 1992-2012.
    """
    names = [n for n, *_ in _KARACHI]
    districts = [d for _, d, *_ in _KARACHI]
    weights = [w for _, _, w, _ in _KARACHI]
    spellings = [[n, *extra] for n, _, _, extra in _KARACHI]
    rows = _read_gazetteer()
    by_id = {r["place_id"]: r for r in rows}
    matched: set[str] = set()
    for i, own in enumerate(spellings):
        own_lower = {x.lower() for x in own}
        for r in rows:
            if r["level"] not in ("town", "neighbourhood"):
                continue
            theirs = [r["name"], *r["variants"]]
            if own_lower & {x.lower() for x in theirs}:
                matched.add(r["place_id"])
                for x in theirs:
                    if x.lower() not in {y.lower() for y in spellings[i]}:
                        spellings[i].append(x)
    for r in rows:
        if r["level"] not in ("town", "neighbourhood") or r["place_id"] in matched:
            continue
        district = _district_of(r, by_id)
        if district is None:
            continue
        names.append(r["name"])
        districts.append(district)
        weights.append(_EXTRA_PLACE_WEIGHT)
        spellings.append([r["name"], *[v for v in r["variants"] if v.lower() != r["name"].lower()]])
    w = np.array(weights, dtype=float)
    return Places(names, districts, w / w.sum(), spellings)


def _district_of(row: dict, by_id: dict[str, dict]) -> str | None:
    seen = 0
    while row is not None and seen < 10:
        if row["level"] == "district":
            name = row["name"]
            return _HISTORICAL_DISTRICT.get(name, name) if _HISTORICAL_DISTRICT.get(name, name) in DISTRICTS else None
        row = by_id.get(row.get("parent_id", ""))
        seen += 1
    return None


def _read_gazetteer() -> list[dict]:
    """Rows of the gazetteer (place_id, name, variants, parent_id, level), or [] if absent or unreadable."""
    if not GAZETTEER_PATH.exists():
        return []
    try:
        with GAZETTEER_PATH.open(newline="", encoding="utf-8") as fh:
            raw = list(csv.DictReader(fh))
    except (OSError, csv.Error, UnicodeDecodeError):
        return []
    rows = []
    for r in raw:
        if not r.get("place_id") or not r.get("name"):
            continue
        variants = [v.strip() for v in (r.get("variants") or "").split("|") if v.strip()]
        rows.append({"place_id": r["place_id"].strip(), "name": r["name"].strip(), "variants": variants,
                     "parent_id": (r.get("parent_id") or "").strip(), "level": (r.get("level") or "").strip()})
    return rows
