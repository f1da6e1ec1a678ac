"""The several-servers commands: ``db upgrade`` (create or migrate the PostgreSQL schema) and
``publish`` (write the approved changes held in the database into the YAML directory).

Both need ``NAVIGATOR_DATABASE_URL``. Exit codes: 0 done; 1 the data has problems (listed) or the
database or git failed (said on stderr); 2 the call is wrong.
"""

from __future__ import annotations

import sys

from navigator.cli.common import UsageError, directory_of
from navigator.database.migrations import SchemaProblem, upgrade
from navigator.database.pool import DatabaseUnavailable, database
from navigator.review.decisions import ReviewError
from navigator.review.pg_store import PostgresSuggestionStore
from navigator.review.publish import publish
from navigator.review.storage import StorageUnavailable
from navigator.settings import load_settings


def _url() -> str:
    url = load_settings().database_url
    if not url:
        raise UsageError("set NAVIGATOR_DATABASE_URL=postgresql://… to name the database")
    return url


def db_upgrade(arguments) -> int:
    url = _url()
    try:
        before, after = upgrade(database(url))
    except DatabaseUnavailable as error:
        print(f"navigator: the database cannot be reached: {error}", file=sys.stderr)
        return 1
    except SchemaProblem as error:
        print(f"navigator: {error}", file=sys.stderr)
        return 1
    if before == after:
        print(f"the database schema is at version {after}; nothing to do")
    else:
        print(f"the database schema is now at version {after} (was {before or 'none'})")
    return 0


def run_publish(arguments) -> int:
    store = PostgresSuggestionStore(_url())
    try:
        store.check()
        done = publish(directory_of(arguments), store, commit=not arguments.no_commit)
    except (StorageUnavailable, SchemaProblem) as error:
        print(f"navigator: {error}", file=sys.stderr)
        return 1
    except ReviewError as error:
        print("navigator: the directory would not pass its checks with the approved changes; nothing was written")
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    for revision, why in done.skipped:
        print(f"change {revision}: not applied ({why})", file=sys.stderr)
    if not done.revisions:
        print("nothing to publish")
    else:
        count = len(done.revisions)
        print(
            f"published {count} change{'s' if count != 1 else ''} into {len(done.files)} "
            f"file{'s' if len(done.files) != 1 else ''}"
            + (f"; commit {done.commit[:12]}" if done.commit else "")
            + (" (pushed)" if done.pushed else "")
        )
    if done.git_problem:
        print(f"navigator: the files are written, but {done.git_problem}", file=sys.stderr)
        return 1
    return 0
