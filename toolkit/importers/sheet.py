"""A unit's own spreadsheet (.xlsx that is not our template) holding the official tables (openpyxl).

Each sheet is cut into blocks at empty rows: a block whose rows hold one cell each is text (a
title, a heading, a paragraph), any other block is a table; a row holding only a section heading
or the title is text even with a table right under it (no empty row between). The tables are then
found by their labels like every other document's. Merged cells are expanded; a value read from a cell names
the sheet and the cell (工作表“表三”!D7). Formulas are read as the values the spreadsheet last
showed (what the unit saw and sent).
"""

from __future__ import annotations

import datetime as _dt
import zipfile
from pathlib import Path

from ..errors import DamagedFile
from . import KINDS
from .document import Cell, Document, Grid, Paragraph, clean_cell
from .tables import heading_number, is_title, run_in_heading_number

KIND = KINDS[".xlsx"]
MAX_ROWS, MAX_COLS = 2000, 60  # an official table is far smaller: a runaway used range is cut


def read_sheet(path: Path) -> Document:
    import openpyxl
    from openpyxl.utils import get_column_letter
    try:
        wb = openpyxl.load_workbook(str(path), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DamagedFile(f"无法作为电子表格打开（{type(exc).__name__}）") from None
    doc = Document(KIND)
    for ws in wb.worksheets:
        n_rows, n_cols = min(ws.max_row, MAX_ROWS), min(ws.max_column, MAX_COLS)
        origin_of: dict[tuple[int, int], tuple[int, int]] = {}
        for rng in ws.merged_cells.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    origin_of[(r, c)] = (rng.min_row, rng.min_col)
        values = {(cell.row, cell.column): cell.value
                  for row in ws.iter_rows(min_row=1, max_row=n_rows, max_col=n_cols) for cell in row
                  if cell.value is not None}
        rows: list[list[Cell]] = []
        for r in range(1, n_rows + 1):
            row = []
            for c in range(1, n_cols + 1):
                orow, ocol = origin_of.get((r, c), (r, c))
                text = _text(values.get((orow, ocol)))
                place = f"工作表“{ws.title}”{get_column_letter(ocol)}{orow}"
                row.append(Cell(text, orow * (MAX_COLS + 1) + ocol + len(doc.blocks) * 10**7, place))
            rows.append(row)
        _blocks(doc, rows)
    return doc


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()[:10]
    return clean_cell(str(value))


def _blocks(doc: Document, rows: list[list[Cell]]) -> None:
    block: list[list[Cell]] = []

    def flush() -> None:
        if not block:
            return
        if all(len({c.origin for c in row if c.text}) <= 1 for row in block):
            doc.blocks.extend(_paragraph(row) for row in block)
        else:
            # a paragraph right under a table (no empty row between: a web page saved as a
            # workbook): a sentence in one cell after the table's last row of several cells
            last = max(i for i, row in enumerate(block) if len({c.origin for c in row if c.text}) > 1)
            tail = next((i for i in range(last + 1, len(block)) if _sentence(_paragraph(block[i]).text)), len(block))
            doc.blocks.append(_grid(block[:tail]))
            doc.blocks.extend(_paragraph(row) for row in block[tail:])
        block.clear()

    for row in rows:
        texts = {c.origin: c for c in row if c.text}
        if len(texts) == 1 and _heading_or_title(next(iter(texts.values())).text):
            flush()
            doc.blocks.append(_paragraph(row))
        elif texts:
            block.append(row)
        else:
            flush()
    flush()


def _paragraph(row: list[Cell]) -> Paragraph:
    cell = next((c for c in row if c.text), Cell("", 0))
    return Paragraph(cell.text, cell.page)


def _grid(block: list[list[Cell]]) -> Grid:
    """The block's rows as the table a document draws: a column only where a cell starts. A web
    page opened in Calc spreads each cell of its tables over several sheet columns (merged), the
    columns of every table on the sheet cut where any of them has an edge; a column that only
    continues the merged cell on its left in every row, or is empty in every row, is no column of
    the table (the table readers count and place columns as in a Word or web table)."""
    width = max(len(row) for row in block)
    keep = [j for j in range(width)
            if any(j < len(row) and row[j].text for row in block)
            and not (j and all(j < len(row) and row[j].origin == row[j - 1].origin for row in block))]
    rows = [[row[j] for j in keep if j < len(row)] for row in block]
    return Grid(rows, rows[0][0].page)


def _sentence(text: str) -> bool:
    """A paragraph's text, never a table's label: a full stop, or longer than any label."""
    return "。" in text or len(text) > 60


def _heading_or_title(text: str) -> bool:
    return (len(text) <= 60 and (heading_number(text) is not None or is_title(text))
            or run_in_heading_number(text) is not None)
