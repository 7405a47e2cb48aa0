"""What every importer produces: a document as blocks in reading order, paragraphs and grids.

A grid is a table with its merged cells expanded: a cell spanning three columns appears in each
of them, with the same ``origin`` so that it is read once. Each cell keeps where it was found
(``page``: "第4页", or "" where a format has no pages), so that every value read from it can say
where it was read. The importers (Word, web page, PDF, spreadsheet, text) only build this model;
``toolkit.importers.tables`` reads the report out of it, the same way for every kind of document.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache


@dataclass(frozen=True)
class Cell:
    """One cell of a table as a document lays it out."""

    text: str
    origin: int  # cells with the same origin are one merged cell of the source
    page: str = ""


@dataclass
class Grid:
    """A table of a document: rows of cells, merged cells repeated with one origin."""

    rows: list[list[Cell]]
    page: str = ""  # the page the table starts on
    # False where a source has no columns (plain text): cells are then matched to the official
    # columns by their order only, never by a header above them
    aligned: bool = True

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def unmerged(rows: list[list[tuple[str, str]]]) -> list[list[Cell]]:
    """Rows of (text, page) as cells each its own origin: a table without merged cells (one a
    reader laid out itself from text or positions)."""
    origin = itertools.count()
    return [[Cell(text, next(origin), page) for text, page in row] for row in rows]


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of a document's text."""

    text: str
    page: str = ""


Block = Paragraph | Grid


@dataclass
class Document:
    """Any published report as the importers read it: paragraphs and table grids, in order."""

    kind: str  # how a person names the source: Word 文档, 网页, PDF, 电子表格, 文本
    blocks: list[Block] = field(default_factory=list)
    title: str = ""  # a title the format itself carries (an HTML <title>), used when the body has none
    notes: list[str] = field(default_factory=list)  # what the importer could not read cleanly

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def grids(self) -> list[Grid]:
        return [b for b in self.blocks if isinstance(b, Grid)]


class GridBuilder:
    """Lays out cells with row and column spans into an expanded grid, as HTML and Word do."""

    def __init__(self, page: str = "") -> None:
        self.page = page
        self.rows: list[list[Cell | None]] = []
        self.next_origin = 0
        self.current = 0  # the next source row (rows below may already hold spanned cells)

    def add_row(self, cells: list[tuple[str, int, int]], page: str | None = None) -> None:
        """One source row: (text, rowspan, colspan) per cell; places taken by earlier rowspans
        are skipped, as a browser does."""
        r = self.current
        self.current += 1
        self._ensure(r)
        c = 0
        for text, rowspan, colspan in cells:
            while c < len(self.rows[r]) and self.rows[r][c] is not None:
                c += 1
            cell = Cell(text, self.next_origin, self.page if page is None else page)
            self.next_origin += 1
            for dr in range(max(1, rowspan)):
                self._ensure(r + dr)
                row = self.rows[r + dr]
                for dc in range(max(1, colspan)):
                    while len(row) <= c + dc:
                        row.append(None)
                    if row[c + dc] is None:
                        row[c + dc] = cell
            c += max(1, colspan)

    def _ensure(self, r: int) -> None:
        while len(self.rows) <= r:
            self.rows.append([])

    def grid(self) -> Grid:
        width = max((len(r) for r in self.rows), default=0)
        rows = []
        for row in self.rows:
            filled = []
            for c in range(width):
                cell = row[c] if c < len(row) else None
                if cell is None:
                    cell = Cell("", self.next_origin, self.page)
                    self.next_origin += 1
                filled.append(cell)
            rows.append(filled)
        return Grid([r for r in rows if r], self.page)


_QUOTES = str.maketrans({"“": "", "”": "", '"': "", "‘": "", "’": "", "'": "", "「": "", "」": "",
                         "、": ".", "，": ",", "：": ":", "；": ";", "。": "."})


@lru_cache(maxsize=65536)  # labels are compared thousands of times in a batch
def norm(text: str) -> str:
    """Text compared by what it says: full-width forms folded (NFKC), no blanks, no quotes,
    、 read as . (``1、`` and ``1.`` number alike)."""
    return "".join(unicodedata.normalize("NFKC", text).split()).translate(_QUOTES)


_PLAIN = re.compile(r"[^\r\n\v\u2028\u2029\u00a0\u200b\ufeff]*")


def clean_cell(text: str) -> str:
    """A cell's text as a person reads it: non-breaking and other odd blanks made plain, lines
    joined (a label wrapped in its cell is one label), the edges trimmed."""
    if _PLAIN.fullmatch(text):  # most cells: one line, nothing odd
        return text.strip(" \t\u3000")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    lines = [line.strip(" \t\u3000") for line in re.split(r"[\r\n\v\u2028\u2029]+", text)]
    return _join_lines([line for line in lines if line])


def _join_lines(lines: list[str]) -> str:
    out = ""
    for line in lines:
        if out and out[-1].isascii() and out[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            out += " "
        out += line
    return out
