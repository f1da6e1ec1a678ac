"""The coach intake's session state: every key starts with ``intake_``, and nothing else holds it.

The answers live only in this browser session's memory (Streamlit's session state, on the
server, for as long as the tab is open). They are never written to disk, logged, cached with
``st.cache_*`` or put in the URL; "Finish" and "Start over" delete every ``intake_`` key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping

from navigator.plan.answers import LANGUAGE_REQUIRED, FreeTime, IntakeAnswers
from navigator.plan.ranking import Picks

PREFIX = "intake_"
STEPS = ("safety", "place", "needs", "fit", "plan")  # one screen each; their names are in intake_copy
STEP = "intake_step"
PICKS = "intake_picks"  # section key -> Picks
WIDENED = "intake_widened"  # section key -> radius the coach widened it to
PLACE_ERROR = "intake_place_error"

# Parts of the day a coach can tap instead of typing times (the participant's own clock).
DAY_PARTS = {
    "morning": (dt.time(6), dt.time(12)),
    "afternoon": (dt.time(12), dt.time(17)),
    "evening": (dt.time(17), dt.time(22)),
    "night": (dt.time(22), dt.time(6)),
}
NOT_SURE = "not_sure"  # a choice that means "no answer" (not sure, none of these, anyone)
NONE_OF_THESE = "none"


def key(name: str) -> str:
    return PREFIX + name


def clear_intake(state: MutableMapping) -> None:
    """Forget the whole intake: every ``intake_`` key, widgets and picks alike."""
    for name in [name for name in state if str(name).startswith(PREFIX)]:
        del state[name]


def step_of(state: MutableMapping) -> int:
    return min(max(int(state.get(STEP, 0)), 0), len(STEPS) - 1)


def go_to(state: MutableMapping, step: int) -> None:
    state[STEP] = min(max(step, 0), len(STEPS) - 1)


def _tuple(value) -> tuple:
    return tuple(value or ())


def _choice(value):
    return None if value in (None, "", NOT_SURE, NONE_OF_THESE) else value


def answers_from_state(state: MutableMapping) -> IntakeAnswers:
    """The answers as the widgets hold them (widgets off screen keep theirs for the session)."""
    get = state.get
    days = _tuple(get(key("free_days")))
    free_times = tuple(
        FreeTime(days, *DAY_PARTS[part]) for part in _tuple(get(key("free_parts"))) if days and part in DAY_PARTS
    )
    must_have = _tuple(get(key("must_have")))
    if get(key("language_required")) and _choice(get(key("language"))):
        must_have += (LANGUAGE_REQUIRED,)
    return IntakeAnswers(
        in_danger=bool(get(key("in_danger"))),
        overdose_risk=bool(get(key("overdose_risk"))),
        high_risk_moment=_choice(get(key("moment"))),
        near=(get(key("near")) or "").strip(),
        travel=get(key("travel")) or "transit",
        remote_ok=bool(get(key("remote_ok"), True)),
        needs=_tuple(get(key("needs"))),
        medication=_choice(get(key("medication"))),
        medication_status=get(key("medication_status")) or "start",
        same_day=bool(get(key("same_day"))),
        treatment_levels=_tuple(get(key("treatment_levels"))),
        fellowships=_tuple(get(key("fellowships"))),
        meeting_format=get(key("meeting_format")) or "either",
        housing_timing=get(key("housing_timing")) or "now",
        housing_medication=_choice(get(key("housing_medication"))),
        housing_for=_choice(get(key("housing_for"))),
        housing_single_gender=bool(get(key("housing_single_gender"))),
        housing_children=bool(get(key("housing_children"))),
        work=_tuple(get(key("work"))),
        supplies=_tuple(get(key("supplies"))),
        payment=_tuple(get(key("payment"))),
        language=_choice(get(key("language"))),
        identities=_tuple(get(key("identities"))),
        must_have=must_have,
        free_times=free_times,
        no_id=bool(get(key("no_id"))),
        no_address=bool(get(key("no_address"))),
        widened=dict(get(WIDENED) or {}),
    )


def picks_of(state: MutableMapping) -> dict[str, Picks]:
    return state.setdefault(PICKS, {})


def change_picks(state: MutableMapping, section_key: str, action: str, option_id: str) -> None:
    """Apply the coach's "pin", "drop" or "swap" to one option of one section."""
    picks = picks_of(state)
    current = picks.get(section_key) or Picks()
    picks[section_key] = getattr(current, action)(option_id)


def restore_section(state: MutableMapping, section_key: str) -> None:
    """Bring back what was dropped or swapped in one section (pins stay)."""
    picks = picks_of(state)
    current = picks.get(section_key) or Picks()
    picks[section_key] = Picks(pinned=current.pinned)


def widen_section(state: MutableMapping, section_key: str, radius: float) -> None:
    widened = dict(state.get(WIDENED) or {})
    widened[section_key] = radius
    state[WIDENED] = widened
