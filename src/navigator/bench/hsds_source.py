"""A synthetic 211-style HSDS 3.0 data package for the import benchmark (``bench/imports.py``).

One service at one location per row, in the 3.0 tables a 211 export has: organizations, services
(with ``last_modified``), locations with coordinates, physical addresses, service_at_location,
AIRS taxonomy terms linked by attributes, weekly schedules, phones and languages. Real ZIP
centroids (the benchmark's pool), a seeded generator: the same rows every run.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

from navigator.bench.synthetic import zip_pool

# AIRS terms of services that become entries, and of some that do not (they are skipped, as in 211 data).
TERMS = (
    ("RX-8450.8000-180", "Drug Abuse Counseling"),
    ("RX-1700.1700", "Drug Detoxification"),
    ("PN-8100.0500-070", "Alcoholism Support Groups"),
    ("RX-8500.8000", "Sober Living Homes"),
    ("RP-1500.1400-800", "Suicide Prevention Hotlines"),
    ("LH-2700.6000", "Methadone Maintenance"),
    ("BD-1800.2000", "Food Pantries"),
    ("YB-8000", "Older Adults"),
)
RECOVERY_TERMS = 6  # the first six map to a recovery category
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _write(path: Path, columns: list[str], rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)


def write_hsds(folder: Path, rows: int, rng: random.Random) -> None:
    """A 3.0 CSV package of ``rows`` services at locations, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    pool = zip_pool()
    places = [rng.choice(pool) for _ in range(rows)]
    _write(
        folder / "organizations.csv",
        ["id", "name", "description", "website"],
        ([f"o{n}", f"COMMUNITY HEALTH {n}", "", f"https://org{n}.example.org"] for n in range(rows)),
    )
    _write(
        folder / "services.csv",
        ["id", "organization_id", "name", "description", "status", "last_modified"],
        ([f"s{n}", f"o{n}", "OUTPATIENT SERVICES", "Walk in or call.", "active", "2026-09-30T10:00:00Z"]
         for n in range(rows)),
    )  # fmt: skip
    _write(
        folder / "locations.csv",
        ["id", "location_type", "name", "latitude", "longitude"],
        ([f"l{n}", "physical", f"Site {n}", f"{lat + rng.uniform(-0.02, 0.02):.6f}",
          f"{lon + rng.uniform(-0.02, 0.02):.6f}"] for n, (_, _, _, lat, lon) in enumerate(places)),
    )  # fmt: skip
    _write(
        folder / "addresses.csv",
        ["id", "location_id", "address_1", "city", "state_province", "postal_code", "country", "address_type"],
        ([f"a{n}", f"l{n}", f"{n} Main St", city, state, zip_code, "US", "physical"]
         for n, (zip_code, city, state, _, _) in enumerate(places)),
    )  # fmt: skip
    _write(
        folder / "service_at_location.csv",
        ["id", "service_id", "location_id"],
        ([f"sal{n}", f"s{n}", f"l{n}"] for n in range(rows)),
    )
    _write(
        folder / "taxonomy_terms.csv",
        ["id", "code", "name", "description", "taxonomy"],
        ([f"t{i}", code, name, name, "AIRS"] for i, (code, name) in enumerate(TERMS)),
    )
    _write(
        folder / "attributes.csv",
        ["id", "link_id", "link_type", "link_entity", "taxonomy_term_id"],
        (
            [f"at{n}-{i}", f"s{n}", "service", "service", f"t{i}"]
            for n in range(rows)
            # One recovery term each (every row imports), and a second of any kind, as 211 data has.
            for i in dict.fromkeys((rng.randrange(RECOVERY_TERMS), rng.randrange(len(TERMS))))
        ),
    )
    _write(
        folder / "schedules.csv",
        ["id", "service_id", "freq", "byday", "opens_at", "closes_at"],
        ([f"sc{n}", f"s{n}", "WEEKLY", ",".join(rng.sample(_DAYS, rng.randint(1, 5))),
          f"{rng.randint(7, 10):02d}:00", f"{rng.randint(16, 20):02d}:00"] for n in range(rows)),
    )  # fmt: skip
    _write(
        folder / "phones.csv",
        ["id", "service_id", "number", "type"],
        ([f"p{n}", f"s{n}", f"303-{200 + n // 10_000 % 800:03d}-{n % 10_000:04d}", "voice"] for n in range(rows)),
    )
    _write(
        folder / "languages.csv",
        ["id", "service_id", "name", "code"],
        ([f"lang{n}", f"s{n}", "Spanish", "es"] for n in range(0, rows, 3)),
    )
    (folder / "datapackage.json").write_text(
        json.dumps({"name": "bench-211", "version": "3.0.0", "created": "2026-10-01", "resources": []}),
        encoding="utf-8",
    )
