"""Every page in Spanish in a real Chromium at phone width (375 px): no English interface words, the
crisis banner in Spanish, ``lang="es"`` on the document and no serious axe violation; a search in
Spanish whose shortlist downloads as a Spanish PDF and text; the switch, the address and the
browser's own language choosing the language.

The visible text is checked against the English catalogue (``tests/i18n_support.py``). Every wait is
on a condition in the page, never on time.
"""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from tests.browser import open_page, serious_violations, start_app_with_reviewer, wait_until_drawn
from tests.i18n_support import english_in

pytestmark = pytest.mark.browser

WAIT_MS = 30_000
expect.set_options(timeout=WAIT_MS)
PHONE = {"width": 375, "height": 812}
ENTRY = "co-den-moud-front-range-bup"
PASSWORD = "correct horse battery"
PAGES = {
    "find": "/?lang=es",
    "results": "/?lang=es&near=80222",
    "detail": f"/?lang=es&entry={ENTRY}",
    "intake": "/intake?lang=es",
    "suggest": "/suggest?lang=es",
    "about": "/about?lang=es",
    "sign-in": "/sign_in?lang=es",
}


@pytest.fixture(scope="module")
def spanish_app(tmp_path_factory):
    """The app on a copy of the bundled directory, with a reviewer account for the Review page."""
    work = tmp_path_factory.mktemp("spanish")
    app = start_app_with_reviewer(work, PASSWORD)
    app.directory = work / "directory"
    yield app
    app.stop()


@pytest.fixture
def phone(chromium_browser):
    with open_page(chromium_browser, WAIT_MS, viewport=PHONE, accept_downloads=True) as page:
        yield page


def check_spanish_page(page: Page, directory, screenshots, name: str) -> None:
    """The drawn page says nothing in English, tells the browser it is Spanish, and passes axe."""
    expect(page.get_by_text("¿En crisis?")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    wait_until_drawn(page)
    page.screenshot(path=str(screenshots / f"es-{name}.png"), full_page=True)
    assert english_in(page.locator("body").inner_text(), directory) == []
    assert serious_violations(page) == []


@pytest.mark.parametrize("name", list(PAGES))
def test_a_spanish_page_at_phone_width_has_no_english_words_and_passes_axe(
    spanish_app, phone, browser_output_dir, name
):
    phone.goto(spanish_app.url + PAGES[name])
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    check_spanish_page(phone, spanish_app.directory, browser_output_dir, name)


def test_the_review_page_in_spanish_after_signing_in(spanish_app, phone, browser_output_dir):
    phone.goto(f"{spanish_app.url}/sign_in?lang=es")
    phone.get_by_role("textbox", name="Nombre del revisor").fill("ana")
    phone.get_by_role("textbox", name="Contraseña").fill(PASSWORD)
    phone.get_by_role("button", name="Iniciar sesión").click()
    expect(phone.get_by_role("heading", name="Revisar sugerencias", level=1)).to_be_visible()
    expect(phone.get_by_text("No hay sugerencias pendientes.")).to_be_visible()
    check_spanish_page(phone, spanish_app.directory, browser_output_dir, "review")


def test_a_spanish_search_and_its_shortlist_download_as_spanish_pdf_and_text(spanish_app, phone):
    phone.goto(f"{spanish_app.url}/?lang=es")
    expect(phone.get_by_role("heading", name="Buscar recursos", level=1)).to_be_visible()
    phone.get_by_role("textbox", name="Código postal, ciudad o coordenadas").fill("80222")
    phone.get_by_role("button", name="Buscar", exact=True).click()
    expect(phone.get_by_role("heading", name="Resultados", level=2)).to_be_visible()
    expect(phone.get_by_text(re.compile(r"^Se (muestran|encontraron?) "))).to_be_visible()
    assert "lang=es" in phone.url and "near=80222" in phone.url
    phone.get_by_role("button", name="Agregar a favoritos").first.click()
    expect(phone.get_by_role("heading", name="Sus favoritos", level=2)).to_be_visible()
    wait_until_drawn(phone)

    with phone.expect_download() as download:
        phone.get_by_role("button", name="Descargar PDF").click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    pdf_text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert pdf_text.startswith("Recursos de recuperación")
    assert "Favoritos" in pdf_text and "¿En crisis? Llame o envíe un texto al 988" in pdf_text
    assert english_in(pdf_text, spanish_app.directory) == []

    with phone.expect_download() as download:
        phone.get_by_role("button", name="Descargar texto").click()
    text = download.value.path().read_text(encoding="utf-8")
    assert text.startswith("Recursos de recuperación\nHecho el ")
    assert text.rstrip().endswith(
        "En crisis: llame o envíe un texto al 988. Línea de Ayuda de SAMHSA 1-800-662-4357. Emergencias 911."
    )
    assert english_in(text, spanish_app.directory) == []


def test_the_switch_changes_the_language_and_the_address_keeps_it_across_pages(spanish_app, phone):
    phone.goto(spanish_app.url)
    expect(phone.get_by_role("heading", name="Find resources", level=1)).to_be_visible()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    phone.get_by_text("Español", exact=True).click()
    expect(phone.get_by_role("heading", name="Buscar recursos", level=1)).to_be_visible()
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    phone.wait_for_url(re.compile(r"[?&]lang=es"))
    # A shared link carries the language it was sent in, whatever the browser prefers.
    phone.goto(f"{spanish_app.url}/about?lang=es")
    expect(phone.get_by_role("heading", name="Acerca de y datos", level=1)).to_be_visible()
    phone.get_by_test_id("stMain").get_by_role("link", name="Sugerir una actualización").click()
    expect(phone.get_by_role("heading", name="Sugerir una actualización", level=1)).to_be_visible()
    phone.wait_for_url(re.compile(r"/suggest\?.*lang=es"))


def test_a_browser_that_prefers_spanish_opens_in_spanish(spanish_app, chromium_browser):
    with open_page(chromium_browser, WAIT_MS, viewport=PHONE, locale="es-MX") as page:
        page.goto(spanish_app.url)
        expect(page.get_by_role("heading", name="Buscar recursos", level=1)).to_be_visible()
        page.wait_for_url(re.compile(r"[?&]lang=es"))
