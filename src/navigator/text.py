"""The one sanitiser for text from people and files, and making it safe to show in markdown and HTML.

``clean_text`` is what every typed or imported value passes through first (normalised, no control
or reordering characters).

Every value that comes from data (names, addresses, descriptions, the vocabulary, what a person
typed) passes through here before it reaches markdown or HTML, so that a name like
``**x** [y](javascript:...)`` or ``<img src=x onerror=...>`` shows as the text it is.
"""

from __future__ import annotations

import html
import re
import string
import unicodedata
from urllib.parse import quote, urlsplit

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A unicode \s is exactly what str.isspace() calls white space (CPython's one table of it).
_SPACE = re.compile(r"\s")
_WHITESPACE = re.compile(r"\s+")
# CommonMark lets a backslash escape any ASCII punctuation, which turns off every construct
# (emphasis, links, HTML, headings, lists, tables, Streamlit's :color[...] directives, $math$).
# The few marks that start no construct on one line are left alone to keep text readable.
_INERT_PUNCTUATION = ",;'\"?/"
_MARKDOWN_ESCAPES = str.maketrans({char: "\\" + char for char in string.punctuation if char not in _INERT_PUNCTUATION})
# Emoji and icon shortcodes (":smile:", ":material/home:") are replaced after escapes are read,
# so a zero-width space after the first colon is what keeps them as text.
_SHORTCODE = re.compile(r":(?=[A-Za-z0-9_+/-]+:)")
# GitHub-flavoured markdown turns bare "https://…", "www.…" and "name@host" into live links
# even when their punctuation is escaped; a zero-width space where each pattern starts keeps
# them text (a link is only ever made on purpose, from an entry's website, by markdown_link).
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(?=://)|(?<=\bwww)(?=\.)|(?<=[a-z0-9_.+-])(?=@)")
LINK_SCHEMES = ("http", "https", "tel", "sms", "mailto")
# Kept as they are in a link's destination; everything else is percent-encoded, which keeps
# parentheses, spaces, angle brackets and quotes from ending the markdown link early.
_URL_SAFE = ":/?#@!$&*+,;=%-._~"


# Characters removed from every text: controls (line breaks kept where a field is multi-line),
# bidirectional embeddings/overrides/isolates that reorder what surrounds them, the byte-order
# mark and lone surrogates. Right-to-left *marks* stay: Arabic and Hebrew text needs them.
_REMOVED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")


def clean_text(value, multiline: bool = False) -> str:
    """``value`` as safe plain text: normalised, without control or reordering characters, trimmed."""
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    return _REMOVED.sub("", text).strip()


def plain_text(value) -> str:
    """One line of text: ``clean_text``, with runs of whitespace made single spaces."""
    return _WHITESPACE.sub(" ", clean_text(value))


def markdown_text(value) -> str:
    """``value`` as literal text inside Streamlit markdown (one line)."""
    text = _AUTOLINK.sub("\u200b", plain_text(value))
    return _SHORTCODE.sub(":\u200b", text).translate(_MARKDOWN_ESCAPES)


def html_text(value) -> str:
    """``value`` as literal text inside HTML, in element content or a quoted attribute."""
    return html.escape(_CONTROL.sub("", str(value)), quote=True)


def safe_url(url, schemes: tuple[str, ...] = LINK_SCHEMES) -> str | None:
    """``url`` when it is a well-formed link with one of ``schemes``, else None.

    Refuses ``javascript:``, ``data:`` and the like, URLs with spaces or control characters,
    and http(s) URLs without a host.
    """
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or _CONTROL.search(url) or _SPACE.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        return None
    if scheme in ("http", "https") and not parts.hostname:
        return None
    return url


def markdown_link(label, url) -> str:
    """A markdown link showing ``label`` as text; just the text when ``url`` is not safe."""
    checked = safe_url(url)
    if checked is None:
        return markdown_text(label)
    return f"[{markdown_text(label)}]({quote(checked, safe=_URL_SAFE)})"


def markdown_badge(label, color: str = "blue") -> str:
    """A Streamlit badge (``:blue-badge[...]``) holding ``label`` as text."""
    return f":{color}-badge[{markdown_text(label)}]"


def markdown_table(headers: list[str], rows: list[list]) -> str:
    """A markdown table whose every cell is shown as text."""
    lines = [
        "| " + " | ".join(markdown_text(header) for header in headers) + " |",
        "|" + "---|" * len(headers),
    ]
    lines.extend("| " + " | ".join(markdown_text(cell) for cell in row) + " |" for row in rows)
    return "\n".join(lines)
