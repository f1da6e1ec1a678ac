"""The server's settings (.streamlit/config.toml) that page runs depend on."""

import tomllib

from tests.conftest import PROJECT_ROOT


def test_streamlit_does_not_collect_every_generation_after_each_page_run():
    # gc.collect(2) after every run walked the whole national index: 130-240 ms of each search.
    settings = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["runner"]["postScriptGC"] is False
