"""Reading CSV tables from sources nobody on the project wrote.

Columns are found by name, never by position: names are compared case-insensitively with spaces,
dashes and a byte-order mark ignored, and each field may go by several names across years and
publishers. Extra columns are ignored; a missing required column makes the source unreadable.
Blank lines, CRLF line ends and Windows-1252 text are accepted.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from navigator.formats.batch import UnreadableSource

csv.field_size_limit(10_000_000)  # descriptions in 211 exports can be long


def normalize_column(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.replace("\ufeff", "").strip().lower()).strip("_")


# A source is read whole; past this it is refused with its size instead of exhausting memory.
MAX_SOURCE_BYTES = 256 * 2**20
# JSON feeds nest a few levels; deeper is refused before anything walks it (no RecursionError).
MAX_JSON_DEPTH = 32


def check_source_size(path: Path) -> None:
    """UnreadableSource naming ``path`` and its size when it is over ``MAX_SOURCE_BYTES`` (a
    source is read whole, so a huge one is refused by its size instead of exhausting memory)."""
    size = path.stat().st_size
    if size > MAX_SOURCE_BYTES:
        raise UnreadableSource(f"{path}: is {size:,} bytes; sources are read up to {MAX_SOURCE_BYTES:,} bytes")


def read_source(path: Path) -> str:
    """The text of a source file; raises UnreadableSource naming the file when it cannot be read
    or is over the size limit."""
    try:
        check_source_size(path)
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableSource(f"{path}: cannot be read: {error.strerror or error}") from None
    return decode(data, str(path))


def decode(data: bytes, label: str) -> str:
    """Source bytes as text: UTF-8 (with or without BOM), else Windows-1252, else Latin-1."""
    if b"\x00" in data[:4096]:
        raise UnreadableSource(f"{label}: not a text file (it holds binary data)")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


class JsonTooDeep(ValueError):
    """JSON nested deeper than any feed needs."""


def load_json(text: str, max_depth: int = MAX_JSON_DEPTH):
    """``json.loads(text)``, refusing nesting deeper than ``max_depth`` (JsonTooDeep): Python's
    parser recurses once per level, so a deep enough document is a RecursionError there, and
    anything that walked a merely deep one afterwards could fail the same way."""
    too_deep = JsonTooDeep(f"is nested more than {max_depth} levels deep; a feed needs a few")
    try:
        value = json.loads(text)
    except RecursionError:
        raise too_deep from None
    stack = [(value, 1)]
    while stack:  # no recursion here: a list of what is still to look at
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > max_depth:
                raise too_deep
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return value


def read_json(text: str, label: str):
    """The JSON document of a source named ``label``; UnreadableSource (one line, where and what) for
    text that is not JSON or is nested deeper than any feed needs."""
    try:
        return load_json(text)
    except json.JSONDecodeError as error:
        raise UnreadableSource(
            f"{label}: not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    except JsonTooDeep as error:
        raise UnreadableSource(f"{label}: {error}") from None


@dataclass
class Table:
    label: str
    header: list[str]  # as written in the source
    rows: list[tuple[int, list[str]]]  # (line number in the source, cells)

    def columns(
        self,
        aliases: dict[str, tuple[str, ...]],
        required: tuple[str, ...] = (),
        what: str = "table",
    ) -> dict[str, int]:
        """Which column holds each field (by any of its names); raises if a required one lacks."""
        positions = {}
        normalized = [normalize_column(name) for name in self.header]
        for field_name, names in aliases.items():
            for name in names:
                if name in normalized:
                    positions[field_name] = normalized.index(name)
                    break
        missing = [aliases[name][0] for name in required if name not in positions]
        if missing:
            first = ",".join(self.header)[:60]
            raise UnreadableSource(
                f"{self.label}: not a {what}: missing column"
                f"{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                f"(the header reads: {first!r})"
            )
        return positions


def read_table(text: str, label: str) -> Table:
    """The header and non-blank rows of a CSV text; raises UnreadableSource when it is not CSV."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = [cell.strip() for cell in cells]
            else:
                rows.append((reader.line_num, cells))
    except csv.Error as error:
        raise UnreadableSource(f"{label}: not a readable CSV file: {error} (line {reader.line_num})") from None
    if header is None:
        raise UnreadableSource(f"{label}: the file is empty")
    return Table(label, header, rows)


def cell(cells: list[str], positions: dict[str, int], field_name: str) -> str:
    position = positions.get(field_name)
    return cells[position] if position is not None and position < len(cells) else ""
