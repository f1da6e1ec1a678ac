"""Safety first: what comes before anything else for someone at risk of overdose or in danger.

Crisis lines, a never-use-alone line and the nearest naloxone; right after a high-risk moment
(release, detox, an overdose) naloxone leads and the fastest same-day medication start joins
them. The result holds codes (why, and each option's role); the UI words them.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from navigator.directory.index import Directory
from navigator.plan.answers import HIGH_RISK_MOMENTS, IntakeAnswers
from navigator.plan.needs import STAY_RADIUS, Condition, Fit, NeedSpec, Requirement, spec_radius
from navigator.plan.options import Option, option_for
from navigator.plan.ranking import aware, collect
from navigator.search.places import Place

# What each safety option is for, in the order they come when no high-risk moment was named.
ROLES = ("crisis_line", "naloxone", "never_alone", "fastest_start")
# Fictional (sample) entries never stand in for crisis or overdose help: these roles take real
# entries only, and stay empty rather than offer a made-up line or naloxone source.
REAL_ONLY_ROLES = ("crisis_line", "naloxone", "never_alone")
OVERDOSE_RISK = "overdose_risk"  # a reason: at risk of overdose, with no high-risk moment named
# Where no place was given (the first step): remote services only, national ones.
NATIONWIDE = Place(math.nan, math.nan, "anywhere in the United States")

_NATIONAL_LINE = Condition(
    Requirement("national"),
    lambda entry: not entry.get("location") and "national" in (entry.get("service_area") or ()),
)


@dataclass(frozen=True)
class SafetyFirst:
    # Why these come first: one of HIGH_RISK_MOMENTS, OVERDOSE_RISK, or None (in danger: no "why").
    reason: str | None
    options: tuple[Option, ...]  # each with its ``role``, one of ROLES


def safety_first(
    directory: Directory,
    answers: IntakeAnswers,
    place: Place | None = None,
    now: dt.datetime | None = None,
) -> SafetyFirst | None:
    """What comes before anything else for someone at risk; None when step 1 said no risk.

    Without a place (the first step) only national lines and services come back.
    """
    if not answers.at_risk:
        return None
    place = place or NATIONWIDE
    now = aware(now, place)
    fit = Fit((), tuple(answers.identities), None, False, ())
    local_radius = max(answers.radius, STAY_RADIUS)

    def pick(spec: NeedSpec, want: int, role: str, order: str = "rank") -> list[Option]:
        found = collect(directory, place, spec, fit, now, spec.radius, want, order)
        if role in REAL_ONLY_ROLES:  # the search ranks real ones first, so only sample ones drop
            found = [item for item in found if not item.hit.sample]
        return [option_for(directory, item.hit, item.speaks, spec, fit, answers, place, role) for item in found]

    crisis_lines = pick(
        NeedSpec(
            "crisis",
            (("crisis",),),
            local_radius,
            conditions=(_NATIONAL_LINE,),
            categories=("crisis_line",),
        ),
        2,
        "crisis_line",
    )
    never_alone = pick(
        NeedSpec(
            "never-alone",
            (("crisis",),),
            local_radius,
            conditions=(_NATIONAL_LINE,),
            categories=("harm_reduction",),
        ),
        1,
        "never_alone",
    )
    naloxone = pick(NeedSpec("naloxone", (("naloxone",),), local_radius), 1, "naloxone")
    moment = answers.high_risk_moment
    if moment in HIGH_RISK_MOMENTS:
        fastest = pick(
            NeedSpec(
                "fastest-start",
                (("buprenorphine", "same_day"), ("methadone", "same_day")),
                spec_radius(answers, "medication", answers.radius),
                include_remote=answers.remote_ok,
            ),
            1,
            "fastest_start",
            order="soonest",
        )
        reason = moment
        ordered = naloxone + never_alone + fastest + crisis_lines
    else:
        reason = OVERDOSE_RISK if answers.overdose_risk else None
        ordered = crisis_lines + naloxone + never_alone
    unique = tuple({option.id: option for option in reversed(ordered)}.values())[::-1]
    return SafetyFirst(reason, unique)
