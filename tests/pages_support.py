"""Helpers for AppTest tests of the pages: the app on a directory the test builds."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Header, Markdown, Subheader, Title
from tests.conftest import PROJECT_ROOT

APP = PROJECT_ROOT / "app.py"
HEADING_LEVELS = {Title: 1, Header: 2, Subheader: 3}


def app_on(directory: Path, monkeypatch, tmp_path: Path, **params: str) -> AppTest:
    """The whole app (navigation, frame and pages) reading ``directory``, opened at ``params``."""
    monkeypatch.setenv("NAVIGATOR_DIRECTORY", str(directory))
    monkeypatch.setenv("NAVIGATOR_DATA_DIR", str(tmp_path / "data"))
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.query_params.update(params)
    return app


def shown(markdown: str) -> str:
    """What a reader sees of escaped markdown text: the backslash escapes removed."""
    return re.sub(r"\\(.)", r"\1", markdown)


def markdown_headings(markdown: str) -> list[tuple[int, str]]:
    """The headings a markdown text holds, as (level, text as written): "### Name" is (3, "Name")."""
    return [(len(marks), text) for marks, text in re.findall(r"^(#{1,6}) (.+)$", markdown, re.MULTILINE)]


def heading_levels(app: AppTest) -> list[int]:
    """The level of every heading on the page in order, headings written in markdown included."""
    levels = []
    for node in app.main:
        if type(node) in HEADING_LEVELS:
            levels.append(HEADING_LEVELS[type(node)])
        elif isinstance(node, Markdown):
            levels.extend(level for level, _text in markdown_headings(node.value))
    return levels


def assert_headings_in_order(app: AppTest) -> None:
    levels = heading_levels(app)
    assert levels and levels[0] == 1, levels
    assert levels.count(1) == 1, levels
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, levels
