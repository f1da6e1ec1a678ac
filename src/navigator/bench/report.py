"""The benchmark's targets (which hold, which do not) and its table for people."""

from __future__ import annotations

from dataclasses import dataclass

from navigator.bench.plan import QUERY_KINDS


@dataclass(frozen=True)
class Target:
    name: str
    holds: bool | None  # None: not measured (its size was not run)
    measured: str


def targets(results: dict, seconds: float | None = None) -> list[Target]:
    """Each target of the performance issues, judged on the sizes that were measured."""
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
    found += national_targets(results, seconds)
    return found


def national_targets(results: dict, seconds: float | None = None) -> list[Target]:
    """The targets of national scale: cold load, reload, the browser, concurrency, a million entries."""
    big, mid, million = results.get("100000"), results.get("10000"), results.get("1000000")
    found = []
    if big:
        cold = big["cold_load"]["median_ms"]
        references = [(big[name]["median_ms"], label) for name, label in _C_LOADERS if name in big]
        faster, label = min(references) if references else (None, "")
        found += [
            Target("cold load at 100,000 entries: at most 10 s", cold <= 10_000, f"{cold / 1000:.1f} s{_of_runs(big)}"),
            Target(
                "cold load at 100,000 entries: at least 4 times faster than PyYAML's C loader",
                faster is not None and faster / cold >= 4,
                f"{faster / cold:.1f} times faster than the C loader {label} ({faster / 1000:.1f} s), medians"
                if faster
                else "the C loader was not measured",
            ),
            Target(
                "warm load at 100,000 entries: unchanged or better (under 100 ms; it was 67 ms)",
                big["warm_load"]["median_ms"] < 100,
                f"median {big['warm_load']['median_ms']:.1f} ms",
            ),
        ]
    for key, size in (("100000", "100,000"), ("1000000", "1,000,000")):
        reload = (results.get(key) or {}).get("reload_one_changed_file")
        if reload and "p95_ms" in reload:
            found.append(
                Target(
                    f"reload after one changed file at {size} entries: under 300 ms",
                    reload["p95_ms"] < 300,
                    f"median {reload['median_ms']:.0f} ms, p95 {reload['p95_ms']:.0f} ms, "
                    f"replacing only that file's rows",
                )
            )
    browser = (big or {}).get("browser")
    if browser is not None:
        skipped = browser.get("skipped")
        first, clicks = browser.get("first_page_ms"), browser.get("search_click")
        found += [
            Target(
                "first page after the server is healthy: under 2 s (100,000 entries)",
                None if skipped else first < 2000,
                skipped or _first_pages(browser),
            ),
            Target(
                "search click to results drawn in Chromium at 100,000 entries: p95 under 1 s",
                None if skipped else clicks["p95_ms"] < 1000,
                skipped or f"median {clicks['median_ms']:.0f} ms, p95 {clicks['p95_ms']:.0f} ms over {clicks['runs']}",
            ),
        ]
    together = (mid or {}).get("browser")
    if together is not None:
        skipped, at_once = together.get("skipped"), together.get("concurrent_search")
        found.append(
            Target(
                "20 sessions searching at once at 10,000 entries: p95 under 2 s",
                None if skipped else at_once["p95_ms"] < 2000,
                skipped or f"median {at_once['median_ms']:.0f} ms, p95 {at_once['p95_ms']:.0f} ms",
            )
        )
    if million:
        search = million["search"]["p95_ms"]
        process = million["fresh_process"]["cold"]
        peak = process["peak_mb"] + process.get("worker_peak_mb", 0) * process.get("workers", 0)
        cold = million["cold_load"]["median_ms"]
        found += [
            Target("search over 1,000,000 entries: p95 under 50 ms", search < 50, f"p95 {search:.1f} ms"),
            Target(
                "peak memory at 1,000,000 entries under 2 GB",
                peak < 2048,
                f"{peak:,.0f} MB: {process['peak_mb']:,.0f} MB the loading process, "
                f"{process.get('worker_peak_mb', 0):,.0f} MB each of its {process.get('workers', 0)} workers",
            ),
            Target("cold load at 1,000,000 entries: at most 100 s", cold <= 100_000, f"{cold / 1000:.0f} s"),
        ]
    if seconds is not None:
        without = seconds - (million or {}).get("seconds", 0)
        if all(key in results for key in ("1000", "10000", "100000")):
            found.append(
                Target("the whole benchmark, without 1,000,000, under 10 minutes", without < 600, f"{without:.0f} s")
            )
    return found


_C_LOADERS = (
    ("c_loader_parse", "as it usually runs"),
    ("c_loader_parse_gc_paused", "with the collector paused"),
)


_ROWS = (
    ("cold load (no cache)", lambda f: f["cold_load"]),
    ("  C loader parse, same files", lambda f: f.get("c_loader_parse")),
    ("  C loader parse, GC paused", lambda f: f.get("c_loader_parse_gc_paused")),
    ("warm load (from cache)", lambda f: f["warm_load"]),
    ("reload, one file changed", lambda f: f["reload_one_changed_file"]),
    ("search, all kinds", lambda f: f["search"]),
    *((f"  search: {kind}", lambda f, kind=kind: f["search_by_kind"][kind]) for kind in QUERY_KINDS),
    ("naive: geopy distance loop", lambda f: f.get("naive_search")),
    ("naive: geopy great circle", lambda f: f.get("naive_great_circle")),
    ("Find page rerun (AppTest)", lambda f: f.get("find_page_rerun")),
    ("fresh process load, cold", lambda f: _single(f["fresh_process"]["cold"]["load_ms"])),
    ("fresh process load, warm", lambda f: _single(f["fresh_process"]["warm"]["load_ms"])),
    ("browser: first page", lambda f: _single_or_none((f.get("browser") or {}).get("first_page_ms"))),
    ("browser: search click", lambda f: (f.get("browser") or {}).get("search_click")),
    ("browser: 20 sessions at once", lambda f: (f.get("browser") or {}).get("concurrent_search")),
)


def _of_runs(figures: dict) -> str:
    """ ", the median of 3 fresh processes (7.1, 7.4 and 8.0 s)" when the cold load took several."""
    runs = figures.get("fresh_process", {}).get("cold", {}).get("load_runs_ms") or []
    if len(runs) < 2:
        return ""
    each = ", ".join(f"{run / 1000:.1f}" for run in runs[:-1]) + f" and {runs[-1] / 1000:.1f}"
    return f", the median of {len(runs)} fresh processes ({each} s)"


def _first_pages(browser: dict) -> str:
    runs = browser.get("first_page_runs_ms") or [browser["first_page_ms"]]
    each = ", ".join(f"{run / 1000:.2f}" for run in runs)
    started = f"the first server took {browser['server_start_ms'] / 1000:.1f} s to start"
    if len(runs) == 1:
        return f"{browser['first_page_ms'] / 1000:.2f} s ({started})"
    return f"median {browser['first_page_ms'] / 1000:.2f} s over {len(runs)} fresh servers ({each} s; {started})"


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
        ("search vs geopy distance (times)", lambda f: f"{f.get('naive_search', {}).get('times_slower', 0):,.0f}"),
        ("search vs great circle (times)", lambda f: f"{f['naive_great_circle']['times_slower']:,.0f}"),
        ("matches per search (median)", lambda f: f"{f['search_matches_median']:,.0f}"),
        ("files read per reload", _files_read),
        ("peak RSS, cold start (MB)", lambda f: f"{f['fresh_process']['cold']['peak_mb']:,.0f}"),
        ("peak RSS, warm start (MB)", lambda f: f"{f['fresh_process']['warm']['peak_mb']:,.0f}"),
        ("peak RSS, each load worker (MB)", lambda f: f"{f['fresh_process']['cold'].get('worker_peak_mb', 0):,.0f}"),
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


def _single_or_none(milliseconds: float | None) -> dict | None:
    return None if milliseconds is None else _single(milliseconds)


def _single(milliseconds: float) -> dict:
    """One run shown in the median column (its p95 is the same run)."""
    return {"median_ms": milliseconds, "p95_ms": milliseconds}


def _number(milliseconds: float) -> str:
    if milliseconds >= 100:
        return f"{milliseconds:,.0f}"
    return f"{milliseconds:.2f}" if milliseconds < 10 else f"{milliseconds:.1f}"
