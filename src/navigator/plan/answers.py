"""What the coach asks in an intake, as codes: the answers a plan is built from and their vocabularies.

Every choice here is a code; the words a coach reads for each (labels, sentences) belong to the
UI (``ui/intake_copy.py``). Need codes of the directory's own vocabulary (``buprenorphine``,
``medicaid``, ``women`` …) are used as they are.

Privacy: an ``IntakeAnswers`` lives only in the caller's memory. Nothing in this package writes,
logs or caches it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from navigator.search.share import RADIUS_CHOICES

# The needs a plan can cover, in the order its sections come.
NEEDS = ("medication", "treatment", "meetings", "housing", "work", "harm_reduction")
# How they get around -> how far a daily trip may go, in miles: the Find form's distances, so a
# coach gets the same reach whichever page they plan on.
TRAVEL_RADII = {travel: RADIUS_CHOICES[travel][1] for travel in ("walk", "transit", "drive")}
MEDICATIONS = ("buprenorphine", "methadone", "naltrexone")
MEDICATION_STATUSES = ("start", "transfer")  # start (or restart) / already on it, needs a new place
TREATMENT_LEVELS = ("outpatient", "intensive_outpatient", "residential", "detox")
STAY_LEVELS = ("residential", "detox")  # levels of care one stays at, worth a longer trip
FELLOWSHIPS = ("aa", "na", "smart", "recovery_dharma", "celebrate_recovery", "secular", "al_anon", "nar_anon")
MEETING_FORMATS = ("either", "in_person", "online")
WORK_KINDS = ("job_training", "job_placement", "second_chance")
SUPPLIES = ("naloxone", "fentanyl_test_strips", "syringe_services")
HOUSING_TIMINGS = ("now", "soon")
HOUSING_GENDERS = ("women", "men")
# "Who they are" choices: the served groups a coach asks about (``adults`` says nothing).
IDENTITIES = (
    "women",
    "men",
    "pregnant_postpartum",
    "veterans",
    "justice_involved",
    "lgbtq",
    "youth",
    "seniors",
    "deaf_hard_of_hearing",
)
# Moments right after which overdose risk is highest (tolerance has dropped).
HIGH_RISK_MOMENTS = ("released", "detox", "hospital_overdose")
LANGUAGE_REQUIRED = "language"  # in ``must_have``: the language is a must, not a preference


@dataclass(frozen=True)
class FreeTime:
    """Days and hours the participant is free, on their own clock (the searched place's zone)."""

    days: tuple[str, ...]  # mon … sun
    start: dt.time
    end: dt.time  # at or before ``start``: runs past midnight


@dataclass(frozen=True)
class IntakeAnswers:
    """What the coach entered. Held in memory only: never written, logged, cached or in a URL."""

    in_danger: bool = False
    overdose_risk: bool = False
    high_risk_moment: str | None = None  # one of HIGH_RISK_MOMENTS
    near: str = ""  # ZIP, "City, ST" or "LAT,LON"
    travel: str = "transit"  # a key of TRAVEL_RADII
    remote_ok: bool = True  # can join online or by phone
    needs: tuple[str, ...] = ()  # of NEEDS
    medication: str | None = None  # one of MEDICATIONS; None: not sure yet
    medication_status: str = "start"  # one of MEDICATION_STATUSES
    same_day: bool = False
    treatment_levels: tuple[str, ...] = ()  # of TREATMENT_LEVELS
    fellowships: tuple[str, ...] = ()  # of FELLOWSHIPS; empty: any meeting
    meeting_format: str = "either"  # one of MEETING_FORMATS
    housing_timing: str = "now"  # one of HOUSING_TIMINGS
    housing_medication: str | None = None  # the house must allow this medication
    housing_for: str | None = None  # one of HOUSING_GENDERS: the house must take them
    housing_single_gender: bool = False  # and be a women's (men's) house only
    housing_children: bool = False
    work: tuple[str, ...] = ()  # of WORK_KINDS
    supplies: tuple[str, ...] = ()  # of SUPPLIES
    payment: tuple[str, ...] = ()  # payment codes
    language: str | None = None  # ISO 639-1
    identities: tuple[str, ...] = ()  # served-group codes
    must_have: tuple[str, ...] = ()  # payment/serves codes that must hold, or LANGUAGE_REQUIRED
    free_times: tuple[FreeTime, ...] = ()
    no_id: bool = False
    no_address: bool = False
    # Section key -> the radius the coach widened it to.
    widened: Mapping[str, float] = field(default_factory=dict)

    @property
    def at_risk(self) -> bool:
        return self.in_danger or self.overdose_risk or self.high_risk_moment is not None

    @property
    def radius(self) -> float:
        return TRAVEL_RADII.get(self.travel, TRAVEL_RADII["transit"])
