"""The shortlist: resources picked from the results, kept only in this browser session.

Nothing is stored on the server; closing the tab forgets it. It downloads as a printable page,
a PDF, and a short text to paste into a text message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import streamlit as st

from navigator.directory.index import Directory
from navigator.formats.printable import render_html, render_pdf, render_text
from navigator.i18n import N_, _, current_language, short_date
from navigator.plan.takehome import ResourceSummary, Section
from navigator.text import markdown_text
from ui.frame import sample_badge
from ui.language import later_in

SHORTLIST_KEY = "shortlist"  # entry id -> the need codes it was picked for, in order of picking
TITLE = N_("Recovery resources")
FOOTER = N_(
    "From Recovery Navigator. Hours and services change: call before you go. "
    "Listings marked Sample are fictional demo data."
)


def picked() -> dict[str, tuple[str, ...]]:
    return st.session_state.setdefault(SHORTLIST_KEY, {})


def _toggle(entry_id: str, matched: tuple[str, ...]) -> None:
    items = picked()
    if entry_id in items:
        del items[entry_id]
    else:
        items[entry_id] = matched


def shortlist_button(entry_id: str, where: str, matched: tuple[str, ...] = ()) -> None:
    """Add or remove ``entry_id``; ``where`` ("card", "list", "detail") keeps keys apart on one
    page, and the key stays the same whichever the label says."""
    chosen = entry_id in picked()
    st.button(
        _("Remove from shortlist") if chosen else _("Add to shortlist"),
        key=f"shortlist-{where}-{entry_id}",
        icon=":material/bookmark_remove:" if chosen else ":material/bookmark_add:",
        on_click=_toggle,
        args=(entry_id, matched),
    )


def printout(
    directory: Directory, items: dict[str, tuple[str, ...]], now: dt.datetime, viewer: ZoneInfo | None = None
) -> tuple[str, list[Section], str]:
    """(title, sections, subtitle) of the shortlist; ids no longer in the directory are skipped."""
    vocabulary = directory.vocabulary
    resources = [
        replace(
            ResourceSummary.from_entry(directory, entry_id, now=now, viewer=viewer),
            matched=tuple(vocabulary.label(code) for code in matched),
        )
        for entry_id, matched in items.items()
        if directory.row_of(entry_id) is not None
    ]
    subtitle = _("Made {date}.").format(date=short_date(now.date()))
    return _(TITLE), [Section(_("Shortlist"), resources=resources)], subtitle


def shortlist_section(directory: Directory, now: dt.datetime, viewer: ZoneInfo | None = None) -> None:
    st.header(_("Your shortlist"), anchor=False)
    st.caption(_("Kept only in this browser tab while it is open: nothing is saved on the server."))
    items = picked()
    if not items:
        st.write(
            _(
                "Use **Add to shortlist** on a result to collect resources here, then print them "
                "or send them by text message."
            )
        )
        return
    title, sections, subtitle = printout(directory, items, now, viewer)
    for resource in sections[0].resources:
        name, remove = st.columns([4, 1], vertical_alignment="center")
        name.markdown(markdown_text(resource.name) + (" · " + sample_badge() if resource.sample else ""))
        with remove:
            shortlist_button(resource.id, "list")
    footer = _(FOOTER)
    text = render_text(title, sections, subtitle, footer)
    html_page = render_html(title, sections, subtitle, footer)
    buttons = st.container(horizontal=True)
    buttons.download_button(
        _("Download printable page"),
        html_page,
        file_name="recovery-resources.html",
        mime="text/html",
        key="shortlist-download-html",
        on_click="ignore",
        icon=":material/print:",
    )
    # A PDF takes a moment to build, so it is made only when asked for.
    buttons.download_button(
        _("Download PDF"),
        later_in(current_language(), lambda: render_pdf(title, sections, subtitle, footer)),
        file_name="recovery-resources.pdf",
        mime="application/pdf",
        key="shortlist-download-pdf",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
    )
    buttons.download_button(
        _("Download text"),
        text,
        file_name="recovery-resources.txt",
        mime="text/plain",
        key="shortlist-download-text",
        on_click="ignore",
        icon=":material/sms:",
    )
    st.markdown(_("**For a text message** (copy with the button at the top right of the box):"))
    st.code(text, language=None, wrap_lines=True)
