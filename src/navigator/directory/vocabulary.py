"""The directory's vocabulary (categories and need codes), read from ``vocabulary.yaml``.

The codes live in data so that adding one is a data change, reviewed like any entry. So do their
words in other languages: a ``translations`` section holds, per language, the labels of categories,
groups and codes; a label a language lacks falls back to the English one.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

from navigator.directory.problems import DirectoryError, Report
from navigator.directory.yamlread import NodeConverter, YamlSyntaxError, compose
from navigator.i18n import DEFAULT_LANGUAGE, current_language

VOCABULARY_FILE = "vocabulary.yaml"
# The vocabulary every directory shares unless it carries its own; a file of the package, so the package
# works wherever it is installed (importers need it before any directory exists).
PACKAGED_VOCABULARY = Path(str(resources.files("navigator.directory").joinpath(VOCABULARY_FILE)))
CODE_FIELDS = ("needs", "payment", "serves")


def _in_language(names: dict) -> str:
    return names.get(current_language()) or names[DEFAULT_LANGUAGE]


@dataclass(frozen=True)
class CodeGroup:
    id: str
    names: dict  # language -> label
    field: str
    codes: tuple[str, ...]

    @property
    def label(self) -> str:
        """The group's label in the current language."""
        return _in_language(self.names)


@dataclass(frozen=True)
class Category:
    id: str
    names: dict  # language -> label
    adds: tuple[str, ...]

    @property
    def label(self) -> str:
        """The category's label in the current language."""
        return _in_language(self.names)


@dataclass(frozen=True)
class Vocabulary:
    categories: dict  # id -> Category
    groups: tuple[CodeGroup, ...]
    labels: dict  # code -> plain-words label in English (in vocabulary order): the known codes
    fingerprint: str
    translated: dict = field(default_factory=dict)  # language -> code -> label

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.labels)

    @cached_property
    def group_by_code(self) -> dict[str, CodeGroup]:
        """Each code's group (the first that lists it), worked out once per vocabulary: checking a
        national directory asks for the group of every code of every entry."""
        found: dict[str, CodeGroup] = {}
        for group in self.groups:
            for code in group.codes:
                found.setdefault(code, group)
        return found

    @cached_property
    def field_by_code(self) -> dict[str, str]:
        """Each code's field (``needs``, ``payment`` or ``serves``), as ``field_of`` answers."""
        return {code: group.field for code, group in self.group_by_code.items()}

    def group_of(self, code: str) -> CodeGroup | None:
        return self.group_by_code.get(code)

    def field_of(self, code: str) -> str | None:
        return self.field_by_code.get(code)

    def label(self, code: str) -> str:
        """The code's label in the current language (English where that language has none)."""
        translated = self.translated.get(current_language(), {}).get(code)
        return translated or self.labels.get(code, code.replace("_", " "))

    def category_label(self, category: str) -> str:
        known = self.categories.get(category)
        return known.label if known else category.replace("_", " ")

    def suggest(self, code: str, choices=None) -> str | None:
        """The known code nearest to ``code``, for "did you mean" messages."""
        choices = list(choices if choices is not None else self.labels)
        lowered = code.lower()
        if lowered in choices:
            return lowered
        close = difflib.get_close_matches(lowered, choices, n=1, cutoff=0.6)
        if close:
            return close[0]
        same_start = [choice for choice in choices if len(lowered) >= 3 and choice.startswith(lowered[:3])]
        return same_start[0] if same_start else None


def vocabulary_path(directory: Path) -> Path:
    """The directory's own ``vocabulary.yaml`` where it has one, else the vocabulary the package ships."""
    own = Path(directory) / VOCABULARY_FILE
    return own if own.exists() else PACKAGED_VOCABULARY


def load_vocabulary(directory: Path | str) -> Vocabulary:
    path = vocabulary_path(Path(directory))
    return parse_vocabulary(path.read_bytes(), str(path))


def parse_vocabulary(data: bytes, file_label: str) -> Vocabulary:
    report = Report()
    try:
        root = compose(data)
    except YamlSyntaxError as error:
        report.add(file_label, error.line, "", "", error.message)
        raise DirectoryError(report) from None
    converter = NodeConverter()
    raw = converter.convert(root) if root is not None else None
    for issue in converter.issues:
        report.add(file_label, issue.line, "", "", issue.message)
    if (
        not isinstance(raw, dict)
        or not isinstance(raw.get("categories"), dict)
        or not isinstance(raw.get("groups"), list)
    ):
        report.add(file_label, 1, "", "", "the vocabulary needs a `categories` mapping and a `groups` list")
        raise DirectoryError(report)

    labels: dict[str, str] = {}
    groups = []
    for group in raw["groups"]:
        if not isinstance(group, dict) or not isinstance(group.get("codes"), dict):
            report.add(
                file_label, root.start_mark.line + 1, "", "groups", "each group needs id, label, field and codes"
            )
            continue
        if group.get("field") not in CODE_FIELDS:
            report.add(
                file_label, 1, "", f"groups.{group.get('id')}.field", f"field must be one of {', '.join(CODE_FIELDS)}"
            )
        for code, label in group["codes"].items():
            if code in labels:
                report.add(file_label, 1, "", f"groups.{group.get('id')}", f"code '{code}' is listed twice")
            labels[code] = str(label)
        groups.append(
            CodeGroup(
                str(group.get("id")),
                {DEFAULT_LANGUAGE: str(group.get("label"))},
                str(group.get("field")),
                tuple(group["codes"]),
            )
        )
    categories = {}
    for category_id, spec in raw["categories"].items():
        spec = spec if isinstance(spec, dict) else {}
        adds = tuple(spec.get("adds") or ())
        for code in adds:
            if code not in labels:
                report.add(file_label, 1, "", f"categories.{category_id}.adds", f"unknown code '{code}'")
        categories[category_id] = Category(category_id, {DEFAULT_LANGUAGE: str(spec.get("label", category_id))}, adds)
    translated = _translations(raw.get("translations"), labels, categories, groups, file_label, report)
    if not report.ok:
        raise DirectoryError(report)
    return Vocabulary(categories, tuple(groups), labels, hashlib.sha256(data).hexdigest(), translated)


def _translations(raw, labels: dict, categories: dict, groups: list, file_label: str, report: Report) -> dict:
    """The ``translations`` section: per language, labels of ``categories``, ``groups`` and ``codes``.

    Adds each language's category and group labels to their ``names``; returns language -> code -> label.
    """
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        report.add(file_label, 1, "", "translations", "translations must map a language code to its labels")
        return {}
    by_id = {group.id: group for group in groups}
    translated: dict[str, dict[str, str]] = {}
    for language, sections in raw.items():
        where = f"translations.{language}"
        if not isinstance(sections, dict):
            report.add(file_label, 1, "", where, "each language needs categories, groups and codes mappings")
            continue
        known = {"categories": categories, "groups": by_id, "codes": labels}
        for section, table in sections.items():
            if section not in known or not isinstance(table, dict):
                report.add(file_label, 1, "", f"{where}.{section}", "expected categories, groups or codes mappings")
                continue
            for key, label in table.items():
                if key not in known[section]:
                    report.add(file_label, 1, "", f"{where}.{section}", f"unknown {section[:-1]} '{key}'")
                elif section == "codes":
                    translated.setdefault(str(language), {})[key] = str(label)
                else:
                    known[section][key].names[str(language)] = str(label)
    return translated
