"""Plain text of a report (.txt): copied from a page, or a crawler's or converter's output.

Best effort, and honest about it. Two table shapes are recognised: one cell per line, each
indented by a tab, a blank line between rows (what converters of Word files write); and one row
per line with its cells separated by tabs or by runs of spaces. A text has no columns, so values
are matched to the official columns by their order only, and only when a row has exactly as
many values as the table has columns; otherwise the row is not read and the import says why
(a guess would be worse than a blank).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..safetext import chinese_text
from . import KINDS
from .document import Cell, Document, Grid, Paragraph, clean_cell

KIND = KINDS[".txt"]

_ARTIFACTS = re.compile(r"\[bookmark: [^\]]*\]")
_SPLIT = re.compile(r"\t+| {2,}|\u3000{2,}")
_SPACED_NUMBERS = re.compile(r"^(.*?\D)\s+((?:[-—/／\d.]+\s+)*[-—/／\d.]+)\s*$")


def decode_text(data: bytes) -> str:
    """UTF-8 or GB18030 (``safetext.chinese_text``), else GB18030 with what it cannot read replaced."""
    text = chinese_text(data)
    return text if text is not None else data.decode("gb18030", errors="replace")


def read_text(path: Path) -> Document:
    return parse_text(decode_text(path.read_bytes()))


def parse_text(text: str) -> Document:
    doc = Document(KIND)
    lines = _ARTIFACTS.sub("", text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rows: list[list[str]] = []  # the table being read
    row: list[str] | None = None  # a row of tab-indented cell lines

    def end_row() -> None:
        nonlocal row
        if row is not None:
            rows.append(row)
            row = None

    def end_table() -> None:
        end_row()
        if rows:
            doc.blocks.append(_grid(rows))
            rows.clear()

    for line in lines:
        if line.startswith("\t"):  # one cell per line
            if row is None:
                row = []
            row.append(clean_cell(line))
            continue
        if not line.strip():
            end_row()  # a blank line ends a row; the table goes on until text that is no cell
            continue
        cells = _cells(line)
        if len(cells) > 1:
            end_row()
            rows.append(cells)
            continue
        end_table()
        doc.blocks.append(Paragraph(clean_cell(line)))
    end_table()
    return doc


def _cells(line: str) -> list[str]:
    """A line's cells: split at tabs or runs of spaces; or a label followed by numbers."""
    parts = [p.strip() for p in _SPLIT.split(line.strip()) if p.strip()]
    if len(parts) > 1:
        return parts
    m = _SPACED_NUMBERS.match(line.strip())
    if m and len(m.group(1).strip()) >= 2:
        return [m.group(1).strip(), *m.group(2).split()]
    return parts


def _grid(rows: list[list[str]]) -> Grid:
    origin = 0
    out = []
    for texts in rows:
        cells = []
        for t in texts:
            cells.append(Cell(t, origin))
            origin += 1
        out.append(cells)
    return Grid(out, aligned=False)
