"""Word (.docx) reports, any agency's: paragraphs and tables in body order (python-docx).

python-docx reads the package and each paragraph's text; blocks are read in body order, also inside
content controls (``w:sdt``) and the cells of a layout table (a table holding tables), which some
templates wrap a whole report in. The table grid is laid out here from the XML, as Word lays it
out: a cell spanning columns (``w:gridSpan``) repeats across them, one merged down (``w:vMerge``)
is the cell above it, so every merged cell has one origin. python-docx's own ``row.cells`` refuses
merges Word tolerates (a ``vMerge="continue"`` in the top row, a span past the grid); a published
file is read as Word shows it instead.

Text is read as Word's final view shows it (``final_text``), not as python-docx's ``.text`` gives
it: runs of an unaccepted tracked insertion (``w:ins``) and of an inline content control
(``w:sdt``, 内容控件) are text, a tracked deletion (``w:del``) is not. A
report edited with 修订 on and sent without accepting them is common; its values are in ``w:ins``.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from ..errors import DamagedFile
from ..log import Logger
from . import KINDS
from .document import Cell, Document, Grid, Paragraph, clean_cell

log = Logger(__name__)

KIND = KINDS[".docx"]
MAX_SPAN = 64  # no table of the format is wider; a larger gridSpan is damage, not layout


def read_docx(path: Path) -> Document:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.oxml.ns import qn
    from lxml import etree

    try:
        word = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError, EOFError,
            zlib.error, NotImplementedError, RuntimeError):  # RuntimeError: an encrypted member
        log.debug("python-docx refused %s", path, exc_info=True)
        raise DamagedFile("无法作为 Word 文档（.docx）打开：文件已损坏，或不是 Word 文档；"
                          "旧的 .doc 文件请先在 Word/WPS 中另存为 .docx") from None
    doc = Document(KIND)

    def text_of(element) -> str:  # noqa: ANN001 - an lxml element of the body
        return "\n".join(final_text(p) for p in element.iter(qn("w:p")))

    containers = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:tc")}

    def walk(element) -> None:  # noqa: ANN001 - an lxml element holding blocks
        for child in element.iterchildren():
            if child.tag == qn("w:p"):
                text = clean_cell(final_text(child))
                if text:
                    doc.blocks.append(Paragraph(text))
            elif child.tag == qn("w:tbl"):
                if child.find(".//" + qn("w:tbl")) is not None:  # a layout table: read what it holds
                    for tr in child.iterchildren(qn("w:tr")):
                        walk(tr)
                else:
                    doc.blocks.append(_grid(child, text_of, qn))
            elif child.tag in containers:  # content controls (内容控件), custom XML, a layout cell
                walk(child)

    walk(word.element.body)
    return doc


def _grid(tbl, text_of, qn) -> Grid:  # noqa: ANN001 - lxml element, helpers of python-docx
    rows: list[list[Cell]] = []
    origin = 0
    for tr in tbl.iterchildren(qn("w:tr")):
        row: list[Cell] = []
        for tc in tr.iterchildren(qn("w:tc")):
            props = tc.find(qn("w:tcPr"))
            span = _span(props.find(qn("w:gridSpan")) if props is not None else None, qn)
            merge = props.find(qn("w:vMerge")) if props is not None else None
            col = len(row)
            above = rows[-1][col] if rows and col < len(rows[-1]) else None
            if merge is not None and merge.get(qn("w:val")) in (None, "continue") and above is not None:
                cell = above
            else:
                cell = Cell(clean_cell(text_of(tc)), origin)
                origin += 1
            row.extend([cell] * span)
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    for row in rows:
        while len(row) < width:
            row.append(Cell("", origin))
            origin += 1
    return Grid([r for r in rows if r])


def _span(element, qn) -> int:  # noqa: ANN001
    if element is None:
        return 1
    try:
        return max(1, min(MAX_SPAN, int(str(element.get(qn("w:val"))).strip())))
    except ValueError:
        return 1


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# What a run's pieces show (as python-docx reads them); a <w:br w:type="page"/> shows nothing
_SHOWN = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
# Not text of the paragraph: properties, tracked deletions and moves away, drawings and objects
# (a text box's paragraphs are read as paragraphs of their own, if at all), fallbacks of
# alternate content
_NOT_SHOWN = {f"{_W}{tag}" for tag in ("pPr", "rPr", "del", "moveFrom", "sdtPr", "sdtEndPr", "drawing", "pict",
                                       "object", "delText", "instrText", "fldData")} | {
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"}


def final_text(p) -> str:  # noqa: ANN001 - an lxml <w:p>
    """A paragraph's text in Word's final view: tracked insertions kept, deletions dropped, inline
    content controls, hyperlinks, fields' results and smart tags read through; a content control
    still showing its placeholder (单击此处输入文字) has no text of the user's."""
    out: list[str] = []
    _shown(p, out)
    return "".join(out)


def _shown(element, out: list[str]) -> None:  # noqa: ANN001
    for child in element.iterchildren():
        tag = child.tag
        if tag == f"{_W}t":
            out.append(child.text or "")
        elif tag == f"{_W}br":
            if child.get(f"{_W}type") in (None, "textWrapping"):
                out.append("\n")
        elif tag in _SHOWN:
            out.append(_SHOWN[tag])
        elif tag in _NOT_SHOWN or not isinstance(tag, str):
            continue
        elif tag == f"{_W}sdt" and child.find(f"{_W}sdtPr/{_W}showingPlcHdr") is not None:
            continue
        else:
            _shown(child, out)
