"""Everything one entry knows, on the Find page at ``?entry=<id>``, so it can be linked."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import streamlit as st

from navigator.directory.index import Directory
from navigator.directory.languages import language_name
from navigator.i18n import N_, Words, _
from navigator.plan.takehome import PHONE_TYPE_WORDS, SPANISH_SPOKEN
from navigator.search.links import address_text, directions_url, sms_href, tel_href
from navigator.search.wording import code_labels, entry_is_stale, entry_timing, provenance_words, weekly_hours
from navigator.text import markdown_badge, markdown_link, markdown_text, safe_url
from ui.shortlist import shortlist_button

FIND_PAGE = "pages/find.py"
SPANISH = "es"
SUGGEST_PAGE = "pages/suggest.py"
STATUS_WORDS = Words({"inactive": N_("No longer active"), "temporarily_closed": N_("Temporarily closed")})
MEDICATION_POLICY_WORDS = Words(
    {"allowed": N_("allowed"), "not_allowed": N_("not allowed"), "unknown": N_("not known")}
)
MOUD_SETTING_WORDS = Words(
    {
        "otp": N_("Opioid treatment program (clinic)"),
        "office_based": N_("Doctor's office"),
        "hospital": N_("Hospital"),
        "telehealth": N_("Telehealth"),
    }
)
ATTENDANCE_WORDS = Words(
    {
        "in_person": N_("In person"),
        "online": N_("Online"),
        "hybrid": N_("In person and online"),
        "inactive": N_("No longer meets"),
    }
)
SOURCE_WORDS = Words(
    {
        "sample": N_("fictional sample data"),
        "manual": N_("entered by the directory team"),
        "samhsa": N_("SAMHSA treatment locator"),
        "hsds": N_("an Open Referral (HSDS) data set"),
        "meeting_guide": N_("a Meeting Guide meeting list"),
        "suggestion": N_("a suggestion from the organization"),
        "findtreatment": N_("FindTreatment.gov (SAMHSA)"),
        "bmlt": N_("a Narcotics Anonymous meeting server (BMLT)"),
        "oiaa": N_("the Online Intergroup of AA"),
    }
)
VERIFIED_HOW_WORDS = Words(
    {
        "phone": N_("by phone"),
        "website": N_("from the website"),
        "site_visit": N_("by a site visit"),
        "organization": N_("by the organization"),
        "import": N_("at import"),
        "sample": N_("(sample data)"),
    }
)


RESIDENT_WORDS = Words({"any": N_("anyone"), "women": N_("women"), "men": N_("men")})


def _bullets(lines: list[str]) -> None:
    """Markdown bullets; each line must already be escaped."""
    if lines:
        st.markdown("\n".join(f"- {line}" for line in lines))


def _fact(label: str, value) -> str:
    return _labelled(markdown_text(label), markdown_text(value))


def _labelled(label: str, shown: str) -> str:
    """A bold label before ``shown``, which is markdown already (a link, an escaped address)."""
    return f"**{label}:** {shown}"


def _yes_no(value) -> str:
    return _("yes") if value else _("no")


def show_detail(
    directory: Directory,
    entry_id: str,
    search_params: dict[str, str],
    now: dt.datetime,
    viewer: ZoneInfo | None = None,
) -> None:
    """One listing in full; times on the clock of ``viewer`` (the searched place's time zone),
    else the service's own, with the zone named."""
    back_label = _("Back to results") if search_params.get("near") else _("Search for resources")
    st.page_link(FIND_PAGE, label=back_label, icon=":material/arrow_back:", query_params=search_params)
    row = directory.row_of(entry_id)
    if row is None:
        st.title(_("Listing not found"), anchor=False)
        st.warning(
            _(
                "There is no listing {id} in the directory: it may have been removed or the link may be cut short."
            ).format(id=markdown_text(entry_id)),
            icon=":material/help:",
        )
        return
    entry = directory.entries[row]  # shared and read-only
    vocabulary = directory.vocabulary
    st.title(markdown_text(entry["name"]), anchor=False)
    badges = [markdown_badge(vocabulary.category_label(entry["category"]), "blue")]
    if entry.get("sample"):
        badges.append(markdown_badge(_("Sample (fictional)"), "orange"))
    if SPANISH in (entry.get("languages") or ()):
        badges.append(markdown_badge(SPANISH_SPOKEN, "violet"))
    if entry.get("status", "active") != "active":
        badges.append(markdown_badge(STATUS_WORDS.get(entry["status"], entry["status"]), "red"))
    own = ZoneInfo(directory.timezone_of(row)) if directory.timezone_of(row) else None
    viewer = viewer or own
    timing = entry_timing(directory, row, now, viewer)
    if timing:
        badges.append(markdown_badge(timing.words, "green" if timing.open_now else "gray"))
    st.markdown(" ".join(badges))
    st.markdown(_fact(_("Organization"), entry["organization"]))
    if entry.get("description"):
        st.markdown(markdown_text(entry["description"]))
    actions = st.container(horizontal=True, vertical_alignment="center")
    with actions:
        shortlist_button(entry_id, "detail")
        st.page_link(
            SUGGEST_PAGE,
            label=_("Report a problem with this listing"),
            icon=":material/flag:",
            query_params={"entry": entry_id, "kind": "report"},
        )
        st.page_link(
            SUGGEST_PAGE,
            label=_("Suggest a change"),
            icon=":material/edit:",
            query_params={"entry": entry_id, "kind": "change"},
        )

    _contact(entry)
    _hours(directory, row, entry, now, viewer)
    _getting_in(entry)
    _services(directory, row, entry)
    _category_block(entry, vocabulary)
    _about_listing(entry, now)


def _contact(entry: dict) -> None:
    st.header(_("Contact and location"), anchor=False)
    lines = []
    location = entry.get("location")
    if location:
        where = markdown_text(address_text(location))
        directions = directions_url(location)
        if directions:
            where += " · :material/directions: " + markdown_link(_("Directions"), directions)
        lines.append(_labelled(_("Address"), where))
    if entry.get("service_area"):
        areas = [_("the whole country") if area == "national" else area for area in entry["service_area"]]
        lines.append(_fact(_("Serves by phone or online"), ", ".join(areas)))
    for phone in entry.get("phones") or ():
        kind = phone.get("type", "voice")
        href = sms_href(phone["number"]) if kind == "text" else tel_href(phone["number"])
        words = ", ".join(part for part in (PHONE_TYPE_WORDS.get(kind, kind), phone.get("description")) if part)
        lines.append(_labelled(_("Phone"), f"{markdown_link(phone['number'], href)} ({markdown_text(words)})"))
    if entry.get("email"):
        lines.append(_labelled(_("Email"), markdown_link(entry["email"], "mailto:" + entry["email"])))
    if safe_url(entry.get("website"), ("http", "https")):
        lines.append(_labelled(_("Website"), markdown_link(entry["website"], entry["website"])))
    meeting = entry.get("meeting") or {}
    join_url = safe_url(meeting.get("conference_url"), ("http", "https"))
    if join_url:
        lines.append(_labelled(_("Join online"), markdown_link(join_url, join_url)))
    if meeting.get("conference_phone"):
        phone = meeting["conference_phone"]
        lines.append(_labelled(_("Join by phone"), markdown_link(phone, tel_href(phone))))
    if lines:
        _bullets(lines)
    else:
        st.write(_("No contact details are listed."))


def _hours(directory: Directory, row: int, entry: dict, now: dt.datetime, viewer: ZoneInfo | None) -> None:
    is_meeting = entry["category"] == "support_meeting"
    st.header(_("Meeting times") if is_meeting else _("Hours"), anchor=False)
    zone = directory.timezone_of(row)
    lines = weekly_hours(entry, ZoneInfo(zone) if zone else None, viewer, now)
    if not lines:
        st.write(_("No hours are listed: call to ask."))
        return
    _bullets([markdown_text(line) for line in lines])


def _getting_in(entry: dict) -> None:
    st.header(_("How to get in"), anchor=False)
    lines = []
    moud = entry.get("moud") or {}
    if "walk_in" in moud:
        lines.append(_fact(_("Walk-ins welcome"), _yes_no(moud["walk_in"])))
    if "same_day_start" in moud:
        lines.append(_fact(_("Same-day start"), _yes_no(moud["same_day_start"])))
    if entry.get("application_process"):
        lines.append(_fact(_("How to start"), entry["application_process"]))
    if entry.get("required_documents"):
        lines.append(_fact(_("Bring"), "; ".join(entry["required_documents"])))
    if entry.get("eligibility"):
        lines.append(_fact(_("Who can come"), entry["eligibility"]))
    if entry.get("fees"):
        lines.append(_fact(_("Cost"), entry["fees"]))
    if lines:
        _bullets(lines)
    else:
        st.write(_("The listing does not say: call to ask."))


def _services(directory: Directory, row: int, entry: dict) -> None:
    st.header(_("Services and who is served"), anchor=False)
    lines = [_fact(group, ", ".join(labels)) for group, labels in code_labels(directory, row)]
    languages = entry.get("languages") or ["en"]
    lines.append(_fact(_("Languages"), ", ".join(language_name(code) for code in languages)))
    if entry.get("accessibility"):
        lines.append(_fact(_("Accessibility"), "; ".join(entry["accessibility"])))
    _bullets(lines)


def _category_block(entry: dict, vocabulary) -> None:
    lines = []
    if moud := entry.get("moud"):
        heading = _("Medication details")
        if moud.get("setting"):
            lines.append(_fact(_("Setting"), MOUD_SETTING_WORDS.get(moud["setting"], moud["setting"])))
        if "accepts_transfers" in moud:
            lines.append(
                _fact(
                    _("Takes people already on medication elsewhere"),
                    _yes_no(moud["accepts_transfers"]),
                )
            )
        if "telehealth" in moud:
            lines.append(_fact(_("Telehealth visits"), _yes_no(moud["telehealth"])))
    elif meeting := entry.get("meeting"):
        heading = _("About the meeting")
        attendance = meeting.get("attendance")
        if attendance:
            lines.append(_fact(_("Format"), ATTENDANCE_WORDS.get(attendance, attendance)))
        if meeting.get("types"):
            lines.append(_fact(_("Meeting Guide type codes"), ", ".join(meeting["types"])))
    elif housing := entry.get("housing"):
        heading = _("About the house")
        if housing.get("narr_level"):
            lines.append(_fact(_("NARR level"), housing["narr_level"]))
        for medication, policy in (housing.get("medication_policy") or {}).items():
            lines.append(_fact(vocabulary.label(medication), MEDICATION_POLICY_WORDS.get(policy, policy)))
        if housing.get("gender"):
            lines.append(_fact(_("Residents"), RESIDENT_WORDS.get(housing["gender"], housing["gender"])))
        if "children" in housing:
            lines.append(_fact(_("Children may live with a parent"), _yes_no(housing["children"])))
        if housing.get("cost"):
            lines.append(_fact(_("Cost"), housing["cost"]))
        if housing.get("beds_available") is not None:
            lines.append(
                _fact(
                    _("Open beds"),
                    _("{beds} (counted {date})").format(beds=housing["beds_available"], date=housing["beds_counted"]),
                )
            )
    elif employment := entry.get("employment"):
        heading = _("About the program")
        if employment.get("services"):
            lines.append(_fact(_("Services"), ", ".join(item.replace("_", " ") for item in employment["services"])))
        if "recovery_friendly_employer" in employment:
            lines.append(_fact(_("Recovery-friendly employer"), _yes_no(employment["recovery_friendly_employer"])))
        if "second_chance_employer" in employment:
            lines.append(_fact(_("Hires people with records"), _yes_no(employment["second_chance_employer"])))
    if lines:
        st.header(heading, anchor=False)
        _bullets(lines)


def _about_listing(entry: dict, now: dt.datetime) -> None:
    st.header(_("About this listing"), anchor=False)
    stale = entry_is_stale(entry, now.date())
    verified = provenance_words(entry, now.date())
    how = None if entry.get("listed_from") else VERIFIED_HOW_WORDS.get(entry.get("verified_how"))
    lines = [markdown_text(verified + (f" {how}" if how else ""))]
    if entry.get("source"):
        lines.append(_fact(_("Source"), SOURCE_WORDS.get(entry["source"], entry["source"])))
    _bullets(lines)
    if stale:
        st.warning(
            _(
                "This listing has not been checked for over a year. Call before you go, and "
                "please tell us if something changed."
            ),
            icon=":material/warning:",
        )
