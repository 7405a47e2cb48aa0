"""Workbooks saved in an older format (.xls, WPS's .et, .ods) made readable: converted to .xlsx
by LibreOffice when it is installed, all of a batch in one run, in a private temporary folder.
The converted copy is kept below ``OUTDIR/_收件/转换`` and checked as usual, its row saying what it
was converted from. Without LibreOffice (or when it cannot convert a file) the row says what to do.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .. import office
from ..errors import UnusableFile
from ..fileio import WORKBOOK_SUFFIXES, os_reason
from ..source import FORMAT_NAMES, SAVE_AS_XLSX, is_opendocument_sheet, this_is
from .gather import Item, safe_name

# What LibreOffice reads (WPS's .et is a BIFF workbook like .xls): suffix -> the format in words.
CONVERTIBLE = {suffix: FORMAT_NAMES[suffix] for suffix in (".xls", ".et", ".ods")}
FOLDER = "转换"  # below the inbox: the converted copies
START_SECONDS = 90  # one LibreOffice start (slow on a loaded office PC) ...
EACH_SECONDS = 10  # ... and each workbook it converts
SAVE_AS = f"请在 Excel 或 WPS 中打开后{SAVE_AS_XLSX}再报送"


def converted_note(suffix: str) -> str:
    return f"已由LibreOffice转换自{suffix}"


def format_of(path: Path) -> str:
    """The suffix of the format a file is in: its own, or .ods for an .ods renamed to a workbook's."""
    suffix = path.suffix.lower()
    return ".ods" if suffix in WORKBOOK_SUFFIXES and is_opendocument_sheet(path) else suffix


def convert_items(items: list[Item], inbox: Path) -> None:
    """Convert every item in an older format, in place: its ``path`` becomes the .xlsx copy and
    ``converted`` its old suffix; or ``error`` says why it could not be converted and what to do."""
    todo = [it for it in items if not it.error and format_of(it.path) in CONVERTIBLE]
    if not todo:
        return
    soffice = office.find_soffice()
    if not soffice:
        for it in todo:
            kind = CONVERTIBLE[format_of(it.path)]
            it.error = (f"{this_is(kind)}的文件，本机未安装 LibreOffice，无法自动转换：{SAVE_AS}"
                        "（或在汇总的电脑上安装 LibreOffice 后重新汇总，会自动转换）")
        return
    profile = office.profile_dir()
    total = START_SECONDS + EACH_SECONDS * len(todo)
    busy = "另一个 LibreOffice 转换正在进行，等待超时，未能转换：请稍后重新汇总，或" + SAVE_AS
    try:
        with office.profile_lock(profile, total, busy), \
                tempfile.TemporaryDirectory(prefix="nianbao-convert-", ignore_cleanup_errors=True) as tmp:
            _convert(soffice, profile, Path(tmp), todo, inbox / FOLDER, total)
    except UnusableFile as exc:
        for it in todo:
            it.error = it.error or str(exc)
    except OSError as exc:  # the temporary folder or the inbox cannot be written
        for it in todo:
            it.error = it.error or f"无法转换（{os_reason(exc)}）：{SAVE_AS}"


def _convert(soffice: str, profile: Path, tmp: Path, todo: list[Item], dest: Path, timeout: int) -> None:
    results = office.convert_all(soffice, profile, [it.path for it in todo], tmp, "xlsx", timeout,
                                 START_SECONDS + EACH_SECONDS)
    dest.mkdir(parents=True, exist_ok=True)
    for it, made in zip(todo, results, strict=True):
        kind = CONVERTIBLE[format_of(it.path)]
        if isinstance(made, OSError):
            it.error = f"无法读取文件（{os_reason(made)}）"
        elif isinstance(made, office.Run):
            why = ("转换超时" if made.how == "timeout" else
                   f"无法运行 LibreOffice：{made.detail}" if made.how == "oserror" else "文件可能已加密或损坏")
            it.error = f"{this_is(kind)}的文件，LibreOffice 未能把它转换为 .xlsx（{why}）：{SAVE_AS}"
        else:
            target = _unique(dest, safe_name(it.path.stem, "转换") + ".xlsx")
            shutil.move(str(made), target)
            it.converted, it.path = format_of(it.path), target


def _unique(folder: Path, name: str) -> Path:
    path, n = folder / name, 1
    while path.exists():
        n += 1
        path = folder / f"{Path(name).stem}({n}).xlsx"
    return path
