"""Plain text of a report (.txt): copied from a page, or a crawler's or converter's output.

Best effort, and honest about it. A text has no columns: its tables arrive flattened, in the
shapes real copies show:

- one cell per line, each indented by a tab, a blank line between rows (converters of Word files);
- one row per line, cells separated by tabs or by runs of spaces (copied from a browser);
- cells separated by ``|``, one row per line (``| a | b |``) or one cell per line (``a |``), an
  empty cell written as an empty ``|`` (crawlers that keep the table's structure);
- one cell per line with nothing else (text copied from a page: every cell its own paragraph).

Inside the sections of the tables (二 to 四) a short line that is no sentence is a cell; the cells
are grouped into rows by their labels (a row is its label cells, then its values). Values are
then matched to the official columns by their order only, and only when a row has exactly as
many values as the table has columns (tables.py); otherwise the row is not read and the import
says why: a blank cell that left no trace in the text makes a guess worse than a blank.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import spec
from ..safetext import chinese_text
from . import KINDS
from .document import Document, Grid, Paragraph, clean_cell, norm, unmerged
from .tables import heading_number, looks_like_value, part_of_one

KIND = KINDS[".txt"]

_ARTIFACTS = re.compile(r"\[bookmark: [^\]]*\]")
_SPLIT = re.compile(r"\t+| {2,}|\u3000{2,}")
_SPACED_NUMBERS = re.compile(r"^(.*?\D)\s+((?:[-—/／\d.]+\s+)*[-—/／\d.]+)\s*$")
_PIPES = re.compile(r"[|｜]")
_ROW_OPENING = re.compile(r"^([ \t]*)[|｜](?=[ \t]*[^|｜\s])", re.M)
_SENTENCE_END = re.compile(r"[。；;！？!?]")
TABLE_SECTIONS = ("二", "三", "四")  # the sections whose short lines are table cells
# The tables' column and group labels: a line of them with single blanks between is a header row
# (结果维持 结果纠正 其他结果 … copied from a page); a label typed with a blank inside (商业 企业) is
# not split, as its halves are no labels
HEADER_LABELS = frozenset(norm(label) for label in (
    spec.T2_CONTENT_LABEL, *(label for _, cols, _ in spec.T2_BLOCKS for _, label in cols),
    spec.T3_APPLICANTS, spec.T3_ORGS, *(label for _, label in spec.T3_COLUMNS),
    *(label for _, label in spec.T4_GROUPS), spec.T4_SUIT, *(label for _, label in spec.T4_COLUMNS)))
DAMAGED_UTF8 = 50  # UTF-8 with at most one damaged character to so many good Chinese ones is UTF-8
CELL_MAX = 60  # a longer line is prose, not a cell (the longest official label has 36 characters)


def decode_text(data: bytes) -> str:
    """UTF-16 by its BOM; UTF-8 or GB18030 (``safetext.chinese_text``), else GB18030 with what it
    cannot read replaced. UTF-8 with a few damaged bytes (a download cut short, a stray byte) stays
    UTF-8, those bytes replaced: GB18030 would read every character of it wrong."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    lenient = data.decode("utf-8", errors="replace")
    damaged = lenient.count("\ufffd")
    if damaged * DAMAGED_UTF8 <= sum(1 for ch in lenient if ord(ch) > 127) - damaged:
        return lenient.removeprefix("\ufeff")
    text = chinese_text(data)
    return text if text is not None else data.decode("gb18030", errors="replace")


def read_text(path: Path) -> Document:
    return parse_text(decode_text(path.read_bytes()))


class _Tables:
    """The cells of the table being read, grouped into rows as they come."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.rows: list[list[str]] = []
        self.tab_row: list[str] | None = None  # a row of tab-indented cell lines
        self.stream: list[str] = []  # cells without row boundaries, grouped by labels at the end

    def tab_cell(self, text: str) -> None:
        self.end_stream()
        if self.tab_row is None:
            self.tab_row = []
        self.tab_row.append(text)

    def end_tab_row(self) -> None:
        if self.tab_row is not None:
            self.rows.append(self.tab_row)
            self.tab_row = None

    def cells(self, cells: list[str]) -> None:
        self.end_tab_row()
        self.stream.extend(cells)

    def end_stream(self) -> None:
        self.rows.extend(group_rows(self.stream))
        self.stream = []

    def end(self) -> None:
        self.end_tab_row()
        self.end_stream()
        if self.rows:
            self.doc.blocks.append(_grid(self.rows))
            self.rows = []


def parse_text(text: str) -> Document:
    doc = Document(KIND)
    lines = _ARTIFACTS.sub("", text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    tables = _Tables(doc)
    section = ""  # the section being read, by its number, once a heading was seen
    one = ""  # section 一's heading: inside 一, a line like a later heading may be one of its parts
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        stripped = line.strip()
        if line.startswith("\t") and not _PIPES.search(line):  # one cell per line, tab-indented
            tables.tab_cell(clean_cell(line))
            continue
        if not stripped:
            tables.end_tab_row()  # a blank line ends a row; the table goes on until text that is no cell
            continue
        number = heading_number(stripped) if len(stripped) <= CELL_MAX else None
        if number and section == "一" and number != "一" and part_of_one(stripped, number, one):
            number = None  # （二）依申请公开政府信息办理情况: 一's part, not section 二
        if number:
            section = number
            one = stripped if number == "一" else one
            tables.end()
            doc.blocks.append(Paragraph(clean_cell(line)))
            continue
        # cells written with | (a title | the site's name before any section is no table)
        if len(_PIPES.findall(stripped)) >= (1 if section in TABLE_SECTIONS else 2):
            end = _pipe_zone_end(lines, i - 1)
            tables.cells(pipe_cells("\n".join(lines[i - 1:end])))
            i = end
            continue
        cells = _cells(line)
        if len(cells) > 1:
            tables.cells(cells)
            continue
        if section in TABLE_SECTIONS and is_cell(stripped):
            tables.cells([clean_cell(stripped)])
            continue
        tables.end()
        doc.blocks.append(Paragraph(clean_cell(line)))
    tables.end()
    return doc


def is_cell(text: str) -> bool:
    """A line inside a table's section that reads as a cell: short, and no sentence."""
    return len(text) <= CELL_MAX and not _SENTENCE_END.search(text)


def _pipe_zone_end(lines: list[str], start: int) -> int:
    """Where the lines written with | that begin at ``start`` end: the last line with a | of a run
    whose other lines are blank or short cells (a cell's text wrapped over lines, as 商业↵企业)."""
    last = start
    for j in range(start + 1, len(lines)):
        stripped = lines[j].strip()
        if _PIPES.search(stripped):
            last = j
        elif stripped and (not is_cell(stripped) or heading_number(stripped)):
            break
    return last + 1


def pipe_cells(text: str) -> list[str]:
    """The cells of lines written with ``|`` between cells, whichever way a crawler wrote them:
    ``| a | b |`` a row per line, ``a |`` a cell per line, ``|`` or ``||`` for empty cells, a cell's
    text over several lines. An empty cell is kept as "": a printed blank, or a merged cell's place
    (tables.py drops those where a row has more places than the table has columns)."""
    # A line "| text" opens a row (markdown): that | separates no cells
    text = _ROW_OPENING.sub(r"\1", text)
    parts = _PIPES.split(text)
    if parts and not parts[-1].strip():
        parts = parts[:-1]  # what follows the closing |
    return [clean_cell(p) for p in parts]


def group_rows(cells: list[str]) -> list[list[str]]:
    """Cells without row boundaries, as rows: a row is its label cells, then its values; the next
    label after a value starts the next row. A table's header cells (no values) join the label
    of the first row below them, which tables.py reads by the official label inside it."""
    rows: list[list[str]] = []
    row: list[str] = []
    has_label = has_value = False
    for text in cells:
        value = looks_like_value(text)
        if not value and has_value:
            rows.append(row)
            row, has_label, has_value = [], False, False
        row.append(text)
        has_label = has_label or not value
        has_value = has_value or (value and has_label)
    if row:
        rows.append(row)
    return rows


def _cells(line: str) -> list[str]:
    """A line's cells: split at tabs or runs of spaces; or a label followed by numbers; or the
    tables' column labels with single blanks between."""
    parts = [p.strip() for p in _SPLIT.split(line.strip()) if p.strip()]
    if len(parts) > 1:
        return parts
    words = line.split()
    if len(words) > 1 and all(norm(word) in HEADER_LABELS for word in words):
        return words
    if len(words) > 1 and all(looks_like_value(word) for word in words):
        return words  # 0 0 0 0, / 0 0: a row of values, never one value
    m = _SPACED_NUMBERS.match(line.strip())
    if m and len(m.group(1).strip()) >= 2:
        return [m.group(1).strip(), *m.group(2).split()]
    return parts


def _grid(rows: list[list[str]]) -> Grid:
    return Grid(unmerged([[(text, "") for text in texts] for texts in rows]), aligned=False)
