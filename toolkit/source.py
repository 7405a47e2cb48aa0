"""Reading a source: a standard workbook (by its defined names), a JSON data file or a published
report (through the importers), as report data.

The lowest step of the flow (source → report data → findings → outputs): the application layer,
last year's data (``previous``) and the batch workers all read through ``read_report``, and it
imports nothing above the readers themselves.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from .errors import NotAWorkbook, UnreadableFile, UnusableFile
from .fileio import os_reason
from .importers import DOCUMENT_SUFFIXES
from .jsondata import read_json
from .limits import input_problem
from .report import Report

log = logging.getLogger(__name__)

# The last resort, for a file no specific reason covers (the exception goes to the log, --debug).
UNREADABLE = ("工作簿内部有本程序无法识别的数据（文件可能已损坏，或被其他程序改写），无法读取："
              "请用 Excel 或 WPS 打开后另存为 .xlsx 再报送")
# Files people send instead of the workbook: named, so the message can say what to send instead.
UNSUPPORTED_SUFFIXES = (".et", ".ods", ".csv", ".doc", ".wps")


def read_report(path: Path | str) -> Report:
    """A workbook, a JSON data file or a published report (.docx, .html, .pdf, .txt), as report data.

    Raises an ``UnusableFile`` (``toolkit.errors``: its class and ``code`` say what is wrong, its
    message says it in Chinese) for anything that cannot be used; never another exception."""
    path = Path(path)
    problem = input_problem(path) if os.path.lexists(path) else ""
    if problem:  # a FIFO would block the read forever, /dev/zero would never end
        raise NotAWorkbook(problem, path=path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return read_json(path)
    if suffix in DOCUMENT_SUFFIXES:  # a published report (Word, web page, PDF, text): imported
        from .importers import import_file
        return import_file(path).report(str(path))
    if suffix in UNSUPPORTED_SUFFIXES:
        raise NotAWorkbook(f"不支持 {suffix} 文件：请用标准模板（.xlsx）、JSON 数据文件，"
                           "或已发布的报告（.docx、.html、.pdf、.txt）", path=path)
    # The reader pulls in the XML layer: loaded when a workbook is read, not for a JSON file.
    from .workbook.read import read_workbook
    try:
        return read_workbook(path)
    except PermissionError:
        raise UnreadableFile("没有读取此文件的权限", path=path) from None
    except OSError as exc:
        raise UnreadableFile(f"无法读取文件（{os_reason(exc)}）", path=path) from None
    except (UnusableFile, KeyboardInterrupt):
        raise
    except Exception as exc:  # a file shaped as nobody foresaw: a reason, never a traceback
        log.debug("reading %s failed unexpectedly", path, exc_info=True)
        raise UnreadableFile(UNREADABLE, path=path) from exc
