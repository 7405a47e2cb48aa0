"""Reading cell values from a worksheet part.

Only the cells asked for are turned into values; the rest of the sheet is walked for positions
(rows and cells without an ``r`` take the place after their predecessor) and, where the sheet has
shared formulas, for their anchors. A position that cannot be read is a reason in words, naming
the sheet and the row ("第3张工作表的第5行行号无效"), never a Python error.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import NamedTuple

from ..errors import DamagedFile
from ..lazyre import lazy
from .cells import MAX_COL, MAX_ROW, BadReference, a1, col_index, col_letter, row_index, split_a1
from .formula import Formula
from .strings import string_item
from .xml import Element, ns_of, unescape

_MAX_INT_DIGITS = 4000  # Python refuses to read longer digit strings as int; they are floats


class SheetContext(NamedTuple):  # (not a frozen dataclass: a fifth of the cost at each start)
    """What turns a cell's XML into a value, and how to name the sheet in a reason."""

    strings: list[str]
    date_styles: set[int]
    date1904: bool
    label: str  # "第3张工作表（表三 依申请公开）"


def _bad(ctx: SheetContext, what: str) -> DamagedFile:
    return DamagedFile(f"{ctx.label}{what}，无法读取：请在 Excel/WPS 中打开并另存后再发送")


def read_cells(root: Element, wanted: set[tuple[int, int]], ctx: SheetContext,
               has_shared: bool = True) -> dict[tuple[int, int], object]:
    """The raw values of the ``wanted`` (row, col) cells, 0-based (absent cells are left out).

    A formula comes back as ``Formula(text, cached value)``; a number in a date format as a
    date; text with its escapes undone. ``has_shared`` False (the part's bytes have no shared
    formula) spares the walk for their anchors."""
    ns = ns_of(root)
    data = root.find(ns + "sheetData")
    out: dict[tuple[int, int], object] = {}
    if data is None:
        return out
    f_tag, v_tag, is_tag, row_tag = ns + "f", ns + "v", ns + "is", ns + "row"
    # Cells are matched by their r text; a position is computed only for a cell without one.
    by_ref = {a1(r, c): (r, c) for r, c in wanted}
    rows = {r for r, _ in wanted}
    # Shared formulas (Excel's fill-down) name their anchor in a cell we may not need.
    shared: dict[str, tuple[tuple[int, int], str]] = {}  # si -> (anchor, formula text)
    row_no = -1
    for i, row in enumerate((r for r in data if r.tag == row_tag), 1):
        try:
            row_no = row_index(row.get("r"), row_no)
        except BadReference as exc:
            raise _bad(ctx, f"的第{i}行行号无效（r=\"{str(exc)[:20]}\"）") from None
        if not has_shared and row_no not in rows:
            continue  # (cells of a row always lie in that row: a stray r is no concern of ours)
        col_no = -1
        last_ref = None  # the last cell's own r: its column is computed only when needed
        for c in row:
            ref = c.get("r")
            if ref is not None:
                last_ref = ref
                at = by_ref.get(ref)  # None: a cell we do not need
                if at is None and not has_shared:
                    continue  # (most cells of a row: the template's hidden check columns)
            else:
                if last_ref is not None:
                    col_no = _position(last_ref, row_no, ctx)[1]
                    last_ref = None
                col_no += 1
                if col_no >= MAX_COL:
                    raise _bad(ctx, f"第{row_no + 1}行的单元格超出了工作表的范围")
                at = (row_no, col_no) if (row_no, col_no) in wanted else None
            f_el = v_el = is_el = None
            if has_shared or at is not None:
                for child in c:  # (faster than three finds: lxml's find is pure Python)
                    tag = child.tag
                    if tag == v_tag:
                        v_el = child
                    elif tag == f_tag:
                        f_el = child
                    elif tag == is_tag:
                        is_el = child
            if has_shared and f_el is not None and f_el.get("t") == "shared" and f_el.text and f_el.get("si"):
                anchor = at or (_position(ref, row_no, ctx) if ref is not None else (row_no, col_no))
                shared[f_el.get("si", "")] = (anchor, f_el.text)
            if at is None:
                continue
            value = _value(c, v_el, is_el, ctx, at)
            if f_el is not None:
                text = f_el.text or ""
                if not text and f_el.get("t") == "shared" and f_el.get("si") in shared:
                    anchor, master = shared[f_el.get("si", "")]
                    text = shift_formula(master, anchor, at)
                value = Formula(text, value)
            out[at] = value
    return out


def _position(ref: str, row_no: int, ctx: SheetContext) -> tuple[int, int]:
    try:
        return split_a1(ref)
    except BadReference:
        raise _bad(ctx, f"第{row_no + 1}行的单元格位置无效（r=\"{ref[:20]}\"）") from None


def _number(text: str) -> int | float:
    # isdecimal, not isdigit: int() refuses superscripts ("²"), which isdigit accepts
    if (text.isdecimal() or (text[:1] == "-" and text[1:].isdecimal())) and len(text) <= _MAX_INT_DIGITS:
        return int(text)
    return float(text)


def _value(c: Element, v_el: Element | None, is_el: Element | None, ctx: SheetContext,
           at: tuple[int, int]) -> object:
    t = c.get("t", "n")
    if t == "inlineStr":
        return string_item(is_el) if is_el is not None else None
    if v_el is None or v_el.text is None:
        return None
    text = v_el.text
    if t == "s":
        try:
            return ctx.strings[int(text)]
        except (ValueError, IndexError):
            return None
    if t in ("str", "e"):
        return unescape(text)
    if t == "b":
        return text.strip() in ("1", "true")
    if t == "d":
        try:
            return _dt.datetime.fromisoformat(text)
        except ValueError:
            return text
    try:
        number = _number(text)
    except ValueError:
        return unescape(text)
    style = c.get("s")
    if style and style != "0":
        if not style.isdecimal():
            where = f"{col_letter(at[1])}{at[0] + 1}"
            raise _bad(ctx, f"单元格 {where} 的格式编号无效（s=\"{style[:20]}\"）")
        if int(style) in ctx.date_styles:
            return serial_to_date(float(number), ctx.date1904)
    return number


def serial_to_date(serial: float, date1904: bool = False) -> _dt.date | _dt.datetime | float:
    """An Excel date serial as a date; a number no date can be (99999999 typed into a date
    cell) stays the number, for the rules to report."""
    base = _dt.datetime(1904, 1, 1) if date1904 else _dt.datetime(1899, 12, 30)
    try:
        when = base + _dt.timedelta(days=serial)
    except (OverflowError, ValueError):
        return serial
    return when.date() if serial == int(serial) else when


_REF_IN_FORMULA = lazy(r"(\"[^\"]*\")|(?<![A-Za-z_\d.])(\$?)([A-Z]{1,3})(\$?)(\d+)(?![\d(A-Za-z_])")


def shift_formula(formula: str, anchor: tuple[int, int], target: tuple[int, int]) -> str:
    """A shared formula's text as it applies at ``target``: relative references move by the
    distance from the anchor cell (how Excel stores formulas filled across a range). A reference
    moved off the sheet becomes #REF!, as in Excel."""
    dr, dc = target[0] - anchor[0], target[1] - anchor[1]

    def move(m: re.Match[str]) -> str:
        if m.group(1):
            return m.group(1)
        col_abs, col, row_abs, row = m.group(2), m.group(3), m.group(4), int(m.group(5)) - 1
        c = col_index(col)
        if not col_abs:
            c += dc
        if not row_abs:
            row += dr
        if not (0 <= c < MAX_COL and 0 <= row < MAX_ROW):
            return "#REF!"
        return f"{col_abs}{col_letter(c)}{row_abs}{row + 1}"

    return _REF_IN_FORMULA.sub(move, formula)
