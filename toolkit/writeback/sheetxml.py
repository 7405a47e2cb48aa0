"""Surgical edits of one worksheet part: set some cells, drop some rows, replace hyperlinks.

The part is edited as text, never parsed and re-serialised: re-serialising renames namespace
prefixes (Excel then calls the file corrupt when ``mc:Ignorable`` names a prefix that changed) and
touches every cell. Here every row we do not write to stays byte-for-byte as it was, and a row we
write to keeps every cell but the ones we set. Inside ``<sheetData>`` this is safe to do with
patterns: rows hold only ``<c>`` elements, and ``<``/``>`` never appear raw in attribute values
written by Excel, WPS, LibreOffice or XlsxWriter (values escape ``<``; cell and row attributes are
numbers, references and flags).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..ooxml.cells import split_a1 as cell_index
from ..workbook.layout import a1, col_letter

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\r]")
_LITERAL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


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


def insert_in_order(text: str, prefix: str, element: str, xml: str) -> str:
    """Insert ``xml`` (an ``element`` of the worksheet) where the schema order puts it."""
    best = None
    for name in WORKSHEET_ORDER[WORKSHEET_ORDER.index(element) + 1:]:
        m = re.search(rf"<{re.escape(prefix)}{name}\b", text)
        if m and (best is None or m.start() < best):
            best = m.start()
    if best is None:
        best = text.rindex(f"</{prefix}worksheet>")
    return text[:best] + xml + text[best:]


class SheetShapeError(Exception):
    """The part does not look like a worksheet this module can edit safely."""


def escape_text(text: str) -> str:
    """Text for a <t> element: XML escapes, and OOXML's _xHHHH_ for characters XML cannot carry
    (a literal '_x0041_' typed by a user is kept by escaping its underscore, as Excel does)."""
    text = _LITERAL_ESCAPE.sub(r"_x005F_\1", text)
    text = _XML_BAD.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    return escape_text(text).replace('"', "&quot;").replace("\n", "&#10;")


@dataclass(frozen=True)
class CellValue:
    """What to put in a cell: a number, a text, or nothing; ``style`` None keeps the cell's own."""

    value: str | int | float | None
    style: str | None = None


@dataclass
class _Cell:
    col: int  # 0-based
    start: int
    end: int
    attrs: str
    has_r: bool


@dataclass
class _Row:
    number: int  # 1-based
    start: int
    end: int
    open_attrs: str
    inner_start: int  # -1 for <row/>
    inner_end: int
    has_r: bool


_ATTR = re.compile(r'([\w:]+)\s*=\s*("[^"]*"|\'[^\']*\')')


_R_ATTR = re.compile(r'(?<![\w:])r\s*=\s*["\']([^"\']*)["\']')


def _index(ref: str) -> tuple[int, int]:
    """cell_index, for a sheet we are about to edit: a reference we cannot read means a part
    we must not touch."""
    try:
        return cell_index(ref)
    except ValueError:
        raise SheetShapeError(f"cell reference {ref!r}") from None


def attrs_of(text: str) -> dict[str, str]:
    return {k: v[1:-1] for k, v in _ATTR.findall(text)}


class SheetXml:
    """One worksheet part's text, with the positions of its rows (parsed once)."""

    def __init__(self, data: bytes) -> None:
        try:
            self.text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SheetShapeError("worksheet part is not UTF-8") from exc
        m = re.search(r"<(?:(\w+):)?worksheet\b", self.text)
        if not m:
            raise SheetShapeError("no <worksheet> element")
        self.p = (m.group(1) + ":") if m.group(1) else ""
        p = re.escape(self.p)
        self._row_re = re.compile(rf"<{p}row\b([^>]*?)(/>|>)")
        self._row_end = f"</{self.p}row>"
        self._cell_re = re.compile(rf"<{p}c\b([^>]*?)(/>|>)")
        self._cell_end = f"</{self.p}c>"
        self._number_cell_re = re.compile(rf"<{p}c\b([^>]*)>\s*<{p}v>([^<]*)</{p}v>\s*</{p}c>")
        empty = re.search(rf"<{p}sheetData\s*/>", self.text)
        if empty:
            self.data_start = self.data_end = -1
            self.empty_span = empty.span()
            self.rows: list[_Row] = []
            return
        open_ = re.search(rf"<{p}sheetData\b[^>]*>", self.text)
        close = self.text.find(f"</{self.p}sheetData>")
        if not open_ or close < 0:
            raise SheetShapeError("no <sheetData>")
        self.data_start, self.data_end = open_.end(), close
        self.empty_span = None
        self.rows = self._parse_rows()

    def _parse_rows(self) -> list[_Row]:
        rows = []
        pos, number = self.data_start, 0
        t = self.text
        while True:
            m = self._row_re.search(t, pos, self.data_end)
            if not m:
                break
            attrs = attrs_of(m.group(1))
            r = attrs.get("r", "")
            number = int(r) if r.isdigit() else number + 1
            if m.group(2) == "/>":
                rows.append(_Row(number, m.start(), m.end(), m.group(1), -1, -1, bool(r)))
                pos = m.end()
                continue
            end = t.find(self._row_end, m.end(), self.data_end)
            if end < 0:
                raise SheetShapeError(f"row {number} not closed")
            rows.append(_Row(number, m.start(), end + len(self._row_end), m.group(1), m.end(), end,
                             bool(r)))
            pos = end + len(self._row_end)
        return rows

    def _cells(self, row: _Row) -> list[_Cell]:
        cells: list[_Cell] = []
        if row.inner_start < 0:
            return cells
        t = self.text
        pos, col = row.inner_start, -1
        while True:
            m = self._cell_re.search(t, pos, row.inner_end)
            if not m:
                break
            r = _R_ATTR.search(m.group(1))  # only r is needed here: no full attribute parse
            ref = r.group(1) if r else None
            col = _index(ref)[1] if ref else col + 1
            if m.group(2) == "/>":
                end = m.end()
            else:
                close = t.find(self._cell_end, m.end(), row.inner_end)
                if close < 0:
                    raise SheetShapeError(f"cell in row {row.number} not closed")
                end = close + len(self._cell_end)
            cells.append(_Cell(col, m.start(), end, m.group(1), bool(ref)))
            pos = end
        return cells

    def styles_of(self, refs: set[str]) -> dict[str, str]:
        """The style index (``s``) of the given cells, '0' where a cell has none."""
        out = {}
        want = {_index(r): r for r in refs}
        for row in self.rows:
            for c in self._cells(row):
                ref = want.get((row.number - 1, c.col))
                if ref:
                    out[ref] = attrs_of(c.attrs).get("s", "0")
        return out

    # --- writing ------------------------------------------------------------------------------

    def _cell_xml(self, row: int, col: int, cv: CellValue, old_attrs: str | None) -> str:
        style = cv.style
        if style is None and old_attrs is not None:
            style = attrs_of(old_attrs).get("s")
        s = f' s="{style}"' if style and style != "0" else ""
        ref = a1(row, col)
        p = self.p
        v = cv.value
        if v is None:
            return f'<{p}c r="{ref}"{s}/>'
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            text = escape_text(str(v))
            return (f'<{p}c r="{ref}"{s} t="inlineStr"><{p}is><{p}t xml:space="preserve">{text}'
                    f'</{p}t></{p}is></{p}c>')
        number = repr(float(v)) if isinstance(v, float) and not v.is_integer() else str(int(v))
        return f'<{p}c r="{ref}"{s}><{p}v>{number}</{p}v></{p}c>'

    def _already(self, row: _Row | None, r: int, c: int, cv: CellValue) -> bool:
        """The cell at (r, c) exists with an r attribute and already holds this number."""
        if row is None or row.inner_start < 0 or cv.style is not None:
            return False
        start = self.text.find(f'<{self.p}c r="{a1(r, c)}"', row.inner_start, row.inner_end)
        if start < 0:
            return False
        end = self.text.find(self._cell_end, start, row.inner_end)
        return end >= 0 and self._same_number(self.text[start:end + len(self._cell_end)], cv)

    def _same_number(self, old: str, cv: CellValue) -> bool:
        """An existing cell that already holds this number in its own style: left as it is (a
        LibreOffice-saved mark cell says t="n"; rewriting it would change bytes for nothing)."""
        v = cv.value
        if cv.style is not None or not isinstance(v, (int, float)) or isinstance(v, bool):
            return False
        m = self._number_cell_re.fullmatch(old)
        if not m or attrs_of(m.group(1)).get("t", "n") != "n":
            return False
        try:
            return float(m.group(2)) == float(v)
        except ValueError:
            return False

    def edit(self, writes: dict[tuple[int, int], CellValue], clear_from: int | None = None,
             hyperlinks: list[tuple[str, str, str]] | None = None) -> bytes:
        """The part with ``writes`` ((row, col) 0-based -> value) applied, the rows from
        ``clear_from`` (0-based) down removed first, and, when ``hyperlinks`` is given, the
        internal hyperlinks of those rows replaced by these (ref, location, display)."""
        by_row: dict[int, dict[int, CellValue]] = {}
        row_at = {row.number: row for row in self.rows}
        for (r, c), cv in writes.items():
            if self._already(row_at.get(r + 1), r, c, cv):
                continue  # most marks keep their value: their rows need not be rebuilt
            by_row.setdefault(r + 1, {})[c] = cv
        t = self.text
        kept_rows = [row for row in self.rows if clear_from is None or row.number <= clear_from]
        existing = {row.number for row in kept_rows}
        new_rows = sorted(n for n in by_row if n not in existing)
        max_row = 0
        pos = self.data_start
        chunks: list[tuple[int, str]] = []  # (row number, xml) in row order
        for row in self.rows:
            if row not in kept_rows:
                continue
            max_row = max(max_row, row.number)
            edits = by_row.get(row.number)
            raw = t[row.start:row.end]
            if not edits and row.has_r:
                chunks.append((row.number, raw))
                continue
            chunks.append((row.number, self._row_xml(row, edits or {})))
        for n in new_rows:
            max_row = max(max_row, n)
            cells = "".join(self._cell_xml(n - 1, c, cv, None) for c, cv in sorted(by_row[n].items()))
            chunks.append((n, f'<{self.p}row r="{n}">{cells}</{self.p}row>'))
        chunks.sort(key=lambda x: x[0])
        body = "".join(x for _, x in chunks)
        if self.empty_span:
            a, b = self.empty_span
            head, tail = t[:a], t[b:]
            body = f"<{self.p}sheetData>{body}</{self.p}sheetData>"
        else:
            # everything between the first and last row is rows (and whitespace): rebuilt above
            head, tail = t[:pos], t[self.data_end:]
        text = head + body + tail
        if hyperlinks is not None:
            text = self._replace_hyperlinks(text, hyperlinks, clear_from)
        max_col = max((c for (_, c) in writes), default=0)
        text = self._extend_dimension(text, max_row, max_col)
        return text.encode("utf-8")

    def _row_xml(self, row: _Row, edits: dict[int, CellValue]) -> str:
        t = self.text
        cells = self._cells(row)
        attrs = row.open_attrs
        if not row.has_r:
            attrs = f' r="{row.number}"' + attrs
        parts: list[tuple[int, str]] = []
        inserted = False
        seen = set()
        for c in cells:
            old = t[c.start:c.end]
            if c.col in edits:
                seen.add(c.col)
                cv = edits[c.col]
                parts.append((c.col, old if self._same_number(old, cv)
                              else self._cell_xml(row.number - 1, c.col, cv, c.attrs)))
            elif not c.has_r:
                parts.append((c.col, old.replace(f"<{self.p}c", f'<{self.p}c r="{a1(row.number - 1, c.col)}"', 1)))
            else:
                parts.append((c.col, old))
        for col, cv in edits.items():
            if col not in seen:
                inserted = True
                parts.append((col, self._cell_xml(row.number - 1, col, cv, None)))
        parts.sort(key=lambda x: x[0])
        if inserted:  # spans is an optional hint; a stale one is worse than none
            attrs = re.sub(r'\s+spans\s*=\s*"[^"]*"', "", attrs)
        inner = "".join(x for _, x in parts)
        if not inner and row.inner_start < 0:
            return f"<{self.p}row{attrs}/>"
        return f"<{self.p}row{attrs}>{inner}</{self.p}row>"

    def _replace_hyperlinks(self, text: str, links: list[tuple[str, str, str]],
                            clear_from: int | None) -> str:
        p = self.p
        ep = re.escape(p)
        block = re.search(rf"<{ep}hyperlinks\b[^>]*>(.*?)</{ep}hyperlinks>|<{ep}hyperlinks\s*/>",
                          text, re.S)
        kept: list[str] = []
        if block and block.group(1):
            for m in re.finditer(rf"<{ep}hyperlink\b[^>]*?/>|<{ep}hyperlink\b[^>]*?>.*?</{ep}hyperlink>",
                                 block.group(1), re.S):
                a = attrs_of(m.group().split(">", 1)[0])
                ref = a.get("ref", "A1").split(":")[0]
                try:
                    row = cell_index(ref)[0]
                except ValueError:
                    row = 0
                ours = clear_from is not None and row >= clear_from and not any(
                    k.endswith(":id") or k == "id" for k in a)
                if not ours:
                    kept.append(m.group())
        new = [f'<{p}hyperlink ref="{ref}" location="{escape_attr(loc)}" display="{escape_attr(disp)}"/>'
               for ref, loc, disp in links]
        items = kept + new
        xml = f"<{p}hyperlinks>{''.join(items)}</{p}hyperlinks>" if items else ""
        if block:
            return text[:block.start()] + xml + text[block.end():]
        if not xml:
            return text
        return insert_in_order(text, p, "hyperlinks", xml)

    def _extend_dimension(self, text: str, max_row: int, max_col: int) -> str:
        m = re.search(rf'(<{re.escape(self.p)}dimension\b[^>]*\bref=")([^"]*)(")', text)
        if not m or max_row == 0:
            return text
        first, _, last = m.group(2).partition(":")
        try:
            fr, fc = cell_index(first)
            lr, lc = cell_index(last or first)
        except ValueError:
            return text
        ref = f"{col_letter(fc)}{fr + 1}:{col_letter(max(lc, max_col))}{max_row}"
        if ref == m.group(2):
            return text
        return text[:m.start(2)] + ref + text[m.end(2):]
