"""About & data: what the directory covers, where it comes from, privacy, and the need codes."""

import pandas as pd
import streamlit as st
from ui.detail import SOURCE_WORDS
from ui.frame import page_directory, sample_data_notice

from navigator.directory.provenance import UNDATED_DAY
from navigator.formats.refresh import source_statuses
from navigator.formats.sources import SOURCES_FILE
from navigator.i18n import _, ngettext
from navigator.settings import load_settings
from navigator.text import markdown_table, markdown_text

directory = page_directory()
vocabulary = directory.vocabulary
frame = directory.frame

st.title(_("About & data"), anchor=False)
st.write(
    _(
        "Recovery Navigator helps peer recovery coaches and the people they work with find "
        "treatment, medication, meetings, housing, work and harm-reduction services nearby."
    )
)
sample_data_notice(directory)

st.header(_("What the directory covers"), anchor=False)
physical = frame[~frame["remote"]]
states = sorted(state for state in physical["state"].dropna().unique())
state_words = ngettext("{count} state", "{count} states", len(states)).format(count=len(states))
st.write(
    _("{total} listings: {physical} at a place (in {states}: {names}) and {remote} by phone or online.").format(
        total=len(frame),
        physical=len(physical),
        states=state_words,
        names=markdown_text(", ".join(states)),
        remote=len(frame) - len(physical),
    )
)
counts = frame.groupby("category").agg(listings=("id", "size"), sample=("sample", "sum"))
st.markdown(
    markdown_table(
        [_("Category"), _("Listings"), _("Of them sample (fictional)")],
        [
            [
                vocabulary.category_label(category),
                int(row["listings"]),
                int(row["sample"]),
            ]
            for category, row in counts.iterrows()
        ],
    )
)

st.header(_("Sources and dates"), anchor=False)
st.write(
    _(
        "Each listing says where it came from and when it was last vouched for: by a person who "
        "checked it, or by its source (the date the source listed it as of, not the day it was "
        "imported). Listings not vouched for in over a year, or whose source gives no date, are "
        "marked in the results."
    )
)
# From the index's columns: unpacking every entry would cost seconds on a national directory.
# An undated listing (its source gives no date) ages as the oldest there is, but has no date to show.
vouched = frame["last_verified"].where(frame["last_verified"].dt.date != UNDATED_DAY)
by_source = (
    frame.assign(vouched=vouched)
    .groupby("source")
    .agg(size=("id", "size"), min=("vouched", "min"), max=("vouched", "max"))
    .sort_values("size", ascending=False, kind="stable")
)
st.markdown(
    markdown_table(
        [_("Source"), _("Listings"), _("Checked between")],
        [
            [
                SOURCE_WORDS.get(source, source),
                int(row["size"]),
                _("{first} and {last}").format(first=f"{row['min']:%Y-%m-%d}", last=f"{row['max']:%Y-%m-%d}")
                if pd.notna(row["min"])
                else _("no date given"),
            ]
            for source, row in by_source.iterrows()
        ],
    )
)

statuses = source_statuses(load_settings().sources or directory.path.resolve().parent / SOURCES_FILE)
if statuses:
    st.subheader(_("Sources kept fresh"), anchor=False)
    st.write(
        _(
            "These sources are fetched again on a schedule. A source that could not be refreshed keeps "
            "its last good listings, dated as of its last good refresh."
        )
    )
    st.markdown(
        markdown_table(
            [_("Source"), _("Format"), _("Listed as of"), _("Last refresh")],
            [
                [
                    status.name,
                    status.format,
                    status.listed_as_of or _("no date"),
                    _("failed: {error}").format(error=status.error)
                    if status.error
                    else (status.last_success or _("not yet"))[:10],
                ]
                for status in statuses
            ],
        )
    )

st.header(_("Suggest a change"), anchor=False)
st.write(
    _(
        "Something wrong or missing? Organizations and coaches can suggest a new listing or a "
        "change. A reviewer checks every suggestion before it appears. On a listing's details, "
        "use **Report a problem with this listing**."
    )
)
st.page_link("pages/suggest.py", label=_("Suggest an update"), icon=":material/edit_note:")

st.header(_("Privacy"), anchor=False)
st.markdown(
    _(
        "- **Searches are not stored.** The place and needs you search for stay in the page's web "
        "address (so you can share the search) and are not saved on the server. ZIP codes, cities "
        "and coordinates are looked up on the server itself. Where the operator has switched on "
        "street addresses, an address is sent to OpenStreetMap's Nominatim to find it, and only a "
        "scrambled key of it is kept, with the nearby town, never the street.\n"
        "- **The shortlist stays in your browser tab.** It is forgotten when you close the tab.\n"
        "- **The coach intake stores nothing about the person.** Its answers stay in the browser tab "
        "and only go where you download or print them.\n"
        "- **Suggestions store only what the organization typed**, for the reviewers, and nothing "
        "about the visitor.\n"
        "- **No accounts, no tracking, no usage statistics.** Only reviewers sign in."
    )
)

st.header(_("Need codes in plain words"), anchor=False)
st.write(_("The filters, the links you share and the command line use these codes."))
for group in vocabulary.groups:
    st.subheader(markdown_text(group.label), anchor=False)
    st.markdown(markdown_table([_("Code"), _("Means")], [[code, vocabulary.label(code)] for code in group.codes]))
