#!/usr/bin/env bash
# Sets up (first time) and runs the app on the bundled directory.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/streamlit run app.py "$@"
