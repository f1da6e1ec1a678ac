"""The frame around every page (ui/frame.py): what one page run costs the server, counted."""

from tests.pages_support import app_on

import navigator.directory.loader as loader_module


def test_a_find_page_run_walks_the_directory_files_once(small_directory, monkeypatch, tmp_path):
    # Each walk of a national directory's 1,000 files for changes took 40-60 ms under load: the
    # frame and the page each asked for the directory, and each ask walked the files twice.
    app = app_on(small_directory, monkeypatch, tmp_path, near="80222")
    app.run()  # the first run loads the directory
    assert not app.exception
    walks = []
    real_walk = loader_module._entry_files  # what stat_signature and directory_files list files with

    def counting_walk(directory):
        walks.append(directory)
        return real_walk(directory)

    monkeypatch.setattr(loader_module, "_entry_files", counting_walk)
    app.run()
    assert not app.exception
    assert app.header and app.header[0].value == "Results"
    assert len(walks) == 1
