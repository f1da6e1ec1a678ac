"""Suggest and Review in Spanish under AppTest: a filled form and a pending suggestion, with every
label, heading, message and table heading checked against the English catalogue."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest
from tests.i18n_support import english_in
from tests.pages_support import app_on, shown
from tests.test_page_review import REVIEW, suggest
from ui.language import SWITCH_KEY

from navigator.i18n import use_language
from navigator.review.accounts import Reviewer, hash_password

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def password_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture
def in_spanish():
    # AppTest calls a selectbox's format function in the test's own thread: there too in Spanish.
    with use_language("es"):
        yield


def everything(app: AppTest) -> str:
    kinds = ("title", "header", "subheader", "markdown", "text", "caption", "success", "error", "warning", "info")
    parts = [shown(str(element.value)) for kind in kinds for element in app.get(kind)]
    for kind in ("button", "checkbox", "text_input", "text_area", "selectbox", "multiselect", "radio", "date_input"):
        for widget in app.get(kind):
            if widget.key != SWITCH_KEY:  # named in both languages on purpose
                parts += [widget.label or "", widget.help or "", *map(str, getattr(widget, "options", ()) or ())]
    parts += [button.proto.label for button in app.get("button")]
    parts += [str(tab.label) for tab in app.get("tab")]
    for frame in app.dataframe:
        parts += [str(column) for column in frame.value.columns]
    return "\n".join(part for part in parts if part)


def test_the_review_page_in_spanish_with_a_suggestion_waiting(
    small_directory, monkeypatch, tmp_path, password_hash, in_spanish
):
    suggest(small_directory, tmp_path, dt.datetime.now(dt.UTC), fees="Gratis")
    app = app_on(small_directory, monkeypatch, tmp_path, lang="es")
    app.secrets["reviewers"] = {"passwords": {"ana": password_hash}}
    app.session_state["reviewer"] = Reviewer("ana", "password")
    app.run()
    app.switch_page(REVIEW).run()
    assert not app.exception
    assert app.title[0].value == "Revisar sugerencias"
    assert [tab.label for tab in app.get("tab")] == [
        "Pendientes",
        "Recursos sin revisar hace más tiempo",
        "Decisiones recientes",
    ]
    table = app.dataframe[0].value
    assert list(table.columns) == ["Campo", "Ahora", "Sugerido"] and "Tarifas" in set(table["Campo"])
    assert english_in(everything(app), small_directory) == []


def test_suggesting_a_change_in_spanish(small_directory, monkeypatch, tmp_path, in_spanish):
    app = app_on(small_directory, monkeypatch, tmp_path, lang="es", entry="test-clinic", kind="change")
    app.run()
    app.switch_page("pages/suggest.py").run()
    assert not app.exception
    assert app.title[0].value == "Sugerir una actualización"
    assert any(widget.label == "Número de teléfono" for widget in app.text_input)
    assert english_in(everything(app), small_directory) == []
    app.button[-1].click().run()  # send with nothing changed and no contact: the problems in Spanish
    problems = " ".join(shown(error.value) for error in app.error)
    assert "no se cambió nada" in problems or "es obligatorio" in problems
    assert english_in(everything(app), small_directory) == []
