"""What a participant takes home, as data: each resource's summary in plain words, in sections.

The Find page's shortlist and the coach intake's plan both build "a title, then sections of
resources" from these; ``navigator.formats.printable`` renders them as a page, a PDF or a text.
Every take-home ends with the crisis lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from navigator.directory.index import Directory
from navigator.i18n import N_, Words, _
from navigator.search.engine import Hit
from navigator.search.links import address_text, directions_url, sms_href, tel_href
from navigator.search.wording import distance_words, kind_words, provenance_words, weekly_hours
from navigator.text import safe_url

# Message ids (English); ``crisis_lines()`` and ``crisis_short()`` give them in the current language.
CRISIS_LINES = (
    N_("In crisis? Call or text 988 (Suicide & Crisis Lifeline), any time."),
    N_("SAMHSA National Helpline: 1-800-662-4357 (free, confidential, 24/7, English and Spanish)."),
    N_("Emergency: call 911."),
)
CRISIS_SHORT = N_("In crisis: call or text 988. SAMHSA Helpline 1-800-662-4357. Emergency 911.")
PHONE_TYPE_WORDS = Words(
    {
        "intake": N_("intake"),
        "hotline": N_("hotline"),
        "text": N_("text"),
        "voice": N_("call"),
        "fax": N_("fax"),
        "tty": N_("TTY"),
    }
)


# Said in Spanish whatever the language around it, as US services say it on their doors and flyers.
SPANISH_SPOKEN = "Se habla español"


def crisis_lines() -> tuple[str, ...]:
    """The crisis lines every take-home ends with, in the current language."""
    return tuple(_(line) for line in CRISIS_LINES)


def crisis_short() -> str:
    """The crisis lines in one line (a text message, a PDF page's foot), in the current language."""
    return _(CRISIS_SHORT)


@dataclass(frozen=True)
class Link:
    text: str
    href: str | None = None  # None: plain text


@dataclass(frozen=True)
class PhoneLine:
    number: str
    kind: str  # the phone's type: "voice", "text", "intake", "hotline", "tty", "fax"
    description: str | None = None

    @property
    def href(self) -> str | None:
        return sms_href(self.number) if self.kind == "text" else tel_href(self.number)

    @property
    def label(self) -> str:
        return ", ".join(part for part in (PHONE_TYPE_WORDS.get(self.kind, self.kind), self.description) if part)


@dataclass(frozen=True)
class ResourceSummary:
    """What a person needs to reach one resource, in plain words."""

    id: str
    name: str
    organization: str
    category: str  # plain words
    address: str | None = None
    directions_url: str | None = None
    phones: tuple[PhoneLine, ...] = ()
    website: str | None = None
    join_url: str | None = None  # an online meeting's link
    # Absolute days and times with the zone named ("Tue 7:00 PM–8:00 PM MT"): a take-home is read
    # days later, when "Open now" or "today" would be wrong.
    hours: tuple[str, ...] = ()
    timing: str | None = None  # only what to do when the hours are unknown: "Call for hours"
    is_meeting: bool = False
    chosen: bool = False  # the coach pinned it as the choice
    distance: str | None = None
    matched: tuple[str, ...] = ()  # the needs it was chosen for, in plain words
    how_to_get_in: str | None = None
    verified: str | None = None
    sample: bool = False
    speaks_spanish: bool = False  # marked "Se habla español", in Spanish whatever the take-home's language

    @classmethod
    def from_entry(
        cls,
        directory: Directory,
        entry_id: str,
        hit: Hit | None = None,
        now: dt.datetime | None = None,
        viewer: ZoneInfo | None = None,
    ) -> ResourceSummary:
        """The summary of entry ``entry_id``; ``hit`` adds the distance and the needs it matched;
        ``viewer`` is the reader's time zone (the searched place's), for times in other zones.

        Raises KeyError for an id the directory does not hold.
        """
        row = directory.row_of(entry_id)
        if row is None:
            raise KeyError(f"no entry '{entry_id}' in the directory")
        now = now or dt.datetime.now(dt.UTC)
        entry = directory.entries[row]  # shared and read-only: nothing here changes it
        vocabulary = directory.vocabulary
        location = entry.get("location")
        meeting = entry.get("meeting") or {}
        return cls(
            id=entry_id,
            name=entry["name"],
            organization=entry["organization"],
            category=kind_words(vocabulary, entry),
            address=address_text(location),
            directions_url=directions_url(location),
            phones=tuple(
                PhoneLine(
                    phone["number"],
                    phone.get("type") if phone.get("type") in PHONE_TYPE_WORDS else "voice",
                    phone.get("description"),
                )
                for phone in entry.get("phones") or ()
            ),
            website=safe_url(entry.get("website"), ("http", "https")),
            join_url=safe_url(meeting.get("conference_url"), ("http", "https")),
            hours=tuple(weekly_hours(entry, _zone(directory.timezone_of(row)), viewer, now)),
            is_meeting=entry["category"] == "support_meeting",
            distance=distance_words(hit) if hit else None,
            matched=tuple(vocabulary.label(code) for code in hit.matched) if hit else (),
            how_to_get_in=entry.get("application_process"),
            verified=provenance_words(entry, now.date()),
            sample=bool(entry.get("sample")),
            speaks_spanish="es" in (entry.get("languages") or ()),
        )

    def facts(self) -> list[tuple[str, list[Link]]]:
        """Labelled lines, in the order every renderer shows them."""
        facts: list[tuple[str, list[Link]]] = []
        if self.chosen:
            facts.append((_("Chosen"), [Link(_("Your first choice"))]))
        if self.hours:
            facts.append((_("When") if self.is_meeting else _("Hours"), [Link("; ".join(self.hours))]))
        elif self.timing:
            facts.append((_("When"), [Link(self.timing)]))
        if self.address:
            where = [Link(self.address)]
            if self.directions_url:
                where.append(Link(_("Directions"), self.directions_url))
            facts.append((_("Where"), where))
        if self.distance:
            facts.append((_("Distance"), [Link(self.distance)]))
        for phone in self.phones:
            facts.append(
                (
                    _("Phone"),
                    [
                        Link(phone.number, phone.href),
                        *([Link(f"({phone.label})")] if phone.label else []),
                    ],
                )
            )
        if self.website:
            facts.append((_("Website"), [Link(self.website, self.website)]))
        if self.join_url:
            facts.append((_("Join online"), [Link(self.join_url, self.join_url)]))
        if self.matched:
            facts.append((_("Matches"), [Link(", ".join(self.matched))]))
        if self.how_to_get_in:
            facts.append((_("How to get in"), [Link(self.how_to_get_in)]))
        if self.verified:
            facts.append((_("Verified"), [Link(self.verified)]))
        return facts


def _zone(name: str | None) -> ZoneInfo | None:
    return ZoneInfo(name) if name else None


@dataclass(frozen=True)
class Section:
    heading: str
    note: str | None = None
    resources: Sequence[ResourceSummary] = field(default_factory=tuple)


# ---------------------------------------------------------------------------------------------
# HTML
