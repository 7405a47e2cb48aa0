"""Reports as agencies publish them, generated for the importer tests: Word files and web pages
built from the official grid of toolkit/spec.py, with the variations real reports show (an extra
column, a collapsed （六）其他处理 row, a table split in two, blank and '/' cells, other fonts,
Word-exported HTML, GBK pages, page chrome). Never one fixed file: each test says what it varies.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from toolkit import spec
from toolkit.rules.engine import fmt_number

OTHER_GROUP = "（六）其他处理"


@dataclass
class Variant:
    extra_column: str = ""  # a column appended to table 三 (e.g. 备注), its cells filled with text
    extra_text: str = "无"  # what the extra column's cells say
    collapse_other: bool = False  # （六）其他处理 printed as one row, its numbers in the row
    split_t3_at: int = 0  # table 三 split into two tables after this many data rows (no header in part 2)
    cells: dict[str, str] = field(default_factory=dict)  # key -> printed text ("" blank, "/", "5件")
    font: str = ""  # a font for every run (Word)
    old_format: bool = False  # table 二 of the 2019 format
    date: str = ""  # 落款 date as printed, e.g. 2023年1月20日
    title: str = ""  # a title other than the standard one
    borders: bool = True  # False: tables without ruling lines (cells only positioned, in a PDF)
    valign: str = ""  # Word: cells aligned "center" or "bottom" (a wrapped label beside one line of values)
    page_numbers: str = ""  # Word: a footer such as "- {n} -" or "第{n}页 共{total}页" on every page
    header_text: str = ""  # Word: a running header on every page
    relabel: dict[str, str] = field(default_factory=dict)  # an official label -> the label as printed
    repeat_header: bool = False  # Word: table 三's header rows printed again on each page it runs on


def printed(data: dict, key: str, variant: Variant) -> str:
    if key in variant.cells:
        return variant.cells[key]
    value = data.get(key)
    return "" if value is None else fmt_number(value)


def table_rows(table: spec.Table, data: dict, variant: Variant) -> list[list[tuple[str, int, int]]]:
    """The table as rows of (text, rowspan, colspan), the way HTML and Word lay them out."""
    rows: dict[int, list[tuple[int, str, int, int]]] = {}
    skip_rows: set[int] = set()
    if table.id == "t3" and variant.collapse_other:
        keys = [k for g, k, _ in spec.T3_RESULT_ROWS if g == OTHER_GROUP]
        label_cells = [c for c in table.cells if c.key and c.key.startswith(f"t3.{keys[0]}.")]
        first_row = label_cells[0].row
        skip_rows = {first_row + 1, first_row + 2}
    for cell in table.cells:
        if cell.row in skip_rows:
            continue
        text = variant.relabel.get(cell.text, cell.text) if not cell.key else printed(data, cell.key, variant)
        rowspan, colspan = cell.rowspan, cell.colspan
        if table.id == "t3" and variant.collapse_other:
            if cell.text == spec.T3_RESULTS_GROUP:
                rowspan -= 2
            if cell.text == OTHER_GROUP:
                rowspan, colspan = 1, 2
            if cell.role == "label" and cell.row == first_row and cell.col == 2:
                continue
            if cell.key and cell.row == first_row:
                col = cell.key.split(".")[-1]
                text = printed(data, f"t3.other_other.{col}", variant)
        if variant.old_format and table.id == "t2" and text == "本年制发件数":
            text = "本年新制作数量"
        rows.setdefault(cell.row, []).append((cell.col, text, rowspan, colspan))
    out = []
    for r in sorted(rows):
        row = [(t, rs, cs) for _, t, rs, cs in sorted(rows[r])]
        if table.id == "t3" and variant.extra_column:
            text = variant.extra_column if r == 0 else ("" if r < 3 else variant.extra_text)
            row.append((text, 3 if r == 0 else 1, 1)) if r == 0 or r >= 3 else None
        out.append(row)
    return out


def body(data: dict, variant: Variant) -> list[tuple[str, object]]:
    """The report as blocks: ("title"|"h1"|"p", text) and ("table", (table, rows))."""
    d = data
    blocks: list[tuple[str, object]] = [("title", variant.title or spec.title(d))]
    texts = {p.key: (p.heading, d.get(p.key) or "") for p in spec.TEXT_PARTS}
    for section in spec.SECTIONS:
        blocks.append(("h1", section.heading))
        if section.content == "text":
            for part in spec.TEXT_PARTS:
                if part.section != section.number:
                    continue
                heading, text = texts[part.key]
                lines = [line for line in str(text).split("\n") if line.strip()] or [""]
                for i, line in enumerate(lines):
                    blocks.append(("p", (heading + "。" if i == 0 and heading else "") + line))
        else:
            table = spec.TABLE_BY_ID[section.content]
            rows = table_rows(table, d, variant)
            if table.id == "t3" and variant.split_t3_at:
                cut = table.header_rows + variant.split_t3_at
                first, second = _split(rows, cut)
                blocks.append(("table", first))
                blocks.append(("p", ""))
                blocks.append(("table", second))
            else:
                blocks.append(("table", rows))
    if variant.date:
        blocks.append(("p", str(d.get("meta.unit") or "")))
        blocks.append(("p", variant.date))
    return blocks


def _split(rows: list, cut: int) -> tuple[list, list]:
    """A table cut in two before row ``cut``, as reports split over pages do: a label spanning the
    cut is printed again at the top of the second part, over its remaining rows."""
    placed, _ = _layout(rows)
    first: dict[int, list] = {}
    second: dict[int, list] = {}
    for r, c, text, rs, cs in placed:
        if r < cut:
            first.setdefault(r, []).append((c, text, min(rs, cut - r), cs))
            if r + rs > cut:
                second.setdefault(0, []).append((c, text, r + rs - cut, cs))
        else:
            second.setdefault(r - cut, []).append((c, text, rs, cs))
    def rows_of(d: dict) -> list:
        return [[(t, rs, cs) for _, t, rs, cs in sorted(d[r])] for r in sorted(d)]
    return rows_of(first), rows_of(second)


# --- Word ---------------------------------------------------------------------------------------

def write_docx(path: Path, data: dict, variant: Variant | None = None) -> Path:
    import docx
    from docx.oxml.ns import qn
    variant = variant or Variant()
    doc = docx.Document()
    for kind, content in body(data, variant):
        if kind == "table":
            rows = content
            _docx_table(doc, rows, variant.borders, variant.valign, variant.repeat_header)  # type: ignore[arg-type]
        else:
            p = doc.add_paragraph(str(content))
            if kind in ("title", "h1"):
                for run in p.runs:
                    run.bold = True
    if variant.page_numbers or variant.header_text:
        _running(doc, variant)
    if variant.font:
        for p in doc.paragraphs:
            for run in p.runs:
                run.font.name = variant.font
                run._element.rPr.rFonts.set(qn("w:eastAsia"), variant.font)
    doc.save(str(path))
    return path


def _layout(rows: list[list[tuple[str, int, int]]]) -> tuple[list[tuple[int, int, str, int, int]], int]:
    taken: set[tuple[int, int]] = set()
    placed = []
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for text, rs, cs in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, text, rs, cs))
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            c += cs
            width = max(width, c)
    return placed, width


def _docx_table(doc, rows, borders: bool = True, valign: str = "", repeat_header: bool = False) -> None:  # noqa: ANN001
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.oxml import OxmlElement
    placed, width = _layout(rows)
    height = len(rows)
    table = doc.add_table(rows=height, cols=width)
    if borders:
        table.style = "Table Grid"
    t3 = spec.TABLE_BY_ID["t3"]
    if repeat_header and rows[0][0][0] == spec.T3_CORNER:
        for row in table.rows[:t3.header_rows]:
            row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for r, c, text, rs, cs in placed:
        cell = table.cell(r, c)
        if rs > 1 or cs > 1:
            cell = cell.merge(table.cell(min(height, r + rs) - 1, c + cs - 1))
        cell.text = text
        if valign:
            cell.vertical_alignment = getattr(WD_CELL_VERTICAL_ALIGNMENT, valign.upper())


def _running(doc, variant: Variant) -> None:  # noqa: ANN001
    """A page number footer ({n}: this page, {total}: pages; Word fields) and a running header."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    section = doc.sections[0]
    if variant.header_text:
        section.header.paragraphs[0].text = variant.header_text
    if variant.page_numbers:
        p = section.footer.paragraphs[0]
        p.alignment = 1
        for part in re.split(r"(\{n\}|\{total\})", variant.page_numbers):
            if part in ("{n}", "{total}"):
                field = OxmlElement("w:fldSimple")
                field.set(qn("w:instr"), "PAGE" if part == "{n}" else "NUMPAGES")
                run = OxmlElement("w:r")
                text = OxmlElement("w:t")
                text.text = "1"
                run.append(text)
                field.append(run)
                p._p.append(field)
            elif part:
                p.add_run(part)


# --- web pages ----------------------------------------------------------------------------------

CHROME_TOP = ('<div class="nav"><a href="/">首页</a> | <a href="/zwgk">政务公开</a> | '
              '<a href="/ndbg">政府信息公开年报</a></div><div class="crumb">当前位置：首页 &gt; 年报</div>')
CHROME_BOTTOM = ('<div class="footer"><p>主办单位：某某区人民政府办公室 网站标识码：3300000001</p>'
                 '<p>版权所有 ICP备12345678号 网站地图 联系我们</p></div>')


def html_page(data: dict, variant: Variant | None = None, *, word: bool = False, encoding: str = "utf-8",
              meta_charset: bool = True, chrome: bool = True) -> bytes:
    """A report page as a government site publishes it; ``word``: the markup Word's "save as web
    page" writes (<o:p>, &nbsp;, spans, class=MsoNormal), which sites often paste as it is."""
    variant = variant or Variant()
    parts = []
    for kind, content in body(data, variant):
        if kind == "table":
            parts.append(_html_table(content, word, variant.borders))  # type: ignore[arg-type]
        else:
            text = html.escape(str(content))
            if word:
                text = (f'<span style="font-family:仿宋_GB2312;mso-ascii-font-family:&quot;Times New Roman&quot;">'
                        f'{text}</span><o:p></o:p>')
                parts.append(f'<p class="MsoNormal" style="text-indent:32.0pt">{text}</p>')
            elif kind == "title":
                parts.append(f"<h1>{text}</h1>")
            else:
                parts.append(f"<p>{text}</p>")
    charset = f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">' if meta_charset else ""
    ns = ' xmlns:o="urn:schemas-microsoft-com:office:office"' if word else ""
    page = (f"<html{ns}><head>{charset}<title>{html.escape(spec.title(data))}_某某区人民政府</title></head>"
            f"<body>{CHROME_TOP if chrome else ''}<div class=\"article\">{''.join(parts)}</div>"
            f"{CHROME_BOTTOM if chrome else ''}</body></html>")
    return page.encode(encoding)


def _html_table(rows: list[list[tuple[str, int, int]]], word: bool, borders: bool = True) -> str:
    border = 1 if borders else 0
    out = [f'<table border="{border}" cellspacing="0">' if not word else
           f'<table class="MsoNormalTable" border="{border}" cellspacing="0" cellpadding="0">']
    for row in rows:
        out.append("<tr>")
        for text, rs, cs in row:
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            inner = html.escape(text)
            if word:
                inner = (f'<p class="MsoNormal" align="center"><span lang="EN-US" style="font-size:10.5pt">'
                         f'{inner or "&nbsp;"}</span><o:p></o:p></p>')
            out.append(f'<td{attrs} valign="center">{inner}</td>')
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)
