"""A throwaway PostgreSQL cluster for the tests: initdb and pg_ctl from Debian's ``postgresql``
package, in a temporary folder, on a free port of 127.0.0.1, trusting local connections.

As root, the server runs as the ``postgres`` user (PostgreSQL refuses to run as root). Where the
package is missing the tests that need a server are skipped with the reason, except in CI
(``CI=true``), where they fail: there the server must run.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.browser import free_port


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(path.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class Cluster:
    folder: Path
    port: int
    bin_dir: Path

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _pg_ctl(self, *arguments: str) -> None:
        command = _as_server_user([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), *arguments])
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        # Room for every test's pools and the servers' feeds at once (the default is 100 connections).
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400"
        self._pg_ctl("-w", "-l", str(self.folder / "log"), "-o", options, "start")

    def stop(self) -> None:
        self._pg_ctl("-w", "-m", "fast", "stop")

    def create_database(self, name: str) -> str:
        """A new empty database in the cluster; its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster() -> Cluster:
    """A running cluster of its own; pytest.fail when it cannot start (a skip would hide a failure:
    the test command's setup installs PostgreSQL)."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        message = "PostgreSQL is not installed (Debian's postgresql package; scripts/setup.sh --dev installs it)"
        pytest.fail(message)
    # Not under pytest's own temporary folders: those are private to root, and the server runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="navigator-pg-"))
    os.chmod(folder, 0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    cluster = Cluster(folder, free_port(), bin_dir)
    try:
        initdb = [str(bin_dir / "initdb"), "-D", str(cluster.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
        subprocess.run(_as_server_user(initdb), check=True, capture_output=True, text=True, timeout=300)
        cluster.start()
    except (subprocess.CalledProcessError, OSError, subprocess.TimeoutExpired) as error:
        output = getattr(error, "stderr", "") or ""
        log = cluster.folder / "log"
        details = log.read_text(errors="replace") if log.exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"PostgreSQL could not start: {error}\n{output}\n{details}")
    return cluster
