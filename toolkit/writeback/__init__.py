"""Write check results back into the workbook the user filled: marks, notes, the results sheet.

``write_back`` is what ``nianbao check`` and ``nianbao collect`` call; ``render_workbook_bytes``
gives the new workbook without writing (batch workers). The plan of what to write (plan.py) is
separate from how it is written into a file (patch.py), so that the Excel add-in writes the same
plan into a live book.

The original is replaced atomically (temporary file in the same folder, then a rename), after the
previous version was copied to the ``nianbao备份`` folder beside it (same file name). A workbook
that Excel, WPS or LibreOffice has open, a read-only file or folder, a full disk: nothing is
written, and ``WriteOutcome.reason`` says why in Chinese.
"""

from __future__ import annotations

import datetime as _dt
import os
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DamagedFile, UnusableFile
from ..fileio import BACKUP_DIR, atomic_write, lock_files, os_reason
from ..log import Logger
from ..ooxml.sheetedit import SheetShapeError
from ..ooxml.workbook import Book
from ..rules.engine import CheckResult
from .patch import LossDetected, Rendered, render
from .plan import Note, Plan, Write, build_plan

__all__ = ["write_back", "render_workbook_bytes", "WriteOutcome", "Plan", "Write", "Note",
           "build_plan", "BACKUP_DIR", "side_copy_path"]

log = Logger(__name__)



@dataclass(eq=False)  # (compared by identity: one method fewer to compile at each start)
class WriteOutcome:
    """What write-back did with one workbook."""

    source: Path
    written: Path | None = None  # where the workbook with the results now is (None: nowhere)
    backup: Path | None = None  # the previous version of the original, when it was replaced
    reason: str = ""  # why nothing (or only a copy beside the original) was written, in Chinese
    unchanged: bool = False  # the workbook already held exactly these results
    notes_skipped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """The results are in the place asked for (the original, or ``dest``)."""
        return self.written is not None and not self.reason

    def message(self) -> str:
        """One line for the user."""
        if self.written is None:
            return f"未写回校验结果：{self.reason}"
        if self.reason:
            return f"未改动原工作簿（{self.reason}）；校验结果另存为：{self.written}"
        if self.unchanged:
            return f"工作簿中的校验结果已是最新，未改动：{self.written}"
        if self.written == self.source:
            kept = f"（改动前的版本备份在 {self.backup}）" if self.backup else ""
            return f"校验结果已写回工作簿：{self.written}{kept}"
        return f"校验结果已写入：{self.written}"


def side_copy_path(path: Path) -> Path:
    """``<name>.校验结果.xlsx`` beside the original (where it must not be changed)."""
    return path.with_name(f"{path.stem}.校验结果{path.suffix}")


def render_workbook_bytes(source: Path | bytes | Book, result: CheckResult, *,
                          checked_at: _dt.datetime | None = None) -> bytes:
    """The workbook with ``result`` written back, as bytes; nothing is written to disk.

    ``source``: the workbook's path or bytes, or the workbook as the check read it
    (``workbook.read.open_workbook``: not read, unzipped nor loaded again).
    Raises UnusableFile (Chinese reason) when the workbook cannot take the results."""
    if isinstance(source, Book):
        return _render(source.pkg.data, result, checked_at, str(source.pkg.path), source).content
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    return _render(data, result, checked_at, str(source) if isinstance(source, Path) else "").content


def _render(data: bytes, result: CheckResult, checked_at, name: str, book: Book | None = None) -> Rendered:
    try:
        return render(data, result, checked_at=checked_at, name=name or "workbook.xlsx", book=book)
    except SheetShapeError as exc:
        raise DamagedFile(f"工作簿的内部结构无法安全写入（{exc}）") from None
    except zipfile.BadZipFile:  # a member's local header or data damaged: copying it would fail
        raise DamagedFile("工作簿的压缩结构已损坏（有部件无法原样复制），无法安全写入校验结果：请用 Excel 或 WPS "
                          "打开后另存为 .xlsx 再校验") from None


def _open_reason(path: Path) -> str | None:
    locks = lock_files(path)
    if locks:
        return (f"工作簿正在被 Excel、WPS 或 LibreOffice 打开（发现锁文件 {locks[0].name}）："
                "请先关闭工作簿，再重新运行 nianbao check 写回结果")
    return None


def _read_only(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (mode & stat.S_IWUSR) or not os.access(path, os.W_OK)


def write_back(path: Path, result: CheckResult, *, dest: Path | None = None, backup: bool = True,
               checked_at: _dt.datetime | None = None) -> WriteOutcome:
    """Write ``result`` (the check of ``path``) into the workbook.

    ``dest`` None (or the same file): replace ``path`` atomically, keeping the previous version in
    ``nianbao备份/`` beside it when ``backup``. Another ``dest``: write an annotated copy there and
    leave ``path`` untouched. Never raises for the user's situation (open, read-only, full disk):
    the outcome says what happened."""
    path = Path(path)
    in_place = dest is None or _same_file(Path(dest), path)
    target = path if in_place or dest is None else Path(dest)
    outcome = WriteOutcome(path)
    reason = _open_reason(target)
    if reason:
        outcome.reason = reason
        return outcome
    try:
        before = path.stat()
        data = path.read_bytes()
    except PermissionError:
        outcome.reason = "没有读取此文件的权限"
        return outcome
    except OSError as exc:
        outcome.reason = f"无法读取文件（{os_reason(exc)}）"
        return outcome
    try:
        rendered = _render(data, result, checked_at, str(path))
    except UnusableFile as exc:
        outcome.reason = str(exc)
        return outcome
    except LossDetected as exc:
        # Our writer could not keep everything: the original stays as it is; the results go to a
        # copy beside it, so that the user still sees them, and the reason is said.
        side = side_copy_path(path)
        outcome.reason = f"写回可能改变工作簿中的内容（{exc}），因此没有改动原文件"
        return _write_copy(outcome, side, exc.content)
    except Exception:  # a workbook shaped as we never foresaw: say so, touch nothing
        log.debug("write-back of %s failed", path, exc_info=True)
        outcome.reason = "工作簿的内部结构与 nianbao 所知的不同，无法安全写入，原文件未改动"
        return outcome
    outcome.notes_skipped = rendered.notes_skipped
    if not in_place:
        return _write_copy(outcome, target, rendered.content)
    if rendered.content == data:
        outcome.written, outcome.unchanged = path, True
        return outcome
    if _read_only(path):
        outcome.reason = "文件是只读的：请在文件属性中取消“只读”（或复制到可写的文件夹）后再校验"
        return outcome
    if backup:
        copy = path.parent / BACKUP_DIR / path.name
        try:
            copy.parent.mkdir(exist_ok=True)
            atomic_write(copy, data)
        except (UnusableFile, OSError) as exc:
            outcome.reason = f"无法保存备份，因此没有改动原文件：{os_reason(exc) if isinstance(exc, OSError) else exc}"
            return outcome
        outcome.backup = copy
    try:
        now = path.stat()
        if (now.st_mtime_ns, now.st_size) != (before.st_mtime_ns, before.st_size):
            outcome.reason = "校验期间工作簿被其他程序修改过，没有写回：请重新校验"
            return outcome
        atomic_write(path, rendered.content, mode=stat.S_IMODE(before.st_mode))
    except UnusableFile as exc:
        outcome.reason = f"{exc}（原文件未改动）"
        return outcome
    except OSError as exc:
        outcome.reason = f"无法写入文件（{os_reason(exc)}），原文件未改动"
        return outcome
    outcome.written = path
    return outcome


def _write_copy(outcome: WriteOutcome, target: Path, content: bytes) -> WriteOutcome:
    """Write the annotated workbook to ``target`` (a copy; the original is not touched)."""
    reason = _open_reason(target)
    if reason:
        outcome.reason = (outcome.reason + "；" if outcome.reason else "") + reason
        return outcome
    try:
        atomic_write(target, content)
    except UnusableFile as exc:
        outcome.reason = (outcome.reason + "；" if outcome.reason else "") + str(exc)
        return outcome
    outcome.written = target
    return outcome


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b
