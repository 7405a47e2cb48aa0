"""How much one input may take (bytes on disk, bytes when expanded, seconds to check), and what is
no input at all (a FIFO, a device).

A unit's report workbook is about 30 KB and is checked in well under a second. Anything far
beyond these limits is not a report (a zip bomb, a video, a link to /dev/zero, a file that sends
a reader into a loop): it becomes a line in the status list with the reason, and the batch goes on.
"""

import stat
from pathlib import Path

from .fileio import os_reason
from .safetext import shown_path

MB = 1024 * 1024
MAX_FILE_BYTES = 100 * MB  # a file, archive member or attachment over this is never read
# What one archive or e-mail may expand to, archives inside it included. Per archive, so that
# one bomb never takes the budget of the units after it.
MAX_ARCHIVE_BYTES = 1024 * MB
COLLECT_TIMEOUT = 60.0  # seconds one file may take in ``collect`` (``--timeout``)


def shown_size(size: int) -> str:
    return f"{size / MB:.0f} MB" if size >= MB else f"{size} 字节"


def input_problem(path: Path, root: Path | None = None) -> str:
    """Why a file found in the inputs is not read, or "": not a regular file (a FIFO would block
    the read forever, a device such as /dev/zero never ends), a link leading out of the input
    folder ``root``, or larger than any report can be. Collect lists it with this reason; a
    single command (check, build, export) refuses the file with it."""
    try:
        if root is not None and path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(root.resolve()):
                return f"这是指向输入文件夹以外的链接（{shown_path(target)}），未读取"
        st = path.stat()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links
        return f"无法读取文件（{os_reason(exc) if isinstance(exc, OSError) else '链接循环'}）"
    if not stat.S_ISREG(st.st_mode):
        kind = ("命名管道" if stat.S_ISFIFO(st.st_mode) else "设备文件"
                if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else
                "套接字" if stat.S_ISSOCK(st.st_mode) else "文件夹" if stat.S_ISDIR(st.st_mode) else "特殊文件")
        return f"这不是普通文件（{kind}），未读取"
    if st.st_size == 0:
        return "文件是空的（0 字节），没有内容可读取"
    if st.st_size > MAX_FILE_BYTES:
        return f"文件过大（{shown_size(st.st_size)}，超过 {shown_size(MAX_FILE_BYTES)}），不是报表工作簿，未读取"
    return ""
