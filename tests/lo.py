"""Running the real LibreOffice (headless) from tests.

Tests that need it call ``require_soffice()``: it skips with a visible reason where LibreOffice is
not installed, and fails under CI=true, where scripts/test.sh installs it, so CI always runs them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from toolkit.workbook import layout

from conftest import require

# Recalculate every formula on load, for xlsx and ods alike: the tests compare LibreOffice's own
# results with Python's, so cached values written by the generator must not be taken as they are.
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    path = soffice_path()
    require(path, "LibreOffice (soffice) is not installed: run scripts/test.sh as root to install it")
    return path


def require_tool(name: str) -> str:
    path = shutil.which(name)
    require(path, f"{name} is not installed: run scripts/test.sh as root to install it")
    return path


def profile_dir() -> Path:
    """A LibreOffice user profile of our own (recalculate on load), shared by a test session."""
    base = Path(tempfile.gettempdir()) / f"nianbao-lo-profile-{os.getuid() if hasattr(os, 'getuid') else 0}"
    user = base / "user"
    user.mkdir(parents=True, exist_ok=True)
    xcu = user / "registrymodifications.xcu"
    if not xcu.exists():
        xcu.write_text(_PROFILE, encoding="utf-8")
    return base


def convert(src: Path, to: str, outdir: Path, timeout: int = 180) -> Path:
    """``soffice --headless --convert-to TO`` with our profile; returns the converted file.

    ``to`` is a filter spec such as ``xlsx``, ``xlsx:"Calc MS Excel 2007 XML"`` or ``pdf``."""
    soffice = require_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = [soffice, f"-env:UserInstallation={profile_dir().as_uri()}", "--headless", "--norestore",
           "--convert-to", to, "--outdir", str(outdir), str(src)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    ext = to.split(":")[0]
    out = outdir / (src.stem + "." + ext)
    if proc.returncode != 0 or not out.exists():
        raise AssertionError(f"LibreOffice failed ({proc.returncode}): {proc.stdout}\n{proc.stderr}")
    return out


def convert_many(srcs: list[Path], to: str, outdir: Path, timeout: int = 300, infilter: str = "") -> list[Path]:
    """``convert`` for several files in one LibreOffice run (each start costs 2-3 s); ``infilter``
    opens them with that import filter (``HTML (StarCalc)``: a web page opened in Calc).

    The files must have different names: the outputs are ``outdir/<stem>.<ext>``."""
    soffice = require_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    stems = [Path(s).stem for s in srcs]
    assert len(set(stems)) == len(stems), "convert_many: the files' names must differ"
    cmd = [soffice, f"-env:UserInstallation={profile_dir().as_uri()}", "--headless", "--norestore",
           *([f"--infilter={infilter}"] if infilter else []),
           "--convert-to", to, "--outdir", str(outdir), *map(str, srcs)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    ext = to.split(":")[0]
    outs = [outdir / f"{stem}.{ext}" for stem in stems]
    missing = [o.name for o in outs if not o.exists()]
    if proc.returncode != 0 or missing:
        raise AssertionError(f"LibreOffice failed ({proc.returncode}, missing {missing}): "
                             f"{proc.stdout}\n{proc.stderr}")
    return outs


# --- Calc driven through UNO (tests/uno_calc.py), as a person edits a workbook -----------------

SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-uno works with this interpreter only
UNO_SCRIPT = Path(__file__).with_name("uno_calc.py")


def uno_available() -> bool:
    if not soffice_path() or not Path(SYSTEM_PYTHON).exists():
        return False
    return subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True,
                          env=_system_env()).returncode == 0


def require_uno() -> None:
    require_soffice()
    require(uno_available(), f"LibreOffice's Python bridge is missing ({SYSTEM_PYTHON} cannot import uno): "
                             "run scripts/test.sh as root to install python3-uno")


def uno_profile_dir() -> Path:
    """The profile of the office ``calc_edit`` drives: LibreOffice's defaults, as a person has them,
    and not the converter's (two offices on one profile wait for each other)."""
    path = Path(tempfile.gettempdir()) / f"nianbao-lo-uno-profile-{os.getuid() if hasattr(os, 'getuid') else 0}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _system_env() -> dict[str, str]:
    """The environment for the system interpreter: without our Python's module paths."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}


def typed(values: dict[str, object]) -> dict:
    """A step of ``calc_edit``: type these values (key -> value) into their cells, found by name."""
    return {"type": {layout.defined_name(k): v for k, v in values.items()}}


def insert_rows(key: str, count: int = 1) -> dict:
    """A step of ``calc_edit``: unprotect the sheet, insert ``count`` rows above the key's row."""
    return {"insert_rows": {"name": layout.defined_name(key), "count": count}}


def delete_rows(key: str, count: int = 1) -> dict:
    """A step of ``calc_edit``: unprotect the sheet, delete the key's row (and the next ones)."""
    return {"delete_rows": {"name": layout.defined_name(key), "count": count}}


def replace_by_copy(sheet: str, rename: bool = True) -> dict:
    """A step of ``calc_edit``: copy a sheet beside itself, delete the original and (``rename``)
    give the copy the original's name, as a user replacing a sheet by a colleague's copy does."""
    return {"replace_by_copy": {"sheet": sheet, "rename": rename}}


def comment(key: str, text: str) -> dict:
    """A step of ``calc_edit``: add a comment (a note) with ``text`` to the key's cell."""
    return {"comment": {"name": layout.defined_name(key), "text": text}}


def rename_sheet(sheet: str, to: str) -> dict:
    """A step of ``calc_edit``: rename a sheet, as a user double-clicking its tab does."""
    return {"rename_sheet": {"sheet": sheet, "to": to}}


def move_sheet(sheet: str, to: int) -> dict:
    """A step of ``calc_edit``: move a sheet to position ``to`` (0: first), as dragging its tab does."""
    return {"move_sheet": {"sheet": sheet, "to": to}}


def calc_edit(src: Path, dst: Path, *steps: dict, timeout: int = 300) -> Path:
    """Open ``src`` in LibreOffice Calc (through UNO, hidden), do ``steps`` and save as .xlsx
    to ``dst``. A fresh office per call: about 3 s."""
    return _uno_job(UNO_SCRIPT, src, dst, steps, timeout)


def writer_edit(src: Path, dst: Path, *steps: dict, timeout: int = 300) -> Path:
    """Open ``src`` in LibreOffice Writer (through UNO, hidden), do ``steps`` (tests/uno_writer.py:
    tracked_replace, content_control) and save as .docx to ``dst``."""
    return _uno_job(UNO_SCRIPT.with_name("uno_writer.py"), src, dst, steps, timeout)


def _uno_job(script: Path, src: Path, dst: Path, steps: tuple[dict, ...], timeout: int) -> Path:
    require_uno()
    job = {"input": str(src), "output": str(dst), "profile": uno_profile_dir().as_uri(), "steps": list(steps)}
    proc = subprocess.run([SYSTEM_PYTHON, str(script)], input=json.dumps(job, ensure_ascii=False),
                          capture_output=True, text=True, timeout=timeout, env=_system_env())
    if proc.returncode != 0 or not Path(dst).exists():
        raise AssertionError(f"LibreOffice (UNO) failed ({proc.returncode}): {proc.stdout}\n{proc.stderr}")
    return Path(dst)
