#!/usr/bin/env bash
# Sets up (first time) and runs every test: unit, AppTest and the real-browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
exec .venv/bin/python -m pytest "$@"
