"""The performance benchmark: ``python -m navigator bench [--json] [--sizes 1000,10000] [--million] [--app app.py]``.

For each size it writes a synthetic directory (see ``synthetic``) into a temporary folder and
measures, as a median and 95th percentile over repeated runs: a cold load (YAML files to a ready
index, no cache) beside PyYAML's C loader parsing the same files (the reference a YAML-based
loader is judged against), a warm load from the cache, a reload after one file changed as the
app runs it (``reload_directory`` on the loaded index, counting the files read), a mix of
searches beside the same searches done the naive way (a Python loop calling geopy per entry),
one rerun of the Find page through Streamlit's AppTest, the peak memory of a fresh process that
loads the directory and searches it, and, in Chromium against ``streamlit run serve.py``
(``browser``), the first page, 20 search clicks and 20 sessions searching at once. Then it says
which targets hold.

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
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

import navigator
from navigator.bench.browser import environment_with, measure_browser
from navigator.bench.naive import geopy_distance_miles, great_circle_miles, naive_records, naive_search
from navigator.bench.plan import (
    BROWSER_SIZE,
    CONCURRENCY_SIZE,
    DEFAULT_SIZES,
    FIND_PAGE_RERUNS,
    FIND_PAGE_SIZE,
    QUERY_KINDS,
    REPEATS_PER_SEARCH,
    SEARCH_PLACES,
    SEARCH_RADIUS,
    SEARCH_WORDS,
    TWO_NEEDS,
    Plan,
    plan_for,
)
from navigator.bench.report import targets
from navigator.bench.synthetic import write_synthetic_directory
from navigator.directory import loader as directory_module
from navigator.directory.index import Directory
from navigator.directory.loader import collector_paused, directory_files, load_directory, reload_directory, workers_for
from navigator.search.engine import Query, SearchResult, search
from navigator.search.places import resolve_place, zip_centroid
from navigator.search.share import SearchSettings, to_params

try:
    from yaml import CSafeLoader as _CLoader
except ImportError:  # PyYAML without libyaml: the floor is then the pure-Python loader
    from yaml import SafeLoader as _CLoader  # type: ignore[assignment]


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
    fresh_colds: list[dict] = []  # all but the last fresh cold process, each with a cache of its own
    for turn in range(max(plan.load_runs, plan.paused_floor_runs, plan.floor_runs, plan.fresh_cold_runs - 1)):
        for name, action, count in (
            ("cold_load", lambda: load_directory(folder, use_cache=False, today=today), plan.load_runs),
            ("c_loader_parse_gc_paused", lambda: c_loader_parse_collector_paused(files), plan.paused_floor_runs),
            ("c_loader_parse", lambda: c_loader_parse(files), plan.floor_runs),
        ):
            if turn < count:
                runs[name] += timed(action, 1)
        if turn < plan.fresh_cold_runs - 1:
            scratch = work / f"cache-{size}-cold-{turn}"
            fresh_colds.append(process_peak("cold", folder, scratch, today))
            shutil.rmtree(scratch, ignore_errors=True)
    figures.update({name: summary(seconds) for name, seconds in runs.items() if seconds})

    # The fresh processes first: the one that starts with an empty cache fills the cache that
    # every later figure reads (warm loads, reloads, searches, the app), instead of one more cold
    # load in this process done only to fill it (a minute and a half at 100,000 entries, loaded).
    progress(f"{size:,} entries: peak memory in fresh processes")
    figures["fresh_process"] = {mode: process_peak(mode, folder, cache, today) for mode in ("cold", "warm")}
    colds = [*fresh_colds, figures["fresh_process"]["cold"]]
    if len(colds) > 1:  # the highest peaks of the runs, and every run's load
        figures["fresh_process"]["cold"] = {
            **figures["fresh_process"]["cold"],
            "peak_mb": max(cold["peak_mb"] for cold in colds),
            "worker_peak_mb": max(cold["worker_peak_mb"] for cold in colds),
            "load_runs_ms": [cold["load_ms"] for cold in colds],
        }
    if not plan.in_process_cold_load:
        figures["cold_load"] = {
            **summary([cold["load_ms"] / 1000 for cold in colds]),
            "fresh_process": True,
        }

    progress(f"{size:,} entries: warm loads and reloads after one file changed")
    figures["warm_load"] = summary(timed(lambda: load_directory(folder, cache_dir=cache, today=today), plan.warm_runs))
    figures["reload_one_changed_file"] = measure_reloads(folder, files, cache, today, plan.reload_runs)

    loaded = load_directory(folder, cache_dir=cache, today=today)
    figures.update(measure_searches(loaded, today, plan, progress, size))
    if size == FIND_PAGE_SIZE:
        progress(f"{size:,} entries: Find page reruns through AppTest")
        figures["find_page_rerun"] = find_page_reruns(folder, cache, app)
    if size in (BROWSER_SIZE, CONCURRENCY_SIZE):
        progress(f"{size:,} entries: the app in Chromium")
        figures["browser"] = measure_browser(
            app,
            folder,
            cache,
            environment_with(_child_roots(app.parent if app else None)),
            searches=SEARCHES_IN_BROWSER if size == BROWSER_SIZE else 0,
            sessions=SESSIONS_AT_ONCE if size == CONCURRENCY_SIZE else 0,
        )
    return figures


SEARCHES_IN_BROWSER = 20
SESSIONS_AT_ONCE = 20


def measure_reloads(folder: Path, files: list[Path], cache: Path, today: dt.date, runs: int) -> dict:
    """Reloads as the app runs them: one entry's name edited in one file, then ``reload_directory``
    on the index loaded before. A first, untimed reload pays what a process pays once (the
    first check of an entry reads the time zone list; the app's warm-up pays it at start)."""
    changed = files[len(files) // 2]
    loaded = load_directory(folder, cache_dir=cache, today=today)
    edit_one_entry(changed, runs)
    loaded = reload_directory(loaded, today=today)
    seconds, files_read = [], []
    for round_number in range(runs):
        edit_one_entry(changed, round_number)
        with counting_reads() as reads:
            started = time.perf_counter()
            reloaded = reload_directory(loaded, today=today)
            seconds.append(time.perf_counter() - started)
        if reloaded is loaded or reloaded.entry(reloaded.files[0].ids[0]) is None:
            raise RuntimeError("the reload did not give a new, whole index")
        loaded = reloaded
        files_read.append(len(reads))
    return {**summary(seconds), "files_read": files_read}


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
    for name, miles, places, kinds in (
        ("naive_search", geopy_distance_miles, plan.geodesic_places, QUERY_KINDS[: plan.geodesic_kinds]),
        ("naive_great_circle", great_circle_miles, plan.great_circle_places, QUERY_KINDS),
    ):
        if not places:
            continue
        progress(f"{size:,} entries: {len(kinds) * places} naive searches ({miles.__name__})")
        naive_seconds, fast_seconds, disagreements = [], [], []
        for kind in kinds:
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


def _child_roots(app_folder: Path | None = None) -> list[str]:
    """This package's folder (and the app's, for its ui): what a measuring child must import."""
    package_root = str(Path(next(iter(navigator.__path__))).resolve().parent)
    return [package_root, *([str(app_folder.resolve())] if app_folder else [])]


def _child_environment(app_folder: Path | None = None) -> dict:
    """The environment of a measuring child: this package (and the app's folder, for its ui) importable."""
    return environment_with(_child_roots(app_folder))


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
    # The loader's worker processes (on a cold load) have their own memory: the largest of them.
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    workers = workers_for(len(directory_files(Path(folder)))) if mode == "cold" else 0
    figures = {"peak_mb": round(peak_rss_mb(), 1), "load_ms": round(load_ms, 1)}
    print(json.dumps({**figures, "worker_peak_mb": round(worker_peak, 1) if workers > 1 else 0, "workers": workers}))


def peak_rss_mb() -> float:
    """This process's peak resident memory. On Linux from VmHWM, which starts afresh with the
    program; ru_maxrss would carry over the parent's peak through fork and exec."""
    with contextlib.suppress(OSError, StopIteration):
        status = Path("/proc/self/status").read_text().splitlines()
        kib = next(line for line in status if line.startswith("VmHWM:")).split()[1]
        return int(kib) / 1024
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
            size_started = time.perf_counter()
            results[str(size)] = measure_size(size, Path(work), today, progress, app)
            results[str(size)]["seconds"] = round(time.perf_counter() - size_started, 1)
    date = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    seconds = round(time.perf_counter() - started, 1)
    return {
        "date": date,
        # Other work on the machine slows every figure; the load average says how busy it was.
        "machine": {**machine(), "load_average_before": load_before, "load_average_after": _load_average()},
        "sizes": list(sizes),
        "results": results,
        "targets": [
            {"target": target.name, "holds": target.holds, "measured": target.measured}
            for target in targets(results, seconds)
        ],
        "seconds": seconds,
    }


def sizes_argument(text: str) -> tuple[int, ...]:
    sizes = []
    for part in text.split(","):
        part = part.strip()
        if not part.replace("_", "").isdigit() or int(part) < 1:
            raise argparse.ArgumentTypeError(f"'{part}' is not a number of entries (like 1000,10000)")
        sizes.append(int(part))
    return tuple(sizes)
