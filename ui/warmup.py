"""What the server does once at start, before it answers anyone (``serve.py``'s lifespan hook):
imports every page's modules, loads the directory and runs a search, so the first visitor's
page does not pay for them.

Streamlit runs app.py for each session, and with a plain ``streamlit run app.py`` nothing runs
before the first session connects: the first visitor would wait for the imports, a national
directory's load and the ZIP index.
"""

from __future__ import annotations

import datetime as dt
import importlib
import time

from navigator.search.engine import Query, search

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


def warm_up() -> dict:
    """Imports, the directory and one search; how long each took (seconds), for the server's log."""
    from ui.data import live_directory

    took = {}
    started = time.perf_counter()
    for name in PAGE_MODULES:
        importlib.import_module(name)
    took["imports"] = time.perf_counter() - started
    started = time.perf_counter()
    directory = live_directory().current()
    took["directory"] = time.perf_counter() - started
    started = time.perf_counter()
    search(directory, WARM_SEARCH, now=dt.datetime.now(dt.UTC))
    took["search"] = time.perf_counter() - started
    return took
