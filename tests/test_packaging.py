"""Honest packaging: the declared dependencies are exactly what toolkit/ imports, and nothing
patches another library globally."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import zipfile
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


def _imports_toolkit_first(path: Path) -> bool:
    """Whether a script imports toolkit at its top level before putting its checkout on sys.path."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        text = ast.unparse(node)
        if "sys.path" in text and ("insert(0" in text or "[:0]" in text):
            return False
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "toolkit":
            return True
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "toolkit" for a in node.names):
            return True
    return False


def test_scripts_use_their_own_checkout(tmp_path):
    """`python scripts/X.py` puts scripts/ first on sys.path, so a script importing toolkit would
    take whichever nianbao is installed (a .venv's older copy) or fail without one: every script
    puts its checkout first (tester's G7). Tried for real on build_templates.py in a copy of the
    checkout with a changed label, run where no toolkit can be imported from the current folder."""
    assert [p.name for p in sorted((ROOT / "scripts").glob("*.py")) if _imports_toolkit_first(p)] == []
    copy = tmp_path / "checkout"
    shutil.copytree(ROOT / "toolkit", copy / "toolkit", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "scripts", copy / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "workbook_templates").mkdir()
    spec_file = copy / "toolkit" / "spec.py"
    text = spec_file.read_text(encoding="utf-8")
    assert '("normative", "行政规范性文件")' in text
    spec_file.write_text(text.replace('("normative", "行政规范性文件")', '("normative", "行政规范性文件（改）")'),
                         encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([sys.executable, str(copy / "scripts" / "build_templates.py")], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(copy / "workbook_templates" / "年报填报模板.xlsx") as z:
        assert "行政规范性文件（改）" in z.read("xl/sharedStrings.xml").decode("utf-8")
