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
