"""Writing files safely: atomically, never over a file that Excel/WPS/LibreOffice has open."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from .report import UnusableFile


def lock_files(path: Path) -> list[Path]:
    """The lock files that say ``path`` is open: Excel/WPS ``~$name``, LibreOffice ``.~lock.name#``.

    Excel shortens long names in its lock file (``~$`` replaces the first two characters when the
    name is long), so both forms are looked for."""
    path = Path(path)
    candidates = [path.with_name("~$" + path.name), path.with_name("~$" + path.name[2:]),
                  path.with_name(f".~lock.{path.name}#")]
    return [p for p in candidates if p.exists()]


def is_open_elsewhere(path: Path) -> bool:
    return bool(lock_files(path))


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write(path: Path, content: bytes, mode: int | None = None) -> None:
    """Write ``content`` to a temporary file in the same folder, then rename it over ``path``:
    a crash or a full disk never leaves a half-written file where the user's file was.
    ``mode``: the permission bits of the new file; by default a replaced file keeps its own and
    a new one gets the usual bits (mkstemp would leave it readable by its owner only)."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".nianbao-", suffix=path.suffix, dir=folder)
    except FileNotFoundError:
        raise UnusableFile(f"文件夹不存在：{folder}") from None
    except PermissionError:
        raise UnusableFile(f"没有在此文件夹写文件的权限：{folder}") from None
    except OSError as exc:
        raise UnusableFile(f"无法在此文件夹写文件（{exc.strerror}）：{folder}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(path) if mode is None else mode)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, PermissionError):
            raise UnusableFile(f"没有写入权限（文件只读，或被其他程序占用）：{path}") from None
        raise UnusableFile(f"无法写入文件（{exc.strerror or exc}）：{path}") from None
