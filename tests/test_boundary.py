"""The layering: core/ stays Qt-free (the CLI and batch workers use it without a display or
PySide6), and the import contracts in pyproject.toml ([tool.importlinter]: core never imports ui or
Qt, core's packages in their order, ui through core's package faces) hold."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "core"
QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6")


def test_no_qt_import_in_core_source() -> None:
    offenders = []
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path}:{node.lineno} {n}" for n in names if n.split(".")[0] in QT_MODULES
            ]
    assert offenders == []


def test_importing_every_core_module_loads_no_qt() -> None:
    modules = sorted(
        ".".join(p.relative_to(CORE.parent).with_suffix("").parts)
        for p in CORE.rglob("*.py")
        if p.name != "__init__.py"
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r}]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=CORE.parent, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts_hold() -> None:
    # A core import of ui.export_job (which imports no Qt) passed the Qt checks above; the
    # contracts catch any import against the layering.
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which(
        "lint-imports"
    )
    assert lint is not None, "import-linter is a test dependency (pyproject.toml [test])"
    result = subprocess.run(
        [lint, "--no-cache"], cwd=CORE.parent, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
