"""The typed fields of a suggestion, as widgets: used by Suggest an update and by Review (edit,
then approve). Problems are shown beside the field they belong to, always as text."""

from __future__ import annotations

import streamlit as st

from navigator.directory.vocabulary import Vocabulary
from navigator.i18n import _
from navigator.review.form import (
    FIELDS,
    HOURS_ALWAYS,
    NUMBER_RANGE,
    REQUIRED_FIELDS,
    FieldProblem,
    hidden_phone_field,
    sections_for,
)
from navigator.review.suggestion import CONTACT_LIMITS, DETAILS_LIMIT, PROBLEM_CODES, REQUIRED_CONTACT
from navigator.review.words import PROBLEM_LABELS
from navigator.search.schedule import WEEKDAYS
from navigator.text import markdown_text
from ui.page_script import page_html
from ui.suggest_copy import (
    CONTACT_LABELS,
    DAY_NAMES,
    FIELD_HELP,
    FIELD_LABELS,
    FLAG_WORDS,
    SCHEDULE_HELP,
    SECTION_TITLES,
    choices,
    error_field_label,
    problem_text,
    required,
)

HONEYPOT = "suggest_fax_number"  # hidden from people; a bot filling every field fills it

Errors = dict[str, list[FieldProblem]]


def show_errors(errors: Errors, name: str) -> None:
    for problem in errors.get(name, ()):
        st.error(markdown_text(problem_text(problem)), icon=":material/error:")


def _widget(spec, value, key: str, vocabulary: Vocabulary, extra_codes=()) -> None:
    label, help_text = FIELD_LABELS[spec.name], FIELD_HELP.get(spec.name)
    if spec.name in REQUIRED_FIELDS:
        label = required(label)
    if spec.kind == "text":
        st.text_input(label, value=value or "", max_chars=spec.limit, key=key, help=help_text)
    elif spec.kind in ("long_text", "lines"):
        st.text_area(label, value=value or "", max_chars=spec.limit, key=key, help=help_text, height=100)
    elif spec.kind == "choice":
        offered = choices(spec, vocabulary)
        options = [None, *offered]
        st.selectbox(
            label,
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
            label,
            options,
            default=[code for code in value or () if code in options],
            key=key,
            format_func=lambda option: offered.get(option, option),
        )
    elif spec.kind == "flag":
        options = [None, True, False]
        st.selectbox(
            label,
            options,
            index=options.index(value) if value in options else 0,
            key=key,
            format_func=FLAG_WORDS.get,
        )
    elif spec.kind == "number":
        low, high = NUMBER_RANGE
        st.number_input(label, value=value, min_value=low, max_value=high, step=1, key=key)


def entry_fields(
    prefill: dict,
    key_prefix: str,
    vocabulary: Vocabulary,
    category: str | None,
    errors: Errors,
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
            if spec.section == section and not hidden_phone_field(spec.name, entry):
                _widget(spec, prefill.get(spec.name), f"{key_prefix}{spec.name}", vocabulary)
                show_errors(errors, spec.name)
                shown.append(spec.name)
    return shown


def _schedule(section: str, prefill: dict, key_prefix: str, errors: Errors) -> list[str]:
    st.caption(SCHEDULE_HELP[section])
    names = []
    if section == "hours":
        st.checkbox(
            _("Open 24 hours, 7 days"),
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
                placeholder=_("closed") if section == "hours" else _("none"),
                max_chars=200,
            )
        names.append(name)
    for name in names:
        show_errors(errors, name)
    show_errors(errors, section)
    return [*names, section]


def report_fields(entry: dict, prefix: str, errors: Errors, vocabulary: Vocabulary) -> list[str]:
    """What is wrong with a listing: the problem, services it dropped, and the details."""
    st.selectbox(
        required(_("What is wrong?")),
        [None, *PROBLEM_CODES],
        key=f"{prefix}problem",
        format_func=lambda option: _("Choose one") if option is None else PROBLEM_LABELS[option],
    )
    show_errors(errors, "problem")
    offered = list(entry.get("needs") or ())
    if offered:
        st.multiselect(
            _("Services it no longer offers (if that is the problem)"),
            offered,
            key=f"{prefix}removed_codes",
            format_func=vocabulary.label,
        )
    st.text_area(
        _("Tell us what is wrong, and what is right if you know"),
        max_chars=DETAILS_LIMIT,
        key=f"{prefix}details",
        height=120,
    )
    show_errors(errors, "details")
    return ["problem", "details", "removed_codes"]


def contact_fields(kind: str, prefix: str, errors: Errors) -> list[str]:
    """Who sends the suggestion, for the reviewer's questions; and the honeypot."""
    st.subheader(_("About you"), anchor=False)
    st.caption(
        _(
            "Only for the reviewer's questions about this suggestion; never shown in the directory. "
            "Give an e-mail address or a phone number (one is required)."
        )
    )
    for key, label in CONTACT_LABELS.items():
        shown_label = required(label) if key in REQUIRED_CONTACT[kind] else label
        st.text_input(shown_label, key=f"{prefix}contact_{key}", max_chars=CONTACT_LIMITS[key])
        show_errors(errors, f"contact_{key}")
    # The honeypot: off-screen for people (and labelled so for screen readers), filled only by bots.
    page_html("offscreen_element.html.j2", key=HONEYPOT)
    st.text_input(_("Fax number (leave this empty)"), key=HONEYPOT)
    return [f"contact_{key}" for key in CONTACT_LABELS]


def values_from_state(key_prefix: str, names: list[str]) -> dict:
    """The submitted values of the fields ``names`` (read in a form's submit callback)."""
    state = st.session_state
    return {name: state.get(f"{key_prefix}{name}") for name in names if f"{key_prefix}{name}" in state}


def other_errors(errors: Errors, shown) -> None:
    """Problems that no field on screen holds (the general ones, or a field of a hidden section)."""
    for name, problems in errors.items():
        if name in shown:
            continue
        label = FIELD_LABELS.get(name, "")
        for problem in problems:
            message = problem_text(problem)
            shown = _("{field}: {problem}").format(field=label, problem=message) if label else message
            st.error(markdown_text(shown), icon=":material/error:")


def error_summary(errors: Errors) -> None:
    """By the Send button: that nothing was sent, and every field still to fix, by its label."""
    labels = list(dict.fromkeys(label for name in errors if (label := error_field_label(name))))
    if labels:
        st.error(
            markdown_text(_("Not sent yet. Please fix: {fields}.").format(fields=", ".join(labels))),
            icon=":material/error:",
        )
