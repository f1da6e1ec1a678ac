"""Strict YAML reading for directory files.

PyYAML follows YAML 1.1, which silently turns ``zip: 02134`` into the octal number 1116,
``opens: 9:30`` into 570 and ``NO`` into false. Directory files are edited by hand, so we compose
the document with the C parser and *no* implicit type resolution, then give plain scalars types
ourselves: only ``true``/``false``, ``null``, decimal integers and decimal floats become
non-strings, and every scalar YAML 1.1 would have coerced is reported instead of guessed.
Duplicate keys, explicit tags and aliases (the alias-bomb vector) are reported too.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

try:
    from yaml.cyaml import CParser as _Parser  # `yaml` itself does not export CParser
except ImportError:  # PyYAML built without libyaml: same behaviour, slower
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


_STR_TAG = BaseResolver.DEFAULT_SCALAR_TAG
_SEQ_TAG = BaseResolver.DEFAULT_SEQUENCE_TAG
_MAP_TAG = BaseResolver.DEFAULT_MAPPING_TAG
_DEFAULT_TAGS = {ScalarNode: _STR_TAG, SequenceNode: _SEQ_TAG, MappingNode: _MAP_TAG}


class _UntypedComposer(_Parser, BaseResolver):
    """Composes nodes without implicit resolvers: every plain scalar keeps its text."""

    def __init__(self, stream):
        _Parser.__init__(self, stream)
        BaseResolver.__init__(self)

    # BaseResolver has no implicit or path resolvers, so its answers are fixed; giving them
    # directly saves three Python calls for each of the million nodes of a large directory.
    def resolve(self, kind, value, implicit):
        return _DEFAULT_TAGS[kind]

    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass


_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+\Z")
# Exactly PyYAML's base-60 forms: "9:30" and "10:30" are numbers to it, "08:00" is text.
_SEXAGESIMAL = re.compile(r"[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z")
_OTHER_NUMBER = re.compile(
    r"[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.(?:inf|Inf|INF|nan|NaN|NAN))\Z"
)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_YAML11_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})
_NUMBER_START = frozenset("0123456789-+.")
_LONGEST_WORD = max(map(len, _NULLS | _TRUE | _FALSE | _YAML11_BOOLEANS))


@dataclass(frozen=True)
class YamlIssue:
    """A problem inside a document; ``node`` locates it (line and field path)."""

    node: object
    message: str

    @property
    def line(self) -> int:
        return self.node.start_mark.line + 1


class YamlSyntaxError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


# Directory entries nest six levels deep; a few dozen is plenty. Deeper documents are refused
# from the event stream before composing: libyaml's composer recurses in C once per level, so
# 60,000 levels crashed the whole process (signal 11), and a few hundred overflowed Python's stack.
MAX_DEPTH = 40
_OPENS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSES = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def check_depth(text: str | bytes, limit: int = MAX_DEPTH) -> None:
    """Raise YamlSyntaxError at the line where ``text`` nests deeper than ``limit`` levels.

    Reads libyaml's events (flat, no recursion), which costs about a seventh of composing."""
    parser = _Parser(text)
    depth = 0
    try:
        while True:
            event = parser.get_event()
            if event is None:
                return
            kind = event.__class__
            if kind in _OPENS:
                depth += 1
                if depth > limit:
                    raise YamlSyntaxError(
                        event.start_mark.line + 1, f"nested more than {limit} levels deep; entries need a few"
                    )
            elif kind in _CLOSES:
                depth -= 1
    except yaml.YAMLError:
        return  # a syntax error: composing reports it, with its line
    finally:
        parser.dispose()


def compose(text: str | bytes):
    """Parse ``text`` into a node tree, or raise YamlSyntaxError with the line it failed on (also
    for a document nested more than ``MAX_DEPTH`` levels deep)."""
    check_depth(text)
    composer = _UntypedComposer(text)
    try:
        return composer.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        reason = " ".join(part for part in (error.context, error.problem) if part)
        raise YamlSyntaxError(line, f"not valid YAML: {reason}") from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(1, f"not valid YAML: {error}") from None
    finally:
        composer.dispose()


class NodeConverter:
    """Turns a composed node tree into plain Python values, collecting issues as it goes.

    ``may_have_aliases=False`` (for text without a ``&``, so without anchors) skips watching for
    nodes met twice, which is all an alias is once composed.
    """

    def __init__(self, may_have_aliases: bool = True):
        self.issues: list[YamlIssue] = []
        self._watch_aliases = may_have_aliases
        self._seen: set[int] = set()
        self._aliased: set[int] = set()

    def convert(self, node):
        if self._watch_aliases and self._met_before(node):
            return None
        kind = node.__class__
        if kind is ScalarNode:
            if node.tag != _STR_TAG:
                return self._tagged(node)
            if not node.style:  # plain: None from the Python composer, "" from the C one
                return self._plain(node)
            return node.value
        if kind is MappingNode:
            if node.tag != _MAP_TAG:
                return self._tagged(node)
            result = {}
            for key_node, value_node in node.value:
                key = self.convert(key_node)
                if not isinstance(key, str):
                    self.issues.append(YamlIssue(key_node, f"a key must be text, not {key!r}"))
                    continue
                if key in result:
                    self.issues.append(YamlIssue(key_node, f"duplicate key '{key}'"))
                    continue
                # Interned: a large directory repeats the same few dozen keys millions of times.
                result[sys.intern(key)] = self.convert(value_node)
            return result
        if kind is SequenceNode:
            if node.tag != _SEQ_TAG:
                return self._tagged(node)
            return [self.convert(item) for item in node.value]
        self.issues.append(YamlIssue(node, "unsupported YAML node"))
        return None

    def _met_before(self, node) -> bool:
        node_id = id(node)
        if node_id in self._seen:
            if node_id not in self._aliased:  # once per anchor, however often a bomb repeats it
                self._aliased.add(node_id)
                self.issues.append(YamlIssue(node, "YAML anchors and aliases (&name, *name) are not allowed"))
            return True
        self._seen.add(node_id)
        return False

    def _tagged(self, node):
        self.issues.append(YamlIssue(node, f"explicit YAML tags ({node.tag}) are not allowed"))
        return None

    def _plain(self, node):
        text = node.value
        if text and text[0] in _NUMBER_START:
            if _INT.match(text):
                return int(text)
            if _FLOAT.match(text):
                return float(text)
            if _LEADING_ZERO.match(text):
                self.issues.append(
                    YamlIssue(
                        node,
                        f'{text} has a leading zero, which YAML reads as an octal number: write "{text}" in quotes',
                    )
                )
                return text
            if _SEXAGESIMAL.match(text):
                self.issues.append(
                    YamlIssue(node, f'{text} is read by YAML as a base-60 number, not a time: write "{text}" in quotes')
                )
                return text
            if _OTHER_NUMBER.match(text):
                self.issues.append(
                    YamlIssue(
                        node,
                        f'{text} is read by YAML as a number: write "{text}" in quotes '
                        "if it is text, or a plain decimal number",
                    )
                )
                return text
            return text
        if len(text) > _LONGEST_WORD:
            return text
        if text in _NULLS:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        if text.lower() in _YAML11_BOOLEANS:
            self.issues.append(
                YamlIssue(
                    node,
                    f'{text} is read by YAML as a yes/no value: write true or false, or "{text}" in quotes for text',
                )
            )
            return text
        return text


def path_of(root, target) -> tuple:
    """The key/index path from ``root`` to ``target`` (for naming the field of a problem)."""
    stack = [(root, ())]
    seen = set()
    while stack:
        node, path = stack.pop()
        if node is target:
            return path
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, ScalarNode) else "?"
                if key_node is target:
                    return (*path, key)
                stack.append((value_node, (*path, key)))
        elif isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((item, (*path, index)))
    return ()


def line_of(root, path: tuple) -> int:
    """The 1-based line of the value at ``path`` under ``root``, or of the deepest part found."""
    node = root
    for step in path:
        if isinstance(node, MappingNode) and isinstance(step, str):
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode) and key_node.value == step:
                    node = value_node
                    break
            else:
                break
        elif isinstance(node, SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            break
    return node.start_mark.line + 1
