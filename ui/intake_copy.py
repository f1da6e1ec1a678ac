"""The coach intake's words for people: the steps' names, labels for the answers' codes, and the plan in words.

The planning engine (``navigator.plan``) works in codes and returns structured facts (a gap with
its numbers, a reason code, an option's notes as codes); this is the one place its English
lives (as gettext message ids, in the current language when read), for the screens and the
take-homes alike. ``PlanCopy`` is the ``PlanWords`` the take-home
assembly asks for. Labels of the directory's own need codes come from its vocabulary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from navigator.directory.languages import LANGUAGE_NAMES
from navigator.directory.vocabulary import Vocabulary
from navigator.i18n import N_, Words, _, day_name, language_label, month_day, ngettext, number, short_date
from navigator.plan.answers import MEDICATIONS
from navigator.plan.needs import Requirement, Subject
from navigator.plan.options import Note, Option
from navigator.plan.ranking import Gap, Section
from navigator.plan.safety import OVERDOSE_RISK, SafetyFirst
from navigator.search.schedule import WEEKDAYS
from navigator.search.wording import distance_words, hit_timing

# ---------------------------------------------------------------------------------------------
# The steps, and labels for the answers' choices (marked with N_, translated where they are shown)

STEP_LABELS = Words(
    {
        "safety": N_("Safety first"),
        "place": N_("Where and how"),
        "needs": N_("Needs"),
        "fit": N_("What fits them"),
        "plan": N_("The plan"),
    }
)
DAY_PART_LABELS = Words(
    {
        "morning": N_("Mornings (6 AM–noon)"),
        "afternoon": N_("Afternoons (noon–5 PM)"),
        "evening": N_("Evenings (5–10 PM)"),
        "night": N_("Late nights (10 PM–6 AM)"),
    }
)

NEED_LABELS = Words(
    {
        "medication": N_("Start or continue medication"),
        "treatment": N_("Treatment"),
        "meetings": N_("Meetings and support groups"),
        "housing": N_("Recovery housing"),
        "work": N_("Work and training"),
        "harm_reduction": N_("Harm reduction supplies"),
    }
)
# The Find form's words for the same distances (one set of distances, one set of words).
MEDICATION_STATUS_LABELS = Words(
    {
        "start": N_("Start (or restart) medication"),
        "transfer": N_("Already on it: needs a new place to get it"),
    }
)
FELLOWSHIP_NAMES = Words(
    {
        "aa": N_("AA"),
        "na": N_("NA"),
        "smart": N_("SMART Recovery"),
        "recovery_dharma": N_("Recovery Dharma"),
        "celebrate_recovery": N_("Celebrate Recovery"),
        "secular": N_("secular"),
        "al_anon": N_("Al-Anon"),
        "nar_anon": N_("Nar-Anon"),
    }
)
MEETING_FORMAT_LABELS = Words(
    {
        "either": N_("In person or online"),
        "in_person": N_("In person only"),
        "online": N_("Online only"),
    }
)
HOUSING_TIMING_LABELS = Words({"now": N_("Now"), "soon": N_("Soon")})
HIGH_RISK_MOMENT_LABELS = Words(
    {
        "released": N_("Just released from jail or prison"),
        "detox": N_("Just left detox"),
        "hospital_overdose": N_("Just left a hospital after an overdose"),
    }
)
# In a sentence ("job training or second-chance hiring"); capitalised as a choice's label.
WORK_KIND_WORDS = Words(
    {
        "job_training": N_("job training"),
        "job_placement": N_("job placement"),
        "second_chance": N_("second-chance hiring"),
    }
)
SUPPLY_WORDS = Words(
    {
        "naloxone": N_("naloxone"),
        "fentanyl_test_strips": N_("fentanyl test strips"),
        "syringe_services": N_("syringe services"),
    }
)
MEDICATION_WORDS = Words(
    {"buprenorphine": N_("buprenorphine"), "methadone": N_("methadone"), "naltrexone": N_("naltrexone")}
)
GENDER_WORDS = Words({"women": N_("women"), "men": N_("men")})
HOUSE_FOR_LABELS = Words({"women": N_("Women"), "men": N_("Men"), "not_sure": N_("Anyone")})

# ---------------------------------------------------------------------------------------------
# What each section looks for: its heading, and its subject in a gap sentence

NEED_HEADINGS = Words(
    {
        "housing": N_("Recovery housing"),
        "work": N_("Work and training"),
        "harm_reduction": N_("Harm reduction supplies"),
    }
)
NEED_SUBJECTS = Words(
    {
        "housing": N_("recovery housing"),
        "work": N_("work program"),
        "harm_reduction": N_("harm reduction program"),
    }
)
TREATMENT_SUBJECTS = Words(
    {
        "outpatient": N_("outpatient program"),
        "intensive_outpatient": N_("intensive outpatient program"),
        "residential": N_("residential program"),
        "detox": N_("detox program"),
    }
)
PAYMENT_CLAUSES = Words(
    {
        "free": N_("is free of charge"),
        "sliding_fee": N_("has a sliding fee scale"),
        "self_pay": N_("takes self-pay"),
    }
)

# ---------------------------------------------------------------------------------------------
# Safety first

HIGH_RISK_REASONS = Words(
    {
        "released": N_(
            "Overdose risk is highest in the first weeks after release from jail or prison: "
            "tolerance drops while inside, so a usual amount can stop someone's breathing."
        ),
        "detox": N_(
            "Overdose risk is highest in the first weeks after detox: tolerance drops within days, "
            "so a usual amount can stop someone's breathing."
        ),
        "hospital_overdose": N_(
            "Overdose risk is highest in the weeks after an overdose: the best protection is "
            "naloxone close by, never using alone, and starting medication now."
        ),
    }
)
ROLE_LABELS = Words(
    {
        "crisis_line": N_("Crisis line"),
        "never_alone": N_("Never use alone"),
        "naloxone": N_("Naloxone"),
        "fastest_start": N_("Fastest medication start"),
    }
)
ROLE_REASONS = Words(
    {
        "crisis_line": N_("Call or text any hour, free and confidential."),
        "never_alone": N_("Using alone? Call first: they send help if you stop answering."),
        "naloxone": N_("Naloxone reverses an opioid overdose: get some and keep it close."),
        "fastest_start": N_("Buprenorphine or methadone, started the same day."),
    }
)


def or_words(words: Iterable[str]) -> str:
    """Words joined as people say them: "a", "a or b", "a, b or c"."""
    words = list(words)
    if len(words) == 1:
        return words[0]
    return _("{first} or {last}").format(first=", ".join(words[:-1]), last=words[-1])


def _lower_first(text: str) -> str:
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def _unique(words: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(words))


def _medication(code: str) -> str:
    return MEDICATION_WORDS.get(code, code)


def _gender(code: str) -> str:
    return GENDER_WORDS.get(code, code)


def day_label(day: str) -> str:
    """A weekday code ("mon") as its short name in the current language ("Mon", "Lun")."""
    return day_name(WEEKDAYS.index(day))


class PlanCopy:
    """The plan in words, for one directory (whose vocabulary labels its need codes)."""

    # Properties, not constants: a take-home reads them inside ``use_language`` (the participant's).
    @property
    def message_title(self) -> str:
        return _("Your recovery plan")

    @property
    def message_emergency(self) -> str:
        return _("Emergency: call 911.")

    @property
    def message_more(self) -> str:
        return _("More on your printed plan.")

    @property
    def print_title(self) -> str:
        return _("Recovery plan")

    @property
    def print_footer(self) -> str:
        return _(
            "Made with your recovery coach on Recovery Navigator. Hours and services change: call "
            "before you go. Listings marked Sample are fictional demo data."
        )

    @property
    def safety_heading(self) -> str:
        return _("Safety first")

    @property
    def emergency(self) -> str:
        return _(
            "If someone is in immediate danger, unresponsive or not breathing, call 911. "
            "Give naloxone if you have it, stay with them, and lay them on their side."
        )

    @property
    def naloxone(self) -> str:
        return _(
            "Naloxone (Narcan) reverses an opioid overdose. The nasal spray is sold without a "
            "prescription at most pharmacies, and many programs give it out free."
        )

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
                if medication:
                    return _("A new place to get {medication}").format(medication=medication)
                return (
                    _("A new place to get your medication")
                    if self.to_participant
                    else _("A new place to get their medication")
                )
            if subject.same_day:
                if medication:
                    return _("Start {medication} the same day").format(medication=medication)
                return _("Start medication the same day")
            return _("Start {medication}").format(medication=medication) if medication else _("Start medication")
        if subject.need == "treatment":
            return self.vocabulary.label(subject.level)
        if subject.need == "meetings":
            names = self._fellowships(subject)
            return _("{names} meetings").format(names=names) if names else _("Meetings")
        return NEED_HEADINGS.get(subject.need, subject.need)

    def subject_words(self, subject: Subject) -> str:
        """What was looked for, in "No … within 25 miles": "recovery housing", "detox program" …"""
        medication = _medication(subject.medication) if subject.medication else None
        if subject.need == "medication":
            if subject.transfer and subject.medication == "methadone":
                return _("methadone clinic")
            if not medication and subject.transfer:
                return _("medication provider")
            medication = medication or or_words(map(_medication, MEDICATIONS))
            return _("{medication} provider").format(medication=medication)
        if subject.need == "treatment":
            return TREATMENT_SUBJECTS.get(subject.level, subject.level)
        if subject.need == "meetings":
            names = self._fellowships(subject)
            kinds = {
                "in_person": (_("in-person {names} meeting"), _("in-person meeting")),
                "online": (_("online {names} meeting"), _("online meeting")),
            }
            named, unnamed = kinds.get(subject.attendance or "", (_("{names} meeting"), _("meeting")))
            return named.format(names=names) if names else unnamed
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
            return _("starts medication the same day")
        if code == "transfers":
            return _("takes transfers from another clinic")
        if code == "allows_medication":
            return _("allows {medication}").format(medication=_medication(value))
        if code == "takes_gender":
            return _("takes {people}").format(people=_gender(value))
        if code == "gender_only":
            return _("is for {people} only").format(people=_gender(value))
        if code == "children":
            return _("takes children")
        if code == "national":
            return _("answers anywhere in the country")
        if code == "free_time":
            return _("meets in your free time") if self.to_participant else _("meets in their free time")
        if code == "offers_any":
            offered = {**WORK_KIND_WORDS, **SUPPLY_WORDS}
            return _("offers {things}").format(things=or_words([offered.get(item, item) for item in values]))
        if code == "must_pay":
            if value in PAYMENT_CLAUSES:
                return PAYMENT_CLAUSES[value]
            return _("takes {payment}").format(payment=self.vocabulary.label(value))
        if code == "must_serve":
            return _("serves {people}").format(people=_lower_first(self.vocabulary.label(value)))
        if code == "must_speak":
            return _("offers services in {language}").format(language=language_label(value, LANGUAGE_NAMES))
        raise ValueError(f"no words for the requirement {code!r}")

    def chip(self, requirement: Requirement) -> str:
        """A requirement an option meets, as a chip on it: "Allows methadone", "Takes transfers" …"""
        value = requirement.values[0] if requirement.values else ""
        chips = {
            "transfers": _("Takes transfers"),
            "allows_medication": _("Allows {medication}").format(medication=_medication(value)),
            "takes_gender": _("Takes {people}").format(people=_gender(value)),
            "children": _("Children welcome"),
            "national": _("Nationwide"),
        }
        return chips.get(requirement.code) or self.clause(requirement).capitalize()

    # --- gaps ---------------------------------------------------------------------------------

    def gap_sentence(self, gap: Gap) -> str:
        """ "No recovery housing within 25 miles allows methadone." ("within 1 mile" when walking)"""
        clauses = [self.clause(requirement) for requirement in gap.requirements]
        subject, radius, count = self.subject_words(gap.subject), number(gap.radius), round(gap.radius)
        if not clauses:
            return ngettext("No {subject} within {radius} mile.", "No {subject} within {radius} miles.", count).format(
                subject=subject, radius=radius
            )
        return ngettext(
            "No {subject} within {radius} mile {clauses}.", "No {subject} within {radius} miles {clauses}.", count
        ).format(subject=subject, radius=radius, clauses=_(" and ").join(clauses))

    @staticmethod
    def gap_suggestion(gap: Gap) -> str:
        if gap.wider_radius is None:
            return _("None in the directory within {radius} miles either.").format(radius=number(gap.searched_to))
        # A wider radius is always several miles; the nearest place may be 1 mile away.
        return ngettext(
            "The nearest is {nearest} mile away: widen to {radius} miles?",
            "The nearest is {nearest} miles away: widen to {radius} miles?",
            round(gap.nearest_miles),
        ).format(nearest=number(gap.nearest_miles, 0), radius=number(gap.wider_radius))

    # --- options ------------------------------------------------------------------------------

    def matched(self, option: Option) -> tuple[str, ...]:
        """The need it meets: "Buprenorphine (Suboxone, Sublocade)", "Allows methadone" …"""
        return _unique(
            [self.vocabulary.label(code) for code in option.matched] + [self.chip(met) for met in option.met]
        )

    def fit(self, option: Option) -> tuple[str, ...]:
        """What it matches of the participant's payment, who they are and language: "Medicaid", "In Spanish"."""
        language = (
            [_("In {language}").format(language=language_label(option.speaks, LANGUAGE_NAMES))] if option.speaks else []
        )
        return _unique([self.vocabulary.label(code) for code in option.fit] + language)

    def chips(self, option: Option) -> tuple[str, ...]:
        return self.matched(option) + self.fit(option)

    def notes(self, option: Option) -> tuple[str, ...]:
        """How to get in, and first, in the safety section, what this one is for."""
        why = (ROLE_REASONS[option.role],) if option.role else ()
        return why + tuple(self.note(note) for note in option.notes)

    def note(self, note: Note) -> str:
        if note.code == "same_day":
            return _("Same-day start")
        if note.code == "walk_in":
            return _("Walk-ins welcome")
        if note.code == "beds":
            beds = ngettext("{beds} bed free (counted {date})", "{beds} beds free (counted {date})", note.beds)
            return beds.format(beds=note.beds, date=month_day(note.counted))
        if note.code == "hybrid":
            return _("In person or online")
        if note.code in ("cost", "application"):
            return note.text or ""
        if note.code == "asks_for_id":
            return _("Asks for: {documents}. Call ahead about other proof").format(documents=note.text)
        if note.code == "asks_for_address":
            if self.to_participant:
                return _("Asks for: {documents}. Call ahead if you have no address").format(documents=note.text)
            return _("Asks for: {documents}. Call ahead if they have no address").format(documents=note.text)
        raise ValueError(f"no words for the note {note.code!r}")

    def timing(self, option: Option, now: dt.datetime) -> str | None:
        """ "Open now", "Next meeting Tue 7:00 PM MT" …; None when the directory does not say."""
        return hit_timing(option.hit, now, self.viewer)

    @staticmethod
    def call_for_timing(option: Option) -> str:
        if option.has_rooms:
            return _("Call to ask about a room")
        return _("Call for meeting times") if option.is_meeting else _("Call for hours")

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
            if self.to_participant:  # take-homes speak to the participant, not about them
                return _("Keep these close: they help in an overdose or a crisis, any hour.")
            return _("They may be at risk of overdose: keep these close.")
        return HIGH_RISK_REASONS.get(safety.reason or "")

    # --- the printout -------------------------------------------------------------------------

    @staticmethod
    def print_subtitle(first_name: str, made_at: dt.datetime, place_label: str) -> str:
        """ "Prepared for Ana · Made Nov 17, 2026 · Distances from Denver, CO 80222"."""
        parts = (
            _("Prepared for {name}").format(name=first_name) if first_name else None,
            _("Made {date}").format(date=short_date(made_at.date())),
            _("Distances from {place}").format(place=place_label),
        )
        return " · ".join(part for part in parts if part)
