"""Find resources: search by place and need, results as a list and a map, details, shortlist."""

import datetime as dt

import streamlit as st
from ui.detail import show_detail
from ui.frame import page_directory, sample_data_notice
from ui.language import address_params
from ui.results import show_results, viewer_zone
from ui.search_form import for_url, search_form, show_link_notices, url_settings
from ui.shortlist import shortlist_section

from navigator.i18n import _
from navigator.search.share import to_params

directory = page_directory()
now = dt.datetime.now(dt.UTC)
settings, notices = url_settings(directory)
entry_id = st.query_params.get("entry")

# Every run writes what is on screen into the address bar, so it can be shared: a link to this
# same page (Details, Back to results) reruns it without changing the address bar by itself.
if entry_id:
    st.query_params.from_dict(address_params({**to_params(for_url(settings)), "entry": entry_id}))
    show_detail(directory, entry_id, to_params(for_url(settings)), now, viewer_zone(settings.near))
else:
    st.title(_("Find resources"), anchor=False)
    sample_data_notice(directory)
    show_link_notices(notices)
    settings = search_form(directory, settings)
    st.query_params.from_dict(address_params(to_params(for_url(settings))))
    show_results(directory, settings, now)
    shortlist_section(directory, now, viewer_zone(settings.near))
