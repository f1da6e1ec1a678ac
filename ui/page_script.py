"""The page's own HTML: styles and small scripts (scrolling results into view, copying a link, the
document's language), every piece an autoescaping jinja2 template in ``ui/templates``.

Streamlit keeps a page's scroll position across reruns, so after Search on a phone the results
(drawn below a tall form) would start off screen. Values reach the scripts as JSON.
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from pathlib import Path

import jinja2
import streamlit as st

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    # The templates ship with the app: not checked on disk (a stat) every time one is used.
    auto_reload=False,
)
_RUNS = itertools.count()


def render(template: str, **values) -> str:
    """The template ``template`` of ``ui/templates`` with ``values``, escaped."""
    return _TEMPLATES.get_template(template).render(**values)


def page_html(template: str, **values) -> None:
    """A style or script of the page's own: the template with ``values``, escaped (so a script
    tag in the result can only be the template's own, and only then may scripts run). The same
    template and values give the same text, kept (the frame's styles are drawn on every run)."""
    show_rendered(_rendered(template, tuple(sorted(values.items()))))


@lru_cache(maxsize=64)
def _rendered(template: str, values: tuple[tuple[str, str], ...]) -> str:
    # Only the app's own words and keys come here (page_html's callers), never what someone typed.
    return render(template, **dict(values))


def show_rendered(body: str) -> None:
    """``body``, made by ``render``, on the page; its scripts run only if it has any."""
    st.html(body, unsafe_allow_javascript="<script" in body)


def scroll_into_view(key: str) -> None:
    """Bring the element drawn with Streamlit key ``key`` to the top of the screen."""
    # Not kept: each is new (its run number makes the browser run it again).
    show_rendered(render("scroll_into_view.html.j2", key=key, key_class=f"st-key-{key}", run=next(_RUNS)))


def copy_link_button(label: str, copied: str, copy_by_hand: str) -> None:
    """A button copying this page's address, saying ``copied`` when it did."""
    page_html("copy_link.html.j2", label=label, copied=copied, copy_by_hand=copy_by_hand)
