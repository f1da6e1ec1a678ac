"""Fetching a source over http(s): the one place the navigator downloads anything.

Every ``import`` that is given a URL and every ``refresh`` goes through ``fetch``: a conditional
GET (``If-None-Match`` / ``If-Modified-Since`` from the last good fetch, so an unchanged feed costs
one small reply), a timeout on every connection and read, a few retries with a doubling wait for
what is worth retrying (a dropped connection, a timeout, 429 and 5xx replies), and a size limit
checked while reading, so a huge or endless reply stops at the limit instead of filling memory.
The body goes to a file; failures raise ``FetchError`` with one line saying which URL and why.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import http.client
import os
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qsl, unquote, urlencode, urlparse, urlunparse

from navigator import __version__
from navigator.formats.batch import FEED, ImportBatch, Provenance, UnreadableSource

DEFAULT_TIMEOUT_SECONDS = 30.0
DEFAULT_RETRIES = 3  # attempts after the first
DEFAULT_BACKOFF_SECONDS = 1.0  # the first wait; each next one doubles
MAX_BACKOFF_SECONDS = 30.0
DEFAULT_MAX_BYTES = 200 * 1024 * 1024  # a national 211 package is tens of MB; a feed a few
CHUNK = 64 * 1024
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
USER_AGENT = f"recovery-navigator/{__version__} (+directory refresh)"


class FetchError(Exception):
    """The source could not be fetched; the message names the URL and the reason in one line."""


@dataclass(frozen=True)
class Fetched:
    url: str
    path: Path | None  # the body, written here; None when the server said "not modified"
    fetched_at: dt.datetime  # UTC, when the reply came
    etag: str | None
    last_modified: str | None
    size: int
    attempts: int

    @property
    def not_modified(self) -> bool:
        return self.path is None


def is_url(text: str | os.PathLike) -> bool:
    return isinstance(text, str) and text.lower().startswith(("http://", "https://"))


def file_name_of(url: str, default: str = "download") -> str:
    """The file name a URL's path ends in (``…/sussexaa.json`` → ``sussexaa.json``), for ids and labels."""
    name = PurePosixPath(unquote(urlparse(url).path)).name
    return "".join(character for character in name if character.isalnum() or character in "._-") or default


@dataclass(frozen=True)
class FetchPolicy:
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF_SECONDS
    max_bytes: int = DEFAULT_MAX_BYTES


DEFAULT_POLICY = FetchPolicy()


def fetch(
    url: str,
    destination: Path,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    policy: FetchPolicy = DEFAULT_POLICY,
    sleep: Callable[[float], None] | None = None,
) -> Fetched:
    """GET ``url`` into ``destination`` (written only when the whole body came); raises FetchError."""
    if not is_url(url):
        raise FetchError(f"{url}: not an http:// or https:// address")
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    attempt = 0
    while True:
        attempt += 1
        try:
            return _get(url, destination, headers, policy, attempt)
        except _Retryable as error:
            if attempt > policy.retries:
                raise FetchError(f"{url}: {error} (gave up after {attempt} attempts)") from None
            wait = min(policy.backoff * 2 ** (attempt - 1), MAX_BACKOFF_SECONDS)
            (sleep or time.sleep)(max(wait, min(error.retry_after or 0.0, MAX_BACKOFF_SECONDS)))


def page_url(url: str, page: int) -> str:
    """``url`` asking for page ``page`` (its ``page`` query parameter replaced)."""
    parts = urlparse(url)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "page"] + [("page", str(page))]
    return urlunparse(parts._replace(query=urlencode(query)))


def further_pages(url: str, total: int, limit: int) -> Iterator[tuple[int, Path]]:
    """Pages 2 to ``total`` (at most ``limit``) of a paged API, each fetched in turn to a scratch
    file that lives until the next page is fetched; a page that cannot be fetched fails the import,
    naming the page (UnreadableSource)."""
    with tempfile.TemporaryDirectory(prefix="navigator-pages-") as scratch:
        for page in range(2, min(total, limit) + 1):
            target = Path(scratch) / f"page-{page}.json"
            try:
                fetch(page_url(url, page), target)
            except FetchError as error:
                raise UnreadableSource(f"page {page} of {total}: {error}") from None
            yield page, target


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _get(url: str, destination: Path, headers: dict, policy: FetchPolicy, attempt: int) -> Fetched:
    request = urllib.request.Request(url, headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=policy.timeout)  # noqa: S310 (http(s) checked above)
    except urllib.error.HTTPError as error:
        error.close()
        if error.code == 304:
            return Fetched(
                url,
                None,
                dt.datetime.now(dt.UTC),
                headers.get("If-None-Match"),
                headers.get("If-Modified-Since"),
                0,
                attempt,
            )
        reason = f"the server answered {error.code} {error.reason}"
        if error.code in RETRY_STATUSES:
            raise _Retryable(reason, _retry_after(error.headers.get("Retry-After"))) from None
        raise FetchError(f"{url}: {reason}") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            raise _Retryable(f"no answer within {policy.timeout:g} s") from None
        raise _Retryable(f"cannot connect: {getattr(reason, 'strerror', None) or reason}") from None
    except TimeoutError:
        raise _Retryable(f"no answer within {policy.timeout:g} s") from None
    except (http.client.HTTPException, OSError) as error:
        raise _Retryable(f"the connection failed: {error}") from None
    with response:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > policy.max_bytes:
            raise FetchError(f"{url}: the reply is {int(declared):,} bytes, over the limit of {policy.max_bytes:,}")
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.with_name(destination.name + ".part")
        size = 0
        try:
            with open(partial, "wb") as handle:
                while chunk := response.read(CHUNK):
                    size += len(chunk)
                    if size > policy.max_bytes:
                        raise FetchError(f"{url}: the reply is over the limit of {policy.max_bytes:,} bytes")
                    handle.write(chunk)
            if declared and declared.isdigit() and size < int(declared):
                raise _Retryable(f"the reply stopped after {size:,} of {int(declared):,} bytes")
            os.replace(partial, destination)
        except TimeoutError:
            raise _Retryable(f"the reply stalled for over {policy.timeout:g} s") from None
        except (http.client.HTTPException, ConnectionError) as error:
            raise _Retryable(f"the connection broke while reading: {error}") from None
        finally:
            partial.unlink(missing_ok=True)
        return Fetched(
            url,
            destination,
            dt.datetime.now(dt.UTC),
            response.headers.get("ETag"),
            response.headers.get("Last-Modified"),
            size,
            attempt,
        )


def local_copy(
    location: str | os.PathLike, scratch: Path, policy: FetchPolicy = DEFAULT_POLICY
) -> tuple[Path, Fetched | None]:
    """A path to read ``location`` from: itself when it is a path, else a fresh download into
    ``scratch`` named as the URL names it (ids and output files derive from that name)."""
    if not is_url(location):
        return Path(location), None
    fetched = fetch(str(location), scratch / file_name_of(str(location)), policy=policy)
    return fetched.path, fetched


def with_fetch_time(batch: ImportBatch, fetched: Fetched | None) -> ImportBatch:
    """A live feed fetched just now is listed as of now; an export keeps its own date."""
    if fetched is not None and batch.provenance is not None and batch.provenance.listed_from == FEED:
        batch.provenance = Provenance(
            fetched.fetched_at.date(), FEED, f"fetched from {fetched.url} at {fetched.fetched_at:%Y-%m-%d %H:%M} UTC"
        )
    return batch
