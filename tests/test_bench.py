"""The benchmark's correctness (never its timings): it runs, reports every figure, judges every
target from the figures, and its naive reference finds what the search finds."""

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import io
import json

import pytest
from tests.conftest import PROJECT_ROOT

import navigator.directory.loader as directory_module
from navigator.bench.naive import great_circle_miles, naive_records, naive_search
from navigator.bench.plan import QUERY_KINDS
from navigator.bench.report import format_table, targets
from navigator.bench.runner import counting_reads, find_page_reruns, search_instant
from navigator.bench.synthetic import write_synthetic_directory
from navigator.cli.main import main
from navigator.directory.loader import load_directory
from navigator.search.engine import Query, search

TODAY = dt.date(2026, 11, 23)
TIMED = (
    "cold_load",
    "c_loader_parse",
    "c_loader_parse_gc_paused",
    "warm_load",
    "reload_one_changed_file",
    "search",
    "naive_search",
    "naive_great_circle",
)


@pytest.fixture(scope="module")
def tiny_report():
    """One run of the whole benchmark on 40 entries, through the command line."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["bench", "--json", "--sizes", "40"])
    assert code == 0
    return json.loads(out.getvalue())


def test_bench_json_has_every_figure_with_median_and_p95(tiny_report):
    figures = tiny_report["results"]["40"]
    for name in TIMED:
        assert figures[name]["median_ms"] > 0 and figures[name]["p95_ms"] >= figures[name]["median_ms"], name
    assert set(figures["search_by_kind"]) == set(QUERY_KINDS)
    for mode in ("cold", "warm"):
        assert figures["fresh_process"][mode]["peak_mb"] > 0 and figures["fresh_process"][mode]["load_ms"] > 0
    assert figures["naive_search"]["times_slower"] > 0 and figures["naive_great_circle"]["times_slower"] > 0
    assert tiny_report["sizes"] == [40] and tiny_report["machine"]["cpus"] >= 1


def test_reload_after_one_edited_file_reads_only_that_file(tiny_report):
    assert tiny_report["results"]["40"]["reload_one_changed_file"]["files_read"] == [1] * 5
    assert tiny_report["targets"] == [
        {"target": "one changed file re-reads only that file", "holds": True, "measured": "files read per reload: [1]"}
    ]


def test_naive_great_circle_reference_agrees_with_search_in_the_benchmark(tiny_report):
    assert tiny_report["results"]["40"]["naive_great_circle"]["disagreements"] == []


def test_table_shows_every_row_and_the_targets(tiny_report):
    table = format_table(tiny_report)
    for label in (
        "cold load (no cache)",
        "C loader parse, GC paused",
        "warm load (from cache)",
        "reload, one file changed",
        "search: open at",
        "naive: geopy distance loop",
        "peak RSS, cold start (MB)",
        "Targets:",
        "[holds ] one changed file re-reads only that file",
    ):
        assert label in table


def test_sizes_that_are_not_numbers_are_a_usage_error(capsys):
    assert main(["bench", "--sizes", "1000,lots"]) == 2
    assert "'lots' is not a number of entries" in capsys.readouterr().err


def figures_of(
    search_p95=4.0,
    geodesic=900.0,
    circle=150.0,
    circle_disagreements=(),
    cold=2000.0,
    floor=8000.0,
    floor_paused=8500.0,
    warm=9.0,
    reads=(1, 1),
    reload=120.0,
    page=40.0,
    cold_peak=350.0,
    first_page=1500.0,
    click=800.0,
    together=1500.0,
):
    return {
        "search": {"median_ms": search_p95 / 2, "p95_ms": search_p95},
        "naive_search": {"times_slower": geodesic, "disagreements": []},
        "naive_great_circle": {"times_slower": circle, "disagreements": list(circle_disagreements)},
        "cold_load": {"median_ms": cold},
        "c_loader_parse": {"median_ms": floor},
        "c_loader_parse_gc_paused": {"median_ms": floor_paused},
        "warm_load": {"median_ms": warm, "p95_ms": warm * 1.5},
        "reload_one_changed_file": {"files_read": list(reads), "median_ms": reload / 2, "p95_ms": reload},
        "find_page_rerun": {"median_ms": page, "p95_ms": page * 1.2},
        "fresh_process": {"cold": {"peak_mb": cold_peak}, "warm": {"peak_mb": cold_peak - 50}},
        "browser": {
            "server_start_ms": 5000.0,
            "first_page_ms": first_page,
            "search_click": {"median_ms": click / 2, "p95_ms": click, "runs": 20},
            "concurrent_search": {"median_ms": together / 2, "p95_ms": together, "runs": 20},
        },
    }


def verdicts(results, seconds=None):
    return {target.name: target.holds for target in targets(results, seconds)}


def test_every_target_holds_on_figures_within_its_limit():
    found = verdicts({"10000": figures_of(), "100000": figures_of()})
    assert len(found) == 14 and all(found.values()), found


@pytest.mark.parametrize(
    ("change", "missed"),
    [
        ({"search_p95": 10.5}, "search over 100,000 entries: p95 under 10 ms"),
        ({"geodesic": 499.0}, "search over 100,000 entries: at least 500 times faster than the naive way"),
        ({"cold": 2400.0, "floor": 1700.0, "floor_paused": 1800.0}, None),
        (
            {"warm": 151.0},
            [
                "warm load at 10,000 entries under 150 ms",
                "warm load at 100,000 entries: unchanged or better (under 100 ms; it was 67 ms)",
            ],
        ),
        ({"reads": (1, 2)}, "one changed file re-reads only that file"),
        ({"page": 301.0}, "Find page rerun at 10,000 entries under 300 ms median"),
        ({"cold_peak": 401.0}, "peak memory at 100,000 entries under 400 MB"),
        ({"cold": 10_500.0, "floor": 45_000.0, "floor_paused": 45_000.0}, "cold load at 100,000 entries: at most 10 s"),
        (
            {"floor": 7_900.0, "floor_paused": 7_900.0},
            "cold load at 100,000 entries: at least 4 times faster than PyYAML's C loader",
        ),
        ({"reload": 301.0}, "reload after one changed file at 100,000 entries: under 300 ms"),
        ({"first_page": 2001.0}, "first page after the server is healthy: under 2 s (100,000 entries)"),
        ({"click": 1001.0}, "search click to results drawn in Chromium at 100,000 entries: p95 under 1 s"),
        ({"together": 2001.0}, "20 sessions searching at once at 10,000 entries: p95 under 2 s"),
    ],
)
def test_a_figure_past_its_limit_misses_exactly_that_target(change, missed):
    found = verdicts({"10000": figures_of(**change), "100000": figures_of(**change)})
    if missed is None:  # a slow cold load next to a slow C loader: both cold-load ratio targets miss
        missed_now = [name for name, holds in found.items() if not holds]
        assert missed_now == [
            "cold load at 10,000 entries within 1.3 times the pure C-loader parse",
            "cold load at 100,000 entries: at least 4 times faster than PyYAML's C loader",
        ]
        return
    assert [name for name, holds in found.items() if not holds] == (missed if isinstance(missed, list) else [missed])


def test_the_first_page_is_judged_on_the_median_of_fresh_servers_and_shows_each_run():
    results = {"100000": figures_of(first_page=1900.0)}
    results["100000"]["browser"]["first_page_runs_ms"] = [3100.0, 1900.0, 1700.0]
    (first_page,) = [target for target in targets(results) if target.name.startswith("first page")]
    assert first_page.holds
    assert first_page.measured == (
        "median 1.90 s over 3 fresh servers (3.10, 1.90, 1.70 s; the first server took 5.0 s to start)"
    )


def test_the_whole_benchmark_is_judged_without_the_million():
    results = {"1000": figures_of(), "10000": figures_of(), "100000": figures_of()}
    name = "the whole benchmark, without 1,000,000, under 10 minutes"
    assert verdicts(results, seconds=599)[name] is True and verdicts(results, seconds=601)[name] is False
    million = {**figures_of(), "seconds": 2000.0}
    assert verdicts({**results, "1000000": million}, seconds=2500)[name] is True


def test_a_million_entries_are_judged_on_search_memory_with_workers_and_cold_load():
    million = figures_of(search_p95=49.0, cold=99_000.0)
    million["fresh_process"]["cold"].update(peak_mb=1500.0, worker_peak_mb=200.0, workers=2)
    found = verdicts({"1000000": million})
    assert {name: holds for name, holds in found.items() if "1,000,000" in name} == {
        "reload after one changed file at 1,000,000 entries: under 300 ms": True,
        "search over 1,000,000 entries: p95 under 50 ms": True,
        "peak memory at 1,000,000 entries under 2 GB": True,
        "cold load at 1,000,000 entries: at most 100 s": True,
    }
    million["fresh_process"]["cold"].update(worker_peak_mb=300.0)  # 1,500 + 2 x 300 MB
    assert verdicts({"1000000": million})["peak memory at 1,000,000 entries under 2 GB"] is False


def test_cold_load_is_judged_against_the_stricter_floor():
    # 2,000 ms is a quarter of the usual C loader but 1.43 times the one with the collector paused.
    found = verdicts({"10000": figures_of(cold=2000.0, floor=8000.0, floor_paused=1400.0)})
    assert found["cold load at 10,000 entries within 1.3 times the pure C-loader parse"] is False


def test_targets_of_sizes_not_measured_are_left_out():
    assert set(verdicts({"1000": figures_of()})) == {"one changed file re-reads only that file"}
    skipped = figures_of()
    skipped["browser"] = {"skipped": "Playwright is not installed"}
    found = verdicts({"100000": skipped})
    assert found["search click to results drawn in Chromium at 100,000 entries: p95 under 1 s"] is None


@pytest.fixture(scope="module")
def synthetic_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench") / "directory"
    write_synthetic_directory(folder, 400, seed=11, today=TODAY)
    return folder, load_directory(folder, use_cache=False, today=TODAY)


@pytest.mark.parametrize(
    "query",
    [
        Query(near="10001", radius=2000),
        Query(near="60614", radius=1500, needs=("buprenorphine", "medicaid")),
        Query(near="80222", radius=1500, open_at=search_instant(TODAY)),
        Query(near="30303", radius=1500, text="hope"),
        Query(near="98101", radius=None),
    ],
)
def test_naive_reference_finds_exactly_what_search_finds(synthetic_index, query):
    _, loaded = synthetic_index
    result = search(loaded, query, now=search_instant(TODAY))
    total, first_ids = naive_search(naive_records(loaded), query, result.place, result.at, great_circle_miles)
    assert result.total > 0
    assert total == result.total
    everything = search(loaded, dataclasses.replace(query, limit=None), now=search_instant(TODAY))
    assert set(first_ids) <= {hit.id for hit in everything.hits}


def test_counting_reads_counts_directory_reads_and_puts_the_reader_back(synthetic_index, tmp_path):
    folder, _ = synthetic_index
    original = directory_module._read_file
    with counting_reads() as reads:
        load_directory(folder, cache_dir=tmp_path / "cache", today=TODAY)
    assert len(reads) == 4 and directory_module._read_file is original


def test_find_page_reruns_through_apptest_on_a_small_directory(synthetic_index, tmp_path):
    folder, _ = synthetic_index
    timings = find_page_reruns(folder, tmp_path / "cache", PROJECT_ROOT / "app.py", reruns=2)
    assert timings["runs"] == 2 and timings["median_ms"] > 0
    assert timings["query_params"] == {"near": "10001", "lang": "en"}  # the search, and the screen's language
    assert timings["headings_shown"] > 0


@pytest.mark.browser
def test_browser_figures_from_a_served_app_on_a_small_directory(synthetic_index, tmp_path):
    from navigator.bench.browser import environment_with, measure_browser

    folder, _ = synthetic_index
    roots = [str(PROJECT_ROOT / "src"), str(PROJECT_ROOT)]
    figures = measure_browser(
        PROJECT_ROOT / "app.py",
        folder,
        tmp_path / "cache",
        environment_with(roots),
        searches=2,
        sessions=2,
        first_pages=2,
    )
    assert figures["server_start_ms"] > 0 and figures["first_page_ms"] > 0
    assert len(figures["first_page_runs_ms"]) == 2 and min(figures["first_page_runs_ms"]) > 0
    assert figures["search_click"]["runs"] == 2 and figures["search_click"]["p95_ms"] > 0
    assert figures["concurrent_search"]["runs"] == 2 and figures["concurrent_search"]["sessions"] == 2


def test_the_browser_steps_run_inside_a_running_event_loop_as_outside():
    # Playwright's sync API in the same test session runs an event loop in this thread: the
    # browser figures failed with "asyncio.run() cannot be called from a running event loop".
    from navigator.bench.browser import _run

    async def inside_a_loop():
        return _run(asyncio.sleep(0, result="measured"), 5)

    def inside_and_outside():
        return asyncio.run(inside_a_loop()), _run(asyncio.sleep(0, result="measured"), 5)

    # In a thread of its own, which holds no loop, whatever the browser tests left in this one
    # (this test's own asyncio.run failed when it ran after them in one session).
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
        assert thread.submit(inside_and_outside).result() == ("measured", "measured")
    assert _run(asyncio.sleep(0, result="measured"), 5) == "measured"  # and in this thread, loop or not


def test_the_benchmark_reads_the_directory_only_for_the_loads_it_times(tmp_path, monkeypatch):
    # The cache the warm loads read is filled by the fresh process that measures a cold start's
    # memory: one more untimed cold load here cost a minute and a half at 100,000 entries.
    from navigator.bench.plan import plan_for
    from navigator.bench.runner import measure_size

    reads = []
    real_read = directory_module._read_file
    monkeypatch.setattr(directory_module, "_read_file", lambda path: reads.append(path) or real_read(path))
    figures = measure_size(40, tmp_path, TODAY, lambda _: None)
    plan = plan_for(40)
    reloads = plan.reload_runs + 1  # and one untimed reload that pays a process's one-time costs
    searched = 1  # the searches' load reads the file the reloads edited (the caches predate the edits)
    assert len(reads) == plan.load_runs * figures["files"] + reloads + searched
    assert figures["warm_load"]["runs"] == plan.warm_runs


def test_at_national_scale_the_cold_load_is_the_fresh_process_s_and_one_geodesic_kind():
    from navigator.bench.plan import plan_for

    plan = plan_for(100_000)
    assert not plan.in_process_cold_load and plan.load_runs == 0
    assert plan.paused_floor_runs == plan.fresh_cold_runs == 3  # the ratio of two medians, taken in turns
    assert plan.reload_runs == plan_for(1_000_000).reload_runs == 20  # a p95 that is not the slowest run
    assert plan.geodesic_places * plan.geodesic_kinds == 1


def test_where_fresh_processes_time_the_cold_load_it_is_their_median_each_with_an_empty_cache(tmp_path, monkeypatch):
    import dataclasses

    import navigator.bench.runner as runner
    from navigator.bench.plan import plan_for

    national = dataclasses.replace(plan_for(40), load_runs=0, floor_runs=0, paused_floor_runs=2, fresh_cold_runs=3)
    monkeypatch.setattr(runner, "plan_for", lambda size: national)
    figures = runner.measure_size(40, tmp_path, TODAY, lambda _: None)
    runs = figures["fresh_process"]["cold"]["load_runs_ms"]
    assert len(runs) == 3 and figures["cold_load"]["runs"] == 3 and figures["cold_load"]["fresh_process"]
    assert figures["cold_load"]["median_ms"] == sorted(runs)[1]
    assert figures["c_loader_parse_gc_paused"]["runs"] == 2
    assert not list(tmp_path.glob("cache-40-cold-*"))  # each run's own cache is gone


def test_a_cold_load_of_several_runs_says_so_in_its_target():
    results = {"100000": figures_of(cold=7_400.0)}
    results["100000"]["fresh_process"]["cold"]["load_runs_ms"] = [7_100.0, 8_000.0, 7_400.0]
    (cold,) = [target for target in targets(results) if target.name == "cold load at 100,000 entries: at most 10 s"]
    assert cold.measured == "7.4 s, the median of 3 fresh processes (7.1, 8.0 and 7.4 s)"
