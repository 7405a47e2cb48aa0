"""From a document's blocks to report data: the one reader behind every importer.

Tables are found by their labels (toolkit/spec.py), never by position: a grid is table 三 because
its header says 申请人情况 or its rows are table 三's rows. Columns are matched by their header
labels where the grid has a header (an extra column is then simply not read), by position where a
table continues on a new page without one. Values are kept as printed: blank stays blank, ``/``
and ``5件`` stay text, so that ``check`` names them; printed totals are kept, never recomputed.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .. import spec
from ..errors import OldFormat, UnusableFile
from ..numerals import ONE_TO_TEN, YEAR_DIGITS, YEAR_TO_ARABIC, chinese_to_int
from ..report import Report
from . import KINDS
from .document import Block, Cell, Document, Grid, Paragraph, norm

OLD_FORMAT = "国办公开办函〔2019〕60号"
SPREADSHEET = KINDS[".xlsx"]


@dataclass
class Imported:
    """What a document says, as raw report values with where each was read."""

    kind: str
    raw: dict[str, object] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # key -> place, FORMAT.md's "sources"
    notes: list[str] = field(default_factory=list)  # said to the user with the findings
    # the section headings found: number (一…六) -> the heading as printed, in order (rule E7)
    sections: dict[str, str] = field(default_factory=dict)
    tables_only: bool = False  # a spreadsheet of the tables without any text (Report.tables_only)

    def report(self, source: str) -> Report:
        report = Report.from_raw(self.raw, source, "document", sources=self.sources)
        report.sections = None if self.tables_only else dict(self.sections)
        report.tables_only = self.tables_only
        report.set_unread(self.unread)  # what could not be read is not judged blank: the notes say why
        return report

    @property
    def unread(self) -> list[str]:
        """The tables' cells the import could not read (a table not found, a row whose values
        could not be told apart): absent from ``raw``, unlike a cell printed blank ("")."""
        return [key for key in spec.TABLE_INPUT_KEYS if key not in self.raw]


def no_title_note(unit_given: bool = False, year_given: bool = False) -> str:
    """The note for a document without a title to read 机关名称 and 年度 from: what is still
    missing once --unit / --year gave the rest ("" when both were given)."""
    missing = [(what, option) for what, option, given in (("机关名称", "--unit", unit_given),
                                                           ("年度", "--year", year_given)) if not given]
    if not missing:
        return ""
    return (f"没有找到“××××年政府信息公开工作年度报告”样式的标题，{'和'.join(w for w, _ in missing)}未读取"
            f"（可用 {'、'.join(o for _, o in missing)} 给出）")


# --- matching labels ---------------------------------------------------------------------------

_NUMBERING = re.compile(rf"^(?:\(?[{ONE_TO_TEN}]+[).]|\(\d+\)|\d+[.)])")
_REMARK = re.compile(r"\([^()]*\)$")


def strip_numbering(label: str) -> str:
    """A label without its list numbering: （二）部分公开 / 2.部分公开 -> 部分公开."""
    return _NUMBERING.sub("", label)


@lru_cache(maxsize=16384)
def _core(text: str) -> str:
    """A normalised label without its numbering and a closing remark: （二）部分公开（区分处理的…）
    -> 部分公开."""
    return _REMARK.sub("", strip_numbering(text))


@lru_cache(maxsize=16384)  # the same labels recur in every report of a batch
def match_label(text: str, candidates: tuple[tuple[str, str], ...]) -> str | None:
    """The key whose label ``text`` (normalised) says: the longest label found whole in it, else the
    longest label core in it, else a label the text abbreviates. None when nothing or a tie."""
    if not text:
        return None
    scored: list[tuple[int, str]] = []
    text_core = _core(text)
    for key, label in candidates:
        full = norm(label)
        core = _core(full)
        if full in text:
            scored.append((1000 + len(full), key))
        elif len(core) >= 3 and core in text:
            scored.append((500 + len(core), key))
        elif len(text_core) >= 4 and text_core in core:
            scored.append((len(text_core), key))
    if not scored:
        return None
    scored.sort(reverse=True)
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None
    return scored[0][1]


def _distinct(cells: list[Cell]) -> list[Cell]:
    """A row's cells with each merged cell once."""
    seen: set[int] = set()
    out = []
    for cell in cells:
        if cell.origin not in seen:
            seen.add(cell.origin)
            out.append(cell)
    return out


def _text(cells: list[Cell]) -> str:
    return "".join(norm(c.text) for c in _distinct(cells))


_NUMBERISH = re.compile(r"^[\d\s.,，．０-９]+$")


# Up to 300 digits: int() refuses more than 4300, and a longer "number" stays text for the cell
# rules to judge (values.parse reads it and says it is too large), never a crash here.
_PRINTED_NUMBER = re.compile(r"\d{1,3}(,\d{3}){1,99}(\.\d{1,300})?|\d{1,300}(\.\d{1,300})?")


def value_text(text: str) -> int | float | str:
    """A value cell as printed: a number as a number (a printed document has no "number typed as
    text"), with stray blanks and full-width digits folded; anything else (``/``, ``—``, ``5件``)
    as the text it is, and a blank cell as "" (blank, never 0)."""
    text = text.replace("\u00a0", " ").strip()
    folded = "".join(unicodedata.normalize("NFKC", text).split())
    if _PRINTED_NUMBER.fullmatch(folded):
        folded = folded.replace(",", "")
        return float(folded) if "." in folded else int(folded)
    return text


_COUNTED = re.compile(r"^[\d０-９]+\s*[件条个项次万元]+$")  # 5件: a value printed with its unit (E1 names it)


def looks_like_value(text: str) -> bool:
    t = text.strip()
    return (not t or bool(_NUMBERISH.match(t)) or t in ("/", "／", "-", "—", "——", "－", "–", "无", "\\")
            or bool(_COUNTED.match(t)))


def row_values(row: list[Cell], count: int) -> list[Cell] | None:
    """A row of a table without columns (plain text): its values after its last label cell, when
    there are exactly ``count``. Blank places beyond ``count`` at the row's end (else at its start)
    are a merged cell's places or a row's opening ``|``, not values. None when the values cannot
    be told apart."""
    cells = _distinct(row)
    last_label = max((i for i, c in enumerate(cells) if not looks_like_value(c.text)), default=-1)
    values = cells[last_label + 1:]
    extra = len(values) - count
    if extra > 0 and not any(c.text.strip() for c in values[count:]):
        values = values[:count]  # the places a merged cell leaves at the row's end
    elif extra > 0 and not any(c.text.strip() for c in values[:extra]):
        values = values[extra:]  # a crawler's opening | before a row without label (table 四)
    return values if len(values) == count else None


# --- the reader --------------------------------------------------------------------------------

T2_ROWS = tuple((key, label) for _, _, rows in spec.T2_BLOCKS for key, label in rows)
T2_COLUMNS_OF = {key: cols for _, cols, rows in spec.T2_BLOCKS for key, _ in rows}
T2_COLUMN_LABELS = tuple(dict.fromkeys((key, label) for _, cols, _ in spec.T2_BLOCKS for key, label in cols))
T3_LABELS = dict(spec.T3_ROWS)
T3_OTHER_GROUP = next(group for group, key, _ in spec.T3_RESULT_ROWS if key == "other_other")
T3_OTHER_KEYS = tuple(key for group, key, _ in spec.T3_RESULT_ROWS if group == T3_OTHER_GROUP)
T4_LABEL_ROWS = tuple((key, label) for key, label in spec.T4_COLUMNS)


@dataclass
class _State:
    """What reading a document's tables has found so far."""

    imported: Imported
    t3_columns: dict[int, str] | None = None  # kept for a table 三 continued without its header
    t3_width: int = 0
    # table 四's columns and width where its header ended a page: its values may follow in a grid
    # of their own on the next (the header not printed again)
    t4_pending: tuple[dict[int, str], int] | None = None
    found: set[str] = field(default_factory=set)  # table ids found

    def put(self, key: str, cell: Cell | None, table: spec.Table) -> None:
        if key in self.imported.raw:
            return  # a row printed twice (a repeated header row, a copied row): the first counts
        self.imported.raw[key] = value_text(cell.text) if cell else ""
        page = f"{cell.page} " if cell and cell.page else ""
        self.imported.sources[key] = page + spec.describe(key)


def classify(grid: Grid) -> str | None:
    """Which official table a grid is, by its labels; None for any other table."""
    texts = {norm(c.text) for row in grid.rows for c in row if c.text.strip()}
    joined = "|".join(texts)
    if norm(dict(spec.T4_COLUMNS)["upheld"]) in texts and norm(spec.T4_GROUPS[0][1]) in joined:
        return "t4"
    t3_rows = sum(1 for row in grid.rows if _t3_row_key(_text(row)))
    t3_labels = sum(1 for _, label in spec.T3_COLUMNS if norm(label) in texts)
    # (its column labels alone: a flat header at the foot of a page, its rows on the next)
    if norm(spec.T3_APPLICANTS) in joined or t3_rows >= 3 or t3_labels >= len(spec.T3_COLUMNS) - 1:
        return "t3"
    if not grid.aligned and norm(spec.T4_GROUPS[0][1]) in joined and norm(spec.T4_SUIT) in joined:
        return "t4"  # a text whose header lost its cells (结果↵维持 printed as two lines)
    captions = sum(1 for caption, _, _ in spec.T2_BLOCKS if norm(caption) in joined)
    t2_rows = sum(1 for row in grid.rows if match_label(_text(row[:1]), T2_ROWS))
    # table 二 whole, or one of its four blocks printed as a table of its own (a caption or the
    # 信息内容 header over one or two of its rows)
    if captions >= 2 or t2_rows >= 3 or t2_rows and (captions or norm(spec.T2_CONTENT_LABEL) in texts):
        return "t2"
    return None


def old_format_marks(texts: list[str]) -> list[str]:
    normalised = [norm(t) for t in texts]
    return [s for s in spec.OLD_FORMAT_STRINGS if any(norm(s) in t for t in normalised)]


def read_document(doc: Document) -> Imported:
    """The report data of a document; UnusableFile for the 2019 format and for what is no report."""
    imported = Imported(doc.kind, notes=list(doc.notes))
    state = _State(imported)
    marks = old_format_marks([c.text for g in doc.grids for row in g.rows for c in row])
    if marks:
        raise OldFormat(f"这是2019年的旧格式年度报告（{OLD_FORMAT}，表格中有“{marks[0]}”），"
                           f"不是现行格式（{spec.FORMAT_NAME}），无法导入")
    for grid in doc.grids:
        table = classify(grid)
        if table == "t2":
            _read_t2(grid, state)
        elif table == "t3":
            _read_t3(grid, state)
        pending, state.t4_pending = state.t4_pending, None
        if table == "t4":
            _read_t4(grid, state)
        elif table is None and pending and pending[1] == grid.n_cols:
            _put_t4_row(grid.rows, pending[0], state)  # 表四's value row, on the page after its header
        if table:
            state.found.add(table)
    headings = _read_texts(doc, imported)
    _read_meta(doc, imported, headings)
    if doc.kind == SPREADSHEET and state.found and not _has_text(imported):
        imported.tables_only = True
        imported.notes.append("电子表格中只有表格，没有正文：只检查表格，正文和章节标题请在报告（Word 等）中检查")
    if not state.found and len(headings) < 3:
        raise UnusableFile("这不是政府信息公开工作年度报告：没有找到表二、表三、表四，也没有找到"
                           "“一、总体情况”等章节标题")
    for official in spec.TABLES:
        if official.id not in state.found:
            imported.notes.append(f"没有找到{official.short}（{official.title}），其中各项未读取，不作检查")
        else:
            _unplaced_note(official, imported)
    imported.notes = list(dict.fromkeys(imported.notes))  # a row printed again is said once
    return imported


def _has_text(imported: Imported) -> bool:
    """Whether a document has any of the report's text: a text part, or a heading of a text section."""
    text_sections = {s.number for s in spec.SECTIONS if s.content == "text"}
    return (any(str(imported.raw.get(p.key) or "").strip() for p in spec.TEXT_PARTS)
            or bool(text_sections & set(imported.sections)))


def _unplaced_note(table: spec.Table, imported: Imported) -> None:
    """A table found whose cells (some or all, printed totals too) could not be placed says so,
    where no note of the reader said it already: they are unread, not blank (a printed report is
    not judged on cells nianbao could not read)."""
    said = [note for note in imported.notes if note.startswith(table.short)]
    if any("「" not in note and "“" not in note for note in said):
        return  # a note on the whole table (表四的数值个数不是15个…)

    def unsaid(key: str) -> bool:
        return not any(spec.describe(key) in note or f"“{spec.FIELDS[key].row_label}”" in note for note in said)
    unread = [c.key for c in table.value_cells if c.key not in imported.raw and unsaid(c.key)]
    if not unread:
        return
    if len(unread) == len(table.value_cells):
        imported.notes.append(f"找到了{table.short}，但没有读到其中的数值（无法确定各数对应哪一行、哪一列），"
                              "其中各项未读取，不作检查")
        return
    named = "、".join(spec.describe(key) for key in unread[:3]) + ("等" if len(unread) > 3 else "")
    imported.notes.append(f"{named}在{table.short}中找不到对应的数值（共{len(unread)}项），未读取，不作检查")


# --- table 二 ----------------------------------------------------------------------------------

def _read_t2(grid: Grid, state: _State) -> None:
    table = spec.TABLE_BY_ID["t2"]
    columns: dict[int, str] = {}
    for row in grid.rows:
        if not grid.aligned:
            _read_t2_text_row(row, state)
            continue
        label_text = norm(row[0].text) if row else ""
        if label_text == norm(spec.T2_CONTENT_LABEL):
            columns = {}
            for j, head in enumerate(row[1:], start=1):
                key = match_label(norm(head.text), T2_COLUMN_LABELS)
                if key:
                    columns.setdefault(j, key)
            continue
        row_key = match_label(label_text, T2_ROWS)
        if not row_key:
            continue
        wanted = [c for c, _ in T2_COLUMNS_OF[row_key]]
        rest = [c for c in _distinct(row[1:]) if c.origin != row[0].origin]
        for i, col_key in enumerate(wanted):
            mapped = [row[j] for j, k in columns.items() if k == col_key and j < len(row)]
            if mapped:
                cell: Cell | None = next((c for c in mapped if c.text.strip()), mapped[0])
            else:
                cell = rest[i] if i < len(rest) else None
            state.put(f"t2.{row_key}.{col_key}", cell, table)


def _read_t2_text_row(row: list[Cell], state: _State) -> None:
    """A row of table 二 in plain text: its label (after any caption and header cells that came
    before it in the text), then as many values as the block has columns."""
    row_key = match_label(_label_text(row), T2_ROWS)
    if not row_key:
        return
    wanted = [c for c, _ in T2_COLUMNS_OF[row_key]]
    values = row_values(row, len(wanted))
    if values is None:
        if any(c.text.strip() for c in row[1:]):
            state.imported.notes.append(f"表二“{dict(T2_ROWS)[row_key]}”行的数值个数不是{len(wanted)}个，"
                                        "无法对应到各列，未读取")
        return
    for col_key, cell in zip(wanted, values, strict=True):
        state.put(f"t2.{row_key}.{col_key}", cell, spec.TABLE_BY_ID["t2"])


# --- table 三 ----------------------------------------------------------------------------------

def _t3_row_key(text: str) -> str | None:
    return match_label(text, spec.T3_ROWS)


def _t3_header_columns(grid: Grid) -> tuple[dict[int, str], int]:
    """Column index -> column key, from the lowest header cell above the first data row; and the
    index of that first data row."""
    first = next((i for i, row in enumerate(grid.rows) if _t3_row_key(_label_text(row))), len(grid.rows))
    columns: dict[int, str] = {}
    if first == 0:
        return columns, first
    labels = {norm(label): key for key, label in spec.T3_COLUMNS}
    for j in range(grid.n_cols):
        for i in range(first - 1, -1, -1):
            row = grid.rows[i]
            if j < len(row) and row[j].text.strip():
                text = norm(row[j].text)
                # or a label cut short where the header broke over a page (社会公益 | 组织)
                starts = [k for label, k in labels.items() if len(text) >= 2 and label.startswith(text)]
                key = labels.get(text) or (starts[0] if len(starts) == 1 else None)
                if key and key not in columns.values():
                    columns[j] = key
                break
    return columns, first


# Table 三's column labels in the orders a text can list them: the official header read row by
# row (自然人, 总计 on the second row, the five kinds of organisation on the third), or in one row.
_T3_ROW_MAJOR = ("natural", "total", *spec.T3_APPLICANT_COLUMNS[1:])
_T3_TEXT_ORDERS = (_T3_ROW_MAJOR, tuple(key for key, _ in spec.T3_COLUMNS))


def _t3_text_header(grid: Grid, first: int) -> list[str]:
    """The column labels a text's table 三 lists above its first row, in their order."""
    labels = {norm(label): label for _, label in spec.T3_COLUMNS}
    cells = [c for row in grid.rows[:first + 1] for c in _distinct(row)]
    return list(dict.fromkeys(labels[norm(c.text)] for c in cells if norm(c.text) in labels))


def _t3_text_order_official(grid: Grid, first: int) -> bool:
    """Whether a text's table 三 lists its columns in an official order (or lists none): a text
    has no columns, so its values can only be read in the official order."""
    keys = {label: key for key, label in spec.T3_COLUMNS}
    found = [keys[label] for label in _t3_text_header(grid, first)]
    return any([k for k in order if k in found] == found for order in _T3_TEXT_ORDERS)


def _label_text(row: list[Cell]) -> str:
    """The label part of a row: its cells up to the first that holds a value."""
    cells: list[Cell] = []
    for cell in _distinct(row):
        if looks_like_value(cell.text):
            if any(c.text.strip() for c in cells):
                break
            continue
        cells.append(cell)
    return _text(cells)


def _read_t3(grid: Grid, state: _State) -> None:
    table = spec.TABLE_BY_ID["t3"]
    imported = state.imported
    columns, first = _t3_header_columns(grid)
    if not grid.aligned:
        columns = {}
        if not _t3_text_order_official(grid, first):
            imported.notes.append("表三的列与本格式的顺序不同（" + "、".join(_t3_text_header(grid, first))
                                  + "），文字中无法确定各数对应哪一列，表三未读取")
            return
    elif len(columns) == len(spec.T3_COLUMNS):
        state.t3_columns, state.t3_width = columns, grid.n_cols
        header = grid.rows[first - 1] if first > 0 else []
        extra = [header[j].text for j in range(min(columns), len(header))
                 if j not in columns and header[j].text.strip()]
        if extra:
            imported.notes.append(f"表三多出的列“{'、'.join(dict.fromkeys(extra))}”不是本格式的列，未读取")
    elif columns:
        imported.notes.append("表三的表头与本格式不同（找到的列：" + "、".join(
            label for key, label in spec.T3_COLUMNS if key in columns.values()) + "），按位置读取各列")
        columns = {}
    shift = grid.n_cols - state.t3_width
    if not columns and state.t3_columns and min(state.t3_columns) + shift >= 1:
        # the table continues on a new page without its header; where the page's grid has another
        # number of label columns (三、本年度办理结果 / （三）不予公开 / 1.属于… side by side only on
        # some pages), its value and extra columns keep their places counted from the right
        columns = {j + shift: key for j, key in state.t3_columns.items()}
    for row in grid.rows[first:]:
        label = _text(row[:min(columns)]) if columns else _label_text(row)
        key = _t3_row_key(label)
        if key is None:
            rest = label.replace(norm(T3_OTHER_GROUP), "").replace(norm(spec.T3_RESULTS_GROUP), "")
            has_values = any(c.text.strip() for c in row[len(row) - len(spec.T3_COLUMNS):])
            if norm(T3_OTHER_GROUP) in label and not rest and has_values:
                key = "other_other"
                collapsed = True
            else:
                if has_values and label:
                    imported.notes.append(f"表三中“{label}”一行不是本格式的行，未读取")
                continue
        else:
            collapsed = False
        # cells of the label that a merge spread into the value columns; a value is never one of them,
        # even when it equals the label's numbering (1 in the row 1.属于国家秘密)
        label_origins = {c.origin for c in row
                         if norm(c.text) and norm(c.text) in label and not looks_like_value(c.text)}
        if columns:
            cells = {col: row[j] for j, col in columns.items() if j < len(row)}
        else:
            values = row_values(row, len(spec.T3_COLUMNS))
            if values is None:
                imported.notes.append(f"表三“{T3_LABELS[key]}”行的数值个数不是{len(spec.T3_COLUMNS)}个"
                                      "（空白的格子在文字中没有留下痕迹），无法对应到各列，未读取")
                continue
            cells = {col: values[i] for i, (col, _) in enumerate(spec.T3_COLUMNS)}
        if collapsed and f"t3.{key}.total" not in imported.raw:
            imported.notes.append(f"表三“{T3_OTHER_GROUP}”只印了一行（没有分列三个子项）：其数字按"
                                  f"“3.其他”读取，另两个子项按空白处理")
            for other in T3_OTHER_KEYS:
                if other != key:
                    for col, _ in spec.T3_COLUMNS:
                        state.put(f"t3.{other}.{col}", None, table)
        for col, _ in spec.T3_COLUMNS:
            cell = cells.get(col)
            if cell is not None and cell.origin in label_origins:
                cell = None
            state.put(f"t3.{key}.{col}", cell, table)


# --- table 四 ----------------------------------------------------------------------------------

def _read_t4(grid: Grid, state: _State) -> None:
    table = spec.TABLE_BY_ID["t4"]
    if grid.aligned and _read_t4_turned(grid, state):
        return
    upheld = norm(dict(spec.T4_COLUMNS)["upheld"])
    header = next((i for i, row in enumerate(grid.rows) if any(norm(c.text) == upheld for c in row)), 0)
    columns: dict[int, str] = {}
    header_row = grid.rows[header]
    labelled = _t4_label_columns(header_row)
    titles = _t4_group_titles(grid, header, labelled)
    ungrouped = []
    for j, col in labelled.items():
        group = match_label(titles[j], spec.T4_GROUPS)
        if group:
            columns[j] = f"t4.{group}.{col}"
        else:
            ungrouped.append(header_row[j].text)
    if ungrouped and grid.aligned:
        state.imported.notes.append(f"表四有{len(ungrouped)}列（{'、'.join(dict.fromkeys(ungrouped))}）上方没有找到"
                                    f"所属的“{'”“'.join(label for _, label in spec.T4_GROUPS)}”标题，"
                                    "无法确定是哪一项，未读取")
    doubled = sorted({key for key in columns.values() if list(columns.values()).count(key) > 1})
    for key in doubled:  # two columns under one heading (总计 drawn under the next group): neither is sure
        state.imported.notes.append(f"{spec.describe(key)}在表格中有两列，无法确定哪一列是它，未读取")
        columns = {j: k for j, k in columns.items() if k != key}
    if not grid.aligned:  # plain text: the official order, when the row has every value
        columns = {}
        order = [c.key for c in table.value_cells]
        for row in grid.rows[header:]:
            if not any(looks_like_value(c.text) and c.text.strip() for c in row):
                continue
            values = row_values(row, len(order))
            if values is None:
                state.imported.notes.append(f"表四的数值个数不是{len(order)}个，无法确定各数对应哪一列，未读取")
                break
            columns = {j: key for j, key in enumerate(order)}
            grid = Grid([values], grid.page)
            header = -1
            break
    # the header printed again inside the grid (a table continued after its header rows, copied
    # into one sheet without the empty line between) is no value row
    rows = [row for row in grid.rows[header + 1:] if not _t4_header_row(row)]
    _put_t4_row(rows, columns, state)
    if grid.aligned and columns and not rows:
        state.t4_pending = (columns, grid.n_cols)


_T4_HEADER_TEXTS = frozenset(norm(label) for label in (*dict(spec.T4_COLUMNS).values(), spec.T4_SUIT,
                                                        *dict(spec.T4_GROUPS).values()))


def _t4_header_row(row: list[Cell]) -> bool:
    """A row of table 四's header: its texts are its labels and group titles, nothing else."""
    texts = {norm(c.text) for c in row if c.text.strip()}
    return bool(texts) and texts <= _T4_HEADER_TEXTS


def _put_t4_row(rows: list[list[Cell]], columns: dict[int, str], state: _State) -> None:
    """Table 四's values from the first of ``rows`` (those below its header) with a value in a
    column found; a value row printed blank gives blank cells. A header alone (its value row on
    the next page, after the header printed again) gives nothing: the next part has them. Cells
    whose column was not found stay unread (read_document says so), never blank."""
    table = spec.TABLE_BY_ID["t4"]
    row = next((r for r in rows if any(r[j].text.strip() for j in columns if j < len(r))), None)
    if row is None and not rows:
        return
    for j, key in columns.items():
        state.put(key, row[j] if row is not None and j < len(row) else None, table)


def _read_t4_turned(grid: Grid, state: _State) -> bool:
    """Table 四 printed turned, as some agencies fit it on a portrait page: a row per column of the
    format (结果维持 … 总计), a column per group (行政复议, 行政诉讼 未经复议直接起诉 / 复议后起诉). False
    where the grid is not turned (no column holds four of the labels)."""
    table = spec.TABLE_BY_ID["t4"]
    for label_col in range(grid.n_cols):
        labels = {i: match_label(norm(row[label_col].text), T4_LABEL_ROWS)
                  for i, row in enumerate(grid.rows) if label_col < len(row)}
        labels = {i: key for i, key in labels.items() if key}
        if len(set(labels.values())) >= 4:
            break
    else:
        return False
    first = min(labels)
    groups: dict[int, str] = {}
    for k in range(label_col + 1, grid.n_cols):
        if any(k < len(grid.rows[i]) and grid.rows[i][k].origin == grid.rows[i][label_col].origin for i in labels):
            continue  # the label's cell spread over two columns
        above = "".join(norm(grid.rows[i][k].text) for i in range(first) if k < len(grid.rows[i]))
        group = match_label(above, spec.T4_GROUPS)
        if group:
            groups[k] = group
    for group in sorted({g for g in groups.values() if list(groups.values()).count(g) > 1}):
        state.imported.notes.append(f"表四“{dict(spec.T4_GROUPS)[group]}”在表格中有两列，无法确定哪一列是它，未读取")
        groups = {k: g for k, g in groups.items() if g != group}
    for i, col in labels.items():
        row = grid.rows[i]
        for k, group in groups.items():
            state.put(f"t4.{group}.{col}", row[k] if k < len(row) else None, table)
    return True


def _t4_label_columns(header_row: list[Cell]) -> dict[int, str]:
    """Column index -> column key (upheld … total) of table 四's header row; a header cell spread
    over two columns counts once, at its first."""
    out: dict[int, str] = {}
    for j, cell in enumerate(header_row):
        if j and header_row[j - 1].origin == cell.origin:
            continue
        col = match_label(norm(cell.text), T4_LABEL_ROWS)
        if col:
            out[j] = col
    return out


def _t4_group_titles(grid: Grid, header: int, labelled: dict[int, str]) -> dict[int, str]:
    """The text above each labelled column of table 四, read downwards. A group is a run of
    labelled columns starting at 结果维持 (or at a label that repeats). Its title stands over the
    whole group where the grid does not draw it so:
    - typed in one cell of its columns and not merged over them (a spreadsheet's 行政复议 in A
      only, "centre across selection"): in a row where the group's columns hold one text and
      blanks, the blanks take that text;
    - drawn one column short or long (a browser's print: 行政复议 over four columns, 行政诉讼 over
      the fifth): where the group has its five labels in the official order, the text over most
      of its columns in a row is that row's title for all of them.
    Otherwise (two texts over an incomplete group) each column keeps its own: a misdrawn table is
    never read as tidier than it is, and a column found under two groups is said."""
    official = [key for key, _ in spec.T4_COLUMNS]
    groups: list[list[int]] = []
    for j, col in labelled.items():
        if not groups or col == "upheld" or col in (labelled[k] for k in groups[-1]):
            groups.append([])
        groups[-1].append(j)
    above: dict[int, list[str]] = {j: [] for j in labelled}
    for i in range(header):
        row = grid.rows[i]
        for group in groups:
            complete = [labelled[j] for j in group] == official and group[-1] - group[0] < len(official) + 2
            span = [row[j] for j in range(group[0], group[-1] + 1) if j < len(row)]
            texts = {c.origin: c.text for c in span if c.text.strip()}
            widths = sorted((sum(1 for c in span if c.origin == o), o) for o in texts)
            title = None
            if len(texts) == 1:
                title = next(iter(texts.values()))
            elif complete and len(widths) > 1 and widths[-1][0] > widths[-2][0]:
                title = texts[widths[-1][1]]
            for j in group:
                own = row[j].text if j < len(row) else ""
                above[j].append(title if title is not None and (len(texts) > 1 or not own.strip()) else own)
    return {j: "".join(norm(t) for t in texts) for j, texts in above.items()}


# --- text and metadata -------------------------------------------------------------------------

_HEADING_END = "。：:．.，, \u3000"
_REPORT_WORDS = r"政府信息公开(?:工作)?(?:年度)?(?:报告|年报)"  # …工作年度报告, …工作报告, …年报
_TITLE = re.compile(rf"^(?:关于)?(.*?)((?:19|20)\d\d)年度?{_REPORT_WORDS}")
# the year first: 2022年度某某镇政府信息公开工作年度报告
_TITLE_YEAR_FIRST = re.compile(rf"^(?:关于)?((?:19|20)\d\d)年度?([^\d年度].*?){_REPORT_WORDS}")
_CN_YEAR = re.compile(rf"([{YEAR_DIGITS}]{{4}})年")
_DATE = re.compile(r"((?:19|20)\d\d)(?:年|[-./])(\d{1,2})(?:月|[-./])(\d{1,2})(?:日|(?!\d))")
_CN_DAY = re.compile(rf"([{ONE_TO_TEN}]+)([月日])")


def _year_digits(text: str) -> str:
    """二〇二三年 -> 2023年: a year's digits only (廿三里街道 keeps its name)."""
    return _CN_YEAR.sub(lambda m: m.group(1).translate(YEAR_TO_ARABIC) + "年", text)


def is_title(text: str) -> bool:
    """A report's title: ××××年政府信息公开工作年度报告."""
    return _title(norm(text)) is not None


def is_title_without_unit(text: str) -> bool:
    """A title's second line, the unit's name on the line above: 2024年政府信息公开工作年度报告."""
    title = _title(norm(text))
    return title is not None and not title[0]


def _title(text: str) -> tuple[str, int] | None:
    """The unit and year a (normalised) title says: 某某街道2022年政府信息公开工作年度报告, or the
    year first, 2022年度某某镇政府信息公开工作年度报告; the unit "" where the title has none."""
    text = _year_digits(text)
    m = _TITLE.search(text)
    if m and m.group(1):
        return m.group(1), int(m.group(2))
    first = _TITLE_YEAR_FIRST.search(text)
    if first:
        return first.group(2), int(first.group(1))
    return ("", int(m.group(2))) if m else None


_ARABIC = {s.number: str(i) for i, s in enumerate(spec.SECTIONS, start=1)}
_SECTION_NUMBER = re.compile(  # 一. （一） 1. 第一部分 (normalised: 、 reads as .)
    r"^(?:[一二三四五六七八九十]+\.|\([一二三四五六七八九十]+\)|\d{1,2}\.|第[一二三四五六七八九十]+部分:?)")


def is_section_heading(text: str, section: spec.Section) -> bool:
    """Whether a paragraph is a section's heading, as agencies print it: 一、 一. 一．, 1、 1.,
    （一）, 第一部分, or no number at all (a bold line); the official words, or a renamed heading
    with its number and most of its words (四、因政府信息公开工作被申请行政复议、提起行政诉讼情况)."""
    # 。 kept apart from 、 (norm reads both as .): a heading's words end at its first full stop
    t = norm(text.replace("。", "；")).rstrip(".:;")
    if len(t) > 40:
        return False
    words = _core(norm(section.heading))
    numbered = _SECTION_NUMBER.match(t)
    rest = t[numbered.end():].lstrip(".:") if numbered else t
    if not numbered:
        return rest == words  # no number: the heading's words alone (the line must be nothing else)
    if rest.startswith(words) and len(rest) <= len(words) + 4:
        return True  # the official words under any number (a report that left out a section renumbers)
    number, arabic = norm(section.number), _ARABIC[section.number]
    if numbered.group(0).strip("()第部分.:") not in (number, arabic):
        return False
    if match_label(t, spec.T3_ROWS):  # 二、上年结转政府信息公开申请数量 is table 三's row, not 二
        return False
    # the words before a sentence's end only: （二）依申请公开情况。本年度共收到政府信息公开申请5件 shares
    # most characters of 主动公开政府信息情况 in its sentence, not in its heading
    core = _core(re.split(r"[:;]", rest, maxsplit=1)[0])
    return sum(1 for ch in set(words) if ch in core) >= 0.7 * len(set(words))


def heading_number(text: str) -> str | None:
    """The number of the section whose heading ``text`` is, if any."""
    return next((s.number for s in spec.SECTIONS if is_section_heading(text, s)), None)


def run_in_heading_number(text: str) -> str | None:
    """The number of the section whose heading opens ``text``, run into its first paragraph."""
    return next((s.number for s in spec.SECTIONS if _run_in_heading(text, s)), None)


def _run_in_heading(text: str, section: spec.Section) -> tuple[str, str] | None:
    """A section's heading run into its first paragraph on one line (一、总体情况2022年，我街道…, as
    a copy that lost the line break gives it): (the heading, the rest). Only the section's own
    number and its official words, in full, before the text."""
    t = text.strip()
    n = norm(t)
    numbered = _SECTION_NUMBER.match(n)
    if not numbered or numbered.group(0).strip("()第部分.:") not in (norm(section.number), _ARABIC[section.number]):
        return None
    words = _core(norm(section.heading))
    rest = n[numbered.end():].lstrip(".:")
    if not rest.startswith(words) or len(rest) <= len(words) + 4:
        return None
    cut = next((k for k in range(len(words), len(t) + 1) if norm(t[:k]).endswith(words)), 0)
    after = t[cut:].lstrip(_HEADING_END)
    return (t[:cut], after) if cut and after else None


def _read_texts(doc: Document, imported: Imported) -> dict[str, int]:
    """Section headings (number -> block index) and the text parts between them."""
    blocks = doc.blocks
    headings: dict[str, int] = {}
    pos = 0
    for section in spec.SECTIONS:
        for i in range(pos, len(blocks)):
            b = blocks[i]
            if not isinstance(b, Paragraph):
                continue
            if list(headings) == ["一"] and part_of_one(b.text, section.number, _heading_text(blocks[headings["一"]])):
                continue  # （二）依申请公开情况。本年度未收到…: a part of 一, not section 二
            run_in = None if is_section_heading(b.text, section) else _run_in_heading(b.text, section)
            if run_in:  # 一、总体情况2022年，我街道…: the heading, then its paragraph
                blocks[i:i + 1] = [Paragraph(run_in[0], b.page), Paragraph(run_in[1], b.page)]
            if run_in or is_section_heading(b.text, section):
                headings[section.number] = i
                pos = i + 1
                break
    order = sorted(headings.items(), key=lambda kv: kv[1])
    bounds = {num: (start + 1, order[n + 1][1] if n + 1 < len(order) else len(blocks))
              for n, (num, start) in enumerate(order)}
    # what is missing is E7's to say
    imported.sections = {num: _heading_text(blocks[i]) for num, i in order}

    def paras(num: str) -> list[Paragraph]:
        if num not in bounds:
            return []
        a, b = bounds[num]
        return [x for x in blocks[a:b] if isinstance(x, Paragraph) and x.text.strip()]

    one = paras("一")
    parts = spec.section_parts("一")
    current = parts[0].key
    texts: dict[str, list[str]] = {}
    places: dict[str, str] = {}
    for p in one:
        t = p.text.strip()
        found = _part_heading(t, parts[1:])
        if found:
            current, t = found
        places.setdefault(current, p.page)
        if t:
            texts.setdefault(current, []).append(t)
    for part in spec.TEXT_PARTS:
        if part.section in ("五", "六"):
            ps = paras(part.section)
            if part.section == "六":
                ps = _without_signature(ps)
            texts[part.key] = [p.text.strip() for p in ps]
            if ps:
                places[part.key] = ps[0].page
    for part in spec.TEXT_PARTS:
        if part.section in headings or part.key in texts:
            imported.raw[part.key] = "\n".join(texts.get(part.key, []))
            page = places.get(part.key, "")
            imported.sources[part.key] = (f"{page} " if page else "") + spec.describe(part.key)
    return headings


def _number_style(text: str) -> str:
    """How a heading is numbered: "一." "(一)" "1." "第一部分", or "" (no number)."""
    numbered = _SECTION_NUMBER.match(norm(text))
    if not numbered:
        return ""
    number = numbered.group(0)
    return "(一)" if number.startswith("(") else "第一部分" if number.startswith("第") else \
        "1." if number[0].isdigit() else "一."


def part_of_one(text: str, number: str, one: str) -> bool:
    """Whether a paragraph inside section 一 (whose heading is ``one``) that could head the later
    section ``number`` is rather one of 一's parts: （二）依申请公开政府信息办理情况 shares most of
    主动公开政府信息情况's characters, but its words are 依申请公开's; （一）主动公开政府信息情况 under
    一、总体情况 is numbered as a part, not as a section. Where sections and parts are numbered alike,
    only the section's official words, in full, make it the section."""
    section = next(s for s in spec.SECTIONS if s.number == number)
    t = norm(text.replace("。", "；"))
    numbered = _SECTION_NUMBER.match(t)
    rest = t[numbered.end():].lstrip(".:") if numbered else t
    if rest.startswith(_core(norm(section.heading))) and _number_style(text) == _number_style(one):
        return False
    return _part_heading(text.strip(), spec.section_parts("一")[1:]) is not None


_PART_NUMBER = re.compile(r"^\s*(?:[（(]\s*([一二三四五六七八九十])\s*[）)]|([1-9])\s*[、.．]|([一二三四五])是)\s*")
_PART_END = re.compile(r"[。：:；;，,]")
_CN_NUMBERS = "一二三四五六七八九十"


def _part_heading(text: str, parts: Sequence[spec.TextPart]) -> tuple[str, str] | None:
    """A paragraph that opens a part of section 一, as agencies number and word it: （一）主动公开情况,
    （一）主动公开, 1.主动公开政府信息, （三）政府信息管理方面, （四）加强公开平台建设. The part is
    the one whose words the heading shares most (at least 60 % of them), else the one its number
    names when the heading shares half of its words (（一）加大公开力度). Returns the part's key and
    the paragraph's text after the heading."""
    m = _PART_NUMBER.match(text)
    if not m:  # a heading numbered by Word's list numbering: its words alone, as the whole paragraph
        words = norm(text).rstrip(".:")
        return next(((p.key, "") for p in parts if words in (_core(norm(p.heading)),
                                                             _core(norm(p.heading)).removesuffix("情况"))), None)
    rest = text[m.end():]
    end = _PART_END.search(rest)
    heading = rest[:end.start()] if end else rest
    if not heading or len(heading) > 25:
        return None
    number = _CN_NUMBERS.index(m.group(1) or m.group(3)) + 1 if (m.group(1) or m.group(3)) else int(m.group(2))
    words = norm(heading)
    scores = []
    for i, part in enumerate(parts, start=1):
        core = _core(norm(part.heading)).removesuffix("情况")
        scores.append((sum(1 for ch in set(core) if ch in words) / len(set(core)), i == number, part.key))
    scores.sort(reverse=True)
    best = scores[0]
    if best[0] >= 0.6 and (len(scores) == 1 or scores[1][0] < best[0] or best[1]):
        key = best[2]
    else:
        by_number = next((sc for sc in scores if sc[1]), None)
        if not by_number or by_number[0] < 0.5:
            return None
        key = by_number[2]
    after = rest[end.end():] if end else ""
    return key, after.strip().lstrip(_HEADING_END)


def _heading_text(block: Block) -> str:
    return block.text.strip() if isinstance(block, Paragraph) else ""


def _signature_date(text: str) -> str | None:
    """The 落款's date: 2023年1月20日, 二〇二三年一月二十日, 2023-01-20, 2023.1.20, 2023/1/20."""
    t = unicodedata.normalize("NFKC", "".join(text.split()))
    t = _cn_day(_year_digits(t))
    m = _DATE.search(t)
    if not m or len(t) > len(m.group(0)) + 30 or t[m.end():].startswith("印发"):
        return None  # (…2025年1月20日印发: the 版记's date of printing, GB/T 9704, not the 落款's)
    try:
        return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def _cn_day(text: str) -> str:
    """二〇二三年一月二十日 -> 2023年1月20日 (the year's digits are translated before)."""
    def repl(m: re.Match) -> str:
        n = chinese_to_int(m.group(1))
        return f"{n}{m.group(2)}" if n is not None else m.group(0)
    return _CN_DAY.sub(repl, text)


# What a government site prints at the foot of every page (its footer), never a report's text
_SITE_FOOTER = re.compile(r"ICP备|ICP证|网站标识码|公网安备|版权所有|主办单位[:：]|承办单位[:：]|技术支持[:：]")


_FOOTER_LINES = 12  # a site's footer is a few short lines; a report's text ends above them
_FOOTER_LINE_CHARS = 80


def _footer_start(ps: list[Paragraph]) -> int | None:
    """Where a site's footer begins: the first line bearing one of its marks (``_SITE_FOOTER``)
    in the closing run of short lines that end no sentence. However many lines the footer has
    (网站地图, 主办单位, 承办单位, ICP备, 公网安备, 技术支持 …), the walk up stops at the report's
    own last sentence, so no text of the report is taken; the first paragraph is never a footer."""
    start = None
    for k in range(len(ps) - 1, max(len(ps) - 1 - _FOOTER_LINES, 0), -1):
        text = ps[k].text
        if _SITE_FOOTER.search(text):
            start = k
        elif "。" in text or len(norm(text)) > _FOOTER_LINE_CHARS:
            break
    return start


def _without_signature(ps: list[Paragraph]) -> list[Paragraph]:
    """Section 六 without the 落款 (unit and date) at its end, and without what follows the 落款's
    date (a printed web page's footer: 主办单位…ICP备…)."""
    out = list(ps)
    footer = _footer_start(out)
    if footer is not None:  # a saved page's footer without a 落款 above it to end the text
        del out[footer:]
    dated = next((k for k in range(len(out) - 1, max(len(out) - 6, 0), -1)
                  if _signature_date(out[k].text) and not re.search(r"[。，；]", out[k].text)), None)
    if dated is not None:
        del out[dated + 1:]
    for _ in range(3):
        if out and (_signature_date(out[-1].text) or len(norm(out[-1].text)) <= 20 and not
                    re.search(r"[。，；]", out[-1].text) and len(out) > 1):
            out.pop()
        else:
            break
    return out


_TITLE_MAX = 60


def _read_meta(doc: Document, imported: Imported, headings: dict[str, int]) -> None:
    first = headings.get("一", min(len(doc.blocks), 15))
    paras = [b for b in doc.blocks[:first] if isinstance(b, Paragraph) and b.text.strip()]
    # a title is a short line (an opening paragraph that names the report is no title), printed
    # whole or broken over two lines; the one nearest the text counts: what a printed web page
    # shows above it (a list of other reports, 【字体：大 中 小】 glued to it) is the site's
    candidates = [norm(p.text).strip("《》") for p in paras]
    found = None
    for i, text in enumerate(candidates):
        if len(text) > _TITLE_MAX:
            break
        following = candidates[i + 1] if i + 1 < len(candidates) and len(candidates[i + 1]) <= _TITLE_MAX else ""
        # a title broken over two lines; not a line above a whole title (当前位置：首页 > 年报)
        for joined in (text, text + following if not _title(following) else ""):
            title = _title(joined) if joined else None
            if title:
                unit = title[0] or (candidates[i - 1] if i and len(candidates[i - 1]) <= 30 else "")
                # a breadcrumb or the page's tools before the title: 首页>年报>某某局, 【字体：大中小】某某局
                unit = re.split(r"[>:|》/】\]]", unit)[-1]
                found = (unit, title[1], paras[i].page)
                break
    if not found and doc.title:
        title = _title(norm(doc.title))
        if title:
            found = (*title, "")
    if found:
        unit, year, page = found
        where = (f"{page} " if page else "") + "标题"
        if unit:
            imported.raw["meta.unit"] = unit
            imported.sources["meta.unit"] = where
        imported.raw["meta.year"] = year
        imported.sources["meta.year"] = where
        _guess_level(imported)
    else:
        imported.notes.append(no_title_note())
    tail = [b for b in doc.blocks[headings.get("六", len(doc.blocks)):] if isinstance(b, Paragraph)]
    for p in reversed(tail[-6:]):
        date = _signature_date(p.text)
        if date:
            imported.raw["meta.date"] = date
            imported.sources["meta.date"] = (f"{p.page} " if p.page else "") + "落款"
            break


# A unit's level from its name, only where the name says it without doubt (W3 and W11 depend on it).
_TOWNSHIP_ENDINGS = ("街道", "街道办事处", "镇", "乡", "镇人民政府", "乡人民政府")
_GOVERNMENT_ENDINGS = ("市人民政府", "区人民政府", "县人民政府", "州人民政府", "省人民政府", "旗人民政府")


def _guess_level(imported: Imported) -> None:
    unit = imported.raw.get("meta.unit")
    if not isinstance(unit, str):
        return
    level = None
    if unit.endswith(_TOWNSHIP_ENDINGS):
        level = "乡镇街道"
    elif unit.endswith(_GOVERNMENT_ENDINGS):
        level = "政府"
    if level:
        imported.raw["meta.unit_level"] = level
        imported.sources["meta.unit_level"] = "据机关名称推断"
