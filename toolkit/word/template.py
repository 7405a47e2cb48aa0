"""The Word template of the report, built with python-docx from the specification.

``build_template()`` lays out the report exactly as the national format draws it: the title, the
six section headings, the five parts of section 一, and the three tables cell for cell from
``spec.TABLES`` (the same grid, with the same merged cells, that the workbook builder uses). The
values are docxtpl variables named by the FORMAT.md keys (``{{ t3.new.natural }}``).

The result is an ordinary Word file: every look is a named style (公文标题, 一级标题, 二级标题,
正文 = Normal, 表格文字, 表格行名, 落款, 页码), so an office can restyle it in Word or WPS and use it
with ``nianbao build --template``. ``scripts/build_word_template.py`` writes it to
``word_templates/annual_report.docx`` and to the copy inside the package.

Typography follows GB/T 9704 (党政机关公文格式): A4; margins 37/35/28/26 mm (top/bottom/left/right,
a 156 × 225 mm text block); title 方正小标宋简体 二号; body 仿宋_GB2312 三号 with a two-character
first-line indent and a fixed 28 pt line; 一级 headings 黑体, 二级 楷体_GB2312; page numbers
「— 1 —」 in 宋体 四号, right on odd pages and left on even ones.
"""

from __future__ import annotations

import datetime as _dt
import io

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

from .. import spec

# --- GB/T 9704 typography ---------------------------------------------------------------------

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
TABLE_FONT = "仿宋_GB2312"

# Chinese type sizes in points.
ERHAO, SANHAO, SIHAO, WUHAO = 22, 16, 14, 10.5

# Word's fallback when a font is missing: fontTable.xml names an installed face (altName) and the
# GB2312 character set (charset 86), so Word/WPS on a PC without the 方正/GB2312 fonts use their
# 宋体/仿宋/楷体/黑体 instead of a Latin font. (LibreOffice on Linux: toolkit/word/fonts/, installed
# by scripts/test.sh.)
FONT_TABLE = {
    # name: (altName, family, panose)
    TITLE_FONT: ("宋体", "script", "02000000000000000000"),
    BODY_FONT: ("仿宋", "modern", "02010609030101010101"),
    H2_FONT: ("楷体", "modern", "02010609030101010101"),
    H1_FONT: ("SimHei", "modern", "02010609060101010101"),
    PAGE_NUMBER_FONT: ("SimSun", "auto", "02010600030101010101"),
    "仿宋": ("FangSong", "modern", "02010609060101010101"),
    "楷体": ("KaiTi", "modern", "02010609060101010101"),
}

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TEXT_WIDTH_MM = 210 - 28 - 26  # 156 mm
BODY_LINE = Pt(28)  # 固定值 28 磅: 22 lines of 三号 on the 225 mm text block
TITLE_LINE = Pt(36)
TABLE_LINE = Pt(14)
ROW_HEIGHT_MM = 6  # at least: a table row of an official form, not a spreadsheet line

# Column widths of each table in millimetres (they add up to the 156 mm text width): wide label
# columns, narrow value columns; table 四's 15 columns share the width equally.
COLUMN_WIDTHS_MM: dict[str, tuple[float, ...]] = {
    "t2": (48, 36, 36, 36),
    # 三: the group column holds two characters a line, the sub-group column "（三）不予公开" in
    # one line, value columns two characters a line ("商业/企业", "社会/公益/组织").
    "t3": (10, 29, 47, *(10,) * 7),
    "t4": (10.4,) * 15,
}

# Space above a heading that follows a table (the body has no space between paragraphs).
AFTER_TABLE_SPACE = Pt(14)

# Style ids are ASCII (Word's own ids for Chinese style names are opaque like "a3"); the names
# people see in Word's style gallery are Chinese.
STYLE_TITLE = ("NbTitle", "公文标题")
STYLE_H1 = ("NbHeading1", "一级标题")
STYLE_H2 = ("NbHeading2", "二级标题")  # a character style: the （一） headings run into their text
STYLE_TABLE = ("NbTableText", "表格文字")
STYLE_TABLE_LABEL = ("NbTableLabel", "表格行名")
STYLE_SIGNATURE = ("NbSignature", "落款")
STYLE_PAGE_NUMBER = ("NbPageNumber", "页码")

# What ends a 二级 heading that runs into its paragraph, as in the published reports:
# "（一）主动公开情况。2022年度，…".
INLINE_HEADING_END = "。"

TEMPLATE_TIMESTAMP = _dt.datetime(2024, 1, 1, tzinfo=_dt.timezone.utc)  # reproducible docProps


# --- fonts and XML helpers ------------------------------------------------------------------------

def _set_fonts(rpr, name: str) -> None:
    """Name one font in every slot, East Asian included. Theme fonts would win over named ones,
    so theme attributes are removed."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn(f"w:{attr}"), None)
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{slot}"), name)
    rfonts.set(qn("w:hint"), "eastAsia")


def _style_font(style, name: str, size: float, *, bold: bool = False,
                color: RGBColor | None = None) -> None:
    _set_fonts(style.element.get_or_add_rPr(), name)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = color or RGBColor(0, 0, 0)


def _first_line_chars(ppr, chars: int, size: float) -> None:
    """A first-line indent in characters (Word scales it with the font) and its twips value for
    programs that ignore the character unit (LibreOffice)."""
    ind = ppr.get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(int(chars * size * 20)))
    for attr in ("hanging", "hangingChars"):
        ind.attrib.pop(qn(f"w:{attr}"), None)


def _no_indent(ppr) -> None:
    ind = ppr.get_or_add_ind()
    for attr in list(ind.attrib):
        del ind.attrib[attr]
    ind.set(qn("w:firstLine"), "0")
    ind.set(qn("w:firstLineChars"), "0")
    ind.set(qn("w:left"), "0")
    ind.set(qn("w:leftChars"), "0")


# The schema order of pPr children (CT_PPr keeps it only while its class body runs).
_PPR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
    "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
    "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
    "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
    "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
    "w:sectPr", "w:pPrChange",
)


def _ppr_element(ppr, tag: str, **attrs: str):
    """Add a pPr child python-docx has no property for, in schema order."""
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), v)
    successors = _PPR_ORDER[_PPR_ORDER.index(tag) + 1:]
    existing = ppr.find(qn(tag))
    if existing is not None:
        ppr.remove(existing)
    ppr.insert_element_before(el, *successors)
    return el


def _paragraph_style(doc: DocumentObject, ident: tuple[str, str], base: str = "Normal"):
    style = doc.styles.add_style(ident[1], WD_STYLE_TYPE.PARAGRAPH)
    style.element.styleId = ident[0]
    style.base_style = doc.styles[base]
    style.quick_style = True
    return style


def _character_style(doc: DocumentObject, ident: tuple[str, str]):
    style = doc.styles.add_style(ident[1], WD_STYLE_TYPE.CHARACTER)
    style.element.styleId = ident[0]
    style.quick_style = True
    return style


# --- the document ---------------------------------------------------------------------------------

def _setup_page(doc: DocumentObject) -> None:
    s = doc.sections[0]
    s.page_width, s.page_height = PAGE_WIDTH, PAGE_HEIGHT
    s.top_margin, s.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    s.left_margin, s.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    s.header_distance, s.footer_distance = Mm(15), Mm(22)
    # The 22 lines a page of GB/T 9704 come from the fixed 28 pt line spacing, not from a
    # document grid: LibreOffice snaps table lines to a "lines" grid and doubles row heights.
    grid = s._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        s._sectPr.append(grid)
    grid.attrib.pop(qn("w:type"), None)  # type: ignore[call-overload]  # lxml-stubs lack pop(k, default)
    grid.set(qn("w:linePitch"), str(int(BODY_LINE.pt * 20)))


def _setup_styles(doc: DocumentObject) -> None:
    styles_el = doc.styles.element
    # Document defaults: the body font in every slot, Chinese as the East Asian language.
    rpr_default = styles_el.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr_default, BODY_FONT)
    lang = rpr_default.find(qn("w:lang"))
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    ppr_default = styles_el.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr_default.find(qn("w:spacing"))
    spacing.attrib.clear()
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")

    normal = doc.styles["Normal"]
    _style_font(normal, BODY_FONT, SANHAO)
    pf = normal.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = BODY_LINE
    pf.space_before = pf.space_after = Pt(0)
    pf.widow_control = True
    _first_line_chars(normal.element.get_or_add_pPr(), 2, SANHAO)

    title = _paragraph_style(doc, STYLE_TITLE)
    _style_font(title, TITLE_FONT, ERHAO)
    pf = title.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pf.line_spacing = TITLE_LINE
    pf.space_after = BODY_LINE  # GB/T 9704: one empty line between the title and the text
    pf.keep_with_next = True
    _no_indent(title.element.get_or_add_pPr())
    _ppr_element(title.element.get_or_add_pPr(), "w:outlineLvl", val="0")

    h1 = _paragraph_style(doc, STYLE_H1)
    _style_font(h1, H1_FONT, SANHAO)
    h1.paragraph_format.keep_with_next = True
    _ppr_element(h1.element.get_or_add_pPr(), "w:outlineLvl", val="1")

    h2 = _character_style(doc, STYLE_H2)
    _style_font(h2, H2_FONT, SANHAO)

    table = _paragraph_style(doc, STYLE_TABLE)
    _style_font(table, TABLE_FONT, WUHAO)
    pf = table.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pf.line_spacing = TABLE_LINE
    _no_indent(table.element.get_or_add_pPr())

    label = _paragraph_style(doc, STYLE_TABLE_LABEL, base=STYLE_TABLE[1])
    label.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT

    sig = _paragraph_style(doc, STYLE_SIGNATURE)
    sig.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _no_indent(sig.element.get_or_add_pPr())
    ind = sig.element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:rightChars"), "400")  # 成文日期右空四字
    ind.set(qn("w:right"), str(int(4 * SANHAO * 20)))

    page = _paragraph_style(doc, STYLE_PAGE_NUMBER)
    _style_font(page, PAGE_NUMBER_FONT, SIHAO)
    page.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _no_indent(page.element.get_or_add_pPr())

    for name in ("Header", "Footer"):
        if name in [s.name for s in doc.styles]:
            _no_indent(doc.styles[name].element.get_or_add_pPr())


def _add_page_numbers(doc: DocumentObject) -> None:
    """「— 1 —」: right on odd pages, left on even ones, one character in from the edge."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = doc.styles[STYLE_PAGE_NUMBER[1]]
        p.alignment = align
        ind = p._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn(f"w:{side}Chars"), "100")
        ind.set(qn(f"w:{side}"), str(int(SIHAO * 20)))
        p.add_run("— ")
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"),
                           ("end", None)):
            run = p.add_run()
            if kind:
                fld = OxmlElement("w:fldChar")
                fld.set(qn("w:fldCharType"), kind)
                run._r.append(fld)
            elif text == " PAGE ":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._r.append(instr)
            else:
                run.text = text
        p.add_run(" —")


def _run(paragraph, text: str, style=None):
    run = paragraph.add_run(text, style)
    if "{{" in text:
        # Values keep their spaces exactly as typed.
        run._r.find(qn("w:t")).set(qn("xml:space"), "preserve")
    return run


def var(key: str) -> str:
    """The docxtpl variable of a key: ``{{ t3.new.natural }}``."""
    assert key in spec.FIELDS, key
    return "{{ " + key + " }}"


def _text_part(doc: DocumentObject, part: spec.TextPart) -> None:
    """A text part: one template paragraph that becomes as many Word paragraphs as the text has
    (context.Paragraphs), the 二级 heading running into the first of them."""
    p = doc.add_paragraph()
    if part.heading:
        _run(p, part.heading + INLINE_HEADING_END, doc.styles[STYLE_H2[1]])
    _run(p, var(part.key))


def _set_cell_width(tc, width_mm: float) -> None:
    tcpr = tc.get_or_add_tcPr()
    tcw = tcpr.get_or_add_tcW()
    tcw.type = "dxa"
    tcw.w = Mm(width_mm)


def _table(doc: DocumentObject, table: spec.Table) -> None:
    widths = COLUMN_WIDTHS_MM[table.id]
    assert len(widths) == table.n_cols and abs(sum(widths) - TEXT_WIDTH_MM) < 0.5, table.id
    t = doc.add_table(rows=table.n_rows, cols=table.n_cols)
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    # autofit = False wrote the fixed w:tblLayout; the margins go where the schema orders them
    # (before w:tblLook), or Word may offer to repair the file.
    t._tbl.tblPr.insert_element_before(parse_xml(
        f'<w:tblCellMar {nsdecls("w")}><w:left w:w="57" w:type="dxa"/>'
        '<w:right w:w="57" w:type="dxa"/></w:tblCellMar>'),
        "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    for col, width in zip(t.columns, widths, strict=False):
        col.width = Mm(width)
    for r, row in enumerate(t.rows):
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        height = OxmlElement("w:trHeight")
        height.set(qn("w:val"), str(Mm(ROW_HEIGHT_MM).twips))
        height.set(qn("w:hRule"), "atLeast")
        trpr.append(height)
        if r < table.header_rows:
            # Repeat the header rows on a new page. (LibreOffice also never splits them, but then
            # starts table 三 on a new page when the page is half full; without the mark it splits
            # the header itself, which is worse.)
            trpr.append(OxmlElement("w:tblHeader"))
    label_style = doc.styles[STYLE_TABLE_LABEL[1]]
    text_style = doc.styles[STYLE_TABLE[1]]
    for cell in table.cells:
        c = t.cell(cell.row, cell.col)
        if cell.rowspan > 1 or cell.colspan > 1:
            c = c.merge(t.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
        c.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = c.paragraphs[0]
        # Row labels read from the left; headers, group labels and numbers are centred.
        single_label = cell.role == "label" and cell.rowspan == 1
        p.style = label_style if single_label else text_style
        if cell.role == "header":
            # A header row stays with the row below it: the header rows together and with the
            # first row of values (表二 has a caption and a header row above each block).
            p.paragraph_format.keep_with_next = True
        _run(p, var(cell.key) if cell.key else cell.text)
    # Every cell's width is the sum of the grid columns it spans (Word lays out fixed tables by it).
    for tr in t._tbl.tr_lst:
        col = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            _set_cell_width(tc, sum(widths[col:col + span]))
            col += span


def _signature(doc: DocumentObject) -> None:
    """落款: the unit and the date, only when a report date is given."""
    doc.add_paragraph("{%p if meta.date %}")
    for key in ("meta.unit", "meta.date"):
        p = doc.add_paragraph(style=doc.styles[STYLE_SIGNATURE[1]])
        _run(p, var(key))
        if key == "meta.unit":
            p.paragraph_format.space_before = BODY_LINE  # 正文之下空一行 (GB/T 9704 7.3.5)
            p.paragraph_format.keep_with_next = True  # the unit stays with the date
    doc.add_paragraph("{%p endif %}")


def _body(doc: DocumentObject) -> None:
    title = doc.add_paragraph(style=doc.styles[STYLE_TITLE[1]])
    _run(title, var("meta.unit") + var("meta.year") + spec.TITLE_SUFFIX)
    after_table = False
    for section in spec.SECTIONS:
        heading = doc.add_paragraph(section.heading, style=doc.styles[STYLE_H1[1]])
        if after_table:
            heading.paragraph_format.space_before = AFTER_TABLE_SPACE
        after_table = section.content != "text"
        if section.content == "text":
            for part in spec.section_parts(section.number):
                if part.required:
                    _text_part(doc, part)
                else:  # the optional opening paragraph disappears when it is empty
                    doc.add_paragraph("{%p if " + part.key + " %}")
                    _text_part(doc, part)
                    doc.add_paragraph("{%p endif %}")
        else:
            _table(doc, spec.TABLE_BY_ID[section.content])
    _signature(doc)


# --- package hygiene --------------------------------------------------------------------------

def _font_table(doc: DocumentObject) -> None:
    part = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/fontTable"))
    root = parse_xml(part.blob)
    for name, (alt, family, panose) in FONT_TABLE.items():
        root.append(parse_xml(
            f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/>'
            f'<w:panose1 w:val="{panose}"/><w:charset w:val="86"/><w:family w:val="{family}"/>'
            '<w:pitch w:val="variable"/></w:font>'))
    from lxml import etree
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _prune(doc: DocumentObject) -> None:
    """Drop what python-docx's default document carries and a report does not need: its preview
    picture, the 430 KB of unused table styles (loading them would slow every render), the
    Word 2010 duplicate of the styles and the custom XML item."""
    pkg_rels = doc.part.package.rels
    for rid, rel in list(pkg_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del pkg_rels[rid]
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith(("/stylesWithEffects", "/customXml", "/webSettings")):
            del doc.part.rels[rid]
    settings = doc.settings.element
    for tag in ("w:savePreviewPicture", "w:rsids", "w:attachedTemplate"):
        for el in settings.findall(qn(tag)):
            settings.remove(el)
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")

    styles = doc.styles.element
    by_id = {s.get(qn("w:styleId")): s for s in styles.findall(qn("w:style"))}
    used: set[str] = set()
    for el in doc.element.iter(qn("w:pStyle"), qn("w:rStyle"), qn("w:tblStyle")):
        used.add(el.get(qn("w:val")))
    for s in by_id.values():
        if s.get(qn("w:default")) == "1" or s.get(qn("w:styleId")).startswith("Nb"):
            used.add(s.get(qn("w:styleId")))
    used |= {"Header", "Footer"}
    todo = list(used)
    while todo:  # keep what the kept styles are based on or linked to
        s = by_id.get(todo.pop())
        if s is None:
            continue
        for tag in ("w:basedOn", "w:link", "w:next"):
            el = s.find(qn(tag))
            if el is not None and el.get(qn("w:val")) not in used:
                used.add(el.get(qn("w:val")))
                todo.append(el.get(qn("w:val")))
    for ident, s in by_id.items():
        if ident not in used:
            styles.remove(s)
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)


def _properties(doc: DocumentObject) -> None:
    cp = doc.core_properties
    cp.title = spec.REPORT_NAME
    cp.subject = spec.FORMAT_NAME
    cp.author = cp.last_modified_by = "nianbao"
    cp.comments = ("nianbao 的 Word 模板：变量为 FORMAT.md 的键（如 {{ t3.new.natural }}），"
                   "样式可在 Word/WPS 中修改")
    cp.comments = cp.comments.replace("{{", "{ {").replace("}}", "} }")  # docxtpl renders properties
    cp.revision = 1
    cp.created = cp.modified = TEMPLATE_TIMESTAMP.replace(tzinfo=None)
    cp.last_printed = TEMPLATE_TIMESTAMP.replace(tzinfo=None)


def docx_parts(data: bytes) -> dict[str, bytes]:
    """The XML parts of a .docx by name, without docProps (times, generator)."""
    import zipfile
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in sorted(z.namelist()) if not n.startswith("docProps/")}


def same_docx(a: bytes, b: bytes) -> bool:
    """Whether two .docx files have the same content (zip timestamps and docProps aside)."""
    return docx_parts(a) == docx_parts(b)


def build_template() -> bytes:
    """The report template (.docx) as bytes."""
    doc = Document()
    body = doc.element.body
    for el in list(body):
        if el.tag != qn("w:sectPr"):
            body.remove(el)
    _setup_page(doc)
    _setup_styles(doc)
    _body(doc)
    _add_page_numbers(doc)
    _font_table(doc)
    _prune(doc)
    _properties(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

