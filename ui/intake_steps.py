"""The coach intake's first four steps: one screen each, Back and Next keep every answer.

Every widget has an ``intake_`` key and ``persist_state="session"``, so an answer survives its
screen being left and comes back when the coach returns to it.
"""

from __future__ import annotations

import streamlit as st

from navigator.directory.index import Directory
from navigator.directory.languages import LANGUAGE_NAMES
from navigator.i18n import LANGUAGES, _, current_language, language_label
from navigator.plan.answers import (
    FELLOWSHIPS,
    HIGH_RISK_MOMENTS,
    HOUSING_TIMINGS,
    IDENTITIES,
    MEDICATION_STATUSES,
    MEDICATIONS,
    MEETING_FORMATS,
    NEEDS,
    SUPPLIES,
    TRAVEL_RADII,
    TREATMENT_LEVELS,
    WORK_KINDS,
)
from navigator.plan.options import Option
from navigator.plan.safety import SafetyFirst, safety_first
from navigator.search.links import tel_href
from navigator.search.places import PlaceNotFound, resolve_place
from navigator.search.schedule import WEEKDAYS
from navigator.search.share import radius_label
from navigator.text import markdown_link, markdown_text
from ui.intake_copy import (
    DAY_PART_LABELS,
    FELLOWSHIP_NAMES,
    HIGH_RISK_MOMENT_LABELS,
    HOUSE_FOR_LABELS,
    HOUSING_TIMING_LABELS,
    MEDICATION_STATUS_LABELS,
    MEETING_FORMAT_LABELS,
    NEED_LABELS,
    STEP_LABELS,
    SUPPLY_WORDS,
    WORK_KIND_WORDS,
    PlanCopy,
    day_label,
)
from ui.intake_state import (
    DAY_PARTS,
    NONE_OF_THESE,
    NOT_SURE,
    PLACE_ERROR,
    STEPS,
    answers_from_state,
    clear_intake,
    go_to,
    key,
)
from ui.language import apply_language
from ui.takehome_files import forget_take_homes

KEEP = "session"  # persist_state: the answer outlives its screen


def _next(step: int) -> None:
    go_to(st.session_state, step)


def _check_place_then_next(step: int) -> None:
    """Step 2 moves on only with a place that resolves offline (ZIP, "City, ST", "LAT,LON")."""
    state = st.session_state
    apply_language()  # a callback runs before the page sets the language
    try:
        resolve_place((state.get(key("near")) or "").strip())
    except PlaceNotFound as error:
        state[PLACE_ERROR] = str(error)
        return
    state.pop(PLACE_ERROR, None)
    go_to(state, step)


def navigation(step: int) -> None:
    """Back / Next (the plan step has its own Finish), and Start over on every screen."""
    bar = st.container(horizontal=True, key="intake_nav")
    if step > 0:
        bar.button(
            _("Back"),
            key="intake_back",
            icon=":material/arrow_back:",
            on_click=_next,
            args=(step - 1,),
        )
    if step < len(STEPS) - 1:
        on_click = _check_place_then_next if step == 1 else _next
        bar.button(
            _("Next"),
            key="intake_next",
            type="primary",
            icon=":material/arrow_forward:",
            on_click=on_click,
            args=(step + 1,),
        )
    bar.button(
        _("Start over"),
        key="intake_start_over",
        type="tertiary",
        icon=":material/restart_alt:",
        on_click=_start_over,
    )


def _start_over() -> None:
    forget_take_homes()  # files already downloaded leave the media store with the answers
    clear_intake(st.session_state)


def progress(step: int) -> None:
    text = _("Step {number} of {total}: {name}").format(
        number=step + 1, total=len(STEPS), name=STEP_LABELS[STEPS[step]]
    )
    st.progress((step + 1) / len(STEPS), text=text)


def safety_options(options: tuple[Option, ...], copy: PlanCopy) -> None:
    for option in options:
        with st.container(border=True):
            role = f"**{markdown_text(copy.role(option.role))}** · " if option.role else ""
            st.markdown(role + markdown_text(option.name))
            if option.phone:
                st.markdown(
                    ":material/call: "
                    + markdown_link(option.phone, tel_href(option.phone))
                    + f" · {markdown_text(copy.distance(option))}"
                )
            notes = copy.notes(option)
            if notes:
                st.caption(markdown_text(notes[0]))


def safety_panel(safety: SafetyFirst, copy: PlanCopy) -> None:
    """What a person at risk needs before anything else, with the reason when there is one."""
    with st.container(border=True, key="intake_safety_panel"):
        st.subheader(markdown_text(copy.safety_heading), anchor=False)
        reason = copy.safety_reason(safety)
        if reason:
            st.markdown(f"**{markdown_text(reason)}**")
        st.error(
            markdown_text(copy.emergency) + " " + markdown_link(_("Call 911"), "tel:911"),
            icon=":material/emergency:",
        )
        st.info(markdown_text(copy.naloxone), icon=":material/medication:")
        safety_options(safety.options, copy)


def step_safety(directory: Directory) -> None:
    st.subheader(_("Are they safe right now?"), anchor=False)
    st.checkbox(_("They are in immediate danger right now"), key=key("in_danger"), persist_state=KEEP)
    st.checkbox(
        _("They are at risk of overdose (using opioids, or using alone)"),
        key=key("overdose_risk"),
        persist_state=KEEP,
    )
    st.radio(
        _("Did they just…"),
        [NONE_OF_THESE, *HIGH_RISK_MOMENTS],
        key=key("moment"),
        persist_state=KEEP,
        format_func=lambda moment: HIGH_RISK_MOMENT_LABELS.get(moment) or _("None of these"),
    )
    answers = answers_from_state(st.session_state)
    safety = safety_first(directory, answers)
    if safety is not None:
        safety_panel(safety, PlanCopy(directory.vocabulary))
        st.caption(_("The plan at the end lists the nearest naloxone too. Carry on when ready."))


def step_place() -> None:
    st.subheader(_("Where and how they get around"), anchor=False)
    st.text_input(
        _("ZIP code or city"),
        key=key("near"),
        persist_state=KEEP,
        placeholder=_("80222 or Denver, CO"),
        help=_('A ZIP code or "City, ST". No street address is needed, and none is stored.'),
    )
    error = st.session_state.get(PLACE_ERROR)
    if error:
        st.error(markdown_text(error), icon=":material/wrong_location:")
    st.segmented_control(
        _("How far can they travel?"),
        list(TRAVEL_RADII),
        key=key("travel"),
        persist_state=KEEP,
        default="transit",
        required=True,
        format_func=radius_label,
    )
    st.toggle(_("They can join online or by phone"), key=key("remote_ok"), value=True, persist_state=KEEP)


def _house_follows_medication() -> None:
    """The house must allow the medication just chosen: a housing box already on screen keeps its
    first value otherwise, and would offer houses that refuse it. The coach can still change it."""
    state = st.session_state
    state[key("housing_medication")] = state.get(key("medication")) or NOT_SURE


def step_needs(directory: Directory) -> None:
    label = directory.vocabulary.label
    state = st.session_state
    st.subheader(_("What they need"), anchor=False)
    st.pills(
        _("Tap every need they named"),
        list(NEEDS),
        key=key("needs"),
        selection_mode="multi",
        persist_state=KEEP,
        format_func=NEED_LABELS.get,
    )
    needs = state.get(key("needs")) or ()
    medication_choices = [*MEDICATIONS, NOT_SURE]

    def medication_label(code: str) -> str:
        return _("Not sure yet") if code == NOT_SURE else label(code)

    if "medication" in needs:
        with st.container(border=True):
            st.markdown("**{title}**".format(title=_("Medication")))
            st.segmented_control(
                _("Which medication?"),
                medication_choices,
                key=key("medication"),
                persist_state=KEEP,
                default=NOT_SURE,
                required=True,
                format_func=medication_label,
                on_change=_house_follows_medication,
            )
            st.radio(
                _("Starting, or already on it?"),
                list(MEDICATION_STATUSES),
                key=key("medication_status"),
                persist_state=KEEP,
                format_func=MEDICATION_STATUS_LABELS.get,
            )
            if state.get(key("medication_status"), "start") == "start":
                st.checkbox(
                    _("They want to start today (same-day start)"),
                    key=key("same_day"),
                    persist_state=KEEP,
                )
    if "treatment" in needs:
        with st.container(border=True):
            st.markdown("**{title}**".format(title=_("Treatment")))
            st.pills(
                _("Level of care"),
                list(TREATMENT_LEVELS),
                key=key("treatment_levels"),
                selection_mode="multi",
                persist_state=KEEP,
                default=["outpatient"],
                format_func=label,
            )
    if "meetings" in needs:
        with st.container(border=True):
            st.markdown("**{title}**".format(title=_("Meetings")))
            st.pills(
                _("Fellowships they like (none: any)"),
                list(FELLOWSHIPS),
                key=key("fellowships"),
                selection_mode="multi",
                persist_state=KEEP,
                format_func=FELLOWSHIP_NAMES.get,
            )
            st.segmented_control(
                _("Join how?"),
                list(MEETING_FORMATS),
                key=key("meeting_format"),
                persist_state=KEEP,
                default="either",
                required=True,
                format_func=MEETING_FORMAT_LABELS.get,
            )
            st.caption(_("The times they are free come on the next screen."))
    if "housing" in needs:
        with st.container(border=True):
            st.markdown("**{title}**".format(title=_("Recovery housing")))
            st.segmented_control(
                _("When?"),
                list(HOUSING_TIMINGS),
                key=key("housing_timing"),
                persist_state=KEEP,
                default="now",
                required=True,
                format_func=HOUSING_TIMING_LABELS.get,
            )
            # Set through the state, never ``index``: the callback above may already have set it.
            state.setdefault(key("housing_medication"), state.get(key("medication")) or NOT_SURE)
            st.selectbox(
                _("The house must allow their medication"),
                medication_choices,
                key=key("housing_medication"),
                persist_state=KEEP,
                format_func=lambda code: _("No medication / not sure") if code == NOT_SURE else label(code),
            )
            st.segmented_control(
                _("The house must take"),
                ["women", "men", NOT_SURE],
                key=key("housing_for"),
                persist_state=KEEP,
                default=NOT_SURE,
                required=True,
                format_func=HOUSE_FOR_LABELS.get,
            )
            st.checkbox(
                _("Only a women's or men's house"),
                key=key("housing_single_gender"),
                persist_state=KEEP,
            )
            st.checkbox(_("Children will live with them"), key=key("housing_children"), persist_state=KEEP)
    if "work" in needs:
        with st.container(border=True):
            st.markdown("**{title}**".format(title=_("Work")))
            st.pills(
                _("Kind of help (none: any)"),
                list(WORK_KINDS),
                key=key("work"),
                selection_mode="multi",
                persist_state=KEEP,
                format_func=lambda code: WORK_KIND_WORDS[code].capitalize(),
            )
    if "harm_reduction" in needs:
        with st.container(border=True):
            st.markdown("**{title}**".format(title=_("Harm reduction")))
            st.pills(
                _("Supplies"),
                list(SUPPLIES),
                key=key("supplies"),
                selection_mode="multi",
                persist_state=KEEP,
                default=["naloxone"],
                format_func=lambda code: SUPPLY_WORDS[code].capitalize(),
            )


def step_fit(directory: Directory) -> None:
    vocabulary = directory.vocabulary
    payment_codes = next((group.codes for group in vocabulary.groups if group.id == "payment"), ())
    identities = [code for code in IDENTITIES if code in vocabulary.labels]
    languages = sorted(
        (code for code in directory.language_rows if code != "en"),
        key=lambda code: language_label(code, LANGUAGE_NAMES),
    )
    st.subheader(_("What fits them"), anchor=False)
    st.caption(_("These rank options higher. Mark a must-have only when nothing else would do."))
    st.pills(
        _("How they can pay"),
        list(payment_codes),
        key=key("payment"),
        selection_mode="multi",
        persist_state=KEEP,
        format_func=vocabulary.label,
    )
    st.selectbox(
        _("Language"),
        [NOT_SURE, *languages],
        key=key("language"),
        persist_state=KEEP,
        format_func=lambda code: language_label("en" if code == NOT_SURE else code, LANGUAGE_NAMES),
    )
    st.checkbox(_("The language is a must-have"), key=key("language_required"), persist_state=KEEP)
    st.pills(
        _("Who they are"),
        identities,
        key=key("identities"),
        selection_mode="multi",
        persist_state=KEEP,
        format_func=vocabulary.label,
    )
    st.multiselect(
        _("Must-haves"),
        [*payment_codes, *identities],
        key=key("must_have"),
        persist_state=KEEP,
        format_func=vocabulary.label,
        placeholder=_("None: everything above only ranks higher"),
    )
    st.markdown(_("**When they are free** (for meetings)"))
    st.pills(
        _("Days"),
        list(WEEKDAYS),
        key=key("free_days"),
        selection_mode="multi",
        persist_state=KEEP,
        format_func=day_label,
    )
    st.pills(
        _("Times"),
        list(DAY_PARTS),
        key=key("free_parts"),
        selection_mode="multi",
        persist_state=KEEP,
        format_func=DAY_PART_LABELS.get,
    )
    st.checkbox(_("They have no photo ID"), key=key("no_id"), persist_state=KEEP)
    st.checkbox(_("They have no mailing address"), key=key("no_address"), persist_state=KEEP)
    participant_language()


def participant_language() -> None:
    """The language of the take-homes (printout, PDF, text message, calendar), the participant's
    own, whatever language this screen is in."""
    state = st.session_state
    if key("takehome_language") not in state:
        state[key("takehome_language")] = current_language()
    st.segmented_control(
        _("Their take-home plan in"),
        list(LANGUAGES),
        key=key("takehome_language"),
        persist_state=KEEP,
        required=True,
        format_func=LANGUAGES.get,
    )
