"""The interface language of this session: chosen, kept in the page address, and told to the browser.

The page address's ``?lang=`` wins (a shared link opens in the language it was sent in), then the
language chosen earlier in this session, then the browser's preferred language
(``st.context.locale``), then English. The switch at the top of every page changes it. Every run
sets it for the whole run (``navigator.i18n.set_language``), and writes it back into the address,
which only ever holds the interface language and the search, never anything about a person.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from navigator.i18n import LANGUAGES, choose_language, set_language, use_language
from ui.page_script import page_html, render, show_rendered

DOCUMENT_LANGUAGE_KEY = "ui_document_language"
DOCUMENT_LANGUAGE_SCRIPT = "document_language.html.j2"

PARAMETER = "lang"
CHOSEN_KEY = "ui_language"  # the session's interface language
SWITCH_KEY = "ui_language_switch"
# The switch's name for screen readers, in every language at once: whoever needs it cannot yet read the other.
SWITCH_LABEL = "Idioma · Language"


def page_language() -> str:
    """Decide this run's language, make it current, and keep it in the page address."""
    state = st.session_state
    language = choose_language(st.query_params.get(PARAMETER), state.get(CHOSEN_KEY), st.context.locale)
    state[CHOSEN_KEY] = language
    set_language(language)
    if st.query_params.get(PARAMETER) != language:
        st.query_params[PARAMETER] = language
    return language


def apply_language() -> str:
    """Make the session's language current again, in a widget callback (which runs before the page)."""
    return set_language(st.session_state.get(CHOSEN_KEY))


def later_in(language: str, make: Callable[[], bytes]) -> Callable[[], bytes]:
    """``make``, to be run in ``language`` by a callback after this run (a download button's file
    made only when clicked), which runs outside the language this run set."""

    def run() -> bytes:
        with use_language(language):
            return make()

    return run


def address_params(params: dict[str, str]) -> dict[str, str]:
    """``params`` for the page address, with the interface language kept in it."""
    return {**params, PARAMETER: st.session_state.get(CHOSEN_KEY) or choose_language(None)}


def _switched() -> None:
    language = st.session_state[SWITCH_KEY]
    st.session_state[CHOSEN_KEY] = language
    st.query_params[PARAMETER] = language


def language_switch(language: str) -> None:
    """English · Español, each in its own language, at the top of the page."""
    st.session_state[SWITCH_KEY] = language
    # Radio buttons, not a segmented control: its chosen option's coloured text fails the contrast check.
    st.radio(
        SWITCH_LABEL,
        list(LANGUAGES),
        key=SWITCH_KEY,
        format_func=LANGUAGES.get,
        horizontal=True,
        on_change=_switched,
        label_visibility="collapsed",
    )


def language_script(language: str) -> str:
    """The script that sets the document's language: only a language the app speaks (anything else
    is refused, never put in the page), as JSON."""
    if language not in LANGUAGES:
        raise ValueError(f"not a language of the interface: {language!r}")
    return render(DOCUMENT_LANGUAGE_SCRIPT, language=language)


def document_language(language: str) -> None:
    """Tell the browser (and screen readers, and axe) the page's language: Streamlit's page says
    ``<html lang="en">`` whatever it shows, and offers no setting for it. A one-line script of
    our own, with no outside source and nothing from a user in it."""
    page_html("hidden_element.html.j2", key=DOCUMENT_LANGUAGE_KEY)  # no gap where it sits
    with st.container(key=DOCUMENT_LANGUAGE_KEY):
        show_rendered(language_script(language))
