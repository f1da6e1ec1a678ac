"""``refresh``: sources.yaml read and checked, each due source fetched from a server on 127.0.0.1,
imported, validated and written; what changed reported exactly; a failing source keeps its data."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

import pytest
from tests.conftest import shared_data

from navigator.cli.main import main
from navigator.directory.loader import check_directory
from navigator.formats.refresh import is_due, load_state
from navigator.formats.sources import load_sources


def _sources(tmp_path, text: str):
    path = tmp_path / "sources.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _refresh(tmp_path, capsys, *extra) -> tuple[int, str, str]:
    code = main(["refresh", "--directory", str(tmp_path / "directory"), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _ids(lines: str, word: str) -> set[str]:
    return {line.split()[1].rstrip(":") for line in lines.splitlines() if line.strip().startswith(f"{word} ")}


def test_a_served_feed_refreshes_reports_exactly_what_changed_and_a_failure_keeps_the_data(
    feed_server, tmp_path, capsys, monkeypatch
):
    waits = []
    monkeypatch.setattr("navigator.formats.fetch.time.sleep", waits.append)
    meetings = json.loads(shared_data("meeting-guide", "sussexaa.json").read_text(encoding="utf-8"))
    feed_server.files["/feeds/sussexaa.json"] = json.dumps(meetings).encode()
    (tmp_path / "directory").mkdir()
    _sources(
        tmp_path,
        f"""\
        sources:
          - name: sussex
            format: meeting-guide
            url: {feed_server.url("/feeds/sussexaa.json")}
            out: imported/meetings
            options: {{fellowship: aa}}
        """,
    )

    code, out, _ = _refresh(tmp_path, capsys)
    assert code == 0, out
    assert "sussex: added 123, changed 0, removed 0, skipped 0" in out
    written = tmp_path / "directory" / "imported" / "meetings" / "meeting-guide-sussexaa.yaml"
    assert written.exists()

    # The feed drops 10 meetings and moves 3 others to a new time.
    dropped, moved = meetings[:10], meetings[10:13]
    for meeting in moved:
        meeting["time"] = "06:15" if meeting.get("time") != "06:15" else "06:45"
        meeting.pop("end_time", None)
    feed_server.files["/feeds/sussexaa.json"] = json.dumps(meetings[10:]).encode()

    code, out, _ = _refresh(tmp_path, capsys)
    assert code == 0, out
    assert "sussex: added 0, changed 3, removed 10, skipped 0" in out
    assert _ids(out, "removed") == {f"mg-sussexaa-{meeting['slug']}" for meeting in dropped}
    assert _ids(out, "updated") == {f"mg-sussexaa-{meeting['slug']}" for meeting in moved}

    # Unchanged: the server answers 304 and nothing changes.
    code, out, _ = _refresh(tmp_path, capsys)
    assert code == 0 and "added 0, changed 0, removed 0" in out and "not modified" in out
    assert feed_server.requests[-1][1].get("If-None-Match")

    # The server goes away: the refresh fails, names the source, keeps the data.
    before = written.read_bytes()
    feed_server.stop()
    code, out, err = _refresh(tmp_path, capsys)
    feed_server.start()  # so the fixture can stop it
    assert code == 1
    assert "source sussex failed" in err and "cannot connect" in err
    assert written.read_bytes() == before
    entries, report = check_directory(tmp_path / "directory")
    assert report.lines() == [] and len(entries) == 113
    state = load_state(tmp_path / "sources.yaml")["sussex"]
    assert "cannot connect" in state["error"] and state["listed_as_of"] == dt.date.today().isoformat()
    assert waits == [1.0, 2.0, 4.0]  # retried with a doubling wait before giving up


def test_a_bad_file_fails_its_source_only_and_the_others_refresh(feed_server, tmp_path, capsys):
    feed_server.files["/good.json"] = shared_data("meeting-guide", "atlanta.json").read_bytes()
    feed_server.files["/bad.json"] = shared_data("meeting-guide", "invalid.json").read_bytes()
    (tmp_path / "directory").mkdir()
    _sources(
        tmp_path,
        f"""\
        sources:
          - name: broken
            format: meeting-guide
            url: {feed_server.url("/bad.json")}
            out: imported/broken
          - name: atlanta
            format: meeting-guide
            url: {feed_server.url("/good.json")}
            out: imported/atlanta
        """,
    )

    code, out, err = _refresh(tmp_path, capsys)

    assert code == 1
    assert "source broken failed" in err and "not valid JSON" in err
    assert "atlanta: added 6" in out
    assert not (tmp_path / "directory" / "imported" / "broken").exists()


def test_a_local_path_source_and_a_source_not_yet_due(tmp_path, capsys):
    (tmp_path / "directory").mkdir()
    feed = tmp_path / "feeds" / "timezones.json"
    feed.parent.mkdir()
    feed.write_bytes(shared_data("meeting-guide", "timezones.json").read_bytes())
    _sources(
        tmp_path,
        """\
        sources:
          - name: zones
            format: meeting-guide
            path: feeds/timezones.json
            out: imported
            every: 1d
        """,
    )

    code, out, _ = _refresh(tmp_path, capsys)
    assert code == 0 and "zones: added 2" in out
    code, out, _ = _refresh(tmp_path, capsys)
    assert code == 0 and "zones: not due" in out
    code, out, _ = _refresh(tmp_path, capsys, "--only", "zones")
    assert code == 0 and "zones: added 0, changed 0, removed 0" in out


def test_every_problem_of_a_sources_file_is_listed_with_its_line(tmp_path, capsys):
    (tmp_path / "directory").mkdir()
    _sources(
        tmp_path,
        """\
        sources:
          - name: one
            format: meeting-guides
            url: ftp://example.org/feed.json
            out: ../outside
          - name: two
            format: hsds
            path: x.zip
            url: https://example.org/x.zip
            out: imported
            every: sometimes
            options: {colour: red}
          - name: one
            format: bmlt
            path: x.json
            out: imported
        """,
    )

    code, _, err = _refresh(tmp_path, capsys)

    assert code == 1
    lines = err.splitlines()
    assert any(":2: one: format: 'meeting-guides' is not one of" in line for line in lines)
    assert any(":2: one: url:" in line and "ftp://" in line for line in lines)
    assert any(":2: one: out:" in line for line in lines)
    assert any(":6: two: url: give either url" in line for line in lines)
    assert any(":6: two: every: 'sometimes'" in line for line in lines)
    assert any(":6: two: options: colour" in line for line in lines)
    assert any(":13: one: name: used by another source" in line for line in lines)


def test_no_sources_file_or_an_unknown_only_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "directory").mkdir()
    code, _, err = _refresh(tmp_path, capsys)
    assert code == 2 and "no sources file" in err
    _sources(tmp_path, "sources: []\n")
    code, _, err = _refresh(tmp_path, capsys, "--only", "nope")
    assert code == 2 and "no source named 'nope'" in err


@pytest.mark.parametrize(
    ("every", "hours_later", "due"),
    [(None, 0, True), ("1d", 23, False), ("1d", 25, True), ("6h", 7, True), ("30m", 0, False)],
)
def test_a_source_is_due_when_its_period_has_passed_since_its_last_success(tmp_path, every, hours_later, due):
    path = _sources(
        tmp_path,
        f"sources:\n  - {{name: s, format: oiaa, path: x.json, out: o{', every: ' + every if every else ''}}}\n",
    )
    source = load_sources(path)[0][0]
    then = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    state = {"s": {"last_success": then.isoformat(), "error": None}}

    assert is_due(source, state, then + dt.timedelta(hours=hours_later))[0] is due
    assert is_due(source, {"s": {"last_success": then.isoformat(), "error": "x"}}, then)[0]


def test_a_paginated_hsds_api_source_refreshes_every_page(feed_server, tmp_path, capsys):
    from tests.test_importers_hsds3 import _service_json

    pages = {
        1: [_service_json(service_id="svc-1"), _service_json(service_id="svc-2")],
        2: [_service_json(service_id="svc-3")],
    }
    for number, contents in pages.items():
        body = {"total_items": 3, "total_pages": 2, "page_number": number, "size": 2, "contents": contents}
        feed_server.files["/api/services" + ("" if number == 1 else f"?page={number}")] = json.dumps(body).encode()
    (tmp_path / "directory").mkdir()
    _sources(
        tmp_path,
        f"""\
        sources:
          - name: county-211
            format: hsds
            url: {feed_server.url("/api/services")}
            out: imported/211
        """,
    )

    code, out, err = _refresh(tmp_path, capsys)

    assert code == 0, err
    assert "county-211: added 3, changed 0, removed 0, skipped 0" in out
