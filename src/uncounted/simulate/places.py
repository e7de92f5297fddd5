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


def karachi_places() -> Places:
    """The internal Karachi table, with spellings from the gazetteer when it exists."""
    names = [n for n, *_ in _KARACHI]
    districts = [d for _, d, *_ in _KARACHI]
    weights = np.array([w for _, _, w, _ in _KARACHI], dtype=float)
    spellings = [[n, *extra] for n, _, _, extra in _KARACHI]
    for i, more in enumerate(_gazetteer_spellings(names)):
        for s in more:
            if s not in spellings[i]:
                spellings[i].append(s)
    return Places(names, districts, weights / weights.sum(), spellings)


def _gazetteer_spellings(names: list[str]) -> list[list[str]]:
    """Extra spellings per neighbourhood from the gazetteer, tolerant of its exact layout."""
    found: list[list[str]] = [[] for _ in names]
    if not GAZETTEER_PATH.exists():
        return found
    lookup = {n.lower(): i for i, n in enumerate(names)}
    try:
        with GAZETTEER_PATH.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, csv.Error, UnicodeDecodeError):
        return found
    for row in rows:
        values = [v.strip() for v in row.values() if isinstance(v, str) and v.strip()]
        hit = next((lookup[v.lower()] for v in values if v.lower() in lookup), None)
        if hit is None:
            continue
        for key, v in row.items():
            if key and any(w in key.lower() for w in ("variant", "alias", "spelling", "alt")) and isinstance(v, str):
                for s in v.replace(";", "|").split("|"):
                    if s.strip():
                        found[hit].append(s.strip())
    return found
