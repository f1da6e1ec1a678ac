"""The Find page's results: a page of cards beside the map, and what to do when nothing matches."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from zoneinfo import ZoneInfo

import streamlit as st

from navigator.directory.index import Directory
from navigator.directory.languages import language_name
from navigator.i18n import N_, Words, _, ngettext, number
from navigator.search.engine import Hit, Query, SearchResult, search
from navigator.search.explain import Relaxation, relaxations
from navigator.search.links import directions_url, tel_href
from navigator.search.places import Place, PlaceNotFound, resolve_place, suggestion_label
from navigator.search.share import TIME_CHOICES, WHEN_CHOICES, SearchSettings, radius_label, to_params, to_query
from navigator.search.wording import distance_words, hit_timing, kind_words, provenance_words
from navigator.text import markdown_badge, markdown_link, markdown_text, safe_url
from ui.data import address_geocoder
from ui.detail import SPANISH, SPANISH_SPOKEN
from ui.frame import find_page
from ui.map import results_map
from ui.page_script import copy_link_button, scroll_into_view
from ui.search_form import SEARCHED_KEY, for_url
from ui.shortlist import shortlist_button

PAGE_SIZE = 20
PAGE_KEY = "find-page"
PAGED_SEARCH_KEY = "find-paged-search"  # the search the page number belongs to
FIND_PAGE = "pages/find.py"
RESULTS_TOP_KEY = "find-results-top"


def viewer_zone(near: str) -> ZoneInfo | None:
    """The reader's time zone: the searched place's, placed offline (no geocoder); None when
    there is no place or it is not a ZIP, city or coordinates."""
    try:
        place = resolve_place(near) if near else None
    except PlaceNotFound:
        return None
    return ZoneInfo(place.timezone) if place is not None and place.timezone else None


def _place(settings: SearchSettings) -> Place | None:
    try:
        return resolve_place(settings.near, address_geocoder())
    except PlaceNotFound as error:
        with st.container(key=RESULTS_TOP_KEY):
            _place_not_understood(error, settings)
        return None


def _place_not_understood(error: PlaceNotFound, settings: SearchSettings) -> None:
    """What was not understood, in plain words, and the nearest places it might have meant."""
    typed = markdown_text(error.text.strip())
    if error.kind == "unknown_zip":
        message = _('"{place}" is not a US ZIP code in use. Check the five digits, or type the city and state.')
        message = message.format(place=typed)
    elif error.kind == "off_earth":
        message = _(
            '"{place}" is not a place on Earth: the first number (latitude) goes from -90 to 90, '
            "the second (longitude) from -180 to 180."
        ).format(place=typed)
    else:
        message = _('"{place}" was not understood as a place.').format(place=typed)
        if not error.suggestions:
            message += " " + _('Type a 5-digit ZIP code, or a city and state like "Denver, CO".')
            if not address_geocoder():
                message += " " + _("Street addresses are not looked up here: include the ZIP code.")
    st.error(message, icon=":material/wrong_location:")
    if error.suggestions:
        st.markdown(_("Did you mean:"))
        row = st.container(horizontal=True)
        for place in error.suggestions:
            row.page_link(
                FIND_PAGE,
                label=markdown_text(suggestion_label(place)),
                icon=":material/location_on:",
                query_params=to_params(replace(settings, near=place)),
            )


FAR_MILES = 100.0


def _coverage_notice(directory: Directory, place: Place, settings: SearchSettings, result: SearchResult) -> None:
    """Says plainly when the directory lists nothing in person near the place (Anchorage in a
    Denver directory), and where its in-person listings are; services by phone and online follow."""
    if any(hit.distance_miles is not None and hit.distance_miles <= FAR_MILES for hit in result.hits):
        return  # the page itself shows something near
    nearest = search(
        directory, Query(near=settings.near, radius=None, include_remote=False, sort="distance", limit=1), place=place
    )
    if nearest.hits and nearest.hits[0].distance_miles is not None and nearest.hits[0].distance_miles <= FAR_MILES:
        return
    frame = directory.frame
    in_person = frame[~frame["remote"].to_numpy(dtype=bool) & directory.active]
    states = sorted({state for state in in_person["state"].dropna() if state})
    if states:
        covers = _("This directory has in-person listings in {states} only").format(states=", ".join(states))
    else:
        covers = _("This directory has no in-person listings")
    st.info(
        _(
            "{covers}: nothing in person within {radius} miles of {place}. Services by phone and online that "
            "serve your area are listed; for help nearby, call the SAMHSA National Helpline at 1-800-662-4357 "
            "(free, 24/7) or 988."
        ).format(covers=covers, radius=number(FAR_MILES), place=markdown_text(place.label)),
        icon=":material/public:",
    )


def _bring_into_view() -> None:
    """After a click on Search, the results (or what went wrong) come to the top of the screen:
    on a phone they are drawn below the form, off screen."""
    if st.session_state.pop(SEARCHED_KEY, False):
        scroll_into_view(RESULTS_TOP_KEY)


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
        _bring_into_view()
        return
    params = to_params(for_url(settings))  # links never carry a street address
    page = _page_number(params)
    # The engine builds only the page's own hits (its offset and limit), whatever the page number.
    query, at = to_query(settings, place, now, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    result = search(directory, query, now=at, place=place)
    with st.container(key=RESULTS_TOP_KEY):
        st.header(_("Results"), anchor=False)
    _bring_into_view()
    if place.zip_from_text:
        st.info(
            _("The street address was not looked up: showing results near its ZIP code, {place}.").format(
                place=markdown_text(place.label)
            ),
            icon=":material/location_searching:",
        )
    _coverage_notice(directory, place, settings, result)
    if result.total == 0:
        _nothing_found(directory, result, settings, params, now)
        return
    pages = math.ceil(result.total / PAGE_SIZE)
    if page > pages:  # the directory changed under an open page: back to the start
        st.session_state.pop(PAGE_KEY, None)
        page = 1
        result = search(directory, replace(query, offset=0), now=at, place=place)
    first = (page - 1) * PAGE_SIZE
    shown = result.hits
    st.markdown(_summary(directory, result, settings, first, len(shown)))
    copy_link_button(
        _("Copy link to this search"),
        _("Link copied: it holds the search only, nothing about a person."),
        _("Copy this link:"),
    )
    cards, map_column = st.columns([3, 2], gap="medium")
    with cards:
        for hit in shown:
            _card(directory, hit, params, now, ZoneInfo(place.timezone) if place.timezone else None)
        if pages > 1:  # under the list, so on a phone it comes before the map
            st.pagination(pages, key=PAGE_KEY)
    with map_column:
        st.subheader(_("Map"), anchor=False)
        results_map(place, settings.radius_miles, shown, directory.vocabulary)


def _summary(directory: Directory, result: SearchResult, settings: SearchSettings, first: int, count: int) -> str:
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
    line = found.format(first=first + 1, last=first + count, total=result.total, where=where, parts=", ".join(parts))
    filters = active_filters(directory, settings)
    if filters:  # the filters again, since the form above is folded away after a search
        line += " " + _("Filters: {filters}.").format(filters=" · ".join(markdown_text(words) for words in filters))
    return line


def active_filters(directory: Directory, settings: SearchSettings) -> list[str]:
    """The search's filters in the form's words: needs, language, time, and no remote services."""
    words = [directory.vocabulary.label(code) for code in settings.needs]
    if settings.language:
        words.append(_("{language} spoken").format(language=language_name(settings.language)))
    if settings.when != "any":
        words.append(WHEN_CHOICES[settings.when])
    if settings.time != "any":
        words.append(TIME_CHOICES[settings.time])
    if not settings.remote:
        words.append(_("in person only"))
    return words


def _filter_words(directory: Directory, relaxation: Relaxation) -> str:
    """The filter a relaxation drops, as the form names it."""
    kind, value = relaxation.kind, relaxation.value
    if kind == "need":
        return directory.vocabulary.label(value)
    if kind == "language":
        return _("{language} spoken").format(language=language_name(value))
    if kind == "when":
        return WHEN_CHOICES[value]
    if kind == "time":
        return TIME_CHOICES[value]
    if kind == "radius":
        return radius_label(value)
    return _("In person only (no phone or online services)")


def _nothing_found(
    directory: Directory, result: SearchResult, settings: SearchSettings, params: dict[str, str], now: dt.datetime
) -> None:
    radius = settings.radius_miles
    place = markdown_text(result.place.label)
    if radius is not None:
        nothing = ngettext(
            "Nothing matches this search within {radius} mile of {place}.",
            "Nothing matches this search within {radius} miles of {place}.",
            int(radius),
        ).format(radius=number(radius), place=place)
    else:
        nothing = _("Nothing matches this search near {place}.").format(place=place)
    looser = relaxations(directory, settings, result.place, now)
    if looser:
        blamed = _(" or ").join(f'"{markdown_text(_filter_words(directory, item))}"' for item in looser)
        st.warning(
            nothing + " " + _("The filter that emptied the list: {filters}.").format(filters=blamed),
            icon=":material/search_off:",
        )
        for item in looser:
            words = markdown_text(_filter_words(directory, item))
            found = ngettext("{count} result", "{count} results", item.total).format(count=item.total)
            label = (
                _("Search a wider distance ({found})").format(found=found)
                if item.kind == "radius"
                else _("Include services by phone or online ({found})").format(found=found)
                if item.kind == "remote"
                else _('Drop "{filter}" ({found})').format(filter=words, found=found)
            )
            st.page_link(
                FIND_PAGE, label=label, icon=":material/filter_alt_off:", query_params=to_params(item.settings)
            )
        return
    if radius is not None:
        stuck = ngettext(
            "Nothing matches this search within {radius} mile of {place}, and dropping any one filter does not "
            "help either.",
            "Nothing matches this search within {radius} miles of {place}, and dropping any one filter does not "
            "help either.",
            int(radius),
        ).format(radius=number(radius), place=place)
    else:
        stuck = _("Nothing matches this search near {place}, and dropping any one filter does not help either.")
        stuck = stuck.format(place=place)
    st.warning(stuck, icon=":material/search_off:")
    st.markdown(_("Try one of these:"))
    if settings.radius != "any":
        st.page_link(
            FIND_PAGE,
            label=_("Search any distance away"),
            icon=":material/zoom_out_map:",
            query_params={**params, "radius": "any"},
        )
    if settings.needs or settings.language or settings.when != "any" or settings.time != "any":
        st.page_link(
            FIND_PAGE,
            label=_("Search with no filters"),
            icon=":material/filter_alt_off:",
            query_params={key: value for key, value in params.items() if key in ("near", "radius")},
        )


def _own_zone(directory: Directory, row: int) -> ZoneInfo | None:
    zone = directory.timezone_of(row)
    return ZoneInfo(zone) if zone else None


MEETING_ACCESS = Words(
    {
        "O": N_("Open: anyone may attend"),
        "C": N_("Closed: for people who want to stop drinking or using"),
    }
)


def meeting_kind(vocabulary, meeting: dict) -> str:
    """ "Narcotics Anonymous (NA) meeting · Open: anyone may attend"."""
    fellowship = meeting.get("fellowship")
    if fellowship in vocabulary.labels:
        words = _("{fellowship} meeting").format(fellowship=vocabulary.label(fellowship))
    else:
        words = vocabulary.category_label("support_meeting")
    types = meeting.get("types") or ()
    access = next((MEETING_ACCESS[code] for code in ("C", "O") if code in types), None)
    return f"{words} · {access}" if access else words


def _card(directory: Directory, hit: Hit, params: dict[str, str], now: dt.datetime, viewer: ZoneInfo | None) -> None:
    entry = directory.entries[hit.row]  # a copy: the card may read it as it likes
    with st.container(border=True, key=f"card-{hit.id}", horizontal=True, vertical_alignment="center"):
        # The card and three elements: each is a message Streamlit builds, hashes and sends on
        # every page run, and 20 sessions' runs take turns on one process (with its name, text,
        # date and a row for its actions apart, 20 cards made 140 of a search's 218 messages).
        # The name and text are one markdown element, a paragraph a line, the card's full width,
        # so the actions wrap below it, or sit beside it on a screen wide enough for both.
        st.markdown("\n\n".join(_card_lines(directory, entry, hit, now, viewer)), anchors=False, width="stretch")
        st.page_link(
            find_page(),
            label=_("Details"),
            icon=":material/info:",
            query_params={**params, "entry": hit.id},
        )
        shortlist_button(hit.id, "card", hit.matched)


def _card_lines(directory: Directory, entry: dict, hit: Hit, now: dt.datetime, viewer: ZoneInfo | None) -> list[str]:
    """The card's lines of text, as markdown: its name as a heading; what it is, how far and when;
    the needs it matched; how to reach it; and how old its listing is (small and grey, or in
    orange when it is stale)."""
    vocabulary = directory.vocabulary
    meeting = entry.get("meeting") or {}
    kind = kind_words(vocabulary, entry)
    if meeting:  # the fellowship says more than "Support group meeting"
        kind = meeting_kind(vocabulary, meeting)
    facts = [markdown_text(kind), markdown_text(distance_words(hit))]
    if hit.sample:
        facts.insert(0, markdown_badge(_("Sample (fictional)"), "orange"))
    if SPANISH in (entry.get("languages") or ()):
        facts.append(markdown_badge(SPANISH_SPOKEN, "violet"))
    timing = hit_timing(hit, now, viewer or _own_zone(directory, hit.row))
    if timing:
        facts.append(markdown_badge(timing, "green" if hit.open_now else "gray"))
    lines = [f"### {markdown_text(hit.name)}", " · ".join(facts)]
    if hit.matched:
        lines.append(" ".join(markdown_badge(vocabulary.label(code)) for code in hit.matched))
    links = []
    join = safe_url(meeting.get("conference_url"), ("http", "https"))
    if join:
        links.append(":material/videocam: " + markdown_link(_("Join online"), join))
    dial_in = meeting.get("conference_phone")
    dial_href = tel_href(dial_in) if dial_in else None
    if dial_href:
        links.append(":material/call: " + markdown_link(_("Dial in {number}").format(number=dial_in), dial_href))
    if hit.phone:
        links.append(":material/call: " + markdown_link(hit.phone, tel_href(hit.phone)))
    directions = directions_url(entry.get("location"))
    if directions:
        links.append(":material/directions: " + markdown_link(_("Directions"), directions))
    if hit.website:
        links.append(":material/language: " + markdown_link(_("Website"), hit.website))
    if links:
        lines.append(" · ".join(links))
    provenance = markdown_text(provenance_words(entry, now.date()))
    if hit.stale:  # in full colour: faded small print would not be readable in orange
        lines.append(f":orange[:material/warning: {provenance}]")
    else:  # what st.caption shows, as a line of the card's one element
        lines.append(f":gray[:small[{provenance}]]")
    return lines
