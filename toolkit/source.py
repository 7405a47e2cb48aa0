"""Reading a source: a standard workbook (by its defined names), a JSON data file or a published
report (through the importers), as report data.

The lowest step of the flow (source → report data → findings → outputs): the application layer,
last year's data (``previous``) and the batch workers all read through ``read_report``, and it
imports nothing above the readers themselves.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import NotAWorkbook, UnreadableFile, UnusableFile
from .fileio import os_reason
from .importers import DOCUMENT_SUFFIXES, content_suffix
from .jsondata import read_json
from .limits import input_problem
from .log import Logger
from .report import Report

if TYPE_CHECKING:
    from .ooxml.workbook import Book

log = Logger(__name__)

# The last resort, for a file no specific reason covers (the exception goes to the log, --debug).
UNREADABLE = ("工作簿内部有本程序无法识别的数据（文件可能已损坏，或被其他程序改写），无法读取："
              "请用 Excel 或 WPS 打开后另存为 .xlsx 再报送")
# Files people send instead of the workbook: suffix -> (the format in words, how to make a file
# nianbao reads of it), so the message says what to do.
# (collect converts .xls/.et/.ods with LibreOffice when it is installed: toolkit.collect.convert)
SAVE_AS_XLSX = "“另存为”Excel 工作簿（.xlsx）"
SAVE_AS_DOCX = "“另存为”Word 文档（.docx）"
FORMAT_NAMES = {".xls": "Excel 97-2003 格式（.xls）", ".et": "WPS 表格格式（.et）",
                ".ods": "OpenDocument 表格格式（.ods）", ".doc": "Word 97-2003 格式（.doc）",
                ".wps": "WPS 文字格式（.wps）", ".csv": "CSV 文本表格"}
OTHER_FORMATS = {suffix: (FORMAT_NAMES[suffix], remedy) for suffix, remedy in (
    (".et", f"请在 WPS 或 LibreOffice 中打开，{SAVE_AS_XLSX}后再使用"),
    (".ods", f"请在 LibreOffice 或 WPS 中打开，{SAVE_AS_XLSX}后再使用"),
    (".doc", f"请在 Word 或 WPS 中打开，{SAVE_AS_DOCX}后再使用"),
    (".wps", f"请在 WPS 中打开，{SAVE_AS_DOCX}后再使用"),
    (".csv", "请用标准模板（.xlsx，nianbao new 生成）或 JSON 数据文件"),
)}


# An OpenDocument file stores its media type first, uncompressed (ODF 1.2, part 3, 3.3), so the
# first bytes tell an .ods renamed to .xlsx (to get past an "only .xlsx" upload form) from a workbook.
_ODF_SPREADSHEET = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"


def is_opendocument_sheet(path: Path) -> bool:
    """Whether the file is an OpenDocument spreadsheet (.ods), whatever its name."""
    try:
        with path.open("rb") as f:
            head = f.read(30 + len(_ODF_SPREADSHEET))
    except OSError:
        return False
    return head.startswith(b"PK") and head[30:] == _ODF_SPREADSHEET


def this_is(kind: str) -> str:
    """这是 Excel 97-2003 格式…, 这是WPS…: a space between Chinese and a Latin word, as the messages write it."""
    return f"这是 {kind}" if kind[:1].isascii() else f"这是{kind}"


def read_report(path: Path | str) -> Report:
    """A workbook, a JSON data file or a published report (.docx, .html, .pdf, .txt), as report data.

    Raises an ``UnusableFile`` (``toolkit.errors``: its class and ``code`` say what is wrong, its
    message says it in Chinese) for anything that cannot be used; never another exception."""
    report, book = read_source(path)
    if book is not None:
        book.pkg.close()
    return report


def read_source(path: Path | str) -> tuple[Report, Book | None]:
    """``read_report``, with the workbook it read still open and parsed (None for other kinds
    of file): a batch worker writes the check's results into that, without reading it again."""
    path = Path(path)
    problem = input_problem(path) if os.path.lexists(path) else ""
    if problem:  # a FIFO would block the read forever, /dev/zero would never end
        raise NotAWorkbook(problem, path=path)
    suffix = content_suffix(path)
    if suffix == ".json":
        return read_json(path), None
    if suffix in DOCUMENT_SUFFIXES:  # a published report (Word, web page, PDF, text): imported
        from .importers import import_file
        return import_file(path).report(str(path)), None
    if suffix in OTHER_FORMATS:
        kind, remedy = OTHER_FORMATS[suffix]
        raise NotAWorkbook(f"{this_is(kind)}的文件，不能直接读取：{remedy}", path=path)
    # The reader pulls in the XML layer: loaded when a workbook is read, not for a JSON file.
    from .workbook.read import open_workbook
    try:
        return open_workbook(path)
    except PermissionError:
        raise UnreadableFile("没有读取此文件的权限", path=path) from None
    except OSError as exc:
        raise UnreadableFile(f"无法读取文件（{os_reason(exc)}）", path=path) from None
    except NotAWorkbook:
        if is_opendocument_sheet(path):  # judged only when the file is refused: no cost otherwise
            kind, remedy = OTHER_FORMATS[".ods"]
            raise NotAWorkbook(f"{this_is(kind)}的文件，只是扩展名改成了 {path.suffix}：{remedy}",
                               path=path) from None
        raise
    except (UnusableFile, KeyboardInterrupt):
        raise
    except Exception as exc:  # a file shaped as nobody foresaw: a reason, never a traceback
        log.debug("reading %s failed unexpectedly", path, exc_info=True)
        raise UnreadableFile(UNREADABLE, path=path) from exc
