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

from navigator.directory.yamledit import EditError, append_entry, entry_in, replace_entry, without_nulls


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


def apply_change(text: str, change: EntryChange) -> tuple[str | None, str]:
    """``text`` with ``change`` applied, or (None, why not)."""
    current = entry_in(text, change.entry_id) if change.entry_id in text else None
    if change.published and not (
        (change.before is None and current is None) or (change.before is not None and _same(current, change.before))
    ):
        return None, "already in the files" if _same(current, change.after) else "edited in the files since"
    if current is None and change.before is not None:
        return None, "the entry is not in the file"
    if current is not None and _same(current, change.after):
        return None, "already in the files"
    try:
        if current is None:
            return append_entry(text, change.after), ""
        return replace_entry(text, change.entry_id, change.after), ""
    except EditError as error:
        return None, f"cannot edit: {error}"


def overlay(directory: Path | str, changes: Iterable[EntryChange], texts: dict[str, str] | None = None) -> Overlay:
    """The texts of the files ``changes`` touch with them applied, in revision order (``texts``:
    texts to start from instead of the files on disk)."""
    directory = Path(directory)
    result = Overlay(texts=dict(texts or {}))
    for change in sorted(changes, key=lambda change: change.revision):
        if Path(change.file).is_absolute() or ".." in Path(change.file).parts or not change.file.endswith(".yaml"):
            result.skipped.append((change.revision, "not a file of the directory"))
            continue
        if change.file not in result.texts:
            path = directory / change.file
            try:
                result.texts[change.file] = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                result.texts[change.file] = ""  # a new listing may start a new file
        new_text, why = apply_change(result.texts[change.file], change)
        if new_text is None:
            result.skipped.append((change.revision, why))
        else:
            result.texts[change.file] = new_text
            result.applied.append(change.revision)
    result.texts = {name: text for name, text in result.texts.items() if text or (directory / name).exists()}
    return result
