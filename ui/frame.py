"""What every page shows around its content: the crisis lines, and the directory's problems."""

from __future__ import annotations

import streamlit as st

from navigator.directory import Directory
from navigator.problems import DirectoryError

CRISIS_LINES = (
    "**In crisis?** Call or text **[988](tel:988)** (Suicide & Crisis Lifeline) · "
    "SAMHSA Helpline **[1-800-662-4357](tel:18006624357)** (free, 24/7) · "
    "Emergency: **[911](tel:911)**"
)


def crisis_banner() -> None:
    """The crisis lines, at the top of every page so nobody has to scroll to find them."""
    st.error(CRISIS_LINES, icon=":material/emergency:")


def sample_data_notice(directory: Directory) -> None:
    """Says plainly that the demo listings are made up, on pages that show listings."""
    if directory.frame["sample"].any():
        # Not a caption: a caption's faded text would fade the badge below readable contrast.
        st.markdown(
            "Listings marked :orange-badge[Sample] are fictional demo data, there so a new user "
            "can try the app; every other listing is real."
        )


def directory_problems_page(error: DirectoryError) -> None:
    """Instead of a traceback: which files have which problems, so a maintainer can fix them."""
    st.title("The directory has problems")
    st.write(
        "The resource directory could not be loaded because some of its files have problems. "
        "Nothing was changed. Fix the lines below (or run `python -m navigator validate`) and "
        "reload this page."
    )
    st.code("\n".join(error.report.lines()), language=None)
