"""How fast each import is: 10,000 synthetic rows of every source format, read and merged into a folder.

An operator refreshing a statewide or national source waits for this. For each format a seeded
generator writes a source file in that format's own shape (real ZIP centroids from the offline
ZIP data, jittered; service codes, meeting formats, days and times drawn from each vocabulary),
then the importer reads it (``read``: parsing and mapping to entries) and ``run_import`` merges it
into an empty folder (``merge``: every entry checked against the schema, the YAML written
atomically). Each is one run: the figure is the time an operator sees, not a microbenchmark.

A format is added by writing its generator and listing it in ``FORMATS``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from navigator.bench.hsds_source import write_hsds
from navigator.bench.synthetic import zip_pool
from navigator.formats.runner import run_import
from navigator.search.places import nearest_zip, zip_centroid

DEFAULT_ROWS = 10_000
SEED = 18


@dataclass(frozen=True)
class Format:
    name: str  # the import command's format
    file_name: str
    write: Callable[[Path, int, random.Random], None]
    read: str  # "module:function" of the reader, imported when measured


def _places(rows: int, rng: random.Random) -> list[tuple[str, str, str, float, float]]:
    pool = zip_pool()
    return [rng.choice(pool) for _ in range(rows)]


def _jitter(value: float, rng: random.Random) -> str:
    return f"{value + rng.uniform(-0.02, 0.02):.6f}"


def _phone(number: int) -> str:
    return f"303-{200 + number // 10_000 % 800:03d}-{number % 10_000:04d}"


_LOCATOR_KEYS = ("OP", "RES", "DT", "MM", "BU", "BUM", "NU", "OTP", "MD", "MC", "PI", "SF", "SS", "SP", "WN", "MN")
_CURRENT_CODES = (
    "sa", "op", "iop", "res", "dt", "mu", "bu", "um", "nu", "otp", "md", "mc", "pi", "cash", "ss", "tricare", "sp",
    "wn", "mn", "vet", "sen", "adol", "cbt", "mi", "tele", "hh", "noe", "asl", "f17", "f70",
)  # fmt: skip


def write_samhsa(path: Path, rows: int, rng: random.Random) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Name1", "Address1", "City", "State", "ZIP_Code", "Contact", "Keys", "ID", "Longitude", "Latitude"]
    )
    for number, (zip_code, city, state, lat, lon) in enumerate(_places(rows, rng)):
        keys = "/".join(rng.sample(_LOCATOR_KEYS, rng.randint(3, 9)))
        writer.writerow(
            [f"Program {number}", f"{number} Main St", city, state, zip_code, _phone(number), keys, f"B{number}",
             _jitter(lon, rng), _jitter(lat, rng)]
        )  # fmt: skip
    path.write_text(out.getvalue(), encoding="utf-8")


def _facility(number: int, place, rng: random.Random) -> tuple[dict, list[str]]:
    zip_code, city, state, lat, lon = place
    fields = {
        "name1": f"Recovery Center {number}", "street1": f"{number} Oak Ave", "city": city, "state": state,
        "zip": zip_code, "phone": _phone(number), "latitude": _jitter(lat, rng), "longitude": _jitter(lon, rng),
        "type_facility": "SA",
    }  # fmt: skip
    return fields, rng.sample(_CURRENT_CODES, rng.randint(4, 14))


def write_findtreatment_listing(path: Path, rows: int, rng: random.Random) -> None:
    fixed = ["name1", "street1", "city", "state", "zip", "phone", "latitude", "longitude", "type_facility"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(fixed + list(_CURRENT_CODES))
    for number, place in enumerate(_places(rows, rng)):
        fields, codes = _facility(number, place, rng)
        writer.writerow([fields[name] for name in fixed] + ["1" if code in codes else "" for code in _CURRENT_CODES])
    path.write_text(out.getvalue(), encoding="utf-8")


def write_findtreatment_api(path: Path, rows: int, rng: random.Random) -> None:
    from navigator.formats.findtreatment_codes import SERVICE_NAMES as names

    facilities = []
    for number, place in enumerate(_places(rows, rng)):
        fields, codes = _facility(number, place, rng)
        known = [names[code.upper()] for code in codes if code.upper() in names]
        facilities.append({**fields, "services": [{"f1": "Services", "f2": "SRV", "f3": "; ".join(known)}]})
    path.write_text(json.dumps({"page": 1, "totalPages": 1, "recordCount": rows, "rows": facilities}), encoding="utf-8")


_BMLT_FORMATS = ("O", "C", "D", "BT", "St", "W", "M", "WC", "VM", "HY", "ES", "JT")


def write_bmlt(path: Path, rows: int, rng: random.Random) -> None:
    meetings = []
    for number, (_, city, state, lat, lon) in enumerate(_places(rows, rng)):
        meetings.append(
            {
                "id_bigint": str(number), "weekday_tinyint": str(rng.randint(1, 7)),
                "start_time": f"{rng.randint(6, 21):02d}:{rng.choice((0, 15, 30)):02d}:00",
                "duration_time": rng.choice(("01:00:00", "01:30:00", "")),
                "formats": ",".join(rng.sample(_BMLT_FORMATS, rng.randint(1, 4))),
                "latitude": _jitter(lat, rng), "longitude": _jitter(lon, rng), "meeting_name": f"Group {number}",
                "location_street": f"{number} Church St", "location_municipality": city, "location_province": state,
                "virtual_meeting_link": "https://zoom.example/j/1" if number % 5 == 0 else "",
            }
        )  # fmt: skip
    path.write_text(json.dumps({"meetings": meetings}), encoding="utf-8")


_ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "Europe/London")


def write_oiaa(path: Path, rows: int, rng: random.Random) -> None:
    meetings = [
        {
            "slug": f"meeting-{number}",
            "name": f"Online Group {number}",
            "timezone": rng.choice(_ZONES),
            "day": rng.randint(0, 6),
            "time": f"{rng.randint(0, 23):02d}:{rng.choice((0, 30)):02d}",
            "duration": rng.choice((60, 90)),
            "conference_url": f"https://zoom.example/j/{number}",
            "languages": [rng.choice(("EN", "EN", "ES", "FR"))],
            "formats": rng.sample(("D", "BE", "SP", "ST"), 2),
            "features": [],
            "communities": rng.sample(("M", "W", "Y", "LGBTQ", "SEN"), rng.randint(0, 2)),
            "type": rng.choice(("O", "C")),
        }  # fmt: skip
        for number in range(rows)
    ]
    path.write_text(json.dumps(meetings), encoding="utf-8")


def write_meeting_guide(path: Path, rows: int, rng: random.Random) -> None:
    meetings = []
    for number, (zip_code, city, state, lat, lon) in enumerate(_places(rows, rng)):
        meetings.append(
            {
                "slug": f"meeting-{number}", "name": f"Group {number}", "day": rng.randint(0, 6),
                "time": f"{rng.randint(6, 21):02d}:00", "end_time": "", "address": f"{number} Elm St",
                "city": city, "state": state, "postal_code": zip_code, "latitude": float(_jitter(lat, rng)),
                "longitude": float(_jitter(lon, rng)), "types": rng.sample(("O", "C", "D", "W", "M", "S", "X"), 3),
                "updated": "2026-10-01 12:00:00",
            }
        )  # fmt: skip
    path.write_text(json.dumps(meetings), encoding="utf-8")


FORMATS = (
    Format("samhsa", "locator-export.csv", write_samhsa, "navigator.formats.samhsa:read_samhsa"),
    Format(
        "findtreatment (listing)",
        "findtreatment-listing.csv",
        write_findtreatment_listing,
        "navigator.formats.findtreatment:read_findtreatment",
    ),
    Format(
        "findtreatment (API)",
        "findtreatment-api.json",
        write_findtreatment_api,
        "navigator.formats.findtreatment:read_findtreatment",
    ),
    Format("bmlt", "bmlt-results.json", write_bmlt, "navigator.formats.bmlt:read_bmlt"),
    Format("oiaa", "oiaa-meetings.json", write_oiaa, "navigator.formats.oiaa:read_oiaa"),
    Format(
        "meeting-guide",
        "meeting-guide-feed.json",
        write_meeting_guide,
        "navigator.formats.meeting_guide:read_meeting_guide",
    ),
    Format("hsds (3.0 package)", "hsds-package", write_hsds, "navigator.formats.hsds.entries:read_hsds"),
)


def _reader(spec: str):
    import importlib

    module, _, function = spec.partition(":")
    return getattr(importlib.import_module(module), function)


def measure_imports(
    rows: int = DEFAULT_ROWS,
    progress: Callable[[str], None] = lambda _: None,
    today: dt.date | None = None,
    formats: tuple[Format, ...] = FORMATS,
) -> dict:
    """format -> {rows, imported, skipped, read_ms, merge_ms, total_ms, rows_per_second}."""
    today = today or dt.date.today()
    # The ZIP index is built once per process: paid here, not by the first format timed.
    nearest_zip(39.7, -104.9)
    zip_centroid("80222")
    results = {}
    with tempfile.TemporaryDirectory(prefix="navigator-bench-imports-") as work:
        for number, source in enumerate(formats):
            progress(f"import {source.name}: writing {rows:,} rows")
            path = Path(work) / source.file_name
            source.write(path, rows, random.Random(SEED + number))
            read = _reader(source.read)
            progress(f"import {source.name}: reading and merging")
            started, cpu_started = time.perf_counter(), time.process_time()
            batch = read(path, today=today)
            read_done = time.perf_counter()
            outcome = run_import(batch, Path(work) / f"out-{number}", today=today, say=lambda _: None)
            finished, cpu_finished = time.perf_counter(), time.process_time()
            results[source.name] = {
                "rows": rows,
                "imported": len(outcome.imported),
                "skipped": len(outcome.skipped),
                "read_ms": round((read_done - started) * 1000, 1),
                "merge_ms": round((finished - read_done) * 1000, 1),
                "total_ms": round((finished - started) * 1000, 1),
                # This process's own CPU time: what the import costs when other work shares the machine.
                "cpu_ms": round((cpu_finished - cpu_started) * 1000, 1),
                "rows_per_second": round(rows / (finished - started)),
            }
    return results


def format_imports(results: dict) -> str:
    """The import figures as a table under the benchmark's own."""
    rows = next(iter(results.values()))["rows"]
    lines = [
        f"{f'importing {rows:,} rows':<28}{'read (s)':>9}{'merge (s)':>11}{'total (s)':>11}{'CPU (s)':>9}"
        f"{'rows/s':>9}{'skipped':>9}"
    ]
    for name, figures in results.items():
        lines.append(
            f"  {name:<26}{figures['read_ms'] / 1000:>9.1f}{figures['merge_ms'] / 1000:>11.1f}"
            f"{figures['total_ms'] / 1000:>11.1f}{figures['cpu_ms'] / 1000:>9.1f}"
            f"{figures['rows_per_second']:>9,}{figures['skipped']:>9,}"
        )
    return "\n".join(lines)
