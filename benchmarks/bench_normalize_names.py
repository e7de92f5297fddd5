"""How fast the name model is: names/s for name_key and pairs/s for name_similarity.

Synthetic names only (built here from common given and family names with random spelling
variants); prints figures, asserts nothing. Times are CPU time of this process (process_time), so
that a busy shared machine disturbs them less. Run: .venv/bin/python benchmarks/bench_normalize_names.py
"""

from __future__ import annotations

import random
import time

from uncounted.normalize import namekey

GIVEN = ["Muhammad", "Mohd", "Mohammad", "Ali", "Aly", "Hussain", "Husain", "Abdul Rehman", "Abdur Rahman",
         "Iqbal", "Javed", "Jawed", "Waseem", "Wasim", "Farooq", "Faruq", "Owais", "Awais", "Salahuddin",
         "Salah-ud-Din", "Rahmatullah", "Rehmat Ullah", "Imran", "Kamran", "Zubair", "Zubaida", "Nasreen",
         "Rehana", "Fatima", "Ayesha", "Ghulam", "Rasool", "Asif", "Tariq", "Khurshid", "Khursheed", "Gohar"]
FAMILY = ["Khan", "Qureshi", "Quraishi", "Siddiqui", "Ansari", "Baig", "Rizvi", "Zaidi", "Abbasi", "Shah", "", ""]
HONORIFIC = ["", "", "", "Syed", "Haji", "Mst.", "Dr."]


def synthetic_name(rng: random.Random) -> str:
    parts = [rng.choice(HONORIFIC), *rng.sample(GIVEN, rng.randint(1, 3)), rng.choice(FAMILY)]
    name = " ".join(p for p in parts if p)
    if rng.random() < 0.5:
        name += " s/o " + " ".join(rng.sample(GIVEN, 2))
    return name


def main(n_names: int = 200_000, n_pairs: int = 500_000, seed: int = 1) -> None:
    rng = random.Random(seed)
    names = [synthetic_name(rng) for _ in range(n_names)]
    distinct = len(set(names))

    # Cold: every distinct name computed once (caches cleared first).
    for cached in (namekey._tokens_cached, namekey._profile, namekey._key, namekey._similarity):
        cached.cache_clear()
    start = time.process_time()
    for name in set(names):
        namekey.name_key(name)
    cold = time.process_time() - start
    start = time.process_time()
    for name in names:
        namekey.name_key(name)
    warm = time.process_time() - start

    pairs = [(rng.choice(names), rng.choice(names)) for _ in range(n_pairs)]
    namekey._similarity.cache_clear()
    start = time.process_time()
    for a, b in pairs:
        namekey.name_similarity(a, b)
    sim = time.process_time() - start
    distinct_pairs = len({(a, b) if a <= b else (b, a) for a, b in pairs})

    print("SYNTHETIC names (benchmarks/bench_normalize_names.py), CPU time")
    print(f"name_key, distinct names, cold cache: {distinct / cold:,.0f} names/s ({distinct:,} names)")
    print(f"name_key, {n_names:,} names with repeats: {n_names / warm:,.0f} names/s")
    print(f"name_similarity: {n_pairs / sim:,.0f} pairs/s ({distinct_pairs:,} distinct pairs of {n_pairs:,})")


if __name__ == "__main__":
    main()
