"""serve.py, the app as served in production, on 127.0.0.1: what its server runs on."""

from __future__ import annotations

from pathlib import Path


def _loaded_libraries(pid: int) -> str:
    return Path(f"/proc/{pid}/maps").read_text()


def test_the_server_parses_http_with_httptools_on_uvloops_event_loop(running_app):
    # Uvicorn takes both when they are installed (requirements.txt), else h11 and asyncio's own
    # loop: the first page's hundred-odd script requests went through a pure-Python parser.
    libraries = _loaded_libraries(running_app.process.pid)

    assert "/httptools/parser/parser." in libraries
    assert "/uvloop/loop." in libraries
