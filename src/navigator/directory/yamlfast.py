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

from navigator.directory.yamlread import _FLOAT, _INT, _LEADING_ZERO, _OTHER_NUMBER, _SEXAGESIMAL

try:  # rapidyaml is optional: without it every file goes through the strict reader
    import ryml
except ImportError:  # pragma: no cover - exercised where rapidyaml is not installed
    ryml = None

AVAILABLE = ryml is not None

# Where the strict rules could judge a plain scalar that rapidyaml emitted as a JSON string:
# the words YAML 1.1 reads otherwise (``~``, ``True``, ``NULL``, yes/no/on/off/y/n…), looked
# for in any case (a quoted "tRUE" is declined too: rare, and one look is cheaper than two),
# and the texts it reads as numbers or reports (octal-looking, base-60 and other forms). One
# pass over the JSON finds every string that starts as a word or a number can; the rest is a
# look at those few. (Ten searches for the words in a lowered copy and a pass for the numbers
# cost a file 2.7 ms under load, a pattern with the words spelt out 1.8 ms, this one 0.5 ms.)
_WORDS = frozenset((b"~", b"null", b"true", b"false", b"yes", b"no", b"on", b"off", b"y", b"n"))
_SUSPECT_STRING = re.compile(rb'"([-+.0-9~nNtTfFyYoO][^"\\]*)"')
_NUMBER_START = frozenset(b"-+.0123456789")
_NUMBER_FORM = re.compile(
    rb"[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?"
    rb"|\.(?:inf|Inf|INF|nan|NaN|NAN))\Z"
)
# Every run of text in the YAML that a plain scalar could start with (after a space, a line
# break, "[", "," or "{"), up to what ends a plain scalar, and the character after it.
_PLAIN_RUN = re.compile(rb"[ \t\n\[,{]([-+.0-9][^ \t\r\n,\[\]{}#]*)(?=([\s\S]?))")
_FIRST_RUN = re.compile(rb"([-+.0-9][^ \t\r\n,\[\]{}#]*)(?=([\s\S]?))")
_ENDS_PLAIN = frozenset(b" \t\r\n,]}#:")


class _Declined(Exception):
    """The file needs the strict reader."""


def _plain_somewhere(data: bytes, emitted: bytes) -> bool:
    """Whether a value the strict rules would judge may be written unquoted in ``data``
    (``emitted``: its JSON, looked at as bytes, where a search is several times faster than in
    text that holds one character beyond ASCII)."""
    suspects: dict[bytes, bool] = {}
    for written in set(_SUSPECT_STRING.findall(emitted)):
        if written[0] not in _NUMBER_START:
            if written.lower() in _WORDS:
                return True  # a word: rarely quoted, so not worth looking for
            continue
        if not _NUMBER_FORM.match(written):
            continue
        text = written.decode("ascii")  # the form admits nothing else
        # A number: as a plain value rapidyaml would have emitted it as one, so it was quoted,
        # unless it is a key (JSON keys are text), which the strict rules refuse.
        number = bool(_INT.match(text) or _FLOAT.match(text))
        if number or _LEADING_ZERO.match(text) or _SEXAGESIMAL.match(text) or _OTHER_NUMBER.match(text):
            suspects[written] = number
    if not suspects:
        return False
    # Plain, a suspect stands alone: it starts a run (see _PLAIN_RUN) and is followed by ":"
    # (a key, or a value in a base-60 look-alike) or, when it is no number, by what ends a
    # plain scalar; or it ends the file. Inside a run only ":" can follow it.
    runs = set(_PLAIN_RUN.findall(data))
    first = _FIRST_RUN.match(data)
    if first:
        runs.add(first.groups())
    for run, following in runs:
        colon = run.find(b":")
        while colon >= 0:
            if run[:colon] in suspects:
                return True
            colon = run.find(b":", colon + 1)
        number = suspects.get(run)
        if number is not None and (not following or not number and following[0] in _ENDS_PLAIN):
            return True
    return False


def _entry_lines(data: bytes) -> list[int]:
    """The 1-based line of each "- " that starts a line (a top-level item of a block list)."""
    lines = [1] if data[:1] == b"-" and data[1:2] in _ITEM_FOLLOWERS else []
    line, counted_to = 1, 0
    at = data.find(b"\n-")
    while at >= 0:
        if data[at + 2 : at + 3] in _ITEM_FOLLOWERS:
            line += data.count(b"\n", counted_to, at + 1)
            counted_to = at + 1
            lines.append(line)
        at = data.find(b"\n-", at + 1)
    return lines


_ITEM_FOLLOWERS = (b" ", b"\t", b"\n", b"")


def read_entries(data: bytes) -> list[tuple[object, int]] | None:
    """Each top-level item of a plainly valid directory file with its 1-based line, or None when
    the strict reader must judge the file (see the module's notes)."""
    if ryml is None or b"&" in data or b"*" in data or b"!" in data:
        return None
    if data.startswith((b"---", b"...")) or b"\n---" in data or b"\n..." in data:
        return None  # a document marker
    try:
        tree = ryml.parse_in_arena(data)
        root = tree.root_id()
        if not tree.is_seq(root) or tree.is_flow(root):
            return None
        emitted = _json_of(tree, len(data))
        if _plain_somewhere(data, emitted):
            return None

        def number(text: str, kind):
            if kind is int and not _INT.match(text) or kind is float and not _FLOAT.match(text):
                raise _Declined  # rapidyaml reads more as numbers than the strict rules do
            return kind(text)

        def mapping(pairs):
            # Keys need no interning: the loader keeps entries packed, never as these dicts.
            result = dict(pairs)
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
    lines = _entry_lines(data)
    if not isinstance(values, list) or len(lines) != len(values):
        return None
    return list(zip(values, lines, strict=True))


def _json_of(tree, yaml_length: int = 0) -> bytes:
    """The tree as JSON. Emitted into a buffer of ours: what ``emit_json_malloc`` returns is never
    freed (about 100 KB a file, 500 MB in each worker of a million-entry load). The buffer is
    first made twice the YAML's length (a directory file's JSON is some 1.3 times it), and made
    the size the emitter asks for only when that is short: working the length out first walked
    the tree once more, 0.3 ms of a file's 12."""
    root = tree.root_id()
    buffer = bytearray(2 * yaml_length + 4096)
    failed, length = ryml.emit_json_to_substr(tree, root, buffer)
    if failed:
        buffer = bytearray(length)
        failed, length = ryml.emit_json_to_substr(tree, root, buffer)
        if failed:  # pragma: no cover - the emitter asked for this very length
            raise _Declined
    return bytes(memoryview(buffer)[:length])


def _decline():
    raise _Declined
