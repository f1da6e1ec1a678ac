"""Finding English interface words in text shown in another language.

The English catalogue is the message ids of ``messages.pot``: every interface string. Each is cut
at its placeholders and markdown into plain fragments; a fragment found whole (on word boundaries)
in a Spanish screen's text is an English string that escaped translation. Fragments whose Spanish is
the same (AA, PDF, Hospital) are not English tells, and neither are fragments that occur in the
directory's own files: entries keep their own text as their sources wrote it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel.messages.pofile import read_po
from tests.conftest import PROJECT_ROOT

from navigator.i18n import catalogue_path

TEMPLATE = PROJECT_ROOT / "src" / "navigator" / "locale" / "messages.pot"
# Markdown, placeholders and punctuation that join fragments: "**{label}:** {link}" has no words of its own.
_SPLIT = re.compile(r"\{[^{}]*\}|\*\*|\[|\]\([^)]*\)|[:;()·\n—–/?!¿¡\"]|\. ")
MIN_LETTERS = 4


def _fragments(message: str) -> set[str]:
    pieces = (" ".join(piece.split()).strip(" ,.-'") for piece in _SPLIT.split(message))
    return {piece for piece in pieces if sum(char.isalpha() for char in piece) >= MIN_LETTERS}


@lru_cache(maxsize=1)
def english_fragments(language: str = "es") -> frozenset[str]:
    """Plain English fragments of every interface string whose translation into ``language`` differs."""
    with TEMPLATE.open("rb") as pot:
        template = read_po(pot)
    with catalogue_path(language).open("rb") as po:
        translated = {message.id: message.string for message in read_po(po, locale=language) if message.id}
    fragments: set[str] = set()
    for message in template:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = translated.get(message.id)
        strings = strings if isinstance(strings, tuple) else (strings,)
        same = set().union(*(_fragments(string or "") for string in strings))
        for msgid in ids:
            fragments |= _fragments(msgid) - same
    return frozenset(fragments)


@lru_cache(maxsize=4)
def _data_text(directory: str) -> str:
    from pathlib import Path

    # Whitespace as one space: YAML folds long text over several lines.
    text = " ".join(path.read_text(encoding="utf-8") for path in sorted(Path(directory).rglob("*.yaml")))
    return " ".join(text.split())


def english_in(text: str, directory=PROJECT_ROOT / "directory", language: str = "es") -> list[str]:
    """The English interface fragments ``text`` holds that its data does not explain."""
    data = _data_text(str(directory))
    # Not words: markdown's icons and link targets (":material/call:", "(tel:988)").
    text = " ".join(re.sub(r":material/\w+:|\]\([^)]*\)", " ", text).split())
    found = []
    for fragment in english_fragments(language):
        pattern = r"(?<![\w])" + re.escape(fragment) + r"(?![\w])"
        if re.search(pattern, text) and not re.search(pattern, data):
            found.append(fragment)
    return sorted(found)
