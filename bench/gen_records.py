#!/usr/bin/python3
"""gen_records.py MB OUT.json — a deterministic JSON array of nested records
of about MB megabytes, for the conversion benchmarks."""
import json
import random
import sys

target = int(float(sys.argv[1]) * 1_000_000)
rng = random.Random(20221121)
words = ("alliance harbor council budget storm port engineer survey grant "
         "meeting treaty summit ministry report review estimate ratio").split()
cities = ["Halden", "Geneva", "Bergen", "Seoul", "Fresno", "Springfield", "Detroit"]
out = open(sys.argv[2], "w", encoding="utf-8")
out.write("[")
size, n = 1, 0
while size < target:
    n += 1
    rec = {
        "id": n,
        "name": " ".join(rng.choice(words).capitalize() for _ in range(2)),
        "email": f"user{n}@example.org",
        "active": rng.random() < 0.7,
        "score": round(rng.uniform(0, 1000), 3),
        "count": rng.randrange(0, 10**9),
        "code": f"{rng.randrange(0, 1000):03d}",
        "note": None if rng.random() < 0.3 else " ".join(rng.choice(words) for _ in range(rng.randrange(3, 12))),
        "address": {
            "street": f"{rng.randrange(1, 999)} {rng.choice(words).capitalize()} St.",
            "city": rng.choice(cities),
            "geo": {"lat": round(rng.uniform(-90, 90), 6), "lon": round(rng.uniform(-180, 180), 6)},
        },
    }
    text = json.dumps(rec, ensure_ascii=False)
    out.write(("," if n > 1 else "") + "\n" + text)
    size += len(text) + 2
out.write("\n]\n")
