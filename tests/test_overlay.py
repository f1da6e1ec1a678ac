"""Approved changes from the database over the YAML files: what a live directory serves, reloading
only the files they touch (the rules for published changes are in test_database.py)."""

from __future__ import annotations

import navigator.directory.loader as loader_module
from navigator.directory.live import LiveDirectory
from navigator.directory.overlay import EntryChange, overlay
from navigator.directory.yamledit import entry_in


def test_a_live_directory_applies_new_changes_reading_no_file_again(small_directory, monkeypatch):
    feed = {"token": (), "changes": ()}
    live = LiveDirectory(small_directory, changes=lambda: (feed["token"], feed["changes"]))
    first = live.current()
    clinic = first.entry("test-clinic")
    change = EntryChange(1, "test-clinic", "clinics.yaml", clinic, {**clinic, "fees": "Free"})
    reads = []
    original = loader_module._read_file
    monkeypatch.setattr(loader_module, "_read_file", lambda path: reads.append(path) or original(path))

    feed.update(token=(1, 1, 0), changes=(change,))
    served = live.current()

    assert served.entry("test-clinic")["fees"] == "Free"
    assert served.entry("test-meeting") == first.entry("test-meeting")
    assert reads == [] and live.reloads == 1  # the touched file's text came from the overlay
    assert live.current() is served and live.reloads == 1  # the same changes: nothing reloaded


def test_changes_to_one_entry_are_judged_in_order_and_edit_its_file_once(small_directory):
    clinic = entry_in((small_directory / "clinics.yaml").read_text(), "test-clinic")
    one = {**clinic, "fees": "Free"}
    two = {**one, "fees": "Sliding scale"}

    result = overlay(
        small_directory,
        [
            EntryChange(2, "test-clinic", "clinics.yaml", one, two),
            EntryChange(1, "test-clinic", "clinics.yaml", clinic, one),
        ],
    )

    assert result.applied == [1, 2] and result.skipped == []
    assert entry_in(result.texts["clinics.yaml"], "test-clinic")["fees"] == "Sliding scale"
    assert "meetings.yaml" not in result.texts


def test_a_change_naming_a_file_outside_the_directory_is_never_applied(small_directory):
    result = overlay(small_directory, [EntryChange(1, "x", "../outside.yaml", None, {"id": "x"})])
    assert result.texts == {} and result.skipped == [(1, "not a file of the directory")]
