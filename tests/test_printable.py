import datetime as dt
import fnmatch
import re
import tomllib
from zoneinfo import ZoneInfo

import pytest
from tests.conftest import CLINIC, PROJECT_ROOT, write_directory

from navigator.directory.loader import load_directory
from navigator.formats.printable import PDF_FONT_FILES, pdf_font, render_html, render_pdf, render_text
from navigator.i18n import use_language
from navigator.plan.takehome import CRISIS_LINES, CRISIS_SHORT, PhoneLine, ResourceSummary, Section
from navigator.search.engine import Query, search

NOW = dt.datetime(2026, 11, 24, 18, 20, tzinfo=ZoneInfo("America/Denver"))
ATTACK = "<img src=x onerror=alert(1)> **x** [y](javascript:alert(1))"
SPANISH = "Clínica de recuperación — ¿Dónde está? Año nuevo"
VIETNAMESE = "Chương trình phục hồi Tiếng Việt"


@pytest.fixture
def directory(small_directory):
    return load_directory(small_directory, today=NOW.date())


def summary(**fields) -> ResourceSummary:
    base = dict(id="x", name="Clinic", organization="Org", category="Treatment program")
    return ResourceSummary(**{**base, **fields})


def test_a_summary_holds_what_a_person_needs_to_get_there(directory):
    clinic = ResourceSummary.from_entry(directory, "test-clinic", now=NOW)
    assert clinic.name == "Test Clinic Buprenorphine"
    assert clinic.category == "Medication for opioid use disorder"
    assert clinic.address == "1 Main St, Denver, CO 80222"
    assert clinic.directions_url.startswith("https://www.google.com/maps/dir/?api=1&destination=1+Main+St")
    assert clinic.phones == (PhoneLine("303-555-0100", "intake"),)
    assert clinic.phones[0].href == "tel:+13035550100"
    # Absolute days and times, zone named: a take-home is read days later, when "Opens tomorrow"
    # or "Open now" would be wrong.
    assert clinic.hours == ("Mon–Fri 8:00 AM–5:00 PM MT",)
    assert clinic.timing is None
    assert ("Hours", ["Mon–Fri 8:00 AM–5:00 PM MT"]) in [
        (label, [link.text for link in links]) for label, links in clinic.facts()
    ]
    assert clinic.verified == "Last verified Oct 1, 2026"
    assert clinic.sample and clinic.distance is None and clinic.matched == ()


def test_a_hit_adds_distance_and_the_needs_it_matched(directory):
    hit = search(directory, Query(near="80222", needs=("buprenorphine",)), now=NOW).hits[0]
    clinic = ResourceSummary.from_entry(directory, "test-clinic", hit=hit, now=NOW)
    assert clinic.matched == ("Buprenorphine (Suboxone, Sublocade)",)
    assert clinic.distance.endswith("mi")


def test_an_online_meeting_has_its_join_link(directory):
    meeting = ResourceSummary.from_entry(directory, "test-meeting", now=NOW)
    assert meeting.join_url == "https://example.org/zoom"
    assert meeting.directions_url is None


def test_an_unknown_entry_is_a_key_error(directory):
    with pytest.raises(KeyError, match="nope"):
        ResourceSummary.from_entry(directory, "nope")


def test_html_escapes_every_value_and_runs_no_script():
    page = render_html(
        ATTACK,
        [
            Section(
                ATTACK,
                note=ATTACK,
                resources=[
                    summary(
                        name=ATTACK,
                        organization=ATTACK,
                        website="javascript:alert(1)",
                        how_to_get_in=ATTACK,
                    )
                ],
            )
        ],
        subtitle=ATTACK,
        footer=ATTACK,
    )
    assert "<img" not in page and "<script" not in page.lower()
    assert "javascript:" not in re.findall(r'href="([^"]*)"', page).__str__()
    assert page.count("&lt;img src=x onerror=alert(1)&gt;") >= 6


def test_html_is_a_standalone_page_with_inline_css_and_the_crisis_lines():
    page = render_html("Shortlist", [Section("Medication", resources=[summary(sample=True)])])
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert "<style>" in page and "@media print" in page
    assert "<link" not in page and "src=" not in page
    for line in CRISIS_LINES:
        assert line.replace("&", "&amp;") in page
    assert "Sample (fictional)" in page


def test_html_links_call_text_and_directions():
    page = render_html(
        "Shortlist",
        [
            Section(
                "",
                resources=[
                    summary(
                        phones=(
                            PhoneLine("303-555-0100", "intake"),
                            PhoneLine("720-555-0161", "text"),
                        ),
                        address="1 Main St, Denver, CO 80222",
                        directions_url="https://www.google.com/maps/dir/?api=1&destination=1+Main+St",
                    )
                ],
            )
        ],
    )
    assert 'href="tel:+13035550100"' in page
    assert 'href="sms:+17205550161"' in page
    assert 'href="https://www.google.com/maps/dir/?api=1&amp;destination=1+Main+St">Directions</a>' in page


def test_an_empty_section_says_so():
    assert "No resources in this section." in render_html("Plan", [Section("Housing")])


def test_text_is_one_short_line_per_resource_and_ends_with_the_crisis_lines(directory):
    resources = [
        ResourceSummary.from_entry(directory, entry_id, now=NOW) for entry_id in ("test-clinic", "test-meeting")
    ]
    text = render_text("Shortlist", [Section("Shortlist", resources=resources)], subtitle="Near 80222")
    lines = text.splitlines()
    assert lines[0] == "Shortlist" and lines[-1] == CRISIS_SHORT
    assert lines[3] == "Shortlist:"
    assert lines[4] == (
        "1. Test Clinic Buprenorphine (sample); 303-555-0100; 1 Main St, Denver, CO 80222; Mon–Fri 8:00 AM–5:00 PM MT"
    )
    assert lines[5].startswith("2. Tuesday Night Speaker Meeting; Denver, CO 80218; https://example.org/zoom; ")
    assert all(len(line) <= 160 for line in lines)


def test_text_keeps_markup_as_plain_characters():
    text = render_text("Plan", [Section("", resources=[summary(name="A\n**B**")])])
    assert "1. A **B**" in text


def test_a_pdf_embeds_the_shipped_unicode_font_in_both_weights(directory):
    resources = [
        ResourceSummary.from_entry(directory, "test-clinic", now=NOW),
        summary(name=VIETNAMESE, sample=True),
    ]
    pdf = render_pdf("Kế hoạch", [Section(SPANISH, resources=resources)], subtitle=SPANISH, footer=ATTACK)
    assert pdf.startswith(b"%PDF-") and b"/FontFile2" in pdf
    assert re.search(rb"/BaseFont /[A-Z]{6}\+DejaVuSansBook\b", pdf)
    assert re.search(rb"/BaseFont /[A-Z]{6}\+DejaVuSansBold\b", pdf)
    assert b"/Helvetica" not in pdf  # nothing falls back to a built-in Latin-1 font


def test_the_pdf_font_is_read_from_the_package_with_its_licence():
    with pdf_font() as (regular, bold):
        assert [regular.name, bold.name] == list(PDF_FONT_FILES)
        assert regular.read_bytes()[:4] == bold.read_bytes()[:4] == b"\x00\x01\x00\x00"  # TrueType
        assert "Bitstream Vera" in (regular.parent / "LICENSE-DejaVu.txt").read_text(encoding="utf-8")


def test_templates_and_fonts_are_declared_package_data_so_an_installed_package_has_them():
    declared = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"
    ]["navigator.formats"]
    formats = PROJECT_ROOT / "src" / "navigator" / "formats"
    shipped = [
        path.relative_to(formats).as_posix()
        for folder in ("templates", "fonts")
        for path in (formats / folder).iterdir()
        if path.is_file()
    ]
    assert "templates/takehome.html.j2" in shipped and "fonts/DejaVuSans.ttf" in shipped
    assert [path for path in shipped if not any(fnmatch.fnmatch(path, pattern) for pattern in declared)] == []


def test_from_entry_reads_a_directory_built_for_the_test(tmp_path):
    folder = write_directory(tmp_path / "d", {"a.yaml": CLINIC.replace("Test Clinic Buprenorphine", SPANISH)})
    clinic = ResourceSummary.from_entry(load_directory(folder, today=NOW.date()), "test-clinic", now=NOW)
    assert clinic.name == SPANISH


def test_a_pdf_section_heading_never_sits_alone_at_the_foot_of_a_page(directory):
    from navigator.formats import printable

    headings = []

    class Recording(printable._Printout):
        def para(self, text, size=10, bold=False, height=5):
            if size == 14:  # a section heading: where it lands, and how much page is left below it
                headings.append(self.page_break_trigger - self.get_y())
            super().para(text, size, bold, height)

    clinic = ResourceSummary.from_entry(directory, "test-clinic", now=NOW)
    sections = [Section(f"Section {number}", resources=[clinic] * (number % 3 + 1)) for number in range(12)]
    with pdf_font() as font:
        printable._pdf(Recording(font), "Plan", sections, None, None)
    assert len(headings) == 12
    assert min(headings) >= 40  # millimetres: room for the heading and a resource's first lines


def test_a_take_home_in_spanish_says_everything_in_spanish_and_keeps_the_entry_as_written(directory):
    with use_language("es"):
        clinic = ResourceSummary.from_entry(directory, "test-clinic", now=NOW)
        sections = [Section("Favoritos", resources=[clinic])]
        page = render_html("Recursos de recuperación", sections)
        text = render_text("Recursos de recuperación", sections)
    assert clinic.name == "Test Clinic Buprenorphine"  # the listing's own words, as its source wrote them
    assert clinic.category == "Medicamentos para el trastorno por consumo de opioides"
    assert clinic.hours == ("Lun–Vie 8:00–17:00 MT",)
    assert clinic.verified == "Verificado por última vez el 1 oct 2026"
    assert '<html lang="es">' in page and "Muestra (ficticio)" in page
    assert "<dt>Horario</dt>" in page and "(admisión)" in page
    assert "¿En crisis? Llame o envíe un texto al 988" in page
    assert "(muestra)" in text and text.rstrip().endswith("Emergencias 911.")
    assert clinic.speaks_spanish and '<strong lang="es">Se habla español</strong>' in page
