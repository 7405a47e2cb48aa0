"""The data-entry workbook: ``new_workbook`` (``nianbao new``) and ``export_data`` (``nianbao export``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import spec
from ..errors import BadArgument, BadData, OutputExists
from ..fileio import WORKBOOK_SUFFIXES, atomic_write, refuse_output
from ..jsondata import found_values, json_text, load_json, parse_data, to_json_obj
from ..source import read_report


def new_workbook(out: Path | str, *, unit: str | None = None, year: int | None = None,
                 data: Path | str | dict | None = None, overwrite: bool = False,
                 source: str | None = None) -> Path:
    """Write the standard data-entry workbook, filled from a JSON data file or dict if given.

    Computed keys given in the data must equal what the workbook's formulas will compute, and
    every value must fit its cell: otherwise BadData names them, and nothing is written.
    An existing file is never replaced unless ``overwrite`` (OutputExists): it may be a filled
    workbook. ``source``: the report it was started from, kept in the document properties."""
    # XlsxWriter (and the VBA tools) load only when a workbook is made, not for every command.
    from ..workbook.build import build_workbook, computed_values
    out = Path(out)
    if out.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise BadArgument(f"输出文件应以 .xlsx（或带按钮的 .xlsm）结尾：{out.name}", path=out)
    macro: dict[str, Any] = {}
    if out.suffix.lower() == ".xlsm":
        # The macro-enabled variant: the same workbook with a button that runs nianbao (xlwings).
        from ..excel import vba
        macro = {"vba_project": vba.vba_project(), "button": (vba.MACRO_NAME, vba.BUTTON_CAPTION)}
    values: dict[str, object] = {}
    if isinstance(data, dict):
        values = parse_data({"format": spec.FORMAT_ID, **data}, "data")
    elif data is not None:
        values = load_json(data)
    if out.exists() and not overwrite:
        raise OutputExists(f"文件已存在，未覆盖（其中可能有已填写的数据）：{out}。"
                           "请换一个文件名，或确认要覆盖时加 --force", path=out)
    if year is not None and not spec.FIRST_YEAR <= year <= spec.LAST_YEAR:
        raise BadArgument(f"报告年度 {year} 不对：本格式自{spec.FIRST_YEAR}年度起使用，请填四位年份，如2024")
    if unit is not None:
        values["meta.unit"] = unit
    if year is not None:
        values["meta.year"] = year
    computed = computed_values(values)
    wrong = [k for k in spec.COMPUTED_KEYS
             if values.get(k) is not None and values[k] != computed[k]]
    if wrong:
        shown = "；".join(f"{spec.describe(k)}给出{values[k]}，公式计算为{computed[k]}" for k in wrong[:5])
        raise BadData(f"数据中有{len(wrong)}个合计与各项之和不一致（工作簿中合计由公式计算，"
                      f"不能照填）：{shown}" + ("等" if len(wrong) > 5 else ""))
    try:
        content = build_workbook(values, **macro, source=source)
    except ValueError as exc:
        raise BadData(str(exc)) from None
    atomic_write(out, content)
    return out


def export_data(path: Path | str) -> dict[str, object]:
    """The report data of a workbook or JSON file as a JSON data object (docs/format.md).

    Values that are not valid (a '/' in a number cell) are exported as found, so that nothing the
    user typed is lost; ``new --data`` then reports them."""
    return to_json_obj(found_values(read_report(path)))


def export_text(path: Path | str) -> str:
    """``export_data`` as the JSON text ``nianbao export`` writes (always savable as UTF-8)."""
    return json_text(export_data(path))


def write_export(path: Path | str, out: Path | str, *, overwrite: bool = False) -> Path:
    """Export a file's data into ``out``: a .json file, never the file read, never over an existing
    file unless ``overwrite``."""
    out = Path(out)
    refuse_output(out, Path(path), (".json",), ".json")
    if out.exists() and not overwrite:
        raise OutputExists(f"文件已存在，未覆盖：{out}。请换一个文件名，或确认要覆盖时加 --force", path=out)
    atomic_write(out, export_text(path).encode("utf-8"))
    return out
