"""The OOXML layer, unit by unit, on small XML strings (the way XlsxWriter tests its writers)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from toolkit.errors import UnusableFile
from toolkit.ooxml import splice
from toolkit.ooxml.cells import BadReference, CellPos, a1, area, col_index, col_letter, on_sheet, quote_sheet, split_a1
from toolkit.ooxml.comments import CommentsPart, VmlDrawing, new_comments, new_drawing
from toolkit.ooxml.package import relative_target, resolve_target
from toolkit.ooxml.partedit import Relationships, edit_content_types, parse_xml
from toolkit.ooxml.sheetedit import CellValue, SheetEditor, SheetShapeError
from toolkit.ooxml.sheetread import SheetContext, read_cells, shift_formula
from toolkit.ooxml.strings import shared_strings
from toolkit.ooxml.styles import date_styles
from toolkit.ooxml.xml import escape, read_xml, read_xml_through, unescape
from toolkit.ooxml.zipwrite import Member, copied, write_zip
from toolkit.values import Formula

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
CTX = SheetContext(["甲", "乙"], {3}, False, "第2张工作表（表二 主动公开）")


def sheet(rows: str) -> bytes:
    return f'<worksheet {NS}><sheetData>{rows}</sheetData></worksheet>'.encode()


# The readers take a part as check reads it (ElementTree) or as write-back edits it (lxml).
BOTH_PARSERS = pytest.mark.parametrize("parse", [read_xml, parse_xml], ids=["ElementTree", "lxml"])


# --- cells -----------------------------------------------------------------------------------

@pytest.mark.parametrize("col, letters", [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (16383, "XFD")])
def test_column_letters_both_ways(col, letters):
    assert col_letter(col) == letters and col_index(letters) == col


def test_a1_parser_and_formatter():
    assert split_a1("D7") == (6, 3) == split_a1("$D$7") == split_a1("d7")
    assert a1(6, 3) == "D7"
    for bad in ("", "7", "D", "D0", "XFE1", "A1048577", "D²", "D-1", "A1:B2"):
        with pytest.raises(BadReference):
            split_a1(bad)
    with pytest.raises(BadReference):
        col_letter(-1)  # never an endless loop


@pytest.mark.parametrize("text, pos", [
    ("'表二 主动公开'!B13", CellPos("表二 主动公开", 12, 1)),
    ("='表三 依申请公开'!$D$7", CellPos("表三 依申请公开", 6, 3)),
    ("表三 依申请公开!D7", CellPos("表三 依申请公开", 6, 3)),  # as 0.1 wrote addresses
    ("Sheet1!A1", CellPos("Sheet1", 0, 0)),
    ("'It''s'!C2", CellPos("It's", 1, 2)),
    ("'a!b'!C2", CellPos("a!b", 1, 2)),
])
def test_cellpos_parses_every_spelling(text, pos):
    assert CellPos.parse(text) == pos
    assert CellPos.parse(str(pos)) == pos  # the formatter's text reads back


def test_cellpos_quotes_as_excel_does():
    assert str(CellPos("表二 主动公开", 12, 1)) == "'表二 主动公开'!B13"
    assert str(CellPos("基本信息和正文", 7, 1)) == "基本信息和正文!B8"
    assert str(CellPos("Sheet1", 0, 0)) == "Sheet1!A1"
    for name in ("2024", "A1", "R1C1", "a b", "x-y", "It's"):
        assert quote_sheet(name).startswith("'"), name
    assert CellPos("表二 主动公开", 12, 1).ref == "'表二 主动公开'!$B$13"
    assert CellPos.find("Sheet1") is None and CellPos.find("S!A1:B2") is None and CellPos.find("!A1") is None


def test_rectangles_are_spelt_by_the_same_formatter():
    assert area(3, 1, 8, 1) == "B4:B9" and area(0, 0, 0, 0) == "A1:A1"
    assert on_sheet("表二 主动公开", area(3, 1, 8, 3)) == "'表二 主动公开'!B4:D9"
    assert on_sheet("Sheet1", "A1") == str(CellPos("Sheet1", 0, 0)) == "Sheet1!A1"


# --- xml, strings, styles --------------------------------------------------------------------

@BOTH_PARSERS
def test_parser_refuses_dtd_and_names_a_broken_part(parse):
    with pytest.raises(UnusableFile, match="DTD"):
        parse(b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')
    with pytest.raises(UnusableFile, match="已损坏（xl/x.xml）"):
        parse(b"<x><y></x>", "xl/x.xml")
    with pytest.raises(UnusableFile):
        parse(b'<?xml version="1.0" encoding="no-such"?><x/>')


def test_escapes_round_trip():
    for text in ("a\x01b", "_x0041_", "x\ud800y", "行\r\n"):
        assert unescape(escape(text)) == text
    assert escape("_x0041_") == "_x005F_x0041_"


MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.mark.parametrize("xml, children", [
    # what follows the cells is not parsed
    (f'<worksheet {NS}><cols/><sheetData><row r="1"/></sheetData><mergeCells/><x:y xmlns:x="u"/></worksheet>',
     ["cols", "sheetData"]),
    # a prefixed root and tag, a declaration and comment before the root
    ('<?xml version="1.0"?><!-- saved --><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
     '<x:sheetData><x:row r="1"/></x:sheetData><x:cols/></x:worksheet>', ["sheetData"]),
    # where the cut would not be a real end tag, the whole part is parsed
    (f'<worksheet {NS}><sheetData/><!-- </sheetData> --><cols/></worksheet>', ["sheetData", "cols"]),
    (f'<!-- <a> --><worksheet {NS}><sheetData/><cols/></worksheet>', ["sheetData", "cols"]),
    (f'<worksheet {NS}><sheetData><row/></sheetData ><cols/></worksheet>', ["sheetData", "cols"]),
    (f'<worksheet {NS}><cols/></worksheet>', ["cols"]),
])
def test_a_sheet_is_parsed_through_its_cells_only(xml, children):
    root = read_xml_through(xml.encode(), "xl/worksheets/sheet1.xml", "sheetData")
    assert [el.tag.replace(MAIN, "") for el in root] == children
    assert root.find(MAIN + "sheetData") is None or len(root.find(MAIN + "sheetData")) <= 1


def test_a_sheet_parsed_through_its_cells_still_refuses_dtd_and_damage():
    with pytest.raises(UnusableFile, match="DTD"):
        read_xml_through(b'<!DOCTYPE x><worksheet><sheetData/></worksheet>', "p", "sheetData")
    # damage before the cut, and after it (where no tree is made, but the XML is still checked)
    for damaged in (f'<worksheet {NS}><sheetData><row></sheetData></worksheet>',
                    f'<worksheet {NS}><sheetData/><sheetData></sheetData><mergeCells><bad></mergeCells></worksheet>',
                    f'<worksheet {NS}><sheetData><row/></sheetData><mergeCells>',
                    f'<worksheet {NS}><sheetData><row/></sheetData><q:foo/></worksheet>',
                    f'<worksheet {NS}><sheetData><row/></sheetData><cols a="1" a="2"/></worksheet>'):
        with pytest.raises(UnusableFile, match="已损坏"):
            read_xml_through(damaged.encode(), "p", "sheetData")


@BOTH_PARSERS
def test_shared_strings_join_runs_and_skip_phonetics(parse):
    root = parse(f'<sst {NS}><si><t>甲</t></si><si><r><t>nianbao </t></r><r><rPr/><t>校验：</t></r>'
                     f'<rPh><t>x</t></rPh></si><si><t>_x000D_</t></si></sst>'.encode())
    assert shared_strings(root) == ["甲", "nianbao 校验：", "\r"]


@BOTH_PARSERS
def test_date_styles_builtin_and_custom(parse):
    root = parse(f'<styleSheet {NS}><numFmts>'
                     '<numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/>'
                     '<numFmt numFmtId="165" formatCode="0.00&quot;d&quot;"/>'
                     '<numFmt numFmtId="x" formatCode="y"/></numFmts>'
                     f'<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/>'
                     f'<xf numFmtId="1.5"/></cellXfs></styleSheet>'.encode())
    assert date_styles(root) == {1, 2}


# --- reading sheets --------------------------------------------------------------------------

@BOTH_PARSERS
def test_cells_values_of_every_kind(parse):
    root = parse(sheet(
        '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2"><v>7</v></c><c r="C2"><v>2.5</v></c>'
        '<c r="D2" s="3"><v>45000</v></c><c r="E2" t="inlineStr"><is><t>_x0001_x</t></is></c>'
        '<c r="F2" t="b"><v>1</v></c><c r="G2"><f>SUM(B2:C2)</f><v>9.5</v></c><c r="H2" t="e"><v>#N/A</v></c></row>'))
    got = read_cells(root, {(1, c) for c in range(9)}, CTX)
    assert got == {(1, 0): "乙", (1, 1): 7, (1, 2): 2.5, (1, 3): dt.date(2023, 3, 15), (1, 4): "\x01x",
                   (1, 5): True, (1, 6): Formula("SUM(B2:C2)", 9.5), (1, 7): "#N/A"}


@BOTH_PARSERS
def test_cells_without_r_follow_their_predecessor(parse):
    root = parse(sheet('<row><c><v>1</v></c><c r="C1"><v>3</v></c><c><v>4</v></c></row>'
                           '<row><c><v>5</v></c></row>'))
    assert read_cells(root, {(0, 0), (0, 2), (0, 3), (1, 0)}, CTX) == {(0, 0): 1, (0, 2): 3, (0, 3): 4, (1, 0): 5}


@BOTH_PARSERS
def test_huge_numbers_are_numbers_not_errors(parse):
    root = parse(sheet(f'<row r="1"><c r="A1"><v>{"9" * 5000}</v></c>'
                           '<c r="B1"><v>110101199001011234</v></c></row>'))
    got = read_cells(root, {(0, 0), (0, 1)}, CTX)
    assert got[(0, 0)] == float("inf") and got[(0, 1)] == 110101199001011234


@pytest.mark.parametrize("rows, phrase", [
    ('<row r="1"/><row r="²"><c r="A2"><v>1</v></c></row>', "第2张工作表（表二 主动公开）的第2行行号无效"),
    ('<row r="0"/>', "第1行行号无效"),
    ('<row r="1"><c r="A1x"><v>1</v></c><c><v>2</v></c></row>', "第1行的单元格位置无效"),
    ('<row r="1"><c r="A1" s="1.5"><v>1</v></c></row>', "单元格 A1 的格式编号无效"),
])
@BOTH_PARSERS
def test_unreadable_positions_are_reasons(rows, phrase, parse):
    with pytest.raises(UnusableFile, match=phrase):
        read_cells(parse(sheet(rows)), {(0, 0)}, CTX)


@BOTH_PARSERS
def test_shared_formulas_shift_and_never_leave_the_sheet(parse):
    assert shift_formula("SUM(B2:C2)+$A$1", (1, 3), (4, 3)) == "SUM(B5:C5)+$A$1"
    assert shift_formula('B2&"B2"', (1, 5), (1, 3)) == '#REF!&"B2"'  # text in quotes stays
    root = parse(sheet('<row r="1"><c r="E1"><f t="shared" ref="E1:E2" si="0">A1+1</f><v>1</v></c></row>'
                           '<row r="2"><c r="B2"><f t="shared" si="0"/><v>2</v></c></row>'))
    assert read_cells(root, {(1, 1)}, CTX) == {(1, 1): Formula("#REF!+1", 2)}


# --- package and relationships ---------------------------------------------------------------

def test_relationship_targets():
    assert resolve_target("xl/workbook.xml", "worksheets/sheet1.xml") == "xl/worksheets/sheet1.xml"
    assert resolve_target("xl/worksheets/sheet1.xml", "../comments1.xml") == "xl/comments1.xml"
    assert resolve_target("xl/workbook.xml", "/xl/styles.xml") == "xl/styles.xml"
    assert resolve_target("", "xl/workbook.xml") == "xl/workbook.xml"
    assert resolve_target("xl/workbook.xml", "../../sheet1.xml") is None
    assert relative_target("xl/worksheets/sheet1.xml", "xl/comments1.xml") == "../comments1.xml"
    assert relative_target("xl/worksheets/sheet1.xml", "xl/drawings/vmlDrawing1.vml") == "../drawings/vmlDrawing1.vml"


# --- editing sheets --------------------------------------------------------------------------



def edited(xml: str, writes=None, clear=None, links=None) -> str:
    ed = SheetEditor(xml.encode())
    if clear is not None:
        ed.clear_from(clear)
    ed.set_cells(writes or {})
    if links is not None:
        ed.replace_hyperlinks(links, clear)
    return ed.to_bytes().decode().split("\n", 1)[1]


def test_editor_sets_cells_in_order_and_keeps_the_rest():
    xml = (f'<worksheet {NS} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
           f'mc:Ignorable="x14ac"><dimension ref="A1:C2"/><sheetData>'
           '<row r="1" spans="1:3"><c r="A1" s="4"><v>1</v></c><c r="C1" t="s"><v>0</v></c></row>'
           '<row r="3"><c r="A3"><f>A1</f><v>1</v></c></row></sheetData></worksheet>')
    out = edited(xml, {(0, 1): CellValue("文<本>"), (0, 0): CellValue(5), (1, 3): CellValue(2.5, "7")})
    assert out == (f'<worksheet {NS} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
                   'mc:Ignorable="x14ac"><dimension ref="A1:D3"/><sheetData>'
                   '<row r="1"><c r="A1" s="4"><v>5</v></c><c r="B1" t="inlineStr"><is>'
                   '<t xml:space="preserve">文&lt;本&gt;</t></is></c><c r="C1" t="s"><v>0</v></c></row>'
                   '<row r="2"><c r="D2" s="7"><v>2.5</v></c></row>'
                   '<row r="3"><c r="A3"><f>A1</f><v>1</v></c></row></sheetData></worksheet>')


def test_editor_leaves_a_cell_holding_the_number_alone_and_keeps_prefixes():
    xml = ('<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
           '<x:row r="1"><x:c r="A1" t="n" cm="1"><x:v>2</x:v></x:c></x:row></x:sheetData></x:worksheet>')
    assert edited(xml, {(0, 0): CellValue(2)}) == xml
    assert '<x:c r="A1"><x:v>1</x:v></x:c>' in edited(xml, {(0, 0): CellValue(1)})


def test_editor_gives_positions_to_cells_and_rows_without_r():
    xml = (f'<worksheet {NS}><sheetData><row><c><v>1</v></c><c><v>2</v></c></row>'
           '<row><c><v>3</v></c></row></sheetData></worksheet>')
    out = edited(xml, {(1, 1): CellValue(9), (5, 0): CellValue(1)})
    assert ('<row r="1"><c><v>1</v></c><c><v>2</v></c></row><row r="2"><c r="A2"><v>3</v></c>'
            '<c r="B2"><v>9</v></c></row><row r="6"><c r="A6"><v>1</v></c></row>') in out


def test_editor_clears_rows_and_replaces_only_internal_links_below():
    xml = (f'<worksheet {NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
           '<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="4"><c r="A4"><v>1</v></c></row>'
           '<row r="5"><c r="A5"><v>1</v></c></row></sheetData><hyperlinks><hyperlink ref="A1" location="S!A1"/>'
           '<hyperlink ref="A4" location="S!B2"/><hyperlink ref="A5" r:id="rId1"/></hyperlinks>'
           '<pageMargins left="1" right="1" top="1" bottom="1" header="0" footer="0"/></worksheet>')
    out = edited(xml, {(3, 0): CellValue("x")}, clear=3, links=[("A4", "'表 一'!B2", "'表 一'!B2")])
    assert '<row r="5">' not in out and '<row r="4"><c r="A4" t="inlineStr">' in out
    assert ('<hyperlinks><hyperlink ref="A1" location="S!A1"/><hyperlink ref="A5" r:id="rId1"/>'
            '<hyperlink ref="A4" location="\'表 一\'!B2" display="\'表 一\'!B2"/></hyperlinks><pageMargins') in out
    # no hyperlinks element yet: it goes where the schema puts it (before pageMargins)
    plain = f'<worksheet {NS}><sheetData/><pageMargins left="1"/></worksheet>'
    assert edited(plain, links=[("A1", "S!A1", "x")]).endswith(
        '<sheetData/><hyperlinks><hyperlink ref="A1" location="S!A1" display="x"/></hyperlinks>'
        '<pageMargins left="1"/></worksheet>')


@pytest.mark.parametrize("xml, phrase", [
    (f'<worksheet {NS}><sheetData><row r="x"/></sheetData></worksheet>', "行号无效"),
    (f'<worksheet {NS}><sheetData><row r="2"/><row r="2"/></sheetData></worksheet>', "出现了两次"),
    (f'<worksheet {NS}/>', "sheetData"),
    (f'<chartsheet {NS}/>', "不是工作表"),
])
def test_editor_refuses_what_it_cannot_edit(xml, phrase):
    with pytest.raises(SheetShapeError, match=phrase):
        SheetEditor(xml.encode(), "第1张工作表")


def test_editor_keeps_what_it_does_not_edit_as_written():
    """Splicing: comments, CDATA, single quotes, an unprefixed declaration, a row's extLst and the
    spacing of untouched rows stay as written; a row's extLst stays after its cells."""
    xml = (f"<worksheet {NS}>\n  <sheetData>\n    <!-- note -->\n    <row r='1'><c r=\"A1\" s='2'><v>1</v></c>"
           '<c r="B1"><f>"a&amp;b"</f><v></v></c></row>\n    <row r="2"><c r="A2" t="inlineStr"><is><t>'
           '<![CDATA[</c>]]></t></is></c><extLst><ext uri="x"><c r="Z9"/></ext></extLst></row>\n  </sheetData>\n'
           '</worksheet>')
    out = edited(xml, {(1, 2): CellValue(3), (1, 0): CellValue("</c>")})
    assert out.startswith(f"<worksheet {NS}>\n  <sheetData>\n    <!-- note -->\n    <row r='1'><c r=\"A1\" s='2'>"
                          '<v>1</v></c><c r="B1"><f>"a&amp;b"</f><v></v></c></row>\n    <row r="2">'
                          '<c r="A2" t="inlineStr"><is><t><![CDATA[</c>]]></t></is></c><c r="C2"><v>3</v></c>'
                          '<extLst><ext uri="x"><c r="Z9"/>'
                          '</ext></extLst></row>\n  </sheetData>\n</worksheet>')
    ed = SheetEditor(xml.encode())
    assert (ed.number_at(0, 0), ed.style_of(0, 0), sorted(ed.cells_of(1))) == (1.0, "2", [0])


def test_editor_finds_a_relationship_id_declared_on_its_element():
    """openpyxl declares the relationships namespace on legacyDrawing itself."""
    r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ed = SheetEditor(f'<worksheet {NS}><sheetData/><legacyDrawing xmlns:r="{r}" r:id="anysvml"/></worksheet>'.encode())
    assert ed.legacy_drawing() == {f"{{{r}}}id": "anysvml"}
    ed.remove_legacy_drawing()
    assert ed.edited().endswith(b"<sheetData/></worksheet>")


def test_tokens_are_the_document_and_attributes_are_read_as_a_parser_reads_them():
    data = '<a x="1&amp;2" y=\'q"\'>t&lt;<b/><!-- c --><![CDATA[<z>]]></a>'
    parts = splice.tokens(data.encode())
    assert "".join(parts) == data and parts[:2] == ['<a x="1&amp;2" y=\'q"\'>', "t"]
    assert splice.attributes_of(parts[0]) == {"x": "1&2", "y": 'q"'} and splice.attribute(parts[0], "x") == "1&2"
    assert splice.attribute('<c s="1" r="A1">', "r") == "A1" and splice.attribute('<c t="r=" r="B2">', "r") == "B2"
    assert splice.with_attribute('<row r="1" spans="1:3" ht="2"/>', "spans", None) == '<row r="1" ht="2"/>'
    assert splice.with_attribute("<row  >", "r", "3") == '<row r="3"  >'  # (after the last attribute)
    with pytest.raises(UnusableFile):
        splice.tokens(b"<a><b></a>")


def test_relationships_and_content_types_keep_prefixes_and_the_rest():
    rels = Relationships(b'<pr:Relationships xmlns:pr="http://schemas.openxmlformats.org/package/2006/relationships">'
                         b'<pr:Relationship Id="rId1" Type="t" Target="x"/></pr:Relationships>')
    assert rels.add("a&b", "../y.vml") == "rId2"
    rels.drop("rId1")
    assert rels.to_bytes().split(b"\n", 1)[1] == (
        b'<pr:Relationships xmlns:pr="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<pr:Relationship Id="rId2" Type="a&amp;b" Target="../y.vml"/></pr:Relationships>')
    fresh = Relationships(None)
    fresh.add("t", "x")
    assert fresh.to_bytes().split(b"\n", 1)[1] == (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="t" Target="x"/></Relationships>')
    ct = (b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="XML" '
          b'ContentType="x"/>\n<Override PartName="/xl/comments1.xml" ContentType="c"/></Types>')
    out = edit_content_types(ct, removed={"xl/comments1.xml"}, defaults={"xml": "y", "vml": "v"},
                             overrides={"xl/comments2.xml": "c"})
    assert out.split(b"\n", 1)[1] == (
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="XML" '
        b'ContentType="x"/>\n<Default Extension="vml" ContentType="v"/>'
        b'<Override PartName="/xl/comments2.xml" ContentType="c"/></Types>')


def test_first_notes_written_as_text_are_what_the_tree_writes():
    """One writer of a note and of its box: a sheet's first parts (text) are byte for byte what
    appending the same notes to empty trees gives (the path of parts a workbook already has)."""
    notes = [("B2", "nianbao 校验：a<&>\r\n_x0041_"), ("C3", "x")]
    part = CommentsPart()
    for ref, text in notes:
        part.add(ref, "nianbao", text)
    assert new_comments("nianbao", notes) == part.to_bytes()
    drawing = VmlDrawing(None, 3)
    drawing.add_notes([(1, 2), (4, 5)])
    made, ids = new_drawing(3, [(1, 2), (4, 5)])
    assert made == drawing.to_bytes() and ids == ["_x0000_s3073", "_x0000_s3074"]


# --- comments and VML ------------------------------------------------------------------------

def test_comments_read_runs_and_add_in_excels_look():
    part = CommentsPart(f'<comments {NS}><authors><author> </author></authors><commentList>'
                        '<comment ref="B2" authorId="0"><text><r><t>nianbao </t></r><r><t>校验：x</t></r></text>'
                        '</comment></commentList></comments>'.encode())
    (c,) = part.comments()
    assert (c.cell, c.author, c.text) == ((1, 1), " ", "nianbao 校验：x")
    part.remove(c)
    part.add("A1", "nianbao", "a\x01b")
    out = part.to_bytes().decode()
    assert ('<authors><author> </author><author>nianbao</author></authors><commentList>'
            '<comment ref="A1" authorId="1"><text><r><rPr><sz val="9"/><color indexed="81"/>'
            '<rFont val="宋体"/><charset val="134"/></rPr><t xml:space="preserve">a_x0001_b</t></r></text>'
            '</comment></commentList>') in out
    assert len(part) == 1


def test_vml_notes_found_by_cell_added_with_fresh_ids_and_br_closed():
    vml = (b'<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
           b'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" '
           b'data="2"/></o:shapelayout><v:shape id="_x0000_s2050"><v:textbox><div>a<br>b</div></v:textbox>'
           b'<x:ClientData ObjectType="Note"><x:Row>4</x:Row><x:Column>3</x:Column></x:ClientData></v:shape>'
           b'<v:shape id="pic"><x:ClientData ObjectType="Pict"/></v:shape></xml>')
    d = VmlDrawing(vml)
    ((shape, cell),) = d.note_shapes()
    assert cell == (4, 3)
    d.remove(shape)
    d.add_notes([(6, 1)])
    out = d.to_bytes().decode()
    assert 'id="_x0000_s2049"' in out and '<x:Row>6</x:Row><x:Column>1</x:Column>' in out
    assert 'id="pic"' in out and out.count("<v:shapetype") == 1
    assert [c for _, c in VmlDrawing(out.encode()).note_shapes()] == [(6, 1)]


# --- writing the zip -------------------------------------------------------------------------

def test_zip_members_are_copied_as_stored_and_new_ones_deflated():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.xml", "<a/>" * 100)
        z.writestr(zipfile.ZipInfo("b.bin"), b"\x00" * 10)  # stored
    src = buf.getvalue()
    with zipfile.ZipFile(io.BytesIO(src)) as z:
        members = [copied(src, i) for i in z.infolist()]
    out = write_zip([*members, Member.new("xl/新.xml", "<新/>".encode())])
    with zipfile.ZipFile(io.BytesIO(out)) as z:
        assert z.testzip() is None
        assert z.read("a.xml") == b"<a/>" * 100 and z.read("b.bin") == b"\x00" * 10
        assert z.read("xl/新.xml") == "<新/>".encode()
        assert z.getinfo("b.bin").compress_type == zipfile.ZIP_STORED


# --- what the quick walk must not assume (review of the splice editor, round 6) ---------------

M_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@pytest.mark.parametrize("close", ["</row >", "</row\n>"])
def test_end_tags_with_space_are_read_as_ends(close):
    """``</row >`` is an end tag like ``</row>`` (well-formed XML, written by no spreadsheet
    program): row 2 is not taken for part of row 1, so no second row 2 is written, and clearing
    from row 2 clears it."""
    xml = (f'<worksheet xmlns="{M_NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c>{close}'
           '<row r="2"><c r="A2"><v>2</v></c></row></sheetData></worksheet>').encode()
    ed = SheetEditor(xml)
    ed.set_cells({(1, 1): CellValue(5)})
    out = ed.to_bytes().decode()
    assert out.count('<row r="2"') == 1 and '<c r="A2"><v>2</v></c><c r="B2"><v>5</v></c></row>' in out
    ed = SheetEditor(xml)
    ed.clear_from(1)
    assert '<row r="2"' not in ed.to_bytes().decode()


def test_cell_end_tags_with_space_and_cells_inside_a_cells_extlst():
    spaced = (f'<worksheet xmlns="{M_NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c\n>'
              '<c r="B1"><v>2</v></c><c r="C1"><v>3</v></c ></row></sheetData></worksheet>').encode()
    ed = SheetEditor(spaced)
    ed.set_cells({(0, 1): CellValue(5), (0, 2): CellValue(6)})
    out = ed.to_bytes().decode()
    assert out.count('r="B1"') == 1 and '<c r="B1"><v>5</v></c><c r="C1"><v>6</v></c></row>' in out
    nested = (f'<worksheet xmlns="{M_NS}"><sheetData><row r="1"><c r="A1"><v>1</v><extLst><ext uri="u">'
              '<c r="Z9"><v>9</v></c></ext></extLst></c><c r="B1"><v>2</v></c></row></sheetData></worksheet>')
    ed = SheetEditor(nested.encode())
    ed.set_cells({(0, 1): CellValue(5)})
    assert ed.to_bytes().decode().endswith('<extLst><ext uri="u"><c r="Z9"><v>9</v></c></ext></extLst></c>'
                                           '<c r="B1"><v>5</v></c></row></sheetData></worksheet>')


@pytest.mark.parametrize("xml", [
    # the worksheet's namespace under another prefix (here the default) on a row of an x: sheet
    f'<x:worksheet xmlns:x="{M_NS}"><x:sheetData><row xmlns="{M_NS}" r="1"><c r="A1"><v>1</v></c></row>'
    '</x:sheetData></x:worksheet>',
    # the default prefix bound to another namespace on a cell, spaces around its =
    f'<worksheet xmlns="{M_NS}"><sheetData><row r="1"><c xmlns = "urn:other" r="A1"><v>1</v></c></row>'
    '</sheetData></worksheet>',
])
def test_rows_or_cells_under_other_names_are_refused_not_missed(xml):
    with pytest.raises(SheetShapeError, match="重新声明了命名空间"):
        SheetEditor(xml.encode(), "第1张工作表")


def test_a_harmless_declaration_on_a_row_is_edited():
    xml = (f'<worksheet xmlns="{M_NS}"><sheetData><row r="1" xmlns:x14ac="urn:x14ac" x14ac:dyDescent="0.2">'
           '<c r="A1"><v>1</v></c></row></sheetData></worksheet>')
    ed = SheetEditor(xml.encode())
    ed.set_cells({(0, 0): CellValue(5)})
    assert '<c r="A1"><v>5</v></c>' in ed.to_bytes().decode()


def test_an_external_link_is_known_by_the_prefix_its_id_uses():
    """``r:id`` with ``r`` declared on the worksheet, another prefix for the same namespace declared
    on the link: still the link's relationship (an external link, never replaced as ours)."""
    xml = (f'<worksheet xmlns="{M_NS}" xmlns:r="{R_NS}"><sheetData/><hyperlinks>'
           f'<hyperlink xmlns:r2="{R_NS}" ref="A1" r:id="rId1"/></hyperlinks></worksheet>')
    ed = SheetEditor(xml.encode())
    ed.replace_hyperlinks([], 0)
    assert ed.edited() is None
