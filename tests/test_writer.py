"""Texts with literal ``_xHHHH_`` are written as Excel writes them, by our XlsxWriter subclasses,
without patching XlsxWriter for anyone else."""

from __future__ import annotations

import io
import zipfile

import xlsxwriter.xmlwriter

from toolkit.workbook.writer import Workbook, escape_text


def test_escape_overlapping_sequences():
    assert escape_text("_x005F_x0041_") == "_x005F_x005F_x005F_x0041_"
    assert escape_text("_x0041_") == "_x005F_x0041_"
    assert escape_text("a\x01b") == "a_x0001_b"
    assert escape_text("\uffff") == "_xFFFF_"
    assert escape_text(5) == 5


def test_xlsxwriter_itself_is_not_patched():
    import toolkit.workbook.build  # noqa: F401
    assert xlsxwriter.xmlwriter.re_control_chars_1.pattern == "(_x[0-9a-fA-F]{4}_)"


def _sheet_texts(options: dict) -> bytes:
    buf = io.BytesIO()
    wb = Workbook(buf, {**options, "strings_to_numbers": False})
    wb.add_worksheet().write_string(0, 0, "_x005F_x0041_")
    wb.close()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        names = z.namelist()
        return b"".join(z.read(n) for n in names if n in ("xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"))


def test_shared_and_inline_strings_are_escaped():
    for options in ({"in_memory": True}, {"constant_memory": True}):
        assert b"_x005F_x005F_x005F_x0041_" in _sheet_texts(options), options


def _every_kind_of_cell(options: dict) -> dict[str, bytes]:
    import datetime as dt
    buf = io.BytesIO()
    wb = Workbook(buf, {**options, "strings_to_numbers": False, "strings_to_formulas": False,
                        "strings_to_urls": False})
    fmt = wb.add_format({"bold": True, "text_wrap": True})
    ws = wb.add_worksheet()
    ws.set_column(3, 3, 10, wb.add_format({"italic": True}))
    texts = ["", " 前后空格 ", "a\tb", "行一\n行二", "A&B <c> \"d\" 'e'", "a\x01b", "_x0041_", "<r>x</r>",
             "\uffff", "😀 表情", "x" * 100]
    numbers = [0, -1, 3.5, 1e20, 123456789012345678, 2 ** 0.5, -0.0]
    for r, text in enumerate(texts):
        ws.write_string(r, 0, text, fmt)
        ws.write_string(r, 1, text)  # no format
        ws.write_string(r, 3, text)  # the column's format
    for r, n in enumerate(numbers):
        ws.write_number(r, 2, n, fmt)
        ws.write_number(r, 4, n)
    ws.write_datetime(0, 5, dt.datetime(2024, 1, 2, 3, 4), wb.add_format({"num_format": "yyyy-mm-dd"}))
    ws.write_boolean(1, 5, True, fmt)
    ws.write_formula(2, 5, "=C1+1", fmt, 1)
    ws.write_blank(3, 5, None, fmt)
    ws.write_rich_string(4, 5, "a", fmt, "b")
    wb.close()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def test_cells_are_written_as_xlsxwriter_writes_them(monkeypatch):
    """Our inlined cell writer (``_Worksheet._write_cell``) writes exactly what XlsxWriter's own
    does, for every kind of cell and text, in-line (constant_memory) and shared."""
    from toolkit.workbook import writer
    for options in ({"in_memory": True}, {"constant_memory": True}):
        ours = _every_kind_of_cell(options)
        with monkeypatch.context() as m:
            m.delattr(writer._Worksheet, "_write_cell")
            theirs = _every_kind_of_cell(options)
        assert ours == theirs, options


def _rows(options: dict, at_once: bool) -> dict[str, bytes]:
    buf = io.BytesIO()
    wb = Workbook(buf, {**options, "strings_to_numbers": False})
    fmt = wb.add_format({"bold": True})
    ws = wb.add_worksheet()
    ws.set_column(2, 2, 12, wb.add_format({"italic": True}))  # a cell without a format takes its column's
    ws.set_row(6, 30)
    rows = [[("甲", fmt), (None, fmt), (3, fmt), (2.5, None), ("", fmt)],
            [(None, fmt), ("😀" * 20_000, fmt), (-1, fmt)],  # cut to what a cell holds, as one by one
            [(None, fmt)],
            [("_x0041_ a&b ", fmt), (10 ** 20, fmt), ("<r>x</r>", fmt)],
            [(None, None), ("column C: its format", None)], [("row 6, before a row of its own height", fmt)],
            [("row 7: its own height", fmt)], [("row 8", fmt)]]
    for r, cells in enumerate(rows, start=1):
        if r == 8:
            ws.write_string(8, 0, "a cell before the rest of its row")
        if at_once:
            ws.write_cells(r, cells, col=1)
        else:
            for c, (v, f) in enumerate(cells, start=1):
                if isinstance(v, str):
                    ws.write_string(r, c, v, f)
                elif v is not None:
                    ws.write_number(r, c, v, f)
    ws.write_cells(0, [("out of the sheet", fmt)], col=20_000)  # refused as write_string refuses it
    wb.close()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def test_a_row_at_once_is_written_as_cell_by_cell():
    for options in ({"in_memory": True}, {"constant_memory": True}):
        assert _rows(options, True) == _rows(options, False), options
