"""scripts/run-app.sh: setup (pip) runs only when the requirements changed, not on every start."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import PROJECT_ROOT

# Stands in for the real setup: counts its runs and makes the .venv the script starts from.
FAKE_SETUP = """\
#!/usr/bin/env bash
set -euo pipefail
echo run >>setup-runs.log
mkdir -p .venv/bin
printf '#!/usr/bin/env bash\\necho started "$@"\\n' >.venv/bin/streamlit
chmod +x .venv/bin/streamlit
"""


def _project(root: Path) -> Path:
    (root / "scripts").mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "scripts" / "run-app.sh", root / "scripts" / "run-app.sh")
    (root / "scripts" / "setup.sh").write_text(FAKE_SETUP)
    (root / "requirements.txt").write_text("streamlit==1.67.0\n")
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    return root


def _start(root: Path) -> str:
    done = subprocess.run(
        ["bash", "scripts/run-app.sh", "--flag"], cwd=root, capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


def _setup_runs(root: Path) -> int:
    log = root / "setup-runs.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_run_app_skips_setup_when_nothing_changed_and_reruns_it_after_a_requirement_changes(tmp_path):
    root = _project(tmp_path / "project")
    assert "started run serve.py --flag" in _start(root)
    assert _setup_runs(root) == 1
    assert "started run serve.py --flag" in _start(root)
    assert _setup_runs(root) == 1  # nothing changed: no pip
    (root / "requirements.txt").write_text("streamlit==1.67.0\nrich==14.0.0\n")
    _start(root)
    assert _setup_runs(root) == 2
    _start(root)
    assert _setup_runs(root) == 2


def test_run_app_sets_up_again_when_the_venv_is_gone(tmp_path):
    root = _project(tmp_path / "project")
    _start(root)
    shutil.rmtree(root / ".venv")
    _start(root)
    assert _setup_runs(root) == 2
