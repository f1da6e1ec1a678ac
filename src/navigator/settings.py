"""Every setting the navigator reads from its environment, and every default path, in one place.

No other module reads ``os.environ``. A process builds ``Settings`` from its environment
(``load_settings()``) and hands the values on; tests build one directly with the values they want.
Relative default paths are relative to the working directory, where the app and the command line
are started from (the project folder, or wherever an operator keeps the directory).

| variable | what | default |
|---|---|---|
| ``NAVIGATOR_DIRECTORY`` | the YAML directory the app serves | ``directory`` |
| ``NAVIGATOR_DATA_DIR`` | the suggestion queue, audit log and throttles (file backend) | ``data`` |
| ``NAVIGATOR_CACHE_DIR`` | parsed directories, geocoder answers, the ZIP index | ``~/.cache/recovery-navigator`` |
| ``NAVIGATOR_GEOCODER_USER_AGENT`` | switches on the street-address geocoder (Nominatim asks for one) | off |
| ``NAVIGATOR_DATABASE_URL`` | ``postgresql://…``: shared state in PostgreSQL instead of files | unset (files) |
| ``NAVIGATOR_TRUSTED_CLIENT_HEADER`` | behind a reverse proxy, the header that carries the client's address | unset |
| ``NAVIGATOR_LOAD_WORKERS`` | processes that read a large directory's files on a cold load (1: none) | the CPUs |
| ``NAVIGATOR_SOURCES`` | the sources file ``refresh`` reads and the About page lists | beside the directory |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DIRECTORY = Path("directory")
DEFAULT_DATA_DIR = Path("data")


def default_cache_dir() -> Path:
    return Path.home() / ".cache" / "recovery-navigator"


@dataclass(frozen=True)
class Settings:
    directory: Path = DEFAULT_DIRECTORY
    data_dir: Path = DEFAULT_DATA_DIR
    cache_dir: Path | None = None  # None: default_cache_dir(), resolved when used (HOME may differ)
    geocoder_user_agent: str | None = None
    database_url: str | None = None
    trusted_client_header: str | None = None
    load_workers: int | None = None  # None: one per CPU
    sources: Path | None = None  # None: sources.yaml beside the directory folder

    @property
    def sources_file(self) -> Path:
        return self.sources if self.sources is not None else self.directory.resolve().parent / "sources.yaml"

    @property
    def cache_folder(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else default_cache_dir()


def _text(environ: Mapping[str, str], name: str) -> str | None:
    value = (environ.get(name) or "").strip()
    return value or None


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings of this process, from ``environ`` (default: the process environment)."""
    environ = os.environ if environ is None else environ
    directory = _text(environ, "NAVIGATOR_DIRECTORY")
    data_dir = _text(environ, "NAVIGATOR_DATA_DIR")
    cache_dir = _text(environ, "NAVIGATOR_CACHE_DIR")
    return Settings(
        directory=Path(directory) if directory else DEFAULT_DIRECTORY,
        data_dir=Path(data_dir) if data_dir else DEFAULT_DATA_DIR,
        cache_dir=Path(cache_dir) if cache_dir else None,
        geocoder_user_agent=_text(environ, "NAVIGATOR_GEOCODER_USER_AGENT"),
        database_url=_text(environ, "NAVIGATOR_DATABASE_URL"),
        trusted_client_header=_text(environ, "NAVIGATOR_TRUSTED_CLIENT_HEADER"),
        load_workers=_workers(_text(environ, "NAVIGATOR_LOAD_WORKERS")),
        sources=Path(sources) if (sources := _text(environ, "NAVIGATOR_SOURCES")) else None,
    )


def _workers(text: str | None) -> int | None:
    """A positive count, or None (the default) for anything else: a typo costs speed, not a start."""
    return int(text) if text and text.isdigit() and int(text) > 0 else None
