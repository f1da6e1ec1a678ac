"""The database's schema, in numbered migrations, and the check every server makes at start.

``upgrade`` applies the migrations the database has not had yet, each once, in one transaction
under an advisory lock (two servers or two operators upgrading at once cannot both apply one), so
running it again does nothing. ``check_schema`` tells a server whether it can run against the
database: a schema newer than this code knows is refused, since this code would misread it.

Tables:

- ``suggestions``: one row per suggestion; ``status`` goes from pending to approved or rejected
  once, by one ``UPDATE … WHERE status = 'pending'``; ``suggestion_changes`` holds what it
  proposes field by field (``edits.FieldEdit``): one row per field path with the value it was
  made against (``before``) and the value proposed (``after``).
- ``audit``: every decision, written in the transaction that makes it.
- ``entry_changes``: approved changes to directory entries (the whole entry before and after),
  numbered by ``revision``, which every server follows; ``published_at`` once ``publish`` wrote it
  into the YAML files.
- ``rate_limits``, ``sign_in_failures``: the abuse limits shared by every server (keys hashed).
- ``geocode_cache``, ``nominatim_spacing``: geocoded addresses (keys hashed) and the next moment
  any server may ask Nominatim.
"""

from __future__ import annotations

from navigator.database.pool import Database

# An arbitrary constant: the advisory lock that serialises schema upgrades.
UPGRADE_LOCK = 7_316_001

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        """
        CREATE TABLE suggestions (
            reference text PRIMARY KEY,
            kind text NOT NULL CHECK (kind IN ('new', 'change', 'report')),
            entry_id text,
            status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
            submitted_at timestamptz NOT NULL,
            contact jsonb NOT NULL,
            problem text,
            details text NOT NULL DEFAULT '',
            note text NOT NULL DEFAULT '',
            changes jsonb NOT NULL,   -- top-level fields as sent (a new listing: the whole entry)
            before jsonb NOT NULL,    -- those fields as the sender saw them
            decision jsonb,
            decided_at timestamptz
        );
        CREATE INDEX suggestions_pending ON suggestions (submitted_at, reference) WHERE status = 'pending';
        CREATE INDEX suggestions_decided ON suggestions (decided_at DESC) WHERE status <> 'pending';
        CREATE TABLE suggestion_changes (
            reference text NOT NULL REFERENCES suggestions ON DELETE CASCADE,
            position integer NOT NULL,
            path jsonb NOT NULL,    -- keys and list positions: ["phones", 0, "number"]
            before jsonb NOT NULL,  -- the value the suggestion was made against (JSON null: absent)
            after jsonb NOT NULL,   -- the value proposed (JSON null: remove the field)
            PRIMARY KEY (reference, position)
        );
        CREATE TABLE audit (
            id bigserial PRIMARY KEY,
            at timestamptz NOT NULL DEFAULT clock_timestamp(),
            reference text,
            record jsonb NOT NULL
        );
        CREATE INDEX audit_reference ON audit (reference);
        CREATE TABLE entry_changes (
            revision bigserial PRIMARY KEY,
            entry_id text NOT NULL,
            file text NOT NULL,
            before jsonb,           -- SQL NULL: a new listing
            after jsonb NOT NULL,
            reference text REFERENCES suggestions,
            reviewer text NOT NULL,
            at timestamptz NOT NULL DEFAULT clock_timestamp(),
            published_at timestamptz,
            published_commit text
        );
        CREATE INDEX entry_changes_entry ON entry_changes (entry_id, revision);
        CREATE INDEX entry_changes_file ON entry_changes (file, revision);
        CREATE TABLE rate_limits (
            name text NOT NULL,
            key text NOT NULL,
            events double precision[] NOT NULL,
            last_seen double precision NOT NULL,
            PRIMARY KEY (name, key)
        );
        CREATE TABLE sign_in_failures (
            key text PRIMARY KEY,
            failures integer NOT NULL,
            last_failed double precision NOT NULL
        );
        CREATE TABLE geocode_cache (
            key text PRIMARY KEY,
            entry jsonb NOT NULL,
            saved double precision NOT NULL
        );
        CREATE TABLE nominatim_spacing (
            id integer PRIMARY KEY CHECK (id = 1),
            next_at double precision NOT NULL
        );
        INSERT INTO nominatim_spacing VALUES (1, 0);
        """,
    ),
)
LATEST = MIGRATIONS[-1][0]


class SchemaProblem(RuntimeError):
    """The database's schema does not fit this code: ``code`` is missing, outdated or too_new."""

    def __init__(self, code: str, found: int, wanted: int = LATEST):
        words = {
            "missing": "the database has no navigator schema yet: run `python -m navigator db upgrade`",
            "outdated": f"the database schema is version {found}, this code needs {wanted}: "
            "run `python -m navigator db upgrade`",
            "too_new": f"the database schema is version {found}, newer than this code knows ({wanted}): "
            "upgrade this server before running it against that database",
        }
        super().__init__(words[code])
        self.code, self.found, self.wanted = code, found, wanted


def schema_version(db: Database) -> int:
    """The version the database is at (0: none yet)."""
    with db.connection() as connection:
        exists = connection.execute("SELECT to_regclass('navigator_schema') IS NOT NULL AS present").fetchone()
        if not exists["present"]:
            return 0
        row = connection.execute("SELECT version FROM navigator_schema").fetchone()
        return int(row["version"]) if row else 0


def check_schema(db: Database) -> int:
    """The schema's version when this code can run against it; SchemaProblem says why not."""
    found = schema_version(db)
    if found == 0:
        raise SchemaProblem("missing", found)
    if found > LATEST:
        raise SchemaProblem("too_new", found)
    if found < LATEST:
        raise SchemaProblem("outdated", found)
    return found


def upgrade(db: Database) -> tuple[int, int]:
    """Apply every migration the database lacks; returns (version before, version after).

    A database newer than this code is left alone (SchemaProblem too_new).
    """
    with db.connection() as connection, connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (UPGRADE_LOCK,))
        connection.execute("CREATE TABLE IF NOT EXISTS navigator_schema (version integer NOT NULL)")
        row = connection.execute("SELECT version FROM navigator_schema").fetchone()
        before = int(row["version"]) if row else 0
        if before > LATEST:
            raise SchemaProblem("too_new", before)
        for number, statements in MIGRATIONS:
            if number > before:
                connection.execute(statements)
        if row is None:
            connection.execute("INSERT INTO navigator_schema VALUES (%s)", (LATEST,))
        else:
            connection.execute("UPDATE navigator_schema SET version = %s", (LATEST,))
    return before, LATEST
