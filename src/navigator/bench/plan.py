"""What the benchmark measures: the sizes, the searched places and query kinds, and how many runs each
figure takes at each size (fewer at national scale, where one run takes long)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_SIZES = (1_000, 10_000, 100_000)
MILLION = 1_000_000  # only with ``bench --million``: it takes many minutes
FIND_PAGE_SIZE = 10_000
BROWSER_SIZE = 100_000  # the first page and 20 search clicks in Chromium
CONCURRENCY_SIZE = 10_000  # 20 sessions searching at once
# Searched places across the country: seven cities and a small state capital (Helena, MT).
SEARCH_PLACES = ("10001", "60614", "80222", "77002", "90012", "98101", "30303", "59601")
SEARCH_RADIUS = 25.0
TWO_NEEDS = ("buprenorphine", "medicaid")
SEARCH_WORDS = "hope"
QUERY_KINDS = ("zip", "two needs", "open at", "text")
REPEATS_PER_SEARCH = 5
# Reloads timed at national scale, where the target is their p95: of 3 or 5 runs the p95 is the
# slowest one (one reload of 511 ms among 122 ms ones missed the target at 1,000,000 entries; 20
# more in a row on the same machine took 147-221 ms). A reload there takes 50-200 ms.
NATIONAL_RELOADS = 20
FIND_PAGE_RERUNS = 15


@dataclass(frozen=True)
class Plan:
    """How often each figure is measured at one size: enough runs for a median and a p95 where
    a run is quick, few enough that the whole benchmark stays within ten minutes on a two-core
    machine (at 100,000 entries one cold load takes half a minute, one naive search with geopy's
    distance eight seconds)."""

    load_runs: int
    floor_runs: int  # the C loader as it usually runs (0: not measured)
    paused_floor_runs: int  # the C loader with the collector paused (0: not measured)
    warm_runs: int
    reload_runs: int
    great_circle_places: int  # each naive search runs once per query kind for this many places
    geodesic_places: int
    # The geodesic loop's time hardly depends on the kind of query (it is the per-entry distance):
    # at national scale one kind is enough for the ratio, the others cost a minute and a half.
    geodesic_kinds: int = len(QUERY_KINDS)
    # Fresh processes that load with an empty cache (each also measures its peak memory); where
    # no cold load is timed in this process, their median is the cold load.
    fresh_cold_runs: int = 1

    @property
    def in_process_cold_load(self) -> bool:
        """False: no cold load is timed in this process, and the fresh process's is the cold load."""
        return self.load_runs > 0


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
        # Three cold loads give a steady median (within 8 % of the p95 in the runs so far); the C
        # loader as it usually runs takes 9-20 s a run and is only reported, so it runs once.
        return Plan(
            load_runs=3,
            floor_runs=1,
            paused_floor_runs=3,
            warm_runs=15,
            reload_runs=5,
            great_circle_places=every_place,
            geodesic_places=1,
        )
    if size > 200_000:
        # A million entries: the cold load runs once, in the fresh process that measures peak
        # memory; the C loader's floor would take four minutes and the naive geodesic loop two.
        return Plan(
            load_runs=0,
            floor_runs=0,
            paused_floor_runs=0,
            warm_runs=3,
            reload_runs=NATIONAL_RELOADS,
            great_circle_places=1,
            geodesic_places=0,
        )
    # PyYAML's loader as it usually runs would take over a minute here: the collector walks the
    # growing heap again and again. With the collector paused it is the stricter floor anyway.
    # The cold load is the fresh processes' (which also measure their memory; the last fills the
    # cache the later figures read): a cold load in this process measured the same thing again.
    # Three of each, taken in turns, for the ratio between them: one of each gave 3.9 and 3.2
    # times in two quiet runs four minutes apart (7.6 s against 29.5 s, 10.0 s against 31.7 s).
    return Plan(
        load_runs=0,
        floor_runs=0,
        paused_floor_runs=3,
        fresh_cold_runs=3,
        warm_runs=7,
        reload_runs=NATIONAL_RELOADS,
        great_circle_places=2,
        geodesic_places=1,
        geodesic_kinds=1,
    )
