"""Everything one entry knows, on the Find page at ``?entry=<id>``, so it can be linked."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import streamlit as st

from navigator.directory.index import Directory
from navigator.directory.languages import language_name
from navigator.plan.takehome import PHONE_TYPE_WORDS
from navigator.search.links import address_text, directions_url, sms_href, tel_href
from navigator.search.wording import code_labels, entry_is_stale, entry_timing, provenance_words, weekly_hours
from navigator.text import markdown_badge, markdown_link, markdown_text, safe_url
from ui.shortlist import shortlist_button

FIND_PAGE = "pages/find.py"
SUGGEST_PAGE = "pages/suggest.py"
STATUS_WORDS = {"inactive": "No longer active", "temporarily_closed": "Temporarily closed"}
MEDICATION_POLICY_WORDS = {
    "allowed": "allowed",
    "not_allowed": "not allowed",
    "unknown": "not known",
}
MOUD_SETTING_WORDS = {
    "otp": "Opioid treatment program (clinic)",
    "office_based": "Doctor's office",
    "hospital": "Hospital",
    "telehealth": "Telehealth",
}
ATTENDANCE_WORDS = {
    "in_person": "In person",
    "online": "Online",
    "hybrid": "In person and online",
    "inactive": "No longer meets",
}
SOURCE_WORDS = {
    "sample": "fictional sample data",
    "manual": "entered by the directory team",
    "samhsa": "SAMHSA treatment locator",
    "hsds": "an Open Referral (HSDS) data set",
    "meeting_guide": "a Meeting Guide meeting list",
    "suggestion": "a suggestion from the organization",
    "findtreatment": "FindTreatment.gov (SAMHSA)",
    "bmlt": "a Narcotics Anonymous meeting server (BMLT)",
    "oiaa": "the Online Intergroup of AA",
}
VERIFIED_HOW_WORDS = {
    "phone": "by phone",
    "website": "from the website",
    "site_visit": "by a site visit",
    "organization": "by the organization",
    "import": "at import",
    "sample": "(sample data)",
}


def _bullets(lines: list[str]) -> None:
    """Markdown bullets; each line must already be escaped."""
    if lines:
        st.markdown("\n".join(f"- {line}" for line in lines))


def _fact(label: str, value) -> str:
    return f"**{markdown_text(label)}:** {markdown_text(value)}"


def _yes_no(value) -> str:
    return "yes" if value else "no"


def show_detail(
    directory: Directory,
    entry_id: str,
    search_params: dict[str, str],
    now: dt.datetime,
    viewer: ZoneInfo | None = None,
) -> None:
    """One listing in full; times on the clock of ``viewer`` (the searched place's time zone),
    else the service's own, with the zone named."""
    back_label = "Back to results" if search_params.get("near") else "Search for resources"
    st.page_link(FIND_PAGE, label=back_label, icon=":material/arrow_back:", query_params=search_params)
    row = directory.row_of(entry_id)
    if row is None:
        st.title("Listing not found", anchor=False)
        st.warning(
            f"There is no listing {markdown_text(entry_id)} in the directory: it may have been "
            "removed or the link may be cut short.",
            icon=":material/help:",
        )
        return
    entry = directory.entries[row]  # shared and read-only
    vocabulary = directory.vocabulary
    category = vocabulary.categories.get(entry["category"])
    st.title(markdown_text(entry["name"]), anchor=False)
    badges = [markdown_badge(category.label if category else entry["category"], "blue")]
    if entry.get("sample"):
        badges.append(markdown_badge("Sample (fictional)", "orange"))
    if entry.get("status", "active") != "active":
        badges.append(markdown_badge(STATUS_WORDS.get(entry["status"], entry["status"]), "red"))
    own = ZoneInfo(directory.timezone_of(row)) if directory.timezone_of(row) else None
    viewer = viewer or own
    timing = entry_timing(directory, row, now, viewer)
    if timing:
        badges.append(markdown_badge(timing, "green" if timing.endswith("now") else "gray"))
    st.markdown(" ".join(badges))
    st.markdown(_fact("Organization", entry["organization"]))
    if entry.get("description"):
        st.markdown(markdown_text(entry["description"]))
    actions = st.container(horizontal=True, vertical_alignment="center")
    with actions:
        shortlist_button(entry_id, "detail")
        st.page_link(
            SUGGEST_PAGE,
            label="Report a problem with this listing",
            icon=":material/flag:",
            query_params={"entry": entry_id, "kind": "report"},
        )
        st.page_link(
            SUGGEST_PAGE,
            label="Suggest a change",
            icon=":material/edit:",
            query_params={"entry": entry_id, "kind": "change"},
        )

    _contact(entry)
    _hours(directory, row, entry, now, viewer)
    _getting_in(entry)
    _services(directory, row, entry)
    _category_block(entry)
    _about_listing(entry, now)


def _contact(entry: dict) -> None:
    st.header("Contact and location", anchor=False)
    lines = []
    location = entry.get("location")
    if location:
        where = markdown_text(address_text(location))
        directions = directions_url(location)
        if directions:
            where += " · :material/directions: " + markdown_link("Directions", directions)
        lines.append(f"**Address:** {where}")
    if entry.get("service_area"):
        areas = ["the whole country" if area == "national" else area for area in entry["service_area"]]
        lines.append(_fact("Serves by phone or online", ", ".join(areas)))
    for phone in entry.get("phones") or ():
        kind = phone.get("type", "voice")
        href = sms_href(phone["number"]) if kind == "text" else tel_href(phone["number"])
        words = ", ".join(part for part in (PHONE_TYPE_WORDS.get(kind, kind), phone.get("description")) if part)
        lines.append(f"**Phone:** {markdown_link(phone['number'], href)} ({markdown_text(words)})")
    if entry.get("email"):
        lines.append(f"**Email:** {markdown_link(entry['email'], 'mailto:' + entry['email'])}")
    if safe_url(entry.get("website"), ("http", "https")):
        lines.append(f"**Website:** {markdown_link(entry['website'], entry['website'])}")
    meeting = entry.get("meeting") or {}
    join_url = safe_url(meeting.get("conference_url"), ("http", "https"))
    if join_url:
        lines.append(f"**Join online:** {markdown_link(join_url, join_url)}")
    if meeting.get("conference_phone"):
        phone = meeting["conference_phone"]
        lines.append(f"**Join by phone:** {markdown_link(phone, tel_href(phone))}")
    if lines:
        _bullets(lines)
    else:
        st.write("No contact details are listed.")


def _hours(directory: Directory, row: int, entry: dict, now: dt.datetime, viewer: ZoneInfo | None) -> None:
    is_meeting = entry["category"] == "support_meeting"
    st.header("Meeting times" if is_meeting else "Hours", anchor=False)
    zone = directory.timezone_of(row)
    lines = weekly_hours(entry, ZoneInfo(zone) if zone else None, viewer, now)
    if not lines:
        st.write("No hours are listed: call to ask.")
        return
    _bullets([markdown_text(line) for line in lines])


def _getting_in(entry: dict) -> None:
    st.header("How to get in", anchor=False)
    lines = []
    moud = entry.get("moud") or {}
    if "walk_in" in moud:
        lines.append(_fact("Walk-ins welcome", _yes_no(moud["walk_in"])))
    if "same_day_start" in moud:
        lines.append(_fact("Same-day start", _yes_no(moud["same_day_start"])))
    if entry.get("application_process"):
        lines.append(_fact("How to start", entry["application_process"]))
    if entry.get("required_documents"):
        lines.append(_fact("Bring", "; ".join(entry["required_documents"])))
    if entry.get("eligibility"):
        lines.append(_fact("Who can come", entry["eligibility"]))
    if entry.get("fees"):
        lines.append(_fact("Cost", entry["fees"]))
    if lines:
        _bullets(lines)
    else:
        st.write("The listing does not say: call to ask.")


def _services(directory: Directory, row: int, entry: dict) -> None:
    st.header("Services and who is served", anchor=False)
    lines = [_fact(group, ", ".join(labels)) for group, labels in code_labels(directory, row)]
    languages = entry.get("languages") or ["en"]
    lines.append(_fact("Languages", ", ".join(language_name(code) for code in languages)))
    if entry.get("accessibility"):
        lines.append(_fact("Accessibility", "; ".join(entry["accessibility"])))
    _bullets(lines)


def _category_block(entry: dict) -> None:
    lines = []
    if moud := entry.get("moud"):
        heading = "Medication details"
        if moud.get("setting"):
            lines.append(_fact("Setting", MOUD_SETTING_WORDS.get(moud["setting"], moud["setting"])))
        if "accepts_transfers" in moud:
            lines.append(
                _fact(
                    "Takes people already on medication elsewhere",
                    _yes_no(moud["accepts_transfers"]),
                )
            )
        if "telehealth" in moud:
            lines.append(_fact("Telehealth visits", _yes_no(moud["telehealth"])))
    elif meeting := entry.get("meeting"):
        heading = "About the meeting"
        attendance = meeting.get("attendance")
        if attendance:
            lines.append(_fact("Format", ATTENDANCE_WORDS.get(attendance, attendance)))
        if meeting.get("types"):
            lines.append(_fact("Meeting Guide type codes", ", ".join(meeting["types"])))
    elif housing := entry.get("housing"):
        heading = "About the house"
        if housing.get("narr_level"):
            lines.append(_fact("NARR level", housing["narr_level"]))
        for medication, policy in (housing.get("medication_policy") or {}).items():
            lines.append(_fact(medication.capitalize(), MEDICATION_POLICY_WORDS.get(policy, policy)))
        if housing.get("gender"):
            lines.append(_fact("Residents", {"any": "anyone"}.get(housing["gender"], housing["gender"])))
        if "children" in housing:
            lines.append(_fact("Children may live with a parent", _yes_no(housing["children"])))
        if housing.get("cost"):
            lines.append(_fact("Cost", housing["cost"]))
        if housing.get("beds_available") is not None:
            lines.append(_fact("Open beds", f"{housing['beds_available']} (counted {housing['beds_counted']})"))
    elif employment := entry.get("employment"):
        heading = "About the program"
        if employment.get("services"):
            lines.append(_fact("Services", ", ".join(item.replace("_", " ") for item in employment["services"])))
        if "recovery_friendly_employer" in employment:
            lines.append(_fact("Recovery-friendly employer", _yes_no(employment["recovery_friendly_employer"])))
        if "second_chance_employer" in employment:
            lines.append(_fact("Hires people with records", _yes_no(employment["second_chance_employer"])))
    if lines:
        st.header(heading, anchor=False)
        _bullets(lines)


def _about_listing(entry: dict, now: dt.datetime) -> None:
    st.header("About this listing", anchor=False)
    stale = entry_is_stale(entry, now.date())
    verified = provenance_words(entry, now.date())
    how = None if entry.get("listed_from") else VERIFIED_HOW_WORDS.get(entry.get("verified_how"))
    lines = [markdown_text(verified + (f" {how}" if how else ""))]
    if entry.get("source"):
        lines.append(_fact("Source", SOURCE_WORDS.get(entry["source"], entry["source"])))
    _bullets(lines)
    if stale:
        st.warning(
            "This listing has not been checked for over a year. Call before you go, and "
            "please tell us if something changed.",
            icon=":material/warning:",
        )
