"""Suggested changes field by field: each one names its place in the entry, the value it was made
against, and the new value; applying them refuses what changed in the directory since.

A suggestion that stored whole top-level values (all of ``location``, all of ``phones``) undid
every other approved change to the same block. A ``FieldEdit`` instead holds one leaf: a path
such as ``("location", "zip")`` or ``("phones", 0, "number")``, ``before`` (the value the
submitter saw) and ``after`` (the value they want; None removes it). Weekly schedules and lists
of codes are one leaf each (they are read and changed whole); lists of mappings (phones) are
walked item by item. Approving applies each edit whose ``before`` still holds, or whose
``after`` already holds; any other is a ``Conflict``, applied only when a reviewer overrides.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from navigator.directory.yamledit import without_nulls

# Read and changed whole: a schedule's periods only mean something together.
WHOLE = {("hours",), ("meeting", "times")}


@dataclass(frozen=True)
class FieldEdit:
    """One changed leaf of an entry: ``path`` (keys and list positions), the value it was made
    against and the new one (None: absent)."""

    path: tuple
    before: object
    after: object

    @property
    def name(self) -> str:
        """``phones[0].number``: how differences name fields (see ``decisions.diff_entries``)."""
        return re.sub(r"\.(\d+)", r"[\1]", ".".join(map(str, self.path)))

    def to_record(self) -> dict:
        return {"path": list(self.path), "before": self.before, "after": self.after}

    @classmethod
    def from_record(cls, raw) -> FieldEdit:
        """ValueError when ``raw`` is not an edit as ``to_record`` writes it."""
        path = raw.get("path") if isinstance(raw, dict) else None
        if (
            not isinstance(path, list)
            or not path
            or not isinstance(path[0], str)
            or not all(isinstance(step, (str, int)) and not isinstance(step, bool) for step in path)
        ):
            raise ValueError("an edit needs a path of keys and positions")
        return cls(tuple(path), raw.get("before"), raw.get("after"))


@dataclass(frozen=True)
class Conflict:
    """An edit whose field holds neither the value it was made against nor its new value."""

    edit: FieldEdit
    current: object


def _is_mapping_list(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)


def _walk(before, after, path: tuple, found: list[FieldEdit]) -> None:
    if before == after:
        return
    if path not in WHOLE:
        if isinstance(before, dict) or isinstance(after, dict):
            if isinstance(before, (dict, type(None))) and isinstance(after, (dict, type(None))):
                old, new = before or {}, after or {}
                for key in [*old, *(key for key in new if key not in old)]:
                    _walk(old.get(key), new.get(key), (*path, key), found)
                return
        elif (_is_mapping_list(before) or before is None) and (_is_mapping_list(after) or after is None):
            old, new = before or [], after or []
            for position in range(max(len(old), len(new))):
                _walk(
                    old[position] if position < len(old) else None,
                    new[position] if position < len(new) else None,
                    (*path, position),
                    found,
                )
            return
    found.append(FieldEdit(path, copy.deepcopy(before), copy.deepcopy(after)))


def field_edits(before: dict, after: dict) -> list[FieldEdit]:
    """The leaves that differ between two entries (or two sets of top-level fields)."""
    found: list[FieldEdit] = []
    _walk(without_nulls(before or {}), without_nulls(after or {}), (), found)
    return found


def value_at(entry, path: tuple):
    """The value at ``path`` in ``entry``, None where the path leads nowhere."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(entry, list) or not 0 <= step < len(entry):
                return None
            entry = entry[step]
        else:
            if not isinstance(entry, dict):
                return None
            entry = entry.get(step)
    return entry


def _set(entry: dict, path: tuple, value) -> None:
    holder = entry
    for step, following in zip(path, path[1:], strict=False):
        empty = [] if isinstance(following, int) else {}
        if isinstance(holder, list):
            while len(holder) <= step:
                holder.append({})
            if not isinstance(holder[step], type(empty)):
                holder[step] = empty
            holder = holder[step]
        else:
            if not isinstance(holder.get(step), type(empty)):
                holder[step] = empty
            holder = holder[step]
    last = path[-1]
    if isinstance(holder, list):
        while len(holder) <= last:
            holder.append({})
        holder[last] = value
    elif value is None:
        holder.pop(last, None)
    else:
        holder[last] = value


def _pruned(value):
    """``value`` without nulls and empty mappings or lists (what removing leaves can leave behind)."""
    if isinstance(value, dict):
        pruned = {key: _pruned(item) for key, item in value.items()}
        return {key: item for key, item in pruned.items() if item not in (None, [], {})}
    if isinstance(value, list):
        return [item for item in (_pruned(item) for item in value) if item not in (None, [], {})]
    return value


def conflicts(entry: dict, edits) -> list[Conflict]:
    """The edits ``entry`` no longer agrees with: its value is neither ``before`` nor ``after``."""
    found = []
    for edit in edits:
        current = without_nulls(value_at(entry, edit.path))
        if current not in (without_nulls(edit.before), without_nulls(edit.after)):
            found.append(Conflict(edit, current))
    return found


def apply_edits(entry: dict, edits) -> dict:
    """``entry`` with every edit's ``after`` set; the top-level fields touched are tidied of the
    empty mappings and list items a removal leaves."""
    updated = copy.deepcopy(entry)
    touched = set()
    for edit in edits:
        _set(updated, edit.path, copy.deepcopy(edit.after))
        touched.add(edit.path[0])
    for key in touched:
        value = _pruned(updated.get(key))
        if value in (None, [], {}):
            updated.pop(key, None)
        else:
            updated[key] = value
    return updated
