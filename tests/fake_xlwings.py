"""A stand-in for an xlwings Book open in Excel, backed by a real workbook file read with openpyxl.

It implements exactly the xlwings calls toolkit.excel uses, with xlwings' conventions: numbers come
back as floats, dates as datetimes, empty cells as None, formulas through ``.formula`` with '=',
cell errors as text with ``err_to_str``; a ``.value`` of more than one cell is a list of rows with
``ndim=2``. ``sheet.api`` is Excel's native object, which differs by platform as in xlwings:
``Book(path)`` is Excel on Windows (COM names: ``ProtectContents``, ``Unprotect``, ``Protect``),
``Book(path, platform="darwin")`` Excel on macOS (appscript: ``protect_contents.get()``,
``unprotect(password=)``, ``protect_worksheet(...)``; the COM names do not exist there). Like Excel it refuses to write into a protected sheet, so a test fails if the code
forgets to unprotect. ``save`` plays Excel's part: it writes the book to a file.
Anything else raises AttributeError, so code that strays from the tested surface fails here.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.utils.cell import range_boundaries

_ERROR = re.compile(r"#(REF!|DIV/0!|VALUE!|NAME\?|N/A|NUM!|NULL!)")


class ProtectedSheetError(Exception):
    """Excel's "the cell you are trying to change is on a protected sheet"."""


class App:
    def __init__(self) -> None:
        self.alerts: list[dict] = []
        self.screen_updating = True

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok",
              mode: str | None = None, callback: str | None = None) -> str:
        self.alerts.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})
        return "ok"


class Name:
    def __init__(self, name: str, refers_to: str) -> None:
        self.name = name
        self.refers_to = refers_to


class SheetApi:
    """Excel for Windows' Worksheet (pywin32 COM): the protection calls used."""

    def __init__(self, ws) -> None:
        self._ws = ws

    @property
    def ProtectContents(self) -> bool:
        return bool(self._ws.protection.sheet)

    def Unprotect(self, Password: str = "") -> None:
        if self._ws.protection.password and Password != self._ws.protection.password:
            raise ProtectedSheetError("wrong password")
        self._ws.protection.sheet = False

    def Protect(self, Password: str = "", DrawingObjects: bool = True, Contents: bool = True,
                Scenarios: bool = True, AllowFiltering: bool = False, **_: object) -> None:
        self._ws.protection.sheet = True
        self._ws.protection.autoFilter = not AllowFiltering  # openpyxl: True means "not allowed"


class _Ref:
    """An appscript reference to a property: read with ``.get()``."""

    def __init__(self, read) -> None:
        self._read = read

    def get(self) -> object:
        return self._read()


class MacSheetApi:
    """Excel for macOS' worksheet as appscript shows it (xlwings' ``Sheet.api`` there): properties
    are references read with ``.get()``, commands take the AppleScript dictionary's keyword names
    (xlwings/mac_dict.py: unprotect, protect_worksheet); anything else, the COM names included,
    raises AttributeError as appscript does."""

    def __init__(self, ws) -> None:
        self._ws = ws
        self.protect_contents = _Ref(lambda: bool(ws.protection.sheet))

    def unprotect(self, password: str = "") -> None:
        if self._ws.protection.password and password != self._ws.protection.password:
            raise ProtectedSheetError("wrong password")
        self._ws.protection.sheet = False

    def protect_worksheet(self, password: str = "", drawing_objects: bool = True, worksheet_contents: bool = True,
                          scenarios: bool = True, allow_filtering: bool = False, **_: object) -> None:
        self._ws.protection.sheet = True
        self._ws.protection.autoFilter = not allow_filtering


def _typed(v: object) -> object:
    """What Excel stores when a cell's Value is set: a text beginning with an apostrophe stays
    text (without it), one beginning with '=' becomes a formula, one that reads as a number
    becomes a number."""
    if not isinstance(v, str):
        return v
    if v.startswith("'"):
        return v[1:]
    if v.startswith("=") and len(v) > 1:
        return v
    try:
        return int(v) if re.fullmatch(r"[+-]?\d+", v.strip()) else float(v)
    except ValueError:
        return v


class Note:
    def __init__(self, cell) -> None:
        self._cell = cell

    @property
    def text(self) -> str:
        return self._cell.comment.text

    def delete(self) -> None:
        self._cell.comment = None


class LastCell:
    def __init__(self, row: int) -> None:
        self.row = row


class UsedRange:
    def __init__(self, ws) -> None:
        self.last_cell = LastCell(ws.max_row)


def _xl_value(v: object) -> object:
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return dt.datetime(v.year, v.month, v.day)
    if isinstance(v, str) and v == "":
        return None
    return v


class Range:
    def __init__(self, sheet: "Sheet", address: str, ndim: int | None = None,
                 err_to_str: bool = False) -> None:
        self.sheet = sheet
        self._address = address.replace("$", "")
        self._ndim = ndim
        self._err_to_str = err_to_str
        min_col, min_row, max_col, max_row = range_boundaries(self._address)
        self._box = (min_row, min_col, max_row, max_col)

    def options(self, ndim: int | None = None, err_to_str: bool = False, **kw) -> "Range":
        if kw:
            raise AttributeError(f"fake_xlwings: options {sorted(kw)} not implemented")
        return Range(self.sheet, self._address, ndim, err_to_str)

    def _cells(self):
        r1, c1, r2, c2 = self._box
        return [[(r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    def _one(self, r: int, c: int) -> object:
        v = _xl_value(self.sheet._values.cell(r, c).value)
        if not self._err_to_str and isinstance(v, str) and _ERROR.fullmatch(v):
            return None  # xlwings turns cell errors into None unless err_to_str
        return v

    @property
    def value(self) -> object:
        rows = [[self._one(r, c) for r, c in row] for row in self._cells()]
        if self._ndim == 2:
            return rows
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        if len(rows) == 1:
            return rows[0]
        if all(len(row) == 1 for row in rows):
            return [row[0] for row in rows]
        return rows

    @value.setter
    def value(self, data: object) -> None:
        r1, c1, _, _ = self._box
        if not isinstance(data, (list, tuple)):
            data = [[data]]
        elif data and not isinstance(data[0], (list, tuple)):
            data = [list(data)]
        for i, row in enumerate(data):
            for j, v in enumerate(row):
                self.sheet._write(r1 + i, c1 + j, _typed(v))

    @property
    def formula(self) -> object:
        def one(r: int, c: int) -> str:
            cell = self.sheet._formulas.cell(r, c)
            v = cell.value
            if v is None:
                return ""
            if cell.data_type == "f":
                return v if isinstance(v, str) else "=" + str(getattr(v, "text", v)).lstrip("=")
            if isinstance(v, (dt.date, dt.datetime)):
                return str((dt.datetime(v.year, v.month, v.day) - dt.datetime(1899, 12, 30)).days)
            return str(v)
        rows = tuple(tuple(one(r, c) for r, c in row) for row in self._cells())
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        return rows

    def clear(self) -> None:
        """Contents and formats."""
        from openpyxl.styles.cell_style import StyleArray
        for row in self._cells():
            for r, c in row:
                self.sheet._write(r, c, None)
                self.sheet._formulas.cell(r, c)._style = StyleArray()

    def copy(self, destination: "Range") -> None:
        """Excel's Range.Copy(Destination): one cell fills the whole destination, format too."""
        src = self.sheet._formulas.cell(self._box[0], self._box[1])
        for row in destination._cells():
            for r, c in row:
                destination.sheet._write(r, c, src.value)
                destination.sheet._formulas.cell(r, c)._style = copy.copy(src._style)

    def _single(self):
        r1, c1, r2, c2 = self._box
        if (r1, c1) != (r2, c2):
            raise ValueError("a note belongs to a single cell")
        return self.sheet._formulas.cell(r1, c1)

    @property
    def note(self) -> Note | None:
        cell = self._single()
        return Note(cell) if cell.comment is not None else None

    def add_note(self, text: str) -> Note:
        cell = self._single()
        if cell.comment is not None:
            raise ValueError("This cell already has a note")
        if self.sheet._formulas.protection.sheet:
            raise ProtectedSheetError(f"{self.sheet.name}: sheet is protected")
        cell.comment = Comment(text, "nianbao")
        return Note(cell)


class Sheet:
    def __init__(self, book: "Book", name: str) -> None:
        self.book = book
        self.name = name
        self._formulas = book._wb[name]
        self._values = book._cached[name]
        self.api = (MacSheetApi if book.platform == "darwin" else SheetApi)(self._formulas)

    def range(self, address: str) -> Range:
        return Range(self, address)

    @property
    def used_range(self) -> UsedRange:
        return UsedRange(self._formulas)

    def _write(self, r: int, c: int, v: object) -> None:
        if self._formulas.protection.sheet:
            raise ProtectedSheetError(f"{self.name}: sheet is protected")
        self._formulas.cell(r, c).value = v
        self._values.cell(r, c).value = v


class Sheets:
    def __init__(self, book: "Book") -> None:
        self._list = [Sheet(book, n) for n in book._wb.sheetnames]

    def __iter__(self):
        return iter(self._list)

    def __getitem__(self, name: str) -> Sheet:
        for s in self._list:
            if s.name == name:
                return s
        raise KeyError(name)


class Book:
    """An open workbook as xlwings shows it."""

    def __init__(self, path: Path | str, platform: str = "win32") -> None:
        self.platform = platform  # whose Excel: "win32" or "darwin" (sheet.api differs)
        self.fullname = str(Path(path).resolve())
        keep_vba = str(path).lower().endswith(".xlsm")
        self._wb = openpyxl.load_workbook(path, keep_vba=keep_vba)
        self._cached = openpyxl.load_workbook(path, data_only=True)
        self.app = App()
        self.sheets = Sheets(self)
        self.names = [Name(n, "=" + d.attr_text) for n, d in self._wb.defined_names.items()]
        # a sheet's own names, named as Excel (and so xlwings) names them: 'Sheet name'!NAME
        self.names += [Name(f"'{ws.title}'!{n}" if " " in ws.title else f"{ws.title}!{n}", "=" + d.attr_text)
                       for ws in self._wb.worksheets for n, d in ws.defined_names.items()]

    def save(self, path: Path | str) -> None:
        """Excel's part: keep what was written (openpyxl stands in for Excel's own save)."""
        self._wb.save(path)
