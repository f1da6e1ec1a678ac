"""The interface's languages: gettext catalogues, the language of the current run, and Babel's
dates, times, numbers and names in that language.

Every word a person reads goes through ``_`` (or ``ngettext``), marked so Babel's extractor
finds it; ``N_`` marks a word kept in a table and translated where it is shown (``Words``).
The catalogues are ``locale/<lang>/LC_MESSAGES/messages.po`` in this package. They are compiled
in memory with Babel the first time a process needs a language (a few milliseconds), so no
binary ``.mo`` file is committed or built at setup, and a ``.po`` edit shows on the next start.

The language is a context variable: the app sets it at the start of every run (each Streamlit
session runs in its own thread, and a new thread starts from the default), the command line
leaves it at English, and a take-home in the participant's language renders inside
``use_language``. Adding a language is a data change: a ``.po`` file, and its labels in the
vocabulary.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gettext as _gettext
import io
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from functools import lru_cache
from importlib import resources

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, get_day_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import NumberPattern, parse_pattern

DEFAULT_LANGUAGE = "en"
# The interface languages, each named in itself (the language switch shows these).
LANGUAGES = {"en": "English", "es": "Español"}
DOMAIN = "messages"

_language: ContextVar[str] = ContextVar("navigator_language", default=DEFAULT_LANGUAGE)


def catalogue_path(language: str):
    """The ``.po`` file of ``language`` (a Traversable inside the package)."""
    return resources.files("navigator") / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``language``; English (the message ids) translates to itself."""
    if language == DEFAULT_LANGUAGE or language not in LANGUAGES:
        return _gettext.NullTranslations()
    with catalogue_path(language).open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)  # a fuzzy guess is not a translation
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def supported(language: str | None) -> str | None:
    """``language`` as one of LANGUAGES ("es-MX" → "es"), or None."""
    if not language:
        return None
    code = str(language).strip().replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else None


def choose_language(asked: str | None, remembered: str | None = None, browser: str | None = None) -> str:
    """The language to show: the page address's, else the one chosen earlier in the session,
    else the browser's preferred one, else English."""
    return supported(asked) or supported(remembered) or supported(browser) or DEFAULT_LANGUAGE


def current_language() -> str:
    return _language.get()


def set_language(language: str | None) -> str:
    """Make ``language`` (or English, if it is not one of LANGUAGES) the current run's language."""
    chosen = supported(language) or DEFAULT_LANGUAGE
    _language.set(chosen)
    return chosen


@contextlib.contextmanager
def use_language(language: str | None) -> Iterator[str]:
    """Words inside the block in ``language`` (a take-home in the participant's language)."""
    token = _language.set(supported(language) or DEFAULT_LANGUAGE)
    try:
        yield _language.get()
    finally:
        _language.reset(token)


def gettext(message: str) -> str:
    return translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations(_language.get()).ngettext(singular, plural, count)


_ = gettext


def N_(message: str) -> str:
    """Marks ``message`` for the catalogue without translating it yet (it is translated where shown)."""
    return message


class Words(Mapping):
    """A table of words marked with ``N_``, translated into the current language on every look-up."""

    def __init__(self, table: Mapping):
        self._table = dict(table)

    def __getitem__(self, key):
        return gettext(self._table[key])

    def __iter__(self):
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def message(self, key) -> str:
        """The untranslated message id under ``key`` (for building another table)."""
        return self._table[key]


# ---------------------------------------------------------------------------------------------
# Dates, times, numbers and names, in the current language (Babel's CLDR data)


@lru_cache(maxsize=len(LANGUAGES))
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language)
    except (ValueError, UnknownLocaleError):
        return Locale.parse(DEFAULT_LANGUAGE)


def locale() -> Locale:
    return _locale(_language.get())


def clock(moment: dt.time | dt.datetime) -> str:
    """ "7:00 PM" in English, "19:00" in Spanish."""
    return _clock(_language.get(), moment.hour, moment.minute)


@lru_cache(maxsize=2 * 24 * 60)  # every minute of the day, in each language
def _clock(language: str, hour: int, minute: int) -> str:
    # Babel takes some 23 us a time; a page of results writes dozens (each card's next opening).
    time = dt.time(hour, minute)
    if language == DEFAULT_LANGUAGE:
        return format_time(time, "h:mm a", locale="en_US")
    return format_time(time, "H:mm", locale=_locale(language))


def short_date(day: dt.date) -> str:
    """ "Nov 17, 2026" in English, "17 nov 2026" in Spanish."""
    pattern = "MMM d, y" if _language.get() == DEFAULT_LANGUAGE else "d MMM y"
    return format_date(day, pattern, locale=locale())


def month_day(day: dt.date) -> str:
    """ "Nov 17" in English, "17 nov" in Spanish."""
    return format_date(day, "MMM d" if _language.get() == DEFAULT_LANGUAGE else "d MMM", locale=locale())


def day_name(weekday: int, width: str = "abbreviated") -> str:
    """The name of day ``weekday`` (0 = Monday): "Mon" / "lun", or with width "wide" "Monday" / "lunes"."""
    name = get_day_names(width, locale=locale())[weekday]
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=8)
def _number_pattern(digits: int | None) -> NumberPattern:
    # Babel's format_decimal parses its pattern on every call: a third of each distance on a card.
    return parse_pattern("#,##0.##" if digits is None else "#,##0" + ("." + "0" * digits if digits else ""))


def number(value: float, digits: int | None = None) -> str:
    """ "2.4" in English, "2,4" in Spanish: ``digits`` after the point, always shown; None shows up
    to two, only where there are any ("25", "2.5")."""
    return _number_pattern(digits).apply(value, locale())


def language_label(code: str, english_names: Mapping[str, str]) -> str:
    """A language's name in the current language ("Vietnamese", "Vietnamita")."""
    if _language.get() == DEFAULT_LANGUAGE:
        return english_names.get(code, code)
    name = locale().languages.get(code) or english_names.get(code, code)
    return name[:1].upper() + name[1:]
