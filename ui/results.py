"""The Find page's results: a page of cards beside the map, and what to do when nothing matches."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

import streamlit as st

from navigator.directory.index import Directory
from navigator.i18n import _, ngettext, number
from navigator.search.engine import Hit, SearchResult, search
from navigator.search.links import directions_url, tel_href
from navigator.search.places import Place, PlaceNotFound, resolve_place
from navigator.search.share import LANGUAGE_PARAMETER, SearchSettings, to_params, to_query
from navigator.search.wording import distance_words, hit_timing, provenance_words
from navigator.text import markdown_badge, markdown_link, markdown_text
from ui.data import address_geocoder
from ui.detail import SPANISH, SPANISH_SPOKEN
from ui.map import results_map
from ui.shortlist import shortlist_button

PAGE_SIZE = 20
PAGE_KEY = "find-page"
PAGED_SEARCH_KEY = "find-paged-search"  # the search the page number belongs to
FIND_PAGE = "pages/find.py"


def _place(settings: SearchSettings) -> Place | None:
    try:
        return resolve_place(settings.near, address_geocoder())
    except PlaceNotFound as error:
        st.error(markdown_text(str(error)), icon=":material/wrong_location:")
        return None


def _page_number(params: dict[str, str]) -> int:
    state = st.session_state
    if state.get(PAGED_SEARCH_KEY) != params:  # a new search starts on its first page
        state[PAGED_SEARCH_KEY] = params
        # Dropped, not set to 1: the pagination widget then starts afresh at its default.
        state.pop(PAGE_KEY, None)
    return max(1, int(state.get(PAGE_KEY, 1)))


def show_results(directory: Directory, settings: SearchSettings, now: dt.datetime) -> None:
    if not settings.near:
        st.info(
            _("Type a ZIP code or a city to see what is near. Add needs to narrow the list."),
            icon=":material/travel_explore:",
        )
        return
    place = _place(settings)
    if place is None:
        return
    params = to_params(settings)
    page = _page_number(params)
    # The engine builds only the page's own hits (its offset and limit), whatever the page number.
    query, at = to_query(settings, place, now, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    result = search(directory, query, now=at, place=place)
    st.header(_("Results"), anchor=False)
    if result.total == 0:
        _nothing_found(result, settings, params)
        return
    pages = math.ceil(result.total / PAGE_SIZE)
    if page > pages:  # the directory changed under an open page: back to the start
        st.session_state.pop(PAGE_KEY, None)
        page = 1
        result = search(directory, replace(query, offset=0), now=at, place=place)
    first = (page - 1) * PAGE_SIZE
    shown = result.hits
    st.markdown(_summary(result, settings, first, len(shown)))
    cards, map_column = st.columns([3, 2], gap="medium")
    with cards:
        for hit in shown:
            _card(directory, hit, params, now)
        if pages > 1:  # under the list, so on a phone it comes before the map
            st.pagination(pages, key=PAGE_KEY)
    with map_column:
        st.subheader(_("Map"), anchor=False)
        results_map(place, settings.radius_miles, shown, directory.vocabulary)


def _summary(result: SearchResult, settings: SearchSettings, first: int, count: int) -> str:
    place = markdown_text(result.place.label)
    radius = settings.radius_miles
    if radius is not None:
        where = ngettext("within {radius} mile of {place}", "within {radius} miles of {place}", int(radius))
        where = where.format(radius=number(radius), place=place)
    else:
        where = _("near {place}").format(place=place)
    parts = []
    if result.physical_total:
        parts.append(_("{count} in person").format(count=result.physical_total))
    if result.remote_total:
        parts.append(_("{count} by phone or online").format(count=result.remote_total))
    if result.total > count:
        found = ngettext(
            "Showing {first}–{last} of **{total}** result {where} ({parts}).",
            "Showing {first}–{last} of **{total}** results {where} ({parts}).",
            result.total,
        )
    else:
        found = ngettext(
            "Found **{total}** result {where} ({parts}).", "Found **{total}** results {where} ({parts}).", result.total
        )
    return found.format(first=first + 1, last=first + count, total=result.total, where=where, parts=", ".join(parts))


def _nothing_found(result: SearchResult, settings: SearchSettings, params: dict[str, str]) -> None:
    radius = settings.radius_miles
    place = markdown_text(result.place.label)
    if radius is not None:
        message = _("Nothing matches this search within {radius} miles of {place}.").format(
            radius=number(radius), place=place
        )
    else:
        message = _("Nothing matches this search near {place}.").format(place=place)
    st.warning(message, icon=":material/search_off:")
    st.markdown(_("Try one of these:"))
    if settings.radius != "any":
        st.page_link(
            FIND_PAGE,
            label=_("Search any distance away"),
            icon=":material/zoom_out_map:",
            query_params={**params, "radius": "any"},
        )
    if settings.needs:
        st.page_link(
            FIND_PAGE,
            label=_("Search with no needs chosen"),
            icon=":material/filter_alt_off:",
            query_params={key: value for key, value in params.items() if key != "needs"},
        )
    if settings.language or settings.when != "any":
        st.page_link(
            FIND_PAGE,
            label=_("Search without the language and time filters"),
            icon=":material/schedule:",
            query_params={key: value for key, value in params.items() if key not in (LANGUAGE_PARAMETER, "when")},
        )
    if not settings.remote:
        st.page_link(
            FIND_PAGE,
            label=_("Include services by phone or online"),
            icon=":material/call:",
            query_params={key: value for key, value in params.items() if key != "remote"},
        )


def _card(directory: Directory, hit: Hit, params: dict[str, str], now: dt.datetime) -> None:
    vocabulary = directory.vocabulary
    entry = directory.entries[hit.row]  # shared and read-only
    with st.container(border=True, key=f"card-{hit.id}"):
        st.subheader(markdown_text(hit.name), anchor=False)
        facts = [
            markdown_text(vocabulary.category_label(hit.category)),
            markdown_text(distance_words(hit)),
        ]
        if hit.sample:
            facts.insert(0, markdown_badge(_("Sample (fictional)"), "orange"))
        if SPANISH in (entry.get("languages") or ()):
            facts.append(markdown_badge(SPANISH_SPOKEN, "violet"))
        timing = hit_timing(hit, now)
        if timing:
            facts.append(markdown_badge(timing, "green" if hit.open_now else "gray"))
        st.markdown(" · ".join(facts))
        if hit.matched:
            st.markdown(" ".join(markdown_badge(vocabulary.label(code)) for code in hit.matched))
        links = []
        if hit.phone:
            links.append(":material/call: " + markdown_link(hit.phone, tel_href(hit.phone)))
        directions = directions_url(entry.get("location"))
        if directions:
            links.append(":material/directions: " + markdown_link(_("Directions"), directions))
        if hit.website:
            links.append(":material/language: " + markdown_link(_("Website"), hit.website))
        if links:
            st.markdown(" · ".join(links))
        verified = markdown_text(provenance_words(entry, now.date()))
        if hit.stale:  # in full colour: a faded caption would not be readable in orange
            st.markdown(f":orange[:material/warning: {verified}]")
        else:
            st.caption(verified)
        actions = st.container(horizontal=True, vertical_alignment="center")
        with actions:
            st.page_link(
                FIND_PAGE,
                label=_("Details"),
                icon=":material/info:",
                query_params={**params, "entry": hit.id},
            )
            shortlist_button(hit.id, "card", hit.matched)
