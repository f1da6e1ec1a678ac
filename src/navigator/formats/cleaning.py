"""Field cleaning shared by the importers: text, ids, phones, ZIP codes, coordinates, dates.

Every function takes raw source text and returns the directory's form, or None when nothing
usable is there; the importers decide what a None means for their record and say so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata

from navigator.text import clean_text

_SPACE = re.compile(r"\s+")
US_COUNTRY_NAMES = frozenset(
    {"", "us", "usa", "u.s.", "u.s.a.", "united states", "united states of america", "america"}
)
_MISSING = frozenset({"", "na", "n/a", "null", "none", "nan", "-", "--", "?"})
_NOT_ID = re.compile(r"[^a-z0-9]+")
MAX_ID_LENGTH = 120

_PHONE = re.compile(
    r"(?<![\d+])(?:\+?1[\s.-]*)?\(?(?P<area>[2-9]\d{2})\)?[\s.-]*(?P<exchange>\d{3})[\s.-]*"
    r"(?P<line>\d{4})(?!\d)(?:\s*(?:x|ext\.?|extension)\s*(?P<extension>\d{1,6}))?",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"(\d{1,2})(?::(\d{2}))?(?::\d{2}(?:\.\d+)?)?\s*([ap])?\.?\s*m?\.?\s*(?:Z|[+-]\d{2}:?\d{2})?\Z",
    re.IGNORECASE,
)
_DIGIT_RUN = re.compile(r"[\d()][\d()\s.-]*\d")

# The 50 states, DC and the territories, as a box each coordinate pair of theirs falls in.
_US_LATITUDE = (13.0, 72.0)
_US_LONGITUDE = ((-180.0, -64.0), (144.0, 146.5), (172.0, 180.0))


def clean_field(value) -> str | None:
    """``value`` sanitised with runs of whitespace collapsed, or None for blanks and NA-style placeholders."""
    if value is None:
        return None
    text = _SPACE.sub(" ", clean_text(value)).strip()
    return None if text.lower() in _MISSING else text


def slug(text: str, limit: int = 60) -> str:
    """Lowercase a-z, 0-9 and '-' only, accents folded (``Señor Café`` → ``senor-cafe``)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return _NOT_ID.sub("-", folded).strip("-")[:limit].strip("-")


def entry_id(*parts: str) -> str:
    """A directory id from source parts, shortened with a hash of the whole when it is too long."""
    # Parts are slugged whole before shortening: two long slugs that differ only at their ends
    # must hash apart, not be cut to the same text first.
    whole = "-".join(slug(part, limit=len(part) * 4 + 1) for part in parts if part)
    whole = re.sub(r"-{2,}", "-", whole).strip("-")
    if len(whole) <= MAX_ID_LENGTH:
        return whole
    digest = hashlib.sha256(whole.encode()).hexdigest()[:10]
    return f"{whole[: MAX_ID_LENGTH - 11].rstrip('-')}-{digest}"


def unique_ids(candidates: list[str]) -> list[str]:
    """``candidates`` with repeats numbered in order (``x``, ``x-2``, ``x-3``), each within the id limit."""
    seen: dict[str, int] = {}
    result = []
    taken = set(candidates)
    for candidate in candidates:
        count = seen.get(candidate, 0) + 1
        seen[candidate] = count
        if count == 1:
            result.append(candidate)
            continue
        number = count
        while (numbered := _numbered(candidate, number)) in taken:
            number += 1
        taken.add(numbered)
        result.append(numbered)
    return result


def _numbered(candidate: str, number: int) -> str:
    suffix = f"-{number}"
    return candidate[: MAX_ID_LENGTH - len(suffix)].rstrip("-") + suffix


def format_phone(area: str, exchange: str, line: str, extension: str | None = None) -> str:
    number = f"{area}-{exchange}-{line}"
    return f"{number} x{extension}" if extension else number


def find_phones(text: str | None) -> tuple[list[tuple[str, int]], list[str]]:
    """The US phone numbers in ``text`` as (formatted number, position), and leftover fragments.

    A fragment is what looks like the start of a number cut off by the source
    (``(760)936-``): the caller reports it rather than losing it silently.
    """
    if not text:
        return [], []
    found = []
    for match in _PHONE.finditer(text):
        found.append(
            (
                format_phone(match["area"], match["exchange"], match["line"], match["extension"]),
                match.start(),
            )
        )
    rest = _PHONE.sub(" ", text)
    fragments = [run.strip() for run in _DIGIT_RUN.findall(rest) if len(re.sub(r"\D", "", run)) >= 3]
    return found, fragments


def phone_digits(number: str) -> str:
    """The digits that identify a number (country code 1 dropped), extension after an 'x'."""
    main, _, extension = number.partition("x")
    digits = re.sub(r"\D", "", main)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return f"{digits}x{extension.strip()}" if extension.strip() else digits


def clean_phone(text: str | None) -> str | None:
    """One phone number in the directory's form, from any common US or international writing."""
    text = clean_field(text)
    if not text:
        return None
    found, _ = find_phones(text)
    if found:
        return found[0][0]
    digits = re.sub(r"[^\d+]", "", text)
    if digits.startswith("+") and 8 <= len(digits) <= 16:
        return digits
    return None


def clean_zip(value) -> tuple[str | None, str | None]:
    """A 5-digit ZIP and, when it had to be repaired, how (``'6610'`` lost its leading zero)."""
    text = clean_field(value)
    if not text:
        return None, None
    if re.fullmatch(r"\d{5}(?:-\d{4})?", text):
        return text[:5], None
    if re.fullmatch(r"\d{9}", text):
        return text[:5], f"ZIP+4 '{text}' shortened to {text[:5]}"
    if re.fullmatch(r"\d{3,4}", text):
        return text.zfill(5), f"ZIP '{text}' lost its leading zero(s): read as {text.zfill(5)}"
    if re.fullmatch(r"\d{5}\.0", text):  # a spreadsheet stored the ZIP as a number
        return text[:5], None
    return None, f"ZIP '{text}' is not a ZIP code"


def parse_coordinate(value) -> float | None:
    text = clean_field(value)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def in_united_states(latitude: float, longitude: float) -> bool:
    return _US_LATITUDE[0] <= latitude <= _US_LATITUDE[1] and any(
        low <= longitude <= high for low, high in _US_LONGITUDE
    )


def check_coordinates(latitude, longitude) -> tuple[float | None, float | None, str | None]:
    """Coordinates that can be trusted, and what was done when they could not be taken as given.

    Missing, zero and out-of-country pairs are dropped (the ZIP centroid stands in); a pair that
    only makes sense swapped (latitude -86, longitude 33) is swapped back.
    """
    latitude, longitude = parse_coordinate(latitude), parse_coordinate(longitude)
    if latitude is None and longitude is None:
        return None, None, "no coordinates: placed at the ZIP centroid (approximate)"
    if latitude is None or longitude is None:
        return None, None, "only one coordinate given: placed at the ZIP centroid (approximate)"
    if latitude == 0 and longitude == 0:
        return None, None, "coordinates 0,0: placed at the ZIP centroid (approximate)"
    if in_united_states(latitude, longitude):
        return round(latitude, 6), round(longitude, 6), None
    if in_united_states(longitude, latitude):
        return (
            round(longitude, 6),
            round(latitude, 6),
            f"latitude and longitude were swapped ({latitude}, {longitude}): swapped back",
        )
    return (
        None,
        None,
        (
            f"coordinates ({latitude}, {longitude}) are outside the United States: "
            "placed at the ZIP centroid (approximate)"
        ),
    )


def clean_url(value) -> str | None:
    text = clean_field(value)
    if not text or " " in text:
        return None
    if match := re.match(r"(https?)://", text, re.IGNORECASE):
        return match[1].lower() + text[len(match[1]) :]  # "Http://" is a web address too
    if re.match(r"(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/\S*)?$", text, re.IGNORECASE):
        return f"https://{text}"
    return None


def clean_email(value) -> str | None:
    text = clean_field(value)
    if text and re.fullmatch(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+", text):
        return text
    return None


def parse_date(value) -> dt.date | None:
    """A date from ``YYYY-MM-DD`` (with any time after it) or ``MM/DD/YYYY``."""
    text = clean_field(value)
    if not text:
        return None
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if match:
        year, month, day = map(int, match.groups())
    else:
        match = re.match(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if not match:
            return None
        month, day, year = map(int, match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_time(value) -> str | None:
    """``"19:00"``, ``"7:00 pm"``, ``"19:00:00"`` or ``"09:00-05:00"`` as local ``"HH:MM"``."""
    text = clean_field(value)
    if not text:
        return None
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), (match[3] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59:
        return "24:00" if (hour, minute) == (24, 0) else None
    return f"{hour:02d}:{minute:02d}"


def verified_date(source_date: dt.date | None, today: dt.date) -> str:
    """The source's own date when it has a believable one, else the day of the import."""
    if source_date is not None and dt.date(1990, 1, 1) <= source_date <= today:
        return source_date.isoformat()
    return today.isoformat()


_SMALL_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "at",
        "by",
        "de",
        "del",
        "for",
        "in",
        "la",
        "of",
        "on",
        "or",
        "the",
        "to",
        "y",
    }
)
_TITLE_ABBREVIATIONS = frozenset({"inc", "st", "mt", "ft", "co", "ltd", "dept", "ctr"})


def title_case_shouting(text: str) -> str:
    """``ACME TREATMENT CTR OF THE VALLEY INC`` → ``Acme Treatment CTR of the Valley Inc``.

    Only text in capitals with at least two long words is changed, so acronym lines (``(ART)``,
    ``BBHS``) stay. Other words of three letters or fewer, words without vowels and words in
    parentheses keep their capitals, since guessing an abbreviation wrong is worse than leaving it.
    """
    words = text.split(" ")
    cores = [re.sub(r"[.,;:'’]", "", word) for word in words]
    if any(character.islower() for character in text) or sum(len(core) >= 4 and core.isalpha() for core in cores) < 2:
        return text
    cased = []
    for index, (word, core) in enumerate(zip(words, cores, strict=True)):
        lower = word.lower()
        if index and lower in _SMALL_WORDS:
            cased.append(lower)
        elif core.lower() in _TITLE_ABBREVIATIONS or (
            not word.startswith("(") and len(core) >= 4 and core.isalpha() and re.search(r"[aeiouy]", lower)
        ):
            cased.append(word[:1] + word[1:].lower())
        else:
            cased.append(word)
    return " ".join(cased)


def without_empty(value):
    """``value`` with empty strings, lists, mappings and None left out of every mapping, at any depth:
    an entry says only what its source said."""
    if isinstance(value, dict):
        cleaned = {key: without_empty(item) for key, item in value.items()}
        return {key: item for key, item in cleaned.items() if item not in (None, "", [], {})}
    return value


def description_from(paragraphs: list[str], limit: int) -> str | None:
    """Paragraphs joined into one description of at most ``limit`` characters (cut with an ellipsis)."""
    text = "\n\n".join(paragraph for paragraph in paragraphs if paragraph).replace("\r\n", "\n")
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text or None
