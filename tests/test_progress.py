"""Progress on the terminal for long imports: rows read and entries checked, only on a terminal, never
when quiet, counted in rows (not time)."""

from __future__ import annotations

import io
import sys

import pytest

from navigator.cli.main import main
from navigator.formats import progress
from navigator.formats.progress import reporting

HEADER = "Name1,Address1,City,State,ZIP_Code,Contact,Keys,ID"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _export(tmp_path, rows: int):
    lines = [HEADER] + [
        f"Program {number},{number} Main St,Denver,CO,80222,303-555-{number % 10000:04d},OP/MD,ID{number}"
        for number in range(rows)
    ]
    path = tmp_path / "locator.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_terminal_sees_the_count_move_every_500_rows_and_the_line_ends():
    terminal = Terminal()
    with reporting("feed.json", terminal):
        for _ in range(1_234):
            progress.advance()

    shown = terminal.getvalue()
    assert shown.count("\r") == 3
    assert "\rfeed.json: rows read 500" in shown and "\rfeed.json: rows read 1,000" in shown
    assert shown.endswith("\rfeed.json: rows read 1,234\x1b[K\n")


def test_a_phase_with_a_total_shows_how_far_it_is():
    terminal = Terminal()
    with reporting("x", terminal):
        progress.phase("entries checked", 1_000)
        progress.advance(500)

    assert "entries checked 500 of 1,000 (50%)" in terminal.getvalue()


@pytest.mark.parametrize(("stream", "quiet"), [(io.StringIO(), False), (Terminal(), True)])
def test_nothing_is_shown_when_piped_or_quiet(stream, quiet):
    with reporting("x", stream, quiet=quiet) as shown:
        for _ in range(2_000):
            progress.advance()

    assert shown is None and stream.getvalue() == ""


def test_without_a_report_open_advancing_does_nothing():
    progress.advance(10_000)
    progress.phase("entries checked", 5)


def test_an_import_on_a_terminal_shows_rows_read_and_entries_checked(tmp_path, monkeypatch, capsys):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)

    assert main(["import", "samhsa", str(_export(tmp_path, 1_200)), "--out", str(tmp_path / "out")]) == 0

    shown = terminal.getvalue()
    assert "locator.csv: rows read 1,200" in shown
    assert "locator.csv: entries checked 1,200 of 1,200 (100%)" in shown
    assert capsys.readouterr().out.splitlines()[-1] == "read 1200, imported 1200, merged 0, skipped 0"


def test_an_import_with_quiet_shows_no_progress_even_on_a_terminal(tmp_path, monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)

    assert main(["import", "samhsa", str(_export(tmp_path, 600)), "--out", str(tmp_path / "out"), "--quiet"]) == 0

    assert terminal.getvalue() == ""


def test_other_output_erases_the_progress_line_before_it_is_printed(capsys):
    terminal = Terminal()
    with reporting("feed.json", terminal):
        progress.advance(500)
        progress.say("updated x")
        progress.advance(500)

    assert terminal.getvalue().startswith("\rfeed.json: rows read 500\x1b[K\r\x1b[K\rfeed.json: rows read 1,000")
    assert capsys.readouterr().out == "updated x\n"


def test_a_refresh_shows_each_source_on_a_line_of_its_own(tmp_path, monkeypatch, capsys):
    export = _export(tmp_path, 700)
    (tmp_path / "sources.yaml").write_text(
        "sources:\n"
        f"  - {{name: first, format: samhsa, path: {export.name}, out: imported/first}}\n"
        f"  - {{name: second, format: samhsa, path: {export.name}, out: imported/second}}\n",
        encoding="utf-8",
    )
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)

    code = main(["refresh", "--sources", str(tmp_path / "sources.yaml"), "--directory", str(tmp_path / "directory")])

    assert code == 0, capsys.readouterr().err
    lines = [line.rsplit("\r", 1)[-1] for line in terminal.getvalue().split("\n") if line.strip()]
    assert lines == [
        "first: entries checked 700 of 700 (100%)\x1b[K",
        "second: entries checked 700 of 700 (100%)\x1b[K",
    ]
