"""Two dates, never confused: when the source listed an entry (what staleness and ranking judge)
and when its row last changed; a person's confirmation stays the strongest date."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from navigator.cli.main import main
from navigator.directory.loader import check_directory, load_directory
from navigator.formats.batch import EXPORT, FEED, ImportBatch, Provenance
from navigator.formats.runner import run_import
from navigator.search.engine import Query, search
from navigator.search.wording import entry_is_stale, provenance_words

TODAY = dt.date(2026, 12, 1)
MEETING = {
    "id": "mg-feed-noon",
    "name": "Noon Group",
    "organization": "District 1",
    "category": "support_meeting",
    "location": {"city": "Denver", "state": "CO", "zip": "80218", "latitude": 39.7402, "longitude": -104.9701},
    "timezone": "America/Denver",
    "meeting": {"fellowship": "aa", "attendance": "in_person", "times": [{"days": ["mon"], "start": "12:00"}]},
    "source": "meeting_guide",
    "source_id": "noon",
    "last_verified": "2019-03-04",  # what an importer first writes; the provenance replaces it
    "last_changed": "2019-03-04",
    "verified_how": "import",
}


def _import(out, provenance: Provenance, entry=MEETING, today=TODAY):
    batch = ImportBatch("meeting_guide", "meeting-guide-feed", fields=frozenset(MEETING) | {"listed_as_of"})
    batch.add("meeting 1", copy.deepcopy(entry))
    batch.read = 1
    batch.provenance = provenance
    lines = []
    run_import(batch, out, today=today, say=lines.append)
    checked, report = check_directory(out, today=today)
    assert report.lines() == []
    return checked[0].entry, lines


def test_a_live_feed_row_last_edited_in_2019_is_listed_as_of_its_fetch_and_not_stale(tmp_path):
    entry, lines = _import(tmp_path, Provenance(TODAY, FEED, "fetched"))

    assert (entry["last_verified"], entry["listed_as_of"], entry["last_changed"]) == (
        "2026-12-01",
        "2026-12-01",
        "2019-03-04",
    )
    assert not entry_is_stale(entry, TODAY)
    assert (
        provenance_words(entry, TODAY) == "Listed by its source as of Dec 1, 2026 (its record last changed Mar 4, 2019)"
    )
    assert "note: listed as of 2026-12-01: fetched" in lines


def test_a_2019_export_imported_today_is_a_2019_listing_and_stale(tmp_path):
    entry, _ = _import(tmp_path, Provenance(dt.date(2019, 6, 30), EXPORT))

    assert entry["last_verified"] == "2019-06-30" and entry_is_stale(entry, TODAY)
    assert provenance_words(entry, TODAY) == (
        "From the source's export of Jun 30, 2019 (its record last changed Mar 4, 2019), over a year ago: "
        "call to confirm before going"
    )


def test_an_undated_source_says_so_and_ranks_as_the_oldest(tmp_path):
    dated = dict(MEETING, id="mg-feed-dated", source_id="dated")
    _import(tmp_path / "a", Provenance(None, EXPORT))
    _import(tmp_path / "b", Provenance(TODAY, FEED), entry=dated)
    directory = tmp_path / "directory"
    directory.mkdir()
    for name in ("a", "b"):
        (directory / f"{name}.yaml").write_bytes((tmp_path / name / "meeting-guide-feed.yaml").read_bytes())

    loaded = load_directory(directory, use_cache=False, today=TODAY)
    hits = search(loaded, Query(near="80218", needs=("meeting",)), now=dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)).hits

    assert [hit.id for hit in hits] == ["mg-feed-dated", "mg-feed-noon"]  # same place and time: the dated first
    undated = next(hit for hit in hits if hit.id == "mg-feed-noon")
    assert undated.stale and undated.last_verified is None
    assert undated.as_json()["last_verified"] is None
    entry = loaded.entries[undated.row]
    assert provenance_words(entry, TODAY).startswith("The source gives no date for this listing")


def test_search_json_gives_an_undated_listing_no_age_and_no_date(tmp_path, capsys):
    dated = dict(MEETING, id="mg-feed-dated", source_id="dated")
    _import(tmp_path / "directory" / "a", Provenance(None, EXPORT))
    _import(tmp_path / "directory" / "b", Provenance(dt.date(2026, 11, 1), FEED), entry=dated)
    capsys.readouterr()

    assert main(["search", "--near", "80218", "--need", "meeting", "--format", "json",
                 "--directory", str(tmp_path / "directory")]) == 0  # fmt: skip

    results = {hit["id"]: hit for hit in json.loads(capsys.readouterr().out)["results"]}
    assert (results["mg-feed-noon"]["verified_days_ago"], results["mg-feed-noon"]["last_verified"]) == (None, None)
    assert results["mg-feed-noon"]["stale"] is True
    assert results["mg-feed-dated"]["last_verified"] == "2026-11-01"
    assert isinstance(results["mg-feed-dated"]["verified_days_ago"], int)


def test_a_refetch_that_only_moves_the_listed_date_is_not_reported_as_a_change(tmp_path):
    _import(tmp_path, Provenance(dt.date(2026, 11, 1), FEED))

    entry, lines = _import(tmp_path, Provenance(TODAY, FEED))

    assert entry["listed_as_of"] == "2026-12-01"
    assert not any(line.startswith("updated") for line in lines)


def test_a_person_s_confirmation_stays_the_strongest_date(tmp_path, capsys):
    out = tmp_path / "directory"
    _import(out, Provenance(dt.date(2026, 6, 1), FEED), today=dt.date(2026, 6, 1))
    assert main(["review", "verify", "mg-feed-noon", "--how", "phone", "--on", "2026-07-01", "--reviewer", "ana",
                 "--directory", str(out), "--data-dir", str(tmp_path / "data")]) == 0  # fmt: skip

    entry, lines = _import(out, Provenance(TODAY, FEED), entry=dict(MEETING, name="Noon Group (moved)"))

    assert (entry["last_verified"], entry["verified_how"], entry["name"]) == ("2026-07-01", "phone", "Noon Group")
    assert any(line.startswith("kept mg-feed-noon: verified by phone") for line in lines)
    assert provenance_words(entry, TODAY) == "Last verified Jul 1, 2026"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"listed_as_of": "yesterday"}, "listed_as_of"),
        ({"listed_from": "rumour"}, "listed_from"),
        ({"last_changed": "2019-02-30"}, "last_changed"),
        ({"last_verified": None}, "last_verified"),
    ],
)
def test_the_schema_checks_the_provenance_fields(tmp_path, value, message):
    from tests.conftest import write_directory

    from navigator.directory.yamlwrite import dump_entries

    entry = {**MEETING, "listed_as_of": "2026-11-01", "listed_from": "feed", **value}
    entry = {key: item for key, item in entry.items() if item is not None}
    write_directory(tmp_path / "d", {"x.yaml": dump_entries([entry])})

    _, report = check_directory(tmp_path / "d", today=TODAY)

    assert any(f": {message}:" in line for line in report.lines()), report.lines()


def test_review_stale_lists_an_undated_listing_first_as_having_no_date(tmp_path, capsys):
    _import(tmp_path / "directory", Provenance(None, EXPORT))

    assert main(["review", "stale", "--directory", str(tmp_path / "directory"), "--data-dir", str(tmp_path / "d")]) == 0

    assert capsys.readouterr().out.splitlines()[0].startswith("no date     mg-feed-noon")
