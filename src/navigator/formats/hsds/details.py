"""The rest of an HSDS service as entry fields: description (HTML made text), status, languages,
phones, accessibility and accreditations.
"""

from __future__ import annotations

import html
import re

from navigator.directory.languages import LANGUAGE_NAMES
from navigator.directory.schema import MAX_TEXT
from navigator.formats.batch import ImportBatch
from navigator.formats.cleaning import clean_field, description_from, find_phones, title_case_shouting
from navigator.formats.hsds.package import Tables

# fmt: off
HSDS_STATUS = {
    "active": None, "inactive": "inactive", "defunct": "inactive",
    "temporarily closed": "temporarily_closed", "temporarily_closed": "temporarily_closed",
}
PHONE_TYPES = {
    "voice": "voice", "cell": "voice", "video": "voice", "pager": "voice", "text": "text",
    "sms": "text", "fax": "fax", "textphone": "tty", "tty": "tty", "intake": "intake",
    "hotline": "hotline",
}
# ISO 639-2 codes some packages use instead of ISO 639-1.
ISO_639_2 = {
    "eng": "en", "spa": "es", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de", "zho": "zh",
    "chi": "zh", "vie": "vi", "kor": "ko", "rus": "ru", "ara": "ar", "tgl": "tl", "por": "pt",
    "ita": "it", "jpn": "ja", "pol": "pl", "hin": "hi", "fas": "fa", "per": "fa", "hat": "ht",
    "som": "so", "amh": "am", "nav": "nv",
}
LANGUAGE_ALIASES = {
    "chinese (mandarin)": "zh", "mandarin": "zh", "cantonese": "zh", "farsi": "fa",
    "haitian creole": "ht", "creole": "ht", "filipino": "tl",
}
# fmt: on


def html_to_text(text: str | None) -> str | None:
    """Descriptions may hold HTML: list items become lines starting with '- ', tags are dropped."""
    if not text:
        return None
    if "<" in text:
        text = re.sub(r"\s+", " ", text)  # in HTML a line break is only a space
        text = re.sub(r"(?i)<\s*li[^>]*>", "\n- ", text)
        text = re.sub(r"(?i)<\s*(?:br|/p|/div|/ul|/ol|/h\d)\s*/?>", "\n", text)
        text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(text)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text or None


def service_description(
    service: dict,
    location: dict | None,
    at_location: dict | None,
    name: str,
    organization: str | None,
) -> str | None:
    paragraphs = [html_to_text(service.get("description"))]
    if location is not None:
        place_name = clean_field(location.get("name"))
        if place_name and place_name not in (name, organization):
            paragraphs.append(f"At {place_name}.")
        paragraphs.append(html_to_text(location.get("description")))
        transport = clean_field(location.get("transportation"))
        if transport:
            paragraphs.append(f"Getting there: {transport}")
    if at_location is not None:
        paragraphs.append(html_to_text(at_location.get("description")))
    for key, prefix in (
        ("interpretation_services", "Interpretation: "),
        ("wait_time", "Wait time: "),
    ):
        value = clean_field(service.get(key))
        if value:
            paragraphs.append(prefix + value)
    return description_from(paragraphs, MAX_TEXT)


def entry_status(batch: ImportBatch, record: str, value) -> str | None:
    text = (clean_field(value) or "active").lower()
    if text in HSDS_STATUS:
        return HSDS_STATUS[text]
    batch.repair(record, f"status '{value}' is not an HSDS status: taken as active")
    return None


SIGN_LANGUAGE = re.compile(r"^(?:asl|american sign language|sign language)$", re.IGNORECASE)
# Words of a service name that say what it is, not whose it is: a name of only these is shown with
# its organization ("Outpatient Services" means nothing on a card; "Outpatient Services — Acme" does).
_GENERIC_WORDS = frozenset(
    " ".join(
        (
            "a an and the of for to in at with services service program programs programme clinic center centre",
            "outpatient inpatient intensive residential treatment counseling counselling therapy support group",
            "groups recovery substance use abuse disorder disorders drug drugs alcohol addiction mental health",
            "behavioral behavioural case management adult adults youth women men family families day night",
            "evening morning intake assessment detox detoxification withdrawal medication assisted office based",
            "opioid general community individual meeting meetings peer",
        )
    ).split()
)


def readable_name(name: str, organization: str | None) -> str:
    """A service name as a coach reads it: 211 capitals in ordinary case, and a generic name
    ("OFFICE BASED ADDICTION TREATMENT") shown with its organization."""
    cased = title_case_shouting(name)
    if cased.isupper() and len(cased) > 6:  # all capitals that title_case_shouting left (short words)
        cased = " ".join(word if len(word) <= 3 else word.capitalize() for word in cased.split(" "))
    words = re.findall(r"[a-z]+", cased.lower())
    generic = bool(words) and all(word in _GENERIC_WORDS for word in words)
    if organization and generic and organization.lower() not in cased.lower():
        return f"{cased} — {organization}"
    return cased


def language_code(text: str) -> str | None:
    # "Spanish (limited)": the language is Spanish, however well it is spoken.
    lowered = re.sub(r"\s*\([^)]*\)\s*$", "", text.strip()).lower()
    if lowered in LANGUAGE_NAMES:
        return lowered
    if lowered in ISO_639_2:
        return ISO_639_2[lowered]
    if lowered in LANGUAGE_ALIASES:
        return LANGUAGE_ALIASES[lowered]
    by_name = {name.lower(): code for code, name in LANGUAGE_NAMES.items()}
    return by_name.get(lowered)


def service_languages(
    batch: ImportBatch,
    record: str,
    tables: Tables,
    service_id: str,
    location: dict | None,
    exact: bool,
) -> list[str]:
    codes = []
    for row in _language_rows(tables, service_id, location):
        for part in re.split(r"[,;]", row.get("language") or ""):
            if not part.strip() or SIGN_LANGUAGE.match(part.strip()):
                continue  # ASL has no ISO 639-1 code: the entry serves deaf people instead (signs_asl)
            code = language_code(part)
            if code:
                codes.append(code)
            else:
                batch.repair(record, f"language '{part.strip()}' is not a language we know: left out")
    codes = list(dict.fromkeys(codes))
    # HSDS lists "languages, other than English": English is spoken too (our own export lists all).
    if codes and not exact and "en" not in codes:
        codes.insert(0, "en")
    return codes


def _language_rows(tables: Tables, service_id: str, location: dict | None) -> list[dict]:
    rows = list(tables.languages["service_id"].get(service_id, ()))
    if location is not None:
        rows.extend(
            row
            for row in tables.languages["location_id"].get(location["id"].strip(), ())
            if not (row.get("service_id") or "").strip() or row.get("service_id").strip() == service_id
        )
    return rows


def signs_asl(tables: Tables, service_id: str, location: dict | None) -> bool:
    """Whether the service lists American Sign Language among its languages."""
    return any(
        SIGN_LANGUAGE.match(part.strip())
        for row in _language_rows(tables, service_id, location)
        for part in re.split(r"[,;]", row.get("language") or "")
    )


def accessibility_text(row: dict) -> str | None:
    what = clean_field(row.get("accessibility")) or clean_field(row.get("description"))
    details = clean_field(row.get("details"))
    if what and re.fullmatch(r"[a-z]+(?:_[a-z]+)+", what):  # a code like disabled_parking
        what = what.replace("_", " ")
    if what and details:
        return f"{what}: {details}"
    return what or details


def accreditations(service: dict) -> list[str]:
    return [
        part.strip()
        for key in ("accreditations", "licenses")
        for part in re.split(r"[,;]", service.get(key) or "")
        if part.strip()
    ]


def service_phones(
    batch: ImportBatch,
    record: str,
    tables: Tables,
    service: dict,
    location: dict | None,
    at_location: dict | None,
    extension: dict,
    exact: bool,
) -> list[dict]:
    rows = []
    if at_location is not None and (at_location.get("id") or "").strip():
        rows += tables.phones["service_at_location_id"].get(at_location["id"].strip(), [])
    rows += [
        row
        for row in tables.phones["service_id"].get(service["id"].strip(), [])
        if not (row.get("service_at_location_id") or "").strip()
    ]
    if location is not None:
        rows += [
            row
            for row in tables.phones["location_id"].get(location["id"].strip(), [])
            if not (row.get("service_id") or "").strip()
        ]
    if not rows:
        rows += [
            row
            for row in tables.phones["organization_id"].get((service.get("organization_id") or "").strip(), [])
            if not (row.get("service_id") or row.get("location_id") or "").strip()
        ]
    types = extension.get("phone_types") if isinstance(extension.get("phone_types"), list) else None
    unique_rows = list({id(row): row for row in rows}.values())
    phones, seen = [], set()
    for index, row in enumerate(unique_rows):
        text = clean_field(row.get("number"))
        extension_digits = clean_field(row.get("extension"))
        if extension_digits and extension_digits.endswith(".0"):  # a spreadsheet made it a number
            extension_digits = extension_digits[:-2]
        number = phone_number(text, extension_digits, exact)
        if number is None:
            if text:
                batch.repair(record, f"phone '{text}' is not a phone number we can dial: left out")
            continue
        kind = (types[index] if types and index < len(types) else None) or PHONE_TYPES.get(
            (clean_field(row.get("type")) or "voice").lower(), "voice"
        )
        if (number, kind) in seen:  # the same line listed for the service and its location
            continue
        seen.add((number, kind))
        phone = {"number": number, "type": kind}
        description = clean_field(row.get("description"))
        if description:
            phone["description"] = description
        phones.append(phone)
    return phones


def phone_number(text: str | None, extension: str | None, exact: bool) -> str | None:
    """The number as the directory writes it: US numbers normalised, short codes (988) and
    international numbers kept; a package of our own export keeps its text as it was."""
    if not text:
        return None
    with_extension = f"{text} x{extension}" if extension else text
    if exact:
        return with_extension
    found, _ = find_phones(with_extension)
    if found:
        return found[0][0]
    if re.fullmatch(r"\d{3,6}", text):
        return text
    international = re.sub(r"[^\d+]", "", text)
    if text.startswith("+") and 8 <= len(international) <= 16:
        return f"{international} x{extension}" if extension else international
    return None
