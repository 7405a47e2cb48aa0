"""The house stays as it is: ruff and mypy, configured in pyproject.toml, find nothing in toolkit/.
scripts/test.sh runs them before pytest as well; here they also catch a change made without it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import require_module

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    require_module("ruff", "ruff is not installed (it is in the [test] extra)")
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "toolkit"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_finds_nothing():
    require_module("mypy", "mypy is not installed (it is in the [test] extra)")
    proc = subprocess.run([sys.executable, "-m", "mypy", "toolkit"], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _broad_handlers_without_a_trace(path: Path) -> list[int]:
    """Lines of ``except Exception`` / ``except BaseException`` / bare ``except`` handlers that
    neither re-raise bare (``raise``) nor leave a trace: a ``log.…``/``logging.…`` call or the CLI's
    ``_trace`` (--debug)."""
    import ast
    broad = {"Exception", "BaseException"}
    out = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not isinstance(node, ast.ExceptHandler):
            continue
        names = ([node.type] if not isinstance(node.type, ast.Tuple) else node.type.elts) if node.type else []
        if node.type is not None and not any(isinstance(n, ast.Name) and n.id in broad for n in names):
            continue
        body = list(ast.walk(ast.Module(body=node.body, type_ignores=[])))
        reraises = any(isinstance(n, ast.Raise) and n.exc is None for n in body)
        traced = any(isinstance(n, ast.Call) and (
            (isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
             and n.func.value.id in ("log", "logging", "logger"))
            or (isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Call)
                and getattr(n.func.value.func, "attr", "") == "getLogger")
            or (isinstance(n.func, ast.Name) and n.func.id == "_trace")) for n in body)
        if not (reraises or traced):
            out.append(node.lineno)
    return out


def test_no_broad_except_swallows_without_a_trace():
    """toolkit/errors.py's rule: where an exception becomes a reason, it is logged (shown by
    --debug). A broad handler that says nothing hides the cause of a user's problem report."""
    found = {str(p.relative_to(ROOT)): lines for p in sorted((ROOT / "toolkit").rglob("*.py"))
             if (lines := _broad_handlers_without_a_trace(p))}
    assert found == {}
