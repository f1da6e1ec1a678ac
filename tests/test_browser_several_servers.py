"""Two `streamlit run` servers on one PostgreSQL, in a real Chromium: an organization submits on A,
a reviewer approves on B, A's Find page shows it with no restart and `review list` agrees on both;
failed sign-ins on A hold on B; and the database stopped in the middle of a session: search goes
on, a submission fails cleanly keeping what was typed, and goes through once the database is back.

Each server has its own copy of the directory files, as two hosts would. Every wait is on a
condition in the page or the database, never on time.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from tests.browser import open_page, start_app, wait_until_drawn
from tests.conftest import PROJECT_ROOT
from tests.postgres import start_cluster
from tests.test_several_servers import server_env

from navigator.database.migrations import upgrade
from navigator.database.pool import Database
from navigator.review.accounts import hash_password
from navigator.review.pg_store import PostgresSuggestionStore

pytestmark = pytest.mark.browser

WAIT_MS = 30_000
expect.set_options(timeout=WAIT_MS)
ENTRY = "co-den-moud-front-range-bup"
TITLE = "Front Range Recovery — Buprenorphine Clinic"
OLD_PHONE, NEW_PHONE = "303-555-0142", "303-555-0187"
PASSWORD = "correct horse battery"
RELOADS = 60  # a bound on reloading a page until a condition holds


def start_server(name: str, database_url: str, tmp_path) -> object:
    folder = tmp_path / name
    directory = folder / "directory"
    shutil.copytree(PROJECT_ROOT / "directory", directory)
    secrets = tmp_path / "secrets.toml"
    if not secrets.exists():
        secrets.write_text(f'[reviewers.passwords]\nana = "{hash_password(PASSWORD)}"\n')
    env = server_env(database_url, directory, folder / "data")
    app = start_app({**env, "STREAMLIT_SECRETS_FILES": str(secrets)})
    app.env = env
    return app


@pytest.fixture
def two_servers(database_url, tmp_path):
    servers = [start_server(name, database_url, tmp_path) for name in ("a", "b")]
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture
def page(chromium_browser):
    with open_page(chromium_browser, WAIT_MS, viewport={"width": 1280, "height": 1000}) as page:
        yield page


def review_list(env: dict[str, str]) -> list[str]:
    """`python -m navigator review list --format json` as run on that server's host."""
    done = subprocess.run(
        [sys.executable, "-m", "navigator", "review", "list", "--format", "json"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return [item["reference"] for item in json.loads(done.stdout)]


def fill_change(page: Page, url: str) -> None:
    """The organization opens its listing, follows "Suggest a change" and types a new phone."""
    page.goto(f"{url}/?entry={ENTRY}")
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    page.get_by_role("link", name="Suggest a change").click()
    phone = page.get_by_role("textbox", name="Phone number", exact=True)
    expect(phone).to_have_value(OLD_PHONE)
    phone.fill(NEW_PHONE)
    page.get_by_role("textbox", name="Your name").fill("Dana Front")
    page.get_by_role("textbox", name="Your organization").fill("Front Range Recovery")
    page.get_by_role("textbox", name="Your e-mail").fill("dana@example.org")


def sent_reference(page: Page) -> str:
    confirmation = page.get_by_text(re.compile(r"Your reference number is S-\d{8}-[A-Z0-9]{6}"))
    expect(confirmation).to_be_visible()
    return re.search(r"S-\d{8}-[A-Z0-9]{6}", confirmation.inner_text()).group()


def sign_in(page: Page, url: str, password: str = PASSWORD) -> None:
    page.goto(url)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Reviewer sign-in").click()
    page.get_by_role("textbox", name="Reviewer name").fill("ana")
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def shows_new_phone(page: Page, url: str) -> bool:
    page.goto(f"{url}/?entry={ENTRY}")
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    wait_until_drawn(page)
    return page.get_by_role("link", name=NEW_PHONE).count() > 0


def test_submitted_on_one_server_approved_on_the_other_shows_on_the_first(two_servers, page, browser_output_dir):
    a, b = two_servers
    fill_change(page, a.url)
    page.get_by_role("button", name="Send suggestion").click()
    reference = sent_reference(page)
    assert review_list(a.env) == [reference] and review_list(b.env) == [reference]

    sign_in(page, b.url)
    expect(page.get_by_role("heading", name="Review suggestions")).to_be_visible()
    expect(page.get_by_text(f"Reference: {reference}")).to_be_visible()
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_text(f"Approved {reference}: the directory is updated.")).to_be_visible()

    # A learns of it from the database (no restart, no file of its own changed).
    assert any(shows_new_phone(page, a.url) for _ in range(RELOADS))
    expect(page.get_by_text(OLD_PHONE)).to_have_count(0)
    wait_until_drawn(page)
    page.screenshot(path=str(browser_output_dir / "several-servers-find-on-a.png"), full_page=True)
    assert shows_new_phone(page, b.url)
    assert review_list(a.env) == [] and review_list(b.env) == []
    # Neither server's files changed: the change is in the database until `publish` writes it.
    for server in two_servers:
        files = "".join(path.read_text() for path in Path(server.env["NAVIGATOR_DIRECTORY"]).rglob("*.yaml"))
        assert OLD_PHONE in files and NEW_PHONE not in files
    [change] = PostgresSuggestionStore(a.env["NAVIGATOR_DATABASE_URL"]).entry_changes()
    assert change.entry_id == ENTRY and not change.published


def test_failed_sign_ins_on_both_servers_count_in_one_throttle(two_servers, page):
    a, b = two_servers
    for server in (a, b, a):
        sign_in(page, server.url, password="wrong password")
        expect(page.get_by_text("That name and password do not match a reviewer account.")).to_be_visible()

    # Three failures in a row, on two servers, in three sessions: the account's wait has started,
    # for every server (how long is left depends on this machine's speed, so it is not asserted).
    with Database(a.env["NAVIGATOR_DATABASE_URL"], max_size=1).connection() as connection:
        rows = connection.execute("SELECT failures FROM sign_in_failures").fetchall()
    assert [row["failures"] for row in rows] == [3, 3]  # this client guessing ana, and this client at all


@pytest.fixture
def own_cluster():
    """A PostgreSQL server of this test's own, since the test stops it."""
    cluster = start_cluster()
    yield cluster
    cluster.remove()


def test_the_database_stopped_mid_session_search_goes_on_and_a_submission_waits_for_it(
    own_cluster, tmp_path, page, browser_output_dir
):
    url = own_cluster.create_database("navigator")
    db = Database(url, max_size=1)
    upgrade(db)
    db.close()
    server = start_server("a", url, tmp_path)
    try:
        page.goto(f"{server.url}/?near=80222&needs=buprenorphine")
        expect(page.locator("[class*='st-key-card-']").first).to_be_visible()
        fill_change(page, server.url)

        own_cluster.stop()
        page.get_by_role("button", name="Send suggestion").click()
        expect(page.get_by_text(re.compile(r"can't be saved right now"))).to_be_visible()
        expect(page.get_by_role("textbox", name="Phone number", exact=True)).to_have_value(NEW_PHONE)
        expect(page.get_by_role("textbox", name="Your name")).to_have_value("Dana Front")
        wait_until_drawn(page)
        page.screenshot(path=str(browser_output_dir / "suggest-database-down.png"), full_page=True)

        # Search still answers, from the directory the server loaded.
        second = page.context.new_page()
        second.goto(f"{server.url}/?near=80203&needs=meeting")
        expect(second.locator("[class*='st-key-card-']").first).to_be_visible()
        second.close()

        own_cluster.start()
        for _ in range(RELOADS):  # the pool reconnects on its own; a refused try keeps the form
            page.get_by_role("button", name="Send suggestion").click()
            wait_until_drawn(page)
            if page.get_by_text(re.compile(r"Your reference number is")).count():
                break
            expect(page.get_by_text(re.compile(r"can't be saved right now"))).to_be_visible()
        reference = sent_reference(page)
        kept = PostgresSuggestionStore(url).get(reference)
        assert kept.changes["phones"][0]["number"] == NEW_PHONE and kept.contact.name == "Dana Front"
    finally:
        server.stop()


def test_a_server_killed_in_the_middle_of_an_approval_leaves_everything_as_before(two_servers, page):
    a, b = two_servers
    url = a.env["NAVIGATOR_DATABASE_URL"]
    fill_change(page, a.url)
    page.get_by_role("button", name="Send suggestion").click()
    reference = sent_reference(page)
    sign_in(page, b.url)
    expect(page.get_by_text(f"Reference: {reference}")).to_be_visible()
    # Closed here: a pool left to the garbage collector is collected in its own worker thread,
    # which psycopg_pool reports as "cannot join current thread".
    holder_database = Database(url, max_size=1)
    try:
        with holder_database.connect() as holder:
            # Hold the entry's lock: B's approval stops inside its transaction, after deciding.
            holder.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", (f"entry:{ENTRY}",))
            page.get_by_role("button", name="Approve", exact=True).click()
            while not holder.execute(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'"
            ).fetchone()["n"]:
                holder.execute("SELECT pg_sleep(0.05)")  # the database's own wait, until B's approval waits
            b.process.kill()  # SIGKILL, in the middle of the approval
            b.process.wait(timeout=60)
            holder.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (f"entry:{ENTRY}",))
    finally:
        holder_database.close()

    store = PostgresSuggestionStore(url)
    assert store.get(reference).status == "pending"
    assert store.audit() == [] and store.entry_changes() == []
    assert review_list(a.env) == [reference]
    assert not shows_new_phone(page, a.url)
