"""Small pieces of the page that need the browser: scrolling results into view, copying a link.

Streamlit keeps a page's scroll position across reruns, so after Search on a phone the results
(drawn below a tall form) would start off screen. The HTML and scripts are autoescaping jinja2
templates in ``ui/templates`` holding no user text; values reach the scripts as JSON.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import jinja2
import streamlit as st

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
_RUNS = itertools.count()


def scroll_into_view(key: str) -> None:
    """Bring the element drawn with Streamlit key ``key`` to the top of the screen."""
    body = _TEMPLATES.get_template("scroll_into_view.html.j2").render(
        key=key, key_class=f"st-key-{key}", run=next(_RUNS)
    )
    st.html(body, unsafe_allow_javascript=True)


def copy_link_button(label: str, copied: str, copy_by_hand: str) -> None:
    """A button copying this page's address, saying ``copied`` when it did."""
    body = _TEMPLATES.get_template("copy_link.html.j2").render(label=label, copied=copied, copy_by_hand=copy_by_hand)
    st.html(body, unsafe_allow_javascript=True)
