"""Editing one worksheet part: set some cells, drop the rows below a point, replace hyperlinks,
add or remove a legacy drawing reference.

The part is edited in place (``splice``): one expat pass finds the worksheet's children, its rows
and their cells (byte ranges and attributes); what an edit does not touch is copied byte for byte,
so every namespace declaration and prefix (``mc:Ignorable`` still names prefixes that exist), every
attribute and element stays as it was. Written elements use the part's own prefix and come out as
lxml would write them (the tests pin the bytes). A cell that already holds the value to be written
is left as it is. Work is linear in the size of the part; only the rows looked at are indexed by
column, and a cell's content is read only when asked for.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import NamedTuple
from xml.parsers import expat

from . import splice
from .cells import MAX_COL, BadReference, a1, col_letter, row_index, split_a1
from .sheetread import SheetContext, read_cells
from .xml import MAIN_NS, REL_NS, damaged, escape, read_xml, refuse_dtd

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


class _Scan:
    """One expat pass over a worksheet: the root's children ([name, attrs, start, end event]),
    the rows of sheetData ([attrs, start, end event, cells]), their cells ([attrs, start, end
    event]) and the hyperlinks ([attrs, start, end event]). Names are ``uri}local``.

    Handlers are swapped by where the parser is, so that what is never edited costs no call: no
    start handler inside a cell (a cell holds no cell: its end is the first end of that name), and
    a child of the root other than sheetData and hyperlinks is only counted through."""

    def __init__(self, data: bytes) -> None:
        p = expat.ParserCreate(namespace_separator="}")
        self.top: list[list] = []
        self.rows: list[list] = []
        self.links: list[list] = []
        self.odd_rows: list[int] = []  # rows with children other than cells
        self.root: list = []
        top, rows, links = self.top, self.rows, self.links
        cells: list[list] = []
        depth = 0
        data_tag = cell_tag = links_tag = ""

        def root(name: str, attrs: dict[str, str]) -> None:
            nonlocal data_tag, cell_tag, links_tag
            self.root[:] = [name, attrs, p.CurrentByteIndex, 0]
            ns = name[:name.index("}") + 1] if "}" in name else f"{MAIN_NS}}}"
            data_tag, cell_tag, links_tag = ns + "sheetData", ns + "c", ns + "hyperlinks"
            p.StartElementHandler = at_top
            p.EndElementHandler = end_root

        def at_top(name: str, attrs: dict[str, str]) -> None:
            nonlocal depth
            top.append([name, attrs, p.CurrentByteIndex, 0])
            if name == data_tag:
                p.StartElementHandler = in_data
                p.EndElementHandler = end_data
            elif name == links_tag:
                p.StartElementHandler = in_links
                p.EndElementHandler = end_links
            else:
                depth = 1
                p.StartElementHandler = in_other
                p.EndElementHandler = end_other

        def end_root(name: str) -> None:
            self.root[3] = p.CurrentByteIndex

        def in_other(name: str, attrs: dict[str, str]) -> None:
            nonlocal depth
            depth += 1

        def end_other(name: str) -> None:
            nonlocal depth
            depth -= 1
            if not depth:
                top[-1][3] = p.CurrentByteIndex
                p.StartElementHandler = at_top
                p.EndElementHandler = end_root

        def in_data(name: str, attrs: dict[str, str]) -> None:  # a row (or what else sheetData holds)
            nonlocal cells
            cells = []
            rows.append([attrs, p.CurrentByteIndex, 0, cells, name])
            p.StartElementHandler = in_row

        def in_row(name: str, attrs: dict[str, str]) -> None:
            nonlocal depth
            if name == cell_tag:
                cells.append([attrs, p.CurrentByteIndex, 0])
                p.StartElementHandler = None
                p.EndElementHandler = end_cell
            else:  # (a row's extLst)
                self.odd_rows.append(len(rows) - 1)
                depth = 1
                p.StartElementHandler = in_row_other
                p.EndElementHandler = end_row_other

        def in_row_other(name: str, attrs: dict[str, str]) -> None:
            nonlocal depth
            depth += 1

        def end_row_other(name: str) -> None:
            nonlocal depth
            depth -= 1
            if not depth:
                p.StartElementHandler = in_row
                p.EndElementHandler = end_data

        def end_cell(name: str) -> None:
            if name == cell_tag:
                cells[-1][2] = p.CurrentByteIndex
                p.StartElementHandler = in_row
                p.EndElementHandler = end_data

        def end_data(name: str) -> None:
            if p.StartElementHandler is in_row:  # the row's end
                rows[-1][2] = p.CurrentByteIndex
                p.StartElementHandler = in_data
            else:  # sheetData's end
                top[-1][3] = p.CurrentByteIndex
                p.StartElementHandler = at_top
                p.EndElementHandler = end_root

        def in_links(name: str, attrs: dict[str, str]) -> None:
            nonlocal depth
            links.append([attrs, p.CurrentByteIndex, 0, name])
            depth = 1
            p.StartElementHandler = in_link
            p.EndElementHandler = end_link

        def in_link(name: str, attrs: dict[str, str]) -> None:
            nonlocal depth
            depth += 1

        def end_link(name: str) -> None:
            nonlocal depth
            depth -= 1
            if not depth:
                links[-1][2] = p.CurrentByteIndex
                p.StartElementHandler = in_links
                p.EndElementHandler = end_links

        def end_links(name: str) -> None:
            top[-1][3] = p.CurrentByteIndex
            p.StartElementHandler = at_top
            p.EndElementHandler = end_root

        p.StartElementHandler = root
        p.Parse(data, True)


class _Cell:
    """A cell of a row looked at: its place in the part (``start`` -1 for a new one) and, once
    edited, its new XML."""

    __slots__ = ("attrs", "start", "raw_end", "xml")

    def __init__(self, attrs: dict[str, str], start: int, raw_end: int, xml: bytes | None = None) -> None:
        self.attrs, self.start, self.raw_end, self.xml = attrs, start, raw_end, xml

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.attrs.get(key, default)


class _Row:
    __slots__ = ("attrs", "start", "raw_end", "scanned", "new", "touched", "reordered", "removed", "odd")

    def __init__(self, attrs: dict[str, str], start: int, raw_end: int, scanned: list[list]) -> None:
        self.attrs, self.start, self.raw_end, self.scanned = attrs, start, raw_end, scanned
        self.new = self.touched = self.reordered = self.removed = self.odd = False


class SheetEditor:
    """One worksheet part, scanned once, with its rows indexed by number (0-based)."""

    def __init__(self, data: bytes, label: str = "工作表") -> None:
        self.label = label
        refuse_dtd(data)
        self.data = data = splice.utf8(data)
        try:
            scan = _Scan(data)
        except (expat.ExpatError, ValueError) as exc:
            raise damaged() from exc
        name, _, self.root_start, self.root_raw_end = scan.root
        if name.rsplit("}", 1)[-1] != "worksheet":
            raise SheetShapeError(f"{label}不是工作表")
        self.ns = name[:name.index("}")] if "}" in name else MAIN_NS
        self.top = scan.top
        sheet_data = next((c for c in scan.top if c[0] == f"{self.ns}}}sheetData"), None)
        if sheet_data is None:
            raise SheetShapeError(f"{label}没有单元格区域（sheetData）")
        self.sheet_data = sheet_data
        self.prefix = splice.prefix(data, self.root_start)  # of the main namespace (the root's)
        self.links = scan.links
        self.rows: dict[int, _Row] = {}
        self._r_missing: list[_Row] = []
        row_no = -1
        row_tag = f"{self.ns}}}row"
        for i, (attrs, start, raw_end, cells, tag) in enumerate(scan.rows, 1):
            if tag != row_tag:
                continue
            r = attrs.get("r")
            try:
                row_no = row_index(r, row_no)
            except BadReference:
                raise SheetShapeError(f"{label}的第{i}行行号无效（r=\"{(r or '')[:20]}\"）") from None
            if row_no in self.rows:
                raise SheetShapeError(f"{label}的第{row_no + 1}行出现了两次")
            row = _Row(attrs, start, raw_end, cells)
            if r is None:  # (rows added before it must not move it): written with its r
                self._r_missing.append(row)
            self.rows[row_no] = row
        for i in scan.odd_rows:
            for row in self.rows.values():
                if row.start == scan.rows[i][1]:
                    row.odd = True
        self._cells: dict[int, dict[int, _Cell]] = {}  # row -> col -> cell, for rows looked at
        self._legacy: list | None = next((c for c in self.top if c[0] == f"{self.ns}}}legacyDrawing"), None)
        self._legacy_new: bytes | None = None
        self._legacy_new_id = ""
        self._gone: list[_Row] = []  # rows removed
        self._new_rows = False
        self._legacy_removed = False
        self._links_new: list[bytes] | None = None  # the hyperlinks element's new children
        self._links_removed: set[int] = set()  # indexes in self.links
        self._dimension: str | None = None
        self.dirty = False  # an edit changed something (positions given to cells do not count)

    # --- reading ------------------------------------------------------------------------------

    def cells_of(self, row_no: int) -> dict[int, _Cell]:
        """col -> cell of one row (cells without r are given theirs when the part is written)."""
        if row_no not in self._cells:
            out: dict[int, _Cell] = {}
            row = self.rows.get(row_no)
            col = -1
            for attrs, start, raw_end in row.scanned if row is not None else ():
                ref = attrs.get("r")
                if ref is None:
                    col += 1
                    if col >= MAX_COL:
                        raise SheetShapeError(f"{self.label}第{row_no + 1}行的单元格超出了工作表的范围")
                    assert row is not None
                    row.touched = True  # (its cells get their r)
                else:
                    try:
                        r, col = split_a1(ref)
                    except BadReference:
                        raise SheetShapeError(
                            f"{self.label}第{row_no + 1}行的单元格位置无效（r=\"{ref[:20]}\"）") from None
                    if r != row_no:
                        raise SheetShapeError(f"{self.label}第{row_no + 1}行中有位于其他行的单元格（{ref}）")
                out[col] = _Cell(attrs, start, raw_end)
            self._cells[row_no] = out
        return self._cells[row_no]

    def style_of(self, row: int, col: int) -> str | None:
        """The style index (``s``) of a cell, '0' where it has none, None where it does not exist."""
        c = self.cells_of(row).get(col) if row in self.rows else None
        return None if c is None else c.get("s", "0")

    def number_at(self, row: int, col: int) -> float | None:
        """The number a cell holds (a plain number cell), else None."""
        c = self.cells_of(row).get(col) if row in self.rows else None
        if c is None or c.get("t", "n") != "n" or c.start < 0:
            return None
        v = self._v_text(c)
        if v is None:
            v = next((t for name, t, _ in self._children(c) if name == "v"), None)
        try:
            return float(v) if v else None
        except ValueError:
            return None

    def read(self, wanted: set[tuple[int, int]], ctx: SheetContext) -> dict[tuple[int, int], object]:
        """The values of cells as the part was before any edit (``sheetread.read_cells``)."""
        return read_cells(read_xml(self.data), wanted, ctx)

    def _v_text(self, c: _Cell) -> str | None:
        """The text of a cell whose whole content is one plain ``<v>`` (the usual number cell);
        None for anything else (then ``_children`` tells)."""
        data = self.data
        end = c.raw_end
        te = splice.tag_end(data, c.start)
        if te >= end or data[te] != 60:  # '<'
            return None
        v = self.prefix + b"v"
        close = b"</" + v + b">"
        if data[te + 1:te + 2 + len(v)] != v + b">" or not data.startswith(close, end - len(close)):
            return None
        body = data[te + 2 + len(v):end - len(close)]
        if b"<" in body or b"&" in body:
            return None
        return body.decode()

    def _children(self, c: _Cell) -> list[tuple[str, str, list]]:
        """A cell's child elements in the main namespace (local name, text, the same of its own
        children), from a parse of the cell's bytes (prefixes as the part writes them)."""
        frag = self.data[c.start:splice.element_end(self.data, c.start, c.raw_end)]
        p = expat.ParserCreate()
        stack: list[list] = [["", "", []]]
        pre = self.prefix.decode()

        def start(name: str, attrs: dict[str, str]) -> None:
            el = [name[len(pre):] if name.startswith(pre) and ":" not in name[len(pre):] else "", "", []]
            stack[-1][2].append(el)
            stack.append(el)

        def end(name: str) -> None:
            stack.pop()

        def chars(s: str) -> None:
            stack[-1][1] += s

        p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, chars
        p.Parse(frag, True)
        return [tuple(el) for el in stack[0][2][0][2]]  # type: ignore[misc]

    def _holds(self, c: _Cell, cv: CellValue) -> bool:
        """An existing cell that already holds this value in this style (or, for ``style`` None, in
        its own): left as it is (a LibreOffice-saved mark cell says t="n"; rewriting it, or results
        rows rewritten with the same text, would change bytes for nothing)."""
        if c.xml is not None or c.start < 0:
            return False
        if cv.style is not None and c.get("s", "0") != (cv.style or "0"):
            return False
        v = cv.value
        t = c.get("t", "n")
        data = self.data
        if v is None:
            if t != "n":
                return False
            if splice.is_empty(data, c.start, c.raw_end):
                return True
            return b"<" not in data[splice.tag_end(data, c.start):c.raw_end]
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if t != "n":
                return False
            text = self._v_text(c)
            if text is None:
                kids = self._children(c)
                if len(kids) != 1 or kids[0][0] != "v":
                    return False
                text = kids[0][1]
            try:
                return float(text) == float(v)
            except ValueError:
                return False
        if t != "inlineStr":
            return False
        kids = self._children(c)
        if len(kids) != 1 or kids[0][0] != "is" or len(kids[0][2]) != 1 or kids[0][2][0][0] != "t":
            return False
        return kids[0][2][0][1] == escape(str(v))

    # --- writing ------------------------------------------------------------------------------

    def clear_from(self, first: int, keep: AbstractSet[tuple[int, int]] = frozenset()) -> None:
        """Empty the rows from ``first`` (0-based) down, but for the cells ``keep`` (those about
        to be written: a cell that gets the value it has is then not touched)."""
        keep_cols: dict[int, set[int]] = {}
        for r, c in keep:
            keep_cols.setdefault(r, set()).add(c)
        for n in [n for n in self.rows if n >= first]:
            if n not in keep_cols:
                row = self.rows.pop(n)
                row.removed = True
                if not row.new:
                    self._gone.append(row)
                self._cells.pop(n, None)
                self.dirty = True
                continue
            cells = self.cells_of(n)
            for col in [col for col in cells if col not in keep_cols[n]]:
                del cells[col]
                self.rows[n].touched = True
                self.dirty = True

    def set_cells(self, writes: dict[tuple[int, int], CellValue]) -> None:
        """Set cells ((row, col) 0-based -> value); rows and cells are created where missing."""
        for (r, c), cv in writes.items():
            row = self.rows.get(r)
            if row is None:
                row = self.rows[r] = _Row({"r": str(r + 1)}, -1, -1, [])
                row.new = True
                self._new_rows = True
            cells = self.cells_of(r)
            cell = cells.get(c)
            if cell is not None and self._holds(cell, cv):
                continue  # most marks keep their value: their cells stay as they are
            self.dirty = True
            row.touched = True
            if cell is None:
                cells[c] = _Cell({}, -1, -1, self._cell_xml(r, c, cv.value, cv.style))
                row.reordered = True  # a new cell goes in column order; spans is a hint, now stale
            else:
                style = cv.style if cv.style is not None else cell.get("s")
                cell.xml = self._cell_xml(r, c, cv.value, style)
        if writes:
            self._extend_dimension(max(self.rows), max(c for _, c in writes))

    def _cell_xml(self, r: int, c: int, v: object, style: str | None) -> bytes:
        p = self.prefix.decode()
        s = f' s="{splice.attr(style)}"' if style and style != "0" else ""
        if v is None:
            return f'<{p}c r="{a1(r, c)}"{s}/>'.encode()
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return (f'<{p}c r="{a1(r, c)}"{s} t="inlineStr"><{p}is><{p}t xml:space="preserve">'
                    f'{splice.text(escape(str(v)))}</{p}t></{p}is></{p}c>').encode()
        number = repr(float(v)) if isinstance(v, float) and not v.is_integer() else str(int(v))
        return f'<{p}c r="{a1(r, c)}"{s}><{p}v>{number}</{p}v></{p}c>'.encode()

    def _extend_dimension(self, max_row: int, max_col: int) -> None:
        dim = next((c for c in self.top if c[0] == f"{self.ns}}}dimension"), None)
        if dim is None:
            return
        now = self._dimension if self._dimension is not None else dim[1].get("ref")
        first, _, last = (now or "").partition(":")
        try:
            fr, fc = split_a1(first)
            _, lc = split_a1(last or first)
        except BadReference:
            return
        ref = f"{col_letter(fc)}{fr + 1}:{col_letter(max(lc, max_col))}{max_row + 1}"
        if ref != now:
            self._dimension = ref

    def replace_hyperlinks(self, links: list[tuple[str, str, str]], from_row: int | None) -> None:
        """Drop the internal hyperlinks (no r:id) of the rows from ``from_row`` down and add
        ``links`` (ref, location, display)."""
        block = next((c for c in self.top if c[0] == f"{self.ns}}}hyperlinks"), None)
        link_tag = f"{self.ns}}}hyperlink"
        ours = [i for i, h in enumerate(self.links if block is not None and from_row is not None else ())
                if h[3] == link_tag and h[0].get(f"{REL_NS}}}id") is None and self._link_row(h[0]) >= (from_row or 0)]
        if [(self.links[i][0].get("ref"), self.links[i][0].get("location"), self.links[i][0].get("display"))
                for i in ours] == [(ref, escape(loc), escape(disp)) for ref, loc, disp in links]:
            return  # the same links as before
        if ours:
            self._links_removed.update(ours)
            self.dirty = True
        p = self.prefix.decode()
        self._links_new = [f'<{p}hyperlink ref="{splice.attr(ref)}" location="{splice.attr(escape(location))}" '
                           f'display="{splice.attr(escape(display))}"/>'.encode() for ref, location, display in links]
        if links:
            self.dirty = True

    @staticmethod
    def _link_row(attrs: dict[str, str]) -> int:
        try:
            return split_a1((attrs.get("ref") or "").split(":")[0])[0]
        except BadReference:
            return -1

    def legacy_drawing(self) -> dict[str, str] | None:
        """The attributes of the sheet's legacyDrawing element (``{uri}local`` names), if any."""
        if self._legacy_new is not None:
            return {f"{{{REL_NS}}}id": self._legacy_new_id}
        if self._legacy is None or self._legacy_removed:
            return None
        return {("{" + k if "}" in k else k): v for k, v in self._legacy[1].items()}

    def add_legacy_drawing(self, rid: str) -> None:
        decls = splice.namespaces(self.data, self.root_start)
        p = self.prefix.decode()
        r = decls.get(REL_NS.encode())
        if r is None or r == b"":
            self._legacy_new = f'<{p}legacyDrawing xmlns:ns0="{REL_NS}" ns0:id="{splice.attr(rid)}"/>'.encode()
        else:
            self._legacy_new = f'<{p}legacyDrawing {r.decode()}id="{splice.attr(rid)}"/>'.encode()
        self._legacy_new_id = rid
        self.dirty = True

    def remove_legacy_drawing(self) -> None:
        if self._legacy_new is not None:
            self._legacy_new = None
            self.dirty = True
        elif self._legacy is not None and not self._legacy_removed:
            self._legacy_removed = True
            self.dirty = True

    # --- the new bytes ------------------------------------------------------------------------

    def _end(self, start: int, raw_end: int) -> int:
        return splice.element_end(self.data, start, raw_end)

    def _before_later(self, name: str) -> int:
        """Where a new child ``name`` of the worksheet goes: before the first later one present."""
        later = set(WORKSHEET_ORDER[WORKSHEET_ORDER.index(name) + 1:])
        for child in self.top:
            if child[0].rsplit("}", 1)[-1] in later:
                return child[2]
        return self.root_raw_end

    def _row_bytes(self, row: _Row, row_no: int) -> bytes:
        data = self.data
        p = self.prefix
        cells = self._cells.get(row_no)
        if row.new:
            assert cells is not None
            return (b"<" + p + f'row r="{row_no + 1}">'.encode() + b"".join(self._cell_bytes(c, row_no, col)
                    for col, c in sorted(cells.items())) + b"</" + p + b"row>")
        # the start tag: r given where missing, spans dropped where cells were added
        edits = []
        if row.attrs.get("r") is None:
            at = splice.attribute_at(data, row.start)
            edits.append((at, at, 0, f' r="{row_no + 1}"'.encode()))
        if row.reordered and "spans" in row.attrs:
            for name, ns, _, ve in splice.attributes(data, row.start):
                if name == b"spans":
                    s = ns
                    while data[s - 1] in b" \t\r\n":
                        s -= 1
                    edits.append((s, ve + 1, 0, b""))
        if cells is None or not row.touched:
            end = self._end(row.start, row.raw_end)
            return splice.apply(data, row.start, end, edits)
        empty = splice.is_empty(data, row.start, row.raw_end)
        te = splice.tag_end(data, row.start)
        if empty:
            head = splice.apply(data, row.start, te, edits)
            head = head[:-2].rstrip(b" \t\r\n") + b">"
            tail = b"</" + splice.qname(data, row.start) + b">"
            body = b"".join(self._cell_bytes(c, row_no, col) for col, c in sorted(cells.items()))
            return head + body + tail
        head = splice.apply(data, row.start, te, edits)
        end = self._end(row.start, row.raw_end)
        if row.reordered or not row.scanned:
            # cells in column order, what else the row holds (an extLst) after them
            last = max((self._end(s, e) for _, s, e in row.scanned), default=te)
            first = row.scanned[0][1] if row.scanned else te
            body = b"".join(self._cell_bytes(c, row_no, col) for col, c in sorted(cells.items()))
            return head + data[te:first] + body + data[last:end]
        # cells in place (some replaced, some removed), the bytes between them kept
        by_start = {c.start: (col, c) for col, c in cells.items()}
        out = [head]
        at = te
        for _, s, e in row.scanned:
            out.append(data[at:s])
            at = self._end(s, e)
            hit = by_start.get(s)
            if hit is not None:
                out.append(self._cell_bytes(hit[1], row_no, hit[0]))
        out.append(data[at:end])
        return b"".join(out)

    def _cell_bytes(self, c: _Cell, row_no: int, col: int) -> bytes:
        if c.xml is not None:
            return c.xml
        data = self.data
        end = self._end(c.start, c.raw_end)
        if c.attrs.get("r") is None:
            at = splice.attribute_at(data, c.start)
            return data[c.start:at] + f' r="{a1(row_no, col)}"'.encode() + data[at:end]
        return data[c.start:end]

    def to_bytes(self) -> bytes:
        data = self.data
        edits: list[tuple[int, int, int, bytes]] = []
        if self._dimension is not None:
            dim = next(c for c in self.top if c[0] == f"{self.ns}}}dimension")
            span = next(((vs, ve) for name, _, vs, ve in splice.attributes(data, dim[2]) if name == b"ref"), None)
            if span is not None:
                edits.append((span[0], span[1], 0, splice.attr(self._dimension).encode()))
        self._sheet_data_edits(edits)
        self._hyperlink_edits(edits)
        if self._legacy_removed and self._legacy is not None:
            edits.append((self._legacy[2], self._end(self._legacy[2], self._legacy[3]), 0, b""))
        if self._legacy_new is not None:
            at = self._before_later("legacyDrawing")
            edits.append((at, at, WORKSHEET_ORDER.index("legacyDrawing"), self._legacy_new))
        end = self._end(self.root_start, self.root_raw_end)
        return splice.DECLARATION + splice.apply(data, self.root_start, end, edits)

    def _sheet_data_edits(self, edits: list[tuple[int, int, int, bytes]]) -> None:
        data = self.data
        sd = self.sheet_data
        if self._new_rows:  # every row again, in order
            body = b"".join(self._row_bytes(row, n) for n, row in sorted(self.rows.items()))
            start, raw_end = sd[2], sd[3]
            if splice.is_empty(data, start, raw_end):
                name = splice.qname(data, start)
                edits.append((start, raw_end, 0, splice.open_tag(data, start, raw_end) + body + b"</" + name + b">"))
            else:
                edits.append((splice.tag_end(data, start), raw_end, 0, body))
            return
        for row in self._gone:
            edits.append((row.start, self._end(row.start, row.raw_end), 0, b""))
        changed = {id(r) for r in self._r_missing}
        for n, row in self.rows.items():
            if row.touched or id(row) in changed:
                edits.append((row.start, self._end(row.start, row.raw_end), 0, self._row_bytes(row, n)))

    def _hyperlink_edits(self, edits: list[tuple[int, int, int, bytes]]) -> None:
        if self._links_new is None:
            return
        data = self.data
        block = next((c for c in self.top if c[0] == f"{self.ns}}}hyperlinks"), None)
        if block is None:
            if self._links_new:
                at = self._before_later("hyperlinks")
                p = self.prefix
                edits.append((at, at, WORKSHEET_ORDER.index("hyperlinks"),
                              b"<" + p + b"hyperlinks>" + b"".join(self._links_new) + b"</" + p + b"hyperlinks>"))
            return
        start, end = block[2], self._end(block[2], block[3])
        kept = [i for i in range(len(self.links)) if i not in self._links_removed]
        if not kept and not self._links_new:
            edits.append((start, end, 0, b""))
            return
        if not self._links_removed and not self._links_new:
            return
        if splice.is_empty(data, start, block[3]):
            head, close = splice.open_tag(data, start, block[3]), b"</" + splice.qname(data, start) + b">"
            edits.append((start, end, 0, head + b"".join(self._links_new) + close))
            return
        for i in sorted(self._links_removed):
            h = self.links[i]
            edits.append((h[1], self._end(h[1], h[2]), 0, b""))
        if self._links_new:
            edits.append((block[3], block[3], 0, b"".join(self._links_new)))

    def edited(self) -> bytes | None:
        """The part's new bytes, or None when the edits changed nothing (every cell already held
        its value): then the part is kept byte for byte."""
        return self.to_bytes() if self.dirty else None
