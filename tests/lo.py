"""Running the real LibreOffice (headless) from tests.

Tests that need it call ``require_soffice()``: it skips with a visible reason where LibreOffice is
not installed, and fails under CI=true, where scripts/test.sh installs it, so CI always runs them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

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


def convert_many(srcs: list[Path], to: str, outdir: Path, timeout: int = 300) -> list[Path]:
    """``convert`` for several files in one LibreOffice run (each start costs 2-3 s).

    The files must have different names: the outputs are ``outdir/<stem>.<ext>``."""
    soffice = require_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    stems = [Path(s).stem for s in srcs]
    assert len(set(stems)) == len(stems), "convert_many: the files' names must differ"
    cmd = [soffice, f"-env:UserInstallation={profile_dir().as_uri()}", "--headless", "--norestore",
           "--convert-to", to, "--outdir", str(outdir), *map(str, srcs)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    ext = to.split(":")[0]
    outs = [outdir / f"{stem}.{ext}" for stem in stems]
    missing = [o.name for o in outs if not o.exists()]
    if proc.returncode != 0 or missing:
        raise AssertionError(f"LibreOffice failed ({proc.returncode}, missing {missing}): "
                             f"{proc.stdout}\n{proc.stderr}")
    return outs
