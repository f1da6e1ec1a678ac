"""Lists of resources to take away: a printable web page, a PDF, and plain text for a text message.

Generic on purpose: the Find page's shortlist and the coach intake's plan both render
"a title, then sections of resources" through this module.

    sections = [Section("Medication", note="Ask for a same-day start.",
                        resources=[ResourceSummary.from_entry(directory, "co-den-moud-…")])]
    render_html("Your plan", sections)  # a standalone page: inline CSS, no scripts
    render_pdf("Your plan", sections)   # bytes
    render_text("Your plan", sections)  # a few lines for a text message

Every printout ends with the crisis lines. The page is a jinja2 template with autoescaping
(``templates/takehome.html.j2``); the PDF is set in DejaVu Sans, shipped in ``fonts/`` because fpdf2
has no Unicode font of its own and a Spanish or Vietnamese name must print as written. Both are
package data, read through importlib.resources, so they are there however the package is installed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import jinja2
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from navigator.i18n import _, current_language, gettext, ngettext
from navigator.plan.takehome import SPANISH_SPOKEN, ResourceSummary, Section, crisis_lines, crisis_short
from navigator.text import plain_text, safe_url

# The (regular, bold) TrueType files in fonts/, with their licence beside them.
PDF_FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")

_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("navigator.formats", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
    extensions=["jinja2.ext.i18n"],
)
# The template's words through the same catalogues, in the language current when it renders.
_TEMPLATES.install_gettext_callables(gettext, ngettext, newstyle=True)
_TEMPLATES.filters["plain"] = plain_text
_TEMPLATES.filters["safe_url"] = safe_url


def render_html(title: str, sections: Sequence[Section], subtitle: str | None = None, footer: str | None = None) -> str:
    """A standalone, print-friendly web page: inline CSS, no scripts, every value escaped."""
    return _TEMPLATES.get_template("takehome.html.j2").render(
        title=title,
        sections=sections,
        subtitle=subtitle,
        footer=footer,
        crisis_lines=crisis_lines(),
        language=current_language(),
        spanish_spoken=SPANISH_SPOKEN,
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
            parts = [
                (_("Chosen:") + " " if resource.chosen else "")
                + plain_text(resource.name)
                + (" ({sample})".format(sample=_("sample")) if resource.sample else "")
            ]
            if resource.phones:
                parts.append(plain_text(resource.phones[0].number))
            if resource.address:
                parts.append(plain_text(resource.address))
            if resource.join_url:
                parts.append(resource.join_url)
            elif resource.website and not (resource.phones or resource.address):
                parts.append(resource.website)
            when = "; ".join(resource.hours) or resource.timing
            if when:
                parts.append(plain_text(when))
            lines.append(f"{number}. " + "; ".join(parts))
    lines.append("")
    if footer:
        lines.append(plain_text(footer))
    lines.append(crisis_short())
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# PDF


@contextmanager
def pdf_font() -> Iterator[tuple[Path, Path]]:
    """The shipped (regular, bold) font files as paths on disk, for as long as the block runs.

    A package imported from a zip has no files on disk; importlib.resources then extracts them
    for the block.
    """
    folder = resources.files("navigator.formats") / "fonts"
    with (
        resources.as_file(folder / PDF_FONT_FILES[0]) as regular,
        resources.as_file(folder / PDF_FONT_FILES[1]) as bold,
    ):
        yield regular, bold


# Millimetres: a section heading needs room for itself and a resource's first lines below it, a
# resource's name for its first few facts.
_KEEP_WITH_HEADING_MM = 45
_KEEP_RESOURCE_MM = 30


class _Printout(FPDF):
    def __init__(self, font: tuple[Path, Path]):
        super().__init__(format="letter")
        self.crisis_short = crisis_short()  # the foot of every page, in the language of the whole PDF
        self.set_lang(current_language())
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=20)
        self.add_font("Body", "", font[0])
        self.add_font("Body", "B", font[1])

    def text_font(self, size: float, bold: bool = False) -> None:
        self.set_font("Body", "B" if bold else "", size)

    def para(self, text: str, size: float = 10, bold: bool = False, height: float = 5) -> None:
        self.text_font(size, bold)
        self.multi_cell(0, height, plain_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def footer(self) -> None:
        self.set_y(-14)
        self.text_font(8)
        self.cell(0, 5, self.crisis_short, align="C")


def render_pdf(
    title: str,
    sections: Sequence[Section],
    subtitle: str | None = None,
    footer: str | None = None,
) -> bytes:
    """A letter-size PDF; the crisis lines close it and sit at the foot of every page."""
    with pdf_font() as font:
        return _pdf(_Printout(font), title, sections, subtitle, footer)


def _pdf(pdf: _Printout, title: str, sections: Sequence[Section], subtitle: str | None, footer: str | None) -> bytes:
    pdf.set_title(plain_text(title))
    pdf.add_page()
    pdf.para(title, size=18, bold=True, height=9)
    if subtitle:
        pdf.para(subtitle, size=11, height=6)
    for section in sections:
        pdf.ln(3)
        # A heading goes with the start of what it heads, never alone at the foot of a page.
        if pdf.will_page_break(_KEEP_WITH_HEADING_MM):
            pdf.add_page()
        pdf.para(section.heading, size=14, bold=True, height=8)
        if section.note:
            pdf.para(section.note, height=5)
        for resource in section.resources:
            _pdf_resource(pdf, resource)
    pdf.ln(4)
    if footer:
        pdf.para(footer, height=5)
    for line in crisis_lines():
        pdf.para(line, bold=True, height=5)
    return bytes(pdf.output())


def _pdf_resource(pdf: _Printout, resource: ResourceSummary) -> None:
    pdf.ln(2)
    if pdf.will_page_break(_KEEP_RESOURCE_MM):  # a name stays with its first lines
        pdf.add_page()
    sample = "  [{words}]".format(words=_("Sample, fictional")) if resource.sample else ""
    pdf.para(resource.name + sample, size=12, bold=True, height=6)
    if resource.speaks_spanish:
        pdf.para(SPANISH_SPOKEN, size=9, bold=True)
    pdf.para(f"{resource.category} · {resource.organization}", size=9)
    for label, links in resource.facts():
        pdf.text_font(10, bold=True)
        pdf.write(5, plain_text(label) + ": ")  # the space outside plain_text, which trims it
        pdf.text_font(10)
        for link in links:
            href = safe_url(link.href) if link.href else None
            pdf.write(5, plain_text(link.text) + " ", link=href or "")
        pdf.ln(5)
