"""The change feed: a server learns of changes approved on any other server by NOTIFY (or its
poll), without a page ever waiting on the database; and it refuses a schema newer than its code."""

from __future__ import annotations

import pytest
from tests.browser import free_port
from tests.conftest import CLINIC, MEETING, write_directory
from tests.test_storage import suggest_change

from navigator.database.migrations import LATEST
from navigator.database.pool import database
from navigator.directory.loader import load_directory
from navigator.directory.overlay import overlay
from navigator.review.change_feed import ChangeFeed
from navigator.review.decisions import open_desk
from navigator.review.pg_store import PostgresSuggestionStore

WAIT_SECONDS = 30  # a bound on waiting for an event, never a time the test asserts


@pytest.fixture
def feed(database_url):
    started = ChangeFeed(database_url, poll_seconds=600).start()  # a poll this slow: only NOTIFY can wake it
    yield started
    started.stop()


def test_an_approval_reaches_another_servers_feed_by_notify_and_its_directory_shows_it(feed, database_url, tmp_path):
    directory = write_directory(tmp_path / "directory", {"clinics.yaml": CLINIC, "meetings.yaml": MEETING})
    desk = open_desk(directory, PostgresSuggestionStore(database_url))
    before = feed.refreshes

    desk.approve(suggest_change(desk, fees="Free"), "ana")

    assert feed.wait_for(lambda changes: len(changes) == 1, WAIT_SECONDS)
    assert feed.refreshes == before + 1
    token, changes = feed.snapshot()
    served = load_directory(directory, overrides=overlay(directory, changes).encoded())
    assert served.entry("test-clinic")["fees"] == "Free"
    assert feed.refresh() is False  # nothing new: nothing is read again


def test_a_feed_on_a_database_with_a_newer_schema_says_so_and_follows_nothing(database_url):
    with database(database_url).connection() as connection:
        connection.execute("UPDATE navigator_schema SET version = %s", (LATEST + 1,))
    feed = ChangeFeed(database_url).start()
    try:
        assert feed.schema_problem is not None and feed.schema_problem.code == "too_new"
        assert feed.snapshot() == ((), ())
    finally:
        feed.stop()


def test_a_feed_without_its_database_serves_nothing_new_and_keeps_no_page_waiting():
    feed = ChangeFeed(f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere").start(wait_seconds=WAIT_SECONDS)
    try:
        assert feed.snapshot() == ((), ())  # start() returned: the first attempt failed and said so
        assert feed.schema_problem is None
    finally:
        feed.stop()
