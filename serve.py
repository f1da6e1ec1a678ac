"""The app as served in production: `streamlit run serve.py` (the same options as app.py).

It serves app.py through Streamlit's ASGI wrapper (``st.App``), which

- adds the security headers of ``ui.headers`` (frame-ancestors, no referrer, nosniff) to every
  response: Streamlit's own settings cannot set response headers;
- warms up first (``ui.warmup``: imports, Streamlit's look at the call stack, the directory, one
  search, the base map's data) in its lifespan hook, so the server answers its health check only
  once the first page can be drawn at once, instead of the first visitor waiting for a national
  directory to load; then freezes what the warm-up built, so the garbage collector stops walking
  it on every page run;
- has the Find page's HTML ask for its widgets' scripts beside Streamlit's own (``ui.preload``),
  instead of after the first run's elements arrive.

Uvicorn, under ``st.App``, parses HTTP with httptools on uvloop's event loop (both in
requirements.txt; without them it falls back to the pure-Python h11 and asyncio's own loop, and
a first page's hundred-odd script requests took a quarter of a second longer).

`streamlit run app.py` still works, without the headers, and loads on the first visit.
"""

import asyncio
from contextlib import asynccontextmanager

import streamlit as st
from ui.headers import security_middleware
from ui.preload import preload_middleware


@asynccontextmanager
async def warmed(_app):
    from ui.warmup import keep_for_good, warm_up

    await asyncio.to_thread(warm_up)  # the event loop stays free while the directory loads
    keep_for_good()
    yield


app = st.App("app.py", lifespan=warmed, middleware=[*security_middleware(), *preload_middleware()])
