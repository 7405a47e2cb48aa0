import importlib
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/lo.py and other helpers
# This checkout's toolkit, wherever pytest is started from: otherwise an installed copy (another
# checkout's editable install) would be the one tested. Child processes: repo_env() below.
sys.path.insert(0, str(ROOT))
import toolkit  # noqa: E402

assert Path(toolkit.__file__).resolve().parent == ROOT / "toolkit", (
    f"testing {toolkit.__file__}, not this checkout's toolkit ({ROOT / 'toolkit'})")

# The project's shared material (FORMAT.md, the published reference report) lies beside the
# checkout, as CI lays it; NIANBAO_SHARED points elsewhere.
SHARED = Path(os.environ.get("NIANBAO_SHARED") or ROOT.parent / "shared")
REFERENCE = SHARED / "reference" / "000_91b930a4292c284b.txt"
FORMAT_MD = SHARED / "FORMAT.md"


def require(condition: object, reason: str) -> None:
    """Skip the test with ``reason`` unless ``condition`` holds; under CI=true fail instead.

    CI (scripts/test.sh) installs everything the tests need, so there a missing program, package
    or permission is a broken set-up, not a reason to pass quietly."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: scripts/test.sh must provide it)")
    pytest.skip(reason, allow_module_level=True)  # also from a module's top level


def require_module(name: str, reason: str) -> ModuleType:
    """``import name``, or ``require`` fails/skips with ``reason`` (pytest.importorskip, but CI-strict)."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        require(False, f"{reason} ({exc})")
        raise  # not reached: require skipped or failed


def shared_text(path: Path) -> str:
    """A file of shared/: skipped with the reason where it is not there, failed under CI=true."""
    require(path.exists(), f"{path} not found: shared/ must lie beside the checkout (or set NIANBAO_SHARED)")
    return path.read_text(encoding="utf-8")


def repo_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a child Python: this checkout's toolkit first on PYTHONPATH.

    Without it a child started outside the repository root imports whatever ``toolkit`` is
    installed (another checkout's editable install), not the code under test."""
    env = {**os.environ, **(env or {})}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def run_python(*args: str | Path, cwd: Path | None = None, input: str | None = None,
               env: dict[str, str] | None = None, timeout: float = 300,
               traceback_ok: bool = False) -> subprocess.CompletedProcess:
    """``python ARGS`` in a child process importing this checkout's toolkit (see ``repo_env``).

    A traceback on stderr fails the test unless ``traceback_ok``: users never see one."""
    proc = subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, input=input, env=repo_env(env), timeout=timeout)
    if not traceback_ok:
        assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def run_nianbao(*args: str | Path, cwd: Path | None = None, input: str | None = None,
                env: dict[str, str] | None = None, timeout: float = 300,
                traceback_ok: bool = False) -> subprocess.CompletedProcess:
    """The nianbao command (``python -m toolkit ARGS``) as a user runs it; see ``run_python``."""
    return run_python("-m", "toolkit", *args, cwd=cwd, input=input, env=env, timeout=timeout,
                      traceback_ok=traceback_ok)


@pytest.fixture
def sample() -> dict:
    from toolkit.sample import sample_data
    return sample_data()


@pytest.fixture
def sample_xlsx(tmp_path, sample) -> Path:
    from toolkit.app import new_workbook
    return new_workbook(tmp_path / "锦屏街道2022.xlsx", data=sample)
