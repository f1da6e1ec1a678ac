"""Merging an import into a directory folder: one YAML file per source, ids stable across runs.

Re-running an import finds each entry by its id and updates it in place, so nothing is
duplicated; an id that an earlier import of the same source wrote to another file (last year's
export) is updated in that file. Every change is reported; entries someone verified by hand are
never overwritten by an import, nor are entries the source has dropped deleted, nor files written
by hand rewritten. Each new or updated entry is checked against the directory schema first, so
what is written always validates. Files are written atomically and only when their text changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from yaml.nodes import SequenceNode

from navigator.directory.filecheck import field_name
from navigator.directory.loader import directory_files
from navigator.directory.schema import check_entry
from navigator.directory.vocabulary import load_vocabulary
from navigator.directory.yamlread import NodeConverter, YamlSyntaxError, compose
from navigator.directory.yamlwrite import dump_entries, write_yaml_atomic
from navigator.files import locked
from navigator.formats import progress
from navigator.formats.batch import ImportBatch, ImportedRecord, UnreadableSource

MAX_LISTED = 20  # entries named one by one before the rest are counted


@dataclass
class ImportOutcome:
    read: int = 0
    imported: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # merged entries whose content changed
    kept: list[str] = field(default_factory=list)  # merged entries left as they were, with reason
    removed: list[str] = field(default_factory=list)  # dropped by the source (refresh only)
    skipped: list[str] = field(default_factory=list)  # "record: reason" lines
    written: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"read {self.read}, imported {len(self.imported)}, merged {len(self.merged)}, skipped {len(self.skipped)}"
        )


def _read_entries(path: Path, data: bytes | None = None) -> list[dict]:
    """The entries of an existing file (its ``data`` when already read), read strictly; raises
    UnreadableSource when it cannot be."""
    try:
        root = compose(path.read_bytes() if data is None else data)
    except OSError as error:
        raise UnreadableSource(f"{path}: cannot be read: {error.strerror or error}") from None
    except YamlSyntaxError as error:
        raise UnreadableSource(
            f"{path}:{error.line}: {error.message}; fix it before importing into it (nothing was written)"
        ) from None
    if root is None:
        return []
    if not isinstance(root, SequenceNode):
        raise UnreadableSource(f"{path}: not a list of entries; fix it before importing into it (nothing was written)")
    entries = NodeConverter().convert(root)
    return [entry for entry in entries if isinstance(entry, dict)]


def _ids_elsewhere(out_dir: Path, target: Path) -> dict[str, Path]:
    """id -> file, for the entries in every other file of the folder."""
    found: dict[str, Path] = {}
    if not out_dir.is_dir():
        return found
    for path in directory_files(out_dir):
        if path.resolve() == target.resolve():
            continue
        try:
            entries = _read_entries(path)
        except UnreadableSource:
            continue  # `validate` reports that file; it holds no ids we could collide with
        for entry in entries:
            if isinstance(entry.get("id"), str):
                found.setdefault(entry["id"], path)
    return found


@dataclass
class _EntryFile:
    """One YAML file being merged into: its entries, and where each id sits."""

    path: Path
    entries: list[dict]
    text: str | None  # as read, to write only what changed
    imported: bool  # written by an import, so it may be rewritten (it holds no hand comments)

    def __post_init__(self):
        self.index = {entry.get("id"): position for position, entry in enumerate(self.entries)}

    @classmethod
    def read(cls, path: Path) -> _EntryFile:
        if not path.exists():
            return cls(path, [], None, True)
        data = path.read_bytes()
        text = data.decode("utf-8", errors="replace")
        return cls(path, _read_entries(path, data), text, text.startswith(HEADER_START))

    def add(self, entry: dict) -> None:
        self.index[entry["id"]] = len(self.entries)
        self.entries.append(entry)

    def remove(self, ids: list[str]) -> None:
        dropped = set(ids)
        self.entries = [entry for entry in self.entries if entry.get("id") not in dropped]
        self.__post_init__()
        self.emptied = bool(dropped) and not self.entries

    emptied = False

    def write(self, batch: ImportBatch) -> bool:
        text = dump_entries(self.entries, header=_header(batch))
        if self.emptied and self.text is not None:
            write_yaml_atomic(self.path, text)  # the source lists nothing any more
            return True
        if not self.entries or text == self.text:
            return False
        write_yaml_atomic(self.path, text)
        return True


# When the source vouched changes on every fetch of a live feed: not a change to the listing.
_NOT_CHANGES = frozenset({"last_verified", "listed_as_of"})


def _changed_fields(old: dict, new: dict) -> list[str]:
    keys = [key for key in dict.fromkeys([*new, *old]) if key not in _NOT_CHANGES]
    return [key for key in keys if old.get(key) != new.get(key)]


HEADER_START = "# Imported by `python -m navigator import`"


def _header(batch: ImportBatch) -> str:
    return (
        f"{HEADER_START[2:]} from a {batch.source} source.\n"
        "Re-running the import updates these entries in place (matched by id); entries verified "
        "by hand\n(verified_how other than import) are left as they are. "
        "Comments here are not kept."
    )


def run_import(
    batch: ImportBatch,
    out_dir: Path | str,
    today: dt.date | None = None,
    say: Callable[[str], None] = print,
    remove_gone: bool = False,
) -> ImportOutcome:
    """Merge ``batch`` into ``out_dir``/<target>.yaml, report every decision through ``say``.

    ``remove_gone`` (a refresh of a source that lists everything it has): entries of the target
    file the source no longer lists are removed, unless a person verified them since."""
    today = today or dt.date.today()
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UnreadableSource(f"{out_dir}: --out must be a folder")
    target = out_dir / f"{batch.target}.yaml"
    vocabulary = load_vocabulary(out_dir)
    outcome = ImportOutcome(read=batch.read)
    for note in batch.notes:
        say(f"note: {note}")
    if batch.provenance is not None:
        listed = batch.provenance
        when = listed.listed_as_of.isoformat() if listed.listed_as_of else "no date (the source gives none)"
        say(f"note: listed as of {when}" + (f": {listed.how}" if listed.how else ""))
        batch.records = [ImportedRecord(record.record, listed.stamp(record.entry)) for record in batch.records]
    for skipped in batch.skipped:
        outcome.skipped.append(str(skipped))
    for repaired in batch.repaired:
        say(f"repaired {repaired}")

    if batch.records or target.exists():
        out_dir.mkdir(parents=True, exist_ok=True)
        # A hidden lock file: the folder's YAML files stay the only visible ones.
        with locked(out_dir / f".{batch.target}.yaml"):
            _merge_into(target, batch, vocabulary, today, outcome, say, remove_gone)
    for line in outcome.skipped:
        say(f"skipped {line}")
    say(outcome.summary())
    return outcome


def _merge_into(
    target: Path,
    batch: ImportBatch,
    vocabulary,
    today: dt.date,
    outcome: ImportOutcome,
    say: Callable[[str], None],
    remove_gone: bool = False,
) -> None:
    """Merge into ``target``; an id another imported file of the same source holds (an older
    export of the same locator) is updated where it is, so no entry is ever doubled."""
    main_file = _EntryFile.read(target)
    elsewhere = _ids_elsewhere(target.parent, target)
    other_files: dict[Path, _EntryFile] = {}
    seen_in_batch: dict[str, str] = {}
    progress.phase("entries checked", len(batch.records))
    for record in batch.records:
        progress.advance()
        entry = record.entry
        entry_id = entry["id"]
        if entry_id in seen_in_batch:
            outcome.skipped.append(f"{record.record}: same id '{entry_id}' as {seen_in_batch[entry_id]}")
            continue
        seen_in_batch[entry_id] = record.record
        home = main_file
        if entry_id in elsewhere:
            if elsewhere[entry_id] not in other_files:
                other_files[elsewhere[entry_id]] = _EntryFile.read(elsewhere[entry_id])
            home = other_files[elsewhere[entry_id]]
            if not home.imported or home.entries[home.index[entry_id]].get("source") != batch.source:
                name = home.path.relative_to(target.parent).as_posix()
                outcome.skipped.append(
                    f"{record.record}: id '{entry_id}' is already used in {name}: not imported twice"
                )
                continue
        problems, _ = check_entry(entry, vocabulary, today)
        if problems:
            reasons = "; ".join(f"{field_name(path) or 'entry'}: {message}" for path, message in problems)
            outcome.skipped.append(f"{record.record}: {reasons}")
            continue
        index = home.index.get(entry_id)
        if index is None:
            main_file.add(entry)
            outcome.imported.append(entry_id)
            continue
        outcome.merged.append(entry_id)
        home.entries[index] = _merge(home.entries[index], entry, batch, record.record, outcome, say)
    gone = [entry.get("id") for entry in main_file.entries if entry.get("id") not in seen_in_batch]
    if gone and remove_gone:
        by_hand = {entry.get("id") for entry in main_file.entries if entry.get("verified_how") not in (None, "import")}
        outcome.removed = [entry_id for entry_id in gone if entry_id not in by_hand]
        main_file.remove(outcome.removed)
        for entry_id in outcome.removed:
            say(f"removed {entry_id}: the source no longer lists it")
        gone = [entry_id for entry_id in gone if entry_id in by_hand]
    if gone:
        listed = ", ".join(str(entry_id) for entry_id in gone[:MAX_LISTED])
        more = f" and {len(gone) - MAX_LISTED} more" if len(gone) > MAX_LISTED else ""
        say(f"kept {len(gone)} entries of {target.name} the source no longer has: {listed}{more}")
    for entry_file in (main_file, *other_files.values()):
        if entry_file.write(batch):
            outcome.written.append(entry_file.path)


def _merge(
    old: dict,
    new: dict,
    batch: ImportBatch,
    record: str,
    outcome: ImportOutcome,
    say: Callable[[str], None],
) -> dict:
    """The entry to keep when ``new`` comes in for the existing ``old``; reports what it decided."""
    entry_id = new["id"]
    changed = _changed_fields(old, _with_local_fields(old, new, batch))
    how = old.get("verified_how")
    if how not in (None, "import"):
        if changed:
            outcome.kept.append(entry_id)
            say(
                f"kept {entry_id}: verified by {how} on {old.get('last_verified')}; the source "
                f"differs in {', '.join(changed)} but does not overwrite a hand-verified entry"
            )
        return old
    if new.get("last_verified") and str(new["last_verified"]) < str(old.get("last_verified") or ""):
        if changed:
            outcome.kept.append(entry_id)
            say(
                f"kept {entry_id}: the source is dated {new.get('last_verified')}, older than the "
                f"entry ({old.get('last_verified')}); it differs in {', '.join(changed)}"
            )
        return old
    merged = _with_local_fields(old, new, batch)
    if changed:
        outcome.updated.append(entry_id)
        say(f"updated {entry_id} ({record}): {', '.join(changed)}")
    return merged


def _with_local_fields(old: dict, new: dict, batch: ImportBatch) -> dict:
    """``new``, plus the fields of ``old`` this importer never writes (added by a person)."""
    merged = dict(new)
    for key, value in old.items():
        if key not in merged and key not in batch.fields:
            merged[key] = value
    return merged
