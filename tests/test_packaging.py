"""Honest packaging: the declared dependencies are exactly what toolkit/ imports, and nothing
patches another library globally."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")

ROOT = Path(__file__).resolve().parents[1]
# import name -> distribution name, where they differ
DISTRIBUTION = {"docx": "python-docx", "xlsxwriter": "xlsxwriter", "pyopenvba": "pyopenvba",
                "opencc_purepy": "opencc-purepy"}
# imported only by the optional doors (the Excel button) or by a check used in tests
OPTIONAL = {"xlwings": "excel", "pyopenvba": "excel", "oletools": "test"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].strip().lower()


def _imports() -> set[str]:
    found = set()
    for path in (ROOT / "toolkit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "toolkit"}


def test_dependencies_are_exactly_what_toolkit_imports():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    runtime = {_name(r) for r in project["dependencies"]}
    extras = {k: {_name(r) for r in v} for k, v in project["optional-dependencies"].items()}
    imported = _imports()
    needed = {DISTRIBUTION.get(m, m).lower() for m in imported if m not in OPTIONAL}
    assert runtime == needed, f"declared, not imported: {runtime - needed}; imported, not declared: {needed - runtime}"
    for module, extra in OPTIONAL.items():
        if module in imported:
            assert DISTRIBUTION.get(module, module).lower() in extras[extra], (module, extra)


def test_ceilings_where_we_use_private_parts():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    for name in ("xlsxwriter", "docxtpl", "python-docx"):
        spec = next(r for r in project["dependencies"] if _name(r) == name)
        assert "<" in spec, spec


def test_no_global_monkeypatch_of_argparse_or_xlsxwriter():
    source = "\n".join(p.read_text("utf-8") for p in (ROOT / "toolkit").rglob("*.py"))
    assert not re.search(r"^\s*argparse\._\s*=", source, re.M)
    assert not re.search(r"^\s*xlsxwriter\.[\w.]+\s*=", source, re.M)
