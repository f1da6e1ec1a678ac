"""Links built from an entry: phone numbers to call or text, and directions in a maps app.

Links only: nothing here goes over the network.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

DIRECTIONS_BASE = "https://www.google.com/maps/dir/"
_EXTENSION = re.compile(r"\s*(?:x|ext\.?)\s*(\d{1,6})\s*$", re.IGNORECASE)


def _dialable(number: str) -> tuple[str, str] | None:
    """(the number in E.164-like form, its extension) or None when there are no digits."""
    if not isinstance(number, str):
        return None
    extension = ""
    if match := _EXTENSION.search(number):
        extension, number = match.group(1), number[: match.start()]
    digits = "".join(char for char in number if char.isdigit())
    if not digits:
        return None
    if number.strip().startswith("+"):
        return "+" + digits, extension
    if len(digits) == 10:  # a US number written without the country code
        return "+1" + digits, extension
    if len(digits) == 11 and digits.startswith("1"):
        return "+" + digits, extension
    return digits, extension  # short codes such as 988 and 911


def tel_href(number: str) -> str | None:
    """A ``tel:`` link that dials ``number`` (with its extension), or None."""
    dialable = _dialable(number)
    if dialable is None:
        return None
    digits, extension = dialable
    return f"tel:{digits}" + (f";ext={extension}" if extension else "")


def sms_href(number: str) -> str | None:
    """An ``sms:`` link that starts a text message to ``number``, or None."""
    dialable = _dialable(number)
    return f"sms:{dialable[0]}" if dialable else None


def address_text(location: dict | None) -> str | None:
    """ "1234 E Colfax Ave, Suite 200, Denver, CO 80218" from an entry's ``location``."""
    if not location:
        return None
    street = ", ".join(part for part in (location.get("address"), location.get("address_2")) if part)
    state_zip = " ".join(part for part in (location.get("state"), location.get("zip")) if part)
    text = ", ".join(part for part in (street, location.get("city"), state_zip) if part)
    return text or None


def directions_url(location: dict | None) -> str | None:
    """A maps link with directions to a place: its street address, else its exact position.

    A place known only by its ZIP code or city gets no directions: they would lead to the
    middle of the ZIP code, not to the door.
    """
    if location and location.get("address"):
        destination = address_text(location)
    elif location and location.get("latitude") is not None and location.get("longitude") is not None:
        destination = f"{location['latitude']},{location['longitude']}"
    else:
        return None
    return DIRECTIONS_BASE + "?" + urlencode({"api": "1", "destination": destination})
