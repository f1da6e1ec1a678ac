"""Fixtures shared by the tests: small directories the tests build themselves."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from streamlit import config as streamlit_config

# The deployment config hides exception details from visitors; a failing AppTest should show them.
streamlit_config.set_option("client.showErrorDetails", "full")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
BUNDLED_DIRECTORY = PROJECT_ROOT / "directory"

CLINIC = """\
- id: test-clinic
  name: Test Clinic Buprenorphine
  organization: Test Health
  category: moud_provider
  needs: [buprenorphine, outpatient]
  payment: [medicaid]
  serves: [adults]
  languages: [en, es]
  phones:
    - number: "303-555-0100"
      type: intake
  location:
    address: 1 Main St
    city: Denver
    state: CO
    zip: "80222"
    latitude: 39.671
    longitude: -104.928
  hours:
    - days: weekdays
      opens: "08:00"
      closes: "17:00"
  moud:
    medications: [buprenorphine]
    setting: office_based
    same_day_start: true
  last_verified: "2026-10-01"
  sample: true
"""

MEETING = """\
- id: test-meeting
  name: Tuesday Night Speaker Meeting
  organization: Test Intergroup
  category: support_meeting
  location:
    city: Denver
    state: CO
    zip: "80218"
  meeting:
    fellowship: aa
    attendance: hybrid
    times:
      - days: [tue]
        start: "19:00"
        end: "20:00"
    conference_url: https://example.org/zoom
  last_verified: "2026-10-01"
"""


def write_directory(root: Path, files: dict[str, str]) -> Path:
    """A directory folder holding ``files`` (relative name -> YAML text, dedented)."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def small_directory(tmp_path) -> Path:
    return write_directory(tmp_path / "directory", {"clinics.yaml": CLINIC, "meetings.yaml": MEETING})


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path, monkeypatch):
    """Each test gets its own loader cache, so no test sees another's (or the user's) cache."""
    monkeypatch.setenv("NAVIGATOR_CACHE_DIR", str(tmp_path / "cache"))


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data; the test is skipped with the reason when that folder is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent (a clone without the shared folder beside it)")
    return path


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's chromium under Playwright (Playwright cannot download its own browsers here)."""
    from playwright.sync_api import sync_playwright
    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def browser_output_dir() -> Path:
    """Screenshots of each page, for people to look at (ignored by git)."""
    folder = PROJECT_ROOT / "test-output" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def running_app(tmp_path_factory):
    """The app on the bundled directory, with its own data and cache folders."""
    from tests.browser import start_app

    work = tmp_path_factory.mktemp("app")
    app = start_app(
        {"NAVIGATOR_DATA_DIR": str(work / "data"), "NAVIGATOR_CACHE_DIR": str(work / "cache")}, script="serve.py"
    )
    yield app
    app.stop()


@pytest.fixture
def feed_server():
    """An HTTP server on 127.0.0.1 serving what the test puts in ``.files`` (tests/feed_server.py)."""
    from tests.feed_server import FeedServer

    server = FeedServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_cluster():
    """One throwaway PostgreSQL server for the whole test session (see tests/postgres.py)."""
    from tests.postgres import start_cluster

    cluster = start_cluster()
    yield cluster
    from navigator.database.pool import close_all

    close_all()
    cluster.remove()


_DATABASES = iter(range(1, 1_000_000))


@pytest.fixture
def database_url(postgres_cluster) -> str:
    """A fresh database with the navigator schema, for one test."""
    from navigator.database.migrations import upgrade
    from navigator.database.pool import Database

    url = postgres_cluster.create_database(f"navigator_test_{next(_DATABASES)}")
    db = Database(url, max_size=2)
    try:
        upgrade(db)
    finally:
        db.close()
    yield url
    from navigator.database.pool import close

    close(url)  # the test's connections go with it
