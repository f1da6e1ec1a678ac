"""Publishing: the approved changes held in the shared database, written into the YAML files.

With several servers the YAML directory stays the reviewable source of truth: ``publish`` (run on
the machine that holds the directory's git checkout) applies every change not yet published with
the line-preserving edits of an approval (``directory.overlay``), checks the whole directory as it
would then be, writes each touched file atomically under the directory's lock, commits them where
the directory is in a git checkout (naming each suggestion and its reviewer; pushed where the
branch has an upstream), and marks the changes published. A change already in the files is marked
without writing anything, so publishing again, or after a crash at any point, applies nothing
twice; one publisher runs at a time (an advisory lock in the database).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from navigator.directory.loader import load_directory
from navigator.directory.overlay import overlay
from navigator.directory.problems import DirectoryError
from navigator.files import SHARED, locked, write_text_atomic
from navigator.review.decisions import ReviewError
from navigator.review.pg_store import PostgresSuggestionStore

GIT_TIMEOUT_SECONDS = 120
# Used only where git has no identity of its own configured for the checkout.
FALLBACK_IDENTITY = ("Recovery Navigator", "navigator@localhost")


@dataclass
class Published:
    """What one run of ``publish`` did."""

    revisions: list[int] = field(default_factory=list)  # newly marked published
    files: list[str] = field(default_factory=list)  # written
    commit: str | None = None
    pushed: bool = False
    skipped: list[tuple[int, str]] = field(default_factory=list)  # left out, with why
    git_problem: str = ""


def _git(folder: Path, *arguments: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", "-C", str(folder), *arguments],
        capture_output=True,
        text=True,
        check=check,
        timeout=GIT_TIMEOUT_SECONDS,
    )


def git_root(folder: Path) -> Path | None:
    """The top of the git checkout holding ``folder``, or None when it is not in one."""
    try:
        found = _git(folder, "rev-parse", "--show-toplevel", check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return Path(found.stdout.strip()) if found.returncode == 0 else None


def commit_message(details: list[dict]) -> str:
    count = len(details)
    lines = [f"Publish {count} approved change{'s' if count != 1 else ''} to the directory", ""]
    for row in details:
        what = f"suggestion {row['reference']}" if row["reference"] else "verification"
        lines.append(f"- {row['entry_id']} in {row['file']}: {what}, approved by {row['reviewer']}")
    return "\n".join(lines) + "\n"


def publish(directory: Path | str, store: PostgresSuggestionStore, commit: bool = True) -> Published:
    """Write the unpublished approved changes into ``directory``'s files (see the module's words)."""
    directory = Path(directory).resolve()
    result = Published()
    with store.publishing(), locked(directory):
        changes = store.entry_changes()
        unpublished = [change for change in changes if not change.published]
        if not unpublished:
            return result
        applied = overlay(directory, changes)
        result.skipped = applied.skipped
        written = {
            name: text
            for name, text in applied.texts.items()
            if not (directory / name).exists() or (directory / name).read_text(encoding="utf-8") != text
        }
        try:
            load_directory(directory, overrides={name: text.encode("utf-8") for name, text in written.items()})
        except DirectoryError as error:
            raise ReviewError("directory_broken", tuple(error.report.sorted())) from None
        for name, text in sorted(written.items()):
            path = directory / name
            path.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(path, text, SHARED)
        result.files = sorted(written)
        touched = sorted({change.file for change in unpublished if (directory / change.file).exists()})
        cannot = {revision for revision, why in applied.skipped if why not in _SETTLED}
        done = [change.revision for change in unpublished if change.revision not in cannot]
        if commit and touched:
            _commit(directory, touched, store.change_details(done), result)
        store.mark_published(done, result.commit)
        result.revisions = done
    return result


# Changes skipped for these reasons are settled: the files hold them, or a person changed the entry since.
_SETTLED = ("already in the files", "edited in the files since")


def _commit(directory: Path, files: list[str], details: list[dict], result: Published) -> None:
    """Commit ``files`` where the directory is in a git checkout (and push to its upstream)."""
    root = git_root(directory)
    if root is None:
        return
    paths = [str((directory / name).resolve()) for name in files]
    try:
        _git(root, "add", "--", *paths)
        if _git(root, "diff", "--cached", "--quiet", "--", *paths, check=False).returncode == 0:
            return  # nothing new to commit: an earlier run committed these already
        identity = []
        if not _git(root, "config", "user.email", check=False).stdout.strip():
            identity = ["-c", f"user.name={FALLBACK_IDENTITY[0]}", "-c", f"user.email={FALLBACK_IDENTITY[1]}"]
        _git(root, *identity, "commit", "--quiet", "-m", commit_message(details), "--", *paths)
        result.commit = _git(root, "rev-parse", "HEAD").stdout.strip()
        if _git(root, "rev-parse", "--abbrev-ref", "@{upstream}", check=False).returncode == 0:
            _git(root, "push", "--quiet")
            result.pushed = True
    except subprocess.CalledProcessError as error:
        result.git_problem = f"git {error.cmd[3] if len(error.cmd) > 3 else ''}: {(error.stderr or '').strip()}"
    except (OSError, subprocess.TimeoutExpired) as error:
        result.git_problem = f"git: {error}"
