"""Rules about the domain package as a whole (what it may import is the import-linter contract in
pyproject.toml; this checks what importing it actually loads)."""

import ast
import subprocess
import sys

from tests.conftest import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "src" / "navigator"


def _imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_importing_every_module_loads_no_streamlit():
    modules = sorted(
        "navigator." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        for path in PACKAGE.rglob("*.py")
        if path.name not in ("__init__.py", "__main__.py")
    )
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print('streamlit' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
        env={"PYTHONPATH": str(PROJECT_ROOT / "src"), "PATH": ""},
    )
    assert result.stdout.strip() == "False"
