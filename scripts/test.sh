#!/usr/bin/env bash
# Sets up (first time) and runs every check and test: the linters, the import-layer contract, and
# unit, AppTest and real-browser tests. Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
echo "== ruff check" && .venv/bin/ruff check .
echo "== ruff format --check" && .venv/bin/ruff format --check .
echo "== lint-imports" && PYTHONPATH=src:. .venv/bin/lint-imports
exec .venv/bin/python -m pytest "$@"
