"""What an importer hands the shared runner: entries, and every record it skipped or repaired."""

from __future__ import annotations

from dataclasses import dataclass, field


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
