"""Reports as agencies publish them, generated for the importer tests: Word files, web pages and
plain text built from the official grid of toolkit/spec.py, with the variations real reports show
(an extra column, a collapsed （六）其他处理 row, a table split in two, blank and '/' cells, other
fonts, Word-exported HTML, GBK pages, page chrome; headings, titles, captions, label punctuation
and 落款 as published reports print them; text as crawlers and copy-paste flatten the tables).
Never one fixed file: each test says what it varies. The real pattern behind each option is said
beside it (seen in reports published by 街道, 乡镇, 区县 departments and 市 bureaus, 2021–2023).
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
    # How the six section headings are numbered: "一、" (official), "1、" (正阳街道-style Arabic
    # numbers), "（一）" (sections numbered like parts), "第一部分 ", "" (a bold line without number)
    heading_style: str = "一、"
    # The title: "official" ({unit}{year}年政府信息公开工作年度报告); "year-first" ({year}年度{unit}政府
    # 信息公开工作年度报告, as many 乡镇 print it); "two-lines" (the unit on its own line above
    # {year}年政府信息公开工作年度报告); "wrapped" (the title broken after 政府, as in 西咸新区 pages)
    title_style: str = "official"
    captions: bool = False  # a caption paragraph above each table (表1、主动公开政府信息情况 …)
    # Label punctuation as typed by hand: ASCII brackets and commas, 1、 for 1., spaces inside
    # (（一）予以公开 -> (一)予以公开, 商业企业 -> 商业 企业)
    loose_labels: bool = False
    total_row: bool = False  # an extra 合计 row at the end of table 三 (not of the format: not read)
    # Table 三 with a one-row header of its column labels in this order (column keys), as units
    # that retype the table print it: ("natural", ..., "total") flat, or 总计 moved first
    t3_columns: tuple[str, ...] = ()
    # The five parts of section 一 as units word them: "official" （一）主动公开情况。text; "short" a
    # heading line of its own without 情况 (（一）主动公开, 长河街道); "aspects" 1.主动公开方面。text (Arabic
    # numbers and 方面, as 河东区 and 遂溪 reports); "bare" a line of its own without number (Word's
    # list numbering keeps the number out of the text); "long" a heading line of its own in the longer
    # words many reports use (（一）主动公开政府信息情况, （二）依申请公开政府信息办理情况: most characters
    # of section 二's heading, under 一、总体情况)
    part_style: str = "official"
    # Word: the report inside "layout-table" (one cell of a borderless table, as some templates and
    # web-to-Word exports hold it) or "content-control" (a w:sdt, as templates with 内容控件 do)
    wrapper: str = ""
    t2_tables: bool = False  # table 二 as four small tables, one per 第二十条 block (some web pages)
    # the text sections' headings run into their first paragraph on one line (一、总体情况2022年，…),
    # as a copy that lost the line break, or a page whose heading is only bold, gives them
    run_in_headings: bool = False
    # Table 四 printed otherwise: "turned" (a row per column of the format, 结果维持 … 总计, and a column
    # per group headed 行政复议 / 行政诉讼（未经复议直接起诉） / 行政诉讼（复议后起诉）, to fit a portrait
    # page); "turned-two" (the same with two header rows: 行政诉讼 merged over its two groups);
    # "split" (its header rows alone at the foot of a page, then the header printed again over the
    # value row: a table continued on the next page, as Word, browsers and copies of them give it)
    t4_layout: str = ""
    # A 红头文件 (GB/T 9704, as governments publish the report as an official document): the issuing
    # organ's mark (某某县人民政府办公室文件) and the document number (某政办〔2023〕1号) above the title;
    # after the 落款 (needs ``date``) the 附注 （此件公开发布） and the 版记: 抄送 and the 印发 line with a
    # later date of printing
    red_head: bool = False


_ARABIC = "123456"
_LOOSE = str.maketrans({"（": "(", "）": ")", "，": ",", "：": ":"})


def heading_text(section: spec.Section, style: str) -> str:
    words = section.heading.split("、", 1)[1]
    number = section.number
    if style == "1、":
        return f"{_ARABIC[[s.number for s in spec.SECTIONS].index(number)]}、{words}"
    if style == "（一）":
        return f"（{number}）{words}"
    if style == "第一部分 ":
        return f"第{number}部分 {words}"
    if style == "":
        return words
    return section.heading


def loose(text: str) -> str:
    """A label as typed by hand: ASCII brackets and commas, 1、 for 1., a space in 商业 企业."""
    text = text.translate(_LOOSE)
    if len(text) > 2 and text[0].isdigit() and text[1] == ".":
        text = text[0] + "、" + text[2:]
    return {"商业企业": "商业 企业", "科研机构": "科研 机构", "总计": "总  计"}.get(text, text)


_PART_WORDS = {"（一）主动公开情况": "主动公开", "（二）依申请公开情况": "依申请公开",
               "（三）政府信息管理情况": "信息管理", "（四）政府信息公开平台建设情况": "公开平台建设",
               "（五）监督保障情况": "监督保障"}


_LONG_PART_WORDS = {"（一）主动公开情况": "主动公开政府信息情况",
                    "（二）依申请公开情况": "依申请公开政府信息办理情况",
                    "（三）政府信息管理情况": "政府信息管理工作情况",
                    "（四）政府信息公开平台建设情况": "政府信息公开平台建设情况",
                    "（五）监督保障情况": "监督保障工作情况"}


def part_heading(heading: str, style: str) -> str:
    if not heading or style == "official":
        return heading
    if style == "long":
        return heading[:3] + _LONG_PART_WORDS[heading]
    if style == "short":
        return heading[:3] + _PART_WORDS[heading]
    if style == "bare":  # Word's list numbering: the number is not in the paragraph's text
        return heading[3:]
    number = "一二三四五".index(heading[1]) + 1
    return f"{number}.{_PART_WORDS[heading]}方面"


def title_lines(data: dict, style: str) -> list[str]:
    unit, year = str(data.get("meta.unit") or ""), data.get("meta.year")
    if style == "year-first":
        return [f"{year}年度{unit}{spec.REPORT_NAME}"]
    if style == "two-lines":
        return [unit, f"{year}{spec.TITLE_SUFFIX}"]
    if style == "wrapped":
        full = spec.title(data)
        cut = full.index("政府") + 2
        return [full[:cut], full[cut:]]
    return [spec.title(data)]


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
    header_rows = table.header_rows if table.id == "t3" and variant.t3_columns else 0
    if header_rows:
        label_cols = table.n_cols - len(spec.T3_COLUMNS)
        labels = dict(spec.T3_COLUMNS)
        position = {col: label_cols + i for i, col in enumerate(variant.t3_columns)}
        rows[0] = [(0, spec.T3_CORNER, 1, label_cols),
                   *((position[col], labels[col], 1, 1) for col in variant.t3_columns)]
    for cell in table.cells:
        if cell.row in skip_rows or cell.row < header_rows:
            continue
        text = variant.relabel.get(cell.text, cell.text) if not cell.key else printed(data, cell.key, variant)
        if header_rows:
            col = cell.col if not cell.key else position[cell.key.split(".")[-1]]
            cell = cell._replace(row=cell.row - header_rows + 1, col=col)
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
        if variant.loose_labels and not cell.key:
            text = loose(text)
        rows.setdefault(cell.row, []).append((cell.col, text, rowspan, colspan))
    out = []
    for r in sorted(rows):
        row = [(t, rs, cs) for _, t, rs, cs in sorted(rows[r])]
        if table.id == "t3" and variant.extra_column:
            text = variant.extra_column if r == 0 else ("" if r < 3 else variant.extra_text)
            row.append((text, 3 if r == 0 else 1, 1)) if r == 0 or r >= 3 else None
        out.append(row)
    if table.id == "t3" and variant.total_row:  # 合计 of the applicants' rows, as some units add
        sums = [printed(data, f"t3.new.{c}", variant) for c, _ in spec.T3_COLUMNS]
        out.append([("合计", 1, table.n_cols - len(spec.T3_COLUMNS)), *((v, 1, 1) for v in sums)])
    return out


def body(data: dict, variant: Variant) -> list[tuple[str, object]]:
    """The report as blocks: ("title"|"h1"|"p", text) and ("table", (table, rows))."""
    d = data
    titles = [variant.title] if variant.title else title_lines(d, variant.title_style)
    blocks: list[tuple[str, object]] = [("title", t) for t in titles]
    if variant.red_head:
        blocks[:0] = [("title", f"{d.get('meta.unit')}文件"), ("p", "某政办〔2023〕1号")]
    texts = {p.key: (p.heading, d.get(p.key) or "") for p in spec.TEXT_PARTS}
    for section in spec.SECTIONS:
        blocks.append(("h1", heading_text(section, variant.heading_style)))
        if section.content == "text":
            for part in spec.TEXT_PARTS:
                if part.section != section.number:
                    continue
                heading, text = texts[part.key]
                lines = [line for line in str(text).split("\n") if line.strip()] or [""]
                heading = part_heading(heading, variant.part_style)
                if heading and variant.part_style in ("short", "bare", "long"):
                    blocks.append(("p", heading))
                    heading = ""
                for i, line in enumerate(lines):
                    blocks.append(("p", (heading + "。" if i == 0 and heading else "") + line))
        else:
            table = spec.TABLE_BY_ID[section.content]
            rows = table_rows(table, d, variant)
            if variant.captions:
                blocks.append(("p", f"表{spec.TABLES.index(table) + 1}：{table.title.split('、', 1)[1]}"))
            if table.id == "t3" and variant.split_t3_at:
                cut = table.header_rows + variant.split_t3_at
                first, second = _split(rows, cut)
                blocks.append(("table", first))
                blocks.append(("p", ""))
                blocks.append(("table", second))
            elif table.id == "t4" and variant.t4_layout == "split":
                blocks.append(("table", rows[:table.header_rows]))
                blocks.append(("p", ""))
                blocks.append(("table", rows))
            elif table.id == "t4" and variant.t4_layout.startswith("turned"):
                blocks.append(("table", turned_t4(d, variant)))
            elif table.id == "t2" and variant.t2_tables:
                captions = {caption for caption, _, _ in spec.T2_BLOCKS}
                part: list = []
                for row in rows:
                    if row and row[0][0] in captions and part:
                        blocks.append(("table", part))
                        part = []
                    part.append(row)
                blocks.append(("table", part))
            else:
                blocks.append(("table", rows))
    if variant.date:
        blocks.append(("p", str(d.get("meta.unit") or "")))
        blocks.append(("p", variant.date))
    if variant.red_head:
        blocks += [("p", "（此件公开发布）"), ("p", "抄送：县委办公室，县人大常委会办公室，县政协办公室。"),
                   ("p", f"{d.get('meta.unit')}办公室　　　　　　　　2023年2月3日印发")]
    if variant.run_in_headings:
        for i in range(len(blocks) - 2, -1, -1):
            if blocks[i][0] == "h1" and blocks[i + 1][0] == "p":
                blocks[i:i + 2] = [("p", f"{blocks[i][1]}{blocks[i + 1][1]}")]
    return blocks


def turned_t4(data: dict, variant: Variant) -> list[list[tuple[str, int, int]]]:
    """Table 四 turned: a row per column of the format, a column per group (Variant.t4_layout)."""
    (review, review_label), *suits = spec.T4_GROUPS
    if variant.t4_layout == "turned-two":
        header = [[("项目", 2, 1), (review_label, 2, 1), (spec.T4_SUIT, 1, len(suits))],
                  [(label, 1, 1) for _, label in suits]]
    else:
        header = [[("项目", 1, 1), (review_label, 1, 1), *((f"{spec.T4_SUIT}（{label}）", 1, 1) for _, label in suits)]]
    return header + [[(label, 1, 1), *((printed(data, f"t4.{group}.{col}", variant), 1, 1) for group, _ in
                                        spec.T4_GROUPS)] for col, label in spec.T4_COLUMNS]


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
    container = doc.add_table(rows=1, cols=1).cell(0, 0) if variant.wrapper == "layout-table" else doc
    for kind, content in body(data, variant):
        if kind == "table":
            rows = content
            _docx_table(container, rows, variant.borders, variant.valign,  # type: ignore[arg-type]
                        variant.repeat_header)
        else:
            p = container.add_paragraph(str(content))
            if kind in ("title", "h1"):
                for run in p.runs:
                    run.bold = True
    if variant.page_numbers or variant.header_text:
        _running(doc, variant)
    if variant.wrapper == "content-control":
        from docx.oxml import OxmlElement
        body_el = doc.element.body
        sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
        sdt.append(content)
        for child in list(body_el):
            if child.tag != qn("w:sectPr"):
                content.append(child)
        body_el.insert(0, sdt)
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
    table = doc.add_table(height, width)  # a document or a table cell (a layout table)
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


# A CMS article page: a list of other units' reports beside the article (printed above it), and the
# article's information line with its tools right above the title
CMS_SIDEBAR = ('<div class="side"><h4>政府信息公开年报</h4><ul><li><a href="/1">某某区城东街道2022年政府信息公开工作'
               '年度报告</a></li><li><a href="/2">某某区教育局2021年政府信息公开工作年度报告</a></li></ul></div>')
CMS_INFO = ('<div class="info">发布时间：2023-01-20 09:30 来源：办公室 浏览次数：123 '
            '【字体：<a>大</a> <a>中</a> <a>小</a>】 【打印本页】</div>')


def html_page(data: dict, variant: Variant | None = None, *, word: bool = False, encoding: str = "utf-8",
              meta_charset: bool = True, chrome: bool = True, cms: bool = False) -> bytes:
    """A report page as a government site publishes it; ``word``: the markup Word's "save as web
    page" writes (<o:p>, &nbsp;, spans, class=MsoNormal), which sites often paste as it is;
    ``cms``: the sidebar and the information line of a CMS article page (CMS_SIDEBAR, CMS_INFO)."""
    variant = variant or Variant()
    parts = [CMS_SIDEBAR, CMS_INFO] if cms else []
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


# --- plain text ---------------------------------------------------------------------------------

TEXT_STYLES = ("tabs", "pipe-rows", "pipe-cells", "pipe-open", "pipe-split", "cells", "spaces", "space")


def text_report(data: dict, variant: Variant | None = None, style: str = "tabs") -> str:
    """The report as text, its tables flattened the way real copies are:
    - "tabs": a converter of Word files (the bundled reference): a cell per line, tab-indented, a
      blank line after each row, a cell merged down printed again as an empty cell;
    - "pipe-rows": a crawler keeping the table: a row per line, ``| a | b |``, padded with more
      ``|`` to the table's width (``| 第二十条第（一）项 | |||``, as 长春 and 底张 pages read);
    - "pipe-cells": the same crawler on pages whose cells hold paragraphs: a cell per line
      ``a |``, an empty cell ``|``, merged places ``|||`` (西咸新区 and 统计局 pages);
    - "pipe-open": as "pipe-cells", each row opened by a line ``|`` (麻阳 pages);
    - "pipe-split": every ``|`` on a line of its own after its cell, a row opened by ``| text``, a
      wrapped label over two lines (商业↵企业, 大英县 pages);
    - "cells": text copied from a browser: every cell its own line, a blank line between
      (a blank cell leaves nothing);
    - "spaces": a row per line, cells apart by two spaces (a blank cell leaves nothing);
    - "space": the same with one space between cells (a web table copied into a text editor, and
      many crawlers: 规章 0 0 0, 结果维持 结果纠正 其他结果 …)."""
    variant = variant or Variant()
    lines: list[str] = []
    for kind, content in body(data, variant):
        if kind != "table":
            lines.append(str(content))
            if style == "cells":
                lines.append("")
            continue
        placed, width = _layout(content)  # type: ignore[arg-type]
        by_row: dict[int, list[tuple[int, str, int, int]]] = {}
        for r, c, text, rs, cs in placed:
            by_row.setdefault(r, []).append((c, text, rs, cs))
            for dr in range(1, rs):  # a cell merged down: the rows below hold its place, empty
                if style == "tabs":
                    by_row.setdefault(r + dr, []).append((c, "", 1, cs))
        for r in sorted(by_row):
            cells = sorted(by_row[r])
            if style == "tabs":
                lines.extend("\t" + text for _, text, _, _ in cells)
                lines.append("")
            elif style == "pipe-rows":  # markdown-like, padded to the table's width at the row's end
                pad = "|" * (width - len(cells))
                lines.append("| " + " ".join(f"{text} |" for _, text, _, _ in cells) + f" {pad}".rstrip())
            elif style == "pipe-cells":
                lines.extend(f"{text} |" if text else "|" for _, text, _, _ in cells)
                if width > len(cells):
                    lines.append("|" * (width - len(cells)))
            elif style == "pipe-open":
                lines.append("|")
                lines.extend(f"{text} |" if text else "|" for _, text, _, _ in cells)
                if width > len(cells):
                    lines.append("|" * (width - len(cells)))
            elif style == "pipe-split":
                for n, (_, text, _, _) in enumerate(cells):
                    if len(text) == 4 and text.endswith(("企业", "机构")):
                        text = text[:2] + "\n" + text[2:]
                    lines.extend([("| " if n == 0 else "") + text, "|"])
                if width > len(cells):
                    lines.append("|" * (width - len(cells)))
            elif style == "cells":
                for _, text, _, _ in cells:
                    if text:
                        lines.extend([text, ""])
            else:
                apart = " " if style == "space" else "  "
                lines.append(apart.join(text for _, text, _, _ in cells if text))
        if style == "tabs":
            lines.append("")
    return "\n".join(lines) + "\n"
