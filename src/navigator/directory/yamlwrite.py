"""Writing directory entries as YAML that the strict reader (``yamlread``) accepts unchanged.

PyYAML leaves ``09:30``, ``303-555-0142`` or ``Yes`` plain when YAML 1.1 would not coerce them the
way it fears, but the strict reader refuses anything YAML 1.1 *could* read as a number, time,
date or yes/no. So every text that starts like a number, or is one of YAML's special words, is
written in double quotes; everything else is left to PyYAML, which quotes what a plain scalar
cannot hold. Keys follow the order of directory/README.md so that written files read like the
hand-written ones, and no anchors or aliases are ever emitted.
"""

from __future__ import annotations

import re

import yaml

from navigator.directory.schema import (
    EMPLOYMENT_FIELDS,
    HOUSING_FIELDS,
    LOCATION_FIELDS,
    MEETING_FIELDS,
    MOUD_FIELDS,
    PHONE_FIELDS,
    TOP_FIELDS,
)
from navigator.files import SHARED, write_bytes_atomic

try:
    from yaml import CSafeDumper as _BaseDumper
except ImportError:  # PyYAML without libyaml: same output, slower
    from yaml import SafeDumper as _BaseDumper  # type: ignore[assignment]

# The order keys are written in, by the key that holds the mapping (None: an entry itself).
KEY_ORDER = {
    None: TOP_FIELDS,
    "location": LOCATION_FIELDS,
    "phones": PHONE_FIELDS,
    "moud": MOUD_FIELDS,
    "meeting": MEETING_FIELDS,
    "housing": HOUSING_FIELDS,
    "employment": EMPLOYMENT_FIELDS,
    "hours": ("days", "opens", "closes"),
    "times": ("days", "start", "end"),
    "medication_policy": ("buprenorphine", "methadone", "naltrexone"),
}

# Words YAML 1.1 reads as booleans or null, in any capitalisation.
_SPECIAL_WORDS = frozenset({"yes", "no", "on", "off", "y", "n", "true", "false", "null", "~"})
_NUMBER_LIKE_START = re.compile(r"[0-9+\-.]")
_WIDTH = 100


class _OrderedKeys(dict):
    """A mapping whose keys are already in writing order (the representer must not sort them)."""


class _DirectoryDumper(_BaseDumper):
    def ignore_aliases(self, data):
        return True


def _must_quote(text: str) -> bool:
    return not text or bool(_NUMBER_LIKE_START.match(text)) or text.lower() in _SPECIAL_WORDS or text != text.strip()


def _represent_text(dumper: yaml.Dumper, text: str):
    if _must_quote(text):
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
    if "\n" in text.strip("\n"):
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", text)


def _represent_mapping(dumper: yaml.Dumper, mapping: _OrderedKeys):
    return dumper.represent_mapping("tag:yaml.org,2002:map", mapping.items(), flow_style=False)


def _represent_list(dumper: yaml.Dumper, items: list):
    only_scalars = all(not isinstance(item, (dict, list)) for item in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=only_scalars)


_DirectoryDumper.add_representer(str, _represent_text)
_DirectoryDumper.add_representer(_OrderedKeys, _represent_mapping)
_DirectoryDumper.add_representer(list, _represent_list)
_DirectoryDumper.add_representer(tuple, _represent_list)


def _ordered(value, holder: str | None = None):
    """``value`` with mappings in README key order (unknown keys last, as they came), nulls dropped.

    An absent field and a null one mean the same in the directory, so nulls are not written.
    """
    if isinstance(value, dict):
        order = KEY_ORDER.get(holder, ())
        rank = {key: index for index, key in enumerate(order)}
        keys = sorted(
            (key for key in value if value[key] is not None),
            key=lambda key: (rank.get(key, len(order)),),
        )
        return _OrderedKeys((key, _ordered(value[key], key)) for key in keys)
    if isinstance(value, (list, tuple)):
        return [_ordered(item, holder) for item in value]
    return value


def dump_entries(entries: list[dict], header: str | None = None) -> str:
    """``entries`` as the text of one directory file: a YAML list, one blank line between entries.

    ``header`` (optional, may span lines) is written first as ``#`` comment lines.
    """
    parts = []
    if header:
        parts.append("".join(f"# {line}".rstrip() + "\n" for line in header.splitlines()))
    for entry in entries:
        parts.append(
            yaml.dump(
                [_ordered(entry)],
                Dumper=_DirectoryDumper,
                allow_unicode=True,
                sort_keys=False,
                width=_WIDTH,
                indent=2,
            )
        )
    return "\n".join(parts) if parts else "[]\n"


def write_yaml_atomic(path, text: str) -> None:
    """Replace ``path`` with ``text`` at once: readers see the old file or the new, never half."""
    write_bytes_atomic(path, text.encode("utf-8"), SHARED)
