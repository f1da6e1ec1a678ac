#!/usr/bin/env bash
# After changing any marked string (_("…"), ngettext, N_ in Python; {{ _("…") }} in templates):
# extracts them into the template (messages.pot) and merges it into every language's .po file, where
# new or changed messages wait untranslated (tests/test_i18n.py fails until each has its translation).
# A new language: .venv/bin/pybabel init -i src/navigator/locale/messages.pot -d src/navigator/locale -l LANG
set -euo pipefail
cd "$(dirname "$0")/.."
locale=src/navigator/locale
"${PYBABEL:-.venv/bin/pybabel}" extract -F babel.cfg -k N_ -k ngettext:1,2 --no-location --sort-output \
  --project="Recovery Navigator" --msgid-bugs-address="-" -w 100 -o "$locale/messages.pot" .
"${PYBABEL:-.venv/bin/pybabel}" update -i "$locale/messages.pot" -d "$locale" -w 100 --no-fuzzy-matching --ignore-obsolete
