"""The plan taken home: the text message, and the printout's sections for ``formats.printable``.

What goes in (the coach's kept options, safety first, one line per need, what fits in a text) is
decided here; every word comes from the ``PlanWords`` the caller passes in (the UI's copy), so a
take-home says exactly what the screen says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Protocol
from zoneinfo import ZoneInfo

from navigator.directory.index import Directory
from navigator.plan.build import Plan
from navigator.plan.options import Option
from navigator.plan.ranking import Gap, Picks, Section, chosen_options
from navigator.plan.safety import SafetyFirst
from navigator.plan.takehome import ResourceSummary
from navigator.plan.takehome import Section as PrintSection
from navigator.search.wording import residents_words, weekly_hours
from navigator.text import plain_text

TEXT_MESSAGE_LIMIT = 640  # four SMS segments: most phones join them into one message
FIRST_NAME_LIMIT = 40


class PlanWords(Protocol):
    """The words a take-home needs, in the participant's language."""

    message_title: str  # the text message's first line
    message_emergency: str  # its line for someone at risk, before the safety lines
    message_more: str  # its last line when some lines did not fit
    print_title: str
    safety_heading: str
    emergency: str  # what to do in an emergency, after the reason safety comes first

    def heading(self, section: Section) -> str: ...

    def gap_sentence(self, gap: Gap) -> str: ...

    def role(self, role: str) -> str: ...

    def safety_reason(self, safety: SafetyFirst) -> str | None: ...

    def timing(self, option: Option, now: dt.datetime) -> str | None:
        """When it is open (a meeting: meets) next; None when the directory does not say."""

    def call_for_timing(self, option: Option) -> str:
        """What to do when the directory does not say when: call for hours."""

    def chips(self, option: Option) -> tuple[str, ...]: ...

    def notes(self, option: Option) -> tuple[str, ...]: ...

    def print_subtitle(self, first_name: str, made_at: dt.datetime, place_label: str) -> str: ...


# ---------------------------------------------------------------------------------------------
# The text message


def _when(directory: Directory, option: Option, plan: Plan) -> str | None:
    """Its weekly hours as absolute days and times, zone named: "Tue 7:00 PM–8:00 PM MT"."""
    entry = directory.entries[option.hit.row]
    own = directory.timezone_of(option.hit.row)
    lines = weekly_hours(entry, ZoneInfo(own) if own else None, _viewer(plan), plan.made_at)
    return "; ".join(lines) or None


def _viewer(plan: Plan) -> ZoneInfo | None:
    return ZoneInfo(plan.place.timezone) if plan.place.timezone else None


def _message_line(directory: Directory, label: str, option: Option, words: PlanWords, plan: Plan) -> str:
    """ "Naloxone: Elati Street Pharmacy, 303-555-0155" (meetings add when and where).

    A single-gender house says so after its name, as on its card and the printout: "Womens House (Women only)".
    """
    how = option.phone or (option.hit.website or "")
    when = _when(directory, option, plan) if option.is_meeting else None
    when = when or (words.call_for_timing(option) if option.is_meeting else "")
    residents = residents_words(directory.entries[option.hit.row])
    name = f"{option.name} ({residents})" if residents else option.name
    parts = [name, how, when]
    if option.is_meeting and option.address:
        parts.append(option.address.split(",")[0])
    return f"{label}: " + ", ".join(part for part in parts if part)


def text_message(
    directory: Directory,
    plan: Plan,
    words: PlanWords,
    picks: Mapping[str, Picks] | None = None,
    limit: int = TEXT_MESSAGE_LIMIT,
) -> str:
    """The plan short enough to text: the first choice per need, with what to call and when.

    Lines that do not fit within ``limit`` characters are left for the printout, which says so.
    """
    chosen = chosen_options(plan.sections, picks or {})
    lines = [words.message_title]
    candidates = []
    if plan.urgent is not None:
        candidates.append(words.message_emergency)
        # One per kind: the second crisis line can wait for the printout.
        firsts = {option.role: option for option in reversed(plan.urgent.options)}
        candidates += [
            _message_line(directory, words.role(option.role), option, words, plan)
            for option in plan.urgent.options
            if firsts[option.role] is option
        ]
    for section in plan.sections:
        options = chosen.get(section.key) or ()
        if options:
            candidates.append(_message_line(directory, words.heading(section), options[0], words, plan))
    left_out = False
    for line in candidates:
        if len("\n".join([*lines, line, words.message_more])) <= limit:
            lines.append(line)
        else:
            left_out = True
    if left_out:
        lines.append(words.message_more)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The printout


def _summary(
    directory: Directory, option: Option, plan: Plan, words: PlanWords, chosen: bool = False
) -> ResourceSummary:
    summary = ResourceSummary.from_entry(directory, option.id, hit=option.hit, now=plan.made_at, viewer=_viewer(plan))
    why = ((words.role(option.role),) if option.role else ()) + words.chips(option)
    return replace(
        summary,
        matched=why,
        timing=None if summary.hours else words.call_for_timing(option),
        how_to_get_in=" · ".join(words.notes(option)) or None,
        chosen=chosen,
    )


def _pinned(picks: Mapping[str, Picks] | None, key: str) -> frozenset[str]:
    return (picks or {}).get(key, Picks()).pinned


def printout(
    directory: Directory,
    plan: Plan,
    words: PlanWords,
    picks: Mapping[str, Picks] | None = None,
    first_name: str = "",
) -> tuple[str, list[PrintSection], str]:
    """(title, sections, subtitle) for ``printable``: safety first, then each need's kept options.

    ``first_name`` (the only personal detail, typed by the coach) appears in the subtitle only.
    """
    chosen = chosen_options(plan.sections, picks or {})
    sections = []
    if plan.urgent is not None:
        note = " ".join(part for part in (words.safety_reason(plan.urgent), words.emergency) if part)
        sections.append(
            PrintSection(
                words.safety_heading,
                note,
                [_summary(directory, option, plan, words) for option in plan.urgent.options],
            )
        )
    for section in plan.sections:
        gap = plan.gap(section.key)
        sections.append(
            PrintSection(
                words.heading(section),
                words.gap_sentence(gap) if gap else None,
                [
                    _summary(directory, option, plan, words, chosen=option.id in _pinned(picks, section.key))
                    for option in chosen[section.key]
                ],
            )
        )
    name = plain_text(first_name)[:FIRST_NAME_LIMIT]
    return words.print_title, sections, words.print_subtitle(name, plan.made_at, plan.place.label)
