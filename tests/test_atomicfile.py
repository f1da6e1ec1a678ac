import multiprocessing
import os
import stat

import pytest

from navigator.files import SHARED, locked, write_bytes_atomic, write_text_atomic


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
