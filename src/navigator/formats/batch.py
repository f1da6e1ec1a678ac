"""What an importer hands the shared runner: entries, every record it skipped or repaired, and
when the source vouched for them (``Provenance``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from navigator.directory.schema import UNDATED

# How a source vouches for its listings (an entry's ``listed_from``).
FEED = "feed"  # a live feed or API the source maintains: listed as of the time it was fetched
EXPORT = "export"  # a static export or package: listed as of the export's own date


class UnreadableSource(Exception):
    """The source cannot be read at all (not JSON, not a CSV, required columns missing).

    The message is one line naming the file and what is wrong; nothing is written.
    """


@dataclass(frozen=True)
class RecordNote:
    record: str  # how a person finds the record in the source: "row 114 (ID 2245CA92056)"
    reason: str

    def __str__(self) -> str:
        return f"{self.record}: {self.reason}"


@dataclass(frozen=True)
class Provenance:
    """When the source last vouched for its listings: ``listed_as_of`` (None: the source gives no
    date, and the entries say so) and ``listed_from`` (FEED or EXPORT). Never the import's day
    for an export: a 2019 package stays a 2019 package."""

    listed_as_of: dt.date | None
    listed_from: str
    how: str = ""  # said once per import: "fetched 2026-12-01 14:03 UTC", "the package's metadata"

    def stamp(self, entry: dict) -> dict:
        """``entry`` with its provenance fields: ``last_verified`` is the listed-as-of date (what
        staleness and ranking judge); the row's own last edit stays in ``last_changed``."""
        stamped = {key: value for key, value in entry.items() if key not in ("last_verified", "listed_as_of")}
        if self.listed_as_of is not None:
            stamped["last_verified"] = self.listed_as_of.isoformat()
            stamped["listed_as_of"] = self.listed_as_of.isoformat()
        else:
            stamped["listed_as_of"] = UNDATED
        stamped["listed_from"] = self.listed_from
        stamped["verified_how"] = "import"
        return stamped


@dataclass(frozen=True)
class ImportedRecord:
    record: str
    entry: dict


@dataclass
class ImportBatch:
    """One source, converted. ``read`` counts its records; each is imported or skipped."""

    source: str  # the entries' `source`: samhsa | hsds | meeting_guide
    target: str  # the output file's name under --out, without .yaml
    read: int = 0
    records: list[ImportedRecord] = field(default_factory=list)
    skipped: list[RecordNote] = field(default_factory=list)
    repaired: list[RecordNote] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # about the source as a whole
    # When the source vouched for its listings; None keeps each entry's own last_verified (an
    # importer that has not said).
    provenance: Provenance | None = None
    # The top-level entry fields this importer writes; a re-import keeps any other field a
    # person added to an imported entry.
    fields: frozenset[str] = frozenset()

    @property
    def entries(self) -> list[dict]:
        return [record.entry for record in self.records]

    def add(self, record: str, entry: dict) -> None:
        self.records.append(ImportedRecord(record, entry))

    def skip(self, record: str, reason: str) -> None:
        """Skip ``record``; repairs noted for it before no longer matter and are dropped."""
        self.repaired = [note for note in self.repaired if note.record != record]
        self.skipped.append(RecordNote(record, reason))

    def repair(self, record: str, reason: str) -> None:
        self.repaired.append(RecordNote(record, reason))
