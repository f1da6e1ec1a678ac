"""The sources file (``sources.yaml``, beside the directory): which sources ``refresh`` keeps fresh.

```yaml
sources:
  - name: sussex-aa                  # letters, digits, '-' and '_'; how reports and --only name it
    format: meeting-guide            # samhsa | hsds | meeting-guide | findtreatment | bmlt | oiaa
    url: https://example.org/feed.json   # or path: a file or folder, relative to this file
    out: imported/meetings           # the folder under the directory the entries go to
    every: 1d                        # how often: 30m, 6h, 1d, 7d (omitted: on every refresh)
    options: {fellowship: aa}        # the import's own options
```

``load_sources`` reads and checks the whole file, collecting every problem (file, line, source,
field, message) into one report; a file with problems refreshes nothing. ``reader_for`` gives each
format's importer, loaded when a refresh needs it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import re
from dataclasses import dataclass, field
from pathlib import Path

from yaml.nodes import MappingNode, SequenceNode

from navigator.directory.problems import Report
from navigator.directory.yamlread import NodeConverter, YamlSyntaxError, compose, line_of
from navigator.formats.fetch import is_url

SOURCES_FILE = "sources.yaml"
# Each format's importer, as module:function; each takes the path of a file or folder as its first
# argument and the source's options as keywords.
READERS = {
    "samhsa": "navigator.formats.samhsa:read_samhsa",
    "hsds": "navigator.formats.hsds.entries:read_hsds",
    "meeting-guide": "navigator.formats.meeting_guide:read_meeting_guide",
    "findtreatment": "navigator.formats.findtreatment:read_findtreatment",
    "bmlt": "navigator.formats.bmlt:read_bmlt",
    "oiaa": "navigator.formats.oiaa:read_oiaa",
}
SOURCE_FIELDS = ("name", "format", "url", "path", "out", "every", "options")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z")
_EVERY = re.compile(r"(\d+)\s*(m|h|d|w)\Z")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class Source:
    name: str
    format: str
    location: str  # an http(s) URL, or a path resolved against the sources file
    out: str  # relative to the directory
    every: dt.timedelta | None  # None: on every refresh
    options: dict = field(default_factory=dict)
    line: int = 0

    @property
    def remote(self) -> bool:
        return is_url(self.location)


def default_sources_file(directory: Path) -> Path:
    """``sources.yaml`` beside the directory folder."""
    return Path(directory).resolve().parent / SOURCES_FILE


def parse_every(text) -> dt.timedelta | None:
    match = _EVERY.match(str(text).strip().lower()) if text is not None else None
    if not match or int(match[1]) == 0:
        return None
    return dt.timedelta(**{_UNITS[match[2]]: int(match[1])})


def load_sources(path: Path) -> tuple[list[Source], Report]:
    """Every source of the file and every problem found (all of them, not just the first)."""
    report = Report()
    label = str(path)
    try:
        root = compose(path.read_bytes())
    except OSError as error:
        report.add(label, 0, "", "", f"cannot be read: {error.strerror or error}")
        return [], report
    except YamlSyntaxError as error:
        report.add(label, error.line, "", "", error.message)
        return [], report
    listed = root.value if isinstance(root, MappingNode) else None
    node = next((value for key, value in listed or () if key.value == "sources"), None)
    if not isinstance(node, SequenceNode):
        report.add(label, root.start_mark.line + 1 if root else 1, "", "sources", "must be a list of sources")
        return [], report
    sources, names = [], set()
    for index, item in enumerate(NodeConverter().convert(node)):
        line = line_of(node, (index,))
        name = item.get("name") if isinstance(item, dict) else None
        if name is not None and name in names:
            report.add(label, line, str(name), "name", "used by another source: names must be unique")
        names.add(name)
        source = _check(item, line, label, path.parent, report)
        if source is not None:
            sources.append(source)
    return (sources if report.ok else []), report


def _check(item, line: int, label: str, base: Path, report: Report) -> Source | None:
    if not isinstance(item, dict):
        report.add(label, line, "", "", "a source is a mapping of name, format, url or path, out")
        return None
    name = str(item.get("name") or "")
    before = len(report.problems)

    def problem(field_name: str, message: str) -> None:
        report.add(label, line, name, field_name, message)

    for key in item:
        if key not in SOURCE_FIELDS:
            problem(str(key), f"unknown field; a source has {', '.join(SOURCE_FIELDS)}")
    if not _NAME.match(name):
        problem("name", "is required: letters, digits, '-' and '_'")
    kind = item.get("format")
    if kind not in READERS:
        problem("format", f"'{kind}' is not one of {', '.join(READERS)}")
    url, path = item.get("url"), item.get("path")
    if (url is None) == (path is None):
        problem("url", "give either url (http:// or https://) or path")
    elif url is not None and not is_url(str(url)):
        problem("url", f"'{url}' is not an http:// or https:// address (a file is given as path)")
    out = item.get("out")
    if not isinstance(out, str) or not out.strip() or Path(out).is_absolute() or ".." in Path(out).parts:
        problem("out", "is required: a folder inside the directory, like imported/meetings")
    every = item.get("every")
    if every is not None and parse_every(every) is None:
        problem("every", f"'{every}' is not a period like 30m, 6h, 1d or 2w")
    options = item.get("options") or {}
    if not isinstance(options, dict):
        problem("options", "must be a mapping, like {fellowship: aa}")
    elif kind in READERS:
        unknown = _unknown_options(kind, options)
        if unknown:
            problem("options", f"{', '.join(unknown)}: not an option of the {kind} import")
    if len(report.problems) > before:
        return None
    location = str(url) if url is not None else str((base / str(path)).resolve())
    return Source(name, kind, location, out.strip(), parse_every(every), dict(options), line)


def reader_for(kind: str):
    """The importer of a format; raises LookupError when it is not installed in this version."""
    module_name, _, function = READERS[kind].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        raise LookupError(f"the {kind} importer is not available in this version") from None
    return getattr(module, function)


def _unknown_options(kind: str, options: dict) -> list[str]:
    try:
        parameters = inspect.signature(reader_for(kind)).parameters
    except LookupError:
        return []
    allowed = [name for name in list(parameters)[1:] if name != "today"]
    return [str(name) for name in options if name not in allowed]
