"""Cell positions: ``CellPos`` (sheet, row, column) and the one parser and formatter of A1
references.

Positions travel through the program as ``CellPos``; text (``'表二 主动公开'!B13``) is made only
for people and JSON, and read back only here. Rows and columns are 0-based, as in XlsxWriter.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

MAX_ROW = 1_048_576  # Excel's limits (rows, columns XFD)
MAX_COL = 16_384

_A1 = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
# A sheet name that Excel writes without quotes: a word that does not start with a digit and
# does not read as a cell reference or an R1C1 reference.
_BARE_SHEET = re.compile(r"[^\W\d]\w*")
_LOOKS_LIKE_REF = re.compile(r"[A-Za-z]{1,3}[0-9]+|[Rr]([0-9]*)[Cc]?([0-9]*)|[Rr]|[Cc]")


class BadReference(ValueError):
    """Text that is not a cell reference."""


def col_letter(col: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    if col < 0:
        raise BadReference(f"column {col}")
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    """'A' -> 0, 'AB' -> 27 (letters only, any case)."""
    col = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            raise BadReference(letters)
        col = col * 26 + ord(ch) - 64
    return col - 1


@functools.lru_cache(maxsize=65536)
def a1(row: int, col: int) -> str:
    """(6, 3) -> 'D7'."""
    return f"{col_letter(col)}{row + 1}"


@functools.lru_cache(maxsize=65536)
def split_a1(ref: str) -> tuple[int, int]:
    """'D7' or '$D$7' -> (6, 3), 0-based row and column; BadReference for anything else
    (a row or column outside Excel's sheet included)."""
    m = _A1.fullmatch(ref)
    if not m:
        raise BadReference(ref)
    row, col = int(m.group(2)) - 1, col_index(m.group(1))
    if not (0 <= row < MAX_ROW and 0 <= col < MAX_COL):
        raise BadReference(ref)
    return row, col


def area(top: int, left: int, bottom: int, right: int) -> str:
    """A rectangle, corners 0-based: (3, 1, 8, 1) -> 'B4:B9' (a one-cell rectangle is 'B4:B4')."""
    return f"{a1(top, left)}:{a1(bottom, right)}"


def on_sheet(sheet: str, ref: str) -> str:
    """A cell or rectangle of a sheet as people and formulas spell it: ``'表二 主动公开'!B4:B9``."""
    return f"{quote_sheet(sheet)}!{ref}"


def row_index(r: str | None, previous: int) -> int:
    """A <row>'s ``r`` ('7' -> 6), or the row after ``previous`` when it has none (allowed, and
    written by some generators); BadReference for anything else."""
    if r is None:
        return previous + 1
    if not (r.isascii() and r.isdigit() and len(r) <= 7) or not 0 < int(r) <= MAX_ROW:
        raise BadReference(r)
    return int(r) - 1


@functools.lru_cache(maxsize=1024)
def quote_sheet(sheet: str) -> str:
    """A sheet name as a reference spells it: quoted (quotes doubled) when Excel would quote it."""
    if _BARE_SHEET.fullmatch(sheet) and not _LOOKS_LIKE_REF.fullmatch(sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def unquote_sheet(sheet: str) -> str:
    """A sheet name as a reference spells it (``'表三 依申请公开'``, ``Sheet1``) -> the name itself."""
    if len(sheet) >= 2 and sheet.startswith("'") and sheet.endswith("'"):
        return sheet[1:-1].replace("''", "'")
    return sheet


class CellPos(NamedTuple):
    """One cell of one sheet; ``row`` and ``col`` 0-based. A named tuple: a batch hashes, sorts
    and compares thousands of them, which tuples do in C (measured: twice as fast as a slotted
    frozen dataclass to make and hash, four times to sort)."""

    sheet: str
    row: int
    col: int

    @property
    def a1(self) -> str:
        return a1(self.row, self.col)

    def __str__(self) -> str:
        """For people and JSON: ``'表三 依申请公开'!D5``, ``Sheet1!A1``."""
        return on_sheet(self.sheet, self.a1)

    @property
    def ref(self) -> str:
        """For formulas and defined names: ``'表三 依申请公开'!$D$5`` (always quoted: valid
        in every program's formula parser, whatever the name)."""
        return "'" + self.sheet.replace("'", "''") + f"'!${col_letter(self.col)}${self.row + 1}"

    def moved(self, rows: int = 0, cols: int = 0) -> CellPos:
        return CellPos(self.sheet, self.row + rows, self.col + cols)

    @staticmethod
    def parse(text: str) -> CellPos:
        """``'表三 依申请公开'!$D$7`` (a defined name), ``表三 依申请公开!D7`` (an address as
        0.1 wrote it) or ``Sheet1!D7`` -> CellPos; BadReference for anything else."""
        return _parse(text)

    @staticmethod
    def find(text: str) -> CellPos | None:
        """Like ``parse``, None for text that is not one cell of one sheet."""
        try:
            return _parse(text)
        except BadReference:
            return None


@functools.lru_cache(maxsize=8192)
def _parse(text: str) -> CellPos:
    # Cached: every workbook of a batch has the same few hundred defined names.
    sheet, bang, ref = text.lstrip("=").rpartition("!")
    if not bang or not sheet:
        raise BadReference(text)
    row, col = split_a1(ref)
    return CellPos(unquote_sheet(sheet), row, col)
