"""A fast reading of directory files that are plainly valid, through rapidyaml; ``yamlread`` judges the rest.

PyYAML's C parser still builds a Python object per event and node, which bounds a national
directory's cold load. rapidyaml parses in C++ and emits JSON, which ``json`` reads in C: four
to five times faster. But JSON loses what the strict rules look at (whether a scalar was quoted,
tags, anchors, duplicate keys, lines), so this reader only *accepts* a file when nothing in it
could need one of those rules, and declines (returns None) otherwise; the caller then reads the
file with ``yamlread``, which reports every problem with its line as before. What it checks:

- no ``&``, ``*`` or ``!`` that could start an anchor, an alias or a tag anywhere in the text;
- no value that, as a plain scalar, the strict rules would report (YAML 1.1 booleans,
  octal-looking, base-60 and other numbers) or read otherwise than rapidyaml (``~``, ``True``,
  ``NULL``…) is written without quotes (where in doubt, the file is declined);
- each number rapidyaml emits has a text the strict rules read as that number (rapidyaml emits
  every such plain scalar as a JSON number, checked for every form they accept);
- no mapping has a key twice; the file is one document (no ``---``), a block list whose items
  each start a line with ``- `` (which gives each entry its line, the only line a valid file's
  report needs).

rapidyaml prints its own parse errors on standard error, so it is only used where that stream
goes nowhere (the loader's worker processes).
"""

from __future__ import annotations

import json
import re
import sys

from navigator.directory.yamlread import _FLOAT, _INT, _LEADING_ZERO, _OTHER_NUMBER, _SEXAGESIMAL

try:  # rapidyaml is optional: without it every file goes through the strict reader
    import ryml
except ImportError:  # pragma: no cover - exercised where rapidyaml is not installed
    ryml = None

AVAILABLE = ryml is not None

_INDICATOR = re.compile(rb"[&*!]")
# In the emitted JSON, a whole string that, had it been a plain scalar, the strict rules would
# read otherwise than rapidyaml (``~``, ``True``, ``NULL``…) or report (YAML 1.1 yes/no words,
# octal-looking, base-60 and other numbers). Quoted in the YAML, it is fine; plain, it is not.
_SUSPECT = re.compile(
    r'"(~|Null|NULL|True|TRUE|False|FALSE|true|false|null|(?i:yes|no|on|off|y|n)'
    r"|[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?"
    r'|\.(?:inf|Inf|INF|nan|NaN|NAN)))"'
)
_ENTRY_START = re.compile(rb"^-(?:[ \t]|$)", re.MULTILINE)
_DOCUMENT_MARKER = re.compile(rb"^(?:---|\.\.\.)", re.MULTILINE)


class _Declined(Exception):
    """The file needs the strict reader."""


def _plain_somewhere(data: bytes, emitted: str) -> bool:
    """Whether a value the strict rules would judge may be written unquoted in ``data``."""
    for text in set(_SUSPECT.findall(emitted)):
        if not text[0].isdigit() and text[0] not in "+-.":
            return True  # a word: rarely quoted, so not worth looking for
        # A number: as a plain value rapidyaml would have emitted it as one, so it was quoted,
        # unless it is a key (JSON keys are text), which the strict rules refuse.
        number = bool(_INT.match(text) or _FLOAT.match(text))
        if not number and not (_LEADING_ZERO.match(text) or _SEXAGESIMAL.match(text) or _OTHER_NUMBER.match(text)):
            continue
        ends = b":" if number else b" \t\r\n,]}#:"
        written = text.encode()
        at = data.find(written)
        while at >= 0:
            # Plain, it stands alone: after a space, "[" or ",", before a space, "," "]" "}" "#" or ":".
            after = at + len(written)
            if data[at - 1 : at] in b" \t\n[,{" and (after == len(data) or data[after : after + 1] in ends):
                return True
            at = data.find(written, after)
    return False


def read_entries(data: bytes) -> list[tuple[object, int]] | None:
    """Each top-level item of a plainly valid directory file with its 1-based line, or None when
    the strict reader must judge the file (see the module's notes)."""
    if ryml is None or _INDICATOR.search(data) or _DOCUMENT_MARKER.search(data):
        return None
    try:
        tree = ryml.parse_in_arena(data)
        root = tree.root_id()
        if not tree.is_seq(root) or tree.is_flow(root):
            return None
        emitted = _json_of(tree)
        if _plain_somewhere(data, emitted):
            return None

        def number(text: str, kind):
            if kind is int and not _INT.match(text) or kind is float and not _FLOAT.match(text):
                raise _Declined  # rapidyaml reads more as numbers than the strict rules do
            return kind(text)

        def mapping(pairs):
            # Interned keys: a large directory repeats the same few dozen keys millions of times.
            result = {sys.intern(key): value for key, value in pairs}
            if len(result) != len(pairs):
                raise _Declined  # a duplicate key: the strict reader names it and its line
            return result

        values = json.loads(
            emitted,
            parse_int=lambda text: number(text, int),
            parse_float=lambda text: number(text, float),
            parse_constant=lambda text: _decline(),
            object_pairs_hook=mapping,
        )
    except (_Declined, RecursionError, ValueError, ryml.ExceptionParse, ryml.ExceptionBasic):
        return None
    lines, line, counted_to = [], 1, 0
    for match in _ENTRY_START.finditer(data):
        line += data.count(b"\n", counted_to, match.start())
        counted_to = match.start()
        lines.append(line)
    if not isinstance(values, list) or len(lines) != len(values):
        return None
    return list(zip(values, lines, strict=True))


def _json_of(tree) -> str:
    """The tree as JSON. Emitted into a buffer of ours: what ``emit_json_malloc`` returns is never
    freed (about 100 KB a file, 500 MB in each worker of a million-entry load)."""
    buffer = bytearray(ryml.compute_json_length(tree))
    return str(ryml.emit_json_in_place(tree, buffer), "utf-8")


def _decline():
    raise _Declined
