"""The translations: complete catalogues, the language a session gets, and words, dates and numbers in Spanish."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from tests.conftest import BUNDLED_DIRECTORY, PROJECT_ROOT

from navigator.directory.problems import DirectoryError
from navigator.directory.vocabulary import load_vocabulary, parse_vocabulary
from navigator.formats.ics import appointment_event, calendar
from navigator.i18n import (
    LANGUAGES,
    Words,
    catalogue_path,
    choose_language,
    clock,
    current_language,
    day_name,
    gettext,
    ngettext,
    number,
    short_date,
    supported,
    translations,
    use_language,
)
from navigator.search.wording import timing_words, verified_words

TRANSLATED = [language for language in LANGUAGES if language != "en"]
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
DENVER = ZoneInfo("America/Denver")


def catalogue(language: str):
    with catalogue_path(language).open("rb") as po:
        return read_po(po, locale=language)


def forms(value) -> tuple:
    """A catalogue message's id or string as a tuple: plural messages hold one per form."""
    return value if isinstance(value, tuple) else (value,)


def marked_messages() -> set:
    """Every string the code marks for translation, as Babel's extractor finds it (babel.cfg)."""
    method_map, options_map = [], {}
    section = None
    for line in (PROJECT_ROOT / "babel.cfg").read_text().splitlines():
        if line.startswith("[") and ":" in line:
            section = line.strip("[]").split(":", 1)
            method_map.append((section[1].strip(), section[0].strip()))
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    extracted = extract_from_dir(str(PROJECT_ROOT), method_map, options_map, keywords=keywords)
    return {message for _filename, _line, message, _comments, _context in extracted}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_has_a_translation_none_empty_or_fuzzy(language):
    problems = []
    for message in catalogue(language):
        if not message.id:
            continue
        strings = forms(message.string)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if not all(strings):
            problems.append(f"untranslated: {message.id!r}")
    assert problems == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_holds_every_string_the_code_marks(language):
    # A string marked in the code but missing from the .po would show in English: run scripts/translations.sh.
    held = {message.id for message in catalogue(language) if message.id}
    missing = sorted(str(message) for message in marked_messages() - held)
    assert missing == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_every_placeholder_of_their_message(language):
    # A translation that drops or renames {name} would raise KeyError when the screen formats it.
    problems = []
    for message in catalogue(language):
        if not message.id:
            continue
        ids, strings = forms(message.id), forms(message.string)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) != wanted:
                problems.append(f"{ids[0]!r} -> {string!r}")
    assert problems == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_packaged_vocabulary_labels_every_category_group_and_code(language):
    vocabulary = load_vocabulary(BUNDLED_DIRECTORY)
    assert set(vocabulary.translated[language]) == set(vocabulary.labels)
    assert all(language in category.names for category in vocabulary.categories.values())
    assert all(language in group.names for group in vocabulary.groups)


def test_vocabulary_labels_follow_the_current_language_and_fall_back_to_english():
    vocabulary = load_vocabulary(BUNDLED_DIRECTORY)
    assert vocabulary.label("methadone") == "Methadone"
    with use_language("es"):
        assert vocabulary.label("methadone") == "Metadona"
        assert vocabulary.category_label("crisis_line") == "Línea de crisis"
        assert vocabulary.groups[0].label == "Medicamentos (MOUD)"
        assert vocabulary.label("no_such_code") == "no such code"
    assert vocabulary.category_label("crisis_line") == "Crisis line"


def test_a_translation_of_an_unknown_code_is_reported_with_where_it_is():
    data = b"""categories:
  crisis_line: {label: Crisis line, adds: []}
groups:
  - {id: crisis, label: Crisis, field: needs, codes: {crisis: Crisis line}}
translations:
  es:
    codes: {crisis: Crisis, crisiss: Crisis}
    colours: {}
"""
    with pytest.raises(DirectoryError) as raised:
        parse_vocabulary(data, "vocabulary.yaml")
    lines = raised.value.report.lines()
    assert any("translations.es.codes" in line and "unknown code 'crisiss'" in line for line in lines)
    assert any("translations.es.colours" in line for line in lines)


def test_the_language_comes_from_the_address_then_the_session_then_the_browser():
    assert choose_language("es", "en", "en-US") == "es"
    assert choose_language(None, "es", "en-US") == "es"
    assert choose_language("xx", None, "es-MX") == "es"
    assert choose_language(None, None, "fr-FR") == "en"
    assert choose_language(None, None, None) == "en"
    assert supported("ES_us") == "es" and supported("pt") is None


def test_a_take_home_language_applies_inside_its_block_only():
    assert current_language() == "en"
    with use_language("es"):
        assert gettext("Open now") == "Abierto ahora"
        assert ngettext("{count} state", "{count} states", 1).format(count=1) == "1 estado"
    assert gettext("Open now") == "Open now"


def test_words_tables_translate_on_every_look_up():
    table = Words({"now": "Open now"})
    assert table["now"] == "Open now"
    with use_language("es"):
        assert table["now"] == "Abierto ahora" and dict(table.items()) == {"now": "Abierto ahora"}
    assert table.message("now") == "Open now"


def test_the_catalogue_compiles_once_per_process():
    translations.cache_clear()
    first = translations("es")
    assert translations("es") is first and translations.cache_info().misses == 1


def test_dates_times_numbers_and_day_names_follow_the_language():
    seven = dt.time(19, 5)
    assert (clock(seven), short_date(dt.date(2026, 11, 17)), number(2.46, 1), day_name(1)) == (
        "7:05 PM",
        "Nov 17, 2026",
        "2.5",
        "Tue",
    )
    with use_language("es"):
        assert (clock(seven), short_date(dt.date(2026, 11, 17)), number(2.46, 1), day_name(1)) == (
            "19:05",
            "17 nov 2026",
            "2,5",
            "Mar",
        )
        assert number(12345.5) == "12.345,5"


def test_opening_times_and_verification_read_in_spanish():
    now = dt.datetime(2026, 11, 24, 17, 0, tzinfo=DENVER)  # a Tuesday
    tonight = dt.datetime(2026, 11, 24, 19, 0, tzinfo=DENVER)
    with use_language("es"):
        assert timing_words(False, tonight, True, now) == "Próxima reunión hoy a las 19:00"
        assert timing_words(True, None, False, now) == "Abierto ahora"
        assert timing_words(False, now + dt.timedelta(minutes=20), False, now) == "Abre en 20 min"
        assert verified_words(dt.date(2026, 10, 1), False) == "Verificado por última vez el 1 oct 2026"


def test_an_appointment_calendar_file_in_the_participants_language():
    entry = {"name": "Clínica Central", "phones": [{"number": "303-555-0100"}]}
    start = dt.datetime(2026, 12, 2, 9, 0, tzinfo=DENVER)
    with use_language("es"):
        text = calendar([appointment_event(entry, start)])
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:Cita: Clínica Central" in unfolded
    assert "Llame al 303-555-0100 si necesita cambiarla." in unfolded
