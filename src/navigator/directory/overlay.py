"""Approved changes held in the database, applied to the YAML files' text: what every server serves,
and what ``publish`` writes.

With several servers, an approval does not touch any server's files: it is a numbered change (the
whole entry before and after) in the shared store. Each server applies the changes to the text of
the files they touch, with the same line-preserving edits an approval on files makes
(``yamledit``), and loads those texts in place of the files (``loader.load_directory``'s
``overrides``): only the touched files are read and checked again. ``publish`` writes the same texts
into the files.

A change not yet published is always applied. A published one is in the files of any checkout made
since, so it is applied only where the entry still reads as it did before the change (a server whose
files predate the publish); once the files hold it, or a person has edited that entry since, the
files win. So no change is ever applied twice, and the YAML stays the source of truth.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from navigator.directory.yamledit import EditError, append_entry, entries_by_id, replace_entry, without_nulls


@dataclass(frozen=True)
class EntryChange:
    """One approved change: the entry ``before`` (None: a new listing) and ``after``, in ``file``
    (relative to the directory)."""

    revision: int
    entry_id: str
    file: str
    before: dict | None
    after: dict
    published: bool = False


@dataclass
class Overlay:
    """The touched files' new texts (by path relative to the directory), the revisions applied, and
    the ones left out with the reason (already in the files, edited since, entry gone, cannot edit)."""

    texts: dict[str, str] = field(default_factory=dict)
    applied: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def encoded(self) -> dict[str, bytes]:
        return {name: text.encode("utf-8") for name, text in self.texts.items()}


def _same(one: dict | None, other: dict | None) -> bool:
    return without_nulls(one) == without_nulls(other)


def _decide(current: dict | None, change: EntryChange) -> str:
    """Why ``change`` is not applied to the entry as it is (``current``; None: absent), or ""."""
    if change.published and not (
        (change.before is None and current is None) or (change.before is not None and _same(current, change.before))
    ):
        return "already in the files" if _same(current, change.after) else "edited in the files since"
    if current is None and change.before is not None:
        return "the entry is not in the file"
    if current is not None and _same(current, change.after):
        return "already in the files"
    return ""


def _edit(text: str, entry_id: str, was: dict | None, entry: dict) -> str:
    return append_entry(text, entry) if was is None else replace_entry(text, entry_id, entry)


def overlay(directory: Path | str, changes: Iterable[EntryChange], texts: dict[str, str] | None = None) -> Overlay:
    """The texts of the files ``changes`` touch with them applied, in revision order (``texts``:
    texts to start from instead of the files on disk).

    Each change is judged against its entry as the changes before it left it, in memory; then each
    entry's file text is edited once, so many changes to one file cost one edit per entry.
    """
    directory = Path(directory)
    result = Overlay(texts=dict(texts or {}))
    by_file: dict[str, dict[str, list[EntryChange]]] = {}
    for change in sorted(changes, key=lambda change: change.revision):
        if Path(change.file).is_absolute() or ".." in Path(change.file).parts or not change.file.endswith(".yaml"):
            result.skipped.append((change.revision, "not a file of the directory"))
            continue
        by_file.setdefault(change.file, {}).setdefault(change.entry_id, []).append(change)
    for name, by_entry in by_file.items():
        if name not in result.texts:
            path = directory / name
            result.texts[name] = path.read_text(encoding="utf-8") if path.exists() else ""  # a new file may start
        text = result.texts[name]
        try:
            present = entries_by_id(text)
        except EditError as error:
            result.skipped += [
                (change.revision, f"cannot edit: {error}") for group in by_entry.values() for change in group
            ]
            continue
        for entry_id, group in by_entry.items():
            was = current = present.get(entry_id)
            applied = []
            for change in group:
                why = _decide(current, change)
                if why:
                    result.skipped.append((change.revision, why))
                else:
                    current = change.after
                    applied.append(change.revision)
            if not applied:
                continue
            try:
                text = _edit(text, entry_id, was, current)
            except EditError as error:
                result.skipped += [(revision, f"cannot edit: {error}") for revision in applied]
                continue
            result.applied += applied
        result.texts[name] = text
    result.applied.sort()
    result.texts = {name: text for name, text in result.texts.items() if text or (directory / name).exists()}
    return result
