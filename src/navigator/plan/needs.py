"""From answers to searches: one ``NeedSpec`` per need the participant named, and their ``Fit``.

A spec says which need codes to search for (alternatives, any one of which will do), how far,
and the rules the index has no code for (a house's policy for one medication). Its ``Subject``
and ``Requirement``s say, as codes, what it looks for; the UI turns them into a section heading
and, when nothing is found, a gap sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from navigator.directory.index import Directory
from navigator.plan.answers import (
    LANGUAGE_REQUIRED,
    MEDICATIONS,
    NEEDS,
    STAY_LEVELS,
    WORK_KINDS,
    FreeTime,
    IntakeAnswers,
)

# Somewhere to live (or stay for a while) is worth a longer trip than a daily appointment.
STAY_RADIUS = 25.0


@dataclass(frozen=True)
class Subject:
    """What a section looks for, as codes: the UI words its heading and its gap sentence from this."""

    need: str  # one of NEEDS
    medication: str | None = None  # medication: the one asked for; None: any of MEDICATIONS
    transfer: bool = False  # medication: a new place for a medication they already take
    same_day: bool = False  # medication: started the same day
    level: str | None = None  # treatment: the level of care
    fellowships: tuple[str, ...] = ()  # meetings: the ones they like; empty: any
    attendance: str | None = None  # meetings: "in_person" or "online"; None: either


@dataclass(frozen=True)
class Requirement:
    """One thing a search requires besides its need's own codes, as a code the UI words.

    ``code`` is one of: ``same_day``, ``transfers``, ``allows_medication`` (values: the
    medication), ``takes_gender`` and ``gender_only`` (the gender), ``children``, ``national``,
    ``free_time``, ``offers_any`` (the work kinds or supplies), and the participant's must-haves
    ``must_pay`` / ``must_serve`` (the code) and ``must_speak`` (the language).
    """

    code: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Condition:
    """A rule the index has no code for, checked on each hit's entry."""

    requirement: Requirement
    test: Callable[[dict], bool]


@dataclass(frozen=True)
class NeedSpec:
    key: str  # the section's stable name, e.g. "housing", "treatment-detox"
    alternatives: tuple[tuple[str, ...], ...]  # need codes: every code of one alternative must hold
    radius: float
    subject: Subject | None = None  # None: a safety-first search, which has no section of its own
    requirements: tuple[Requirement, ...] = ()  # what the alternatives require, for gap sentences
    wanted: tuple[str, ...] = ()  # codes that rank higher (several of the participant's choices)
    conditions: tuple[Condition, ...] = ()
    categories: tuple[str, ...] = ()
    include_remote: bool = True
    payment_applies: bool = True
    free_times: tuple[FreeTime, ...] = ()  # meetings: only those starting in these
    beds_first: bool = False


@dataclass(frozen=True)
class Fit:
    """The participant's payment, language and who they are: must-haves narrow, the rest ranks."""

    must: tuple[str, ...]
    prefer: tuple[str, ...]
    language: str | None
    language_required: bool
    requirements: tuple[Requirement, ...]  # the must-haves, for gap sentences


def fit_for(directory: Directory, answers: IntakeAnswers, payment_applies: bool) -> Fit:
    vocabulary = directory.vocabulary
    # Payment is no question for meetings, work programs or harm reduction (nearly all free).
    must = tuple(
        code
        for code in answers.must_have
        if code != LANGUAGE_REQUIRED and (payment_applies or vocabulary.field_of(code) != "payment")
    )
    payments = answers.payment if payment_applies else ()
    prefer = tuple(code for code in (*payments, *answers.identities) if code not in must)
    requirements = [
        Requirement("must_pay" if vocabulary.field_of(code) == "payment" else "must_serve", (code,)) for code in must
    ]
    required = bool(answers.language) and LANGUAGE_REQUIRED in answers.must_have
    if required:
        requirements.append(Requirement("must_speak", (answers.language,)))
    return Fit(must, prefer, answers.language, required, tuple(requirements))


def spec_radius(answers: IntakeAnswers, key: str, base: float) -> float:
    """How far a section searches: ``base``, or as far as the coach widened it."""
    return float(answers.widened.get(key, base))


def need_specs(answers: IntakeAnswers) -> list[NeedSpec]:
    """One search plan per need the participant named, in the order of NEEDS."""
    radius = answers.radius
    stay_radius = max(radius, STAY_RADIUS)
    specs: list[NeedSpec] = []
    for need in (need for need in NEEDS if need in answers.needs):
        if need == "medication":
            specs.append(_medication_spec(answers, radius))
        elif need == "treatment":
            for level in answers.treatment_levels or ("outpatient",):
                base = stay_radius if level in STAY_LEVELS else radius
                key = f"treatment-{level}"
                specs.append(
                    NeedSpec(
                        key,
                        ((level,),),
                        spec_radius(answers, key, base),
                        subject=Subject("treatment", level=level),
                        include_remote=answers.remote_ok,
                    )
                )
        elif need == "meetings":
            specs.append(_meetings_spec(answers, radius))
        elif need == "housing":
            specs.append(_housing_spec(answers, stay_radius))
        elif need == "work":
            specs.append(_any_of_spec("work", answers.work or WORK_KINDS, answers, radius))
        elif need == "harm_reduction":
            specs.append(_any_of_spec("harm_reduction", answers.supplies or ("naloxone",), answers, radius))
    return specs


def _any_of_spec(need: str, codes: tuple[str, ...], answers: IntakeAnswers, radius: float) -> NeedSpec:
    """Work kinds or supplies: any one will do, and places offering more of them rank higher."""
    return NeedSpec(
        need,
        tuple((code,) for code in codes),
        spec_radius(answers, need, radius),
        subject=Subject(need),
        requirements=(Requirement("offers_any", codes),),
        wanted=codes if len(codes) > 1 else (),
        payment_applies=False,
        include_remote=answers.remote_ok,
    )


def _medication_spec(answers: IntakeAnswers, radius: float) -> NeedSpec:
    medication = answers.medication
    medications = (medication,) if medication else MEDICATIONS
    transfer = answers.medication_status == "transfer"
    same_day = ("same_day",) if answers.same_day and answers.medication_status == "start" else ()
    conditions: tuple[Condition, ...] = ()
    if transfer:
        # A methadone dose comes from an opioid treatment program; a transfer must be accepted.
        alternatives = tuple((code, "otp") if code == "methadone" else (code,) for code in medications)
        conditions = (
            Condition(
                Requirement("transfers"),
                lambda entry: (entry.get("moud") or {}).get("accepts_transfers") is True,
            ),
        )
    else:
        alternatives = tuple((code, *same_day) for code in medications)
    return NeedSpec(
        "medication",
        alternatives,
        spec_radius(answers, "medication", radius),
        subject=Subject("medication", medication=medication, transfer=transfer, same_day=bool(same_day)),
        requirements=(Requirement("same_day"),) if same_day else (),
        conditions=conditions,
        include_remote=answers.remote_ok,
    )


def _meetings_spec(answers: IntakeAnswers, radius: float) -> NeedSpec:
    attendance = {"in_person": ("in_person",), "online": ("online",)}.get(answers.meeting_format, ())
    if not answers.remote_ok:
        attendance = ("in_person",)
    fellowships = answers.fellowships
    alternatives = tuple(("meeting", code, *attendance) for code in fellowships) or (("meeting", *attendance),)
    return NeedSpec(
        "meetings",
        alternatives,
        spec_radius(answers, "meetings", radius),
        subject=Subject("meetings", fellowships=fellowships, attendance=attendance[0] if attendance else None),
        requirements=(Requirement("free_time"),) if answers.free_times else (),
        payment_applies=False,
        include_remote=answers.remote_ok,
        free_times=answers.free_times,
    )


def _housing_policy(medication: str) -> Condition:
    return Condition(
        Requirement("allows_medication", (medication,)),
        lambda entry: ((entry.get("housing") or {}).get("medication_policy") or {}).get(medication) == "allowed",
    )


def _housing_spec(answers: IntakeAnswers, radius: float) -> NeedSpec:
    conditions = []
    if answers.housing_medication:
        conditions.append(_housing_policy(answers.housing_medication))
    gender = answers.housing_for
    codes: tuple[str, ...] = ("recovery_housing",)
    requirements = []
    if gender and answers.housing_single_gender:
        codes += (gender,)
        requirements.append(Requirement("gender_only", (gender,)))
    elif gender:
        conditions.append(
            Condition(
                Requirement("takes_gender", (gender,)),
                lambda entry: (entry.get("housing") or {}).get("gender") in (gender, "any", None),
            )
        )
    if answers.housing_children:
        conditions.append(
            Condition(Requirement("children"), lambda entry: (entry.get("housing") or {}).get("children") is True)
        )
    return NeedSpec(
        "housing",
        (codes,),
        spec_radius(answers, "housing", radius),
        subject=Subject("housing"),
        requirements=tuple(requirements),
        conditions=tuple(conditions),
        include_remote=False,
        beds_first=answers.housing_timing == "now",
    )
