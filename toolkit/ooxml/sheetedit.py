"""Editing one worksheet part: set some cells, drop the rows below a point, replace hyperlinks,
add or remove a legacy drawing reference.

The part is edited in place (``splice``): one expat pass cuts it into its tags and text, and the
worksheet's children, rows and cells are found among them (a cell's end by its end tag: a cell
holds no cell); what an edit does not touch is copied as written, so every namespace declaration
and prefix (``mc:Ignorable`` still names prefixes that exist), every attribute and element stays
as it was. Written elements use the part's own prefix and come out as lxml would write them (the
tests pin the bytes). A cell that already holds the value to be written is left as it is. Work is
linear in the size of the part; only the rows looked at are indexed by column, and a cell's
content is read only when asked for.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from typing import NamedTuple

from . import splice
from .cells import MAX_COL, BadReference, a1, col_letter, row_index, split_a1
from .sheetread import SheetContext, read_cells
from .xml import MAIN_NS, REL_NS, escape, read_xml

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


class _Odd(Exception):
    """The quick walk met something it does not expect (a comment among rows, CDATA, the main
    prefix declared again inside sheetData): the exact walk takes over."""


_NAME_END = " \t\r\n/>"
# An end tag with space before its ">" (well-formed, written by no spreadsheet program): found in the
# part's bytes only to choose the exact walk, so a match elsewhere (in a comment) costs nothing but time.
_SPACED_END_TAG = re.compile(rb"</[^\s<>]+\s")  # (used by every edit: compiled now)


def _spaced_end_tag(data: bytes) -> bool:
    """Whether the part has an end tag with space before its ">" (the pattern only where a space
    comes before a ">" at all: a byte search, which usually ends it)."""
    return any(s in data for s in (b" >", b"\n>", b"\t>", b"\r>")) and _SPACED_END_TAG.search(data) is not None


def _blank(tok: str) -> bool:
    return tok[0] != "<" and not tok.strip()


class SheetEditor:
    """One worksheet part, cut into its tags once (``splice.tokens``), with its rows indexed by
    number (0-based). Positions are indexes into ``parts``; a row is [start, end, cells], a cell
    [start, end, new XML or None] (end == start for an empty-element tag)."""

    def __init__(self, data: bytes, label: str = "工作表") -> None:
        self.label = label
        self.data = data
        parts = self.parts = splice.tokens(data)
        ri, self.root_end = splice.root_span(parts)
        root = parts[ri]
        name = splice.name_of(root)
        self.prefix = p = name[:name.index(":") + 1] if ":" in name else ""
        if name[len(p):] != "worksheet":
            raise SheetShapeError(f"{label}不是工作表")
        decls = splice.attributes_of(root)
        self.ns = decls.get(f"xmlns:{p[:-1]}" if p else "xmlns") or MAIN_NS
        self.rel = next((k[6:] + ":" for k, v in decls.items() if v == REL_NS and k.startswith("xmlns:")), None)
        self.root_i = ri
        self.top: list[list] = []  # [qname, start, end] of each child of the worksheet
        self.links: list[list] = []  # [start, end] of each child of hyperlinks
        scanned: list[list] = []
        try:
            self._walk(scanned, quick=True)
        except (_Odd, ValueError, IndexError):
            self.top, self.links, scanned = [], [], []
            self._walk(scanned, quick=False)
        sheet_data = self._child("sheetData")
        if sheet_data is None:
            raise SheetShapeError(f"{label}没有单元格区域（sheetData）")
        self.sheet_data = sheet_data
        self.rows: dict[int, list] = {}
        self._r_missing: set[int] = set()  # (starts of) rows written without r: given theirs
        row_no = -1
        row_r = f'<{p}row r="'
        n = len(row_r)
        for i, row in enumerate(scanned, 1):
            tag = parts[row[0]]
            if tag.startswith(row_r) and "&" not in tag:  # (r first, the usual writing)
                r: str | None = tag[n:tag.index('"', n)]
            else:
                r = splice.attribute(tag, "r")
            try:
                row_no = row_index(r, row_no)
            except BadReference:
                raise SheetShapeError(f"{label}的第{i}行行号无效（r=\"{(r or '')[:20]}\"）") from None
            if row_no in self.rows:
                raise SheetShapeError(f"{label}的第{row_no + 1}行出现了两次")
            if r is None:  # (rows added before it must not move it)
                self._r_missing.add(row[0])
            self.rows[row_no] = row
        self._cells: dict[int, dict[int, list]] = {}  # row -> col -> cell, for rows looked at
        self._touched: set[int] = set()  # rows whose cells change (or get their r)
        self._reordered: set[int] = set()  # rows with new cells (column order, spans dropped)
        self._new: dict[int, list] = {}  # rows made here
        self._gone: list[list] = []  # rows removed
        self._legacy = self._child("legacyDrawing")
        self._legacy_new: str | None = None
        self._legacy_new_id = ""
        self._legacy_removed = False
        self._links_new: list[str] | None = None  # new hyperlink elements, once replaced
        self._links_removed: set[int] = set()  # indexes in self.links
        self._dimension: str | None = None
        self.dirty = False  # an edit changed something (positions given to cells do not count)

    def _child(self, local: str) -> list | None:
        q = self.prefix + local
        return next((c for c in self.top if c[0] == q), None)

    def _walk(self, rows: list[list], quick: bool) -> None:
        """The worksheet's children, its rows and hyperlinks. ``quick``: an element's end is the
        first end tag of its name (the worksheet's children and rows never hold their own kind;
        _Odd where the sheet is not so simple), and a row's cells are found when it is looked
        at; else every tag is followed and the cells found now."""
        parts, p = self.parts, self.prefix
        if quick and ("<![CDATA[" in parts or _spaced_end_tag(self.data)):
            raise _Odd  # (an end tag `</row >` is not the `</row>` the quick walk looks for)
        data_q, links_q = p + "sheetData", p + "hyperlinks"
        i = self.root_i + 1
        while i < self.root_end:
            tok = parts[i]
            if tok[0] != "<" or tok[1] in "!?":
                i += 1
                continue
            name = splice.name_of(tok)
            if name == data_q and not tok.endswith("/>"):
                end = self._rows_quick(i, rows) if quick else self._rows_exact(i, rows)
            elif name == links_q and not tok.endswith("/>"):
                end = splice.end_of(parts, i)
                self.links = [[j, k] for j, k in splice.children(parts, i, end)]
            elif quick and name.startswith(p) and ":" not in name[len(p):] and name != p + "extLst" \
                    and not tok.endswith("/>"):
                # the schema's children of a worksheet never hold their own kind (but in an extLst)
                end = parts.index(f"</{name}>", i + 1)
            else:
                end = splice.end_of(parts, i)
            self.top.append([name, i, end])
            i = end + 1
        if quick:
            sd = self._child("sheetData")
            if sd is not None:
                inside = "".join(parts[sd[1] + 1:sd[2]])
                if "xmlns" in inside or "extLst" in inside:
                    raise _Odd  # (a namespace declared in a row or cell; a cell's extLst may hold a <c>)

    def _rows_quick(self, i: int, rows: list[list]) -> int:
        parts, p = self.parts, self.prefix
        data_close = f"</{p}sheetData>"
        row_open, row_close = f"<{p}row", f"</{p}row>"
        n_row = len(row_open)
        i += 1
        while True:
            tok = parts[i]
            if tok == data_close:
                return i
            if tok.startswith(row_open) and tok[n_row] in _NAME_END:
                if tok.endswith("/>"):
                    rows.append([i, i, []])
                    i += 1
                    continue
                j = parts.index(row_close, i + 1)
                rows.append([i, j, None])  # (its cells are found when it is looked at)
                i = j + 1
            elif _blank(tok):
                i += 1
            else:
                raise _Odd

    def _refuse_rebinding(self, tag: str) -> None:
        """A row or cell that binds the worksheet's prefix to another namespace, or the worksheet's
        namespace to another prefix, would have its rows and cells under other names than the
        sheet's: no program writes that, and such a sheet is not edited (its rows would be
        missed, and lost when sheetData is written again)."""
        if "xmlns" not in tag:
            return
        main = self.prefix[:-1]
        for key, value in splice.attributes_of(tag).items():
            if key == "xmlns" or key.startswith("xmlns:"):
                if (key[6:] == main) != (value == self.ns):
                    raise SheetShapeError(f"{self.label}的单元格区域中重新声明了命名空间，无法安全写回")

    def _rows_exact(self, i: int, rows: list[list]) -> int:
        parts, p = self.parts, self.prefix
        end = splice.end_of(parts, i)
        for start, stop in splice.children(parts, i, end):
            self._refuse_rebinding(parts[start])
            if splice.name_of(parts[start]) == p + "row":
                cells = []
                for c, e in splice.children(parts, start, stop):
                    self._refuse_rebinding(parts[c])
                    if splice.name_of(parts[c]) == p + "c":
                        cells.append([c, e, None])
                rows.append([start, stop, cells])
        return end

    def _row_cells(self, row: list) -> list[list]:
        """The cells of a row ([start, end, None] each), found among its tags: a cell's end is
        its first end tag (a cell holds no cell; CDATA and namespace declarations sent the walk
        the exact way, which found them already)."""
        if row[2] is not None:
            return row[2]
        parts, p = self.parts, self.prefix
        c_open, c_close = f"<{p}c", f"</{p}c>"
        n_c = len(c_open)
        cells: list[list] = []
        j, end = row[0] + 1, row[1]
        while j < end:
            t = parts[j]
            if t.startswith(c_open) and t[n_c] in _NAME_END:
                if t.endswith("/>"):
                    cells.append([j, j, None])
                else:
                    k = parts.index(c_close, j + 1)
                    cells.append([j, k, None])
                    j = k
            elif t[0] == "<" and t[1] not in "!?":  # (a row's extLst)
                j = splice.end_of(parts, j)
            j += 1
        row[2] = cells
        return cells

    # --- reading ------------------------------------------------------------------------------

    def cells_of(self, row_no: int) -> dict[int, list]:
        """col -> cell of one row (cells without r are given theirs when the part is written)."""
        if row_no not in self._cells:
            out: dict[int, list] = {}
            row = self.rows.get(row_no)
            col = -1
            parts = self.parts
            c_r = f'<{self.prefix}c r="'
            n = len(c_r)
            for cell in self._row_cells(row) if row is not None else ():
                tag = parts[cell[0]]
                if tag.startswith(c_r) and "&" not in tag:  # (r first, the usual writing)
                    ref: str | None = tag[n:tag.index('"', n)]
                else:
                    ref = splice.attribute(tag, "r")
                if ref is None:
                    col += 1
                    if col >= MAX_COL:
                        raise SheetShapeError(f"{self.label}第{row_no + 1}行的单元格超出了工作表的范围")
                    self._touched.add(row_no)  # (its cells get their r)
                else:
                    try:
                        r, col = split_a1(ref)
                    except BadReference:
                        raise SheetShapeError(
                            f"{self.label}第{row_no + 1}行的单元格位置无效（r=\"{ref[:20]}\"）") from None
                    if r != row_no:
                        raise SheetShapeError(f"{self.label}第{row_no + 1}行中有位于其他行的单元格（{ref}）")
                out[col] = cell
            self._cells[row_no] = out
        return self._cells[row_no]

    def _attr(self, cell: list, name: str, default: str | None = None) -> str | None:
        if cell[0] < 0:
            return None
        v = splice.attribute(self.parts[cell[0]], name)
        return default if v is None else v

    def style_of(self, row: int, col: int) -> str | None:
        """The style index (``s``) of a cell, '0' where it has none, None where it does not exist."""
        c = self.cells_of(row).get(col) if row in self.rows else None
        return None if c is None else self._attr(c, "s", "0")

    def number_at(self, row: int, col: int) -> float | None:
        """The number a cell holds (a plain number cell), else None."""
        c = self.cells_of(row).get(col) if row in self.rows else None
        if c is None or c[0] < 0 or self._attr(c, "t", "n") != "n":
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

    def _v_text(self, c: list) -> str | None:
        """The text of a cell whose whole content is one plain ``<v>`` (the usual number cell);
        None for anything else (then ``_children`` tells)."""
        start, end = c[0], c[1]
        if end != start + 4:
            return None
        parts, p = self.parts, self.prefix
        if parts[start + 1] != f"<{p}v>" or parts[start + 3] != f"</{p}v>" or "&" in parts[start + 2]:
            return None
        return parts[start + 2]

    def _children(self, c: list) -> list[tuple[str, str, list]]:
        """A cell's child elements in the main namespace (local name, text, the same of its own
        children)."""
        p = self.prefix
        top: list = ["", "", []]
        stack = [top]
        cdata = False
        for tok in self.parts[c[0] + 1:c[1]]:
            if cdata:
                if tok == "]]>":
                    cdata = False
                else:
                    stack[-1][1] += tok
            elif tok[0] == "<" and tok[1] != "!" and tok[1] != "?":
                if tok[1] == "/":
                    stack.pop()
                    continue
                name = splice.name_of(tok)
                local = name[len(p):] if name.startswith(p) and ":" not in name[len(p):] else ""
                el = [local, "", []]
                stack[-1][2].append(el)
                if not tok.endswith("/>"):
                    stack.append(el)
            elif tok == "<![CDATA[":
                cdata = True
            elif tok[0] != "<":
                stack[-1][1] += splice.unescape(tok.replace("\r\n", "\n").replace("\r", "\n"))
        return [(el[0], el[1], el[2]) for el in top[2]]

    def _holds(self, c: list, cv: CellValue) -> bool:
        """An existing cell that already holds this value in this style (or, for ``style`` None, in
        its own): left as it is (a LibreOffice-saved mark cell says t="n"; rewriting it, or results
        rows rewritten with the same text, would change bytes for nothing)."""
        if c[2] is not None or c[0] < 0:
            return False
        tag = self.parts[c[0]]
        if cv.style is not None and (splice.attribute(tag, "s") or "0") != (cv.style or "0"):
            return False
        v = cv.value
        t = splice.attribute(tag, "t") or "n"
        if v is None:
            return t == "n" and not any(tok[0] == "<" for tok in self.parts[c[0] + 1:c[1]])
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
                if self._new.pop(n, None) is None:
                    self._gone.append(row)
                self._cells.pop(n, None)
                self._touched.discard(n)
                self.dirty = True
                continue
            cells = self.cells_of(n)
            for col in [col for col in cells if col not in keep_cols[n]]:
                del cells[col]
                self._touched.add(n)
                self.dirty = True

    def set_cells(self, writes: dict[tuple[int, int], CellValue]) -> None:
        """Set cells ((row, col) 0-based -> value); rows and cells are created where missing."""
        for (r, c), cv in writes.items():
            if r not in self.rows:
                self.rows[r] = self._new[r] = [-1, -1, []]
                self._cells[r] = {}
            cells = self.cells_of(r)
            cell = cells.get(c)
            if cell is not None and self._holds(cell, cv):
                continue  # most marks keep their value: their cells stay as they are
            self.dirty = True
            self._touched.add(r)
            if cell is None:
                cells[c] = [-1, -1, self._cell_xml(r, c, cv.value, cv.style)]
                self._reordered.add(r)  # a new cell goes in column order; spans is a hint, now stale
            else:
                style = cv.style if cv.style is not None else self._attr(cell, "s")
                cell[2] = self._cell_xml(r, c, cv.value, style)
        if writes:
            self._extend_dimension(max(self.rows), max(c for _, c in writes))

    def _cell_xml(self, r: int, c: int, v: object, style: str | None) -> str:
        p = self.prefix
        s = f' s="{splice.attr(style)}"' if style and style != "0" else ""
        if v is None:
            return f'<{p}c r="{a1(r, c)}"{s}/>'
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return (f'<{p}c r="{a1(r, c)}"{s} t="inlineStr"><{p}is><{p}t xml:space="preserve">'
                    f'{splice.text(escape(str(v)))}</{p}t></{p}is></{p}c>')
        number = repr(float(v)) if isinstance(v, float) and not v.is_integer() else str(int(v))
        return f'<{p}c r="{a1(r, c)}"{s}><{p}v>{number}</{p}v></{p}c>'

    def _extend_dimension(self, max_row: int, max_col: int) -> None:
        dim = self._child("dimension")
        if dim is None:
            return
        now = self._dimension if self._dimension is not None else splice.attribute(self.parts[dim[1]], "ref")
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
        block = self._child("hyperlinks")
        link_q = self.prefix + "hyperlink"
        found = []
        outer = self.parts[block[1]] if block is not None else ""
        for i, (start, _) in enumerate(self.links if block is not None and from_row is not None else ()):
            tag = self.parts[start]
            if splice.name_of(tag) != link_q:
                continue
            attrs = splice.attributes_of(tag)
            if self._rel_id(attrs, outer) is None and self._link_row(attrs) >= (from_row or 0):
                found.append((i, (attrs.get("ref"), attrs.get("location"), attrs.get("display"))))
        if [f for _, f in found] == [(ref, escape(loc), escape(disp)) for ref, loc, disp in links]:
            return  # the same links as before
        if found:
            self._links_removed.update(i for i, _ in found)
            self.dirty = True
        p = self.prefix
        self._links_new = [f'<{p}hyperlink ref="{splice.attr(ref)}" location="{splice.attr(escape(location))}" '
                           f'display="{splice.attr(escape(display))}"/>' for ref, location, display in links]
        if links:
            self.dirty = True

    @staticmethod
    def _link_row(attrs: dict[str, str]) -> int:
        try:
            return split_a1((attrs.get("ref") or "").split(":")[0])[0]
        except BadReference:
            return -1

    def legacy_drawing(self) -> dict[str, str] | None:
        """The attributes of the sheet's legacyDrawing element (the relationship id as
        ``{uri}id``), if it has one."""
        if self._legacy_new is not None:
            return {f"{{{REL_NS}}}id": self._legacy_new_id}
        if self._legacy is None or self._legacy_removed:
            return None
        rid = self._rel_id(splice.attributes_of(self.parts[self._legacy[1]]))
        return {} if rid is None else {f"{{{REL_NS}}}id": rid}

    def _rel_id(self, attrs: dict[str, str], *outer: str) -> str | None:
        """The relationship id (``r:id``) among an element's attributes: an ``id`` attribute whose
        prefix is bound to the relationships namespace where it stands (on the element, on the
        ``outer`` start tags, innermost first, or on the worksheet)."""
        scopes = [attrs, *(splice.attributes_of(t) for t in (*outer, self.parts[self.root_i]))]
        for key, value in attrs.items():
            prefix, _, local = key.rpartition(":")
            if local == "id" and prefix and next(
                    (scope[f"xmlns:{prefix}"] for scope in scopes if f"xmlns:{prefix}" in scope), None) == REL_NS:
                return value
        return None

    def add_legacy_drawing(self, rid: str) -> None:
        p = self.prefix
        if self.rel is None:  # (as lxml declares a namespace the part lacks)
            self._legacy_new = f'<{p}legacyDrawing xmlns:ns0="{REL_NS}" ns0:id="{splice.attr(rid)}"/>'
        else:
            self._legacy_new = f'<{p}legacyDrawing {self.rel}id="{splice.attr(rid)}"/>'
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

    def _before_later(self, local: str) -> int:
        """Where a new child ``local`` of the worksheet goes: before the first later one present."""
        later = set(WORKSHEET_ORDER[WORKSHEET_ORDER.index(local) + 1:])
        for name, start, _ in self.top:
            if name.rsplit(":", 1)[-1] in later:
                return start
        return self.root_end

    def _row_xml(self, row: list, n: int) -> str:
        parts, p = self.parts, self.prefix
        cells = self._cells.get(n)
        if row[0] < 0:  # a new row
            assert cells is not None
            return (f'<{p}row r="{n + 1}">' + "".join(self._cell_text(c, n, col) for col, c in sorted(cells.items()))
                    + f"</{p}row>")
        start, end = row[0], row[1]
        tag = parts[start]
        if start in self._r_missing:
            tag = splice.with_attribute(tag, "r", str(n + 1))
        if n in self._reordered:
            tag = splice.with_attribute(tag, "spans", None)
        if cells is None or n not in self._touched:
            return tag + "".join(parts[start + 1:end + 1])
        if start == end:  # <row/>: now with cells
            return (splice.open_form(tag) + "".join(self._cell_text(c, n, col) for col, c in sorted(cells.items()))
                    + f"</{splice.name_of(tag)}>")
        if n in self._reordered:  # cells in column order, what else the row holds after them
            scanned = self._row_cells(row)
            first = scanned[0][0] if scanned else end
            last = scanned[-1][1] + 1 if scanned else end
            return (tag + "".join(parts[start + 1:first])
                    + "".join(self._cell_text(c, n, col) for col, c in sorted(cells.items()))
                    + "".join(parts[last:end + 1]))
        # cells in place (some replaced, some removed), what lies between them kept
        by_start = {c[0]: (col, c) for col, c in cells.items()}
        out = [tag]
        at = start + 1
        for cell in self._row_cells(row):
            out.extend(parts[at:cell[0]])
            at = cell[1] + 1
            hit = by_start.get(cell[0])
            if hit is not None:
                out.append(self._cell_text(hit[1], n, hit[0]))
        out.extend(parts[at:end + 1])
        return "".join(out)

    def _cell_text(self, c: list, row_no: int, col: int) -> str:
        if c[2] is not None:
            return c[2]
        parts = self.parts
        tag = parts[c[0]]
        if splice.attribute(tag, "r") is None:
            tag = splice.with_attribute(tag, "r", a1(row_no, col))
        return tag + "".join(parts[c[0] + 1:c[1] + 1])

    def to_bytes(self) -> bytes:
        parts = self.parts
        edits: list[tuple[int, int, int, str]] = []
        if self._dimension is not None:
            dim = self._child("dimension")
            assert dim is not None
            edits.append((dim[1], dim[1] + 1, 0, splice.with_attribute(parts[dim[1]], "ref", self._dimension)))
        self._sheet_data_edits(edits)
        self._hyperlink_edits(edits)
        if self._legacy_removed and self._legacy is not None:
            edits.append((self._legacy[1], self._legacy[2] + 1, 0, ""))
        if self._legacy_new is not None:
            at = self._before_later("legacyDrawing")
            edits.append((at, at, WORKSHEET_ORDER.index("legacyDrawing"), self._legacy_new))
        return splice.DECLARATION + splice.join(parts, self.root_i, self.root_end + 1, edits).encode()

    def _sheet_data_edits(self, edits: list[tuple[int, int, int, str]]) -> None:
        parts = self.parts
        _, start, end = self.sheet_data
        if self._new:  # every row again, in order
            body = "".join(self._row_xml(row, n) for n, row in sorted(self.rows.items()))
            if start == end:
                tag = parts[start]
                edits.append((start, end + 1, 0, splice.open_form(tag) + body + f"</{splice.name_of(tag)}>"))
            else:
                edits.append((start + 1, end, 0, body))
            return
        for row in self._gone:
            edits.append((row[0], row[1] + 1, 0, ""))
        missing = self._r_missing
        for n, row in self.rows.items():
            if n in self._touched or row[0] in missing:
                edits.append((row[0], row[1] + 1, 0, self._row_xml(row, n)))

    def _hyperlink_edits(self, edits: list[tuple[int, int, int, str]]) -> None:
        if self._links_new is None:
            return
        parts, p = self.parts, self.prefix
        block = self._child("hyperlinks")
        if block is None:
            if self._links_new:
                at = self._before_later("hyperlinks")
                edits.append((at, at, WORKSHEET_ORDER.index("hyperlinks"),
                              f"<{p}hyperlinks>" + "".join(self._links_new) + f"</{p}hyperlinks>"))
            return
        _, start, end = block
        kept = [i for i in range(len(self.links)) if i not in self._links_removed]
        if not kept and not self._links_new:
            edits.append((start, end + 1, 0, ""))
            return
        if not self._links_removed and not self._links_new:
            return
        if start == end:
            tag = parts[start]
            edits.append((start, end + 1, 0, splice.open_form(tag) + "".join(self._links_new)
                          + f"</{splice.name_of(tag)}>"))
            return
        for i in sorted(self._links_removed):
            edits.append((self.links[i][0], self.links[i][1] + 1, 0, ""))
        if self._links_new:
            edits.append((end, end, 0, "".join(self._links_new)))

    def edited(self) -> bytes | None:
        """The part's new bytes, or None when the edits changed nothing (every cell already held
        its value): then the part is kept byte for byte."""
        return self.to_bytes() if self.dirty else None
