"""HSDS 3.0 API JSON as the tables the conversion reads: a ``service_full`` (or organization or
service-at-location) object, or a paginated list of them (``{"contents": [...], "total_pages": N}``).

Nested objects are flattened into rows of the 3.0 tables with their links (``service_id``,
``location_id``, …), so API JSON and a CSV package go through one conversion. A list fetched from a
URL brings its further pages (``?page=2`` …, at most ``MAX_PAGES``). API JSON is live data the
source maintains: listed as of its fetch (a file: when it was saved).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

from navigator.formats.batch import FEED, Provenance, UnreadableSource
from navigator.formats.fetch import further_pages
from navigator.formats.tables import read_json, read_source

MAX_PAGES = 1000


class RowPackage:
    """The same face as ``package.Package`` (``rows``, ``has``), over rows made from JSON."""

    def __init__(self, label: str, tables: dict[str, list[dict]]):
        self.label = label
        self.descriptor: dict = {}
        self._tables = tables

    @property
    def from_navigator(self) -> bool:
        return False

    def has(self, table: str) -> bool:
        return bool(self._tables.get(table))

    def rows(self, table: str) -> list[dict[str, str]]:
        return self._tables.get(table, [])


def _load(path: Path) -> object:
    """The JSON of ``path``, read within the sources' size and depth limits (``formats.tables``)."""
    return read_json(read_source(path), str(path))


def looks_like_json(path: Path) -> bool:
    """A file whose first non-blank byte opens a JSON object or list (an API reply has no extension)."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return start[:1] in (b"{", b"[")


def read_api_json(path: Path, source_url: str | None = None) -> tuple[RowPackage, Provenance]:
    """The tables of an API response file (and of its further pages when ``source_url`` is given)."""
    data = _load(path)
    items = _items(data, str(path))
    if isinstance(data, dict) and "contents" in data and source_url:
        items += _further_pages(data, source_url)
    tables: dict[str, list[dict]] = defaultdict(list)
    for item in items:
        if not isinstance(item, dict):
            continue
        if "service" in item and isinstance(item["service"], dict):  # a service_at_location
            _service(tables, {**item["service"], "service_at_locations": [item]})
        elif "services" in item and "organization" not in item:  # an organization_full
            _organization(tables, item)
            for service in item.get("services") or ():
                if isinstance(service, dict):
                    _service(tables, {**service, "organization": {"id": item.get("id")}})
        else:
            _service(tables, item)
    if not tables.get("service"):
        raise UnreadableSource(f"{path}: not HSDS API JSON: no services in it")
    saved = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    how = f"the API response file was saved {saved:%Y-%m-%d %H:%M} UTC"
    return RowPackage(str(path), dict(tables)), Provenance(saved.date(), FEED, how)


def _items(data, label: str) -> list:
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        return list(data["contents"])
    if isinstance(data, dict) and "id" in data and ("name" in data or isinstance(data.get("service"), dict)):
        return [data]
    if isinstance(data, list):
        return data
    raise UnreadableSource(f"{label}: not HSDS API JSON: expected a service, an organization or a page of them")


def _further_pages(first: dict, url: str) -> list:
    total = first.get("total_pages")
    if not isinstance(total, int) or total <= 1:
        return []
    items = []
    for page, target in further_pages(url, total, MAX_PAGES):
        items += _items(_load(target), f"{url} page {page}")
    return items


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return ""
    return str(value)


def _row(item: dict, **links) -> dict[str, str]:
    row = {key: _text(value) for key, value in item.items() if not isinstance(value, (dict, list))}
    row.update({key: _text(value) for key, value in links.items()})
    return row


def _organization(tables, organization: dict) -> None:
    if organization.get("id") and not any(row["id"] == str(organization["id"]) for row in tables["organization"]):
        tables["organization"].append(_row(organization))
    for phone in organization.get("phones") or ():
        if isinstance(phone, dict):
            tables["phone"].append(_row(phone, organization_id=organization.get("id")))


def _children(tables, table: str, items, **links) -> None:
    for item in items or ():
        if isinstance(item, dict):
            tables[table].append(_row(item, **links))


def _service(tables, service: dict) -> None:
    service_id = service.get("id")
    organization = service.get("organization") if isinstance(service.get("organization"), dict) else {}
    if organization.get("name"):
        _organization(tables, organization)
    tables["service"].append(_row(service, organization_id=organization.get("id") or service.get("organization_id")))
    _children(tables, "phone", service.get("phones"), service_id=service_id)
    _children(tables, "schedule", service.get("schedules"), service_id=service_id)
    _children(tables, "language", service.get("languages"), service_id=service_id)
    _children(tables, "service_area", service.get("service_areas"), service_id=service_id)
    _children(tables, "required_document", service.get("required_documents"), service_id=service_id)
    for metadata in service.get("metadata") or ():
        if isinstance(metadata, dict):
            tables["metadata"].append(_row(metadata, resource_id=service_id))
    for attribute in service.get("attributes") or ():
        term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
        if isinstance(term, dict) and term.get("id"):
            tables["taxonomy"].append(_row(term))
            tables["attribute"].append(
                _row(attribute, link_id=service_id, link_entity="service", taxonomy_term_id=term["id"])
            )
    for at_location in service.get("service_at_locations") or ():
        if not isinstance(at_location, dict):
            continue
        location = at_location.get("location") if isinstance(at_location.get("location"), dict) else {}
        location_id = location.get("id") or at_location.get("location_id")
        tables["service_at_location"].append(_row(at_location, service_id=service_id, location_id=location_id))
        _children(tables, "phone", at_location.get("phones"), service_at_location_id=at_location.get("id"))
        _children(tables, "schedule", at_location.get("schedules"), service_at_location_id=at_location.get("id"))
        if location:
            tables["location"].append(_row(location))
            _children(tables, "address", location.get("addresses"), location_id=location_id)
            _children(tables, "phone", location.get("phones"), location_id=location_id)
            _children(tables, "language", location.get("languages"), location_id=location_id)
            _children(tables, "accessibility_for_disabilities", location.get("accessibility"), location_id=location_id)
