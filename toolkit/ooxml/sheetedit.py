"""Editing one worksheet part: set some cells, drop the rows below a point, replace hyperlinks,
add a legacy drawing reference.

The part is parsed with lxml, which keeps every namespace declaration and prefix as it was (so
``mc:Ignorable`` still names prefixes that exist), every attribute and every element it is not
asked to change. A cell that already holds the number to be written is left as it is. Work is
linear in the rows and cells of the sheet.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import NamedTuple

from lxml import etree

from .cells import MAX_COL, BadReference, a1, col_letter, row_index, split_a1
from .partedit import Element, parse_xml, to_bytes
from .xml import MAIN_NS, REL_NS, XML_NS, escape, local, ns_of

# CT_Worksheet's children in schema order (ECMA-376 Part 1, 18.3.1.99): Excel refuses a sheet whose
# elements are out of this order, so an element we add goes before the first later one present.
WORKSHEET_ORDER = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState",
    "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting",
    "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
    "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags",
    "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects",
    "controls", "webPublishItems", "tableParts", "extLst")


class SheetShapeError(Exception):
    """The part does not look like a worksheet this module can edit safely (the message, in
    Chinese, says what)."""


class CellValue(NamedTuple):  # (not a frozen dataclass: a fifth of the cost at each start)
    """What to put in a cell: a number, a text, or nothing; ``style`` None keeps the cell's own."""

    value: str | int | float | None
    style: str | None = None


def insert_in_order(root: Element, el: Element) -> None:
    """Insert ``el`` (a child of the worksheet) where the schema order puts it."""
    later = set(WORKSHEET_ORDER[WORKSHEET_ORDER.index(local(el.tag)) + 1:])
    for i, child in enumerate(root):
        if local(child.tag) in later:
            root.insert(i, el)
            return
    root.append(el)


def _holds(c: Element, cv: CellValue, ns: str) -> bool:
    """An existing cell that already holds this value in this style (or, for ``style`` None, in
    its own): left as it is (a LibreOffice-saved mark cell says t="n"; rewriting it, or results
    rows rewritten with the same text, would change bytes for nothing)."""
    if cv.style is not None and c.get("s", "0") != (cv.style or "0"):
        return False
    v = cv.value
    t = c.get("t", "n")
    if v is None:
        return len(c) == 0 and t == "n"
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        if t != "n" or len(c) != 1 or c[0].tag != ns + "v":
            return False
        try:
            return float(c[0].text or "") == float(v)
        except ValueError:
            return False
    if t != "inlineStr" or len(c) != 1 or c[0].tag != ns + "is" or len(c[0]) != 1 or c[0][0].tag != ns + "t":
        return False
    return (c[0][0].text or "") == escape(str(v))


class SheetEditor:
    """One worksheet part, parsed once, with its rows indexed by number (0-based)."""

    def __init__(self, data: bytes, label: str = "工作表") -> None:
        self.label = label
        self.root = parse_xml(data)
        if local(self.root.tag) != "worksheet":
            raise SheetShapeError(f"{label}不是工作表")
        self.ns = ns_of(self.root) or f"{{{MAIN_NS}}}"
        data_el = self.root.find(self.ns + "sheetData")
        if data_el is None:
            raise SheetShapeError(f"{label}没有单元格区域（sheetData）")
        self.data = data_el
        self.rows: dict[int, Element] = {}
        row_no = -1
        for i, row in enumerate(data_el.iterchildren(self.ns + "row"), 1):
            r = row.get("r")
            try:
                row_no = row_index(r, row_no)
            except BadReference:
                raise SheetShapeError(f"{label}的第{i}行行号无效（r=\"{(r or '')[:20]}\"）") from None
            if row_no in self.rows:
                raise SheetShapeError(f"{label}的第{row_no + 1}行出现了两次")
            if r is None:  # (rows added before it must not move it)
                row.set("r", str(row_no + 1))
            self.rows[row_no] = row
        self._cells: dict[int, dict[int, Element]] = {}  # row -> col -> cell, for rows looked at
        self.dirty = False  # an edit changed something (positions given to cells do not count)

    def _t(self, name: str) -> str:
        return self.ns + name

    def cells_of(self, row_no: int) -> dict[int, Element]:
        """col -> cell element of one row (cells without r are given theirs)."""
        if row_no not in self._cells:
            out: dict[int, Element] = {}
            row = self.rows.get(row_no)
            col = -1
            for c in row.iterchildren(self._t("c")) if row is not None else ():
                ref = c.get("r")
                if ref is None:
                    col += 1
                    if col >= MAX_COL:
                        raise SheetShapeError(f"{self.label}第{row_no + 1}行的单元格超出了工作表的范围")
                    c.set("r", a1(row_no, col))
                else:
                    try:
                        r, col = split_a1(ref)
                    except BadReference:
                        raise SheetShapeError(
                            f"{self.label}第{row_no + 1}行的单元格位置无效（r=\"{ref[:20]}\"）") from None
                    if r != row_no:
                        raise SheetShapeError(f"{self.label}第{row_no + 1}行中有位于其他行的单元格（{ref}）")
                out[col] = c
            self._cells[row_no] = out
        return self._cells[row_no]

    def style_of(self, row: int, col: int) -> str | None:
        """The style index (``s``) of a cell, '0' where it has none, None where it does not exist."""
        c = self.cells_of(row).get(col) if row in self.rows else None
        return None if c is None else c.get("s", "0")

    def number_at(self, row: int, col: int) -> float | None:
        """The number a cell holds (a plain number cell), else None."""
        c = self.cells_of(row).get(col) if row in self.rows else None
        if c is None or c.get("t", "n") != "n":
            return None
        v = c.find(self._t("v"))
        try:
            return float(v.text) if v is not None and v.text else None
        except ValueError:
            return None

    # --- writing ------------------------------------------------------------------------------

    def clear_from(self, first: int, keep: AbstractSet[tuple[int, int]] = frozenset()) -> None:
        """Empty the rows from ``first`` (0-based) down, but for the cells ``keep`` (those about
        to be written: a cell that gets the value it has is then not touched)."""
        keep_cols: dict[int, set[int]] = {}
        for r, c in keep:
            keep_cols.setdefault(r, set()).add(c)
        for n in [n for n in self.rows if n >= first]:
            if n not in keep_cols:
                self.data.remove(self.rows.pop(n))
                self._cells.pop(n, None)
                self.dirty = True
                continue
            cells = self.cells_of(n)
            for col in [col for col in cells if col not in keep_cols[n]]:
                self.rows[n].remove(cells.pop(col))
                self.dirty = True

    def set_cells(self, writes: dict[tuple[int, int], CellValue]) -> None:
        """Set cells ((row, col) 0-based -> value); rows and cells are created where missing."""
        new_rows = False
        touched_rows: set[int] = set()
        for (r, c), cv in writes.items():
            if r not in self.rows:
                row = etree.SubElement(self.data, self._t("row"), r=str(r + 1))
                self.rows[r] = row
                new_rows = True
            cells = self.cells_of(r)
            cell = cells.get(c)
            if cell is not None and _holds(cell, cv, self.ns):
                continue  # most marks keep their value: their cells stay as they are
            self.dirty = True
            if cell is None:
                cell = etree.SubElement(self.rows[r], self._t("c"))
                cells[c] = cell
                touched_rows.add(r)
                style = cv.style
            else:
                style = cv.style if cv.style is not None else cell.get("s")
                for k in list(cell.attrib):
                    del cell.attrib[k]
                for child in list(cell):
                    cell.remove(child)
            self._fill(cell, r, c, cv.value, style)
        for r in touched_rows:  # a new cell goes in column order; spans is a hint, now stale
            row = self.rows[r]
            row.attrib.pop("spans", None)  # type: ignore[call-overload]  # lxml-stubs lack pop(k, default)
            for _, cell in sorted(self.cells_of(r).items()):
                row.append(cell)
        if new_rows:
            for _, row in sorted(self.rows.items()):
                self.data.append(row)
        if writes:
            self._extend_dimension(max(self.rows), max(c for _, c in writes))

    def _fill(self, cell: Element, r: int, c: int, v: object, style: str | None) -> None:
        cell.set("r", a1(r, c))
        if style and style != "0":
            cell.set("s", style)
        if v is None:
            return
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            cell.set("t", "inlineStr")
            t = etree.SubElement(etree.SubElement(cell, self._t("is")), self._t("t"))
            t.set(f"{{{XML_NS}}}space", "preserve")
            t.text = escape(str(v))
            return
        number = repr(float(v)) if isinstance(v, float) and not v.is_integer() else str(int(v))
        etree.SubElement(cell, self._t("v")).text = number

    def _extend_dimension(self, max_row: int, max_col: int) -> None:
        dim = self.root.find(self._t("dimension"))
        if dim is None:
            return
        first, _, last = (dim.get("ref") or "").partition(":")
        try:
            fr, fc = split_a1(first)
            _, lc = split_a1(last or first)
        except BadReference:
            return
        ref = f"{col_letter(fc)}{fr + 1}:{col_letter(max(lc, max_col))}{max_row + 1}"
        if ref != dim.get("ref"):
            dim.set("ref", ref)

    def replace_hyperlinks(self, links: list[tuple[str, str, str]], from_row: int | None) -> None:
        """Drop the internal hyperlinks (no r:id) of the rows from ``from_row`` down and add
        ``links`` (ref, location, display)."""
        block = self.root.find(self._t("hyperlinks"))
        ours = [h for h in (block if block is not None and from_row is not None else ())
                if h.get(f"{{{REL_NS}}}id") is None and self._link_row(h) >= (from_row or 0)]
        if [(h.get("ref"), h.get("location"), h.get("display")) for h in ours] == [
                (ref, escape(loc), escape(disp)) for ref, loc, disp in links]:
            return  # the same links as before
        for h in ours:
            assert block is not None
            block.remove(h)
            self.dirty = True
        if links and block is None:
            block = etree.Element(self._t("hyperlinks"))
            insert_in_order(self.root, block)
        for ref, location, display in links:
            assert block is not None
            etree.SubElement(block, self._t("hyperlink"), ref=ref, location=escape(location),
                             display=escape(display))
            self.dirty = True
        if block is not None and len(block) == 0:
            self.root.remove(block)

    @staticmethod
    def _link_row(h: Element) -> int:
        try:
            return split_a1((h.get("ref") or "").split(":")[0])[0]
        except BadReference:
            return -1

    def legacy_drawing(self) -> Element | None:
        return self.root.find(self._t("legacyDrawing"))

    def add_legacy_drawing(self, rid: str) -> None:
        el = etree.Element(self._t("legacyDrawing"))
        el.set(f"{{{REL_NS}}}id", rid)
        insert_in_order(self.root, el)
        self.dirty = True

    def remove_legacy_drawing(self) -> None:
        el = self.legacy_drawing()
        if el is not None:
            self.root.remove(el)
            self.dirty = True

    def to_bytes(self) -> bytes:
        return to_bytes(self.root)

    def edited(self) -> bytes | None:
        """The part's new bytes, or None when the edits changed nothing (every cell already held
        its value): then the part is kept byte for byte."""
        return to_bytes(self.root) if self.dirty else None
