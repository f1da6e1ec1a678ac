"""Lists of resources to take away: a printable web page, a PDF, and plain text for a text message.

Generic on purpose: the Find page's shortlist and the coach intake's plan both render
"a title, then sections of resources" through this module.

    sections = [Section("Medication", note="Ask for a same-day start.",
                        resources=[ResourceSummary.from_entry(directory, "co-den-moud-…")])]
    render_html("Your plan", sections)  # a standalone page: inline CSS, no scripts
    render_pdf("Your plan", sections)   # bytes
    render_text("Your plan", sections)  # a few lines for a text message

Every printout ends with the crisis lines. The page is a jinja2 template with autoescaping
(``templates/takehome.html.j2``, package data read through the package loader).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path

import jinja2
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from navigator.plan.takehome import CRISIS_LINES, CRISIS_SHORT, Section
from navigator.text import plain_text, safe_url

# Unicode TrueType fonts looked for, in order, for PDFs (fpdf2 ships none). Without one the PDF
# uses a built-in font and letters outside Latin-1 are simplified ("Việt" becomes "Viêt").
FONT_CANDIDATES: tuple[tuple[str, str], ...] = (
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
    ),
    ("/usr/share/fonts/noto/NotoSans-Regular.ttf", "/usr/share/fonts/noto/NotoSans-Bold.ttf"),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
        "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf",
    ),
    ("/Library/Fonts/Arial Unicode.ttf", "/Library/Fonts/Arial Unicode.ttf"),
)
_LATIN1_PUNCTUATION = str.maketrans(
    {
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2026": "...",
        "\u2022": "-",
        "\u00a0": " ",
        "\u200b": "",
        "\u2192": "->",
        "\u2212": "-",
    }
)


_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("navigator.formats", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)
_TEMPLATES.filters["plain"] = plain_text
_TEMPLATES.filters["safe_url"] = safe_url


def render_html(title: str, sections: Sequence[Section], subtitle: str | None = None, footer: str | None = None) -> str:
    """A standalone, print-friendly web page: inline CSS, no scripts, every value escaped."""
    return _TEMPLATES.get_template("takehome.html.j2").render(
        title=title, sections=sections, subtitle=subtitle, footer=footer, crisis_lines=CRISIS_LINES
    )


# ---------------------------------------------------------------------------------------------
# Plain text for a text message


def render_text(title: str, sections: Sequence[Section], subtitle: str | None = None, footer: str | None = None) -> str:
    """A few short lines: per resource its name, first phone, address, online link, and when."""
    lines = [plain_text(title)]
    if subtitle:
        lines.append(plain_text(subtitle))
    for section in sections:
        if len(sections) > 1 or section.heading:
            lines.append("")
            lines.append(plain_text(section.heading) + ":")
        for number, resource in enumerate(section.resources, 1):
            parts = [plain_text(resource.name) + (" (sample)" if resource.sample else "")]
            if resource.phones:
                parts.append(plain_text(resource.phones[0].number))
            if resource.address:
                parts.append(plain_text(resource.address))
            if resource.join_url:
                parts.append(resource.join_url)
            elif resource.website and not (resource.phones or resource.address):
                parts.append(resource.website)
            if resource.timing:
                parts.append(plain_text(resource.timing))
            lines.append(f"{number}. " + "; ".join(parts))
    lines.append("")
    if footer:
        lines.append(plain_text(footer))
    lines.append(CRISIS_SHORT)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# PDF


def latin1_text(text: str) -> str:
    """``text`` in Latin-1 for the PDF's built-in font, keeping what can be kept.

    Punctuation gets its ASCII look-alike; a letter outside Latin-1 keeps its base letter and the
    first accent Latin-1 has with it ("ế" becomes "ê", "ạ" becomes "a"); anything else becomes "?".
    """
    kept = []
    for char in plain_text(text).translate(_LATIN1_PUNCTUATION):
        if ord(char) < 256:
            kept.append(char)
            continue
        base, *marks = unicodedata.normalize("NFD", char)
        if ord(base) >= 256:
            kept.append("?")
            continue
        composed = (unicodedata.normalize("NFC", base + mark) for mark in marks)
        kept.append(next((letter for letter in composed if len(letter) == 1 and ord(letter) < 256), base))
    return "".join(kept)


def unicode_font(
    candidates: Sequence[tuple[str, str]] = FONT_CANDIDATES,
) -> tuple[str, str] | None:
    """(regular, bold) TrueType files of the first candidate installed (bold may be regular)."""
    for regular, bold in candidates:
        if Path(regular).is_file():
            return regular, bold if Path(bold).is_file() else regular
    return None


class _Printout(FPDF):
    def __init__(self, font: tuple[str, str] | None):
        super().__init__(format="letter")
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=20)
        if font:
            self.add_font("Body", "", font[0])
            self.add_font("Body", "B", font[1])
            self.body_family, self.clean = "Body", plain_text
        else:
            self.body_family, self.clean = "helvetica", latin1_text

    def text_font(self, size: float, bold: bool = False) -> None:
        self.set_font(self.body_family, "B" if bold else "", size)

    def para(self, text: str, size: float = 10, bold: bool = False, height: float = 5) -> None:
        self.text_font(size, bold)
        self.multi_cell(0, height, self.clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def footer(self) -> None:
        self.set_y(-14)
        self.text_font(8)
        self.cell(0, 5, self.clean(CRISIS_SHORT), align="C")


def render_pdf(
    title: str,
    sections: Sequence[Section],
    subtitle: str | None = None,
    footer: str | None = None,
    fonts: Sequence[tuple[str, str]] = FONT_CANDIDATES,
) -> bytes:
    """A letter-size PDF; the crisis lines close it and sit at the foot of every page.

    ``fonts``: (regular, bold) TrueType files to try, in order (see ``FONT_CANDIDATES``).
    """
    pdf = _Printout(unicode_font(fonts))
    pdf.set_title(pdf.clean(title))
    pdf.add_page()
    pdf.para(title, size=18, bold=True, height=9)
    if subtitle:
        pdf.para(subtitle, size=11, height=6)
    for section in sections:
        pdf.ln(3)
        pdf.para(section.heading, size=14, bold=True, height=8)
        if section.note:
            pdf.para(section.note, height=5)
        for resource in section.resources:
            pdf.ln(2)
            pdf.para(
                resource.name + ("  [Sample, fictional]" if resource.sample else ""),
                size=12,
                bold=True,
                height=6,
            )
            pdf.para(f"{resource.category} · {resource.organization}", size=9)
            for label, links in resource.facts():
                pdf.text_font(10, bold=True)
                pdf.write(5, pdf.clean(label + ": "))
                pdf.text_font(10)
                for link in links:
                    href = safe_url(link.href) if link.href else None
                    pdf.write(5, pdf.clean(link.text) + " ", link=href or "")
                pdf.ln(5)
    pdf.ln(4)
    if footer:
        pdf.para(footer, height=5)
    for line in CRISIS_LINES:
        pdf.para(line, bold=True, height=5)
    return bytes(pdf.output())
