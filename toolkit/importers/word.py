"""Word (.docx) reports, any agency's: paragraphs and tables in body order (python-docx).

python-docx expands merged cells for us (a horizontally merged cell repeats across the columns it
spans, a vertically merged one down its rows), so a Word table is laid out as the grid a reader
sees. Only the XML-level body order is read directly: python-docx lists paragraphs and tables
separately.
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

from ..errors import DamagedFile
from . import KINDS
from .document import Cell, Document, Grid, Paragraph, clean_cell

KIND = KINDS[".docx"]


def read_docx(path: Path) -> Document:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph as DocxParagraph

    try:
        word = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError):
        logging.getLogger(__name__).debug("python-docx refused %s", path, exc_info=True)
        raise DamagedFile("无法作为 Word 文档（.docx）打开：文件已损坏，或不是 Word 文档；"
                          "旧的 .doc 文件请先在 Word/WPS 中另存为 .docx") from None
    doc = Document(KIND)
    for child in word.element.body.iterchildren():
        if child.tag == qn("w:p"):
            text = clean_cell(DocxParagraph(child, word).text)
            if text:
                doc.blocks.append(Paragraph(text))
        elif child.tag == qn("w:tbl"):
            doc.blocks.append(_grid(Table(child, word)))
    return doc


def _grid(table) -> Grid:  # noqa: ANN001 - python-docx's Table
    origins: dict[int, int] = {}
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            origin = origins.setdefault(id(cell._tc), len(origins))
            cells.append(Cell(clean_cell(cell.text), origin))
        rows.append(cells)
    return Grid(rows)
