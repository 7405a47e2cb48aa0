"""XlsxWriter's ``Workbook``, writing a text that holds literal ``_xHHHH_`` sequences as Excel does.

Excel stores a control character as ``_xHHHH_`` and a literal ``_xHHHH_`` with its underscore
escaped (``_x005F_xHHHH_``). XlsxWriter finds those sequences without overlap, so in
``_x005F_x0041_`` it escapes the first only and the text reads back as ``_x005FA``. Escaping every
underscore that starts such a sequence (a lookahead) writes what Excel writes.

The fix is local: our subclasses of XlsxWriter's shared-string writer, worksheet and packager
(private API: pyproject.toml caps XlsxWriter at the major version this was written for), used
only by the workbooks nianbao makes through this ``Workbook``; XlsxWriter itself is not patched.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

import xlsxwriter
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings
from xlsxwriter.utility import _utf16_len, _utf16_truncate, xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import CellNumberTuple, CellStringTuple, Worksheet

_ESCAPED_UNDERSCORE = re.compile(r"_(?=x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")


def escape_text(data: object) -> object:
    """A text as Excel stores it in the file: literal ``_xHHHH_`` escaped, control characters as
    ``_xHHHH_``, the two non-characters too. Anything that is not a text is left as it is."""
    return _excel_text(data) if isinstance(data, str) else data


def _excel_text(data: str) -> str:
    if "_x" not in data and data.isprintable():  # the usual text (no escape, no control character)
        return data
    data = _ESCAPED_UNDERSCORE.sub("_x005F_", data)
    data = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", data)
    return data.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")


class _SharedStrings(SharedStrings):
    _escape_control_characters = staticmethod(escape_text)


class _Worksheet(Worksheet):
    # in-line strings (constant_memory workbooks)
    _escape_control_characters = staticmethod(escape_text)

    def write_cells(self, row: int, cells: Sequence[tuple[str | int | float | None, Any]], col: int = 0) -> None:
        """A row's cells left to right from ``col``: (a text, a number or None for no cell, its
        format), as ``write_string`` and ``write_number`` write them one by one, with their checks
        made once for the row (汇总状态.xlsx writes 40,000 cells). A row they would refuse or write
        another way (out of the sheet, a number that is not finite) goes one by one.

        In a constant_memory sheet the row is written out at once: it takes no more cells after
        (as XlsxWriter's rows before the current one), so a row's cells go in one call, after any
        other cell of it."""
        written = [(c, v, fmt) for c, (v, fmt) in enumerate(cells, start=col) if v is not None]
        if not written:
            return
        if (self._check_dimensions(row, written[0][0]) or self._check_dimensions(row, written[-1][0])
                or any(not isinstance(v, str) and not math.isfinite(v) for _, v, _ in written)):
            for c, v, fmt in written:
                if isinstance(v, str):
                    self._write_string(row, c, v, fmt)
                else:
                    self._write_number(row, c, v, fmt)
            return
        strmax = self.xls_strmax
        written = [(c, _utf16_truncate(v, strmax) if isinstance(v, str) and len(v) > strmax // 2
                    and _utf16_len(v) > strmax else v, fmt) for c, v, fmt in written]
        open_row: int = self.previous_row  # type: ignore[has-type]  # (XlsxWriter does not type it)
        if (self.constant_memory and not self.table.get(row) and row >= open_row
                and row not in self.row_info and row + 1 not in self.row_info and row not in self.comments):
            self._write_single_row(row)  # the row before, if it is still open
            self._write_out(row, written)
            self.previous_row = row + 1
            return
        if self.constant_memory and row > self.previous_row:
            self._write_single_row(row)
        stored = self.table[row]
        for c, v, fmt in written:
            if isinstance(v, str):
                stored[c] = CellStringTuple(v if self.constant_memory else self.str_table._get_shared_string_index(v),
                                            fmt)
            else:
                stored[c] = CellNumberTuple(v, fmt)

    def _write_out(self, row: int, written: list[tuple[int, str | int | float, Any]]) -> None:
        """Row ``row`` of a constant_memory sheet as ``_write_single_row`` writes it once its
        cells are stored, in one write."""
        with self._one_write() as parts:
            self._write_row(row, None)
            for c, v, fmt in written:
                # (``_write_cell``'s own choice, made here without a cell tuple for each cell)
                xml = self._cell_xml(row, c, v, fmt) if fmt is not None else None
                if xml is not None:
                    parts.append(xml)
                else:
                    self._write_cell(row, c, CellStringTuple(v, fmt) if isinstance(v, str) else CellNumberTuple(v, fmt))
            parts.append("</row>")

    @contextmanager
    def _one_write(self) -> Iterator[list[str]]:
        """What XlsxWriter writes to the sheet's row file meanwhile, gathered and written at once
        (the pieces, to add more): that file is open for reading too, and each write of a text
        there costs as much as making the piece."""
        fh: Any = self.fh  # type: ignore[has-type]  # (XlsxWriter does not type it)
        parts: list[str] = []
        self.fh = _Pieces(parts.append)
        try:
            yield parts
        finally:
            self.fh = fh
        if parts:
            fh.write("".join(parts))

    def _write_cell(self, row: int, col: int, cell) -> None:
        """XlsxWriter's own ``Worksheet._write_cell``, inlined for the cells long sheets are made
        of (a formatted number, a formatted text): the same XML, in a third of the time (汇总状态.xlsx
        of 1,000 units has 40,000 cells). Any other cell is XlsxWriter's to write."""
        kind, fmt = type(cell), cell.format
        if fmt is not None and (kind is CellNumberTuple or kind is CellStringTuple):
            if kind is CellNumberTuple:
                xml = self._cell_xml(row, col, cell.number, fmt)
            elif not self.constant_memory:  # the index of a shared string
                xml = (f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{fmt._get_xf_index()}" t="s">'
                       f'<v>{cell.string}</v></c>')
            else:
                xml = self._cell_xml(row, col, cell.string, fmt)
            if xml is not None:
                self.fh.write(xml)
                return None
        return super()._write_cell(row, col, cell)

    @staticmethod
    def _cell_xml(row: int, col: int, value: str | int | float, fmt: Any) -> str | None:
        """A formatted number's or in-line text's cell as XlsxWriter writes it; None for a text it
        writes as rich text (one that starts with <r> and ends with </r>)."""
        if not isinstance(value, str):
            return f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{fmt._get_xf_index()}"><v>{value:.16G}</v></c>'
        text = _excel_text(value)
        if text.startswith("<r>") and text.endswith("</r>"):
            return None
        # (XlsxWriter's test: regular expressions ^\s and \s$; the same characters are spaces)
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        if "&" in text or "<" in text or ">" in text:
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return (f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{fmt._get_xf_index()}" t="inlineStr">'
                f'<is><t{space}>{text}</t></is></c>')

    def _write_single_row(self, current_row_num: int = 0) -> None:
        """XlsxWriter's own (a constant_memory row written out), its pieces joined into one write
        (汇总状态.xlsx: 45,000 writes otherwise)."""
        with self._one_write():
            super()._write_single_row(current_row_num)


class _Pieces(NamedTuple):
    write: Callable[[str], None]


class _Packager(Packager):
    def _write_shared_strings_file(self) -> None:
        # XlsxWriter's own method, with our shared-string writer.
        sst = _SharedStrings()
        sst.string_table = self.workbook.str_table
        if not self.workbook.str_table.count:
            return
        sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
        sst._assemble_xml_file()


class Workbook(xlsxwriter.Workbook):
    """``xlsxwriter.Workbook`` with Excel's escaping of literal ``_xHHHH_`` in texts."""

    worksheet_class = _Worksheet

    def _get_packager(self) -> Packager:
        return _Packager()
