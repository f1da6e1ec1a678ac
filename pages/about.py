"""About & data: what the directory covers, where it comes from, privacy, and the need codes."""

import streamlit as st
from ui.detail import SOURCE_WORDS
from ui.frame import page_directory, sample_data_notice

from navigator.i18n import _, ngettext
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
        "Each listing says where it came from and when someone last checked it. Listings not "
        "checked for over a year are marked in the results."
    )
)
# From the index's columns: unpacking every entry would cost seconds on a national directory.
by_source = (
    frame.groupby("source")["last_verified"]
    .agg(["size", "min", "max"])
    .sort_values("size", ascending=False, kind="stable")
)
st.markdown(
    markdown_table(
        [_("Source"), _("Listings"), _("Checked between")],
        [
            [
                SOURCE_WORDS.get(source, source),
                int(row["size"]),
                _("{first} and {last}").format(first=f"{row['min']:%Y-%m-%d}", last=f"{row['max']:%Y-%m-%d}"),
            ]
            for source, row in by_source.iterrows()
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
