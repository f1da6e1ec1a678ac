"""The typed fields of a suggestion, as widgets: used by Suggest an update and by Review (edit,
then approve). Problems are shown beside the field they belong to, always as text."""

from __future__ import annotations

import streamlit as st

from navigator.directory.vocabulary import Vocabulary
from navigator.review.suggestions import (
    DAY_NAMES,
    FIELD_BY_NAME,
    FIELDS,
    HOURS_ALWAYS,
    RateLimiter,
    choices,
    sections_for,
)
from navigator.search.schedule import WEEKDAYS
from navigator.text import markdown_text

SECTION_TITLES = {
    "about": "About the service",
    "services": "Services and who is served",
    "contact": "How to reach it",
    "place": "Where it is",
    "hours": "Opening hours",
    "times": "Meeting times",
    "moud": "Medication for opioid use disorder",
    "meeting": "The meeting",
    "housing": "Recovery housing",
    "employment": "Work and training",
}
SCHEDULE_HELP = {
    "hours": 'Type the hours of each day like "08:00-17:00" (24-hour clock); several with commas; '
    "leave a day empty when closed.",
    "times": 'Type each day\'s meeting like "19:00-20:00", or just "19:00"; several with commas; '
    "leave a day empty when there is none.",
}
FLAG_WORDS = {None: "Not said", True: "Yes", False: "No"}

# Suggestions from one browser session, and from everyone on this server process, per hour.
SESSION_LIMIT_PER_HOUR = 5
PROCESS_LIMIT_PER_HOUR = 200
PROCESS_LIMITER = RateLimiter(PROCESS_LIMIT_PER_HOUR, 3600.0, max_keys=1)


def show_errors(errors: dict[str, list[str]], name: str) -> None:
    for message in errors.get(name, ()):
        st.error(markdown_text(message), icon=":material/error:")


def _widget(spec, value, key: str, vocabulary: Vocabulary, extra_codes=()) -> None:
    if spec.kind == "text":
        st.text_input(spec.label, value=value or "", max_chars=spec.limit, key=key, help=spec.help or None)
    elif spec.kind in ("long_text", "lines"):
        st.text_area(
            spec.label,
            value=value or "",
            max_chars=spec.limit,
            key=key,
            help=spec.help or None,
            height=100,
        )
    elif spec.kind == "choice":
        offered = choices(spec, vocabulary)
        options = [None, *offered]
        st.selectbox(
            spec.label,
            options,
            index=options.index(value) if value in options else 0,
            key=key,
            format_func=lambda option: "—" if option is None else offered[option],
        )
    elif spec.kind == "codes":
        offered = choices(spec, vocabulary)
        # Codes an entry holds that the vocabulary lacks are kept (shown as they are), never dropped.
        options = [
            *offered,
            *(code for code in [*(value or ()), *extra_codes] if code not in offered),
        ]
        st.multiselect(
            spec.label,
            options,
            default=[code for code in value or () if code in options],
            key=key,
            format_func=lambda option: offered.get(option, option),
        )
    elif spec.kind == "flag":
        options = [None, True, False]
        st.selectbox(
            spec.label,
            options,
            index=options.index(value) if value in options else 0,
            key=key,
            format_func=FLAG_WORDS.get,
        )
    elif spec.kind == "number":
        st.number_input(spec.label, value=value, min_value=0, max_value=10000, step=1, key=key)


def entry_fields(
    prefill: dict,
    key_prefix: str,
    vocabulary: Vocabulary,
    category: str | None,
    errors: dict[str, list[str]],
    entry: dict | None = None,
) -> list[str]:
    """Every field of the form for ``category``, prefilled; returns the field names shown."""
    shown = []
    for section in sections_for(category, entry):
        st.subheader(SECTION_TITLES[section], anchor=False)
        if section in ("hours", "times"):
            shown.extend(_schedule(section, prefill, key_prefix, errors))
            continue
        for spec in FIELDS:
            if spec.section == section:
                _widget(spec, prefill.get(spec.name), f"{key_prefix}{spec.name}", vocabulary)
                show_errors(errors, spec.name)
                shown.append(spec.name)
    return shown


def _schedule(section: str, prefill: dict, key_prefix: str, errors: dict[str, list[str]]) -> list[str]:
    st.caption(SCHEDULE_HELP[section])
    names = []
    if section == "hours":
        st.checkbox(
            "Open 24 hours, 7 days",
            value=bool(prefill.get(HOURS_ALWAYS)),
            key=f"{key_prefix}{HOURS_ALWAYS}",
        )
        names.append(HOURS_ALWAYS)
    columns = st.columns(len(WEEKDAYS))
    for column, day in zip(columns, WEEKDAYS, strict=True):
        name = f"{section}_{day}"
        with column:
            st.text_input(
                DAY_NAMES[day],
                value=prefill.get(name, ""),
                key=f"{key_prefix}{name}",
                placeholder="closed" if section == "hours" else "none",
                max_chars=200,
            )
        names.append(name)
    for name in names:
        show_errors(errors, name)
    show_errors(errors, section)
    return [*names, section]


def values_from_state(key_prefix: str, names: list[str]) -> dict:
    """The submitted values of the fields ``names`` (read in a form's submit callback)."""
    state = st.session_state
    return {name: state.get(f"{key_prefix}{name}") for name in names if f"{key_prefix}{name}" in state}


def other_errors(errors: dict[str, list[str]], shown) -> None:
    """Problems that no field on screen holds (the general ones, or a field of a hidden section)."""
    for name, messages in errors.items():
        if name in shown:
            continue
        label = FIELD_BY_NAME[name].label if name in FIELD_BY_NAME else ""
        for message in messages:
            st.error(markdown_text(f"{label}: {message}" if label else message), icon=":material/error:")
