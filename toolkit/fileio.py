"""Writing files safely: atomically, never over a file that Excel/WPS/LibreOffice has open."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from .errors import BadArgument, OutputBlocked

# Beside a file nianbao replaces (a workbook written back, an edited report rebuilt with --force):
# the version before, under the same name.
BACKUP_DIR = "nianbao备份"


def lock_files(path: Path) -> list[Path]:
    """The lock files that say ``path`` is open: Excel/WPS ``~$name``, LibreOffice ``.~lock.name#``.

    Excel shortens long names in its lock file (``~$`` replaces the first two characters when the
    name is long), so both forms are looked for."""
    path = Path(path)
    candidates = [path.with_name("~$" + path.name), path.with_name("~$" + path.name[2:]),
                  path.with_name(f".~lock.{path.name}#")]
    return [p for p in candidates if _exists(p)]


def _exists(path: Path) -> bool:
    """``path.exists()``, False where the name cannot exist (a lock file's name of a long name
    is longer than the file system allows)."""
    try:
        return path.exists()
    except OSError:
        return False


def make_folder(folder: Path, what: str = "输出文件夹") -> Path:
    """``folder`` created with its parents if it is not there yet; OutputBlocked saying why not
    (``what`` names it for the user)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputBlocked(f"无法创建{what}（{os_reason(exc)}）：{folder}", path=folder) from None
    return folder


def file_mtime(path: Path) -> float | None:
    """When ``path`` was last modified (a timestamp), None when it cannot be told."""
    try:
        return path.stat().st_mtime
    except OSError:
        return None


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")  # the standard workbook, without and with the button


def is_workbook(path: Path | str) -> bool:
    """A standard workbook by its name (the content is judged when it is read)."""
    return Path(path).suffix.lower() in WORKBOOK_SUFFIXES


def is_same_file(a: Path | str, b: Path | str) -> bool:
    """Whether two names are one file (a link, another spelling of the path, a case-insensitive disk)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()


def refuse_output(out: Path, source: Path, suffixes: tuple[str, ...], kinds: str) -> None:
    """BadArgument unless ``out`` ends with one of ``suffixes`` (``kinds`` names them for the user)
    and is not the file being read: a slip (``-o 甲.xlsx`` for ``-o 甲.json``) must never replace a
    workbook or a report by what a command writes, not even with --force."""
    if out.suffix.lower() not in suffixes:
        raise BadArgument(f"输出文件应以 {kinds} 结尾：{out.name}（未写入任何文件）", path=out)
    if is_same_file(out, source):
        raise BadArgument(f"输出文件就是要读取的文件本身：{out}。请另给一个文件名，"
                          f"如 {source.with_suffix(suffixes[0]).name}（未写入任何文件）", path=out)


def is_lock_file(path: Path) -> bool:
    """Excel/WPS's ``~$name.xlsx`` or LibreOffice's ``.~lock.name.xlsx#``: never a workbook."""
    name = Path(path).name
    return name.startswith("~$") or (name.startswith(".~lock.") and name.endswith("#"))


_OS_REASONS = {
    errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.ENOSPC: "磁盘已满",
    errno.EROFS: "磁盘或文件夹是只读的", errno.ENOENT: "文件或文件夹不存在",
    errno.EISDIR: "这是一个文件夹", errno.ENAMETOOLONG: "文件名太长",
    errno.EDQUOT: "超出磁盘配额", errno.EBUSY: "文件正被其他程序使用",
}


def os_reason(exc: BaseException) -> str:
    """An operating-system error in the user's words (the system's own text may be English)."""
    code = getattr(exc, "errno", None)
    if code in _OS_REASONS:
        return _OS_REASONS[code]
    return getattr(exc, "strerror", None) or type(exc).__name__


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def back_up_file(path: Path) -> Path:
    """Copy ``path`` to ``nianbao备份/`` beside it (same name: the latest version before nianbao
    replaced it) and return the copy; OSError or OutputBlocked when it cannot be made."""
    copy = path.parent / BACKUP_DIR / path.name
    copy.parent.mkdir(exist_ok=True)
    atomic_write(copy, path.read_bytes())
    return copy


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
        raise OutputBlocked(f"文件夹不存在：{folder}") from None
    except PermissionError:
        raise OutputBlocked(f"没有在此文件夹写文件的权限：{folder}") from None
    except OSError as exc:
        raise OutputBlocked(f"无法在此文件夹写文件（{os_reason(exc)}）：{folder}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(path) if mode is None else mode)
        os.replace(tmp, path)
        tmp = ""
    except OSError as exc:
        if isinstance(exc, PermissionError):
            raise OutputBlocked(f"没有写入权限（文件只读，或被其他程序占用）：{path}") from None
        raise OutputBlocked(f"无法写入文件（{os_reason(exc)}）：{path}") from None
    finally:  # on every path, Ctrl+C included: no half-written .nianbao-* file stays behind
        if tmp:
            try:
                os.unlink(tmp)
            except OSError:
                pass
