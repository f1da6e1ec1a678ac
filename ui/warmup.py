"""What the server does once at start, before it answers anyone (``serve.py``'s lifespan hook):
imports every page's modules, pays Streamlit's one look at the call stack, loads the directory,
runs a search and draws a base map's data, so the first visitor's page (and first search) does
not pay for them; then moves what it built out of the garbage collector's sight
(``keep_for_good``).

Streamlit runs app.py for each session, and with a plain ``streamlit run app.py`` nothing runs
before the first session connects: the first visitor would wait for the imports, a national
directory's load and the ZIP index.
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import inspect
import time

from navigator.search.engine import Query, search
from navigator.search.maplayers import base_map
from navigator.search.places import resolve_place

# Every module a page reads (and what they import: pandas, pydeck, the schedule and ZIP code).
PAGE_MODULES = (
    "ui.frame",
    "ui.auth",
    "ui.detail",
    "ui.results",
    "ui.map",
    "ui.search_form",
    "ui.shortlist",
    "ui.intake_steps",
    "ui.intake_plan",
    "ui.suggest_flow",
    "ui.review_flow",
    "navigator.formats.printable",
    "navigator.formats.ics",
)
WARM_SEARCH = Query(near="10001", radius=25.0)
# The collector's thresholds once the warm-up is frozen (Python's are 700, 10, 10): see keep_for_good.
COLLECTOR_THRESHOLDS = (20_000, 20, 20)


def warm_up() -> dict:
    """Imports, the directory and one search; how long each took (seconds), for the server's log."""
    from ui.data import live_directory

    took: dict[str, float] = {}

    def timed(step: str, work):
        started = time.perf_counter()
        result = work()
        took[step] = time.perf_counter() - started
        return result

    timed("imports", lambda: [importlib.import_module(name) for name in PAGE_MODULES])
    timed("first_page_run", pay_first_page_run_costs)
    directory = timed("directory", lambda: live_directory().current())
    timed("search", lambda: search(directory, WARM_SEARCH, now=dt.datetime.now(dt.UTC)))
    # The base map's county and state lines and city names are parsed on first use (about a
    # second and a half): without this the first search after a start waited 2-3 s, later ones 0.3 s.
    timed("map", lambda: base_map(resolve_place(WARM_SEARCH.near), WARM_SEARCH.radius, []))
    return took


def pay_first_page_run_costs() -> None:
    """What the first page run of a process pays once, paid before anyone waits for it.

    Streamlit's first element of a process looks at the whole call stack once (``inspect.stack()``,
    to tell the Python prompt from ``streamlit run``), and ``inspect`` then maps every loaded
    module to its file, resolving each path: 0.1-0.2 s of the first visitor's page, most of its
    server time (py-spy on a fresh server at 10,000 entries: 74 % of a 280 ms first run, against
    50 ms for a later session's). Mapped here, after the imports, that look is cheap.
    """
    inspect.stack()


def keep_for_good() -> int:
    """Moves every object alive now (the imports, the directory's index, the ZIP and map data:
    about 200,000 objects at 100,000 entries) out of the garbage collector's sight; how many.

    They live as long as the server, yet every full collection walked them all again: Streamlit
    ran one after each page run (130-240 ms of a search's rerun at 100,000 entries, under load;
    ``runner.postScriptGC`` is now off in .streamlit/config.toml) and Python runs one now and
    then. An index replaced by a reload is still freed: it holds no reference cycles, so its
    reference counts free it (the frozen objects are only skipped by the cycle collector).

    Then the collector runs less often (``COLLECTOR_THRESHOLDS``): a Find page run allocates some
    3,000 objects, so Python's young collection (every 700) ran four times a search, and with
    20 sessions searching at once every tenth of those walked the middle generation and every
    hundredth every session's objects. Measured at 10,000 entries, 20 sessions at once, servers
    side by side: the server's CPU a search 6% lower. Garbage that is a cycle lives a little
    longer (a few thousand objects); everything else is freed by its reference count at once.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    return gc.get_freeze_count()
