"""LibreOffice (headless ``soffice``), when it is installed: found where its installers put it,
run on a user profile of our own, one conversion at a time per profile.

Two users: ``word.pdf`` (Word report -> PDF) and ``collect.convert`` (a workbook saved as .xls or
WPS .et -> .xlsx). Each words its own messages from the ``Run`` outcome.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import ConversionFailed
from .fileio import os_reason

_CANDIDATES = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    "/opt/libreoffice/program/soffice",
)


# The Document Foundation's own Linux packages (what libreoffice.org offers UOS/Kylin users) install
# to a versioned folder, /opt/libreoffice24.8/program/soffice, and put only a versioned link
# (libreoffice24.8) on the PATH (TDF bug 89963).
_OPT = Path("/opt")
_VERSIONED = "libreoffice[0-9]*"


def find_soffice() -> str | None:
    """LibreOffice's soffice: on the PATH (also under libreoffice.org's versioned name), or where
    its installers put it; of several versions, the newest."""
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    versioned = [Path(folder) / found.name for folder in os.environ.get("PATH", "").split(os.pathsep) if folder
                 for found in _glob(Path(folder), _VERSIONED) if shutil.which(found.name, path=folder)]
    versioned += [p for p in _glob(_OPT, _VERSIONED + "/program/soffice") if p.is_file()]
    if versioned:
        return str(max(versioned, key=_version))
    return next((p for p in _CANDIDATES if Path(p).is_file()), None)


def _glob(folder: Path, pattern: str) -> list[Path]:
    try:
        return list(folder.glob(pattern))
    except OSError:
        return []


def _version(path: Path) -> tuple[int, ...]:
    """(24, 8) for libreoffice24.8 or /opt/libreoffice24.8/program/soffice."""
    name = next((part for part in reversed(path.parts) if part.startswith("libreoffice")), "")
    return tuple(int(n) for n in name.removeprefix("libreoffice").split(".") if n.isdigit())


def profile_dir() -> Path:
    """A LibreOffice profile of our own: conversion works while the user has LibreOffice open
    (a second soffice on the user's profile would hand the job to it and return at once)."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    path = Path(tempfile.gettempdir()) / f"nianbao-soffice-{uid}"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def profile_lock(profile: Path, timeout: int, busy: str) -> Iterator[None]:
    """One conversion at a time per profile: a second soffice started on a profile in use hands
    its request to the first and may return before the output exists. A lock older than the
    conversion timeout is left over from a crash and is taken over. ``busy``: the reason
    (ConversionFailed) when waiting for another conversion timed out."""
    lock = profile / "convert.lock"
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            break
        except FileExistsError:
            try:
                if time.time() - lock.stat().st_mtime > timeout:
                    lock.unlink()
                    continue
            except OSError:
                continue
            if time.monotonic() > deadline:
                raise ConversionFailed(busy) from None
            time.sleep(0.2)
    try:
        yield
    finally:
        try:
            lock.unlink()
        except OSError:
            pass


@dataclass(frozen=True)
class Run:
    """How one soffice run ended: ``ok``, ``timeout``, ``oserror`` (it could not be started:
    ``detail`` says why) or ``exit`` (a non-zero exit status ``code``; ``detail``: its last line)."""

    how: str
    detail: str = ""
    code: int = 0
    seconds: int = 0  # the time it was given

    @property
    def ok(self) -> bool:
        return self.how == "ok"


def convert(soffice: str, profile: Path, sources: list[Path], outdir: Path, to: str, timeout: int,
            env: dict[str, str] | None = None) -> Run:
    """One LibreOffice run converting ``sources`` into ``outdir`` (``to``: a filter spec such as
    ``pdf`` or ``xlsx``); each output is named after its source's stem."""
    cmd = [soffice, f"-env:UserInstallation={(profile / 'profile').as_uri()}", "--headless",
           "--norestore", "--nologo", "--convert-to", to, "--outdir", str(outdir), *map(str, sources)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", check=False,
                              timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return Run("timeout", seconds=timeout)
    except OSError as exc:
        return Run("oserror", os_reason(exc), seconds=timeout)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [""]
        return Run("exit", detail[0], proc.returncode, timeout)
    return Run("ok", seconds=timeout)


def convert_all(soffice: str, profile: Path, files: list[Path], tmp: Path, to: str, timeout: int, retry: int,
                made: Callable[[Path], bool] = Path.is_file,
                env: dict[str, str] | None = None) -> list[Path | Run | OSError]:
    """Convert ``files`` with one LibreOffice run, working in the folder ``tmp``. For each file in
    order: its output (in ``tmp``), or the ``Run`` that did not make it (``made`` says whether an
    output is whole), or the OSError that kept it from being read.

    Each file is copied under a name of its own first: LibreOffice names each output after its
    input's stem, and files from different folders may share a name. When the run fails part way
    (a file that crashes or hangs LibreOffice), the files it did not reach are converted one by
    one (``retry`` seconds each), so that one bad file costs only its own output."""
    inputs, outdir = tmp / "in", tmp / "out"
    inputs.mkdir(parents=True, exist_ok=True)
    out: list[Path | Run | OSError] = []
    sources: dict[int, Path] = {}
    outputs: dict[int, Path] = {}
    for i, path in enumerate(files):
        src = inputs / f"{i}{path.suffix.lower()}"
        try:
            shutil.copyfile(path, src)
        except OSError as exc:
            out.append(exc)
            continue
        sources[i] = src
        outputs[i] = outdir / f"{i}.{to.split(':')[0]}"
        out.append(outputs[i])
    if not sources:
        return out
    run = convert(soffice, profile, list(sources.values()), outdir, to, timeout, env)
    missing = [i for i in sources if not made(outputs[i])]
    if not run.ok and len(sources) > 1 and missing:
        runs = {i: convert(soffice, profile, [sources[i]], outdir, to, retry, env) for i in missing}
    else:
        runs = dict.fromkeys(missing, run)
    for i in missing:
        if not made(outputs[i]):
            out[i] = runs[i]
    return out
