"""Real-browser testing: the app under `streamlit run` on a free port, driven by Debian's chromium.

Readiness is an event, never a sleep: we wait for Streamlit to print its URL, then ask
``/_stcore/health``.
"""

from __future__ import annotations

import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from navigator.review.accounts import hash_password

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these, Chromium keeps trying to reach Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RunningApp:
    url: str
    process: subprocess.Popen
    output: list[str] = field(default_factory=list)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_app(env: dict[str, str], cwd: Path = PROJECT_ROOT, script: str = "app.py") -> RunningApp:
    """`streamlit run app.py` (or ``script``) with ``env`` added, ready to serve when this returns."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(PROJECT_ROOT / script),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    process = subprocess.Popen(
        command, cwd=cwd, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    app = RunningApp(f"http://127.0.0.1:{port}", process)
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in process.stdout:
            app.output.append(line)
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    while True:
        try:
            line = lines.get(timeout=STARTUP_TIMEOUT_SECONDS)
        except queue.Empty:
            app.stop()
            raise RuntimeError("streamlit did not start:\n" + "".join(app.output)) from None
        if line is None:
            raise RuntimeError("streamlit exited:\n" + "".join(app.output))
        if "URL:" in line:
            break
    with urllib.request.urlopen(f"{app.url}/_stcore/health", timeout=30) as response:
        assert response.read().decode().strip() == "ok"
    return app


def start_app_on(directory: Path, work: Path, **env: str) -> RunningApp:
    """The app on the directory folder ``directory``, with its data and cache folders under ``work``
    (``env`` added), so a test module's server sees no other's listings, submissions or cache."""
    return start_app(
        {
            "NAVIGATOR_DIRECTORY": str(directory),
            "NAVIGATOR_DATA_DIR": str(work / "data"),
            "NAVIGATOR_CACHE_DIR": str(work / "cache"),
            **env,
        }
    )


def start_app_with_reviewer(work: Path, password: str) -> RunningApp:
    """The app on a copy of the bundled directory (``work``/directory, which the test may change),
    with a reviewer account "ana" signing in with ``password`` (Streamlit's ``secrets.files``)."""
    directory = work / "directory"
    shutil.copytree(PROJECT_ROOT / "directory", directory)
    secrets = work / "secrets.toml"
    secrets.write_text(f'[reviewers.passwords]\nana = "{hash_password(password)}"\n')
    return start_app_on(directory, work, STREAMLIT_SECRETS_FILES=str(secrets))


@contextmanager
def open_page(browser: Browser, timeout_ms: int, **context_options) -> Iterator[Page]:
    """A page in a fresh browser context (``context_options``: viewport, locale, downloads…) whose
    waits give up after ``timeout_ms``; the context is closed on leaving."""
    context = browser.new_context(**context_options)
    try:
        page = context.new_page()
        page.set_default_timeout(timeout_ms)
        yield page
    finally:
        context.close()


def wait_until_drawn(page: Page) -> None:
    """No script is running, nothing left from the run before (Streamlit marks such elements stale
    until the run draws them again) and every element has its code loaded (placeholders are gone)."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    expect(
        page.locator("[data-stale='true'], [data-testid='stSkeleton'], [data-testid='stSkeletonElement']")
    ).to_have_count(0)


def serious_violations(page: Page) -> list[str]:
    """The page's critical and serious accessibility violations by axe, each with where it is."""
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        f"{[node['target'] for node in violation['nodes']][:5]}"
        for violation in results.response["violations"]
        if violation["impact"] in ("critical", "serious")
    ]
