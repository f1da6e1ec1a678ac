#!/usr/bin/env bash
# Sets up (first time) and runs the app on the bundled directory.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# serve.py serves app.py, loading the directory before the server answers (see serve.py).
exec .venv/bin/streamlit run serve.py "$@"
