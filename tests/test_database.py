"""The PostgreSQL side: the versioned schema (`db upgrade`), the check every server makes, `publish`
into a git checkout, approved changes as every server serves them, and an unreachable database."""

from __future__ import annotations

import difflib
import json
import subprocess
from pathlib import Path

import pytest
from tests.browser import free_port
from tests.conftest import CLINIC, MEETING
from tests.test_storage import suggest_change, suggest_new

from navigator.cli.main import main
from navigator.database.migrations import LATEST, SchemaProblem, check_schema, schema_version
from navigator.database.pool import database
from navigator.directory.loader import load_directory
from navigator.directory.overlay import overlay
from navigator.review.decisions import open_desk
from navigator.review.limits import SUGGESTIONS_PER_CLIENT
from navigator.review.pg_store import PostgresSuggestionStore
from navigator.review.storage import StorageUnavailable


def test_db_upgrade_creates_the_schema_and_running_it_again_changes_nothing(postgres_cluster, monkeypatch, capsys):
    url = postgres_cluster.create_database("navigator_upgrade")
    monkeypatch.setenv("NAVIGATOR_DATABASE_URL", url)
    assert schema_version(database(url)) == 0

    assert main(["db", "upgrade"]) == 0
    assert f"now at version {LATEST} (was none)" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    assert "nothing to do" in capsys.readouterr().out
    assert check_schema(database(url)) == LATEST


def test_a_database_with_a_newer_schema_is_refused_by_servers_and_commands(database_url, monkeypatch, capsys):
    with database(database_url).connection() as connection:
        connection.execute("UPDATE navigator_schema SET version = %s", (LATEST + 1,))
    monkeypatch.setenv("NAVIGATOR_DATABASE_URL", database_url)

    with pytest.raises(SchemaProblem) as raised:
        check_schema(database(database_url))
    assert raised.value.code == "too_new"
    assert main(["review", "list"]) == 1
    assert "newer than this code knows" in capsys.readouterr().err
    assert main(["db", "upgrade"]) == 1  # an older server never "upgrades" a newer schema
    assert schema_version(database(database_url)) == LATEST + 1


def test_a_database_without_the_schema_says_to_run_db_upgrade(postgres_cluster, monkeypatch, capsys):
    monkeypatch.setenv("NAVIGATOR_DATABASE_URL", postgres_cluster.create_database("navigator_empty"))
    assert main(["review", "list"]) == 1
    assert "python -m navigator db upgrade" in capsys.readouterr().err


@pytest.mark.parametrize("backend", ["files", "postgres"])
def test_review_list_prints_json_on_both_backends(backend, request, tmp_path, monkeypatch, capsys, small_directory):
    if backend == "postgres":
        monkeypatch.setenv("NAVIGATOR_DATABASE_URL", request.getfixturevalue("database_url"))
    else:
        monkeypatch.delenv("NAVIGATOR_DATABASE_URL", raising=False)
    monkeypatch.setenv("NAVIGATOR_DATA_DIR", str(tmp_path / "data"))
    from navigator.review.storage import open_store
    from navigator.settings import load_settings

    desk = open_desk(small_directory, open_store(load_settings()))
    reference = suggest_change(desk, fees="Free")

    assert main(["review", "list", "--format", "json", "--directory", str(small_directory)]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["reference"] == reference and listed["entry_id"] == "test-clinic"
    assert {"path": ["fees"], "before": None, "after": "Free"} in listed["changes"]
    assert listed["from"] == {"name": "Ana Ruiz", "organization": "Test Health"}


def test_an_unreachable_database_is_reported_as_storage_unavailable_without_waiting_long():
    store = PostgresSuggestionStore(f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere")
    with pytest.raises(StorageUnavailable):
        store.pending()
    with pytest.raises(StorageUnavailable):
        store.attempt(SUGGESTIONS_PER_CLIENT, "203.0.113.9")


# --- publish ------------------------------------------------------------------------------------


def git(folder: Path, *arguments: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *arguments], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A git checkout of a bare repository (its "origin"), holding the directory, pushed."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "--quiet", str(remote), str(work)], check=True, capture_output=True)
    (work / "directory").mkdir()
    (work / "directory" / "clinics.yaml").write_text(CLINIC)
    (work / "directory" / "meetings.yaml").write_text(MEETING)
    git(work, "add", ".")
    git(work, "-c", "user.name=Setup", "-c", "user.email=setup@example.org", "commit", "--quiet", "-m", "start")
    git(work, "push", "--quiet", "-u", "origin", "HEAD")
    return work


def test_publish_writes_commits_and_pushes_approved_changes_once(checkout, database_url, monkeypatch, capsys):
    monkeypatch.setenv("NAVIGATOR_DATABASE_URL", database_url)
    directory = checkout / "directory"
    desk = open_desk(directory, PostgresSuggestionStore(database_url))
    change = suggest_change(desk, fees="Free")
    desk.approve(change, "ana")
    new = suggest_new(desk)
    desk.approve(new, "ben")
    before = (directory / "clinics.yaml").read_text()
    assert "fees" not in before  # approving wrote no file

    assert main(["publish", "--directory", str(directory)]) == 0
    assert "published 2 changes" in capsys.readouterr().out

    published = load_directory(directory)
    assert published.entry("test-clinic")["fees"] == "Free"
    assert published.entry("co-hope-outpatient")["source_id"] == new
    message = git(checkout, "log", "-1", "--format=%B")
    assert f"suggestion {change}, approved by ana" in message and f"suggestion {new}, approved by ben" in message
    remote_head = git(checkout.parent / "remote.git", "rev-parse", "HEAD").strip()
    assert remote_head == git(checkout, "rev-parse", "HEAD").strip()
    commits = git(checkout, "rev-list", "--count", "HEAD")
    text = (directory / "clinics.yaml").read_text()
    removed = [line for line in difflib.ndiff(before.splitlines(), text.splitlines()) if line.startswith("- ")]
    assert removed == ['-   last_verified: "2026-10-01"']  # only changed lines: nothing else of the file went

    assert main(["publish", "--directory", str(directory)]) == 0
    assert "nothing to publish" in capsys.readouterr().out
    assert git(checkout, "rev-list", "--count", "HEAD") == commits
    assert (directory / "clinics.yaml").read_text() == text
    assert git(checkout, "status", "--porcelain", "--", "directory") == ""


def test_a_published_change_reaches_files_that_predate_it_and_never_undoes_a_later_hand_edit(
    checkout, database_url, tmp_path, monkeypatch
):
    monkeypatch.setenv("NAVIGATOR_DATABASE_URL", database_url)
    directory = checkout / "directory"
    store = PostgresSuggestionStore(database_url)
    desk = open_desk(directory, store)
    desk.approve(suggest_change(desk, fees="Free"), "ana")
    stale_copy = tmp_path / "stale"
    subprocess.run(["git", "clone", "--quiet", str(checkout.parent / "remote.git"), str(stale_copy)], check=True)
    assert main(["publish", "--directory", str(directory)]) == 0

    # A server still on the files from before the publish serves the change all the same.
    old_files = stale_copy / "directory"
    served = load_directory(old_files, overrides=overlay(old_files, store.entry_changes()).encoded())
    assert served.entry("test-clinic")["fees"] == "Free"
    # Someone edits the entry by hand after the publish: the files win, nothing is applied again.
    clinics = directory / "clinics.yaml"
    clinics.write_text(clinics.read_text().replace("fees: Free", "fees: Sliding scale"))
    applied = overlay(directory, store.entry_changes())
    assert applied.applied == [] and applied.skipped == [(1, "edited in the files since")]
    served = load_directory(directory, overrides=applied.encoded())
    assert served.entry("test-clinic")["fees"] == "Sliding scale"


def test_publish_refuses_to_write_a_directory_its_checks_would_refuse(checkout, database_url, capsys, monkeypatch):
    monkeypatch.setenv("NAVIGATOR_DATABASE_URL", database_url)
    directory = checkout / "directory"
    desk = open_desk(directory, PostgresSuggestionStore(database_url))
    desk.approve(suggest_change(desk, fees="Free"), "ana")
    # Meanwhile the checkout gained a second entry with the same id: the result would not load.
    (directory / "more.yaml").write_text(CLINIC)

    assert main(["publish", "--directory", str(directory), "--no-commit"]) == 1
    assert "duplicate id" in capsys.readouterr().err
    assert "fees" not in (directory / "clinics.yaml").read_text()


def test_search_on_the_command_line_serves_the_changes_approved_in_the_database(
    small_directory, database_url, monkeypatch, capsys
):
    monkeypatch.setenv("NAVIGATOR_DATABASE_URL", database_url)
    desk = open_desk(small_directory, PostgresSuggestionStore(database_url))
    desk.approve(suggest_change(desk, name="Test Clinic Renamed"), "ana")

    assert main(["search", "--near", "80222", "--format", "json", "--directory", str(small_directory)]) == 0
    names = [result["name"] for result in json.loads(capsys.readouterr().out)["results"]]
    assert "Test Clinic Renamed" in names and "Test Clinic Buprenorphine" not in names

    monkeypatch.setenv("NAVIGATOR_DATABASE_URL", f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere")
    assert main(["search", "--near", "80222", "--format", "json", "--directory", str(small_directory)]) == 0
    captured = capsys.readouterr()
    assert "Test Clinic Buprenorphine" in captured.out  # the files alone, said on stderr
    assert "without the changes approved in the database" in captured.err
