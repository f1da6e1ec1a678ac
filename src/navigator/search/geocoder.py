"""Street addresses to positions, online: Nominatim through geopy, rate-limited and cached on disk.

Off unless the operator sets ``NAVIGATOR_GEOCODER_USER_AGENT`` (``configured_geocoder``); then
``places.resolve_place`` hands it whatever is not a ZIP code, "City, ST" or "LAT,LON". Requests go
through geopy's ``RateLimiter``, one limiter for the whole process, so however many geocoders and
sessions there are, Nominatim sees at most one request a second from this application.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

from navigator.files import locked, write_text_atomic
from navigator.i18n import _
from navigator.search.places import PlaceNotFound
from navigator.settings import Settings, load_settings

NOMINATIM_MIN_DELAY_SECONDS = 1.0


def _request(lookup: Callable, *args, **kwargs):
    # The limiter wraps this rather than one Nominatim object's method, so that one limiter can
    # space the requests of every geocoder, each with its own Nominatim (and user agent).
    return lookup(*args, **kwargs)


def nominatim_rate_limiter() -> RateLimiter:
    """A limiter that keeps the lookups it makes at least a second apart, across threads.

    No retries and nothing swallowed: a coach is waiting, so a failed lookup is reported at once
    (and never cached as "not found"); and geopy logs the call's arguments, which hold the
    address, only when it retries or swallows an error.
    """
    return RateLimiter(_request, min_delay_seconds=NOMINATIM_MIN_DELAY_SECONDS, max_retries=0, swallow_exceptions=False)


# Nominatim's usage policy allows one request a second from an application, whatever the number
# of users or geocoder objects: this one limiter is shared by the whole process.
NOMINATIM_LIMITER = nominatim_rate_limiter()

MISS_KEPT_SECONDS = 3600  # an address that found nothing is asked again after an hour
CACHE_FILE_NAME = "geocoded-addresses.json"


def address_key(text: str) -> str:
    """The cache key of an address: a SHA-256 of its normalised form, so the text is not stored."""
    normalised = re.sub(r"\s*,\s*", ", ", " ".join(text.casefold().split()))
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


class NominatimGeocoder:
    """Street addresses through OpenStreetMap's Nominatim, one request a second, cached on disk.

    Privacy: an address a coach types may be a participant's home. Running this geocoder is the
    operator's choice (it needs ``NAVIGATOR_GEOCODER_USER_AGENT``), and so is its disk cache, which
    comes with it: ``cache_dir/geocoded-addresses.json``, readable by its owner only. The cache keys
    each address by a SHA-256 of its normalised text and keeps only the position and a label that
    names the locality ("Address near Denver, CO 80218"), never the street or house number. The
    operator can delete the file at any time; it is rebuilt as addresses are looked up again.
    """

    def __init__(
        self,
        user_agent: str,
        cache_dir: Path | str,
        *,
        nominatim=None,
        limiter: RateLimiter = NOMINATIM_LIMITER,
        clock: Callable[[], float] = time.time,
        timeout_seconds: float = 10,
    ):
        if not user_agent or not user_agent.strip():
            raise ValueError("Nominatim needs the operator's own user agent (an app name and contact)")
        self._nominatim = nominatim or Nominatim(user_agent=user_agent.strip(), timeout=timeout_seconds)
        self._limiter = limiter
        self._clock = clock
        self.cache_path = Path(cache_dir) / CACHE_FILE_NAME
        self._lock = threading.Lock()  # one lookup at a time, so an address never goes out twice
        self._entries: dict[str, dict] | None = None

    def geocode(self, text: str) -> tuple[float, float, str] | None:
        key = address_key(text)
        with self._lock:
            cached = self._fresh_entry(key)
            if cached is not None:
                return (cached["lat"], cached["lon"], cached["label"]) if cached["found"] else None
            try:
                location = self._limiter(
                    self._nominatim.geocode, text, exactly_one=True, addressdetails=True, country_codes="us"
                )
            except (GeopyError, OSError) as error:
                raise PlaceNotFound(
                    text,
                    _('"{place}" could not be looked up: the geocoder could not be reached: {error}').format(
                        place=text, error=error
                    ),
                ) from error
            if location is None:
                self._store(key, {"found": False, "saved": self._clock()})
                return None
            lat, lon = float(location.latitude), float(location.longitude)
            label = _locality_label(getattr(location, "raw", None) or {}, lat, lon)
            self._store(key, {"found": True, "lat": lat, "lon": lon, "label": label, "saved": self._clock()})
            return lat, lon, label

    def _fresh_entry(self, key: str) -> dict | None:
        if self._entries is None:
            self._entries = self._read_cache()
        entry = self._entries.get(key)
        return entry if self._is_fresh(entry) else None

    def _is_fresh(self, entry) -> bool:
        return isinstance(entry, dict) and (
            entry.get("found") or self._clock() - entry.get("saved", 0) <= MISS_KEPT_SECONDS
        )

    def _store(self, key: str, entry: dict) -> None:
        self.cache_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with locked(self.cache_path):
            # Re-read under the lock: another process may have added addresses since we loaded.
            entries = {k: v for k, v in self._read_cache().items() if self._is_fresh(v)}
            entries[key] = entry
            write_text_atomic(self.cache_path, json.dumps({"version": 1, "addresses": entries}))
        self._entries = entries

    def _read_cache(self) -> dict[str, dict]:
        try:
            document = json.loads(self.cache_path.read_text(encoding="utf-8"))
            entries = document["addresses"]
            if document.get("version") != 1 or not isinstance(entries, dict):
                raise ValueError("not a version 1 cache")
            return entries
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            # Keep an unreadable cache aside for the operator rather than overwrite it.
            with contextlib.suppress(OSError):
                os.replace(self.cache_path, self.cache_path.with_name(CACHE_FILE_NAME + ".unreadable"))
            return {}


def _locality_label(raw: Mapping, lat: float, lon: float) -> str:
    address = raw.get("address") or {}
    locality = next(
        (address[key] for key in ("city", "town", "village", "hamlet", "suburb", "county") if address.get(key)),
        None,
    )
    region = address.get("ISO3166-2-lvl4", "")
    state = region[3:] if region.startswith("US-") else address.get("state")
    where = ", ".join(part for part in (locality, state) if part)
    where = " ".join(part for part in (where, address.get("postcode")) if part)
    return f"Address near {where}" if where else f"Address at {lat:.4f}, {lon:.4f}"


def configured_geocoder(settings: Settings | None = None) -> NominatimGeocoder | None:
    """The street-address geocoder the operator configured, or None (offline only).

    ``NAVIGATOR_GEOCODER_USER_AGENT`` switches it on (Nominatim requires an identifying user
    agent); the cache folder holds its cache, or, with a database, the database does (and spaces the
    requests of every server, ``shared_geocoder``).
    """
    settings = settings or load_settings()
    if not settings.geocoder_user_agent:
        return None
    if settings.database_url:  # several servers: one cache and one request a second for all of them
        from navigator.search.shared_geocoder import SharedNominatimGeocoder  # it builds on this module

        return SharedNominatimGeocoder(settings.geocoder_user_agent, settings.database_url)
    return NominatimGeocoder(settings.geocoder_user_agent, settings.cache_folder)
