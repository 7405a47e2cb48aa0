"""Write the protected data-entry workbook from the form specification (XlsxWriter).

Only input cells are unlocked and coloured; totals are formulas; table 三 checks its own balance
(E3) in cells that turn green or red in Excel, WPS and LibreOffice without Python. Every value cell
has a defined name (layout.defined_name). Hidden "mark" cells beside each value cell drive
conditional formats, so that write-back only has to set numbers in them to colour a cell.

XlsxWriter is used because it writes files as Excel does (and caches formula results, so previews
and tools that never recalculate see the right totals). It has no workbook-structure protection,
so ``lock_structure`` adds that one element to workbook.xml afterwards.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

from .. import __version__, spec
from ..report import spreadsheet_totals
from ..safetext import encodable
from ..values import shown_number
from . import layout
from .layout import CellPos
from .writer import Workbook

MAX_CELL_TEXT = 32767  # Excel's limit for one cell

INSTRUCTIONS = f"""\
1. 浅黄色单元格是填写区，其余单元格受保护，不能修改；合计（总计）由公式自动计算。
2. 数字单元格只填阿拉伯数字，没有发生的填0，不要留空，不要填“/”“-”“无”或带“件”等文字；收费金额以{spec.FEES_UNIT}为单位，{spec.FEES_DECIMALS_TEXT}。
3. 表三下方的“勾稽关系”一行实时显示每列是否满足“第一项加第二项之和，等于第三项加第四项之和”：绿色为平衡，红色为不平衡。
4. 正文各部分可写多段，段与段之间在单元格内按 Alt+Enter（WPS、LibreOffice 同样）换行；不要在正文中重复填写小标题。
5. 填好后用 nianbao 校验（命令 nianbao check 或工作簿中的按钮）：结果写在“校验结果”工作表，有问题的单元格标红（错误）或标橙（提示）。
6. 请勿增删、改名或移动工作表，不要复制粘贴整行整列；报送时直接发送本工作簿。"""  # noqa: E501 - the sheet's lines

INPUT_FILL, COMPUTED_FILL, HEADER_FILL = "#FFF2CC", "#EDEDED", "#DDEBF7"
ERROR_FILL, WARNING_FILL = "#FF9999", "#FFD27F"
OK_FILL, BAD_FILL = "#C6EFCE", "#FFC7CE"
FONT = "宋体"


class Formats:
    """The workbook's cell formats, made once per workbook."""

    def __init__(self, wb: Workbook) -> None:
        base = {"font_name": FONT, "font_size": 11, "valign": "vcenter", "border": 1}

        def fmt(**kw):
            return wb.add_format({**base, **kw})

        self.title = wb.add_format({"font_name": FONT, "font_size": 16, "bold": True,
                                    "align": "center", "valign": "vcenter"})
        self.note = wb.add_format({"font_name": FONT, "font_size": 10, "font_color": "#595959",
                                   "text_wrap": True, "valign": "top"})
        self.status = wb.add_format({"font_name": FONT, "font_size": 11, "bold": True,
                                     "text_wrap": True, "valign": "vcenter", "border": 1})
        self.header = fmt(bold=True, align="center", text_wrap=True, bg_color=HEADER_FILL)
        self.label = fmt(text_wrap=True)
        self.label_center = fmt(text_wrap=True, align="center")
        self.section = wb.add_format({"font_name": "黑体", "font_size": 12, "bold": True})
        self.int_in = fmt(locked=False, bg_color=INPUT_FILL, num_format="0", align="right")
        self.dec_in = fmt(locked=False, bg_color=INPUT_FILL, num_format="0.0000", align="right")
        self.computed = fmt(bg_color=COMPUTED_FILL, num_format="0", align="right", bold=True)
        self.text_in = fmt(locked=False, bg_color=INPUT_FILL, num_format="@", text_wrap=True,
                           valign="top")
        self.short_in = fmt(locked=False, bg_color=INPUT_FILL, num_format="@")
        self.year_in = fmt(locked=False, bg_color=INPUT_FILL, num_format="0", align="left")
        self.date_in = fmt(locked=False, bg_color=INPUT_FILL, num_format="yyyy-mm-dd",
                           align="left")
        self.check = fmt(align="center", bold=True)
        self.check_num = fmt(align="center", num_format="0")
        self.hidden = wb.add_format({"locked": True})
        self.error = wb.add_format({"bg_color": ERROR_FILL})
        self.warning = wb.add_format({"bg_color": WARNING_FILL})
        self.ok = wb.add_format({"bg_color": OK_FILL, "font_color": "#006100"})
        self.bad = wb.add_format({"bg_color": BAD_FILL, "font_color": "#9C0006"})
        # results rows (write-back copies these from the marker sheet, see layout.style_prototype)
        self.result_error = fmt(bold=True, align="center", bg_color=ERROR_FILL)
        self.result_warning = fmt(bold=True, align="center", bg_color=WARNING_FILL)
        self.result_text = fmt(text_wrap=True, valign="top")
        self.result_link = fmt(font_color="#0563C1", underline=1, valign="top")


SOURCE_PROPERTY = "nianbao_source"


def computed_values(data: dict[str, object]) -> dict[str, object]:
    """The value each computed key's formula will show for these inputs."""
    return spreadsheet_totals(data)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    """A text for the places XlsxWriter does not escape (a formula's cached result, document
    properties): without the characters XML cannot hold, which would make the file unreadable.
    Cell values need no such care: XlsxWriter writes their control characters as _xHHHH_."""
    return _NOT_XML.sub("", text)


def _text_height(text: str, width_units: float) -> float:
    """A row height (points) that shows the whole text: a CJK character is two width units."""
    per_line = max(1, int(width_units / 2))
    lines = sum(max(1, math.ceil(len(p) / per_line)) for p in (text or "").split("\n"))
    return min(409, max(48, 16 * lines + 8))


def _protect(ws, **allow) -> None:
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True, **allow})


def _mark_rules(ws, cells: list[CellPos], f: Formats) -> None:
    """Colour value cells by their hidden mark cell (2 = error, 1 = warning).

    One rule per contiguous run, its formula relative to the run's first cell: how relative
    references in a multi-area rule are anchored differs between Excel and LibreOffice."""
    for run in layout.runs(cells):
        first = run.split(":")[0]
        p = next(c for c in cells if c.a1 == first)
        mark = layout.mark_of(p).a1
        for value, fmt in ((layout.MARK_ERROR, f.error), (layout.MARK_WARNING, f.warning)):
            ws.conditional_format(run, {"type": "formula", "criteria": f"={mark}={value}",
                                        "format": fmt})
    for p in cells:
        mark_cell = layout.mark_of(p)
        ws.write_number(mark_cell.row, mark_cell.col, layout.MARK_NONE, f.hidden)


def _write_value(ws, key: str, p: CellPos, data: dict, computed: dict, f: Formats,
                 merge_to: int | None = None) -> None:
    field = spec.FIELDS[key]
    value = data.get(key)
    if field.is_computed:
        fmt = f.computed
    elif field.kind == "int":
        fmt = f.int_in
    elif field.kind == "decimal":
        fmt = f.dec_in
    elif field.kind == "longtext":
        fmt = f.text_in
    elif field.kind == "year":
        fmt = f.year_in
    elif field.kind == "date":
        fmt = f.date_in
    else:
        fmt = f.short_in
    if merge_to is not None and merge_to > p.col:
        ws.merge_range(p.row, p.col, p.row, merge_to, None, fmt)
    if field.is_computed:
        ws.write_formula(p.row, p.col, layout.formulas()[key], fmt, computed[key])
    elif value is None:
        ws.write_blank(p.row, p.col, None, fmt)
    elif isinstance(value, bool):  # as given (JSON true), so the check quotes TRUE, not "True"
        ws.write_boolean(p.row, p.col, value, fmt)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not abs(value) < spec.EXACT_LIMIT:  # NaN too: a larger count would be saved changed
            raise ValueError(f"{spec.describe(key)}的数值{shown_number(value)}超过Excel能准确保存的"
                             f"{spec.EXACT_DIGITS}位数字")
        ws.write_number(p.row, p.col, value, fmt)
    elif field.kind == "date" and isinstance(value, str) and _iso_date(value):
        ws.write_datetime(p.row, p.col, _iso_date(value), fmt)
    else:
        text = encodable(str(value))  # a lone surrogate (from a file name, argv) has no UTF-8
        if len(text) > MAX_CELL_TEXT:
            raise ValueError(f"{spec.describe(key)}超过Excel单元格的{MAX_CELL_TEXT}字上限（{len(text)}字）")
        ws.write_string(p.row, p.col, text, fmt)


def _iso_date(text: str):
    import datetime as dt
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _validations(ws, sheet: str) -> None:
    pos = layout.positions()
    int_cells = [pos[k] for k in spec.INPUT_KEYS
                 if spec.FIELDS[k].kind == "int" and pos[k].sheet == sheet]
    if int_cells:
        ranges = layout.runs(int_cells)
        first = int_cells[0]
        ws.data_validation(first.row, first.col, first.row, first.col, {
            "validate": "integer", "criteria": ">=", "value": 0, "multi_range": " ".join(ranges),
            "error_type": "stop", "error_title": "只能填写整数",
            "error_message": "此处只能填写大于或等于0的整数（件数），没有发生的填0。不要填写“/”“-”“无”或文字。",
            "input_title": "填写件数", "input_message": "大于或等于0的整数，没有发生的填0"})
    dec_cells = [pos[k] for k in spec.INPUT_KEYS
                 if spec.FIELDS[k].kind == "decimal" and pos[k].sheet == sheet]
    for p in dec_cells:
        ws.data_validation(p.row, p.col, p.row, p.col, {
            "validate": "custom",
            "value": f"=AND(ISNUMBER({p.a1}),{p.a1}>=0,ROUND({p.a1},{spec.FEES_DECIMALS})={p.a1})",
            "error_type": "stop", "error_title": "金额格式不对",
            "error_message": f"收费金额以{spec.FEES_UNIT}为单位，填写大于或等于0的数，{spec.FEES_DECIMALS_TEXT}。"
                             "例如 3 万 5 千元填 3.5。",
            "input_title": f"单位：{spec.FEES_UNIT}",
            "input_message": f"以{spec.FEES_UNIT}为单位，{spec.FEES_DECIMALS_TEXT}；没有收费填0"})


def _main_sheet(wb, f: Formats, data: dict) -> None:
    ws = wb.add_worksheet(layout.SHEET_MAIN)
    pos = layout.positions()
    last = layout.MAIN_LAST_COL
    ws.set_column(0, 0, 24)
    ws.set_column(1, last, 14)
    ws.set_column(layout.MAIN_MARK_COL, layout.MAIN_MARK_COL, None, None, {"hidden": True})
    width_units = 14 * last

    unit, year = pos["meta.unit"].a1, pos["meta.year"].a1
    ws.set_row(layout.ROW_TITLE, 32)
    ws.merge_range(layout.ROW_TITLE, 0, layout.ROW_TITLE, last, None, f.title)
    title = _xml_safe(spec.title(data))
    ws.write_formula(layout.ROW_TITLE, 0, f'={unit}&{year}&"{spec.TITLE_SUFFIX}"', f.title, title)

    ws.write_string(layout.ROW_RESULT, 0, "nianbao 校验结果", f.header)
    ws.merge_range(layout.ROW_RESULT, 1, layout.ROW_RESULT, last, "尚未用 nianbao 校验", f.status)
    ws.write_string(layout.ROW_LIVE, 0, "表格自查（实时）", f.header)
    ws.merge_range(layout.ROW_LIVE, 1, layout.ROW_LIVE, last, None, f.status)
    live = layout.live_status_formula()
    ws.write_formula(layout.ROW_LIVE, 1, live, f.status, "")
    ws.set_row(layout.ROW_RESULT, 30)
    ws.set_row(layout.ROW_LIVE, 30)
    result_range = layout.a1(layout.ROW_RESULT, 1)  # write-back's verdict starts with ✓ or ✗
    ws.conditional_format(result_range, {"type": "text", "criteria": "begins with", "value": "✗",
                                         "format": f.bad})
    ws.conditional_format(result_range, {"type": "text", "criteria": "begins with", "value": "✓",
                                         "format": f.ok})
    live_range = layout.a1(layout.ROW_LIVE, 1)
    ws.conditional_format(live_range, {"type": "text", "criteria": "begins with", "value": "✗",
                                       "format": f.bad})
    ws.conditional_format(live_range, {"type": "text", "criteria": "begins with", "value": "✓",
                                       "format": f.ok})

    ws.write_string(layout.ROW_HELP, 0, "填报说明", f.header)
    ws.merge_range(layout.ROW_HELP, 1, layout.ROW_HELP, last, INSTRUCTIONS, f.note)
    ws.set_row(layout.ROW_HELP, _text_height(INSTRUCTIONS, width_units) + 10)

    ws.write_string(layout.ROW_META_HEADING, 0, "一、基本信息", f.section)
    for field in spec.META:
        p = pos[field.key]
        ws.write_string(p.row, 0, field.label + ("（必填）" if field.required else ""), f.label)
        _write_value(ws, field.key, p, data, {}, f, merge_to=4)
        hint = {"meta.unit_level": "从下拉列表选择：" + "／".join(spec.UNIT_LEVELS),
                "meta.year": "四位数字，如 2024", "meta.date": "日期，如 2025-01-20",
                "meta.unit": "与公开发布的报告标题一致，如“××区××街道办事处”"}.get(field.key, "")
        ws.merge_range(p.row, 5, p.row, last, hint, f.note)
    p = pos["meta.year"]
    ws.data_validation(p.row, p.col, p.row, p.col, {
        "validate": "integer", "criteria": "between", "minimum": spec.FIRST_YEAR,
        "maximum": spec.LAST_YEAR, "error_title": "年度不对",
        "error_message": f"报告年度填四位数字年份（{spec.FIRST_YEAR}年起使用本格式），如2024。"})
    p = pos["meta.unit_level"]
    ws.data_validation(p.row, p.col, p.row, p.col, {
        "validate": "list", "source": list(spec.UNIT_LEVELS),
        "error_title": "请从列表中选择", "error_message": "机关类别只能是：" + "、".join(spec.UNIT_LEVELS)})

    ws.write_string(layout.ROW_TEXT_HEADING, 0, "二、正文（各部分可写多段，段间按 Alt+Enter 换行）", f.section)
    for part in spec.TEXT_PARTS:
        p = pos[part.key]
        label = spec.TEXT_LABELS[part.key] + ("（必填）" if part.required else "（可不填）")
        ws.write_string(p.row, 0, label, f.label)
        _write_value(ws, part.key, p, data, {}, f, merge_to=last)
        ws.set_row(p.row, _text_height(str(data.get(part.key) or ""), width_units))

    _mark_rules(ws, [pos[k] for k in (*spec.META_KEYS, *spec.TEXT_KEYS)], f)
    ws.freeze_panes(layout.ROW_META_HEADING, 0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.activate()
    _protect(ws)


def _table_sheet(wb, f: Formats, table: spec.Table, data: dict, computed: dict) -> None:
    sheet = layout.SHEET_OF_TABLE[table.id]
    ws = wb.add_worksheet(sheet)
    widths = {"t2": [30, 18, 18, 18], "t3": [7, 16, 44] + [10] * 7, "t4": [9] * 15}[table.id]
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.set_column(layout.MARK_OFFSET, layout.MARK_OFFSET + table.n_cols - 1, None, None,
                  {"hidden": True})
    ws.set_row(0, 28)
    ws.merge_range(0, 0, 0, table.n_cols - 1, table.title, f.title)
    status = layout.table_status_cell(table.id)
    ws.merge_range(status.row, 0, status.row, table.n_cols - 1, None, f.note)
    ws.write_formula(status.row, 0, layout.table_status_formula(table.id), f.note, "")
    ws.merge_range(2, 0, 2, table.n_cols - 1, "浅黄色单元格填写数字（没有的填0）；灰色单元格为公式自动计算。",
                   f.note)

    for cell in table.cells:
        p = layout.table_cell(table, cell)
        last_row, last_col = p.row + cell.rowspan - 1, p.col + cell.colspan - 1
        if cell.key:
            if cell.rowspan > 1 or cell.colspan > 1:
                _write_value(ws, cell.key, p, data, computed, f, merge_to=last_col)
            else:
                _write_value(ws, cell.key, p, data, computed, f)
            continue
        fmt = f.header if cell.role == "header" else (
            f.label_center if cell.rowspan > 1 else f.label)
        if cell.rowspan > 1 or cell.colspan > 1:
            ws.merge_range(p.row, p.col, last_row, last_col, cell.text, fmt)
        else:
            ws.write_string(p.row, p.col, cell.text, fmt)

    if table.id == "t3":
        (first_diff, first_verdict) = layout.t3_check_cells()["natural"]
        ws.merge_range(first_diff.row, 0, first_diff.row, 2, layout.T3_CHECK_LABEL_DIFF, f.label)
        ws.merge_range(first_verdict.row, 0, first_verdict.row, 2, layout.T3_CHECK_LABEL, f.label)
        for col_key, (diff_cell, verdict_cell) in layout.t3_check_cells().items():
            diff, verdict = layout.t3_check_formulas(col_key)
            d = _t3_difference(data, computed, col_key)
            ws.write_formula(diff_cell.row, diff_cell.col, diff, f.check_num, d)
            ws.write_formula(verdict_cell.row, verdict_cell.col, verdict, f.check,
                             layout.BALANCED if d == 0 else layout.UNBALANCED)
        row = first_verdict.row
        rng = layout.area(row, first_verdict.col, row, first_verdict.col + 6)
        ws.conditional_format(rng, {"type": "cell", "criteria": "==",
                                    "value": f'"{layout.UNBALANCED}"', "format": f.bad})
        ws.conditional_format(rng, {"type": "cell", "criteria": "==",
                                    "value": f'"{layout.BALANCED}"', "format": f.ok})
        for r in range(layout.TABLE_ORIGIN_ROW + table.header_rows,
                       layout.TABLE_ORIGIN_ROW + table.n_rows):
            ws.set_row(r, 30)

    pos = layout.positions()
    _mark_rules(ws, [pos[c.key] for c in table.value_cells], f)
    _validations(ws, sheet)
    if table.header_rows:
        ws.repeat_rows(layout.TABLE_ORIGIN_ROW, layout.TABLE_ORIGIN_ROW + table.header_rows - 1)
        ws.freeze_panes(layout.TABLE_ORIGIN_ROW + table.header_rows, 0)
    if table.id != "t2":
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_paper(9)  # A4
    _protect(ws)


def _t3_difference(data: dict, computed: dict, col_key: str) -> float:
    def v(row: str) -> float:
        key = f"t3.{row}.{col_key}"
        if key in computed:
            return computed[key]
        x = data.get(key)
        return x if isinstance(x, (int, float)) and not isinstance(x, bool) else 0
    return (v("new") + v("carried_over")) - (v("total") + v("carry_forward"))


def _results_sheet(wb, f: Formats) -> None:
    ws = wb.add_worksheet(layout.SHEET_RESULTS)
    ws.merge_range(0, 0, 0, len(layout.RESULTS_COLUMNS) - 1, "nianbao 校验结果", f.title)
    ws.merge_range(1, 0, 1, len(layout.RESULTS_COLUMNS) - 1, "尚未校验。", f.note)
    for c, (label, width) in enumerate(layout.RESULTS_COLUMNS):
        ws.set_column(c, c, width)
        ws.write_string(layout.RESULTS_HEADER_ROW, c, label, f.header)
    ws.freeze_panes(layout.RESULTS_HEADER_ROW + 1, 0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)  # the results list prints one page wide
    ws.set_paper(9)
    _protect(ws, autofilter=True)


def _marker_sheet(wb, f: Formats) -> None:
    ws = wb.add_worksheet(layout.SHEET_MARKER)
    rows = (("template", spec.TEMPLATE_MARKER), ("format", spec.FORMAT_ID),
            ("template_version", str(spec.TEMPLATE_VERSION)), ("nianbao", __version__),
            ("note", "此工作表由 nianbao 使用，请勿修改。"))
    for r, (k, v) in enumerate(rows):
        ws.write_string(r, 0, k)
        ws.write_string(r, 1, v)
    for name in layout.RESULT_STYLES:
        p = layout.style_prototype(name)
        ws.write_string(p.row, 0, "style:" + name)
        ws.write_string(p.row, p.col, name, getattr(f, name))
    ws.very_hidden()
    _protect(ws)


def _define_names(wb) -> None:
    for key, p in layout.positions().items():
        wb.define_name(layout.defined_name(key), "=" + p.ref)
    marker = CellPos(layout.SHEET_MARKER, 0, 1)
    wb.define_name(layout.MARKER_NAME, "=" + marker.ref)
    wb.define_name(layout.RESULT_SUMMARY_NAME, "=" + CellPos(layout.SHEET_MAIN, layout.ROW_RESULT, 1).ref)
    wb.define_name(layout.LIVE_STATUS_NAME, "=" + CellPos(layout.SHEET_MAIN, layout.ROW_LIVE, 1).ref)
    wb.define_name(layout.RESULTS_NAME, "=" + CellPos(layout.SHEET_RESULTS, layout.RESULTS_HEADER_ROW, 0).ref)
    for col_key, (_diff_cell, verdict_cell) in layout.t3_check_cells().items():
        wb.define_name(f"NB_check_t3_{col_key}", "=" + verdict_cell.ref)


def lock_structure(xlsx: bytes) -> bytes:
    """Add workbook-structure protection (no deleting, renaming or moving sheets)."""
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                text = data.decode("utf-8")
                assert "<bookViews>" in text
                text = text.replace("<bookViews>", '<workbookProtection lockStructure="1"/><bookViews>', 1)
                data = text.encode("utf-8")
            dst.writestr(info, data)
    return out.getvalue()


def _macro_button(wb, button: tuple[str, str]) -> None:
    """The macro workbook's button, on the first sheet right of the verdict line, where the
    result of the check appears. A form button lives in the sheet's own drawing parts, which
    write-back leaves alone, and it works on a protected sheet."""
    macro, caption = button
    ws = wb.get_worksheet_by_name(layout.SHEET_MAIN)
    ws.insert_button(layout.ROW_RESULT, layout.MAIN_LAST_COL + 1, {
        "macro": macro, "caption": caption, "width": 180, "height": 78,
        "x_offset": 8, "y_offset": 2, "description": caption})


def build_workbook(data: dict[str, object] | None = None, vba_project: bytes | None = None,
                   button: tuple[str, str] | None = None, source: str | None = None,
                   summary_of: str | None = None, summary_units: Sequence[str] = ()) -> bytes:
    """The standard workbook as bytes, with ``data`` (key -> value) filled into the input cells.

    With ``vba_project`` (an xl/vbaProject.bin) it is a macro-enabled workbook (save it as
    .xlsm), and ``button`` = (macro name, caption) puts a button on the first sheet.
    ``summary_of`` (what a summary sums, "12个单位") marks the workbook as a summary (汇总), and
    ``summary_units`` lists the units summed on a sheet of its own (``layout.SHEET_SUMMARY_UNITS``).
    Raises ValueError when a value cannot be placed (a text longer than a cell holds)."""
    data = dict(data or {})
    buffer = io.BytesIO()
    wb = Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                      "strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"title": _xml_safe(spec.title(data)), "subject": spec.FORMAT_NAME,
                       "comments": spec.TEMPLATE_MARKER, "company": "nianbao"})
    wb.set_custom_property("nianbao_template", spec.TEMPLATE_MARKER)
    if source:  # the report this workbook was started from (new --from): kept with the file
        wb.set_custom_property(SOURCE_PROPERTY, _xml_safe(source)[:255])
    if summary_of:
        wb.set_custom_property(layout.SUMMARY_PROPERTY, _xml_safe(summary_of)[:255])
    f = Formats(wb)
    computed = computed_values(data)
    if vba_project is not None:
        wb.add_vba_project(io.BytesIO(vba_project), is_stream=True)
    _main_sheet(wb, f, data)
    if button is not None:
        _macro_button(wb, button)
    for table in spec.TABLES:
        _table_sheet(wb, f, table, data, computed)
    _results_sheet(wb, f)
    if summary_of and summary_units:
        _summary_units_sheet(wb, f, summary_units)
    _marker_sheet(wb, f)
    _define_names(wb)
    wb.close()
    return lock_structure(buffer.getvalue())


def _summary_units_sheet(wb, f: Formats, units: Sequence[str]) -> None:
    """The units a summary sums, for the district to see and for the city's collect to read."""
    ws = wb.add_worksheet(layout.SHEET_SUMMARY_UNITS)
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 40)
    row, col = layout.SUMMARY_UNITS_COUNT
    ws.write_string(row, col - 1, "单位数", f.header)
    ws.write_number(row, col, len(units))
    ws.write_string(layout.SUMMARY_UNITS_FIRST_ROW - 1, 0, "序号", f.header)
    ws.write_string(layout.SUMMARY_UNITS_FIRST_ROW - 1, 1, "本汇总数据所汇总的单位（上一级汇总时据此查重，请勿修改）",
                    f.header)
    for i, name in enumerate(units):
        ws.write_number(layout.SUMMARY_UNITS_FIRST_ROW + i, 0, i + 1)
        ws.write_string(layout.SUMMARY_UNITS_FIRST_ROW + i, 1, _xml_safe(name))
    _protect(ws)


def write_workbook(path: Path, data: dict[str, object] | None = None) -> None:
    Path(path).write_bytes(build_workbook(data))
