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
