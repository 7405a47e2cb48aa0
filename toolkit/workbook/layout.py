"""Where everything sits in the standard workbook: the one place that decides cell positions.

The builder writes, the reader reads and write-back marks by the positions computed here from the
form specification. Every value cell gets a workbook-scoped defined name derived from its key
(``NB_t3_new_natural``); the reader goes by those names, never by these positions, so that a
workbook whose rows were moved by a user is still read right.
"""

from __future__ import annotations

from functools import cache

from .. import spec
from ..ooxml.cells import CellPos, a1, area, col_letter, on_sheet  # noqa: F401 (layout's users spell cells)

SHEET_MAIN = "基本信息和正文"
SHEET_OF_TABLE = {"t2": "表二 主动公开", "t3": "表三 依申请公开", "t4": "表四 复议诉讼"}
SHEET_RESULTS = "校验结果"
SHEET_MARKER = "_nianbao"  # very hidden: the template marker and version
SHEETS = (SHEET_MAIN, *SHEET_OF_TABLE.values(), SHEET_RESULTS, SHEET_MARKER)

NAME_PREFIX = "NB_"
MARKER_NAME = "NB_template"
# A document property marking a summary workbook (collect's 汇总数据.xlsx), its value saying what it
# sums: kept by Excel, WPS and LibreOffice when they save, so a city collecting its districts'
# summaries knows them for what they are (their texts are written after the tables).
SUMMARY_PROPERTY = "nianbao_summary"
# ... and the units it sums (a city's summary: its districts' units), on a sheet of its own: one level
# up, a unit that also reports directly, or two summaries of the same units, are not summed twice.
# B1: how many; from row 3, one unit's name per row in B (A: its number).
SHEET_SUMMARY_UNITS = "汇总的单位"
SUMMARY_UNITS_COUNT = (0, 1)
SUMMARY_UNITS_FIRST_ROW = 2
RESULT_SUMMARY_NAME = "NB_result_summary"  # first sheet: the last check's verdict (write-back)
LIVE_STATUS_NAME = "NB_live_status"  # first sheet: the sheet's own formula check

TABLE_ORIGIN_ROW = 3  # 0-based: tables start on row 4 below a title and a note
MAIN_LABEL_COL, MAIN_VALUE_COL, MAIN_LAST_COL = 0, 1, 7  # A: label, B:H value (merged)
MAIN_MARK_COL = 25  # Z, hidden
MARK_OFFSET = 30  # a table value cell's mark sits this many columns to its right, hidden

# Mark values write-back puts in the hidden marks cells; conditional formats colour by them.
MARK_NONE, MARK_WARNING, MARK_ERROR = 0, 1, 2

# The results sheet: a title, the verdict line, then one row per finding under these headers.
RESULTS_NAME = "NB_results"  # the header row; findings go below it
RESULTS_HEADER_ROW = 2
RESULTS_COLUMNS = (("严重程度", 8), ("规则", 6), ("表格", 10), ("行", 36), ("列", 14),
                   ("单元格", 22), ("应为", 12), ("实为", 12), ("说明", 80))

# Cell formats of the results rows. Write-back never spells a style index: each format sits on a
# cell of the marker sheet (column B of rows STYLE_ROW..), and write-back copies that cell's style,
# so it finds the right one in a workbook re-saved by Excel, WPS or LibreOffice (which renumber).
RESULT_STYLES = ("result_error", "result_warning", "result_text", "result_link")
STYLE_ROW = 10


def style_prototype(name: str) -> CellPos:
    """The marker-sheet cell that carries the cell format ``name`` (one of RESULT_STYLES)."""
    return CellPos(SHEET_MARKER, STYLE_ROW + RESULT_STYLES.index(name), 1)


# First sheet rows (0-based)
ROW_TITLE, ROW_RESULT, ROW_LIVE, ROW_HELP = 0, 1, 2, 4
ROW_META_HEADING = 6
ROW_META = 7
ROW_TEXT_HEADING = ROW_META + len(spec.META) + 1
ROW_TEXT = ROW_TEXT_HEADING + 1


def mark_of(p: CellPos) -> CellPos:
    """The hidden cell whose value (MARK_*) colours the value cell ``p``."""
    if p.sheet == SHEET_MAIN:
        return CellPos(p.sheet, p.row, MAIN_MARK_COL)
    return CellPos(p.sheet, p.row, p.col + MARK_OFFSET)


def defined_name(key: str) -> str:
    """The workbook-scoped name of a key: letters, digits and underscores only, so that Excel,
    WPS and LibreOffice all accept it, and never shaped like a cell reference."""
    return NAME_PREFIX + key.replace(".", "_")


@cache
def positions() -> dict[str, CellPos]:
    """key -> its cell in the standard workbook."""
    pos: dict[str, CellPos] = {}
    for i, f in enumerate(spec.META):
        pos[f.key] = CellPos(SHEET_MAIN, ROW_META + i, MAIN_VALUE_COL)
    for i, part in enumerate(spec.TEXT_PARTS):
        pos[part.key] = CellPos(SHEET_MAIN, ROW_TEXT + i, MAIN_VALUE_COL)
    for table in spec.TABLES:
        sheet = SHEET_OF_TABLE[table.id]
        for c in table.value_cells:
            pos[c.key] = CellPos(sheet, TABLE_ORIGIN_ROW + c.row, c.col)
    assert set(pos) == set(spec.KEYS)
    return pos


@cache
def names() -> dict[str, str]:
    """defined name -> key, for every key."""
    return {defined_name(k): k for k in spec.KEYS}


def table_cell(table: spec.Table, cell: spec.GridCell) -> CellPos:
    return CellPos(SHEET_OF_TABLE[table.id], TABLE_ORIGIN_ROW + cell.row, cell.col)


def runs(cells: list[CellPos]) -> list[str]:
    """Cells of one sheet as few A1 ranges as possible (contiguous runs along a row or a column)."""
    out: list[str] = []
    todo = sorted(set(cells), key=lambda p: (p.col, p.row))
    # Prefer vertical runs when the cells are one column, else horizontal ones.
    vertical = len({p.col for p in todo}) == 1
    if not vertical:
        todo.sort(key=lambda p: (p.row, p.col))
    i = 0
    while i < len(todo):
        j = i
        while j + 1 < len(todo) and (
            (todo[j + 1].row == todo[j].row + 1 and todo[j + 1].col == todo[j].col) if vertical
            else (todo[j + 1].col == todo[j].col + 1 and todo[j + 1].row == todo[j].row)
        ):
            j += 1
        out.append(todo[i].a1 if i == j else area(todo[i].row, todo[i].col, todo[j].row, todo[j].col))
        i = j + 1
    return out


@cache
def formulas() -> dict[str, str]:
    """computed key -> its formula as the template writes it (with '=')."""
    return _formulas_at(positions())


def formulas_at(pos: dict[str, CellPos]) -> dict[str, str]:
    """computed key -> the template's formula for its terms at ``pos`` (where a workbook's
    defined names put them: a table moved as a whole keeps formulas that agree with them).
    A key with a term missing from ``pos`` (its cell deleted) has none."""
    if pos == positions():  # the template's own places, as in nearly every workbook: made once
        return formulas()
    return _formulas_at(pos)


def _formulas_at(pos: dict[str, CellPos]) -> dict[str, str]:
    out = {}
    for key in spec.COMPUTED_KEYS:
        if any(t not in pos for t in spec.FIELDS[key].computed_from):
            continue
        terms = [pos[t] for t in spec.FIELDS[key].computed_from]
        out[key] = "=SUM(" + ",".join(runs(terms)) + ")"
    return out


# --- live check cells (formulas the sheet evaluates itself, without Python) ------------------

T3_CHECK_LABEL_DIFF = "差额（一＋二－（七）－四）"
T3_CHECK_LABEL = "勾稽关系（一＋二＝（七）＋四）"
BALANCED, UNBALANCED = "平衡", "不平衡"


@cache
def t3_check_cells() -> dict[str, tuple[CellPos, CellPos]]:
    """table 三 column key -> (difference cell, verdict cell), two rows below the table."""
    t3 = spec.TABLE_BY_ID["t3"]
    row = TABLE_ORIGIN_ROW + t3.n_rows + 1
    pos = positions()
    out = {}
    for col_key, _ in spec.T3_COLUMNS:
        col = pos[f"t3.new.{col_key}"].col
        out[col_key] = (CellPos(SHEET_OF_TABLE["t3"], row, col),
                        CellPos(SHEET_OF_TABLE["t3"], row + 1, col))
    return out


def t3_verdict_at(col_key: str, carry_forward: CellPos) -> CellPos:
    """A column's 勾稽关系 verdict cell in a filled workbook, placed from where that column's
    结转下年度 cell is now (its defined name follows a renamed sheet and moved rows), not where the
    template put it: a place on a sheet the user renamed would be a dead link."""
    template = positions()[f"t3.carry_forward.{col_key}"]
    verdict = t3_check_cells()[col_key][1]
    return CellPos(carry_forward.sheet, carry_forward.row + verdict.row - template.row,
                   carry_forward.col + verdict.col - template.col)


def t3_check_formulas(col_key: str) -> tuple[str, str]:
    pos = positions()
    p = {r: pos[f"t3.{r}.{col_key}"].a1 for r in ("new", "carried_over", "total", "carry_forward")}
    diff_cell, _ = t3_check_cells()[col_key]
    diff = f"=({p['new']}+{p['carried_over']})-({p['total']}+{p['carry_forward']})"
    verdict = f'=IF({diff_cell.a1}=0,"{BALANCED}","{UNBALANCED}")'
    return diff, verdict


def input_runs(sheet: str) -> list[str]:
    """The number input cells of a table sheet, as ranges (for COUNTBLANK and COUNT)."""
    pos = positions()
    cells = [pos[k] for k in spec.INPUT_KEYS
             if spec.FIELDS[k].is_number and pos[k].sheet == sheet]
    return runs(cells)


def table_status_cell(table_id: str) -> CellPos:
    """A cell under each table sheet's title that counts blank and non-number inputs."""
    return CellPos(SHEET_OF_TABLE[table_id], 1, 0)


def table_status_formula(table_id: str) -> str:
    ranges = input_runs(SHEET_OF_TABLE[table_id])
    blank = "+".join(f"COUNTBLANK({r})" for r in ranges)
    text = "+".join(f"(COUNTA({r})-COUNT({r}))" for r in ranges)
    return (f'="未填写的数字单元格："&({blank})&" 个；填写了非数字内容的单元格："&({text})&" 个'
            f'（没有发生的请填0）"')


def live_status_formula() -> str:
    """The first sheet's live verdict over all tables."""
    verdicts = [v for _, v in t3_check_cells().values()]
    first, last = verdicts[0], verdicts[-1]
    line = on_sheet(first.sheet, area(first.row, first.col, last.row, last.col))
    parts = []
    for table in spec.TABLES:
        sheet = SHEET_OF_TABLE[table.id]
        parts.append("+".join(f"COUNTBLANK({on_sheet(sheet, r)})" for r in input_runs(sheet)))
    blanks = "+".join(f"({p})" for p in parts)
    return (f'=IF(COUNTIF({line},"{UNBALANCED}")>0,'
            f'"✗ 表三勾稽关系不平衡（见表三下方红色单元格）","✓ 表三勾稽关系平衡")'
            f'&"；表格中未填写的数字单元格："&({blanks})&" 个"')
