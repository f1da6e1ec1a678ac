"""The Find page's widget scripts preloaded in its HTML (ui/preload.py), without a server."""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest
from ui.preload import FIND_PAGE_ELEMENTS, STATIC_SCRIPTS, PreloadFindPageScripts, scripts_for

INDEX = (
    '<html><head><script type="module" src="./static/js/index.AAAA.js"></script>'
    '<link rel="modulepreload" href="./static/js/shared.BBBB.js"></head><body></body></html>'
)


@pytest.fixture
def static_folder(tmp_path):
    scripts = tmp_path / "js"
    scripts.mkdir()
    files = {
        "index.AAAA.js": 'import{a}from"./shared.BBBB.js";',
        "shared.BBBB.js": "export const a=1;",
        "Selectbox.CCCC.js": 'import{a}from"./shared.BBBB.js";import{b}from"./Menu.DDDD.js";import"./Css.EEEE.js";',
        "Menu.DDDD.js": 'import{c}from"./Deep.FFFF.js";export const b=2;',
        "Deep.FFFF.js": 'import{b}from"./Menu.DDDD.js";export const c=3;',  # a cycle
        "Css.EEEE.js": "",
        "SelectboxGroup.GGGG.js": "",  # another element whose name starts the same
        "Unused.HHHH.js": "",
    }
    for name, text in files.items():
        (scripts / name).write_text(text)
    index = tmp_path / "index.html"
    index.write_text(INDEX)
    return scripts, index


def test_an_element_s_script_comes_with_everything_it_imports_and_nothing_the_page_already_loads(static_folder):
    scripts, index = static_folder
    assert scripts_for(("Selectbox",), scripts, index) == [
        "Selectbox.CCCC.js",
        "Menu.DDDD.js",
        "Css.EEEE.js",
        "Deep.FFFF.js",
    ]


def test_an_element_streamlit_does_not_ship_adds_nothing(static_folder):
    scripts, index = static_folder
    assert scripts_for(("Nothing",), scripts, index) == []


def test_every_find_page_element_has_its_script_in_the_installed_streamlit():
    # A Streamlit upgrade that renames a chunk would quietly stop the preloading: this says so.
    for element in FIND_PAGE_ELEMENTS:
        assert scripts_for((element,))[0].startswith(f"{element}."), element
    assert all((STATIC_SCRIPTS / name).is_file() for name in scripts_for(FIND_PAGE_ELEMENTS))


def served(path: str, body: bytes, content_type: bytes = b"text/html; charset=utf-8", method: str = "GET", extra=()):
    """What the middleware answers for ``path`` in front of an app answering ``body`` in two parts."""

    async def app(scope, receive, send):
        headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode()), *extra]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body[:10], "more_body": True})
        await send({"type": "http.response.body", "body": body[10:]})

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    middleware = PreloadFindPageScripts(app, links=b'<link rel="modulepreload" href="./static/js/X.js">')
    scope = {"type": "http", "method": method, "path": path, "headers": []}
    # In a thread of its own: after a browser test, Playwright's sync API keeps an event loop
    # running in this one, where asyncio.run refuses to start.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, middleware(scope, receive, send)).result()
    start = sent[0]
    return dict(start["headers"]), b"".join(message.get("body", b"") for message in sent[1:])


def test_the_find_page_s_html_gets_the_links_before_its_head_ends_with_its_length_right():
    headers, body = served("/", INDEX.encode())
    assert body == INDEX.replace("</head>", '<link rel="modulepreload" href="./static/js/X.js"></head>').encode()
    assert int(headers[b"content-length"]) == len(body)


@pytest.mark.parametrize(
    ("path", "content_type", "method", "extra"),
    [
        ("/intake", b"text/html", "GET", ()),  # another page: other widgets
        ("/", b"application/json", "GET", ()),
        ("/", b"text/html", "HEAD", ()),
        ("/", b"text/html", "GET", [(b"content-encoding", b"gzip")]),  # compressed: left as it is
    ],
)
def test_other_answers_pass_through_untouched(path, content_type, method, extra):
    headers, body = served(path, INDEX.encode(), content_type, method, extra)
    assert body == INDEX.encode() and int(headers[b"content-length"]) == len(INDEX)
