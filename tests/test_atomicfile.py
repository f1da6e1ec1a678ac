import multiprocessing
import os
import stat
import time

import pytest

from navigator.files import SHARED, STALE_TEMPORARY_SECONDS, locked, write_bytes_atomic, write_text_atomic
from navigator.review.file_store import FileSuggestionStore
from navigator.review.suggestion import Contact, Submission


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_replaces_the_whole_file_and_leaves_no_temporary_behind(tmp_path):
    target = tmp_path / "entries.yaml"
    target.write_text("old")
    write_text_atomic(target, "new")
    assert target.read_text() == "new"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["entries.yaml"]


def test_new_files_are_private_unless_asked_to_be_shared(tmp_path):
    write_text_atomic(tmp_path / "submission.json", "{}")
    write_bytes_atomic(tmp_path / "export.csv", b"id\n", SHARED)
    assert mode_of(tmp_path / "submission.json") == 0o600
    assert mode_of(tmp_path / "export.csv") == 0o644


def test_an_existing_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "entries.yaml"
    target.write_text("old")
    target.chmod(0o640)
    write_text_atomic(target, "new")
    assert mode_of(target) == 0o640


def test_a_failed_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "entries.yaml"
    target.write_text("old")

    with pytest.raises(TypeError):
        write_bytes_atomic(target, "text where bytes belong")  # fails inside the write
    assert target.read_text() == "old"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["entries.yaml"]


def _append_under_lock(path, count):
    for _ in range(count):
        with locked(path):
            current = path.read_text() if path.exists() else ""
            write_text_atomic(path, current + "x")


def test_lock_serialises_read_modify_write_across_processes(tmp_path):
    target = tmp_path / "counter"
    workers = [multiprocessing.Process(target=_append_under_lock, args=(target, 25)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert target.read_text() == "x" * 100


def test_stale_temporaries_of_killed_writers_are_removed_and_fresh_ones_kept(tmp_path):
    target = tmp_path / "clinics.yaml"
    stale = tmp_path / ".clinics.yaml.abc123.tmp"
    fresh = tmp_path / ".clinics.yaml.def456.tmp"
    other = tmp_path / ".notes.txt"
    for path in (stale, fresh, other):
        path.write_text("half of what someone typed")
    old = time.time() - STALE_TEMPORARY_SECONDS - 60
    os.utime(stale, (old, old))
    os.utime(other, (old, old))

    write_text_atomic(target, "- id: x\n")

    assert not stale.exists() and fresh.exists() and other.exists()
    assert target.read_text() == "- id: x\n"


def test_a_new_suggestion_clears_what_a_killed_submitter_left_and_the_audit_log_is_private(tmp_path):
    store = FileSuggestionStore(tmp_path / "data")
    store.pending_dir.mkdir(parents=True)
    left = store.pending_dir / ".S-20261123-ABCDEF.json.k2j3.tmp"
    left.write_text('{"contact": "someone typed this"}')
    old = time.time() - STALE_TEMPORARY_SECONDS - 60
    os.utime(left, (old, old))

    store.add(Submission("report", Contact("Ana", "Org", "ana@example.org"), "x", problem="other", details="d"))
    store.append_audit({"action": "test"})

    assert not left.exists()
    assert stat.S_IMODE(store.audit_path.stat().st_mode) == 0o600
