"""Suggest an update: a new listing, a change to a listing, or a problem with one.

Anyone may suggest; a reviewer checks every suggestion before the directory changes. The form is
typed fields only, checked with the directory's own rules, and everything typed is shown back as
text. Links from a listing arrive as ``?entry=<id>&kind=change`` (or ``kind=report``).
"""

import datetime as dt

import streamlit as st
from ui.frame import page_directory
from ui.suggestion_form import (
    PROCESS_LIMITER,
    SESSION_LIMIT_PER_HOUR,
    entry_fields,
    other_errors,
    show_errors,
    values_from_state,
)

from navigator.review.decisions import diff_entries, plain
from navigator.review.suggestions import (
    CONTACT_LIMITS,
    DETAILS_LIMIT,
    GENERAL,
    KIND_LABELS,
    KINDS,
    NOTE_LIMIT,
    PROBLEMS,
    RateLimiter,
    SubmissionQueue,
    category_choices,
    check_suggestion,
    field_label,
    form_values,
)
from navigator.text import markdown_text

KIND_KEY, ENTRY_KEY, SEARCH_KEY = "suggest_kind", "suggest_entry", "suggest_search"
DONE, ERRORS, SESSION_LIMITER = "suggest_done", "suggest_errors", "suggest_limiter"
HONEYPOT = "suggest_fax_number"  # hidden from people; a bot filling every field fills it
FIELD_PREFIX = "sg_"
PICK_LIMIT = 50

directory = page_directory()
vocabulary = directory.vocabulary


def _entry_label(entry_id: str) -> str:
    row = directory.frame.iloc[directory.row_of(entry_id)]
    return f"{row['name']} — {row['organization']}, {row['city'] or 'remote'}"


def _matching_ids(search: str) -> list[str]:
    frame = directory.frame
    haystack = frame["text"] + " " + frame["city"].fillna("").str.casefold()
    mask = haystack.notna()
    for word in search.casefold().split():
        mask &= haystack.str.contains(word, regex=False)
    return frame.loc[mask].sort_values("name")["id"].head(PICK_LIMIT).tolist()


def _follow_url(key: str, parameter: str, allowed) -> None:
    """A link that arrives with ?kind= or ?entry= wins over what this session chose before."""
    wanted = st.query_params.get(parameter)
    if wanted in allowed and st.session_state.get(key) != wanted:
        st.session_state[key] = wanted


def _to_url(key: str, parameter: str) -> None:
    value = st.session_state.get(key)
    if value:
        st.query_params[parameter] = value
    else:
        st.query_params.pop(parameter, None)


def _pick_entry() -> str | None:
    _follow_url(ENTRY_KEY, "entry", directory.id_rows)
    search = st.text_input("Find the listing", key=SEARCH_KEY, placeholder="Name, organization or city")
    options = _matching_ids(search)
    chosen = st.session_state.get(ENTRY_KEY)
    if chosen in directory.id_rows and chosen not in options:
        options.insert(0, chosen)
    if chosen is not None and chosen not in options:
        del st.session_state[ENTRY_KEY]
    extra = {} if ENTRY_KEY in st.session_state else {"index": None}
    return st.selectbox(
        "Listing",
        options,
        key=ENTRY_KEY,
        format_func=_entry_label,
        placeholder="Choose a listing",
        on_change=_to_url,
        args=(ENTRY_KEY, "entry"),
        **extra,
    )


def _submit(kind: str, entry: dict | None, category: str | None, prefix: str, names: list[str]) -> None:
    state = st.session_state
    contact = {key: state.get(f"{prefix}contact_{key}") or "" for key in CONTACT_LIMITS}
    checked = check_suggestion(
        kind,
        contact=contact,
        vocabulary=vocabulary,
        today=dt.date.today(),
        values=values_from_state(prefix, names),
        entry=entry,
        category=category,
        problem=state.get(f"{prefix}problem"),
        details=state.get(f"{prefix}details") or "",
        note=state.get(f"{prefix}note") or "",
        removed_codes=state.get(f"{prefix}removed_codes") or (),
        honeypot=state.get(HONEYPOT) or "",
    )
    if checked.discard:
        state[DONE] = {"reference": None}
        return
    if checked.errors:
        state[ERRORS] = (prefix, checked.errors)
        return
    limiter = state.setdefault(SESSION_LIMITER, RateLimiter(SESSION_LIMIT_PER_HOUR, 3600.0, max_keys=1))
    wait = limiter.attempt("session") or PROCESS_LIMITER.attempt("all")
    if wait:
        state[ERRORS] = (
            prefix,
            {
                GENERAL: [
                    f"Many suggestions have come from here in the last hour. Please try "
                    f"again in {int(wait // 60) + 1} minutes."
                ]
            },
        )
        return
    stored = SubmissionQueue().add(checked.submission)
    state.pop(ERRORS, None)
    state[DONE] = {"reference": stored.reference, "submission": stored}


def _start_over() -> None:
    for key in [key for key in st.session_state if str(key).startswith(FIELD_PREFIX)]:
        del st.session_state[key]
    for key in (DONE, ERRORS, HONEYPOT):
        st.session_state.pop(key, None)


def _confirmation(done: dict) -> None:
    reference = done["reference"]
    if reference is None:
        st.success("Thank you. Your suggestion was received.", icon=":material/check_circle:")
    else:
        submission = done["submission"]
        st.success(
            f"Thank you! Your reference number is **{markdown_text(reference)}**.",
            icon=":material/check_circle:",
        )
        st.write(
            "A reviewer checks every suggestion before the directory changes, and may get in touch "
            "with you. Quote the reference number if you contact us about it."
        )
        st.subheader("What you sent", anchor=False)
        if submission.entry_id:
            st.text(
                f"Listing: {_entry_label(submission.entry_id)}"
                if submission.entry_id in directory.id_rows
                else f"Listing: {submission.entry_id}"
            )
        if submission.problem:
            st.text(f"Problem: {PROBLEMS[submission.problem]}")
        for change in diff_entries(
            submission.before if submission.kind != "new" else None,
            {**submission.before, **submission.changes},
        ):
            before = "" if submission.kind == "new" else f"{plain(change.before, change.field)} → "
            st.text(f"{field_label(change.field)}: {before}{plain(change.after, change.field)}")
        for label, text in (("Details", submission.details), ("Note", submission.note)):
            if text:
                st.text(f"{label}: {text}")
        contact = submission.contact
        st.text(
            f"From: {contact.name}, {contact.organization}, "
            + ", ".join(part for part in (contact.email, contact.phone) if part)
        )
    st.button("Suggest something else", on_click=_start_over)


def _report_fields(entry: dict, prefix: str, errors: dict) -> list[str]:
    st.selectbox(
        "What is wrong?",
        [None, *PROBLEMS],
        key=f"{prefix}problem",
        format_func=lambda option: "Choose one" if option is None else PROBLEMS[option],
    )
    show_errors(errors, "problem")
    offered = list(entry.get("needs") or ())
    if offered:
        st.multiselect(
            "Services it no longer offers (if that is the problem)",
            offered,
            key=f"{prefix}removed_codes",
            format_func=vocabulary.label,
        )
    st.text_area(
        "Tell us what is wrong, and what is right if you know",
        max_chars=DETAILS_LIMIT,
        key=f"{prefix}details",
        height=120,
    )
    show_errors(errors, "details")
    return ["problem", "details", "removed_codes"]


def _contact_fields(prefix: str, errors: dict) -> list[str]:
    st.subheader("About you", anchor=False)
    st.caption(
        "Only for the reviewer's questions about this suggestion; never shown in the directory. "
        "Give an e-mail address or a phone number."
    )
    labels = {
        "name": "Your name",
        "organization": "Your organization",
        "email": "Your e-mail",
        "phone": "Your phone",
    }
    for key, label in labels.items():
        st.text_input(label, key=f"{prefix}contact_{key}", max_chars=CONTACT_LIMITS[key])
        show_errors(errors, f"contact_{key}")
    # The honeypot: off-screen for people (and labelled so for screen readers), filled only by bots.
    st.html(f"<style>.st-key-{HONEYPOT} {{position: absolute; left: -10000px;}}</style>")
    st.text_input("Fax number (leave this empty)", key=HONEYPOT)
    return [f"contact_{key}" for key in labels]


st.title("Suggest an update", anchor=False)
done = st.session_state.get(DONE)
if done:
    _confirmation(done)
    st.stop()

st.write(
    "Organizations and coaches keep this directory fresh. Suggest a new listing, a change to one, or "
    "tell us about a problem; a reviewer checks every suggestion before anything changes."
)
if st.query_params.get("entry") and "kind" not in st.query_params:
    st.query_params["kind"] = "change"
_follow_url(KIND_KEY, "kind", KINDS)
kind = st.radio(
    "What would you like to do?",
    KINDS,
    key=KIND_KEY,
    format_func=KIND_LABELS.get,
    horizontal=True,
    on_change=_to_url,
    args=(KIND_KEY, "kind"),
)

entry_id = _pick_entry() if kind != "new" else None
entry = directory.entry(entry_id) if entry_id else None
if kind != "new" and entry is None:
    unknown = st.query_params.get("entry")
    if unknown and unknown not in directory.id_rows:
        st.warning(f"There is no listing {markdown_text(unknown)} in the directory. Search for it above.")
    st.info("Choose the listing this is about.")
    st.stop()

category = None
if kind != "report":
    labels = category_choices(vocabulary)
    options = list(labels)
    category = st.selectbox(
        "Kind of service",
        options,
        format_func=labels.get,
        placeholder="Choose one",
        index=options.index(entry["category"]) if entry else None,
        key=f"{FIELD_PREFIX}category_{entry_id or 'new'}",
    )
    if category is None:
        st.info("Choose the kind of service to see the form.")
        st.stop()

prefix = f"{FIELD_PREFIX}{kind}_{entry_id or 'new'}_"
stored_errors = st.session_state.get(ERRORS)
errors = stored_errors[1] if stored_errors and stored_errors[0] == prefix else {}
with st.form(f"suggest_{kind}_{entry_id or 'new'}", enter_to_submit=False):
    if kind == "report":
        shown = _report_fields(entry, prefix, errors)
    else:
        if kind == "change":
            st.caption("The form shows the listing as it is now. Change what is wrong; only what you change is sent.")
        shown = entry_fields(form_values(entry), prefix, vocabulary, category, errors, entry)
        st.subheader("Anything else", anchor=False)
        st.text_area(
            "A note for the reviewer (optional)",
            max_chars=NOTE_LIMIT,
            key=f"{prefix}note",
            height=100,
        )
        show_errors(errors, "note")
        shown.append("note")
    shown += _contact_fields(prefix, errors)
    other_errors(errors, set(shown))
    st.form_submit_button(
        "Send suggestion",
        type="primary",
        on_click=_submit,
        args=(kind, entry, category, prefix, shown),
    )
