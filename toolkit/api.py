"""Library functions behind every command: the CLI, the Excel button and the desktop launcher are
thin shells over these.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import spec
from .report import Report, UnusableFile
from .rules import CheckResult, check

if TYPE_CHECKING:
    from .collect.previous import PreviousYear

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def read_report(path: Path | str) -> Report:
    """A workbook (by its defined names) or a JSON data file, as report data.

    Raises UnusableFile with the reason in Chinese for anything that cannot be used."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        from .jsondata import read_json
        return read_json(path)
    if suffix == ".xls":
        raise UnusableFile("这是 Excel 97-2003 格式（.xls）的文件，不是标准模板：请用 nianbao 生成的 .xlsx 模板填写")
    if suffix in (".et", ".ods", ".csv", ".docx", ".doc", ".pdf", ".wps"):
        raise UnusableFile(f"不支持 {suffix} 文件：请用标准模板（.xlsx）或 JSON 数据文件")
    from .workbook.read import read_workbook
    try:
        return read_workbook(path)
    except PermissionError:
        raise UnusableFile("没有读取此文件的权限") from None
    except OSError as exc:
        raise UnusableFile(f"无法读取文件（{exc.strerror or type(exc).__name__}）") from None


def check_file(path: Path | str, previous: "Path | str | Report | PreviousYear | None" = None) -> CheckResult:
    """Read and check one file; ``previous`` is last year's workbook or JSON (rules W1, W2, W8),
    or several years' files by unit (``toolkit.collect.PreviousYear``: the file's own unit's)."""
    from .collect.previous import PreviousYear
    if previous is not None and not isinstance(previous, (Report, PreviousYear)):
        previous = read_report(previous)
    report = read_report(path)
    if isinstance(previous, PreviousYear):
        previous = previous.for_report(report)
    return check(report, previous)


def new_workbook(out: Path | str, *, unit: str | None = None, year: int | None = None,
                 data: Path | str | dict | None = None) -> Path:
    """Write the standard data-entry workbook, filled from a JSON data file or dict if given.

    Computed keys given in the data must equal what the workbook's formulas will compute, and
    every value must fit its cell: otherwise UnusableFile names them, and nothing is written."""
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
        content = build_workbook(values, **macro)
    except ValueError as exc:
        raise UnusableFile(str(exc)) from None
    from .fileio import atomic_write
    atomic_write(out, content)
    return out


def export_data(path: Path | str) -> dict[str, object]:
    """The report data of a workbook or JSON file as a JSON data object (FORMAT.md).

    Values that are not valid (a '/' in a number cell) are exported as found, so that nothing the
    user typed is lost; ``new --data`` then reports them."""
    from .jsondata import to_json_obj
    from .values import Formula, show
    report = read_report(path)
    values = dict(report.values)
    for key in report.problems:
        raw = report.raw.get(key)
        values[key] = show(raw) if isinstance(raw, Formula) else raw
        if hasattr(values[key], "isoformat"):
            values[key] = values[key].isoformat()
    return to_json_obj(values)
