#!/usr/bin/env bash
# Creates .venv with the project's Python packages; with --dev also the test tools and Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { as_root apt-get update -qq; apt_updated=1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv 2>/dev/null || { apt_install python3-venv; python3 -m venv .venv; }
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
if [ "${1:-}" = "--dev" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
  # Playwright cannot download browsers here: the browser tests drive Debian's chromium.
  command -v chromium >/dev/null || apt_install chromium
  # The several-servers tests start a throwaway PostgreSQL cluster of their own (initdb, pg_ctl),
  # and publish's tests commit into a git repository.
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install postgresql
  command -v git >/dev/null || apt_install git
else
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
fi
# The domain package, editable, so `streamlit run app.py` and `python -m navigator` find it.
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
