"""The coach intake's last step: the plan, the coach's swaps, pins and drops, and taking it home.

Downloads are built in memory and handed to the browser; their file names never hold anything
about the participant (a download's name shows up in its link).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import streamlit as st

from navigator.directory.index import Directory
from navigator.formats.ics import appointment_event, calendar, meeting_events
from navigator.formats.printable import render_html, render_pdf
from navigator.i18n import _, current_language, number, use_language
from navigator.plan.build import Plan, build_plan
from navigator.plan.options import Option
from navigator.plan.ranking import Picks, Section, can_swap, chosen_options, shown_options
from navigator.plan.takehome_plan import FIRST_NAME_LIMIT, printout, text_message
from navigator.search.links import tel_href
from navigator.search.places import PlaceNotFound
from navigator.search.wording import residents_words, verified_words, weekly_hours
from navigator.text import markdown_badge, markdown_link, markdown_text
from ui.frame import LIVE_KEY_PREFIX
from ui.intake_copy import PlanCopy
from ui.intake_state import (
    WIDENED,
    answers_from_state,
    change_picks,
    clear_intake,
    key,
    picks_of,
    restore_section,
    widen_section,
)
from ui.intake_steps import KEEP, safety_panel
from ui.language import apply_language, later_in
from ui.takehome_files import forget_take_homes, made_on_demand, remembered

PLAN = "intake_plan"  # (answers, plan): the plan is rebuilt only when the answers change
PLAN_FRESH_FOR = dt.timedelta(minutes=5)  # "open now" goes stale; rebuild after this


def current_plan(directory: Directory, now: dt.datetime) -> Plan:
    """The plan for the answers in the session, kept in the session (never in a shared cache)."""
    state = st.session_state
    answers = answers_from_state(state)
    kept = state.get(PLAN)
    if kept and kept[0] == answers and now - kept[1].made_at < PLAN_FRESH_FOR:
        return kept[1]
    plan = build_plan(directory, answers, now)
    state[PLAN] = (answers, plan)
    return plan


def _finish() -> None:
    forget_take_homes()  # the plan's files leave the media store too, not only the answers
    clear_intake(st.session_state)
    apply_language()  # a callback runs before the page sets the language
    st.toast(_("Finished: every answer from this intake is forgotten."), icon=":material/done_all:")


def takehome_language() -> str:
    """The language the participant takes the plan home in (chosen on the "What fits them" step)."""
    return st.session_state.get(key("takehome_language")) or current_language()


def _entry_zone(directory: Directory, option: Option, plan: Plan) -> str:
    return directory.timezone_of(option.hit.row) or plan.place.timezone or "UTC"


def _meeting_calendar(directory: Directory, option: Option, plan: Plan) -> str | None:
    entry = directory.entries[option.hit.row]
    zone = _entry_zone(directory, option, plan)
    events = meeting_events(entry, zone, plan.made_at.astimezone(ZoneInfo(zone)).date(), option.address)
    return calendar(events) if events else None


def absolute_hours(directory: Directory, option: Option, plan: Plan) -> str:
    """Its weekly hours with the zone named, on the participant's clock: true on paper too."""
    entry = directory.entries[option.hit.row]
    own = directory.timezone_of(option.hit.row)
    viewer = ZoneInfo(plan.place.timezone) if plan.place.timezone else None
    return "; ".join(weekly_hours(entry, ZoneInfo(own) if own else None, viewer, plan.made_at))


def _option_card(
    directory: Directory, plan: Plan, copy: PlanCopy, section: Section, option: Option, picks: Picks
) -> None:
    pinned = option.id in picks.pinned
    with st.container(border=True, key=f"intake_option_{section.key}_{option.id}"):
        name = f"**{markdown_text(option.name)}**"
        st.markdown(f":material/push_pin: {name} · " + _("Chosen") if pinned else name)
        facts = [markdown_text(copy.distance(option))]
        residents = residents_words(directory.entries[option.hit.row])
        if residents:
            facts.append(markdown_text(residents))
        if option.hit.sample:
            facts.append(markdown_badge(_("Sample (fictional)"), "orange"))
        hours = absolute_hours(directory, option, plan)
        if hours:
            facts.append(markdown_text(hours))
        st.markdown(" · ".join(facts))
        # "Open now" is true on screen only: a printed screen leaves it out (see ui/frame.py).
        with st.container(key=f"{LIVE_KEY_PREFIX}{section.key}-{option.id}"):
            st.markdown(markdown_badge(copy.when(option, plan.made_at), "green" if option.hit.open_now else "gray"))
        chips = [markdown_badge(chip) for chip in copy.matched(option)] + [
            markdown_badge(chip, "green") for chip in copy.fit(option)
        ]
        if chips:
            st.markdown(" ".join(chips))
        links = []
        if option.phone:
            links.append(":material/call: " + markdown_link(option.phone, tel_href(option.phone)))
        if option.directions_url:
            links.append(":material/directions: " + markdown_link(_("Directions"), option.directions_url))
        if option.hit.website:
            links.append(":material/language: " + markdown_link(_("Website"), option.hit.website))
        if links:
            st.markdown(" · ".join(links))
        notes = copy.notes(option)
        if notes:
            st.caption(" · ".join(markdown_text(note) for note in notes))
        if option.hit.stale:
            verified = markdown_text(verified_words(option.hit.last_verified, True))
            st.caption(f":orange[:material/warning: {verified}]")
        actions = st.container(horizontal=True)
        state = st.session_state
        actions.button(
            _("Unpin") if pinned else _("Pin"),
            key=f"intake_pin_{section.key}_{option.id}",
            icon=":material/push_pin:",
            on_click=change_picks,
            args=(state, section.key, "pin", option.id),
        )
        actions.button(
            _("Swap"),
            key=f"intake_swap_{section.key}_{option.id}",
            icon=":material/swap_horiz:",
            disabled=not can_swap(section, picks),
            help=_("Show the next option instead"),
            on_click=change_picks,
            args=(state, section.key, "swap", option.id),
        )
        actions.button(
            _("Drop"),
            key=f"intake_drop_{section.key}_{option.id}",
            icon=":material/close:",
            on_click=change_picks,
            args=(state, section.key, "drop", option.id),
        )
        if option.is_meeting:
            with use_language(takehome_language()):
                ics = _meeting_calendar(directory, option, plan)
            if ics:
                actions.download_button(
                    _("Calendar"),
                    remembered(ics, "text/calendar", "meeting.ics"),
                    file_name="meeting.ics",
                    mime="text/calendar",
                    key=f"intake_ics_{section.key}_{option.id}",
                    on_click="ignore",
                    icon=":material/event:",
                )


def _section(directory: Directory, plan: Plan, copy: PlanCopy, section: Section) -> None:
    state = st.session_state
    st.subheader(markdown_text(copy.heading(section)), anchor=False)
    gap = plan.gap(section.key)
    if gap is not None:
        st.warning(
            f"{markdown_text(copy.gap_sentence(gap))} {markdown_text(copy.gap_suggestion(gap))}",
            icon=":material/search_off:",
        )
        if gap.wider_radius is not None:
            st.button(
                _("Widen to {radius} miles").format(radius=number(gap.wider_radius)),
                key=f"intake_widen_{section.key}",
                icon=":material/zoom_out_map:",
                on_click=widen_section,
                args=(state, section.key, gap.wider_radius),
            )
        return
    if section.key in (state.get(WIDENED) or {}):
        st.caption(_("Searched within {radius} miles.").format(radius=number(section.radius)))
    picks = picks_of(state).get(section.key) or Picks()
    for option in shown_options(section, picks):
        _option_card(directory, plan, copy, section, option, picks)
    if picks.dropped or picks.swapped:
        st.button(
            _("Bring back the ones taken out"),
            key=f"intake_restore_{section.key}",
            type="tertiary",
            icon=":material/undo:",
            on_click=restore_section,
            args=(state, section.key),
        )


def _appointment(directory: Directory, plan: Plan) -> None:
    """A calendar file for an appointment the coach just made at one of the plan's places."""
    chosen = [
        option
        for options in chosen_options(plan.sections, picks_of(st.session_state)).values()
        for option in options
        if not option.is_meeting
    ]
    if not chosen:
        return
    by_id = {option.id: option for option in chosen}
    with st.expander(_("Add an appointment to their calendar"), icon=":material/event_available:"):
        place_id = st.selectbox(
            _("Where"),
            list(by_id),
            key=key("appointment_place"),
            persist_state=KEEP,
            format_func=lambda option_id: by_id[option_id].name,
        )
        day = st.date_input(_("Day"), key=key("appointment_day"), persist_state=KEEP, min_value=plan.made_at.date())
        time = st.time_input(
            _("Time"),
            key=key("appointment_time"),
            persist_state=KEEP,
            value=dt.time(9),
            step=dt.timedelta(minutes=15),
            format="12h",
        )
        option = by_id[place_id]
        start = dt.datetime.combine(day, time, ZoneInfo(_entry_zone(directory, option, plan)))
        with use_language(takehome_language()):
            event = appointment_event(directory.entries[option.hit.row], start, option.address)
        st.download_button(
            _("Download the appointment (.ics)"),
            remembered(calendar([event]), "text/calendar", "appointment.ics"),
            file_name="appointment.ics",
            mime="text/calendar",
            key="intake_appointment_download",
            on_click="ignore",
            icon=":material/download:",
        )


def _take_home(directory: Directory, plan: Plan, copy: PlanCopy) -> None:
    state = st.session_state
    st.header(_("Take it home"), anchor=False)
    first_name = st.text_input(
        _("Their first name, for the printout only (optional)"),
        key=key("first_name"),
        persist_state=KEEP,
        max_chars=FIRST_NAME_LIMIT,
        autocomplete="off",
    )
    picks = picks_of(state)
    copy = PlanCopy(copy.vocabulary, copy.viewer, to_participant=True)  # take-homes speak to them
    language = takehome_language()
    with use_language(language):  # the participant's language, whatever the coach's screen shows
        title, sections, subtitle = printout(directory, plan, copy, picks, first_name or "")
        footer = copy.print_footer
        page = render_html(title, sections, subtitle, footer)
        message = text_message(directory, plan, copy, picks)

    buttons = st.container(horizontal=True)
    buttons.download_button(
        _("Printable page"),
        remembered(page, "text/html", "recovery-plan.html"),
        file_name="recovery-plan.html",
        mime="text/html",
        key="intake_download_html",
        on_click="ignore",
        icon=":material/print:",
    )
    # A PDF takes a moment to build, so it is made only when asked for.
    buttons.download_button(
        _("PDF"),
        made_on_demand(
            later_in(language, lambda: render_pdf(title, sections, subtitle, footer)),
            "application/pdf",
            "recovery-plan.pdf",
        ),
        file_name="recovery-plan.pdf",
        mime="application/pdf",
        key="intake_download_pdf",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
    )
    pinned_meetings = [
        option
        for section in plan.sections
        for option in section.options
        if option.is_meeting and option.id in (picks.get(section.key) or Picks()).pinned
    ]
    with use_language(language):
        events = [
            event
            for option in pinned_meetings
            for event in meeting_events(
                directory.entries[option.hit.row],
                _entry_zone(directory, option, plan),
                plan.made_at.date(),
                option.address,
            )
        ]
    if events:
        buttons.download_button(
            _("Pinned meetings (.ics)"),
            remembered(calendar(events), "text/calendar", "meetings.ics"),
            file_name="meetings.ics",
            mime="text/calendar",
            key="intake_download_meetings",
            on_click="ignore",
            icon=":material/event_repeat:",
        )
    st.markdown(
        _("**For a text message** ({count} characters; the top right button copies it):").format(count=len(message))
    )
    st.code(message, language=None, wrap_lines=True)
    _appointment(directory, plan)


def plan_step(directory: Directory, now: dt.datetime) -> None:
    try:
        plan = current_plan(directory, now)
    except PlaceNotFound as error:
        st.error(markdown_text(error), icon=":material/wrong_location:")
        return
    st.subheader(_("The plan"), anchor=False)
    st.caption(
        _("Near {place}. Pin what they choose, swap or drop the rest.").format(place=markdown_text(plan.place.label))
    )
    copy = PlanCopy(directory.vocabulary, ZoneInfo(plan.place.timezone) if plan.place.timezone else None)
    if plan.urgent is not None:
        safety_panel(plan.urgent, copy)
    if not plan.sections:
        st.info(_("No needs were chosen: go back a step to add some."), icon=":material/info:")
    for section in plan.sections:
        _section(directory, plan, copy, section)
    _take_home(directory, plan, copy)
    st.divider()
    st.button(
        _("Finish and forget this intake"),
        key="intake_finish",
        type="primary",
        icon=":material/done_all:",
        on_click=_finish,
        help=_("Clears every answer from this session. Download what you need first."),
    )
