"""Library functions behind every command: the CLI, the Excel button and the desktop launcher are
thin shells over these.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from . import spec
from .fileio import WORKBOOK_SUFFIXES, os_reason
from .importers import DOCUMENT_SUFFIXES
from .limits import input_problem
from .report import Report, UnusableFile
from .rules import CheckResult, check

if TYPE_CHECKING:
    from .previous import PreviousYear

# The last resort, for a file no specific reason covers (the exception goes to the log, --debug).
UNREADABLE = ("工作簿内部有本程序无法识别的数据（文件可能已损坏，或被其他程序改写），无法读取："
              "请用 Excel 或 WPS 打开后另存为 .xlsx 再报送")


def read_report(path: Path | str) -> Report:
    """A workbook (by its defined names), a JSON data file or a published report, as report data.

    Raises UnusableFile with the reason in Chinese for anything that cannot be used."""
    path = Path(path)
    problem = input_problem(path) if os.path.lexists(path) else ""
    if problem:  # a FIFO would block the read forever, /dev/zero would never end
        raise UnusableFile(problem)
    suffix = path.suffix.lower()
    if suffix == ".json":
        from .jsondata import read_json
        return read_json(path)
    if suffix in DOCUMENT_SUFFIXES:  # a published report (Word, web page, PDF, text): imported
        from .importers import import_file
        return import_file(path).report(str(path))
    if suffix in (".et", ".ods", ".csv", ".doc", ".wps"):
        raise UnusableFile(f"不支持 {suffix} 文件：请用标准模板（.xlsx）、JSON 数据文件，"
                           "或已发布的报告（.docx、.html、.pdf、.txt）")
    from .workbook.read import read_workbook
    try:
        return read_workbook(path)
    except PermissionError:
        raise UnusableFile("没有读取此文件的权限") from None
    except OSError as exc:
        raise UnusableFile(f"无法读取文件（{os_reason(exc)}）") from None
    except (UnusableFile, KeyboardInterrupt):
        raise
    except Exception as exc:  # a file shaped as nobody foresaw: a reason, never a traceback
        logging.getLogger(__name__).debug("reading %s", path, exc_info=True)
        raise UnusableFile(UNREADABLE) from exc


def check_file(path: Path | str, previous: Path | str | Report | PreviousYear | None = None) -> CheckResult:
    """Read and check one file; ``previous`` is last year's workbook or JSON (rules W1, W2, W8),
    or several years' files by unit (``toolkit.previous.PreviousYear``: the file's own unit's)."""
    from .previous import PreviousYear
    if previous is not None and not isinstance(previous, (Report, PreviousYear)):
        previous = read_report(previous)
    report = read_report(path)
    if isinstance(previous, PreviousYear):
        previous = previous.for_report(report)
    notes = []
    if previous is not None:
        mismatch = previous_mismatch(report, previous)
        if mismatch:
            notes.append(mismatch)
            previous = None
    result = check(report, previous)
    result.notes.extend(notes)
    return result


def previous_mismatch(report: Report, previous: Report) -> str | None:
    """Why last year's report cannot serve for this one (another unit, not the year before)."""
    from .previous import unit_key
    unit, year = report.values.get("meta.unit"), report.values.get("meta.year")
    p_unit, p_year = previous.values.get("meta.unit"), previous.values.get("meta.year")
    if unit and p_unit and unit_key(unit) != unit_key(p_unit):
        return f"上年数据是“{p_unit}”的，不是“{unit}”的，未用于跨年度校验（W1、W2、W8）"
    if isinstance(year, int) and isinstance(p_year, int) and p_year != year - 1:
        return f"上年数据是{p_year}年度的，不是{year - 1}年度的，未用于跨年度校验（W1、W2、W8）"
    return None


def new_workbook(out: Path | str, *, unit: str | None = None, year: int | None = None,
                 data: Path | str | dict | None = None, overwrite: bool = False,
                 source: str | None = None) -> Path:
    """Write the standard data-entry workbook, filled from a JSON data file or dict if given.

    Computed keys given in the data must equal what the workbook's formulas will compute, and
    every value must fit its cell: otherwise UnusableFile names them, and nothing is written.
    An existing file is never replaced unless ``overwrite``: it may be a filled workbook.
    ``source``: the report it was started from, kept in the document properties."""
    from .workbook.build import build_workbook, computed_values
    out = Path(out)
    if out.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise UnusableFile(f"输出文件应以 .xlsx（或带按钮的 .xlsm）结尾：{out.name}")
    macro: dict[str, object] = {}
    if out.suffix.lower() == ".xlsm":
        # The macro-enabled variant: the same workbook with a button that runs nianbao (xlwings).
        from .excel import vba
        macro = {"vba_project": vba.vba_project(), "button": (vba.MACRO_NAME, vba.BUTTON_CAPTION)}
    values: dict[str, object] = {}
    if isinstance(data, dict):
        from .jsondata import parse_data
        values = parse_data({"format": spec.FORMAT_ID, **data}, "data")
    elif data is not None:
        from .jsondata import load_json
        values = load_json(data)
    if out.exists() and not overwrite:
        raise UnusableFile(f"文件已存在，未覆盖（其中可能有已填写的数据）：{out}。"
                           "请换一个文件名，或确认要覆盖时加 --force")
    if year is not None and not spec.FIRST_YEAR <= year <= spec.LAST_YEAR:
        raise UnusableFile(f"报告年度 {year} 不对：本格式自{spec.FIRST_YEAR}年度起使用，请填四位年份，如2024")
    if unit is not None:
        values["meta.unit"] = unit
    if year is not None:
        values["meta.year"] = year
    computed = computed_values(values)
    wrong = [k for k in spec.COMPUTED_KEYS
             if values.get(k) is not None and values[k] != computed[k]]
    if wrong:
        shown = "；".join(f"{spec.describe(k)}给出{values[k]}，公式计算为{computed[k]}" for k in wrong[:5])
        raise UnusableFile(f"数据中有{len(wrong)}个合计与各项之和不一致（工作簿中合计由公式计算，"
                           f"不能照填）：{shown}" + ("等" if len(wrong) > 5 else ""))
    try:
        content = build_workbook(values, **macro, source=source)
    except ValueError as exc:
        raise UnusableFile(str(exc)) from None
    from .fileio import atomic_write
    atomic_write(out, content)
    return out


def export_data(path: Path | str) -> dict[str, object]:
    """The report data of a workbook or JSON file as a JSON data object (FORMAT.md).

    Values that are not valid (a '/' in a number cell) are exported as found, so that nothing the
    user typed is lost; ``new --data`` then reports them."""
    from .jsondata import found_values, to_json_obj
    return to_json_obj(found_values(read_report(path)))
