"""The coach intake's words for people: the steps' names, labels for the answers' codes, and the plan in words.

The planning engine (``navigator.plan``) works in codes and returns structured facts (a gap with
its numbers, a reason code, an option's notes as codes); this is the one place its English
lives, for the screens and the take-homes alike. ``PlanCopy`` is the ``PlanWords`` the take-home
assembly asks for. Labels of the directory's own need codes come from its vocabulary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from navigator.directory.languages import LANGUAGE_NAMES
from navigator.directory.vocabulary import Vocabulary
from navigator.plan.answers import MEDICATIONS
from navigator.plan.needs import Requirement, Subject
from navigator.plan.options import Note, Option
from navigator.plan.ranking import Gap, Section
from navigator.plan.safety import OVERDOSE_RISK, SafetyFirst
from navigator.search.wording import distance_words, hit_timing

# ---------------------------------------------------------------------------------------------
# The steps, and labels for the answers' choices

STEP_LABELS = {
    "safety": "Safety first",
    "place": "Where and how",
    "needs": "Needs",
    "fit": "What fits them",
    "plan": "The plan",
}
DAY_NAMES = {"mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri", "sat": "Sat", "sun": "Sun"}
DAY_PART_LABELS = {
    "morning": "Mornings (6 AM–noon)",
    "afternoon": "Afternoons (noon–5 PM)",
    "evening": "Evenings (5–10 PM)",
    "night": "Late nights (10 PM–6 AM)",
}

NEED_LABELS = {
    "medication": "Start or continue medication",
    "treatment": "Treatment",
    "meetings": "Meetings and support groups",
    "housing": "Recovery housing",
    "work": "Work and training",
    "harm_reduction": "Harm reduction supplies",
}
TRAVEL_LABELS = {
    "walk": "On foot (about 2 miles)",
    "transit": "Bus or train (about 10 miles)",
    "drive": "Car or a ride (about 25 miles)",
}
MEDICATION_STATUS_LABELS = {
    "start": "Start (or restart) medication",
    "transfer": "Already on it: needs a new place to get it",
}
FELLOWSHIP_NAMES = {
    "aa": "AA",
    "na": "NA",
    "smart": "SMART Recovery",
    "recovery_dharma": "Recovery Dharma",
    "celebrate_recovery": "Celebrate Recovery",
    "secular": "secular",
    "al_anon": "Al-Anon",
    "nar_anon": "Nar-Anon",
}
MEETING_FORMAT_LABELS = {
    "either": "In person or online",
    "in_person": "In person only",
    "online": "Online only",
}
HOUSING_TIMING_LABELS = {"now": "Now", "soon": "Soon"}
HIGH_RISK_MOMENT_LABELS = {
    "released": "Just released from jail or prison",
    "detox": "Just left detox",
    "hospital_overdose": "Just left a hospital after an overdose",
}
# In a sentence ("job training or second-chance hiring"); capitalised as a choice's label.
WORK_KIND_WORDS = {
    "job_training": "job training",
    "job_placement": "job placement",
    "second_chance": "second-chance hiring",
}
SUPPLY_WORDS = {
    "naloxone": "naloxone",
    "fentanyl_test_strips": "fentanyl test strips",
    "syringe_services": "syringe services",
}
MEDICATION_WORDS = {"buprenorphine": "buprenorphine", "methadone": "methadone", "naltrexone": "naltrexone"}
GENDER_WORDS = {"women": "women", "men": "men"}

# ---------------------------------------------------------------------------------------------
# What each section looks for: its heading, and its subject in a gap sentence

NEED_HEADINGS = {
    "housing": "Recovery housing",
    "work": "Work and training",
    "harm_reduction": "Harm reduction supplies",
}
NEED_SUBJECTS = {
    "housing": "recovery housing",
    "work": "work program",
    "harm_reduction": "harm reduction program",
}
TREATMENT_SUBJECTS = {
    "outpatient": "outpatient program",
    "intensive_outpatient": "intensive outpatient program",
    "residential": "residential program",
    "detox": "detox program",
}
MEETING_KINDS = {"in_person": "in-person ", "online": "online "}
PAYMENT_CLAUSES = {
    "free": "is free of charge",
    "sliding_fee": "has a sliding fee scale",
    "self_pay": "takes self-pay",
}

# ---------------------------------------------------------------------------------------------
# Safety first

SAFETY_HEADING = "Safety first"
HIGH_RISK_REASONS = {
    "released": (
        "Overdose risk is highest in the first weeks after release from jail or prison: "
        "tolerance drops while inside, so a usual amount can stop someone's breathing."
    ),
    "detox": (
        "Overdose risk is highest in the first weeks after detox: tolerance drops within days, "
        "so a usual amount can stop someone's breathing."
    ),
    "hospital_overdose": (
        "Overdose risk is highest in the weeks after an overdose: the best protection is "
        "naloxone close by, never using alone, and starting medication now."
    ),
}
AT_RISK_REASON = "They may be at risk of overdose: keep these close."
# Take-homes speak to the participant, not about them.
AT_RISK_REASON_TO_PARTICIPANT = "Keep these close: they help in an overdose or a crisis, any hour."
EMERGENCY_GUIDANCE = (
    "If someone is in immediate danger, unresponsive or not breathing, call 911. "
    "Give naloxone if you have it, stay with them, and lay them on their side."
)
NALOXONE_GUIDANCE = (
    "Naloxone (Narcan) reverses an opioid overdose. The nasal spray is sold without a "
    "prescription at most pharmacies, and many programs give it out free."
)
ROLE_LABELS = {
    "crisis_line": "Crisis line",
    "never_alone": "Never use alone",
    "naloxone": "Naloxone",
    "fastest_start": "Fastest medication start",
}
ROLE_REASONS = {
    "crisis_line": "Call or text any hour, free and confidential.",
    "never_alone": "Using alone? Call first: they send help if you stop answering.",
    "naloxone": "Naloxone reverses an opioid overdose: get some and keep it close.",
    "fastest_start": "Buprenorphine or methadone, started the same day.",
}

# ---------------------------------------------------------------------------------------------
# Taking it home

MESSAGE_TITLE = "Your recovery plan"
MESSAGE_EMERGENCY = "Emergency: call 911."
MESSAGE_MORE = "More on your printed plan."
PRINT_TITLE = "Recovery plan"
PRINT_FOOTER = (
    "Made with your recovery coach on Recovery Navigator. Hours and services change: call "
    "before you go. Listings marked Sample are fictional demo data."
)


def or_words(words: Iterable[str]) -> str:
    """Words joined as people say them: "a", "a or b", "a, b or c"."""
    words = list(words)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _lower_first(text: str) -> str:
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def _unique(words: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(words))


def _medication(code: str) -> str:
    return MEDICATION_WORDS.get(code, code)


def _gender(code: str) -> str:
    return GENDER_WORDS.get(code, code)


class PlanCopy:
    """The plan in words, for one directory (whose vocabulary labels its need codes)."""

    message_title = MESSAGE_TITLE
    message_emergency = MESSAGE_EMERGENCY
    message_more = MESSAGE_MORE
    print_title = PRINT_TITLE
    print_footer = PRINT_FOOTER
    safety_heading = SAFETY_HEADING
    emergency = EMERGENCY_GUIDANCE
    naloxone = NALOXONE_GUIDANCE

    def __init__(self, vocabulary: Vocabulary, viewer: ZoneInfo | None = None, to_participant: bool = False):
        self.vocabulary = vocabulary
        # True for take-homes: the words speak to the participant ("you"), not to the coach.
        self.to_participant = to_participant
        self.viewer = viewer  # the participant's time zone: times are on their clock, zone named

    # --- what a section looks for -------------------------------------------------------------

    def heading(self, section: Section) -> str:
        return self.subject_heading(section.subject)

    def subject_heading(self, subject: Subject) -> str:
        """ "Start buprenorphine", "A new place to get methadone", "AA or NA meetings" …"""
        medication = _medication(subject.medication) if subject.medication else None
        if subject.need == "medication":
            if subject.transfer:
                mine = "your medication" if self.to_participant else "their medication"
                return f"A new place to get {medication or mine}"
            heading = f"Start {medication}" if medication else "Start medication"
            return heading + (" the same day" if subject.same_day else "")
        if subject.need == "treatment":
            return self.vocabulary.labels.get(subject.level, subject.level)
        if subject.need == "meetings":
            names = self._fellowships(subject)
            return f"{names} meetings" if names else "Meetings"
        return NEED_HEADINGS.get(subject.need, subject.need)

    def subject_words(self, subject: Subject) -> str:
        """What was looked for, in "No … within 25 miles": "recovery housing", "detox program" …"""
        medication = _medication(subject.medication) if subject.medication else None
        if subject.need == "medication":
            if subject.transfer:
                if subject.medication == "methadone":
                    return "methadone clinic"
                return f"{medication or 'medication'} provider"
            return f"{medication} provider" if medication else f"{or_words(map(_medication, MEDICATIONS))} provider"
        if subject.need == "treatment":
            return TREATMENT_SUBJECTS.get(subject.level, subject.level)
        if subject.need == "meetings":
            names = self._fellowships(subject)
            return f"{MEETING_KINDS.get(subject.attendance or '', '')}{names + ' ' if names else ''}meeting"
        return NEED_SUBJECTS.get(subject.need, subject.need)

    @staticmethod
    def _fellowships(subject: Subject) -> str:
        names = [FELLOWSHIP_NAMES.get(code, code) for code in subject.fellowships]
        return or_words(names) if names else ""

    def clause(self, requirement: Requirement) -> str:
        """A requirement as a gap sentence says it: "allows methadone", "serves veterans" …"""
        code, values = requirement.code, requirement.values
        value = values[0] if values else ""
        if code == "same_day":
            return "starts medication the same day"
        if code == "transfers":
            return "takes transfers from another clinic"
        if code == "allows_medication":
            return f"allows {_medication(value)}"
        if code == "takes_gender":
            return f"takes {_gender(value)}"
        if code == "gender_only":
            return f"is for {_gender(value)} only"
        if code == "children":
            return "takes children"
        if code == "national":
            return "answers anywhere in the country"
        if code == "free_time":
            return "meets in your free time" if self.to_participant else "meets in their free time"
        if code == "offers_any":
            offered = {**WORK_KIND_WORDS, **SUPPLY_WORDS}
            return f"offers {or_words([offered.get(item, item) for item in values])}"
        if code == "must_pay":
            return PAYMENT_CLAUSES.get(value, f"takes {self.vocabulary.label(value)}")
        if code == "must_serve":
            return f"serves {_lower_first(self.vocabulary.label(value))}"
        if code == "must_speak":
            return f"offers services in {LANGUAGE_NAMES.get(value, value)}"
        raise ValueError(f"no words for the requirement {code!r}")

    def chip(self, requirement: Requirement) -> str:
        """A requirement an option meets, as a chip on it: "Allows methadone", "Takes transfers" …"""
        value = requirement.values[0] if requirement.values else ""
        chips = {
            "transfers": "Takes transfers",
            "allows_medication": f"Allows {_medication(value)}",
            "takes_gender": f"Takes {_gender(value)}",
            "children": "Children welcome",
            "national": "Nationwide",
        }
        return chips.get(requirement.code) or self.clause(requirement).capitalize()

    # --- gaps ---------------------------------------------------------------------------------

    def gap_sentence(self, gap: Gap) -> str:
        """ "No recovery housing within 25 miles allows methadone." """
        clauses = [self.clause(requirement) for requirement in gap.requirements]
        within = f"No {self.subject_words(gap.subject)} within {gap.radius:g} miles"
        return within + (f" {' and '.join(clauses)}" if clauses else "") + "."

    @staticmethod
    def gap_suggestion(gap: Gap) -> str:
        if gap.wider_radius is None:
            return f"None in the directory within {gap.searched_to:g} miles either."
        return f"The nearest is {gap.nearest_miles:.0f} miles away: widen to {gap.wider_radius:g} miles?"

    # --- options ------------------------------------------------------------------------------

    def matched(self, option: Option) -> tuple[str, ...]:
        """The need it meets: "Buprenorphine (Suboxone, Sublocade)", "Allows methadone" …"""
        return _unique(
            [self.vocabulary.label(code) for code in option.matched] + [self.chip(met) for met in option.met]
        )

    def fit(self, option: Option) -> tuple[str, ...]:
        """What it matches of the participant's payment, who they are and language: "Medicaid", "In Spanish"."""
        language = [f"In {LANGUAGE_NAMES.get(option.speaks, option.speaks)}"] if option.speaks else []
        return _unique([self.vocabulary.label(code) for code in option.fit] + language)

    def chips(self, option: Option) -> tuple[str, ...]:
        return self.matched(option) + self.fit(option)

    def notes(self, option: Option) -> tuple[str, ...]:
        """How to get in, and first, in the safety section, what this one is for."""
        why = (ROLE_REASONS[option.role],) if option.role else ()
        return why + tuple(self.note(note) for note in option.notes)

    def note(self, note: Note) -> str:
        if note.code == "same_day":
            return "Same-day start"
        if note.code == "walk_in":
            return "Walk-ins welcome"
        if note.code == "beds":
            counted = note.counted
            return f"{note.beds} bed{'s' if note.beds != 1 else ''} free (counted {counted:%b} {counted.day})"
        if note.code == "hybrid":
            return "In person or online"
        if note.code in ("cost", "application"):
            return note.text or ""
        if note.code == "asks_for_id":
            return f"Asks for: {note.text}. Call ahead about other proof"
        if note.code == "asks_for_address":
            return (
                f"Asks for: {note.text}. Call ahead if {'you have' if self.to_participant else 'they have'} no address"
            )
        raise ValueError(f"no words for the note {note.code!r}")

    def timing(self, option: Option, now: dt.datetime) -> str | None:
        """ "Open now", "Next meeting Tue 7:00 PM MT" …; None when the directory does not say."""
        return hit_timing(option.hit, now, self.viewer)

    @staticmethod
    def call_for_timing(option: Option) -> str:
        if option.has_rooms:
            return "Call to ask about a room"
        return "Call for meeting times" if option.is_meeting else "Call for hours"

    def when(self, option: Option, now: dt.datetime) -> str:
        return self.timing(option, now) or self.call_for_timing(option)

    @staticmethod
    def distance(option: Option) -> str:
        """ "2.4 mi" or "By phone or online"."""
        return distance_words(option.hit)

    # --- safety first -------------------------------------------------------------------------

    @staticmethod
    def role(role: str) -> str:
        return ROLE_LABELS.get(role, role)

    def safety_reason(self, safety: SafetyFirst) -> str | None:
        """Why safety comes first: the high-risk moment's reason; None when there is none to give."""
        if safety.reason == OVERDOSE_RISK:
            return AT_RISK_REASON_TO_PARTICIPANT if self.to_participant else AT_RISK_REASON
        return HIGH_RISK_REASONS.get(safety.reason or "")

    # --- the printout -------------------------------------------------------------------------

    @staticmethod
    def print_subtitle(first_name: str, made_at: dt.datetime, place_label: str) -> str:
        """ "Prepared for Ana · Made Nov 17, 2026 · Distances from Denver, CO 80222"."""
        made = f"{made_at:%b} {made_at.day}, {made_at.year}"
        parts = (f"Prepared for {first_name}" if first_name else None, f"Made {made}", f"Distances from {place_label}")
        return " · ".join(part for part in parts if part)
