#!/usr/bin/env bash
# Sets up (first time, or when the requirements changed) and runs the app on the bundled directory.
set -euo pipefail
cd "$(dirname "$0")/.."
# pip takes about 9 s even with nothing to do, so setup runs only when .venv is missing or
# requirements.txt, pyproject.toml or setup.sh changed since the last setup (a stamp of their hash).
stamp=.venv/.setup-stamp
wanted="$(cat requirements.txt pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)"
if [ ! -x .venv/bin/streamlit ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  bash scripts/setup.sh
  echo "$wanted" >"$stamp"
fi
# serve.py serves app.py with the security headers Streamlit cannot set itself (see ui/headers.py),
# loading the directory before the server answers (see serve.py).
exec .venv/bin/streamlit run serve.py "$@"
