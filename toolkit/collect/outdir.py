"""A batch command's output folder (``nianbao collect``, ``nianbao audit``; made by
``fileio.make_folder``): written by one run at a time, an earlier run's extracted files cleared,
and its outputs found open in Excel before the batch's work rather than after it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import BinaryIO

from ..errors import OutputBlocked
from ..fileio import lock_files, os_reason
from .gather import INBOX, PREVIOUS_INBOX


def clear_extracted(outdir: Path) -> None:
    """Remove what an earlier run into this OUTDIR extracted from archives and e-mails: this run
    extracts them again from its inputs (and would otherwise pile up numbered copies)."""
    for name in (INBOX, PREVIOUS_INBOX):
        shutil.rmtree(outdir / name, ignore_errors=True)


def refuse_if_open(path: Path) -> None:
    """OutputBlocked if ``path`` is open in Excel/WPS/LibreOffice (its lock file is there)."""
    locks = lock_files(path)
    if locks:
        raise OutputBlocked(f"{path.name} 正被 Excel/WPS/LibreOffice 打开（发现锁文件 {locks[0].name}），"
                           f"请关闭后重试：{path}")


class RunLock:
    """One run of ``command`` at a time per OUTDIR: two runs would clear and move each other's
    files. An OS lock on a file in OUTDIR (flock / msvcrt), released by the system if the run
    dies, so a crash never leaves OUTDIR locked."""

    def __init__(self, outdir: Path, command: str = "collect") -> None:
        self.path = outdir / f".nianbao-{command}.lock"
        self.command = command
        self.fh: BinaryIO | None = None

    def __enter__(self) -> RunLock:
        try:
            self.fh = open(self.path, "a+b")
        except OSError as exc:
            raise OutputBlocked(f"无法在输出文件夹中写文件（{os_reason(exc)}）：{self.path.parent}") from None
        try:
            if os.name == "nt":
                import msvcrt
                self.fh.seek(0)
                msvcrt.locking(self.fh.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            else:
                import fcntl
                fcntl.flock(self.fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.fh.close()
            self.fh = None
            raise OutputBlocked(f"另一个 nianbao {self.command} 正在向此输出文件夹写入，请等它结束后再运行，"
                               f"或换一个输出文件夹：{self.path.parent}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fh is None:
            return
        try:
            if os.name == "nt":
                import msvcrt
                self.fh.seek(0)
                msvcrt.locking(self.fh.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
            else:
                import fcntl
                fcntl.flock(self.fh.fileno(), fcntl.LOCK_UN)
        except OSError:
            pass  # closing the file below releases the lock all the same
        self.fh.close()
        self.fh = None
