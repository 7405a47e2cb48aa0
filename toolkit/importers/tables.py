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
from dataclasses import dataclass, field
from functools import lru_cache

from .. import spec
from ..errors import OldFormat, UnusableFile
from ..numerals import ONE_TO_TEN, YEAR_TO_ARABIC, chinese_to_int
from ..report import Report
from .document import Block, Cell, Document, Grid, Paragraph, norm

OLD_FORMAT = "国办公开办函〔2019〕60号"


@dataclass
class Imported:
    """What a document says, as raw report values with where each was read."""

    kind: str
    raw: dict[str, object] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # key -> place, FORMAT.md's "sources"
    notes: list[str] = field(default_factory=list)  # said to the user with the findings
    # the section headings found: number (一…六) -> the heading as printed, in order (rule E7)
    sections: dict[str, str] = field(default_factory=dict)

    def report(self, source: str) -> Report:
        report = Report.from_raw(self.raw, source, "document", sources=self.sources)
        report.sections = dict(self.sections)
        return report


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


def looks_like_value(text: str) -> bool:
    t = text.strip()
    return not t or bool(_NUMBERISH.match(t)) or t in ("/", "／", "-", "—", "——", "－", "–", "无", "\\")


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
    imported: Imported
    t3_columns: dict[int, str] | None = None  # kept for a table 三 continued without its header
    t3_width: int = 0
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
    if "结果维持" in texts and norm(spec.T4_GROUPS[0][1]) in joined:
        return "t4"
    t3_rows = sum(1 for row in grid.rows if _t3_row_key(_text(row)))
    if norm(spec.T3_APPLICANTS) in joined or t3_rows >= 3:
        return "t3"
    captions = sum(1 for caption, _, _ in spec.T2_BLOCKS if norm(caption) in joined)
    t2_rows = sum(1 for row in grid.rows if match_label(_text(row[:1]), T2_ROWS))
    # a part of table 二 alone on a page (one block: its caption, 信息内容 header and rows)
    if captions >= 2 or t2_rows >= 3 or (t2_rows and norm(spec.T2_CONTENT_LABEL) in texts):
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
        elif table == "t4":
            _read_t4(grid, state)
        if table:
            state.found.add(table)
    headings = _read_texts(doc, imported)
    _read_meta(doc, imported, headings)
    if not state.found and len(headings) < 3:
        raise UnusableFile("这不是政府信息公开工作年度报告：没有找到表二、表三、表四，也没有找到"
                           "“一、总体情况”等章节标题")
    for official in spec.TABLES:
        if official.id not in state.found:
            imported.notes.append(f"没有找到{official.short}（{official.title}），其中各项按空白处理")
    return imported


# --- table 二 ----------------------------------------------------------------------------------

def _read_t2(grid: Grid, state: _State) -> None:
    table = spec.TABLE_BY_ID["t2"]
    columns: dict[int, str] = {}
    for row in grid.rows:
        label_text = norm(row[0].text) if row else ""
        if label_text == norm(spec.T2_CONTENT_LABEL):
            columns = {}
            if not grid.aligned:
                continue
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
                key = labels.get(norm(row[j].text))
                if key and key not in columns.values():
                    columns[j] = key
                break
    return columns, first


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
    elif len(columns) == len(spec.T3_COLUMNS):
        state.t3_columns, state.t3_width = columns, grid.n_cols
        extra = [_distinct([grid.rows[first - 1][j]])[0].text for j in range(min(columns), grid.n_cols)
                 if j not in columns and first > 0 and grid.rows[first - 1][j].text.strip()]
        if extra:
            imported.notes.append(f"表三多出的列“{'、'.join(dict.fromkeys(extra))}”不是本格式的列，未读取")
    elif columns:
        imported.notes.append("表三的表头与本格式不同（找到的列：" + "、".join(
            label for key, label in spec.T3_COLUMNS if key in columns.values()) + "），按位置读取各列")
        columns = {}
    if not columns and state.t3_columns and state.t3_width == grid.n_cols:
        columns = state.t3_columns  # the table continues on a new page without its header
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
            cells_in_row = _distinct(row)
            last_label = max((i for i, c in enumerate(cells_in_row) if c.origin in label_origins), default=-1)
            values = cells_in_row[last_label + 1:]
            if len(values) != len(spec.T3_COLUMNS):
                imported.notes.append(f"表三“{T3_LABELS[key]}”行有{len(values)}个数值单元格，应为"
                                      f"{len(spec.T3_COLUMNS)}个，无法对应到各列，未读取")
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
    header = next(i for i, row in enumerate(grid.rows)
                  if sum(1 for c in row if norm(c.text) == "结果维持") >= 1)
    columns: dict[int, str] = {}
    for j, cell in enumerate(grid.rows[header]):
        col = match_label(norm(cell.text), T4_LABEL_ROWS)
        above = "".join(norm(grid.rows[i][j].text) for i in range(header) if j < len(grid.rows[i]))
        group = match_label(above, spec.T4_GROUPS)
        if col and group:
            columns[j] = f"t4.{group}.{col}"
    if not grid.aligned:  # plain text: the official order, when the row has every value
        columns = {}
        order = [c.key for c in table.value_cells]
        for row in grid.rows[header + 1:]:
            cells = [c for c in _distinct(row) if looks_like_value(c.text)]
            if len(cells) == len(order):
                columns = {j: key for j, key in enumerate(order)}
                grid = Grid([cells], grid.page)
                header = -1
                break
            if cells and any(c.text.strip() for c in cells):
                state.imported.notes.append(f"表四的数值行有{len(cells)}个数，应为{len(order)}个，"
                                            "无法确定各数对应哪一列，未读取")
                break
    for row in grid.rows[header + 1:]:
        if any(row[j].text.strip() for j in columns if j < len(row)):
            for j, key in columns.items():
                state.put(key, row[j] if j < len(row) else None, table)
            break
    for key in (c.key for c in table.value_cells):
        state.put(key, None, table)  # a table without its value row: every cell blank


# --- text and metadata -------------------------------------------------------------------------

_HEADING_END = "。：:．.，, \u3000"
_TITLE = re.compile(r"^(?:关于)?(.*?)((?:19|20)\d\d)年度?政府信息公开(?:工作)?(?:年度)?报告")
_DATE = re.compile(r"((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日")
_CN_DAY = re.compile(rf"([{ONE_TO_TEN}]+)([月日])")


def is_title(text: str) -> bool:
    """A report's title: ××××年政府信息公开工作年度报告."""
    return bool(_TITLE.search(norm(text).translate(YEAR_TO_ARABIC)))


def is_section_heading(text: str, section: spec.Section) -> bool:
    t = norm(text)
    h = norm(section.heading)
    if t.startswith(h) and len(t) <= len(h) + 4:
        return True
    # a renamed heading: its number, and most of its words
    number = norm(section.number)
    if len(t) > 40 or not (t.startswith(number + ".") or t.startswith(f"({number})")):
        return False
    core, words = _core(t), _core(h)
    return sum(1 for ch in set(words) if ch in core) >= 0.7 * len(set(words))


def _read_texts(doc: Document, imported: Imported) -> dict[str, int]:
    """Section headings (number -> block index) and the text parts between them."""
    blocks = doc.blocks
    headings: dict[str, int] = {}
    pos = 0
    for section in spec.SECTIONS:
        for i in range(pos, len(blocks)):
            b = blocks[i]
            if isinstance(b, Paragraph) and is_section_heading(b.text, section):
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
        for part in parts[1:]:
            if norm(t).startswith(norm(part.heading)):
                current = part.key
                t = _after_heading(t, part.heading)
                break
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


def _heading_text(block: Block) -> str:
    return block.text.strip() if isinstance(block, Paragraph) else ""


def _after_heading(text: str, heading: str) -> str:
    """A paragraph that starts with a part's heading, without it: （一）主动公开情况。2022年… -> 2022年…"""
    target = norm(heading)
    seen = ""
    for i, ch in enumerate(text):
        seen += norm(ch)
        if len(seen) >= len(target):
            return text[i + 1:].lstrip(_HEADING_END)
    return ""


def _signature_date(text: str) -> str | None:
    t = "".join(text.split()).translate(YEAR_TO_ARABIC)
    t = _cn_day(t)
    m = _DATE.search(t)
    if not m or len(t) > len(m.group(0)) + 30:
        return None
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


def _without_signature(ps: list[Paragraph]) -> list[Paragraph]:
    """Section 六 without the 落款 (unit and date) at its end."""
    out = list(ps)
    for _ in range(3):
        if out and (_signature_date(out[-1].text) or len(norm(out[-1].text)) <= 20 and not
                    re.search(r"[。，；]", out[-1].text) and len(out) > 1):
            out.pop()
        else:
            break
    return out


def _read_meta(doc: Document, imported: Imported, headings: dict[str, int]) -> None:
    first = headings.get("一", min(len(doc.blocks), 15))
    paras = [b for b in doc.blocks[:first] if isinstance(b, Paragraph) and b.text.strip()]
    candidates = [norm(p.text) for p in paras]
    found = None
    for i, text in enumerate(candidates):
        for joined in (text, text + (candidates[i + 1] if i + 1 < len(candidates) else "")):
            m = _TITLE.search(joined.translate(YEAR_TO_ARABIC) if "年" in joined else joined)
            if m:
                unit = m.group(1) or (candidates[i - 1] if i and len(candidates[i - 1]) <= 30 else "")
                # a breadcrumb before the title: 首页>年报>某某局 -> 某某局
                unit = re.split(r"[>:|》/]", unit)[-1]
                found = (unit, int(m.group(2)), paras[i].page)
                break
    if not found and doc.title:
        m = _TITLE.search(norm(doc.title))
        if m:
            found = (m.group(1), int(m.group(2)), "")
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
        imported.notes.append("没有找到“××××年政府信息公开工作年度报告”样式的标题，机关名称和年度未读取"
                              "（可用 --unit、--year 给出）")
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
