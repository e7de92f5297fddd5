"""How well the name model joins spellings of one name, on SYNTHETIC lists from `uncounted.simulate`.

Prints (asserts nothing):
1. unit variants: the share (weighted by how often the simulator writes each spelling) of spelling
   variants of each name unit whose name_key differs from the canonical spelling's key;
2. records: for the names written on the demo scenario's lists, name_similarity between records
   of the same person (should be high) and of random different persons (should be low), and how
   often records of one person share a name key.
Run: .venv/bin/python benchmarks/bench_normalize_names_simulated.py [seed]
"""

from __future__ import annotations

import collections
import random
import sys

import numpy as np

from uncounted.normalize.namekey import name_key, name_similarity
from uncounted.simulate import names as simulated_names
from uncounted.simulate.config import scenario_config
from uncounted.simulate.scenario import simulate_scenario

NAME_COLUMNS = ("Name of Victim", "Deceased", "name", "victim_name")


def unit_variant_mismatch() -> tuple[int, int, float]:
    units = simulated_names.build_vocabulary()[0].units
    total = misses = 0
    weight_all = weight_missed = 0.0
    for style in ("urdu", "arabic"):
        for unit in units:
            key = name_key(simulated_names.canonical_spelling(unit))
            for variant, weight in simulated_names.unit_variants(unit, style, 30):
                total += 1
                weight_all += weight
                if name_key(variant) != key:
                    misses += 1
                    weight_missed += weight
    return total, misses, weight_missed / weight_all


def record_pairs(seed: int) -> None:
    scenario = simulate_scenario(scenario_config("demo"), seed=seed)
    records = []
    for rendered in scenario.lists:
        column = next(c for c in rendered.table.columns if c in NAME_COLUMNS)
        records += [(str(n), str(p)) for n, p in zip(rendered.table[column], rendered.person_ids)]
    by_person = collections.defaultdict(list)
    for name, person in records:
        by_person[person].append(name)
    same = [(a, b) for names in by_person.values() for i, a in enumerate(names) for b in names[i + 1:]]
    rng = random.Random(seed)
    different = []
    while len(different) < 20_000:
        (a, pa), (b, pb) = rng.choice(records), rng.choice(records)
        if pa != pb:
            different.append((a, b))
    s_same = np.array([name_similarity(a, b) for a, b in same])
    s_diff = np.array([name_similarity(a, b) for a, b in different])
    key_same = np.mean([name_key(a) == name_key(b) for a, b in same])
    print(f"records of one person: {len(same):,} pairs; similarity >= 0.8: {np.mean(s_same >= 0.8):.3f}, "
          f">= 0.9: {np.mean(s_same >= 0.9):.3f}; same name_key: {key_same:.3f}")
    print(f"records of different persons: {len(different):,} random pairs; similarity >= 0.8: {np.mean(s_diff >= 0.8):.4f}, "
          f">= 0.9: {np.mean(s_diff >= 0.9):.4f} (common names repeat: many different persons share a name)")


def main() -> None:
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    total, misses, share = unit_variant_mismatch()
    print("SYNTHETIC names from uncounted.simulate (benchmarks/bench_normalize_names_simulated.py)")
    print(f"unit spelling variants: {total:,}; key differs from the canonical spelling's: {misses} "
          f"(weighted share {share:.4f})")
    record_pairs(seed)


if __name__ == "__main__":
    main()
