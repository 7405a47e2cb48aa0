"""汇总状态.xlsx: the district's worklist. One row per input file, errors first, filterable; every
finding of every file on a second sheet; the key figures per unit with a chart on a third."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar

from ..rules.engine import SEVERITY_WORD, Finding
from ..safetext import xml_text
from .batch import FIGURES
from .select import (
    ERRORS,
    MISSING,
    OTHER_FILE,
    OTHER_YEAR,
    PASSED,
    STATUS_ORDER,
    SUPERSEDED,
    SUSPECT,
    UNUSABLE,
    WORD_ONLY,
)

if TYPE_CHECKING:
    from . import FileStatus

SHEET_STATUS, SHEET_FINDINGS, SHEET_FIGURES = "报送状态", "全部问题", "关键数据"


class Column(NamedTuple):
    """A column of a worklist: its heading and width, what a row shows in it (a text, a number,
    or None for an empty cell) and how (``plain``, ``wrap``, or ``status``: the status's colour).
    One list of these writes both the header and the rows, so they cannot fall out of step."""

    label: str
    width: int
    value: Callable[[Any], str | int | None]
    style: str = "plain"


STATUS_COLUMNS: tuple[Column, ...] = (
    Column("单位", 24, lambda r: r.unit or ""),
    Column("文件", 30, lambda r: r.file_name),
    Column("状态", 9, lambda r: r.status, "status"),
    Column("错误数", 7, lambda r: r.n_errors),
    Column("提示数", 7, lambda r: r.n_warnings),
    Column("主要问题", 70, lambda r: first_problems(r), "wrap"),
    Column("报告年度", 9, lambda r: r.year),
    Column("退回邮件", 30, lambda r: Path(r.draft).name if r.draft else ""),
    Column("来源", 40, lambda r: r.origin),
    Column("路径", 50, lambda r: r.path),
    Column("名单", 24, lambda r: r.roster),
    Column("收件人", 26, lambda r: r.to),
    Column("日期", 16, lambda r: r.dated),
    Column("日期依据", 13, lambda r: r.dated_by),
)
# 全部问题: each finding's line starts with its file's own columns
FINDING_LEAD: tuple[Column, ...] = (
    Column("单位", 24, lambda r: r.unit or ""),
    Column("文件", 30, lambda r: r.file_name),
    Column("状态", 9, lambda r: r.status),
)
# 单位 … 报告年度: what a printed 报送状态 shows
PRINTED_STATUS_COLUMNS = 1 + next(i for i, c in enumerate(STATUS_COLUMNS) if c.label == "报告年度")
STATUS_FILL = {ERRORS: "#FFC7CE", UNUSABLE: "#FFC7CE", MISSING: "#FFC7CE", WORD_ONLY: "#FFEB9C",
               SUSPECT: "#FFEB9C", OTHER_YEAR: "#FFEB9C", SUPERSEDED: "#EDEDED", PASSED: "#C6EFCE",
               OTHER_FILE: "#EDEDED"}
MAX_CHART_UNITS = 300  # beyond this a bar per unit is unreadable: the table still lists all


class Row(Protocol):
    """A line of a worklist (collect's ``FileStatus``, audit's ``AuditResult``)."""

    index: int
    status: str
    unit: str | None
    findings: tuple[Finding, ...]

    @property
    def n_errors(self) -> int: ...


R = TypeVar("R", bound=Row)


def sort_rows(rows: Iterable[R], order: Sequence[str] = STATUS_ORDER) -> list[R]:
    """Rows by their status in ``order`` (errors first), then the most errors first, then by unit
    (rows without one last) and input order."""
    return sorted(rows, key=lambda r: (order.index(r.status), -r.n_errors, r.unit or "\uffff", r.index))


def first_problems(row: FileStatus, n: int = 3) -> str:
    """A status line's 主要问题: why a file was not checked, else ``problems_text``."""
    if row.status in (UNUSABLE, OTHER_YEAR, SUPERSEDED, MISSING, SUSPECT, OTHER_FILE):
        return join_notes(row.note, row.returned_note)
    return problems_text(row.findings, row.note, n=n)


def problems_text(findings: Sequence[Finding], *notes: str, n: int = 3) -> str:
    """The notes, then the first ``n`` errors and how many more; with no error, the first finding
    if it is a warning."""
    errors = [f.message for f in findings if f.severity == "error"]
    if not errors:
        return join_notes(*notes, *(f.message for f in findings[:1] if f.severity == "warning"))
    text = "；".join(errors[:n])
    return join_notes(*notes, text + (f"（另有{len(errors) - n}处）" if len(errors) > n else ""))


def join_notes(*notes: str) -> str:
    """The notes that say something, one sentence each."""
    return "；".join(n for n in notes if n)


def status_workbook(rows: list[FileStatus], title: str, note: str = "") -> bytes:
    """The status workbook's content. Built in memory and saved by the caller with
    ``atomic_write``: the file on disk is never half-written, and a copy left open in Excel is
    found (its lock file) before anything is replaced. ``note``: a line under the counts (why
    no summary was written)."""
    # constant_memory: each row goes out as it is written (every sheet here is written top to
    # bottom), a fifth faster than keeping 10,000 rows of cells for the end. XlsxWriter keeps
    # those rows in temporary files (unit names, findings): in a private folder, removed
    # whatever happens, never left in the user's temp folder.
    with tempfile.TemporaryDirectory(prefix="nianbao-status-", ignore_cleanup_errors=True) as tmp:
        return _status_workbook(rows, title, note, tmp)


class Formats(NamedTuple):
    head: Any
    wrap: Any
    plain: Any
    status: dict[str, Any]


def new_workbook(buf: io.BytesIO, tmpdir: str, fills: dict[str, str]) -> tuple[Any, Formats]:
    """A worklist workbook (this one, and ``nianbao audit``'s): written row by row, its
    temporary files in ``tmpdir``, nothing typed taken for a number, formula or link; the
    header, text and status-cell formats (a status's cell filled with its colour in ``fills``)."""
    from ..workbook.writer import Workbook
    wb = Workbook(buf, {"constant_memory": True, "tmpdir": tmpdir, "strings_to_numbers": False,
                        "strings_to_formulas": False, "strings_to_urls": False})
    font = {"font_name": "宋体", "font_size": 10, "valign": "top"}
    return wb, Formats(
        head=wb.add_format({**font, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}),
        wrap=wb.add_format({**font, "text_wrap": True}),
        plain=wb.add_format(font),
        status={s: wb.add_format({**font, "bold": True, "bg_color": c, "align": "center"})
                for s, c in fills.items()})


def put_header(ws, row: int, columns: Sequence[tuple[str, int] | Column], fmt) -> None:
    """The column headings in ``row``, each column set to its width."""
    for c, (label, width, *_) in enumerate(columns):
        ws.set_column(c, c, width)
        put_text(ws, row, c, label, fmt)


def put_rows(ws, first: int, columns: Sequence[Column], rows: Iterable[Row], fmt: Formats) -> None:
    """One line per row from ``first`` on, each cell as its column says."""
    styles = {"plain": fmt.plain, "wrap": fmt.wrap}
    cells = [(column.value, styles.get(column.style)) for column in columns]  # None: the status's own
    coloured = any(style is None for _, style in cells)
    for i, r in enumerate(rows, start=first):
        mine = fmt.status[r.status] if coloured else None
        put_cells(ws, i, [(value(r), style or mine) for value, style in cells])


def _status_workbook(rows: list[FileStatus], title: str, note: str, tmpdir: str) -> bytes:
    buf = io.BytesIO()
    wb, fmt = new_workbook(buf, tmpdir, STATUS_FILL)
    head, plain, status_fmt = fmt.head, fmt.plain, fmt.status
    titlef = wb.add_format({"font_name": "宋体", "font_size": 14, "bold": True})
    rows = sort_rows(rows)

    ws = wb.add_worksheet(SHEET_STATUS)
    put_text(ws, 0, 0, title, titlef)
    counts = {s: sum(1 for r in rows if r.status == s) for s in STATUS_ORDER}
    put_text(ws, 1, 0, "；".join(f"{s} {n}" for s, n in counts.items() if n)
         + f"；共 {len(rows) - counts[MISSING]} 个文件" + (f"。{note}" if note else ""), plain)
    header_row = 2
    put_header(ws, header_row, STATUS_COLUMNS, head)
    put_rows(ws, header_row + 1, STATUS_COLUMNS, rows, fmt)
    last = header_row + len(rows)
    ws.autofilter(header_row, 0, max(last, header_row), len(STATUS_COLUMNS) - 1)
    ws.freeze_panes(header_row + 1, 2)
    print_setup(ws, header_row)
    # Printed for the office's leader: the columns up to 报告年度 (the file paths and the mail
    # columns would shrink them all to an unreadable strip on one page's width).
    ws.print_area(0, 0, max(last, header_row), PRINTED_STATUS_COLUMNS - 1)

    findings_sheet(wb.add_worksheet(SHEET_FINDINGS), FINDING_LEAD, finding_columns(("严重程度", 8), ("单元格", 22)),
                   fmt, rows, freeze_columns=2)

    ws = wb.add_worksheet(SHEET_FIGURES)
    units = [r for r in rows if r.status in (PASSED, ERRORS) and r.numbers is not None]
    units.sort(key=lambda r: (r.unit or ""))
    ws.set_column(0, 0, 24)
    ws.set_column(1, len(FIGURES) + 1, 12)
    put_text(ws, 0, 0, "单位", head)
    for c, (label, _) in enumerate(FIGURES, start=1):
        put_text(ws, 0, c, label, head)
    put_text(ws, 0, len(FIGURES) + 1, "状态", head)
    for i, r in enumerate(units, start=1):
        put_cells(ws, i, [(r.unit or "（未填机关名称）", plain), *((v, plain) for v in r.figures),
                          (r.status, status_fmt[r.status])])
    ws.freeze_panes(1, 1)
    print_setup(ws, 0)
    if units:
        shown = min(len(units), MAX_CHART_UNITS)
        chart = wb.add_chart({"type": "bar"})
        for c, _figure in enumerate(FIGURES, start=1):
            chart.add_series({"name": [SHEET_FIGURES, 0, c],
                              "categories": [SHEET_FIGURES, 1, 0, shown, 0],
                              "values": [SHEET_FIGURES, 1, c, shown, c]})
        chart.set_title({"name": "各单位关键数据（件）" + (f"（前{shown}个单位）" if shown < len(units) else ""),
                         "name_font": {"name": "宋体", "size": 12}})
        chart.set_y_axis({"reverse": True, "num_font": {"name": "宋体"}})
        chart.set_x_axis({"num_font": {"name": "宋体"}})
        chart.set_legend({"position": "top", "font": {"name": "宋体"}})
        chart.set_size({"width": 820, "height": max(320, 60 + 18 * len(FIGURES) * shown // 2)})
        ws.insert_chart(0, len(FIGURES) + 3, chart)
    wb.close()
    return buf.getvalue()


def finding_columns(severity: tuple[str, int], where: tuple[str, int]) -> tuple[Column, ...]:
    """A finding's columns on a sheet of every finding, ``severity`` and ``where`` (its cell, or its
    place in a document) headed and sized as that sheet says them."""
    return (
        Column(*severity, lambda f: SEVERITY_WORD[f.severity]),
        Column("规则", 6, lambda f: f.rule),
        Column("表格", 8, lambda f: f.table),
        Column("行", 36, lambda f: f.row),
        Column("列", 14, lambda f: f.column),
        Column(*where, lambda f: f.where),
        Column("应为", 12, lambda f: cell_text(f.expected)),
        Column("实为", 12, lambda f: cell_text(f.found)),
        Column("说明", 80, lambda f: f.message, "wrap"),
    )


def findings_sheet(ws, lead: Sequence[Column], columns: Sequence[Column], fmt: Formats, rows: Iterable[R],
                   freeze_columns: int) -> None:
    """A sheet of every finding of every row, filterable: the row's own columns (``lead``, texts),
    then the finding's (``columns``, from ``finding_columns``)."""
    put_header(ws, 0, (*lead, *columns), fmt.head)
    styles = {"plain": fmt.plain, "wrap": fmt.wrap}
    n = 0
    lead_styles = [styles[column.style] for column in lead]
    own = [(column.value, styles[column.style]) for column in columns]
    for r in rows:
        if not r.findings:
            continue
        first = [(_text(column.value(r)), style) for column, style in zip(lead, lead_styles, strict=True)]
        for f in r.findings:
            n += 1
            put_cells(ws, n, [*first, *((_text(value(f)), style) for value, style in own)])  # all texts here
    ws.autofilter(0, 0, max(n, 1), len(lead) + len(columns) - 1)
    ws.freeze_panes(1, freeze_columns)
    print_setup(ws, 0)


MAX_CELL_TEXT = 32_000  # a cell holds 32,767 characters; a longer text is cut, not refused


def put_text(ws, row: int, col: int, text: str, fmt) -> None:
    """A text cell; what no XML file can hold (a lone surrogate from a cell or a file name) made
    visible instead of failing the whole workbook."""
    ws.write_string(row, col, _fitted(text), fmt)


def put_cells(ws, row: int, cells: list[tuple[str | int | float | None, Any]]) -> None:
    """A row's cells from column A, each (a text, a number, or None for no cell; its format): the
    texts as ``put_text`` writes them, all in one call (``writer._Worksheet.write_cells``)."""
    ws.write_cells(row, [(_fitted(v) if isinstance(v, str) else v, f) for v, f in cells])


def _fitted(text: str) -> str:
    """A text as a cell holds it: cut to what a cell can hold, made writable (``xml_text``)."""
    return xml_text(text[:MAX_CELL_TEXT])


def _text(v: object) -> str:
    return "" if v is None else str(v)


def print_setup(ws, header_row: int) -> None:
    """Printed on A4 landscape, one page wide, the header row on every page."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)


def cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)
