"""The first page's widget code, asked for with Streamlit's own scripts (``serve.py``'s middleware).

Streamlit's frontend fetches each kind of widget's JavaScript only when a run first sends one: on
a new visitor's Find page the form's text box, selects, multiselects, toggle, the language radio
and the page's HTML pieces are some 35 small scripts, asked for once the first run's elements
arrive and served by the same event loop that is streaming that run. Measured on this 2-core
machine at 100,000 entries, they were fetched from about 1.05 to 1.45 s after the navigation
started, and the page was drawn at 1.5-1.9 s.

This middleware adds ``<link rel="modulepreload">`` for them to the Find page's HTML, so the
browser fetches (and compiles, off its main thread) them beside Streamlit's own scripts, while
the page is still starting. The scripts are found in the installed Streamlit's static folder by
the widgets' names and followed through their imports; what Streamlit's page already loads is
left out. Nothing else on the page changes, and nothing is fetched from outside the server.
"""

from __future__ import annotations

import re
from pathlib import Path

import streamlit
from starlette.middleware import Middleware

from ui.page_script import render

# The Find page's kinds of element on a first visit (ui/frame.py, ui/search_form.py,
# ui/page_script.py), by the name Streamlit's chunk for each starts with. A browser test
# (tests/test_preload_browser.py) fails when the page fetches a script that is not preloaded.
FIND_PAGE_ELEMENTS = ("Html", "Radio", "TextInput", "Selectbox", "Multiselect", "Checkbox")
STATIC_SCRIPTS = Path(streamlit.__file__).parent / "static" / "static" / "js"
INDEX_HTML = STATIC_SCRIPTS.parent.parent / "index.html"
# A built module's static imports: `from"./name.js"` and `import"./name.js"` (minified).
_IMPORTED = re.compile(r'(?:from|import)\s*"\./([\w.$-]+\.js)"')
_ON_INDEX_PAGE = re.compile(r'(?:src|href)="\./static/js/([\w.$-]+\.js)"')


def scripts_for(elements: tuple[str, ...], scripts: Path = STATIC_SCRIPTS, index_html: Path = INDEX_HTML) -> list[str]:
    """The file names of the scripts that draw ``elements``, with every script they import, in a
    stable order; without those Streamlit's page already loads, and without names not found."""
    already = set(_ON_INDEX_PAGE.findall(index_html.read_text(encoding="utf-8")))
    wanted: list[str] = []
    for element in elements:
        # "Html.<hash>.js", not "HtmlTable.<hash>.js": the hash is the second dotted part.
        wanted += sorted(path.name for path in scripts.glob(f"{element}.*.js") if path.name.count(".") == 2)
    found: list[str] = []
    seen = set(already)
    while wanted:
        name = wanted.pop(0)
        if name in seen or not (scripts / name).is_file():
            continue
        seen.add(name)
        found.append(name)
        wanted += _IMPORTED.findall((scripts / name).read_text(encoding="utf-8"))
    return found


def _links() -> bytes:
    return render("preload_links.html.j2", scripts=scripts_for(FIND_PAGE_ELEMENTS)).encode()


class PreloadFindPageScripts:
    """Adds the Find page's widget scripts (``scripts_for``) as module preloads to the HTML the
    app's address ("/") answers with. Other pages, other files and compressed answers pass
    through untouched."""

    def __init__(self, app, links: bytes | None = None):
        self.app = app
        # Found when the server builds its middleware (at start, before it answers its health
        # check), not on the first visitor's request: some 40 of Streamlit's files are read.
        self.links = links if links is not None else _links()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != "/":
            await self.app(scope, receive, send)
            return
        links = self.links
        held: dict = {}
        body: list[bytes] = []

        async def send_with_links(message):
            if message["type"] == "http.response.start":
                headers = {name.lower(): value for name, value in message.get("headers", ())}
                if headers.get(b"content-type", b"").startswith(b"text/html") and b"content-encoding" not in headers:
                    held["start"] = message  # sent with the body, whose length changes
                    return
                await send(message)
                return
            if "start" not in held or message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            page = b"".join(body).replace(b"</head>", links + b"</head>", 1)
            start = held["start"]
            headers = [(name, value) for name, value in start.get("headers", ()) if name.lower() != b"content-length"]
            await send({**start, "headers": [*headers, (b"content-length", str(len(page)).encode())]})
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, send_with_links)


def preload_middleware() -> list[Middleware]:
    return [Middleware(PreloadFindPageScripts)]
