"""PDF tables drawn without ruling lines: cells only positioned.

An agency prints a Word table without borders, a browser prints a web page, a generator writes
text at positions: the characters are there, the cells are not. This reader finds the official
tables from the format itself (toolkit/spec.py), not from one file's geometry:

- each table lies under its section heading (二、三、四), or begins at a header cell only it
  prints (申请人情况, 行政复议) where the heading is missing, and ends where the next begins;
- a text line is split into fragments at gaps; the value-like fragments at the end of a line
  (numbers, ``/``, ``—``, ``5件``) are the row's values, the rest is label text;
- rows are found by their labels, in the official order: a row starts on the line where its label
  starts (numbering such as （一）、1. printed or not; a label wrapped over several lines starts on its
  first line), and its values are the value line between its start and the next row's start, so
  that top, middle and bottom alignment of a wrapped label all read alike and a row printed blank
  stays blank;
- columns are the x-positions of the values: a row that prints every column gives them in the
  official order (table 三's seven, under a two-level header); a row with blank cells puts each value
  under the full row nearest to it (a table split in two may have other widths); where rows print
  more values (an extra column) the header text above each names it; tables 二 and 四 also place
  values under their header labels, found whole or wrapped (结果维 over 持). Where a value cannot be
  placed without doubt (under no column, two in one column, two lines of numbers for one row),
  that row or table is not read and a note says so.

The result is a grid in the official layout (document.Grid), read by toolkit.importers.tables as
any other; each value cell keeps the page it was printed on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .. import spec
from ..numerals import ONE_TO_TEN
from .document import Cell, Grid, norm, unmerged
from .tables import (
    T2_COLUMNS_OF,
    T2_ROWS,
    T3_OTHER_GROUP,
    T3_OTHER_KEYS,
    is_section_heading,
    match_label,
    strip_numbering,
)

if TYPE_CHECKING:
    from .pdf import Char, Line

GAP = 0.25  # a gap wider than this share of the character height separates two fragments
# a value as printed in a cell: a number, a dash or slash, 无, or a number with its unit (5件)
_VALUE = re.compile(r"^(?:\d[\d,.]*|[/\\\-—–－]+|无|\d+[件个条项次人宗])$")
_NUMBERING_ONLY = re.compile(rf"^(?:\d+[.、]|\(?[{ONE_TO_TEN}]+[).、]?|\(\d+\))$")


@dataclass(slots=True)
class Fragment:
    """A run of characters of one line that belongs to one cell."""

    text: str  # normalised (norm): full-width folded, no blanks
    x0: float
    x1: float
    page: str

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(slots=True)
class Row:
    """One text line of a table region: its label fragments and its trailing values."""

    top: float  # the line's position in the whole document (pages stacked)
    labels: list[Fragment]
    values: list[Fragment]
    chars: list[Char]
    page: str

    @property
    def label(self) -> str:
        return "".join(f.text for f in self.labels)


@dataclass
class Result:
    """The tables read by position, and what could not be read."""

    grids: list[tuple[str, Grid]] = field(default_factory=list)  # (table id, grid in the official layout)
    notes: list[str] = field(default_factory=list)


def fragments(chars: Sequence[Char], page: str) -> list[Fragment]:
    """A line's characters cut where a gap separates two cells (or a space separates words)."""
    out: list[Fragment] = []
    run: list[Char] = []
    for ch in chars:
        if run:
            prev = run[-1]
            size = max(1.0, prev.bottom - prev.top, ch.bottom - ch.top)
            gap = ch.x0 - prev.x1
            # a digit printed right after a label's last character: cells of a tight web table
            boundary = gap > 0.08 * size and ch.text.isdigit() and not prev.text.isdigit()
            if gap > GAP * size or boundary:
                out.append(_fragment(run, page))
                run = []
        run.append(ch)
    if run:
        out.append(_fragment(run, page))
    return [f for f in out if f.text]


def _fragment(run: list[Char], page: str) -> Fragment:
    return Fragment(norm("".join(c.text for c in run)), run[0].x0, run[-1].x1, page)


def is_value(text: str) -> bool:
    return bool(_VALUE.match(text)) and not _NUMBERING_ONLY.match(text)


def _row(line: Line, top: float, page: str) -> Row:
    frags = fragments(line.chars, page)
    k = len(frags)
    while k > 0 and is_value(frags[k - 1].text):
        k -= 1
    return Row(top, frags[:k], frags[k:], list(line.chars), page)


# --- the document: lines of all pages, sections ----------------------------------------------------

PAGE = 100000.0  # rows of later pages lie below those of earlier ones


# Where a table begins when its section heading is missing or renamed beyond recognition: a header
# text only that table prints.
_CAPTION = norm(spec.T2_BLOCKS[0][0])[:4]  # 第二十条: table 二's block captions
_MARKERS = {"t2": (norm(spec.T2_CONTENT_LABEL), norm(spec.T2_BLOCKS[0][0])),
            "t3": (norm(spec.T3_APPLICANTS), norm(spec.T3_CORNER)[:9]),
            "t4": (norm(spec.T4_GROUPS[0][1]), norm(spec.T4_SUIT), norm(spec.T4_COLUMNS[0][1]))}


def _marks(row: Row, table_id: str) -> bool:
    """A header cell of the table on this line: a fragment of its own (body text that mentions 行政诉讼
    is a long fragment), or the start of the corner text."""
    return any(f.text == m or (len(m) >= 8 and f.text.startswith(m)) for f in row.labels for m in _MARKERS[table_id])


def read_tables(pages: list[tuple[str, list[Line]]], wanted: set[str]) -> Result:
    """Tables ``wanted`` (t2, t3, t4) read from the loose text lines of every page.

    ``pages``: (page label, the page's text lines without page numbers and running headers)."""
    rows = [_row(line, n * PAGE + line.top, label) for n, (label, lines) in enumerate(pages) for line in lines]
    result = Result()
    headings: dict[str, int] = {}  # section content (text, t2, t3, t4) -> the line of its heading
    pos = 0
    for section in spec.SECTIONS:
        for i in range(pos, len(rows)):
            if not rows[i].values and is_section_heading(_line_text(rows[i]), section):
                headings.setdefault(section.content, i)
                pos = i + 1
                break
    starts: dict[str, int] = {}
    after = 0  # the tables come in their order: each looked for after the one before
    for table in spec.TABLES:
        if table.id in headings:
            starts[table.id] = after = headings[table.id] + 1
        else:
            marked = next((i for i in range(after, len(rows)) if _marks(rows[i], table.id)), None)
            if marked is not None:
                starts[table.id] = after = marked
    # a table ends where the next section or table begins
    bounds = sorted({*headings.values(), *starts.values()})
    for table_id, start in starts.items():
        if table_id in wanted:
            end = next((i for i in bounds if i > start), len(rows))
            _READERS[table_id](rows[start:end], result)
    return result


def _line_text(row: Row) -> str:
    return "".join(f.text for f in (*row.labels, *row.values))


# --- rows by their labels ---------------------------------------------------------------------------

def _starts_label(row: Row, label: str, strict: bool) -> bool:
    """Whether the label ``label`` (normalised, numbering printed or not) begins on this line."""
    candidates = [label]
    core = strip_numbering(label)
    if core != label:
        candidates.append(core)
    for f in row.labels:
        # a numbering printed otherwise (（1）for 1.) or wrapped with a character or two of the label
        bare = strip_numbering(f.text)
        if not strict and bare and bare != f.text and core.startswith(bare):
            return True
        for cand in candidates:
            if len(f.text) >= 2 and cand.startswith(f.text) and not (strict and len(f.text) < 3):
                return True
            if len(cand) >= 3 and cand[:4] in f.text:
                return True
    return False


def _find_rows(region: list[Row], labels: Sequence[tuple[str, str]], first: int = 0
               ) -> list[tuple[str, int]]:
    """(key, index of the line where its label starts), in the official order; a row the table
    does not print is skipped (up to three in a row, and only on a distinctive label start)."""
    found: list[tuple[str, int]] = []
    k = 0
    normalised = [(key, norm(label)) for key, label in labels]
    for i in range(first, len(region)):
        if k >= len(normalised):
            break
        for skip in range(0, min(4, len(normalised) - k)):
            key, label = normalised[k + skip]
            if _starts_label(region[i], label, strict=skip > 0) or (not skip and _number_alone(region[i], label)):
                # its number alone on the line above (（1） over 属于国家秘密, in a narrow column)
                above = i - 1 > (found[-1][1] if found else first - 1) and _number_alone(region[i - 1], label)
                found.append((key, i - 1 if above else i))
                k += skip + 1
                break
    return found


_NUMBER = re.compile(rf"\d+|[{ONE_TO_TEN}]+")


def _number_alone(row: Row, label: str) -> bool:
    """Whether the line holds the label's own number and nothing else of it (（1） for 1.属于…)."""
    prefix = label[:len(label) - len(strip_numbering(label))]
    number = _NUMBER.search(prefix)
    return any(_NUMBERING_ONLY.match(f.text) and (m := _NUMBER.search(f.text)) and number
               and m.group(0) == number.group(0) for f in row.labels)


def _value_left(region: list[Row], first: int, last: int) -> float:
    """Where the value columns begin: the leftmost value printed in the table's rows."""
    return min((f.x0 for r in region[first:last] for f in r.values), default=float("inf"))


def _row_values(region: list[Row], start: int, end: int, left: float) -> Row | None | str:
    """A row's values between its start and the next row's start: one line of them, or a value
    wrapped in a narrow cell (``5`` over ``件``). None for a row printed blank; "ambiguous" where
    two numbers lie one above the other in one column (two rows' values, not one)."""
    lines = [region[i] for i in range(start, end)]
    merged: list[tuple[Fragment, int]] = []  # a cell's text, and the line it last ran on
    for i, line in enumerate(lines):
        # right of the labels: the cells' texts, numbers or words (a 备注 column's 详见说明)
        cells = [f for f in (*line.labels, *line.values) if f.x0 >= left - 1.0]
        numbers = any(is_value(f.text) for f in cells)
        for f in cells:
            hit = next((k for k, (m, _) in enumerate(merged) if f.x0 <= m.x1 and m.x0 <= f.x1), None)
            if hit is None:
                if numbers:  # words on a line without numbers, under no cell: a header printed again
                    merged.append((Fragment(f.text, f.x0, f.x1, f.page), i))
                continue
            m, last = merged[hit]
            if lines[last].page != line.page:
                continue  # the header printed again at the top of the next page
            if is_value(f.text) and f.text[0].isdigit() and is_value(m.text):
                return "ambiguous"
            if line.top - lines[last].top > 1.6 * _height(lines[last]):
                return "ambiguous"  # words under a cell, not where its text would wrap to
            m.text += f.text  # the cell's text wrapped (5 over 件)
            m.x0, m.x1 = min(m.x0, f.x0), max(m.x1, f.x1)
            merged[hit] = (m, i)
    if not merged:
        return None
    first = lines[min(i for _, i in merged)]
    return Row(first.top, [], sorted((m for m, _ in merged), key=lambda f: f.x0), first.chars, first.page)


def _height(row: Row) -> float:
    return max((c.bottom - c.top for c in row.chars), default=1.0)


# --- columns --------------------------------------------------------------------------------------

@dataclass
class _Band:
    """The horizontal extent of a column's numbers."""

    x0: float
    x1: float


def _limits(bands: list[_Band]) -> list[float]:
    """Boundaries between the columns, halfway between neighbouring bands."""
    return [(a.x1 + b.x0) / 2 for a, b in zip(bands, bands[1:], strict=False)]


def _header_texts(header: list[Row], bands: list[_Band], left: float) -> list[str]:
    """The header text over each column: the characters whose centre lies within it, line by line."""
    limits = _limits(bands)
    texts = ["" for _ in bands]
    for row in header:
        for ch in row.chars:
            cx = (ch.x0 + ch.x1) / 2
            if cx < left:
                continue
            i = sum(1 for lim in limits if cx > lim)
            texts[i] += ch.text
    return [norm(t) for t in texts]


def _name_columns(header: list[Row], bands: list[_Band], left: float,
                  columns: Sequence[tuple[str, str]]) -> list[str | None] | None:
    """Each band's column key, by the header above it, where every column is named once, in any
    order (a flat header with 总计 first; bands of other columns named None); else None."""
    texts = _header_texts(header, bands, left)
    named = [match_label(t, tuple(columns)) if t else None for t in texts]
    keys = [k for k in named if k]
    return named if sorted(keys) == sorted(k for k, _ in columns) else None


# --- table 三 ---------------------------------------------------------------------------------------

def _read_t3(region: list[Row], result: Result) -> None:
    table = spec.TABLE_BY_ID["t3"]
    found = _find_rows(region, spec.T3_ROWS)
    if len(found) < 3:
        return  # no table 三 here: the table reader says it was not found
    collapsed = None if {k for k, _ in found} & set(T3_OTHER_KEYS) else _collapsed_other(region, found)
    if collapsed is not None:
        found = sorted([*found, ("other_other", collapsed)], key=lambda kv: kv[1])
    first = found[0][1]
    ends = [i for _, i in found[1:]] + [_region_end(region, found[-1][1])]
    left = _value_left(region, first, ends[-1])
    lines: dict[str, Row | None | str] = {key: _row_values(region, start, end, left)
                                          for (key, start), end in zip(found, ends, strict=True)}
    value_lines = [r for r in lines.values() if isinstance(r, Row)]
    header = [Cell("", -1), *(Cell(label, -1) for _, label in spec.T3_COLUMNS)]
    if not value_lines:
        if "ambiguous" in lines.values():  # found, every row's numbers wrapped in their cells
            result.notes.append(f"{table.short}没有表格线，各行的数字在格中折成了两行，无法确定各数，表格中的数字未读取")
            result.grids.append(("t3", _numbered([header])))
        return
    columns = _t3_columns(region[:first], value_lines)
    if columns is None:
        result.notes.append(f"{table.short}没有表格线，数字所在的列与表头“"
                            f"{'、'.join(label for _, label in spec.T3_COLUMNS)}”对应不上，表格中的数字未读取")
        return
    full, names = columns
    grid_rows = [header]
    col_index = {key: j for j, (key, _) in enumerate(spec.T3_COLUMNS)}
    labels = dict(spec.T3_ROWS)
    order = [r for r in lines.values() if isinstance(r, Row)]
    for key, start in found:
        line = lines[key]
        if line == "ambiguous":
            result.notes.append(f"{table.short}没有表格线，“{labels[key]}”一行有两行数字，"
                                "无法确定哪一行属于它，未读取")
            continue
        page = line.page if isinstance(line, Row) else region[start].page
        cells = [Cell("", -1, page) for _ in col_index]
        if isinstance(line, Row):
            placed = _place(line, _nearest(line, order, full), names)
            if placed is None:
                result.notes.append(f"{table.short}没有表格线，“{labels[key]}”一行的数字不在各列的位置上，"
                                    "无法确定各数对应哪一列，未读取")
                continue
            for col, f in placed.items():
                cells[col_index[col]] = Cell(f.text, -1, f.page)
        # a collapsed （六）其他处理 keeps its own label: the table reader reads it as 3.其他 and says so
        label = T3_OTHER_GROUP if key == "other_other" and collapsed is not None else labels[key]
        grid_rows.append([Cell(label, -1, page), *cells])
    result.grids.append(("t3", _numbered(grid_rows)))


def _collapsed_other(region: list[Row], found: list[tuple[str, int]]) -> int | None:
    """Where （六）其他处理 is printed as one row without its three sub-rows: the line it starts on."""
    order = [k for k, _ in spec.T3_ROWS]
    at = order.index(T3_OTHER_KEYS[-1])
    before = [i for k, i in found if order.index(k) < at]
    after = [i for k, i in found if order.index(k) > at]
    label = norm(T3_OTHER_GROUP)
    for i in range(before[-1] + 1 if before else 0, after[0] if after else len(region)):
        if _starts_label(region[i], label, strict=True):
            return i
    return None


def _t3_columns(header: list[Row], lines: list[Row]) -> tuple[int, list[str | None]] | None:
    """How many values a full row prints, and the column of each of them: by the header text above
    them where it names every column once (another order, an extra column); else by position
    where a full row has the official seven."""
    full = max(len(r.values) for r in lines)
    order: list[str | None] = [k for k, _ in spec.T3_COLUMNS]
    reference = next(r for r in lines if len(r.values) == full)
    bands = [_Band(f.x0, f.x1) for f in reference.values]
    names = _name_columns(header, bands, reference.values[0].x0 - 1.0, spec.T3_COLUMNS)
    if full == len(order):
        return full, names or order  # the header's order where it names all seven (总计 first)
    return None if names is None else (full, names)


def _nearest(line: Row, lines: list[Row], full: int) -> Row:
    """The full row printed nearest to this one (a table split in two may have other widths)."""
    candidates = [r for r in lines if len(r.values) == full]
    return min(candidates, key=lambda r: abs(r.top - line.top))


def _place(line: Row, reference: Row, names: list[str | None]) -> dict[str, Fragment] | None:
    """A row's values by column key, each under the value of a full row it overlaps; None where a
    value lies under none or two values under one."""
    if line is reference or len(line.values) == len(reference.values):
        return {k: f for k, f in zip(names, line.values, strict=True) if k}
    out: dict[str, Fragment] = {}
    taken: set[int] = set()
    for f in line.values:
        hits = [j for j, r in enumerate(reference.values) if f.x0 <= r.x1 + 1.0 and r.x0 <= f.x1 + 1.0]
        if len(hits) != 1 or hits[0] in taken:
            return None
        taken.add(hits[0])
        key = names[hits[0]]
        if key:
            out[key] = f
    return out


def _region_end(region: list[Row], start: int) -> int:
    """Where the last row of a table ends: after its first line of values (a label runs on below),
    and after the lines right under it that hold the rest of its numbers wrapped in their cells
    (a five-digit count in a narrow column: _row_values says it cannot be read, never the half)."""
    for i in range(start, len(region)):
        if region[i].values:
            end = i + 1
            while (end < len(region) and region[end].values and region[end].page == region[end - 1].page
                   and region[end].top - region[end - 1].top <= 1.6 * _height(region[end - 1])):
                end += 1
            return end
    return min(len(region), start + 1)


def _numbered(rows: list[list[Cell]]) -> Grid:
    """Every cell its own origin (no merged cells in a grid built here)."""
    out = unmerged([[(cell.text, cell.page) for cell in row] for row in rows])
    return Grid(out, out[-1][0].page if out else "")


# --- table 二 ---------------------------------------------------------------------------------------

def _read_t2(region: list[Row], result: Result) -> None:
    table = spec.TABLE_BY_ID["t2"]
    found = _find_rows(region, T2_ROWS)
    if len(found) < 2:
        return
    ends = [i for _, i in found[1:]] + [_region_end(region, found[-1][1])]
    # a block's caption and header close the row above them
    stops = [i for i, r in enumerate(region) if _CAPTION in r.label or norm(spec.T2_CONTENT_LABEL) in r.label]
    ends = [min([end, *(i for i in stops if start < i < end)]) for (_, start), end in zip(found, ends, strict=True)]
    left = _value_left(region, found[0][1], ends[-1])
    grid_rows: list[list[Cell]] = []
    labels = dict(T2_ROWS)
    lines = {key: _row_values(region, start, end, left) for (key, start), end in zip(found, ends, strict=True)}
    for key, start in found:
        columns = T2_COLUMNS_OF[key]
        line = lines[key]
        if line == "ambiguous":
            result.notes.append(f"{table.short}没有表格线，“{labels[key]}”一行有两行数字，无法确定哪一行属于它，未读取")
            continue
        page = line.page if isinstance(line, Row) else region[start].page
        values = line.values if isinstance(line, Row) else []
        texts: list[str] | None
        if len(values) == len(columns):
            texts = [f.text for f in values]
        elif not values:
            texts = ["" for _ in columns]
        else:
            texts = _t2_partial(region, found, lines, key, start)
        if texts is None:
            result.notes.append(f"{table.short}没有表格线，“{labels[key]}”一行有{len(values)}个数，应为"
                                f"{len(columns)}个，无法确定各数对应哪一列，未读取")
            continue
        grid_rows.append([Cell(spec.T2_CONTENT_LABEL, -1, page), *(Cell(label, -1, page) for _, label in columns)])
        grid_rows.append([Cell(labels[key], -1, page), *(Cell(t, -1, page) for t in texts)])
    if grid_rows:
        result.grids.append(("t2", _numbered(grid_rows)))


def _t2_partial(region: list[Row], found: list[tuple[str, int]], lines: dict, key: str, start: int
                ) -> list[str] | None:
    """A row of table 二 with a blank cell: its values under those of a full row of the same
    columns (the nearest), else under its block's header labels."""
    columns = T2_COLUMNS_OF[key]
    line = lines[key]
    full = [lines[k] for k, _ in found if T2_COLUMNS_OF[k] == columns and isinstance(lines[k], Row)
            and len(lines[k].values) == len(columns)]
    spans: list[_Band] | None = None
    if full:
        reference = min(full, key=lambda r: abs(r.top - line.top))
        spans = [_Band(f.x0, f.x1) for f in reference.values]
    else:
        header: list[Row] = []
        for i in range(start - 1, max(-1, start - 8), -1):
            if region[i].values or _CAPTION in region[i].label:
                break
            header.insert(0, region[i])
        labels = [label for _, label in columns]
        spans = next((sp for r in header if (sp := _prefix_spans(r.chars, [spec.T2_CONTENT_LABEL, *labels]))),
                     None)
        spans = spans[1:] if spans else _stacks(header, labels, [spec.T2_CONTENT_LABEL])
    under = _under(line.values, spans) if spans else None
    if under is None:
        return None
    texts = ["" for _ in columns]
    for f, j in zip(line.values, under, strict=True):
        texts[j] = f.text
    return texts


def _prefix_spans(chars: Sequence[Char], labels: list[str]) -> list[_Band] | None:
    """The x-extent of each label on a header line that prints them in this order, each whole
    or its first characters (the rest wrapped onto the next line); cells may touch."""
    text = [norm(c.text) for c in chars]
    if any(len(t) != 1 for t in text):
        return None
    line = "".join(text)
    targets = [norm(label) for label in labels]

    def split(i: int, pos: int) -> list[int] | None:  # the end of each label's part, from label i
        if i == len(targets):
            return [] if pos == len(line) else None
        target = targets[i]
        for n in range(min(len(target), len(line) - pos), 0, -1):  # the longest part first
            if line[pos:pos + n] == target[:n]:
                rest = split(i + 1, pos + n)
                if rest is not None:
                    return [pos + n, *rest]
        return None

    ends = split(0, 0)
    if ends is None:
        return None
    starts = [0, *ends[:-1]]
    return [_Band(chars[a].x0, chars[b - 1].x1) for a, b in zip(starts, ends, strict=True)]


def _stacks(header: list[Row], labels: list[str], groups: list[str]) -> list[_Band] | None:
    """Header cells wrapped in narrow columns, one or two characters a line: the fragments that
    overlap in x, read downwards, each one label in this order (group labels set aside)."""
    parts = [norm(g) for g in groups]
    targets = [norm(label) for label in labels]
    frags = [f for r in header for f in r.labels
             if not (any(f.text in g for g in parts) and not any(f.text in t for t in targets))]
    stacks: list[tuple[_Band, list[Fragment]]] = []
    for f in sorted(frags, key=lambda f: f.x0):
        if stacks and f.x0 <= stacks[-1][0].x1:
            stacks[-1][0].x1 = max(stacks[-1][0].x1, f.x1)
            stacks[-1][1].append(f)
        else:
            stacks.append((_Band(f.x0, f.x1), [f]))
    if len(stacks) != len(targets):
        return None
    for (_, column), target in zip(stacks, targets, strict=True):
        if "".join(f.text for f in column) != target:  # sorted by x, then by line within a stack
            return None
    return [band for band, _ in stacks]


def _under(values: list[Fragment], spans: list[_Band]) -> list[int] | None:
    """The column of each value: the header part it overlaps, else the nearest by centre when
    clearly nearest; None where two values fall under one column or one is in doubt."""
    out: list[int] = []
    centres = [(b.x0 + b.x1) / 2 for b in spans]
    spacing = min((b - a for a, b in zip(centres, centres[1:], strict=False)), default=1e9)
    for f in values:
        hits = [j for j, b in enumerate(spans) if f.x0 <= b.x1 and b.x0 <= f.x1]
        if len(hits) != 1:
            distances = sorted((abs(f.cx - c), j) for j, c in enumerate(centres))
            if distances[0][0] > spacing / 2:
                return None
            hits = [distances[0][1]]
        if hits[0] in out:
            return None
        out.append(hits[0])
    return out


# --- table 四 ---------------------------------------------------------------------------------------

def _read_t4(region: list[Row], result: Result) -> None:
    table = spec.TABLE_BY_ID["t4"]
    order = [c.key for c in table.value_cells]
    value_rows = [r for r in region if r.values and not r.labels]
    if not value_rows:
        value_rows = [r for r in region if len(r.values) >= len(order) // 2]
    if not value_rows:
        return
    line = _wrapped_values(value_rows[0], value_rows[1:])
    if line is None:
        result.notes.append(f"{table.short}没有表格线，有的数在窄格中折成了几行，无法确定各数对应哪一列，未读取")
        return
    labels = [label for _ in spec.T4_GROUPS for _, label in spec.T4_COLUMNS]
    texts = [""] * len(order)
    if len(line.values) == len(order):
        texts = [f.text for f in line.values]
    else:
        above = [r for r in region if r.top < line.top]
        spans = next((sp for r in reversed(above) if (sp := _prefix_spans(r.chars, labels))), None) \
            or _stacks(above, labels, [label for _, label in spec.T4_GROUPS] + [spec.T4_SUIT])
        under = _under(line.values, spans) if spans else None
        if under is None:
            result.notes.append(f"{table.short}没有表格线，数值行有{len(line.values)}个数，应为{len(order)}个，"
                                "无法确定各数对应哪一列，未读取")
            return
        for f, j in zip(line.values, under, strict=True):
            texts[j] = f.text
    header_groups = [Cell(label, -1, line.page) for _, label in spec.T4_GROUPS for _ in spec.T4_COLUMNS]
    header_cols = [Cell(label, -1, line.page) for label in labels]
    values = [Cell(t, -1, line.page) for t in texts]
    result.grids.append(("t4", _numbered([header_groups, header_cols, values])))


def _wrapped_values(line: Row, below: list[Row]) -> Row | None:
    """Table 四's value line with the rest of each number its narrow cell wrapped onto the lines
    right under it (1 2 over 3 4: 12 and 34 are 1 2 3 4 … only when read apart), as LibreOffice
    and Word wrap a three-digit count in the fifteen columns of a portrait page. A fragment under
    one value continues it; one under none is a cell of its own (the other cells bottom- or
    centre-aligned beside a wrapped one); one under two values, or words, cannot be placed: None."""
    values = [Fragment(f.text, f.x0, f.x1, f.page) for f in line.values]
    last = line
    for row in below:
        if row.page != last.page or row.top - last.top > 1.6 * _height(last):
            break
        for f in row.values:
            hits = [v for v in values if f.x0 <= v.x1 and v.x0 <= f.x1]
            if len(hits) > 1 or hits and not (hits[0].text[-1].isdigit() and f.text[0].isdigit()):
                return None
            if hits:
                hits[0].text += f.text
                hits[0].x0, hits[0].x1 = min(hits[0].x0, f.x0), max(hits[0].x1, f.x1)
            else:
                values.append(Fragment(f.text, f.x0, f.x1, f.page))
        last = row
    if last is line:
        return line
    return Row(line.top, [], sorted(values, key=lambda f: f.x0), line.chars, line.page)


_READERS = {"t2": _read_t2, "t3": _read_t3, "t4": _read_t4}
