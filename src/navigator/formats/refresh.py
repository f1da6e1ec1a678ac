"""``refresh``: fetch each due source of the sources file, import it, validate, and write atomically.

Per source: fetch (a conditional GET against the last good fetch; an unchanged source re-imports
its last good copy, now vouched for again), read with the format's importer, merge into a staging
copy of its output folder (entries the source no longer lists are removed there, unless a person
verified them), validate the staged folder, and only then replace the changed files, each
atomically. A source that fails at any step (network, a file that cannot be read, entries that do
not validate, a source suddenly listing nothing) changes nothing and keeps its last good data.

What happened is kept in a state file beside the sources file (``sources.state.json``): when each
source was last tried and last refreshed, the date its entries are listed as of, the validators
for the next conditional GET, the counts, and the reason of its last failure. The About page shows it.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from navigator.directory.loader import check_directory, directory_files
from navigator.directory.problems import DirectoryError
from navigator.directory.yamlwrite import write_yaml_atomic
from navigator.files import SHARED, locked, write_bytes_atomic
from navigator.formats import progress
from navigator.formats.batch import UnreadableSource
from navigator.formats.fetch import DEFAULT_POLICY, FetchError, FetchPolicy, fetch, file_name_of, with_fetch_time
from navigator.formats.runner import run_import
from navigator.formats.sources import Source, load_sources, reader_for

STATE_FILE = "sources.state.json"
CACHE_FOLDER = ".sources-cache"  # beside the sources file: each source's last good copy


@dataclass
class SourceResult:
    name: str
    ok: bool
    due: bool = True
    reason: str = ""  # why it failed, or why it was not due
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    listed_as_of: str | None = None
    not_modified: bool = False

    def summary(self) -> str:
        if not self.due:
            return f"{self.name}: not due ({self.reason})"
        if not self.ok:
            return f"{self.name}: FAILED: {self.reason}; its last good data is kept"
        unchanged = ", not modified since the last fetch" if self.not_modified else ""
        return (
            f"{self.name}: added {len(self.added)}, changed {len(self.changed)}, removed {len(self.removed)}, "
            f"skipped {len(self.skipped)} (listed as of {self.listed_as_of or 'no date'}{unchanged})"
        )


def state_path(sources_file: Path) -> Path:
    return Path(sources_file).parent / STATE_FILE


def load_state(sources_file: Path) -> dict:
    """Each source's last refresh, by name ({} when there has been none, or the file is unreadable)."""
    try:
        state = json.loads(state_path(sources_file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def is_due(source: Source, state: dict, now: dt.datetime) -> tuple[bool, str]:
    last = state.get(source.name) or {}
    if source.every is None or last.get("error") or not last.get("last_success"):
        return True, ""
    next_time = dt.datetime.fromisoformat(last["last_success"]) + source.every
    if now >= next_time:
        return True, ""
    return False, f"refreshed {last['last_success'][:16].replace('T', ' ')} UTC; next after {next_time:%Y-%m-%d %H:%M}"


def refresh(
    sources: list[Source],
    directory: Path,
    sources_file: Path,
    *,
    only: str | None = None,
    now: dt.datetime | None = None,
    policy: FetchPolicy = DEFAULT_POLICY,
    say: Callable[[str], None] = print,
) -> list[SourceResult]:
    """Refresh every due source (``only``: that one, due or not); report each through ``say``."""
    now = now or dt.datetime.now(dt.UTC)
    results = []
    with locked(state_path(sources_file)):
        state = load_state(sources_file)
        for source in sources:
            if only is not None and source.name != only:
                continue
            due, why = (True, "") if only else is_due(source, state, now)
            if not due:
                result = SourceResult(source.name, True, due=False, reason=why)
            else:
                say(f"{source.name}: {source.format} from {source.location}")
                progress.source(source.name)
                result = _refresh_one(source, directory, sources_file, state, now, policy, say)
                progress.done()
                _remember(state, source, result, now)
                write_bytes_atomic(
                    state_path(sources_file), json.dumps(state, indent=2, sort_keys=True).encode(), SHARED
                )
            say(result.summary())
            results.append(result)
    return results


def _refresh_one(
    source: Source,
    directory: Path,
    sources_file: Path,
    state: dict,
    now: dt.datetime,
    policy: FetchPolicy,
    say: Callable[[str], None],
) -> SourceResult:
    last = state.get(source.name) or {}
    cache = Path(sources_file).parent / CACHE_FOLDER / source.name
    result = SourceResult(source.name, False)
    try:
        read = reader_for(source.format)
        path, fetched = source.location, None
        if source.remote:
            kept = cache / (last.get("body") or file_name_of(source.location))
            have_copy = kept.exists()
            fetched = fetch(
                source.location,
                cache / ("new-" + kept.name),
                etag=last.get("etag") if have_copy else None,
                last_modified=last.get("last_modified") if have_copy else None,
                policy=policy,
            )
            result.not_modified = fetched.not_modified
            if not fetched.not_modified:
                # Read under the URL's own file name: ids and the output file derive from it.
                staged_body = cache / "incoming" / kept.name
                staged_body.parent.mkdir(parents=True, exist_ok=True)
                fetched.path.replace(staged_body)
                path = staged_body
            else:
                path = kept
        options = dict(source.options)
        if source.remote and "source_url" in inspect.signature(read).parameters:
            options["source_url"] = source.location  # an API's further pages are fetched from it
        batch = with_fetch_time(read(Path(path), **options), fetched)
        if not batch.records and batch.read == 0:
            raise UnreadableSource(f"{source.location}: the source lists nothing")
        outcome = _stage_and_write(source, batch, directory, now, say)
        if source.remote and not fetched.not_modified:
            cache.mkdir(parents=True, exist_ok=True)
            Path(path).replace(cache / Path(path).name)
            for stale in cache.glob("new-*"):
                stale.unlink()
            last["etag"], last["last_modified"], last["body"] = fetched.etag, fetched.last_modified, Path(path).name
            state[source.name] = last
    except (FetchError, UnreadableSource, LookupError) as error:
        result.reason = str(error)
        return result
    except DirectoryError as error:
        result.reason = "; ".join(error.report.lines()[:5])
        return result
    except TypeError as error:  # options the importer does not take
        result.reason = f"the {source.format} import does not take these options: {error}"
        return result
    except OSError as error:
        result.reason = f"cannot write {source.out}: {error.strerror or error}"
        return result
    result.ok = True
    result.added, result.changed = outcome.imported, outcome.updated
    result.removed, result.skipped = outcome.removed, outcome.skipped
    listed = batch.provenance.listed_as_of if batch.provenance else None
    result.listed_as_of = listed.isoformat() if listed else None
    return result


def _stage_and_write(source: Source, batch, directory: Path, now: dt.datetime, say):
    """Merge into a copy of the output folder, validate the copy, then replace what changed."""
    out = Path(directory) / source.out
    with tempfile.TemporaryDirectory(prefix=f".refresh-{source.name}-", dir=Path(directory).parent) as scratch:
        staged = Path(scratch) / "out"
        if out.is_dir():
            shutil.copytree(out, staged, ignore=shutil.ignore_patterns(".*"))
        lines: list[str] = []
        outcome = run_import(batch, staged, today=now.date(), say=lines.append, remove_gone=True)
        for line in lines[:-1]:  # the runner's summary line is said as the source's own
            say(f"  {line}")
        if outcome.read and not outcome.imported and not outcome.merged:
            raise UnreadableSource(f"{source.location}: none of its {outcome.read} records could be imported")
        _, report = check_directory(staged, today=now.date(), label_root=str(out))
        if not report.ok:
            raise DirectoryError(report)
        out.mkdir(parents=True, exist_ok=True)
        for path in directory_files(staged):
            target = out / path.relative_to(staged)
            text = path.read_text(encoding="utf-8")
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                target.parent.mkdir(parents=True, exist_ok=True)
                write_yaml_atomic(target, text)
    return outcome


def _remember(state: dict, source: Source, result: SourceResult, now: dt.datetime) -> None:
    last = state.setdefault(source.name, {})
    last.update(format=source.format, location=source.location, out=source.out, last_attempt=now.isoformat())
    if result.ok:
        last.update(
            last_success=now.isoformat(),
            listed_as_of=result.listed_as_of,
            error=None,
            counts={
                "added": len(result.added),
                "changed": len(result.changed),
                "removed": len(result.removed),
                "skipped": len(result.skipped),
            },
        )
    else:
        last["error"] = result.reason


@dataclass(frozen=True)
class SourceStatus:
    """One source as the About page shows it."""

    name: str
    format: str
    location: str
    listed_as_of: str | None  # None: never refreshed, or the source gives no date
    last_success: str | None
    error: str | None  # the reason the last refresh failed (its last good data is still served)


def source_statuses(sources_file: Path) -> list[SourceStatus]:
    """Every source of the sources file with its state ([] when there is no sources file or it has problems)."""
    if not Path(sources_file).is_file():
        return []
    sources, report = load_sources(Path(sources_file))
    state = load_state(sources_file)
    statuses = []
    for source in sources:
        last = state.get(source.name) or {}
        statuses.append(
            SourceStatus(
                source.name,
                source.format,
                source.location if source.remote else Path(source.location).name,
                last.get("listed_as_of"),
                last.get("last_success"),
                last.get("error"),
            )
        )
    return statuses
