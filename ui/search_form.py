"""The Find page's search form, kept in step with the URL so a shared link opens the same search.

The URL is the source of truth: the form shows what the URL asks for, and submitting the form
writes the new search into the URL (``navigator.search.share`` does the translation).
"""

from __future__ import annotations

import math
from dataclasses import replace

import streamlit as st

from navigator.directory.index import Directory
from navigator.directory.languages import language_name
from navigator.i18n import _
from navigator.search.places import PlaceNotFound, resolve_place
from navigator.search.share import (
    EXCLUSIVE_CHOICES,
    RADIUS_CHOICES,
    TIME_CHOICES,
    WHEN_CHOICES,
    SearchSettings,
    choice_label,
    exclusive_choice_of,
    from_params,
    is_plain_place,
    public_near,
    radius_label,
    to_params,
)
from navigator.text import markdown_text
from ui.data import address_geocoder

FORM_KEY = "find-search"
NEAR_KEY = "find-near"
RADIUS_KEY = "find-radius"
REMOTE_KEY = "find-remote"
LANGUAGE_KEY = "find-language"
WHEN_KEY = "find-when"
TIME_KEY = "find-time"
SUBMIT_KEY = "find-submit"
WHAT_KEY = "find-what"  # the "What do you need?" expander's open state
SYNCED_KEY = "find-synced-params"  # the URL parameters the form last showed
ADDRESS_KEY = "find-address"  # (what the URL holds instead, the street address typed): memory only
SEARCHED_KEY = "find-searched"  # set by a click on Search: the results scroll into view
ANY = ""  # the "no preference" option of the single-choice boxes


def group_key(group_id: str) -> str:
    return f"find-needs-{group_id}"


def choice_key(choice_id: str) -> str:
    return f"find-choice-{choice_id}"


def _languages(directory: Directory) -> list[str]:
    return sorted(directory.language_rows, key=language_name)


def _layout(directory: Directory) -> list[tuple[str, str, tuple[str, ...]]]:
    """The form's need boxes in vocabulary order: (kind, id, codes) with kind "group" (pick any
    number) or "choice" (pick one), each choice placed right after its group."""
    vocabulary = directory.vocabulary
    boxes = []
    for group in vocabulary.groups:
        free = tuple(code for code in group.codes if exclusive_choice_of(code) is None)
        if free:
            boxes.append(("group", group.id, free))
        for choice, (_label, codes) in EXCLUSIVE_CHOICES.items():
            known = tuple(code for code in codes if code in group.codes)
            if known:
                boxes.append(("choice", choice, known))
    return boxes


def url_settings(directory: Directory) -> tuple[SearchSettings, list[str]]:
    """The search the page's URL asks for, and sentences about what it had to leave out.

    A street address typed in this tab is kept in the session (memory only), never in the URL:
    the URL holds its ZIP code or rough position, and while it still does, the search runs on
    the address itself.
    """
    settings, notices = from_params(st.query_params.to_dict(), directory.vocabulary, frozenset(directory.language_rows))
    public, typed = st.session_state.get(ADDRESS_KEY, (None, None))
    if typed and settings.near == public:
        settings = replace(settings, near=typed)
    return settings, notices


def for_url(settings: SearchSettings) -> SearchSettings:
    """``settings`` as a link may hold them: a street address becomes its ZIP code or rough
    position (remembered in the session), and one that cannot be placed is left out."""
    if is_plain_place(settings.near):
        return settings
    try:
        public = public_near(settings.near, resolve_place(settings.near, address_geocoder()))
    except PlaceNotFound:
        return replace(settings, near="")
    st.session_state[ADDRESS_KEY] = (public, settings.near)
    return replace(settings, near=public)


def _widget_keys(directory: Directory) -> list[str]:
    return [
        NEAR_KEY,
        RADIUS_KEY,
        REMOTE_KEY,
        LANGUAGE_KEY,
        WHEN_KEY,
        TIME_KEY,
        *(group_key(box_id) if kind == "group" else choice_key(box_id) for kind, box_id, _codes in _layout(directory)),
    ]


def _show_in_widgets(settings: SearchSettings, directory: Directory) -> None:
    state = st.session_state
    state[NEAR_KEY] = settings.near
    state[RADIUS_KEY] = settings.radius
    state[REMOTE_KEY] = settings.remote
    state[LANGUAGE_KEY] = settings.language or ANY
    state[WHEN_KEY] = settings.when
    state[TIME_KEY] = settings.time
    for kind, box_id, codes in _layout(directory):
        chosen = [code for code in settings.needs if code in codes]
        if kind == "group":
            state[group_key(box_id)] = chosen
        else:
            state[choice_key(box_id)] = chosen[0] if chosen else ANY


def _settings_from_widgets(directory: Directory) -> SearchSettings:
    state = st.session_state
    needs: list[str] = []
    for kind, box_id, _codes in _layout(directory):
        if kind == "group":
            needs.extend(state[group_key(box_id)])
        elif state[choice_key(box_id)] != ANY:
            needs.append(state[choice_key(box_id)])
    return SearchSettings(
        near=" ".join(state[NEAR_KEY].split()),
        radius=state[RADIUS_KEY],
        needs=tuple(needs),
        language=state[LANGUAGE_KEY] or None,
        when=state[WHEN_KEY],
        remote=state[REMOTE_KEY],
        time=state[TIME_KEY],
    )


def search_form(directory: Directory, settings: SearchSettings) -> SearchSettings:
    """Show the form holding ``settings``; returns the search to run: the submitted one, or
    ``settings``."""
    params = to_params(for_url(settings))
    state = st.session_state
    # Fill the form from the URL when the URL changed (a shared link, "back to results") or the
    # widgets were not on the last screen (the detail view), which drops their values.
    if state.get(SYNCED_KEY) != params or any(key not in state for key in _widget_keys(directory)):
        _show_in_widgets(settings, directory)
        state[SYNCED_KEY] = params
    if state.get(SUBMIT_KEY):  # this run answers a click on Search
        state[WHAT_KEY] = False
    vocabulary = directory.vocabulary
    # Counted from the boxes, not ``settings``: on the run that answers Search they already hold
    # the new choices, and the closed expander must say how many.
    shown = _settings_from_widgets(directory)
    chosen = len(shown.needs) + bool(shown.language) + (shown.when != "any") + (shown.time != "any")
    with st.form(FORM_KEY, border=True):
        where, distance = st.columns([3, 2])
        where.text_input(
            _("ZIP code, city or coordinates"),
            key=NEAR_KEY,
            max_chars=100,
            placeholder=_("80222, or Denver, CO"),
            help=(
                _('A 5-digit ZIP code, "City, ST", "latitude, longitude", or a street address.')
                if address_geocoder()
                else _('A 5-digit ZIP code, "City, ST", "latitude, longitude".')
            ),
        )
        distance.selectbox(
            _("Distance"),
            list(RADIUS_CHOICES),
            key=RADIUS_KEY,
            format_func=radius_label,
        )
        st.toggle(_("Include services by phone, online or telehealth"), key=REMOTE_KEY)
        label = _("What do you need? ({count} chosen)").format(count=chosen) if chosen else _("What do you need?")
        # Open on a first visit; closed when a search runs, so the results are in view.
        with st.expander(label, expanded=not settings.near, key=WHAT_KEY, on_change="rerun"):
            st.caption(_("Every choice narrows the list: results offer all of them."))
            boxes = _layout(directory)
            # Three columns filled top to bottom, so a phone stacks them in reading order: one
            # st.columns, where a row of three each made four blocks to build and send a run.
            columns = st.columns(3)
            per_column = math.ceil(len(boxes) / 3)
            for index, (kind, box_id, codes) in enumerate(boxes):
                column = columns[index // per_column]
                if kind == "group":
                    group = next(group for group in vocabulary.groups if group.id == box_id)
                    column.multiselect(
                        group.label,
                        codes,
                        key=group_key(box_id),
                        format_func=vocabulary.label,
                        placeholder=_("Any"),
                    )
                else:
                    column.selectbox(
                        choice_label(box_id),
                        [ANY, *codes],
                        key=choice_key(box_id),
                        format_func=lambda code: vocabulary.label(code) if code else _("Any"),
                    )
            language, when, time = st.columns(3)
            language.selectbox(
                _("Language spoken"),
                [ANY, *_languages(directory)],
                key=LANGUAGE_KEY,
                format_func=lambda code: language_name(code) if code else _("Any language"),
            )
            when.selectbox(_("When"), list(WHEN_CHOICES), key=WHEN_KEY, format_func=WHEN_CHOICES.__getitem__)
            # Beside the day, as Meeting Guide offers it: "Saturday" + "Evening" is Saturday evening.
            time.selectbox(
                _("Time of day (meetings)"),
                list(TIME_CHOICES),
                key=TIME_KEY,
                format_func=TIME_CHOICES.__getitem__,
                help=_("When the meeting starts, on the clock of the place searched. Combines with When."),
            )
        submitted = st.form_submit_button(_("Search"), type="primary", key=SUBMIT_KEY, icon=":material/search:")
    if not submitted:
        return settings
    state[SEARCHED_KEY] = True
    chosen = _settings_from_widgets(directory)
    state[SYNCED_KEY] = to_params(for_url(chosen))
    return chosen


def show_link_notices(notices: list[str]) -> None:
    """What a shared link asked for that could not be used, said plainly."""
    if notices:
        st.info("  \n".join(markdown_text(notice) for notice in notices), icon=":material/link:")
