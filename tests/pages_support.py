"""Helpers for AppTest tests of the pages: the app on a directory the test builds."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Header, Subheader, Title
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


def heading_levels(app: AppTest) -> list[int]:
    return [HEADING_LEVELS[type(node)] for node in app.main if type(node) in HEADING_LEVELS]


def assert_headings_in_order(app: AppTest) -> None:
    levels = heading_levels(app)
    assert levels and levels[0] == 1, levels
    assert levels.count(1) == 1, levels
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, levels
