"""The performance benchmark: ``python -m navigator bench [--json] [--sizes 1000,10000]``.

For each size it writes a synthetic directory (see ``synthetic``) into a temporary folder and
measures, as a median and 95th percentile over repeated runs: a cold load (YAML files to a ready
index, no cache) beside PyYAML's C loader parsing the same files (the floor a YAML-based loader
cannot beat), a warm load from the cache, a reload after one file changed (counting the files
read), a mix of searches beside the same searches done the naive way (a Python loop calling geopy
per entry), one rerun of the Find page through Streamlit's AppTest, and the peak memory of a
fresh process that loads the directory and searches it. Then it says which targets hold.

Process-wide one-time costs (imports, the ZIP code index) are paid before any timing in this
process: they are the same for every size and are not what a coach waits for when searching.
The fresh processes measured for memory pay them, as an app's first start does.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from geopy.distance import distance as geopy_distance
from geopy.distance import great_circle

import navigator
from navigator.bench.synthetic import write_synthetic_directory
from navigator.directory import loader as directory_module
from navigator.directory.index import Directory
from navigator.directory.loader import collector_paused, directory_files, load_directory
from navigator.search.engine import EARTH_RADIUS_MILES, Query, SearchResult, search
from navigator.search.places import Place, resolve_place, zip_centroid
from navigator.search.schedule import is_open, parse_hours, parse_meeting_times
from navigator.search.share import SearchSettings, to_params

DEFAULT_SIZES = (1_000, 10_000, 100_000)
FIND_PAGE_SIZE = 10_000
KILOMETRES_PER_MILE = 1.609344
# Searched places across the country: seven cities and a small state capital (Helena, MT).
SEARCH_PLACES = ("10001", "60614", "80222", "77002", "90012", "98101", "30303", "59601")
SEARCH_RADIUS = 25.0
TWO_NEEDS = ("buprenorphine", "medicaid")
SEARCH_WORDS = "hope"
QUERY_KINDS = ("zip", "two needs", "open at", "text")
REPEATS_PER_SEARCH = 5
FIND_PAGE_RERUNS = 15

try:
    from yaml import CSafeLoader as _CLoader
except ImportError:  # PyYAML without libyaml: the floor is then the pure-Python loader
    from yaml import SafeLoader as _CLoader  # type: ignore[assignment]


@dataclass(frozen=True)
class Plan:
    """How often each figure is measured at one size: enough runs for a median and a p95 where
    a run is quick, few enough that the whole benchmark stays within five minutes on a two-core
    machine (at 100,000 entries one cold load takes half a minute, one naive search with geopy's
    distance eight seconds)."""

    load_runs: int
    floor_runs: int  # the C loader as it usually runs (0: not measured)
    paused_floor_runs: int  # the C loader with the collector paused (0: not measured)
    warm_runs: int
    reload_runs: int
    great_circle_places: int  # each naive search runs once per query kind for this many places
    geodesic_places: int


def plan_for(size: int) -> Plan:
    every_place = len(SEARCH_PLACES)
    if size <= 2_000:
        return Plan(
            load_runs=5,
            floor_runs=5,
            paused_floor_runs=5,
            warm_runs=15,
            reload_runs=5,
            great_circle_places=every_place,
            geodesic_places=every_place,
        )
    if size <= 20_000:
        return Plan(
            load_runs=5,
            floor_runs=2,
            paused_floor_runs=3,
            warm_runs=15,
            reload_runs=5,
            great_circle_places=every_place,
            geodesic_places=1,
        )
    # PyYAML's loader as it usually runs would take over a minute here: the collector walks the
    # growing heap again and again. With the collector paused it is the stricter floor anyway.
    return Plan(
        load_runs=1,
        floor_runs=0,
        paused_floor_runs=1,
        warm_runs=7,
        reload_runs=2,
        great_circle_places=2,
        geodesic_places=1,
    )


def summary(seconds: list[float]) -> dict:
    """Median and 95th percentile in milliseconds (inclusive interpolation; one run is both)."""
    milliseconds = sorted(value * 1000 for value in seconds)
    p95 = statistics.quantiles(milliseconds, n=20, method="inclusive")[18] if len(milliseconds) > 1 else milliseconds[0]
    return {"median_ms": round(statistics.median(milliseconds), 3), "p95_ms": round(p95, 3), "runs": len(milliseconds)}


def timed(action: Callable[[], object], runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
    return seconds


@contextlib.contextmanager
def counting_reads():
    """Counts the directory files the loader reads (every read goes through ``_read_file``)."""
    original = directory_module._read_file
    reads: list[Path] = []

    def counting(path):
        reads.append(path)
        return original(path)

    directory_module._read_file = counting
    try:
        yield reads
    finally:
        directory_module._read_file = original


def c_loader_parse(files: list[Path]) -> list:
    """The floor: PyYAML's C loader parsing every file, keeping what it parsed as a loader must."""
    return [yaml.load(path.read_bytes(), Loader=_CLoader) for path in files]


def c_loader_parse_collector_paused(files: list[Path]) -> list:
    """The same floor with the garbage collector paused, as the navigator's own loader runs."""
    with collector_paused():
        return c_loader_parse(files)


_NAME_LINE = re.compile(r"^(  name: )(.*)$", re.MULTILINE)


def edit_one_entry(path: Path, round_number: int) -> None:
    """Change one entry's name in ``path`` (a different entry each round; the file grows each
    time, so the change shows in its size even within one tick of the file clock)."""
    text = path.read_text(encoding="utf-8")
    matches = list(_NAME_LINE.finditer(text))
    line = matches[round_number % len(matches)]
    text = f"{text[: line.end()]} (edited){text[line.end() :]}"
    path.write_text(text, encoding="utf-8")


# --- searches -----------------------------------------------------------------------------------


def search_instant(today: dt.date) -> dt.datetime:
    """Next Tuesday 19:30, read in the searched place's own time zone: meetings are on."""
    days_ahead = (1 - today.weekday()) % 7 or 7
    return dt.datetime.combine(today + dt.timedelta(days=days_ahead), dt.time(19, 30))


def query_of(kind: str, near: str, at: dt.datetime) -> Query:
    if kind == "zip":
        return Query(near=near, radius=SEARCH_RADIUS)
    if kind == "two needs":
        return Query(near=near, radius=SEARCH_RADIUS, needs=TWO_NEEDS)
    if kind == "open at":
        return Query(near=near, radius=SEARCH_RADIUS, open_at=at)
    if kind == "text":
        return Query(near=near, radius=SEARCH_RADIUS, text=SEARCH_WORDS)
    raise ValueError(f"unknown query kind {kind!r}")


@dataclass(frozen=True)
class NaiveRecord:
    """One entry as a typical app would hold it: a record with its codes, place and schedule."""

    id: str
    active: bool
    remote: bool
    lat: float
    lon: float
    areas: tuple[str, ...]
    codes: frozenset[str]
    text: str
    schedule: object | None
    timezone: str | None


def naive_records(directory: Directory) -> list[NaiveRecord]:
    frame = directory.frame
    columns = zip(
        frame["status"].to_numpy(),
        frame["remote"].to_numpy(),
        frame["lat"].to_numpy(),
        frame["lon"].to_numpy(),
        frame["text"].to_numpy(),
        frame["timezone"].to_numpy(),
        strict=True,
    )
    records = []
    for row, (entry, (status, remote, lat, lon, text, timezone)) in enumerate(
        zip(directory.entries, columns, strict=True)
    ):
        meeting = entry.get("meeting")
        if meeting:
            schedule = None if meeting.get("attendance") == "inactive" else parse_meeting_times(meeting["times"])
        else:
            schedule = parse_hours(entry["hours"]) if entry.get("hours") else None
        records.append(
            NaiveRecord(
                id=entry["id"],
                active=status == "active",
                remote=bool(remote),
                lat=float(lat),
                lon=float(lon),
                areas=tuple(entry.get("service_area") or ()),
                codes=frozenset(directory.codes[column] for column in np.flatnonzero(directory.code_matrix[row])),
                # Only "24/7" goes without a zone (NaN in the frame), and any zone fits it.
                text=text,
                schedule=schedule,
                timezone=timezone if isinstance(timezone, str) else "UTC",
            )
        )
    return records


def geopy_distance_miles(origin: tuple[float, float], point: tuple[float, float]) -> float:
    """What a typical app calls: geopy's ``distance`` (geodesic, on the WGS-84 ellipsoid)."""
    return geopy_distance(origin, point).miles


def great_circle_miles(origin: tuple[float, float], point: tuple[float, float]) -> float:
    """geopy's faster great circle, on the same sphere as ``search`` (so both agree exactly)."""
    return great_circle(origin, point, radius=EARTH_RADIUS_MILES * KILOMETRES_PER_MILE).miles


def naive_search(
    records: list[NaiveRecord], query: Query, place: Place, at: dt.datetime, miles=great_circle_miles
) -> tuple[int, list[str]]:
    """The reference: ``miles`` from the place to every entry, then filters in Python.

    The same semantics as ``search``: returns the number of matches and the ids of the first
    ``query.limit`` by distance.
    """
    words = query.text.casefold().split() if query.text else ()
    origin = (place.lat, place.lon)
    matches = []
    for record in records:
        distance = None if record.remote else miles(origin, (record.lat, record.lon))
        if not record.active:
            continue
        if record.remote:
            if not query.include_remote or not ("national" in record.areas or place.state in record.areas):
                continue
        elif query.radius is not None and distance > query.radius:
            continue
        if not all(code in record.codes for code in query.needs):
            continue
        if words and not all(word in record.text for word in words):
            continue
        if query.open_at is not None and (record.schedule is None or not is_open(record.schedule, record.timezone, at)):
            continue
        matches.append((record.remote, distance or 0.0, record.id))
    matches.sort()
    return len(matches), [entry_id for _, _, entry_id in matches[: query.limit]]


# --- one size -----------------------------------------------------------------------------------


def measure_size(
    size: int, work: Path, today: dt.date, progress: Callable[[str], None], app: Path | None = None
) -> dict:
    plan = plan_for(size)
    folder = work / f"directory-{size}"
    cache = work / f"cache-{size}"
    progress(f"{size:,} entries: writing the synthetic directory")
    started = time.perf_counter()
    write_synthetic_directory(folder, size, seed=size, today=today)
    generated = time.perf_counter() - started
    files = directory_files(folder)
    figures: dict = {"entries": size, "files": len(files), "generate_seconds": round(generated, 2)}

    progress(f"{size:,} entries: cold loads and the C loader floor")
    # Taken in turns, so that other work on the machine weighs on the load and its floor alike.
    runs: dict[str, list[float]] = {"cold_load": [], "c_loader_parse_gc_paused": [], "c_loader_parse": []}
    for turn in range(max(plan.load_runs, plan.paused_floor_runs, plan.floor_runs)):
        for name, action, count in (
            ("cold_load", lambda: load_directory(folder, use_cache=False, today=today), plan.load_runs),
            ("c_loader_parse_gc_paused", lambda: c_loader_parse_collector_paused(files), plan.paused_floor_runs),
            ("c_loader_parse", lambda: c_loader_parse(files), plan.floor_runs),
        ):
            if turn < count:
                runs[name] += timed(action, 1)
    figures.update({name: summary(seconds) for name, seconds in runs.items() if seconds})

    progress(f"{size:,} entries: warm loads and reloads after one file changed")
    load_directory(folder, cache_dir=cache, today=today)  # fills the cache
    figures["warm_load"] = summary(timed(lambda: load_directory(folder, cache_dir=cache, today=today), plan.warm_runs))
    changed = files[len(files) // 2]
    reload_seconds, files_read = [], []
    for round_number in range(plan.reload_runs):
        edit_one_entry(changed, round_number)
        with counting_reads() as reads:
            reload_seconds += timed(lambda: load_directory(folder, cache_dir=cache, today=today), 1)
        files_read.append(len(reads))
    figures["reload_one_changed_file"] = {**summary(reload_seconds), "files_read": files_read}

    loaded = load_directory(folder, cache_dir=cache, today=today)
    figures.update(measure_searches(loaded, today, plan, progress, size))
    progress(f"{size:,} entries: peak memory in fresh processes")
    figures["fresh_process"] = {
        mode: process_peak(mode, folder, work / f"memory-cache-{size}", today) for mode in ("cold", "warm")
    }
    if size == FIND_PAGE_SIZE:
        progress(f"{size:,} entries: Find page reruns through AppTest")
        figures["find_page_rerun"] = find_page_reruns(folder, cache, app)
    return figures


def measure_searches(loaded: Directory, today: dt.date, plan: Plan, progress, size: int) -> dict:
    at = search_instant(today)
    progress(f"{size:,} entries: {len(QUERY_KINDS) * len(SEARCH_PLACES) * REPEATS_PER_SEARCH} searches")
    seconds_by_query: dict[tuple[str, str], list[float]] = {}
    results: dict[tuple[str, str], SearchResult] = {}
    for kind in QUERY_KINDS:
        for near in SEARCH_PLACES:
            query = query_of(kind, near, at)
            results[kind, near] = search(loaded, query, now=at)  # warms any per-query caches
            seconds_by_query[kind, near] = timed(lambda query=query: search(loaded, query, now=at), REPEATS_PER_SEARCH)
    all_seconds = [value for values in seconds_by_query.values() for value in values]
    figures = {
        "search": summary(all_seconds),
        "search_by_kind": {
            kind: summary([value for (k, _), values in seconds_by_query.items() if k == kind for value in values])
            for kind in QUERY_KINDS
        },
        "search_matches_median": statistics.median(result.total for result in results.values()),
    }

    records = naive_records(loaded)
    for name, miles, places in (
        ("naive_search", geopy_distance_miles, plan.geodesic_places),
        ("naive_great_circle", great_circle_miles, plan.great_circle_places),
    ):
        progress(f"{size:,} entries: {len(QUERY_KINDS) * places} naive searches ({miles.__name__})")
        naive_seconds, fast_seconds, disagreements = [], [], []
        for kind in QUERY_KINDS:
            for near in SEARCH_PLACES[:places]:
                result = results[kind, near]
                started = time.perf_counter()
                total, _ = naive_search(records, query_of(kind, near, at), result.place, result.at, miles)
                naive_seconds.append(time.perf_counter() - started)
                fast_seconds.append(statistics.median(seconds_by_query[kind, near]))
                if total != result.total:
                    disagreements.append(f"{kind} near {near}: naive {total}, search {result.total}")
        # The same queries both ways: the naive time over the search time, in total.
        figures[name] = {
            **summary(naive_seconds),
            "times_slower": round(sum(naive_seconds) / sum(fast_seconds), 1),
            "disagreements": disagreements,
        }
    return figures


# --- fresh processes ----------------------------------------------------------------------------


def _child_environment(app_folder: Path | None = None) -> dict:
    """The environment of a measuring child: this package (and the app's folder, for its ui) importable."""
    package_root = str(Path(next(iter(navigator.__path__))).resolve().parent)
    roots = [package_root, *([str(app_folder)] if app_folder else [])]
    paths = [*roots, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def _run_child(arguments: list[str], timeout: float = 300, app_folder: Path | None = None) -> dict:
    """Runs ``python ARGUMENTS`` (from the app's folder when given); returns the JSON of its last line."""
    completed = subprocess.run(
        [sys.executable, *arguments],
        capture_output=True,
        text=True,
        env=_child_environment(app_folder),
        cwd=app_folder,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the measuring process failed: {completed.stderr.strip()[-2000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


_MEMORY_CHILD = "import sys; from navigator.bench.runner import memory_child; memory_child(*sys.argv[1:])"


def process_peak(mode: str, folder: Path, cache: Path, today: dt.date) -> dict:
    """Peak RSS (MB) of a fresh process that loads ``folder`` and runs every kind of search, and
    how long its load took: ``cold`` starts with an empty cache (and fills it, as an app's first
    start does), ``warm`` reads what ``cold`` left."""
    return _run_child(["-c", _MEMORY_CHILD, mode, str(folder), str(cache), today.isoformat()])


def memory_child(mode: str, folder: str, cache: str, today_text: str) -> None:
    today = dt.date.fromisoformat(today_text)
    if mode == "cold" and Path(cache).exists():
        raise RuntimeError(f"a cold start needs an empty cache, and {cache} exists")
    started = time.perf_counter()
    loaded = load_directory(folder, cache_dir=cache, today=today)
    load_ms = (time.perf_counter() - started) * 1000
    at = search_instant(today)
    for kind in QUERY_KINDS:
        for near in SEARCH_PLACES:
            search(loaded, query_of(kind, near, at), now=at)
    print(json.dumps({"peak_mb": round(peak_rss_mb(), 1), "load_ms": round(load_ms, 1)}))


def peak_rss_mb() -> float:
    """This process's peak resident memory. On Linux from VmHWM, which starts afresh with the
    program; ru_maxrss would carry over the parent's peak through fork and exec."""
    with contextlib.suppress(OSError, StopIteration):
        status = Path("/proc/self/status").read_text().splitlines()
        kib = next(line for line in status if line.startswith("VmHWM:")).split()[1]
        return int(kib) / 1024
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)  # bytes on macOS, KiB elsewhere


def find_page_reruns(folder: Path, cache: Path, app: Path | None, reruns: int = FIND_PAGE_RERUNS) -> dict:
    """Reruns of the Find page with a typical search (a Manhattan ZIP, 25 miles) in AppTest.

    ``app`` is the Streamlit app script the operator named (``bench --app``); the app's own
    ``ui.rerun_timing`` drives it in a child process, so Streamlit stays out of this package.
    """
    if app is None or not app.is_file():
        return {"skipped": f"no app script at {app} (bench --app PATH)" if app else "no app script given"}
    app = app.resolve()
    params = to_params(SearchSettings(near=SEARCH_PLACES[0]))
    timings = _run_child(
        ["-m", "ui.rerun_timing", str(app), str(folder), str(cache), str(reruns), json.dumps(params)],
        app_folder=app.parent,
    )
    return {
        **summary(timings["seconds"]),
        "query_params": timings["query_params"],
        "headings_shown": timings["headings_shown"],
    }


# --- the whole benchmark ------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    name: str
    holds: bool | None  # None: not measured (its size was not run)
    measured: str


def targets(results: dict) -> list[Target]:
    """Each target of the performance issue, judged on the sizes that were measured."""
    big, mid = results.get("100000"), results.get("10000")
    found = []
    if big:
        search_p95 = big["search"]["p95_ms"]
        naive, circle = big["naive_search"], big["naive_great_circle"]
        found += [
            Target("search over 100,000 entries: p95 under 10 ms", search_p95 < 10, f"p95 {search_p95:.2f} ms"),
            Target(
                "search over 100,000 entries: at least 500 times faster than the naive way",
                naive["times_slower"] >= 500,
                f"{naive['times_slower']:,.0f} times faster than geopy's distance per entry; "
                f"{circle['times_slower']:,.0f} times its great circle"
                + (
                    ", with the same results"
                    if not circle["disagreements"]
                    else f", but {len(circle['disagreements'])} searches found other results"
                ),
            ),
        ]
    if mid:
        # Against the stricter floor: the C loader with the collector paused, as ours runs.
        floor = min(mid[name]["median_ms"] for name in ("c_loader_parse", "c_loader_parse_gc_paused") if name in mid)
        ratio = mid["cold_load"]["median_ms"] / floor
        warm = mid["warm_load"]
        found += [
            Target(
                "cold load at 10,000 entries within 1.3 times the pure C-loader parse",
                ratio <= 1.3,
                f"{ratio:.2f} times the C loader with the collector paused "
                f"({mid['cold_load']['median_ms']:,.0f} ms against {floor:,.0f} ms)",
            ),
            Target(
                "warm load at 10,000 entries under 150 ms",
                warm["median_ms"] < 150,
                f"median {warm['median_ms']:.1f} ms, p95 {warm['p95_ms']:.1f} ms",
            ),
        ]
    reads = [count for figures in results.values() for count in figures["reload_one_changed_file"]["files_read"]]
    if reads:
        found.append(
            Target(
                "one changed file re-reads only that file",
                all(count == 1 for count in reads),
                f"files read per reload: {sorted(set(reads))}",
            )
        )
    page = (mid or {}).get("find_page_rerun") or {}
    if "median_ms" in page:
        found.append(
            Target(
                "Find page rerun at 10,000 entries under 300 ms median",
                page["median_ms"] < 300,
                f"median {page['median_ms']:.0f} ms, p95 {page['p95_ms']:.0f} ms",
            )
        )
    elif mid:
        found.append(Target("Find page rerun at 10,000 entries under 300 ms median", None, page.get("skipped", "")))
    if big:
        cold, warm = big["fresh_process"]["cold"]["peak_mb"], big["fresh_process"]["warm"]["peak_mb"]
        found.append(
            Target(
                "peak memory at 100,000 entries under 400 MB",
                cold < 400,
                f"{cold:.0f} MB starting with an empty cache, {warm:.0f} MB from the cache",
            )
        )
    return found


def _load_average() -> list[float] | None:
    with contextlib.suppress(OSError, AttributeError):
        return [round(value, 2) for value in os.getloadavg()]
    return None


def machine() -> dict:
    cpu_model = platform.processor() or "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    memory_gb = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        memory_gb = round(int(kib.split()[1]) / 1024 / 1024, 1)
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def run_benchmark(
    sizes: tuple[int, ...] = DEFAULT_SIZES,
    progress: Callable[[str], None] = lambda _: None,
    today: dt.date | None = None,
    app: Path | None = None,
) -> dict:
    """Every figure for every size, the machine, and which targets hold (JSON-ready).

    ``app``: the Streamlit app script whose Find page rerun is measured (none: that figure is skipped).
    """
    today = today or dt.date.today()
    started = time.perf_counter()
    load_before = _load_average()
    # One-time process costs, paid before any timing: the ZIP index behind every search and load.
    for near in SEARCH_PLACES:
        if zip_centroid(near) is None:
            raise RuntimeError(f"the offline ZIP data does not place {near}")
        resolve_place(near)
    results = {}
    with tempfile.TemporaryDirectory(prefix="navigator-bench-") as work:
        for size in sizes:
            results[str(size)] = measure_size(size, Path(work), today, progress, app)
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        # Other work on the machine slows every figure; the load average says how busy it was.
        "machine": {**machine(), "load_average_before": load_before, "load_average_after": _load_average()},
        "sizes": list(sizes),
        "results": results,
        "targets": [
            {"target": target.name, "holds": target.holds, "measured": target.measured} for target in targets(results)
        ],
        "seconds": round(time.perf_counter() - started, 1),
    }


# --- output -------------------------------------------------------------------------------------

_ROWS = (
    ("cold load (no cache)", lambda f: f["cold_load"]),
    ("  C loader parse, same files", lambda f: f.get("c_loader_parse")),
    ("  C loader parse, GC paused", lambda f: f.get("c_loader_parse_gc_paused")),
    ("warm load (from cache)", lambda f: f["warm_load"]),
    ("reload, one file changed", lambda f: f["reload_one_changed_file"]),
    ("search, all kinds", lambda f: f["search"]),
    *((f"  search: {kind}", lambda f, kind=kind: f["search_by_kind"][kind]) for kind in QUERY_KINDS),
    ("naive: geopy distance loop", lambda f: f["naive_search"]),
    ("naive: geopy great circle", lambda f: f["naive_great_circle"]),
    ("Find page rerun (AppTest)", lambda f: f.get("find_page_rerun")),
    ("fresh process load, cold", lambda f: _single(f["fresh_process"]["cold"]["load_ms"])),
    ("fresh process load, warm", lambda f: _single(f["fresh_process"]["warm"]["load_ms"])),
)


def format_table(report: dict) -> str:
    sizes = [str(size) for size in report["sizes"]]
    results = report["results"]
    info = report["machine"]
    lines = [
        f"Recovery Navigator benchmark, {report['date']}",
        f"{info['cpus']} CPUs ({info['cpu_model']}), {info['memory_gb']} GB RAM, Python {info['python']}, "
        f"load average {info['load_average_before']} before, {info['load_average_after']} after",
        "",
    ]
    label_width = 30
    lines.append(" " * label_width + "".join(f"{int(size):>22,}" for size in sizes))
    lines.append(f"{'milliseconds':<{label_width}}" + "".join(f"{'median':>11}{'p95':>11}" for _ in sizes))
    for label, pick in _ROWS:
        cells = []
        for size in sizes:
            figure = pick(results[size])
            if figure and "median_ms" in figure:
                cells.append(f"{_number(figure['median_ms']):>11}{_number(figure['p95_ms']):>11}")
            else:
                cells.append(f"{'':>11}{'-':>11}")
        lines.append(f"{label:<{label_width}}" + "".join(cells))
    lines.append("")
    for label, pick in (
        ("search vs geopy distance (times)", lambda f: f"{f['naive_search']['times_slower']:,.0f}"),
        ("search vs great circle (times)", lambda f: f"{f['naive_great_circle']['times_slower']:,.0f}"),
        ("matches per search (median)", lambda f: f"{f['search_matches_median']:,.0f}"),
        ("files read per reload", _files_read),
        ("peak RSS, cold start (MB)", lambda f: f"{f['fresh_process']['cold']['peak_mb']:,.0f}"),
        ("peak RSS, warm start (MB)", lambda f: f"{f['fresh_process']['warm']['peak_mb']:,.0f}"),
        ("files / generated in (s)", lambda f: f"{f['files']} / {f['generate_seconds']}"),
    ):
        lines.append(f"{label:<{label_width}}" + "".join(f"{pick(results[size]):>22}" for size in sizes))
    lines.append("")
    lines.append("Targets:")
    for target in report["targets"]:
        verdict = {True: "holds ", False: "MISSED", None: "n/a   "}[target["holds"]]
        lines.append(f"  [{verdict}] {target['target']}" + (f": {target['measured']}" if target["measured"] else ""))
    lines.append(f"\nThe benchmark took {report['seconds']:.0f} s.")
    return "\n".join(lines)


def _files_read(figures: dict) -> str:
    return ",".join(str(count) for count in sorted(set(figures["reload_one_changed_file"]["files_read"])))


def _single(milliseconds: float) -> dict:
    """One run shown in the median column (its p95 is the same run)."""
    return {"median_ms": milliseconds, "p95_ms": milliseconds}


def _number(milliseconds: float) -> str:
    if milliseconds >= 100:
        return f"{milliseconds:,.0f}"
    return f"{milliseconds:.2f}" if milliseconds < 10 else f"{milliseconds:.1f}"


def sizes_argument(text: str) -> tuple[int, ...]:
    sizes = []
    for part in text.split(","):
        part = part.strip()
        if not part.replace("_", "").isdigit() or int(part) < 1:
            raise argparse.ArgumentTypeError(f"'{part}' is not a number of entries (like 1000,10000)")
        sizes.append(int(part))
    return tuple(sizes)
