import os
import subprocess
import sys

import pytest
from tests.conftest import PROJECT_ROOT

from navigator.directory.yamlread import MAX_DEPTH, NodeConverter, YamlSyntaxError, compose, line_of


def convert(text: str):
    converter = NodeConverter()
    value = converter.convert(compose(text))
    return value, [(issue.line, issue.message) for issue in converter.issues]


def test_quoted_zip_time_and_phone_stay_text():
    value, issues = convert('zip: "02134"\nopens: "09:30"\nphone: "303-555-0100"\n')
    assert value == {"zip": "02134", "opens": "09:30", "phone": "303-555-0100"}
    assert issues == []


def test_unquoted_zip_with_leading_zero_is_reported_not_read_as_octal():
    value, issues = convert("zip: 02134\n")
    assert value == {"zip": "02134"}
    assert issues == [(1, '02134 has a leading zero, which YAML reads as an octal number: write "02134" in quotes')]


def test_unquoted_time_is_reported_not_read_as_base_60():
    value, issues = convert("opens: 9:30\n")
    assert value == {"opens": "9:30"}
    assert "base-60" in issues[0][1]


@pytest.mark.parametrize("word", ["NO", "yes", "On", "off", "y", "N"])
def test_yaml_1_1_booleans_are_reported_not_guessed(word):
    value, issues = convert(f"country: {word}\n")
    assert value == {"country": word}
    assert "yes/no value" in issues[0][1]


def test_unquoted_time_with_leading_zero_is_text_as_pyyaml_reads_it():
    assert convert("opens: 08:00\ncloses: 10:30\n")[1] == [
        (2, '10:30 is read by YAML as a base-60 number, not a time: write "10:30" in quotes')
    ]


def test_plain_scalars_get_only_safe_types():
    value, issues = convert("a: true\nb: false\nc: 12\nd: -1.5\ne: null\nf: ~\ng: 2026-01-01\nh: Denver\n")
    assert value == {"a": True, "b": False, "c": 12, "d": -1.5, "e": None, "f": None, "g": "2026-01-01", "h": "Denver"}
    assert issues == []


def test_duplicate_key_is_reported_with_its_line_and_first_value_kept():
    value, issues = convert("name: first\ncity: Denver\nname: second\n")
    assert value == {"name": "first", "city": "Denver"}
    assert issues == [(3, "duplicate key 'name'")]


def test_alias_bomb_is_refused_without_expanding():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    value, issues = convert(bomb)
    assert value["a"] == ["x"] * 9
    assert value["b"] == [None] * 9
    assert all(message == "YAML anchors and aliases (&name, *name) are not allowed" for _, message in issues)
    assert len(issues) == 8  # each aliased anchor once, however often it is repeated; nothing expanded


def test_explicit_tags_are_refused():
    _, issues = convert("x: !!python/object:os.system echo\ncount: !!int '7'\n")
    assert [line for line, _ in issues] == [1, 2]
    assert all("explicit YAML tags" in message for _, message in issues)


def test_syntax_error_names_its_line():
    with pytest.raises(YamlSyntaxError) as caught:
        compose("a: 1\nb: [unclosed\nc: 3\n")
    assert caught.value.line in (2, 3)
    assert caught.value.message.startswith("not valid YAML")


def test_line_of_finds_nested_values():
    root = compose("- id: x\n  location:\n    zip: '80222'\n  needs: [a, b]\n")
    assert line_of(root, (0, "location", "zip")) == 3
    assert line_of(root, (0, "needs", 1)) == 4
    assert line_of(root, (0, "missing")) == 1


def test_directory_files_are_composed_by_libyaml_when_pyyaml_has_it():
    import yaml

    from navigator.directory.yamlread import _UntypedComposer

    assert yaml.__with_libyaml__  # PyYAML's wheels bundle libyaml; without it loads are three times slower
    assert issubclass(_UntypedComposer, yaml.cyaml.CParser)


def test_a_document_nested_deeper_than_the_limit_is_refused_at_its_line_before_composing():
    # The list is level 1, the entry 2, and the mapping under each "a:" one more, starting on the
    # next line: level 41 starts on line 41.
    nested = "- id: x\n" + "".join("  " * level + "a:\n" for level in range(1, 60)) + "  " * 60 + "a: 1\n"

    with pytest.raises(YamlSyntaxError) as refused:
        compose(nested)

    assert refused.value.line == MAX_DEPTH + 1
    assert "nested more than" in refused.value.message


@pytest.mark.parametrize("bomb", ["[" * 60_000, "- " * 60_000 + "x", "[" * 500 + "]" * 500])
def test_validate_reports_a_nesting_bomb_as_file_and_line_never_a_crash(tmp_path, bomb):
    folder = tmp_path / "directory"
    folder.mkdir()
    (folder / "bomb.yaml").write_text(bomb + "\n", encoding="utf-8")

    # A child process: before the check, libyaml's composer died of signal 11 here.
    result = subprocess.run(
        [sys.executable, "-m", "navigator", "validate", str(folder)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT / "src"), str(PROJECT_ROOT)])},
        timeout=120,
    )

    assert result.returncode == 1, result.stderr[-2000:]
    assert "bomb.yaml:1:" in result.stdout and "nested more than" in result.stdout
    assert "Traceback" not in result.stderr
