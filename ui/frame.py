"""What every page shows around its content: the crisis lines, and the directory's problems.

``app.py`` draws this frame and then runs the page. But a server that has just started serves a
file in ``pages/`` on its own until some session has run ``app.py`` (Streamlit's older multipage
mode), so a shared link opened first would miss the frame. Each page therefore starts with
``page_directory()`` or ``page_frame()``, which draw the frame themselves when ``app.py`` did not.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import streamlit as st

from navigator.directory.index import Directory
from navigator.directory.problems import DirectoryError
from navigator.i18n import _
from ui.data import current_directory, schema_refusal
from ui.language import document_language, language_switch, page_language
from ui.page_script import page_html

PAGE_TITLE = "Recovery Navigator"
PAGE_ICON = str(Path(__file__).parent / "static" / "icon.png")
_FRAMED_BY_APP = "_frame_drawn_by_app"  # set in the session only while app.py runs a page
# The directory app.py's frame read in this run, for the page it then runs: checking a national
# directory's files for changes (1,000 files at 100,000 entries) costs tens of milliseconds, once
# per run is enough. Dropped when the page's run ends, so no session keeps an old index alive.
_RUN_DIRECTORY = "_frame_directory"
# The Find page as app.py registered it, for this run's links to it: a link given the page itself
# is not looked up by its file (a realpath, a getcwd and a scan of the pages: 20 cards' Details
# links did that on every search).
_RUN_FIND_PAGE = "_frame_find_page"
FIND_PAGE_SCRIPT = "pages/find.py"


def crisis_lines() -> str:
    return _(
        "**In crisis?** Call or text **[988](tel:988)** (Suicide & Crisis Lifeline) · "
        "SAMHSA Helpline **[1-800-662-4357](tel:18006624357)** (free, 24/7) · "
        "Emergency: **[911](tel:911)**"
    )


CRISIS_DOCK_KEY = "crisis-dock"
# Containers keyed with this prefix hold words true only now ("Open now", "today 6:00 PM"): a
# printed screen is read later, so printing leaves them out.
LIVE_KEY_PREFIX = "live-"
# The banner scrolls away; this compact control stays in a corner of the screen on every page, so
# 988 is one tap away on a phone wherever the reader is. The page ends with room for it, so it
# never covers the last line (ui/templates/crisis_dock_style.html.j2).


def crisis_banner() -> None:
    """The crisis lines, at the top of every page so nobody has to scroll to find them."""
    st.error(crisis_lines(), icon=":material/emergency:")
    crisis_dock()


def crisis_dock() -> None:
    """Call or text 988, fixed in the corner of the screen."""
    page_html("crisis_dock_style.html.j2", dock_key=CRISIS_DOCK_KEY, live_prefix=LIVE_KEY_PREFIX)
    with st.container(key=CRISIS_DOCK_KEY, horizontal=True, gap=None):
        st.markdown("[:material/call: {call}](tel:988)".format(call=_("Call 988")), width="content")
        st.markdown("[:material/sms: {text}](sms:988)".format(text=_("Text 988")), width="content")


def sample_badge() -> str:
    """The orange "Sample" badge, as markdown."""
    return ":orange-badge[{label}]".format(label=_("Sample"))


def sample_data_notice(directory: Directory) -> None:
    """Says plainly that the demo listings are made up, on pages that show listings."""
    if directory.frame["sample"].any():
        # Not a caption: a caption's faded text would fade the badge below readable contrast.
        st.markdown(
            _(
                "Listings marked {badge} are fictional demo data, there so a new user "
                "can try the app; every other listing is real."
            ).format(badge=sample_badge())
        )


def app_frame() -> None:
    """The frame app.py draws around every page; stops the run on a broken directory."""
    st.session_state[_RUN_DIRECTORY] = _frame()


def _frame() -> Directory:
    language = page_language()
    # A file shipped with the app: a ":material/…" page icon is fetched from an outside font host.
    st.set_page_config(page_title=PAGE_TITLE, page_icon=PAGE_ICON, layout="wide")
    document_language(language)
    language_switch(language)
    crisis_banner()
    refusal = schema_refusal()
    if refusal:
        st.error(
            _("This server cannot run against its database: {problem}.").format(problem=refusal),
            icon=":material/block:",
        )
        st.stop()
    return _directory_or_stop()


@contextlib.contextmanager
def framed_by_app(find_page=None):
    """Marks the page run inside it as framed by app.py, which registered ``find_page`` (an st.Page)."""
    st.session_state[_FRAMED_BY_APP] = True
    st.session_state[_RUN_FIND_PAGE] = find_page
    try:
        yield
    finally:
        st.session_state.pop(_FRAMED_BY_APP, None)
        st.session_state.pop(_RUN_DIRECTORY, None)
        st.session_state.pop(_RUN_FIND_PAGE, None)


def find_page():
    """What a link to the Find page names: the page app.py registered in this run, else its file."""
    return st.session_state.get(_RUN_FIND_PAGE) or FIND_PAGE_SCRIPT


def page_frame() -> None:
    """Draw the frame unless app.py already did, for a page served on its own."""
    if not st.session_state.get(_FRAMED_BY_APP):
        _frame()


def page_directory() -> Directory:
    """The directory for a page, with the frame drawn if it is not there yet: the one the frame
    read in this same run."""
    state = st.session_state
    if not state.get(_FRAMED_BY_APP):
        return _frame()
    directory = state.get(_RUN_DIRECTORY)
    return directory if directory is not None else _directory_or_stop()


def _directory_or_stop() -> Directory:
    try:
        return current_directory()
    except DirectoryError as error:
        directory_problems_page(error)
        st.stop()


def directory_problems_page(error: DirectoryError) -> None:
    """Instead of a traceback: which files have which problems, so a maintainer can fix them."""
    st.title(_("The directory has problems"))
    st.write(
        _(
            "The resource directory could not be loaded because some of its files have problems. "
            "Nothing was changed. Fix the lines below (or run `python -m navigator validate`) and "
            "reload this page."
        )
    )
    st.code("\n".join(error.report.lines()), language=None)
