"""The coach intake's plan: a participant's answers turned into ranked options per need, and gaps.

``build_plan(directory, answers, now)`` takes each need's search plan (``needs``), collects and
ranks its candidates (``ranking``) as options (``options``), names every gap with the radius that
would fill it, and, for someone at risk, puts safety first (``safety``). The take-homes are
assembled from the result in ``takehome_plan``.

Privacy: the answers live only in the caller's memory. Nothing here writes, logs or caches them,
and places are resolved offline (ZIP, "City, ST"), so no typed text leaves the process.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from navigator.directory.index import Directory
from navigator.plan.answers import IntakeAnswers
from navigator.plan.needs import fit_for, need_specs
from navigator.plan.options import option_for
from navigator.plan.ranking import CANDIDATES, Gap, Section, aware, collect, find_gap
from navigator.plan.safety import SafetyFirst, safety_first
from navigator.search.places import Place, resolve_place


@dataclass(frozen=True)
class Plan:
    place: Place
    made_at: dt.datetime
    urgent: SafetyFirst | None
    sections: tuple[Section, ...]
    gaps: tuple[Gap, ...]

    def section(self, key: str) -> Section | None:
        return next((section for section in self.sections if section.key == key), None)

    def gap(self, key: str) -> Gap | None:
        return next((gap for gap in self.gaps if gap.key == key), None)


def build_plan(
    directory: Directory,
    answers: IntakeAnswers,
    now: dt.datetime | None = None,
    place: Place | None = None,
) -> Plan:
    """The plan for ``answers``; raises PlaceNotFound for an ``answers.near`` not placed offline."""
    place = place or resolve_place(answers.near)
    now = aware(now, place)
    sections, gaps = [], []
    for spec in need_specs(answers):
        fit = fit_for(directory, answers, spec.payment_applies)
        found = collect(directory, place, spec, fit, now, spec.radius, CANDIDATES)
        options = tuple(option_for(directory, item.hit, item.speaks, spec, fit, answers, place) for item in found)
        sections.append(Section(spec.key, spec.subject, options, spec.radius))
        if not options:
            gaps.append(find_gap(directory, place, spec, fit, now))
    return Plan(place, now, safety_first(directory, answers, place, now), tuple(sections), tuple(gaps))
