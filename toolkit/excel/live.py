"""The open workbook, read through xlwings: live values, unsaved edits included.

A thin adapter like the file reader: it finds every key's cell by its defined name, reads raw
values and formulas, and leaves typing and judging to ``Report.from_raw`` and the rules, so a live
book is judged by exactly the code that judges a saved file.

The xlwings calls used are few on purpose (tests/fake_xlwings.py implements exactly these):
``book.fullname``, ``book.sheets`` (iterated; ``.name``), ``book.names`` (iterated; ``.name``,
``.refers_to``), ``sheet.range(address)``, ``range.options(ndim=2, err_to_str=True).value`` and
``range.formula``. Each sheet is read in two calls over the rectangle holding our cells rather
than cell by cell: every call is a round trip to Excel.
"""

from __future__ import annotations

from typing import Any

from ..ooxml.cells import CellPos, area, unquote_sheet
from ..ooxml.workbook import sheet_copy_cell
from ..report import Report
from ..values import Formula
from ..workbook import layout
from ..workbook.read import check_marker, check_names, report_at
from ..workbook.structure import lost_cell


def name_targets(book: Any) -> dict[str, CellPos | None]:
    """defined name -> its cell, for every workbook name that points at one cell of a sheet,
    and None for one whose cell was deleted (``#REF!``). A lost name is read from the sheet-local
    names of a sheet's copy as the file reader does (``Book.resolve``); xlwings names those
    ``'表三 依申请公开'!NB_…``."""
    sheets = {s.name for s in book.sheets}
    out: dict[str, CellPos | None] = {}
    scoped: dict[str, list[tuple[str, CellPos | None]]] = {}
    for name in book.names:
        text = str(name.refers_to or "")
        where = CellPos.find(text)
        where = where if where is not None and where.sheet in sheets else None
        own, bang, local = str(name.name).rpartition("!")
        if bang:
            scoped.setdefault(local, []).append((unquote_sheet(own), where))
        elif where is not None:
            out[name.name] = where
        elif lost_cell(text):
            out[name.name] = None
    for local, found in scoped.items():
        if out.get(local, None) is None and (cell := sheet_copy_cell(found)) is not None:
            out[local] = cell
    return out


def read_cells(book: Any, cells: list[CellPos]) -> dict[CellPos, object]:
    """The raw values of these cells of one sheet: a formula as Formula(text, shown value)."""
    top = min(p.row for p in cells)
    left = min(p.col for p in cells)
    bottom = max(p.row for p in cells)
    right = max(p.col for p in cells)
    rng = book.sheets[cells[0].sheet].range(area(top, left, bottom, right))
    values = rng.options(ndim=2, err_to_str=True).value
    formulas = rng.formula
    if isinstance(formulas, str):  # a one-cell rectangle
        formulas = ((formulas,),)
    out: dict[CellPos, object] = {}
    for p in cells:
        value = values[p.row - top][p.col - left]
        formula = formulas[p.row - top][p.col - left]
        if isinstance(formula, str) and formula.startswith("=") and len(formula) > 1:
            value = Formula(formula[1:], value)
        out[p] = value
    return out


def read_live(book: Any) -> Report:
    """The report data of an open workbook (an xlwings Book). Raises UnusableFile (the reader's
    own messages) when it is not the current standard template."""
    targets = name_targets(book)
    marker = None
    where = targets.get(layout.MARKER_NAME)
    if where:
        marker = read_cells(book, [where])[where]
    check_marker(marker)
    check_names([n for n in layout.names() if n not in targets])
    where_of = {key: targets[name] for name, key in layout.names().items()}
    by_sheet: dict[str, list[CellPos]] = {}
    for p in filter(None, where_of.values()):
        by_sheet.setdefault(p.sheet, []).append(p)
    found: dict[CellPos, object] = {}
    for cells in by_sheet.values():
        found.update(read_cells(book, cells))
    raw = {key: found[p] for key, p in where_of.items() if p is not None}
    return report_at(raw, where_of, str(book.fullname), "live")
