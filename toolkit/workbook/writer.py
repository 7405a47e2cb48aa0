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

import re

import xlsxwriter
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings
from xlsxwriter.worksheet import Worksheet

_ESCAPED_UNDERSCORE = re.compile(r"_(?=x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")


def escape_text(data: object) -> object:
    """A text as Excel stores it in the file: literal ``_xHHHH_`` escaped, control characters as
    ``_xHHHH_``, the two non-characters too. Anything that is not a text is left as it is."""
    if not isinstance(data, str):
        return data
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
