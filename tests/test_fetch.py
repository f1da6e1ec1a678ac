"""Fetching over http(s): conditional GETs, retries with backoff, timeouts and the size limit,
against a server on 127.0.0.1 started by each test."""

from __future__ import annotations

import pytest

from navigator.formats.fetch import FetchError, FetchPolicy, fetch, file_name_of, is_url

QUICK = FetchPolicy(timeout=5, retries=3, backoff=0.5, max_bytes=1000)


def test_a_fetch_writes_the_body_and_remembers_the_validators(feed_server, tmp_path):
    feed_server.files["/feed.json"] = b"[1, 2, 3]"

    fetched = fetch(feed_server.url("/feed.json"), tmp_path / "feed.json", policy=QUICK)

    assert (tmp_path / "feed.json").read_bytes() == b"[1, 2, 3]"
    assert fetched.etag and fetched.last_modified == feed_server.last_modified
    assert (fetched.size, fetched.attempts, fetched.not_modified) == (9, 1, False)


def test_an_unchanged_source_answers_not_modified_and_nothing_is_written(feed_server, tmp_path):
    feed_server.files["/feed.json"] = b"[1]"
    first = fetch(feed_server.url("/feed.json"), tmp_path / "a.json", policy=QUICK)

    again = fetch(feed_server.url("/feed.json"), tmp_path / "b.json", etag=first.etag, policy=QUICK)

    assert again.not_modified and not (tmp_path / "b.json").exists()
    assert feed_server.requests[-1][1]["If-None-Match"] == first.etag


def test_server_errors_are_retried_with_a_doubling_wait(feed_server, tmp_path):
    feed_server.files["/feed.json"] = b"[]"
    feed_server.failures["/feed.json"] = [503, 502]
    waits = []

    fetched = fetch(feed_server.url("/feed.json"), tmp_path / "f.json", policy=QUICK, sleep=waits.append)

    assert fetched.attempts == 3 and waits == [0.5, 1.0]


def test_a_source_that_keeps_failing_names_the_url_and_the_reason(feed_server, tmp_path):
    feed_server.failures["/feed.json"] = [500] * 10
    waits = []

    with pytest.raises(FetchError) as raised:
        fetch(feed_server.url("/feed.json"), tmp_path / "f.json", policy=QUICK, sleep=waits.append)

    message = str(raised.value)
    assert "/feed.json" in message and "500" in message and "after 4 attempts" in message
    assert len(waits) == 3 and not (tmp_path / "f.json").exists()


def test_a_missing_file_is_not_retried(feed_server, tmp_path):
    waits = []
    with pytest.raises(FetchError, match="404"):
        fetch(feed_server.url("/nothing.json"), tmp_path / "f.json", policy=QUICK, sleep=waits.append)
    assert waits == [] and len(feed_server.requests) == 1


def test_a_reply_over_the_size_limit_is_refused_and_nothing_is_kept(feed_server, tmp_path):
    feed_server.files["/huge.json"] = b"x" * 5000

    with pytest.raises(FetchError, match="over the limit of 1,000"):
        fetch(feed_server.url("/huge.json"), tmp_path / "huge.json", policy=QUICK)

    assert list(tmp_path.iterdir()) == []


def test_a_closed_port_is_a_connection_error_after_the_retries(tmp_path):
    waits = []
    with pytest.raises(FetchError, match="cannot connect"):
        fetch("http://127.0.0.1:9/feed.json", tmp_path / "f.json", policy=QUICK, sleep=waits.append)
    assert len(waits) == 3


def test_urls_and_their_file_names_are_recognised():
    assert is_url("https://example.org/a.json") and is_url("HTTP://example.org")
    assert not is_url("feeds/a.json")
    assert file_name_of("https://example.org/wp-json/tsml/feed/sussexaa.json?x=1") == "sussexaa.json"
    assert file_name_of("https://example.org/") == "download"
