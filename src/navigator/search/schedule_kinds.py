"""Each file's kinds of schedule numbered where the file is read, and merged into the directory's
numbering as the files come, for a ``ScheduleTable`` (``FileKindsNumbered.table``).

``ScheduleTable.build`` numbers the distinct (zone, intervals) and (zone, starts) of every entry,
hashing each entry's week; in a cold load that took the loading process 0.7 s at 100,000
entries after the last file came in. Here each loading worker numbers its file's kinds
(``file_kinds``), and the loading process looks up only each file's few kinds as it arrives.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from navigator.search.schedule import WeeklySchedule, zone_info
from navigator.search.schedule_table import ScheduleTable


@dataclass(frozen=True)
class FileKinds:
    """One file's kinds of schedule on one side (open hours, or session starts), numbered within
    the file where it is read (a loading worker), for ``FileKindsNumbered``.

    ``kind_of``: per row of the file's schedules, its kind (-1: none on this side); ``zones``:
    per kind, its zone as the file numbers them; ``keys``: per kind, its intervals or starts
    marshalled (equal weeks give equal bytes, which the loading process hashes once each)."""

    kind_of: np.ndarray
    zones: np.ndarray
    keys: tuple[bytes, ...]


# Marshal's version 2 writes no references between objects (version 3 does, depending on what
# else holds an object): equal weeks always give equal bytes.
_KEY_MARSHAL_VERSION = 2


def file_kinds(zone_numbers: Iterable[int], schedules: Iterable[WeeklySchedule]) -> tuple[FileKinds, FileKinds]:
    """One file's (open, start) ``FileKinds`` from its rows' zones (numbered in the file) and weeks."""
    open_numbered: dict[tuple, int] = {}
    start_numbered: dict[tuple, int] = {}
    open_of, start_of = [], []
    for zone, schedule in zip(zone_numbers, schedules, strict=True):
        intervals, starts = schedule.intervals, schedule.starts
        open_of.append(open_numbered.setdefault((zone, intervals), len(open_numbered)) if intervals else -1)
        start_of.append(start_numbered.setdefault((zone, starts), len(start_numbered)) if starts else -1)
    return _file_side(open_of, open_numbered), _file_side(start_of, start_numbered)


def _file_side(kind_of: list[int], numbered: dict[tuple, int]) -> FileKinds:
    return FileKinds(
        np.array(kind_of, dtype=np.int32),
        np.array([zone for zone, _ in numbered], dtype=np.int32),
        tuple(marshal.dumps(slots, _KEY_MARSHAL_VERSION) for _, slots in numbered),
    )


def _zone_code(zone_codes: dict[str, int], zone: str) -> int:
    code = zone_codes.get(zone)
    if code is None:
        zone_info(zone)  # an unknown zone fails here, as it does in ``build``
        code = zone_codes[zone] = len(zone_codes)
    return code


class FileKindsNumbered:
    """Files' kinds of schedule (``file_kinds``) numbered for the whole directory as the files
    come (``add``, in order), then the table (``table``): a cold load adds each file as it
    arrives from its worker, so after the last one only the table's layout is left. Only each
    file's few kinds are looked up here, and its entries' numbers changed by numpy. Numbered in
    the order ``build`` numbers them (files in order, each file's kinds in the file's order),
    the kinds and so the table are the very ones ``build`` gives. (Hashing every entry's week
    after the last file took a cold load of 100,000 entries 0.7 s.)"""

    def __init__(self):
        self.zone_codes: dict[str, int] = {}
        # Per side (open, start): (zone code, marshalled week) -> kind, and per file the
        # entries with a kind and their kinds.
        self.sides: list[tuple[dict, list, list]] = [({}, [], []) for _ in range(2)]

    def add(self, first: int, zones: tuple[str, ...], rows: np.ndarray, kinds: tuple) -> None:
        """The file whose entries start at entry ``first``: its zones (by its own numbers), its
        rows with a week, and its (open, start) ``FileKinds``."""
        codes = [_zone_code(self.zone_codes, zone) for zone in zones]
        for (numbered, entries, numbers), local in zip(self.sides, kinds, strict=True):
            if not local.keys:
                continue
            number = np.array(
                [
                    numbered.setdefault((codes[zone], key), len(numbered))
                    for zone, key in zip(local.zones.tolist(), local.keys, strict=True)
                ],
                dtype=np.int32,
            )
            has = local.kind_of >= 0
            entries.append(rows[has] + first)
            numbers.append(number[local.kind_of[has]])

    def table(self, size: int) -> ScheduleTable:
        """The table of ``size`` entries (those of no file added have no schedule)."""
        kinds, kind_of = [], []
        for numbered, entries, numbers in self.sides:
            side_kind_of = np.full(size, -1, dtype=np.int32)
            if entries:
                side_kind_of[np.concatenate(entries)] = np.concatenate(numbers)
            kinds.append({(code, marshal.loads(key)): kind for (code, key), kind in numbered.items()})
            kind_of.append(side_kind_of)
        return ScheduleTable.of_kinds(tuple(self.zone_codes), *kinds, *kind_of)
