"""A fast reading of directory files that are plainly valid, through rapidyaml; ``yamlread`` judges the rest.

PyYAML's C parser still builds a Python object per event and node, which bounds a national
directory's cold load. rapidyaml parses in C++ and emits JSON, which ``json`` reads in C: four
to five times faster. But JSON loses what the strict rules look at (whether a scalar was quoted,
tags, anchors, duplicate keys, lines), so this reader only *accepts* a file when nothing in it
could need one of those rules, and declines (returns None) otherwise; the caller then reads the
file with ``yamlread``, which reports every problem with its line as before. What it checks:

- no ``&``, ``*`` or ``!`` that could start an anchor, an alias or a tag anywhere in the text;
- no character the two parsers take differently (control characters, invalid UTF-8, YAML 1.1's
  extra line breaks, a tab, a lone CR: libyaml refuses or breaks lines where rapidyaml does not);
- no value that, as a plain scalar, the strict rules would report (YAML 1.1 booleans,
  octal-looking, base-60 and other numbers) or read otherwise than rapidyaml (``~``, ``True``,
  ``NULL``, ``inf``…) is written without quotes (where in doubt, the file is declined). The JSON
  says most of it: a plain number is a JSON number, so a number-like JSON string was quoted,
  unless it is one of the forms the strict rules report, which rapidyaml writes as strings either
  way; only those few texts are looked for in the YAML, by passes that stop at a ":", a "0" or
  an "_", never at each space;
- each number rapidyaml emits has a text the strict rules read as that number (rapidyaml emits
  every such plain scalar as a JSON number, checked for every form they accept);
- no mapping has a key twice, and no key is one the strict rules would read as a number, a word
  or report; the file is one document (no ``---``), a block list whose items each start a line
  with ``- `` (which gives each entry its line, the only line a valid file's report needs).

rapidyaml prints its own parse errors on standard error, so it is only used where that stream
goes nowhere (the loader's worker processes).
"""

from __future__ import annotations

import gc
import json
import re
import threading

from navigator.directory.yamlread import _FLOAT, _INT, _LEADING_ZERO, _OTHER_NUMBER, _SEXAGESIMAL

try:  # rapidyaml is optional: without it every file goes through the strict reader
    import ryml
except ImportError:  # pragma: no cover - exercised where rapidyaml is not installed
    ryml = None

AVAILABLE = ryml is not None

# What the JSON tells before the YAML is looked at. A plain value the strict rules read as an
# integer or a float is always written as a JSON number (rapidyaml 0.15's ``json_is_plain_number``:
# each such text is a number to it, and the integers it quotes, those with a leading zero, are no
# numbers to the strict rules), so such a value that comes out as a JSON string was quoted. One
# pass over the JSON finds the strings that can matter: values (not keys) that start as a word or
# a number can, with no space and no "-" but an exponent's. Its pattern opens with a literal and a
# character class (sre's fast prefix search carries it; a pattern that spelt the words out stopped
# longer at each of a file's 12,000 quotes). Each distinct one is judged:
# - a word YAML 1.1 reads otherwise (``~``, ``True``, ``NULL``, yes/no/on/off/y/n…), quoted or
#   not (a quoted "tRUE" is declined too: rare, and one look is cheaper than two);
# - ".inf", "-.inf" and ".nan", which rapidyaml writes for inf, nan, infinity and the like
#   whatever the text was;
# - a value the strict rules would report if it were written plain (octal-looking, base-60 and
#   other numbers): rapidyaml writes those as strings either way, so they are the suspects
#   looked for in the YAML. A decimal integer (most ZIP codes) or a text such as "07:00", which
#   no strict rule judges, is left alone.
# Keys (a JSON string followed by ":") are left to ``_keys_judged``, which sees every key anyway.
_JSON_CANDIDATE = re.compile(rb'"[-+.0-9~nNtTfFyYoO][^-"\\\n ]*+(?:(?<=[eE])-[^-"\\\n ]*+)?"(?!:)')


def _form(pattern: re.Pattern) -> bytes:
    return pattern.pattern.removesuffix(r"\Z").encode()


# Each distinct candidate judged in C (a Python loop over a file's few hundred cost more than the
# pass that found them): group 1 is a suspect value, any other match declines the file.
_JUDGED = re.compile(
    rb'"(?:\.inf|-\.inf|\.nan|(?i:~|null|true|false|yes|no|on|off|y|n)|(?![1-9][0-9]*")(?=[-+.0-9])('
    + rb"(?!(?:"
    + _form(_INT)
    + b"|"
    + _form(_FLOAT)
    + rb')")(?:'
    + b"|".join(map(_form, (_LEADING_ZERO, _SEXAGESIMAL, _OTHER_NUMBER)))
    + rb')))"\Z'
)
# Where a plain scalar can start and end: what may stand before and after a suspect written plain.
_BEFORE_PLAIN = frozenset(b" \t\r\n[{,")
_TOKEN_STOPS = frozenset(b" \t\r\n,[]{}#\"'")
# Each suspect has a ":" (base-60), starts with a zero (octal-looking, 0b and 0x forms) or has an
# "_" or an exponent. One pass finds every ":" after a digit that is not in a quoted text of one or
# two digits before it ("19:30" in quotes: the usual time), or that follows a quoted key or a flow
# collection directly ({"a":9:30}, where a value needs no space before it), that starts a text in
# a flow collection ([:a], a value indicator to libyaml) or stands before one of ",?[]{}" (which
# libyaml refuses there); one finds every zero
# that starts a plain-looking run; one every "_" after a digit. Each pass stops only at its literal
# first character (sre's fast prefix search), never at each space of the prose as a pass keyed on
# what may precede a plain scalar would; what it finds is judged exactly, and is rare.
# (The character after the ":" is taken first, before the branches, so the ": " after each key
# fails at its first step: a third fewer instructions for the pass.)
_COLON_RUN = re.compile(
    rb""":[^ \t\r\n](?:(?<=[0-9_]:[0-9])(?<!["'][0-9_][0-9_]:.)(?<!["'][0-9_]:.)"""
    rb"""|(?<=:[,?\[\]{}])()|(?<=[ "'\[\]{},]:.)())"""
)
_ZERO_RUN = re.compile(rb"0(?<=[ \t\r\n\[{,+-]0)(?<![^ \t\r\n\[{,][-+]0)[0-9_bx]")
_UNDERSCORE_RUN = re.compile(rb"_(?<=[0-9]_)")
_OTHER_RUN = re.compile(rb"[-+.0-9](?<![^ \t\r\n\[{,][-+.0-9])")


class _Declined(Exception):
    """The file needs the strict reader."""


def _plain_somewhere(data: bytes, emitted) -> bool:
    """Whether a value the strict rules would judge may be written unquoted in ``data``
    (``emitted``: its JSON, looked at as bytes, where a search is several times faster than in
    text that holds one character beyond ASCII)."""
    suspects = set()
    for judged in filter(None, map(_JUDGED.match, set(_JSON_CANDIDATE.findall(emitted)))):
        suspect = judged.group(1)
        if not suspect:
            return True  # a word (rarely quoted, so not worth looking for) or a renamed inf/nan
        suspects.add(suspect)
    # The pass over the ":"s runs for every file: a ":" right before ",?[]{}" makes libyaml refuse
    # the file (in a flow collection) where rapidyaml reads on ([tue:]).
    passes = {_COLON_RUN}
    for suspect in suspects:
        body = suspect.lstrip(b"-+")
        if body[:1] == b"0":
            passes.add(_ZERO_RUN)
        elif b":" not in body:
            passes.add(_UNDERSCORE_RUN if b"_" in body else _OTHER_RUN)
    for found in passes:
        for match in found.finditer(data):
            if found is _COLON_RUN and match.lastindex:
                return True  # a value right after a quoted key's ":" with no space, or [tue:]: rare
            if suspects and _plain_suspect_around(data, match.start(), suspects):
                return True
    return False


def _plain_suspect_around(data: bytes, at: int, suspects: set) -> bool:
    """Whether the run of text around ``at`` is a suspect standing as a plain scalar: after what
    may precede one (or the file's start), before what may end one (or the file's end)."""
    start = at
    while start > 0 and data[start - 1] not in _TOKEN_STOPS:
        start -= 1
    end = at
    while end < len(data) and data[end] not in _TOKEN_STOPS:
        end += 1
    if start > 0 and data[start - 1] not in _BEFORE_PLAIN:
        return False  # inside quotes
    run = data[start:end]
    # A plain run may go on with ":" (a key, or a base-60 look-alike's next part), so each part
    # up to a ":" is a candidate too.
    if run in suspects:
        return True
    colon = run.find(b":")
    while colon >= 0:
        if run[:colon] in suspects:
            return True
        colon = run.find(b":", colon + 1)
    return False


def read_entries(data: bytes) -> list[tuple[object, int]] | None:
    """Each top-level item of a plainly valid directory file with its 1-based line, or None when
    the strict reader must judge the file (see the module's notes)."""
    if ryml is None or b"&" in data or b"*" in data or b"!" in data:
        return None
    if data.startswith((b"---", b"...")):
        return None  # a document marker (one on a later line, _entry_lines finds)
    if not _characters_read_alike(data) or _starts_libyaml_refuses(data):
        return None
    try:
        tree = _parsed(data)
        root = tree.root_id()
        if not tree.is_seq(root) or tree.is_flow(root):
            return None
        emitted = _json_of(tree, len(data))
        if _plain_somewhere(data, emitted):
            return None
        # A JSON integer is a text the strict rules read as the same integer (JSON's grammar for
        # one is part of theirs, and rapidyaml writes an integer's text as it was), so it needs no
        # look; a JSON float came from a text they read as a float exactly when it has a ".":
        # rapidyaml adds only zeros ("1." is written 1.0, ".5" 0.5), and 1e5 has none.
        values = json.loads(emitted, parse_float=_float_with_point, parse_constant=_decline, object_hook=_keys_judged)
        if _values_in(values) != tree.size():
            return None  # a duplicate key: the strict reader names it and its line
    except (_Declined, RecursionError, ValueError, ryml.ExceptionParse, ryml.ExceptionBasic):
        return None
    lines = _entry_lines(data)
    if lines is None or not isinstance(values, list) or len(lines) != len(values):
        return None
    return list(zip(values, lines, strict=True))


# One tree and one JSON buffer kept from file to file, per thread (a loading worker reads one file
# at a time; a thread of its own never shares them), made on first use, so a process that never
# reads a file this way (the app's) holds neither: a new tree's node array and arena were
# allocated and filled anew for each file. A tree is kept only for files up to _KEPT_TREE bytes,
# so one huge file does not hold its memory after.
_KEPT_TREE = 4 << 20
_kept = threading.local()


def _parsed(data: bytes):
    if len(data) > _KEPT_TREE:
        return ryml.parse_in_arena(data)
    tree = getattr(_kept, "tree", None)
    if tree is None:
        tree = _kept.tree = ryml.Tree()
    else:
        tree.clear()
        tree.clear_arena()
    return ryml.parse_in_arena(data, tree=tree)


def _float_with_point(text: str) -> float:
    if "." not in text:
        raise _Declined  # an exponent alone (1e5): a number to rapidyaml, text the strict rules report
    return float(text)


def _keys_judged(mapping: dict) -> dict:
    # ``json`` makes the dict in C (a hook given the pairs made a list of them per object and a
    # dict in Python: 2.3 M instructions a file); a duplicate key, which the dict silently drops,
    # is found by ``_values_in`` after. Keys need no interning: the loader keeps entries packed.
    if not _KEYS_READ_ALIKE.issuperset(mapping):
        _judge_keys(mapping)
    return mapping


def _values_in(values: list) -> int:
    """How many values ``values`` holds, itself included: each node of rapidyaml's tree (the root,
    a list item, a mapping's value) is one JSON value, so a mapping with a key twice, whose first
    value ``json`` drops with all it holds, leaves fewer values than the tree has nodes (nothing
    else drops one, nor adds one). Counted level by level in C: ``gc.get_referents`` gives a
    level's list items and dict values (a dict whose keys are all text, as JSON's are, gives only
    its values; ``_REFERENTS_ARE_VALUES`` checks that this interpreter does so)."""
    if not _REFERENTS_ARE_VALUES:  # pragma: no cover - another interpreter's dict traversal
        return -1
    level = [values]
    count = 0
    while level:
        count += len(level)
        level = gc.get_referents(*level)
    return count


_REFERENTS_ARE_VALUES = len(gc.get_referents({"key": [], "other": 1})) == 2 and len(gc.get_referents([[], 1])) == 2


# Keys met before that both readers take as the same text: a directory's keys are a few dozen
# field names, so after its first entries a file's keys are all known, at one set look each.
_KEYS_READ_ALIKE: set[str] = set()
_KEPT_KEYS = 10_000
_KEY_WORDS = frozenset(("~", "null", "true", "false", "yes", "no", "on", "off", "y", "n"))
_RENAMED_KEYS = frozenset((".inf", "-.inf", ".nan"))
_NUMBER_KEY = re.compile(
    "|".join(pattern.pattern for pattern in (_INT, _FLOAT, _LEADING_ZERO, _SEXAGESIMAL, _OTHER_NUMBER))
)


def _judge_keys(mapping: dict) -> None:
    """Decline a key JSON shows as text that the strict rules would read otherwise (a number,
    a word, false or null) or report, quoted or not; one rapidyaml renamed ("nan" is written
    ".nan", even quoted); and an empty one (rapidyaml takes ``- : x`` for a mapping with an empty
    key, libyaml refuses it). Remember the others."""
    for key in mapping:
        if key in _KEYS_READ_ALIKE:
            continue
        if not key or key.lower() in _KEY_WORDS or key in _RENAMED_KEYS or _NUMBER_KEY.match(key):
            raise _Declined
        if len(_KEYS_READ_ALIKE) < _KEPT_KEYS:
            _KEYS_READ_ALIKE.add(key)


# Characters the two parsers take differently: libyaml (the strict reader) refuses control
# characters, C1 controls, U+FFFE/U+FFFF and invalid UTF-8 anywhere, comments included, and takes
# NEL, LS and PS for line breaks (YAML 1.1); a tab after ":" separates a value for it, not for
# rapidyaml; a lone CR ends a line for it. rapidyaml passes all of these through (a control
# character inside a scalar makes the JSON invalid, but not in a comment), so such files are
# declined. An ASCII file (the usual one) needs a few byte searches and a look at its comments.
_CONTROLS = bytes(range(0, 9)) + b"\x0b\x0c" + bytes(range(14, 32)) + b"\x7f"
_ODD_UTF8 = re.compile(rb"\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]|\xef\xbf[\xbe\xbf]")


def _characters_read_alike(data: bytes) -> bool:
    if b"\t" in data or b"\x7f" in data:
        return False
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return False
    # A control character in a comment; elsewhere one ends up in a scalar, where JSON refuses it.
    # (A comment is rare, so a byte search for each beats a pattern's pass over the whole file.)
    comment = data.find(b"#")
    while comment >= 0:
        end = data.find(b"\n", comment)
        line = data[comment:] if end < 0 else data[comment:end]
        if len(line.translate(None, _CONTROLS)) != len(line):
            return False
        comment = -1 if end < 0 else data.find(b"#", end)
    if data.isascii():
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _ODD_UTF8.search(data) is None


# A token cannot start with "]" or "}" outside a flow collection, nor with "@" or "`" (reserved),
# for libyaml; rapidyaml takes the character as a plain scalar's first (``name: ]Clinic``). A "]"
# or "}" after a space or a line break declines (a tab or a lone CR already did), found by a pass
# that stops at each "]" (a byte search for " ]" stopped at each space: three times as long);
# "}", "@" and "`" are rare enough to be looked for first.
_BRACKET_START = re.compile(rb"\](?<=[ \n]\])")
_BRACE_START = re.compile(rb"}(?<=[ \n]})")
_AT_START = re.compile(rb"@(?<=[ \n\[{,:]@)")


def _starts_libyaml_refuses(data: bytes) -> bool:
    return bool(
        _BRACKET_START.search(data)
        or (b"}" in data and _BRACE_START.search(data))
        or (b"@" in data and _AT_START.search(data))
        or b"`" in data
    )


def _entry_lines(data: bytes) -> list[int] | None:
    """The 1-based line of each "- " that starts a line (a top-level item of a block list), or None
    when an item's content does not start on that line (``-`` alone, or followed by a comment:
    the strict reader gives such an entry the line its content starts on) or a line starts with
    a document marker."""
    lines = []
    if data[:1] == b"-" and data[1:2] in _ITEM_FOLLOWERS:
        if not _content_follows(data, 1):
            return None
        lines.append(1)
    if b"..." in data and b"\n..." in data:  # (a search for three dots alone skips faster)
        return None  # a document's end on a later line
    line, counted_to = 1, 0
    # A pattern that opens with two literal characters: sre's search compares the second one in
    # its own loop, so it stops only at a "-" that starts a line, not at each line (a byte search
    # for "\n-" in Python took twice as long, a pattern that stopped at each line 0.8 M more).
    for item in _ITEM.finditer(data):
        if item.group(1):
            return None  # a document marker, "---", on a later line
        at = item.start()
        # The usual "- id:" needs one look; anything else the closer one.
        if (data[at + 2 : at + 3] != b" " or data[at + 3 : at + 4] in _NOT_AT_ONCE) and not _content_follows(
            data, at + 2
        ):
            return None
        line += data.count(b"\n", counted_to, at + 1)
        counted_to = at + 1
        lines.append(line)
    return lines


_ITEM = re.compile(rb"\n-(?:(?=[ \t\n]|\Z)|(--))")


def _content_follows(data: bytes, at: int) -> bool:
    """Whether something other than a comment follows the item marker before ``at`` on its line."""
    rest = data[at : at + 64].lstrip(b" ")
    return bool(rest) and rest[:1] not in _NO_CONTENT


_NO_CONTENT = (b"\n", b"\r", b"#")
_NOT_AT_ONCE = frozenset((b" ", b"\n", b"\r", b"#", b""))
_ITEM_FOLLOWERS = (b" ", b"\t", b"\n", b"")

# The buffer rapidyaml emits JSON into, kept from file to file (per thread, see _kept): making (and
# zeroing) twice a file's length for each file cost 2.9 M instructions of a file's 80 M. Kept only
# up to _KEPT_BUFFER bytes, so one huge file does not hold its memory after.
_KEPT_BUFFER = 8 << 20


def _json_of(tree, yaml_length: int = 0) -> bytes:
    """The tree as JSON. Emitted into a buffer of ours: what ``emit_json_malloc`` returns is never
    freed (about 100 KB a file, 500 MB in each worker of a million-entry load). The kept buffer is
    used when it holds twice the YAML's length (a directory file's JSON is some 1.3 times it), and
    one the size the emitter asks for is made only when that is short: working the length out
    first walked the tree once more."""
    root = tree.root_id()
    buffer = getattr(_kept, "buffer", None)
    if buffer is None or len(buffer) < 2 * yaml_length + 4096:
        buffer = bytearray(max(2 * yaml_length + 4096, 256 << 10))
    failed, length = ryml.emit_json_to_substr(tree, root, buffer)
    if failed:
        buffer = bytearray(length)
        failed, length = ryml.emit_json_to_substr(tree, root, buffer)
        if failed:  # pragma: no cover - the emitter asked for this very length
            raise _Declined
    if len(buffer) <= _KEPT_BUFFER:
        _kept.buffer = buffer
    return bytes(memoryview(buffer)[:length])  # a copy: the buffer is the next file's too


def _decline(*_):
    raise _Declined
