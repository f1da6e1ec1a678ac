"""The coach intake in Spanish under AppTest, from the safety screen to the plan and its take-homes,
and the participant's take-home language chosen apart from the coach's screen."""

import contextlib
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest
from tests import test_page_intake as intake
from tests.i18n_support import english_in
from tests.test_page_intake import APP, press, step_text
from ui.language import SWITCH_KEY

from navigator.i18n import use_language

SPANISH_CRISIS = "En crisis: llame o envíe un texto al 988"
# The intake tests' fixtures: the app's folders in the test's own, and every file offered for download.
folders = intake.folders
downloads = intake.downloads


@pytest.fixture
def screen_in():
    """The test's own thread in the screen's language: AppTest calls a selectbox's format function
    there (outside the app's run), and the app's option labels follow the current language."""
    with contextlib.ExitStack() as stack:
        yield lambda language: stack.enter_context(use_language(language))


def open_intake_in(language: str) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.query_params["lang"] = language
    app.run()
    app.switch_page("pages/intake.py").run()
    assert not app.exception
    return app


def screen_text(app: AppTest) -> str:
    """What the screen says: headings, text, messages, and every widget's label, help and choices."""
    parts = [
        element.value for kind in ("title", "subheader", "header", "markdown", "caption") for element in app.get(kind)
    ]
    parts += [element.value for kind in ("error", "warning", "info", "success") for element in app.get(kind)]
    parts += [element.proto.text for element in app.get("progress")]
    for kind in ("button", "checkbox", "toggle", "text_input", "radio", "selectbox", "multiselect"):
        for widget in app.get(kind):
            if widget.key == SWITCH_KEY:  # named in both languages on purpose
                continue
            parts += [widget.label or "", widget.help or "", getattr(widget.proto, "placeholder", "")]
            parts += list(getattr(widget, "options", ()) or ())
    for kind in ("pills", "segmented_control"):
        for widget in app.get(kind):
            parts += [widget.proto.label, *widget.proto.options]
    parts += [button.proto.label for button in app.get("download_button")]
    return "\n".join(str(part) for part in parts)


def downloaded(offered, suffix: str):
    """The files offered with names ending in ``suffix``; text files as text."""
    found = [data for name, data in offered if name and name.endswith(suffix)]
    found = [data.decode("utf-8") if isinstance(data, bytes) and suffix != ".pdf" else data for data in found]
    return list(dict.fromkeys(found))  # a file is handed over twice: remembered for Finish, then for its button


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def to_the_plan(app: AppTest, needs: list[str], take_home_language: str) -> None:
    """From the safety screen to the plan: near 80222, ``needs`` chosen, the take-homes in
    ``take_home_language``."""
    press(app, "intake_next")
    app.text_input(key="intake_near").input("80222").run()
    press(app, "intake_next")
    app.pills(key="intake_needs").set_value(needs).run()
    press(app, "intake_next")
    app.segmented_control(key="intake_takehome_language").set_value(take_home_language).run()
    press(app, "intake_next")


def test_the_intake_in_spanish_from_the_safety_screen_to_the_plan(folders, downloads, screen_in):
    directory = Path(folders["directory"])
    screen_in("es")
    app = open_intake_in("es")
    assert step_text(app) == "Paso 1 de 5: Primero, la seguridad"
    app.checkbox(key="intake_overdose_risk").check().run()
    app.radio(key="intake_moment").set_value("released").run()
    assert [subheader.value for subheader in app.subheader][:2] == [
        "¿Está a salvo en este momento?",
        "Primero, la seguridad",
    ]
    assert any("llame al 911" in error.value and "Llame al 911" in error.value for error in app.error)
    assert english_in(screen_text(app), directory) == []

    press(app, "intake_next")
    assert step_text(app) == "Paso 2 de 5: Dónde y cómo"
    app.text_input(key="intake_near").input("80222").run()
    assert english_in(screen_text(app), directory) == []
    press(app, "intake_next")
    assert step_text(app) == "Paso 3 de 5: Necesidades"
    app.pills(key="intake_needs").set_value(["medication", "housing", "meetings"]).run()
    app.selectbox(key="intake_housing_medication").set_value("methadone").run()
    assert english_in(screen_text(app), directory) == []
    press(app, "intake_next")
    assert step_text(app) == "Paso 4 de 5: Lo que le conviene"
    assert app.segmented_control(key="intake_takehome_language").value == "es"  # the screen's, until changed
    assert english_in(screen_text(app), directory) == []
    press(app, "intake_next")

    assert step_text(app) == "Paso 5 de 5: El plan"
    headings = [subheader.value for subheader in app.subheader]
    assert headings[:2] == ["El plan", "Primero, la seguridad"]
    assert "Vivienda de recuperación" in headings
    assert any(warning.value.startswith("No hay vivienda de recuperación a menos de") for warning in app.warning)
    assert english_in(screen_text(app), directory) == []
    [message] = [code.value for code in app.code]
    assert message.startswith("Su plan de recuperación\nEmergencias: llame al 911.")
    [page] = downloaded(downloads, ".html")
    assert '<html lang="es">' in page and "Primero, la seguridad" in page and "¿En crisis?" in page
    [pdf] = downloaded(downloads, ".pdf")
    assert "Plan de recuperación" in pdf_text(pdf) and SPANISH_CRISIS in pdf_text(pdf)


def test_the_take_homes_follow_the_participants_language_not_the_coachs_screen(folders, downloads):
    app = open_intake_in("en")
    to_the_plan(app, ["meetings"], "es")
    assert step_text(app) == "Step 5 of 5: The plan"  # the coach's screen stays English
    assert {"Calendar", "Printable page", "PDF"} <= {button.proto.label for button in app.get("download_button")}
    [message] = [code.value for code in app.code]
    assert message.startswith("Su plan de recuperación")
    [page] = downloaded(downloads, ".html")
    assert '<html lang="es">' in page and "Plan de recuperación" in page
    [pdf] = downloaded(downloads, ".pdf")
    assert SPANISH_CRISIS in pdf_text(pdf)


def test_a_spanish_screen_can_hand_an_english_take_home(folders, downloads, screen_in):
    screen_in("es")
    app = open_intake_in("es")
    to_the_plan(app, ["medication"], "en")
    assert step_text(app) == "Paso 5 de 5: El plan"
    [message] = [code.value for code in app.code]
    assert message.startswith("Your recovery plan")
    [page] = downloaded(downloads, ".html")
    assert '<html lang="en">' in page and "Recovery plan" in page
