"""The fast reader accepts only what the strict reader reads the same way, and declines the rest,
so a directory's problems and their lines never depend on which reader read it."""

import datetime as dt
import json
import re
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import CLINIC, MEETING, PROJECT_ROOT

from navigator.bench.synthetic import write_synthetic_directory
from navigator.directory import yamlfast
from navigator.directory.loader import check_file, directory_files
from navigator.directory.vocabulary import load_vocabulary
from navigator.directory.yamlread import _FLOAT, _INT, NodeConverter, YamlSyntaxError, compose

TODAY = dt.date(2026, 11, 23)


def test_rapidyaml_is_installed_so_the_fast_reader_is_what_these_tests_check():
    assert yamlfast.AVAILABLE, "rapidyaml is in requirements.txt; without it every load falls back to PyYAML"


def strict_entries(data: bytes):
    root = compose(data)
    converter = NodeConverter()
    return [(converter.convert(node), node.start_mark.line + 1) for node in root.value], converter.issues


def test_plainly_valid_files_read_the_same_as_the_strict_reader_with_entry_lines(tmp_path):
    written = write_synthetic_directory(tmp_path / "synthetic", 300, seed=5, today=TODAY)
    accepted = 0
    for path in [*written, *directory_files(PROJECT_ROOT / "directory")]:
        data = path.read_bytes()
        fast = yamlfast.read_entries(data)
        if fast is not None:
            accepted += 1
            entries, issues = strict_entries(data)
            assert issues == [] and fast == entries, path
    assert accepted >= 3  # the synthetic files: a reader that declines everything proves nothing


@pytest.mark.parametrize(
    "text",
    [
        "- zip: 02134\n",
        "- opens: 9:30\n",
        "- country: NO\n",
        "- open: yes\n",
        "- when: [mon, On]\n",
        "- x: ~\n",
        "- x: True\n",
        "- x: NULL\n",
        "- x: 1e5\n",
        "- x: 0x1F\n",
        "- x: 1_000\n",
        "- x: .inf\n",
        "- x: +12\n",
        "- x: !!str 12\n",
        "- a: &a [x]\n  b: *a\n",
        "- name: first\n  name: second\n",
        "- 12: twelve\n",
        "- true: yes\n",
        "- x:\n    true: 1\n",
        "- y: why\n",
        "- name: [unclosed\n",
        "name: a mapping, not a list\n",
        "[{id: flow}]\n",
        "- first\n---\n- second\n",
        "- first\n...\n",  # a document's end on a later line
        "- " + "[" * 3000 + "]" * 3000 + "\n",
        "- x: 9:30",  # a base-60 look-alike at the very end of the file
        "12: x\n- y: z\n",  # a number as a key on the first line
        "- x: [1, 0123]\n",
        "- x: {a: 1_000}\n",
        "- x: 1:2:3\n",
        '- x: "a"\n  y: 010\n',
    ],
)
def test_anything_the_strict_rules_judge_is_declined(text):
    assert yamlfast.read_entries(text.encode()) is None


def test_quoted_look_alikes_are_read_as_the_text_they_are():
    text = '- zip: "02134"\n  opens: "9:30"\n  word: "yes"\n  count: 12\n  f: -1.5\n  t: true\n  e:\n'
    assert yamlfast.read_entries(text.encode()) is None  # "yes" quoted: declined all the same (rare)
    text = text.replace('  word: "yes"\n', "")
    assert yamlfast.read_entries(text.encode()) == [
        ({"zip": "02134", "opens": "9:30", "count": 12, "f": -1.5, "t": True, "e": None}, 1)
    ]


@pytest.mark.parametrize(
    "text",
    [
        CLINIC + MEETING,
        CLINIC.replace('zip: "80222"', "zip: 02134"),
        CLINIC.replace("[buprenorphine, outpatient]", "[buprenorfine]") + MEETING,
        MEETING.replace("attendance: hybrid", "attendance: sometimes"),
        CLINIC + CLINIC,
        CLINIC.replace("  sample: true\n", "  sample: yes\n"),
    ],
)
def test_check_file_finds_the_same_entries_and_problems_either_way(text):
    vocabulary = load_vocabulary(PROJECT_ROOT / "directory")
    data = text.encode()
    assert check_file(data, "f.yaml", vocabulary, TODAY, fast=True) == check_file(data, "f.yaml", vocabulary, TODAY)


def test_reading_a_file_again_and_again_does_not_hold_on_to_memory(tmp_path):
    [path] = write_synthetic_directory(tmp_path / "one", 100, seed=2, today=TODAY)
    data = path.read_bytes()

    def resident_mb() -> float:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmRSS:")[1].split()[0]) / 1024

    assert yamlfast.read_entries(data) is not None
    before = resident_mb()
    for _ in range(400):
        yamlfast.read_entries(data)
    # A leak of the emitted JSON would be 400 times the file's JSON (about 40 MB).
    assert resident_mb() - before < 15


def test_the_json_of_a_file_is_whole_whether_or_not_the_first_buffer_was_long_enough(tmp_path):
    (path,) = write_synthetic_directory(tmp_path / "synthetic", 40, seed=9, today=TODAY, per_file=40)
    data = path.read_bytes()
    tree = yamlfast.ryml.parse_in_arena(data)
    expected = bytes(yamlfast.ryml.emit_json_in_place(tree, bytearray(yamlfast.ryml.compute_json_length(tree))))
    assert len(expected) > 4096  # too long for the first buffer without the YAML's length
    assert yamlfast._json_of(tree) == expected  # emitted again, at the length the emitter asked for
    assert yamlfast._json_of(tree, len(data)) == expected  # long enough at once


# Each file below has the suspect quoted once, so the JSON holds it as a string value either way:
# only the YAML can tell that it is also written plain, which the strict rules report.
@pytest.mark.parametrize(
    "text",
    [
        '- a: "19:30"\n  b: 19:30\n',  # a base-60 value beside its quoted twin
        '- a: "9:30"\n  b: 9:30\n',
        '- a: "100:30"\n  b: 100:30\n',  # three digits before the ":"
        '- a: "10:20:30"\n  b: 10:20:30\n',
        '- a: "02134"\n  b: 02134\n',  # a ZIP code with its leading zero
        '- a: "-0123"\n  b: -0123\n',
        '- a: "0x1_F"\n  b: 0x1_F\n',
        '- a: "1_000"\n  b: 1_000\n',
        '- a: "1_0e5"\n  b: 1_0e5\n',
        '- a: "19:30"\n  b:\n    19:30\n',  # the value on the next line
        '- a: "19:30"\n  b:\n    # a comment line first\n    19:30\n',
        '- a: "19:30"\n  b: [x, 19:30]\n',  # in a flow list
        '- a: "19:30"\n  b: [19:30]\n',
        '- a: "0123"\n  b: {c: 0123}\n',  # in a flow map
        '- a: "0123"\n  b: {c: d,e: 0123}\n',
        '- a: "19:30"\n  b: {"c":19:30}\n',  # right after a quoted key's ":", no space
        '- a: "19:30"\n  b: 19:30',  # at the very end of the file, no line break
        '- a: "19:30"\n- 19:30\n',  # an item of the top list
        '- a: "19:30"\n  b: 19:30 # a comment\n',
        '- a: "12"\n  12: x\n',  # a plain number as a key
        '- a: "1.5"\n  1.5: x\n',
        '- a: "19:30"\n  19:30: x\n',
    ],
)
def test_a_suspect_written_plain_beside_its_quoted_twin_is_declined(text):
    assert strict_entries(text.encode())[1], "the strict reader reports this file"
    assert yamlfast.read_entries(text.encode()) is None


@pytest.mark.parametrize(
    "text",
    [
        "- x: inf\n",  # rapidyaml writes ".inf" for these, whatever the text was
        "- x: infinity\n",
        "- x: -inf\n",
        "- x: nan\n",
        "- x: .NaN\n",
        "- nan: 1\n",
        '- "inf": 1\n',
        "- x: [a, Yes]\n",
        "- no: x\n",  # a word as a key
        "- : x\n",  # an empty key: libyaml refuses it
        "- a: 1\n  : x\n",
        "- ? \n  : x\n",
        "- x:\t19:30\n",  # a tab after ":" separates a value for libyaml only
        "- x:\tyes\n",
        "- x: a\x7fb\n",  # characters libyaml refuses and rapidyaml passes through
        "- x: a # \x01\n",
        "# a first comment\n- x: a # a second one \x0b\n",
        "- x: \x80a\n",
        "- x: a\ufffe\n",
        "- x: 19:30\x85",  # NEL, LS and PS end a line for libyaml (YAML 1.1), not for rapidyaml
        "- x: a\u2028  y: 19:30\n",
        "- x: a\r- y: b\r",  # a lone CR ends a line
        "- name: ]Test\n",  # no token starts so for libyaml; rapidyaml reads a plain scalar
        "- m: ][x]\n",
        "- a: b\n  }c: d\n",
        "- a: @x\n",
        "- a: `x\n",
        "- days: [tue:]\n",  # libyaml refuses a ":" before "]" in a flow list
        "- days: {a: b:}\n",
        "- payment: [:medicaid]\n",  # a value indicator to libyaml, text to rapidyaml
        "- payment: [a, :b]\n",
        "-\n  id: a\n",  # the entry's content starts on the next line, which is its line to libyaml
        "- a: b\n- # a comment\n  id: c\n",
        "- a: b\n-   \n  id: c\n",
    ],
)
def test_what_rapidyaml_reads_otherwise_than_the_strict_reader_is_declined(text):
    assert yamlfast.read_entries(text.encode()) is None


def test_invalid_utf8_even_in_a_comment_is_declined():
    assert yamlfast.read_entries(b"# caf\xe9\n- x: a\n") is None
    assert yamlfast.read_entries("# café\n- x: a\n".encode()) == [({"x": "a"}, 2)]


@pytest.mark.parametrize(
    "text",
    [
        '- a: "19:30"\n  b: \'19:30\'\n  c: "02134"\n  d: "12"\n  e: "1.5"\n  f: "1E5"\n  g: "1_000"\n',
        '- a: ["19:30", "0123"]\n  b: {c: "10:20:30"}\n  d: 07:00\n  e: 12\n  f: -1.5\n',
        '- a: "19:30"\n  b: c # and "19:30" in a comment\n',
        "- a: b\n  c: d\n  e: 1.\n  f: .5\n  g: -0\n  h: 0o17\n  i: >-\n    12\n",
    ],
)
def test_quoted_suspects_and_plain_numbers_are_read_as_the_strict_reader_reads_them(text):
    entries, issues = strict_entries(text.encode())
    assert issues == []
    assert yamlfast.read_entries(text.encode()) == entries


def json_value_of(text: str) -> str:
    tree = yamlfast.ryml.parse_in_arena(f"- x: {text}\n".encode())
    return bytes(yamlfast._json_of(tree)).decode().split('"x": ', 1)[1].split("\n", 1)[0]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.from_regex(_INT.pattern, fullmatch=True), st.from_regex(_FLOAT.pattern, fullmatch=True)))
def test_a_plain_number_of_the_strict_rules_comes_out_of_rapidyaml_as_a_json_number(text):
    # Why a number-like JSON string value needs no look at the YAML, and why JSON's own numbers
    # need no hook: each text the strict rules read as a number is written as a JSON number (or
    # as something JSON refuses, such as +12, which declines the file), with the same value.
    written = json_value_of(text)
    assert not written.startswith('"')
    fast = yamlfast.read_entries(f"- x: {text}\n".encode())
    if fast is not None:
        [(entry, _line)] = fast
        value = entry["x"]
        expected = int(text) if _INT.match(text) else float(text)
        assert type(value) is type(expected) and value == expected
        assert isinstance(json.loads(written), int) == ("." not in written)


# Scalars a directory file may hold, in every way of writing them that the fast reader must judge.
_SCALARS = st.sampled_from(
    [
        "19:30",
        "9:30",
        "07:00",
        "10:20:30",
        "02134",
        "-0123",
        "0x1F",
        "0x1_F",
        "1_000",
        "1e5",
        "1E5",
        "12",
        "-0",
        "+12",
        "1.5",
        "1.",
        ".5",
        "00.5",
        "01",
        "0",
        "yes",
        "No",
        "ON",
        "y",
        "n",
        "~",
        "True",
        "NULL",
        "null",
        "true",
        "false",
        "inf",
        ".inf",
        "nan",
        "infinity",
        "a",
        "free",
        "name",
        "2026-03-15",
        "477-555-0199",
        "x:19:30",
    ]
    + ["opens at 19:30"]
)
_QUOTES = st.sampled_from(["{}", '"{}"', "'{}'"])
_KEYS = st.sampled_from(["a", "b", "name", "19:30", "12", "no", '"12"', "opens"])


@st.composite
def _values(draw, depth=0):
    text = draw(_QUOTES).format(draw(_SCALARS))
    if depth < 1:
        kind = draw(st.sampled_from(["scalar", "next line", "comment", "flow list", "flow map"]))
        if kind == "next line":
            return "\n    " + text
        if kind == "comment":
            return "\n    # note " + draw(_QUOTES).format(draw(_SCALARS)) + "\n    " + text
        if kind == "flow list":
            return "[" + ", ".join(draw(_QUOTES).format(draw(_SCALARS)) for _ in range(draw(st.integers(1, 3)))) + "]"
        if kind == "flow map":
            return "{" + ", ".join(f"k{i}: " + draw(_QUOTES).format(draw(_SCALARS)) for i in range(2)) + "}"
    return text


@st.composite
def _files(draw):
    lines = []
    for _ in range(draw(st.integers(1, 3))):
        keys = draw(st.lists(_KEYS, min_size=1, max_size=4))
        item = [f"{key}: {draw(_values())}" for key in keys]
        lines.append("- " + "\n  ".join(item))
    text = "\n".join(lines)
    return text if draw(st.booleans()) else text + "\n"


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_files())
def test_generated_files_are_declined_or_read_as_the_strict_reader_reads_them(text):
    data = text.encode()
    fast = yamlfast.read_entries(data)
    if fast is None:
        return
    try:
        entries, issues = strict_entries(data)
    except YamlSyntaxError:
        pytest.fail(f"accepted a file the strict reader cannot parse: {text!r}")
    assert issues == [], text
    assert fast == entries, text


def test_the_json_buffer_and_the_tree_are_used_again_and_stay_bounded(tmp_path):
    big = ("- a: " + "x" * 1000 + "\n") * 6000  # JSON of about 6 MB
    small = "- a: b\n"
    assert yamlfast.read_entries(big.encode()) == [({"a": "x" * 1000}, line) for line in range(1, 6001)]
    assert yamlfast.read_entries(small.encode()) == [({"a": "b"}, 1)]
    huge = ("- a: " + "x" * 1000 + "\n") * 10000  # more than the buffer that is kept
    assert len(yamlfast.read_entries(huge.encode())) == 10000
    assert len(yamlfast._kept.buffer) <= yamlfast._KEPT_BUFFER
    assert yamlfast._kept.tree.arena_capacity() <= 2 * yamlfast._KEPT_TREE  # the huge file had a tree of its own
    emitted = bytes(yamlfast._json_of(yamlfast.ryml.parse_in_arena(b"- a: b\n"))).decode()
    assert re.fullmatch(r'\[\s*\{\s*"a": "b"\s*\}\s*\]\s*', emitted)


def test_files_read_one_after_another_in_the_kept_tree_read_as_each_alone(tmp_path):
    written = write_synthetic_directory(tmp_path / "synthetic", 120, seed=3, today=TODAY, per_file=40)
    texts = [path.read_bytes() for path in written] + [b"- a: b\n", b"- x: [1, 2]\n"]
    alone = [strict_entries(text)[0] for text in texts]
    for _ in range(2):  # each file after a longer and after a shorter one
        for text, expected in zip(texts, alone, strict=True):
            assert yamlfast.read_entries(text) == expected
    assert yamlfast._kept.tree.arena_capacity() <= 2 * yamlfast._KEPT_TREE


_PIECES = [" ", ":", '"', "'", "\n", "0", "#", "-", "[", "]", "{", "}", ",", "y", "~", "9:30", "\n  ", ": ", "- ", "\r"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.floats(0, 1), st.sampled_from(_PIECES), st.booleans()), min_size=1, max_size=3))
def test_valid_files_with_a_few_characters_changed_are_declined_or_read_as_the_strict_reader_reads_them(edits):
    # How ] at a value's start, [:a], "- # comment" and the like were found: libyaml refuses or
    # reads them otherwise, rapidyaml reads on.
    text = CLINIC + MEETING
    for where, piece, delete in edits:
        at = int(where * len(text))
        text = text[:at] + (text[at + 1 :] if delete else piece + text[at:])
    test_generated_files_are_declined_or_read_as_the_strict_reader_reads_them.hypothesis.inner_test(text)


def test_each_thread_reads_into_a_tree_and_a_buffer_of_its_own():
    """The kept tree and buffer are cleared and written for each file: two threads sharing them
    would read each other's files."""
    assert yamlfast.read_entries(b"- a: b\n") == [({"a": "b"}, 1)]
    mine = (yamlfast._kept.tree, yamlfast._kept.buffer)
    theirs = []

    def read_elsewhere():
        theirs.append(yamlfast.read_entries(b"- c: d\n"))
        theirs.append((yamlfast._kept.tree, yamlfast._kept.buffer))

    thread = threading.Thread(target=read_elsewhere)
    thread.start()
    thread.join()
    assert theirs[0] == [({"c": "d"}, 1)]
    assert theirs[1][0] is not mine[0] and theirs[1][1] is not mine[1]
    assert (yamlfast._kept.tree, yamlfast._kept.buffer) == mine


@pytest.mark.parametrize(
    "text",
    [
        "- a: 1\n  a: 1\n",  # the same value twice: the dict looks whole
        "- a: [x, y]\n  b: c\n  a: [x, y]\n",
        "- a:\n    b: {c: d}\n    b: {c: d}\n",  # deeper, with a mapping as the value
        "- a: b\n- c:\n    - d: 1\n      d: 2\n",  # in a later entry's list
        "- a: {x: 1, x: 1}\n",  # in a flow mapping
        "- a: {}\n  a: {}\n",  # an empty mapping dropped holds no values of its own
        "- a: []\n  b: 1\n  a: []\n",
    ],
)
def test_a_key_twice_at_any_depth_is_declined(text):
    # json keeps one of the two values, so the values left are fewer than rapidyaml's nodes.
    assert strict_entries(text.encode())[1], "the strict reader reports this file"
    assert yamlfast.read_entries(text.encode()) is None


def test_each_node_of_the_tree_is_one_value_of_the_json(tmp_path):
    # The duplicate-key test counts values against nodes, so a file without one must come out equal.
    assert yamlfast._REFERENTS_ARE_VALUES, "gc.get_referents of a dict with text keys gives its values only"
    written = write_synthetic_directory(tmp_path / "synthetic", 200, seed=7, today=TODAY, per_file=50)
    texts = [path.read_bytes() for path in written] + [b"- a: {}\n  b: []\n  c:\n  d: [[], {}, [1, {e: f}]]\n"]
    for text in texts:
        tree = yamlfast.ryml.parse_in_arena(text)
        values = json.loads(yamlfast._json_of(tree, len(text)))
        assert yamlfast._values_in(values) == tree.size()
        assert yamlfast.read_entries(text) is not None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.recursive(
        st.sampled_from(["a", "1", "x y"]),
        lambda inner: (
            st.lists(inner, max_size=3) | st.lists(st.tuples(st.sampled_from(["k", "m", "n1"]), inner), max_size=3)
        ),
        max_leaves=12,
    )
)
def test_the_fast_reader_declines_exactly_the_files_with_a_key_twice(shape):
    # Files of nested lists and mappings, some with a key written twice at some depth: the count of
    # values against nodes agrees with the strict reader's duplicate-key problem either way.
    def block(value, indent):
        pad = " " * indent
        if isinstance(value, str):
            return " " + value + "\n"
        if not value:
            return " []\n" if isinstance(value, list) else " {}\n"
        if isinstance(value[0], tuple):
            return "\n" + "".join(f"{pad}{key}:{block(inner, indent + 2)}" for key, inner in value)
        return "\n" + "".join(f"{pad}-{block(inner, indent + 2)}" for inner in value)

    text = "- top:" + block(shape, 4)
    entries, issues = strict_entries(text.encode())
    fast = yamlfast.read_entries(text.encode())
    twice = any("twice" in str(issue) or "duplicate" in str(issue).lower() for issue in issues)
    if twice:
        assert fast is None, text
    elif fast is not None:
        assert fast == entries, text
