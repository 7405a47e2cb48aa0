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

from ..report import Report
from ..values import Formula
from ..workbook import layout
from ..workbook.read import check_marker, check_names
from ..workbook.xlsx import cell_index, resolve_ref


def name_targets(book: Any) -> dict[str, tuple[str, str]]:
    """defined name -> (sheet, 'D7') for every workbook name that points at one cell."""
    sheets = {s.name: s.name for s in book.sheets}
    out: dict[str, tuple[str, str]] = {}
    for name in book.names:
        where = resolve_ref(str(name.refers_to or ""), sheets)
        if where:
            out[name.name] = where
    return out


def read_cells(book: Any, sheet: str, refs: set[str]) -> dict[str, object]:
    """The raw values of these cells of one sheet: a formula as Formula(text, shown value)."""
    at = {ref: cell_index(ref) for ref in refs}
    top = min(r for r, _ in at.values())
    left = min(c for _, c in at.values())
    bottom = max(r for r, _ in at.values())
    right = max(c for _, c in at.values())
    rng = book.sheets[sheet].range(f"{layout.a1(top, left)}:{layout.a1(bottom, right)}")
    values = rng.options(ndim=2, err_to_str=True).value
    formulas = rng.formula
    if isinstance(formulas, str):  # a one-cell rectangle
        formulas = ((formulas,),)
    out: dict[str, object] = {}
    for ref, (r, c) in at.items():
        value = values[r - top][c - left]
        formula = formulas[r - top][c - left]
        if isinstance(formula, str) and formula.startswith("=") and len(formula) > 1:
            value = Formula(formula[1:], value)
        out[ref] = value
    return out


def read_live(book: Any) -> Report:
    """The report data of an open workbook (an xlwings Book). Raises UnusableFile (the reader's
    own messages) when it is not the current standard template."""
    targets = name_targets(book)
    marker = None
    if layout.MARKER_NAME in targets:
        sheet, ref = targets[layout.MARKER_NAME]
        marker = read_cells(book, sheet, {ref})[ref]
    check_marker(marker)
    check_names([n for n in layout.names() if n not in targets])
    by_sheet: dict[str, set[str]] = {}
    where: dict[str, tuple[str, str]] = {}
    for name, key in layout.names().items():
        where[key] = targets[name]
        by_sheet.setdefault(where[key][0], set()).add(where[key][1])
    found = {sheet: read_cells(book, sheet, refs) for sheet, refs in by_sheet.items()}
    raw = {key: found[sheet][ref] for key, (sheet, ref) in where.items()}
    cells = {key: f"{sheet}!{ref}" for key, (sheet, ref) in where.items()}
    return Report.from_raw(raw, str(book.fullname), "live", cells, layout.formulas())

