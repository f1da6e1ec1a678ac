"""What a coach feels in a real browser: the app under ``streamlit run serve.py``, driven by Chromium
through Playwright, for ``python -m navigator bench``.

- **First page**: once the server answers its health check (it warms up before it answers, see
  ``ui.warmup``), a new browser context opens the app: from the navigation's start to the Find
  page drawn, in the page's clock; and how long the server took to start. Timed on
  ``FIRST_PAGE_SERVERS`` freshly started servers, each the first page it serves, reported as their
  median with every run: one such figure was 1.6 s in one quiet run and 3.1 s in the next, and
  nothing else in the bench rests on a single sample.
- **Search click to results**: 20 searches, each a new ZIP typed into the form and Search
  clicked, until the results are drawn: the address bar holds the search, no script runs,
  nothing is a placeholder, and the page's last heading is there.
- **Concurrency**: 20 sessions search at once, each from its first page to its results, through
  ``ui.session_load`` (a small client of Streamlit's websocket, run from the app's folder, since
  this package never imports Streamlit): 20 browser tabs drawing maps on a two-core machine would
  time the browser, not the server.

Playwright is a test dependency: without it (or without a Chromium) the browser figures are
skipped with the reason. Every server is started and stopped here, each step bounded in time; a
figure that fails says why instead of stopping the benchmark.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

# Cities, towns and suburbs across the country: each search is a new place.
BROWSER_ZIPS = (
    "10001", "60614", "80222", "77002", "90012", "98101", "30303", "59601", "02134", "33101",
    "85004", "19103", "48201", "55401", "63101", "97201", "84101", "70112", "37203", "27601",
)  # fmt: skip
SEARCHES = 20
SESSIONS = 20
FIRST_PAGE_SERVERS = 3
STEP_TIMEOUT_S = 120  # any one wait; a server that starts slower than this has failed
CHROMIUM_ARGS = [  # without these, Chromium keeps trying to reach Google's hosts
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def unavailable() -> str | None:
    """Why the browser figures cannot be taken here, or None."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (requirements-dev.txt)"
    if chromium_path() is None:
        return "no chromium on PATH (apt-get install chromium)"
    return None


class Server:
    """``streamlit run serve.py`` on a free port, from the app's folder, stopped on exit."""

    def __init__(self, app_folder: Path, environment: dict, directory: Path, cache: Path):
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(app_folder / "serve.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ]
        env = {**environment, "NAVIGATOR_DIRECTORY": str(directory), "NAVIGATOR_CACHE_DIR": str(cache)}
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command, cwd=app_folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def wait_healthy(self) -> float:
        """Seconds from the start until /_stcore/health answers ok (polled: the server prints
        nothing reliable about its warm-up)."""
        deadline = self.started + STEP_TIMEOUT_S
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app server exited with code {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=5) as response:
                    if response.read().decode().strip() == "ok":
                        return time.perf_counter() - self.started
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"the app server was not healthy within {STEP_TIMEOUT_S} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.stop()


# The Find page is drawn for the search in the address bar (for any page when no ZIP is given):
# no script running (the running indicator gone, or fading out after the run), no placeholder and
# nothing left over from the run before (Streamlit marks such elements stale), the shortlist
# heading (the page's last) there and, for a search, its Results heading, with every result's
# Details link for this search (the address bar and the running indicator change before the
# browser has drawn the results: checked on its own, a search was "drawn" with the last one's
# results still on screen). The page checks this itself on every animation frame and answers the
# frame's time (performance.now()), so the figure is when it was drawn: Playwright's expect()
# re-checks after 100, 250, 500, then every 1,000 ms, which added up to a second to a figure.
_DRAWN = """(zip) => {
  const searched = (address) => new URL(address, location.href).searchParams.getAll("near").includes(zip);
  if (zip && !searched(location.href)) return false;
  if (document.querySelector('[data-testid="stStatusWidget"]:not(.StatusWidget-exit)')) return false;
  if (document.querySelector('[data-stale="true"], [data-testid="stSkeleton"], [data-testid="stSkeletonElement"]')) {
    return false;
  }
  const shown = [...document.querySelectorAll("h2")].filter((heading) => heading.getClientRects().length > 0);
  const names = shown.map((heading) => heading.textContent.trim());
  if (!names.includes("Your shortlist") || (zip && !names.includes("Results"))) return false;
  const details = [...document.querySelectorAll('a[href*="entry="]')].map((link) => link.getAttribute("href"));
  if (zip && !details.every(searched)) return false;
  return performance.now();
}"""
# Remembers (in the page's clock) when the next click happened: the search's start, as a person's
# click, without the time Playwright spends checking that the button can be clicked.
_NOTE_CLICK = """() => {
  window.navigatorClickAt = null;
  const note = () => { window.navigatorClickAt = performance.now(); };
  document.addEventListener("click", note, {capture: true, once: true});
}"""


async def _drawn(page, zip_code: str | None = None) -> float:
    """Waits until the run that answers the last action has drawn the Find page; the page's
    clock (milliseconds, performance.now()) at the frame it was drawn in."""
    drawn = await page.wait_for_function(_DRAWN, arg=zip_code, polling="raf", timeout=STEP_TIMEOUT_S * 1000)
    return float(await drawn.json_value())


async def _search(page, zip_code: str) -> float:
    """Seconds from the click on Search for ``zip_code`` to its results drawn, in the page's clock."""
    await page.get_by_role("textbox", name="ZIP code, city or coordinates").fill(
        zip_code, timeout=STEP_TIMEOUT_S * 1000
    )
    await page.evaluate(_NOTE_CLICK)
    await page.get_by_role("button", name="Search", exact=True).click(timeout=STEP_TIMEOUT_S * 1000)
    drawn_at = await _drawn(page, zip_code)
    clicked_at = await page.evaluate("() => window.navigatorClickAt")
    if clicked_at is None:
        raise RuntimeError(f"the click on Search for {zip_code} never reached the page")
    return (drawn_at - clicked_at) / 1000


async def _open(browser, url: str):
    """A new browser context's first page at ``url``, drawn; and the page's clock when it was
    drawn (milliseconds from the navigation's start, performance.timeOrigin)."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await page.goto(url, timeout=STEP_TIMEOUT_S * 1000)
    return page, await _drawn(page)


def summary_of(seconds: list[float]) -> dict:
    milliseconds = sorted(value * 1000 for value in seconds)
    p95 = statistics.quantiles(milliseconds, n=20, method="inclusive")[18] if len(milliseconds) > 1 else milliseconds[0]
    return {"median_ms": round(statistics.median(milliseconds), 1), "p95_ms": round(p95, 1), "runs": len(milliseconds)}


async def _launched(playwright):
    """Chromium, started and settled: a visitor's browser is running before they open the app,
    so its own start (its helper processes, its first context: 0.2-2.4 s under load) is not
    timed as the app's first page."""
    browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    settling = await browser.new_context()
    await (await settling.new_page()).goto("about:blank")
    await settling.close()
    return browser


async def _first_page(url: str) -> float:
    """Milliseconds from the navigation's start to the Find page drawn, in the page's clock."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await _launched(playwright)
        try:
            return (await _open(browser, url))[1]
        finally:
            await browser.close()


async def _measure(url: str, searches: int) -> dict:
    from playwright.async_api import async_playwright

    figures: dict = {}
    async with async_playwright() as playwright:
        browser = await _launched(playwright)
        try:
            page, drawn_ms = await _open(browser, url)
            figures["first_page_ms"] = round(drawn_ms, 1)
            await _search(page, BROWSER_ZIPS[-1])  # the page's own first search: its code loaded
            seconds = [await _search(page, BROWSER_ZIPS[n % len(BROWSER_ZIPS)]) for n in range(searches)]
            figures["search_click"] = summary_of(seconds)
        finally:
            await browser.close()
    return figures


def _sessions_at_once(app_folder: Path, environment: dict, url: str, sessions: int) -> dict:
    completed = subprocess.run(
        [sys.executable, "-m", "ui.session_load", url, str(sessions), *BROWSER_ZIPS],
        cwd=app_folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT_S * 3,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the sessions failed: {completed.stderr.strip()[-500:]}")
    seconds = json.loads(completed.stdout.strip().splitlines()[-1])["seconds"]
    return {**summary_of(seconds), "sessions": sessions}


def _run(steps, timeout_s: float):
    """Runs the coroutine ``steps`` to its end within ``timeout_s``, in a thread of its own when
    this thread already runs an event loop (Playwright's sync API in a test session does)."""

    def run():
        return asyncio.run(asyncio.wait_for(steps, timeout_s))

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(run).result()


def measure_browser(
    app: Path | None,
    directory: Path,
    cache: Path,
    environment: dict,
    searches: int = SEARCHES,
    sessions: int = 0,
    first_pages: int = FIRST_PAGE_SERVERS,
) -> dict:
    """The browser figures for one directory (see the module's notes), or why they were skipped."""
    reason = unavailable() if searches else None
    if reason is None and (app is None or not (app.parent / "serve.py").is_file()):
        reason = f"no serve.py beside the app script {app}"
    if reason:
        return {"skipped": reason}
    app_folder = app.parent.resolve()
    figures: dict = {}
    try:
        with Server(app_folder, environment, directory, cache) as server:
            figures["server_start_ms"] = round(server.wait_healthy() * 1000, 1)
            if searches:
                figures.update(_run(_measure(server.url, searches), STEP_TIMEOUT_S * 4))
            if sessions:
                figures["concurrent_search"] = _sessions_at_once(app_folder, environment, server.url, sessions)
        if "first_page_ms" in figures:  # not when the first server's figures failed
            runs = [figures.pop("first_page_ms")]
            for _ in range(first_pages - 1):
                with Server(app_folder, environment, directory, cache) as server:
                    server.wait_healthy()
                    runs.append(round(_run(_first_page(server.url), STEP_TIMEOUT_S), 1))
            figures["first_page_ms"] = round(statistics.median(runs), 1)
            figures["first_page_runs_ms"] = runs
    except (RuntimeError, OSError, TimeoutError, subprocess.TimeoutExpired, ValueError) as error:
        figures["failed"] = f"{type(error).__name__}: {str(error)[:300]}"
    except Exception as error:  # Playwright's own errors, which this module imports only when it runs
        if type(error).__module__.startswith("playwright"):
            figures["failed"] = f"{type(error).__name__}: {str(error)[:300]}"
        else:
            raise
    return figures


def environment_with(paths: list[str]) -> dict:
    """This process's environment with ``paths`` first on PYTHONPATH."""
    existing = [path for path in os.environ.get("PYTHONPATH", "").split(os.pathsep) if path]
    return {**os.environ, "PYTHONPATH": os.pathsep.join([*paths, *existing])}
