"""PDF reports with a text layer (PDFium, through pypdfium2).

Why PDFium and not pdfplumber: measured on our own 5-page report, pdfplumber (pdfminer.six in pure
Python) takes ~150 ms to lay out the characters and ~0.3 s to import; PDFium gives every
character's box and every drawn line in ~15 ms per page from C, and the audit reads hundreds of
reports (scripts/bench_audit.py). What pdfplumber adds on top, finding table cells from ruling
lines, is the small algorithm below.

Tables: the ruling lines a table is drawn with (thin path objects) give its rows and columns; an
elementary cell with no line between it and its neighbour belongs to the same merged cell, so the
grid comes out expanded with merged cells, as from Word or HTML. A cell's text is every character
whose centre lies in it, lines joined: a row label wrapped over two or three lines is one label.
An official table the ruling lines do not give (drawn without them: a borderless Word table, a
printed web page) is read from the positions of its text by ``pdflayout``; where ruled grids hold
all three tables that reader is not run at all. Text outside tables becomes paragraphs; page
numbers (``-5-``, ``第5页``) and running headers and footers are dropped. A PDF without characters
(a scan) is refused: there is no OCR here.
"""

from __future__ import annotations

import ctypes
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from .. import spec
from ..errors import DamagedFile, EncryptedFile, UnreadableFile
from . import KINDS, pdflayout
from .document import Cell, Document, Grid, Paragraph, norm

KIND = KINDS[".pdf"]

HEADINGS = frozenset(norm(s.heading) for s in spec.SECTIONS)  # always a paragraph of their own
THIN = 2.0  # a path object thinner than this (pt) is a ruling line
SNAP = 2.0  # coordinates closer than this are the same line
MIN_BOXES = 4  # a page with this many stroked rectangles draws its table cells as boxes
FONT_STEP = 1.3  # lines whose heights differ so much are set in different sizes (二号 22 pt / 三号 16 pt: 1.375)
_PAGE_NUMBER = re.compile(r"^[-—–－_\s]*(第?\s*\d+\s*页?(\s*[/共]\s*\d+\s*页?)?)[-—–－_\s]*$|^\d+\s*/\s*\d+$")
# What a browser prints at a page's edges ("打印 → 另存为 PDF" with headers and footers on): the date
# and time with the page's title at the top, the address with n/m at the bottom
_BROWSER_EDGE = re.compile(r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4},?\s*(?:上午|下午)?\s*\d{1,2}:\d{2}"
                           r"|^(?:file|https?)://\S*(?:\s+\d+\s*/\s*\d+)?$")
_DIGITS = re.compile(r"\d+")
_WORDS = re.compile(r"[^\W\d_]")  # letters and Chinese characters


class Char(NamedTuple):  # a tuple: thousands are made per report, a frozen dataclass's init costs 4x
    text: str
    x0: float
    top: float  # distance from the top of the page
    x1: float
    bottom: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


class Line:
    """Characters on one line, left to right; measured once (a page has hundreds of lines)."""

    __slots__ = ("chars", "x0", "x1", "top", "height", "text")

    def __init__(self, chars: list[Char]) -> None:
        self.chars = chars
        self.x0 = chars[0].x0
        self.x1 = chars[-1].x1
        self.top = min(map(_TOP, chars))
        self.height = max(map(_BOTTOM, chars)) - self.top
        self.text = _spaced(chars)


def _spaced(chars: list[Char]) -> str:
    """A line's text, left to right, with a blank where a gap separates two ASCII words."""
    out = [chars[0].text]
    prev = chars[0]
    for ch in chars[1:]:
        if ch.x0 - prev.x1 > 0.6 * max(1.0, prev.bottom - prev.top) and (prev.text.isascii() or ch.text.isascii()):
            out.append(" ")
        out.append(ch.text)
        prev = ch
    return "".join(out)


def read_pdf(path: Path) -> Document:
    import pypdfium2 as pdfium
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        reason = "有打开密码" if "password" in str(exc).lower() else "文件已损坏或不是 PDF"
        error = EncryptedFile if "password" in str(exc).lower() else DamagedFile
        raise error(f"无法打开这个 PDF（{reason}）") from None
    try:
        pages = [_read_page(pdf, i) for i in range(len(pdf))]
    finally:
        pdf.close()
    n_chars = sum(len(chars) for chars, _, _ in pages)
    if n_chars < 20:
        raise UnreadableFile("这个 PDF 没有文字层（是扫描件或图片），无法读取其中的文字和表格；"
                           "本程序不做文字识别（OCR），请找 Word 版或网页版的报告")
    return _document(pages)


def _read_page(pdf, index: int) -> tuple[list[Char], list[tuple], float]:  # noqa: ANN001
    import pypdfium2.raw as pdfium_c
    page = pdf[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        n = textpage.count_chars()
        text = textpage.get_text_range(0, n) if n else ""
        chars: list[Char] = []
        if len(text) == n:
            # the loose box (the font's full height): a flat 一 or a low ， lines up with its
            # neighbours, as the tight glyph box would not
            rect = pdfium_c.FS_RECTF()
            ref = ctypes.byref(rect)
            get_box = pdfium_c.FPDFText_GetLooseCharBox
            new = tuple.__new__  # Char(...) without the generated __new__'s Python frame
            raw = textpage.raw
            for i, ch in enumerate(text):
                if ch.isspace() or ch == "\ufffe" or not get_box(raw, i, ref):
                    continue
                if rect.right - rect.left <= 0:
                    continue
                chars.append(new(Char, (ch, rect.left, height - rect.top, rect.right, height - rect.bottom)))
            _raise_flat(chars)
        edges = []
        boxes: list[list[tuple]] = []
        # the raw API: pypdfium2's get_objects wraps every object of the page (thousands of
        # characters' text objects) to filter them; only paths are wanted here
        raw_page = page.raw
        x0, y0, x1, y1 = (ctypes.c_float() for _ in range(4))
        bounds = (ctypes.byref(x0), ctypes.byref(y0), ctypes.byref(x1), ctypes.byref(y1))
        for k in range(pdfium_c.FPDFPage_CountObjects(raw_page)):
            obj = pdfium_c.FPDFPage_GetObject(raw_page, k)
            if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_PATH:
                continue
            if not pdfium_c.FPDFPageObj_GetBounds(obj, *bounds):
                continue
            # PDF space: y up from the bottom of the page
            if y1.value - y0.value <= THIN < x1.value - x0.value:
                edges.append(("h", height - (y0.value + y1.value) / 2, x0.value, x1.value))
            elif x1.value - x0.value <= THIN < y1.value - y0.value:
                edges.append(("v", (x0.value + x1.value) / 2, height - y1.value, height - y0.value))
            elif _stroked_rectangle(obj):
                top, bottom = height - y1.value, height - y0.value
                boxes.append([("h", top, x0.value, x1.value), ("h", bottom, x0.value, x1.value),
                              ("v", x0.value, top, bottom), ("v", x1.value, top, bottom)])
        if len(boxes) >= MIN_BOXES:  # cells drawn as boxes; one box alone frames a paragraph
            edges.extend(edge for box in boxes for edge in box)
        textpage.close()
        return chars, edges, width
    finally:
        page.close()


def _stroked_rectangle(obj) -> bool:  # noqa: ANN001
    """A path drawn as an upright rectangle's outline (Chromium strokes each table cell's border as
    one closed path of 4 or 5 segments with the cell's bounds)."""
    import pypdfium2.raw as pdfium_c
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke)) or not stroke.value:
        return False
    n = pdfium_c.FPDFPath_CountSegments(obj)
    if n not in (4, 5):
        return False
    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)) or matrix.b or matrix.c:
        return False  # rotated or skewed
    xs, ys = set(), set()
    x, y = ctypes.c_float(), ctypes.c_float()
    for i in range(n):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        if pdfium_c.FPDFPathSegment_GetType(segment) == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            return False
        pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        xs.add(round(x.value, 2))
        ys.add(round(y.value, 2))
    return len(xs) == 2 and len(ys) == 2


def _raise_flat(chars: list[Char]) -> None:
    """A flat glyph (一, —) whose loose box PDFium gives only as its ink (Chromium's subset fonts:
    1.8 pt high, not the line's 12 pt) takes the box of the character printed beside it: else its
    centre, off the line's, starts a line of its own ("（）主动公开情况" and a lone "一")."""
    for i, ch in enumerate(chars):
        h = ch.bottom - ch.top
        for k in (i - 1, i + 1):
            if not 0 <= k < len(chars):
                continue
            other = chars[k]
            size = other.bottom - other.top
            cy = (ch.top + ch.bottom) / 2
            if (h < 0.5 * size and other.top < cy < other.bottom
                    and min(abs(ch.x0 - other.x1), abs(other.x0 - ch.x1)) < 0.5 * size):
                chars[i] = Char(ch.text, ch.x0, other.top, ch.x1, other.bottom)
                break


# --- tables from ruling lines ---------------------------------------------------------------------

def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= SNAP:
            continue
        out.append(v)
    return out


def _root(parent: list[int], i: int) -> int:
    """The root of ``i`` in a union-find forest (path halving)."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _tables(edges: list[tuple]) -> list[list[tuple]]:
    """Edges grouped into tables: horizontal and vertical lines that touch are one table."""
    n = len(edges)
    parent = list(range(n))

    hs = [i for i, e in enumerate(edges) if e[0] == "h"]
    vs = [i for i, e in enumerate(edges) if e[0] == "v"]
    for i in hs:
        _, y, x0, x1 = edges[i]
        for j in vs:
            _, x, y0, y1 = edges[j]
            if x0 - SNAP <= x <= x1 + SNAP and y0 - SNAP <= y <= y1 + SNAP:
                parent[_root(parent, i)] = _root(parent, j)
    # a line drawn in pieces, one per cell (Chromium draws each cell's border sides apart): a
    # piece under a merged cell touches no crossing line, yet it continues its neighbours
    for same in (hs, vs):
        lines = _cluster([edges[i][1] for i in same])
        reach: dict[float, tuple[float, int]] = {}  # line -> the furthest end so far, its edge
        for i in sorted(same, key=lambda k: edges[k][2]):
            _, pos, a, b = edges[i]
            line = lines[max(bisect_left(lines, pos + 1e-9) - 1, 0)]
            if line in reach and a <= reach[line][0] + SNAP:
                parent[_root(parent, i)] = _root(parent, reach[line][1])
            if line not in reach or b > reach[line][0]:
                reach[line] = (b, i)
    groups: dict[int, list[tuple]] = {}
    for i in range(n):
        groups.setdefault(_root(parent, i), []).append(edges[i])
    return [g for g in groups.values() if any(e[0] == "h" for e in g) and any(e[0] == "v" for e in g)]


def _covered(segments: list[tuple[float, float]], a: float, b: float) -> bool:
    """Whether the line segments cover the middle of a..b."""
    mid = (a + b) / 2
    return any(s0 - SNAP <= mid <= s1 + SNAP for s0, s1 in segments)


@dataclass
class _Table:
    """A table found from a page's ruling lines: its column and row boundaries, and its merged cells."""

    xs: list[float]
    ys: list[float]
    origin: list[list[int]]  # elementary cell -> merged cell id

    @property
    def top(self) -> float:
        return self.ys[0]

    @property
    def bottom(self) -> float:
        return self.ys[-1]


def _layout(group: list[tuple]) -> _Table | None:
    xs = _cluster([e[1] for e in group if e[0] == "v"])
    ys = _cluster([e[1] for e in group if e[0] == "h"])
    if len(xs) < 2 or len(ys) < 2:
        return None
    vlines: dict[float, list[tuple[float, float]]] = {x: [] for x in xs}
    hlines: dict[float, list[tuple[float, float]]] = {y: [] for y in ys}
    for kind, pos, a, b in group:
        lines, keys = (vlines, xs) if kind == "v" else (hlines, ys)
        key = min(keys, key=lambda k: abs(k - pos))
        lines[key].append((a, b))
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = list(range(rows * cols))

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and not _covered(vlines[xs[c + 1]], ys[r], ys[r + 1]):
                parent[_root(parent, r * cols + c)] = _root(parent, r * cols + c + 1)
            if r + 1 < rows and not _covered(hlines[ys[r + 1]], xs[c], xs[c + 1]):
                parent[_root(parent, r * cols + c)] = _root(parent, (r + 1) * cols + c)
    origin = [[_root(parent, r * cols + c) for c in range(cols)] for r in range(rows)]
    return _Table(xs, ys, origin)


def _grid(table: _Table, chars: list[Char], page: str, base: int) -> Grid:
    by_origin: dict[int, list[Char]] = {}
    ys, xs, origin = table.ys, table.xs, table.origin
    last_r, last_c = len(ys) - 2, len(xs) - 2
    for ch in chars:  # _index, inlined: every character of every table
        r = bisect_left(ys, (ch.top + ch.bottom) / 2, 1) - 1
        c = bisect_left(xs, (ch.x0 + ch.x1) / 2, 1) - 1
        by_origin.setdefault(origin[r if r < last_r else last_r][c if c < last_c else last_c], []).append(ch)
    texts = {o: _cell_text(cs) for o, cs in by_origin.items()}
    rows = [[Cell(texts.get(o, ""), base + o, page) for o in row] for row in table.origin]
    # rows of elementary cells that are one merged row everywhere (a line drawn in one column
    # only) are kept: the grid reader reads merged cells once by their origin
    return Grid(rows, page)


def _cell_text(chars: list[Char]) -> str:
    """A cell's text, its lines joined; most cells hold one short line (a number)."""
    if len(chars) == 1:
        return chars[0].text
    first = min(chars, key=_by_centre)  # as _lines starts its first line
    half = 0.5 * max(1.0, first.bottom - first.top)
    centre = first.top + first.bottom
    if all(c.top + c.bottom - centre <= 2 * half for c in chars):  # one line, as _lines would find it
        return _spaced(sorted(chars, key=_by_x))
    return "".join(line.text for line in _lines(chars))


# --- text lines and paragraphs --------------------------------------------------------------------

def _lines(chars: list[Char]) -> list[Line]:
    """Characters grouped into lines (by their vertical centre), each sorted left to right."""
    lines: list[list[Char]] = []
    ref_cy = ref_half = 0.0
    for ch in sorted(chars, key=_by_centre):
        cy = (ch.top + ch.bottom) / 2
        if lines and abs(cy - ref_cy) <= ref_half:
            lines[-1].append(ch)
            continue
        lines.append([ch])
        ref_cy, ref_half = cy, 0.5 * max(1.0, ch.bottom - ch.top)
    return [Line(sorted(line, key=_by_x)) for line in lines]


def _by_centre(c: Char) -> tuple[float, float]:
    return (c.top + c.bottom, c.x0)


_by_x = itemgetter(1)  # Char.x0, in C: sorting is most of the line-making
_TOP, _BOTTOM = itemgetter(2), itemgetter(4)


def _document(pages: list[tuple[list[Char], list[tuple], float]]) -> Document:
    doc = Document(KIND)
    page_lines: list[list[tuple[float, object]]] = []
    base = 0
    for number, (chars, edges, width) in enumerate(pages, start=1):
        label = f"第{number}页"
        tables = [t for t in (_layout(g) for g in _tables(edges)) if t is not None]
        loose: list[Char] = []
        inside: dict[int, list[Char]] = {i: [] for i in range(len(tables))}
        boxes = [(t.xs[0], t.xs[-1], t.ys[0], t.ys[-1], inside[i]) for i, t in enumerate(tables)]
        for ch in chars:  # every character of the page: _Table.contains, inlined
            cx, cy = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
            for x0, x1, y0, y1, into in boxes:
                if x0 <= cx <= x1 and y0 <= cy <= y1:
                    into.append(ch)
                    break
            else:
                loose.append(ch)
        items: list[tuple[float, object]] = []
        for i, t in enumerate(tables):
            grid = _grid(t, inside[i], label, base)
            base += len(t.origin) * len(t.origin[0]) + 1
            if any(c.text for row in grid.rows for c in row):
                items.append((t.top, grid))
        for line in _lines(loose):
            items.append((line.top, (line, label, width)))
        items.sort(key=lambda it: it[0])
        page_lines.append(items)
    _join_split_rows(page_lines)
    running = _running_lines(page_lines)
    positioned = _positioned_tables(page_lines, running)
    # a paragraph may run on over a page break: it is only closed by what starts a new one
    paragraph: list[Line] = []
    label = ""
    for number, items in enumerate(page_lines):
        new_page = True
        lines = [item[0] for _, item in items if isinstance(item, tuple)]
        # where the text's lines end (a browser's header and footer reach further)
        margin = max((line.x1 for line in lines if not _edge(line.text, running)), default=0.0)
        for k, (_, item) in enumerate(items):
            if isinstance(item, Grid):
                _flush(doc, paragraph, label)
                paragraph = []
                doc.blocks.append(item)
                continue
            line, line_page, width = item  # type: ignore[misc]
            text = line.text.strip()
            if _edge(text, running) and not (number == 0 and _above_title(items, k)):
                continue
            heading = norm(text) in HEADINGS
            if paragraph and (heading or _starts_paragraph(paragraph[-1], line, margin, new_page)
                              or norm(paragraph[-1].text) in HEADINGS):
                _flush(doc, paragraph, label)
                paragraph = []
            if not paragraph:
                label = line_page  # type: ignore[has-type]  # unpacked from a tuple above
            paragraph.append(line)
            new_page = False
    _flush(doc, paragraph, label)
    doc.blocks.extend(grid for _, grid in positioned.grids)
    doc.notes.extend(positioned.notes)
    return doc


# A header label of each official table: where ruled grids print all three, no table is missing.
_MARKERS = tuple(norm(s) for s in (spec.T2_CONTENT_LABEL, spec.T3_APPLICANTS, spec.T4_COLUMNS[0][1]))


def _positioned_tables(page_lines: list[list[tuple[float, object]]], running: set[str]) -> pdflayout.Result:
    """The official tables the ruling lines did not give, read from the positions of their text
    (pdflayout); nothing to do, and no time spent, where every table was drawn with lines."""
    from .tables import classify
    grids = [item for items in page_lines for _, item in items if isinstance(item, Grid)]
    text = "|".join(norm(cell.text) for grid in grids for row in grid.rows for cell in row)
    if all(marker in text for marker in _MARKERS):
        return pdflayout.Result()  # the ruled path: every table there (tables.py classifies them)
    wanted = {t.id for t in spec.TABLES} - {classify(grid) for grid in grids}
    if not wanted:
        return pdflayout.Result()
    pages = []
    for number, items in enumerate(page_lines, start=1):
        lines = [item[0] for _, item in items if isinstance(item, tuple)]
        kept = [line for k, line in enumerate(lines)
                if not (_edge_key(line.text) in running
                        or (k in (0, len(lines) - 1) and _PAGE_NUMBER.match(line.text.strip())))]
        pages.append((f"第{number}页", kept))
    return pdflayout.read_tables(pages, wanted)


def _join_split_rows(page_lines: list[list[tuple[float, object]]]) -> None:
    """A table row broken over a page break ("3.要" | "求提供公开出版物"): the continuation's first
    row holds text only where the row before holds its label, no value. It is joined to that row."""
    previous: Grid | None = None
    for items in page_lines:
        grids = [item for _, item in items if isinstance(item, Grid)]
        if previous is not None and grids:
            grid = grids[0]
            last, first = previous.rows[-1], grid.rows[0]
            if len(last) == len(first) and len(grid.rows) > 1 and (_continues(last, first)
                                                                  or _header_continues(last, first)):
                joined = [Cell(a.text + b.text, a.origin, a.page) if b.text else a
                          for a, b in zip(last, first, strict=True)]
                previous.rows[-1] = joined
                del grid.rows[0]
            elif len(grid.rows) > 1 and (more := _label_continuation(last, first)):
                # the pages' grids differ in their label columns (a label column drawn on one
                # page only): the texts continue the row's label cells, in their order
                previous.rows[-1] = [Cell(c.text + more[c.origin], c.origin, c.page) if c.origin in more else c
                                     for c in last]
                del grid.rows[0]
        previous = grids[-1] if grids else previous


# the tables' column labels: a header row broken over a page break joins into them (结果 | 维持)
_COLUMN_LABELS = frozenset(norm(label) for label in (
    *(label for _, label in spec.T4_COLUMNS), *(label for _, label in spec.T3_COLUMNS),
    *(label for _, cols, _ in spec.T2_BLOCKS for _, label in cols)))


def _header_continues(last: list[Cell], first: list[Cell]) -> bool:
    """A header row broken over a page break (表四's 结果 | 维持, 尚未 | 审结): the two lines hold
    labels only, in the same columns, and joined they make more of the tables' column labels
    than the first line alone (a header printed again on the new page joins into none)."""
    from .tables import looks_like_value
    if any(c.text.strip() and looks_like_value(c.text) for c in (*last, *first)):
        return False
    if any(b.text.strip() and not a.text.strip() for a, b in zip(last, first, strict=True)):
        return False
    joined = sum(1 for a, b in zip(last, first, strict=True) if norm(a.text + b.text) in _COLUMN_LABELS)
    return joined > sum(1 for a in last if norm(a.text) in _COLUMN_LABELS)


def _label_continuation(last: list[Cell], first: list[Cell]) -> dict[int, str]:
    """A row's first line on a new page holding only labels, as many as the row before (with its
    values) has label cells ("三、本年度办" + "理结果", "（二）部分公" + "开（区分处理的…）"):
    label cell origin -> the text it continues with; {} where the line is no such continuation."""
    from .tables import looks_like_value
    texts = list(dict.fromkeys((c.origin, c.text.strip()) for c in first if c.text.strip()))
    labels = list(dict.fromkeys(c.origin for c in last if c.text.strip() and not looks_like_value(c.text)))
    if (not texts or len(texts) != len(labels) or any(looks_like_value(t) for _, t in texts)
            or not any(looks_like_value(c.text) and c.text.strip() for c in last)):
        return {}
    return {origin: text for origin, (_, text) in zip(labels, texts, strict=True)}


def _continues(last: list[Cell], first: list[Cell]) -> bool:
    from .tables import looks_like_value
    texts = [c.text.strip() for c in first]
    if not any(texts):
        return False
    only_labels = all(not t or (not looks_like_value(a.text) and not looks_like_value(t))
                      for a, t in zip(last, texts, strict=True))
    return only_labels and any(looks_like_value(a.text) and a.text.strip() for a in last)


def _above_title(items: list[tuple[float, object]], k: int) -> bool:
    """Whether line ``k`` of the first page stands right above a title's second line (the unit's
    name over 2024年政府信息公开工作年度报告): the title's, even where the running header says the
    same name."""
    from .tables import is_title_without_unit
    following = next((item for _, item in items[k + 1:] if isinstance(item, tuple)), None)
    return following is not None and is_title_without_unit(following[0].text)


def _edge(text: str, running: set[str]) -> bool:
    """A page number, or a line of the running header or footer: not the report's text."""
    return bool(_PAGE_NUMBER.match(text.strip())) or _edge_key(text) in running


def _edge_key(text: str) -> str:
    """A line at a page's edge as compared across pages: its numbers masked, so that a footer
    with the page's number (file:///…/report.html 2/5, 某某局 第2页) is the same on every page."""
    return _DIGITS.sub("#", text.strip())


def _running_lines(page_lines: list[list[tuple[float, object]]]) -> set[str]:
    """Lines printed at the top or bottom of most pages (a running header or footer), by their
    ``_edge_key``; and a browser's date-and-title header and address footer on any page. Only the
    page's edges count: a row of a table printed alike on several pages (0 0 0 0) is no header,
    and a line must have words besides its numbers."""
    counts: Counter[str] = Counter()
    browser: set[str] = set()
    for items in page_lines:
        lines = [item[0].text.strip() for _, item in items if isinstance(item, tuple)]
        edges = lines[:2] + lines[-2:]
        counts.update({_edge_key(text) for text in edges if len(_WORDS.findall(text)) >= 2})
        browser.update(_edge_key(text) for text in edges if _BROWSER_EDGE.match(text))
    if len(page_lines) < 3:
        return browser
    return browser | {text for text, n in counts.items() if n >= max(3, len(page_lines) // 2 + 1) and len(text) < 60}


def _starts_paragraph(prev: Line, line: Line, margin: float, new_page: bool = False) -> bool:
    """A new paragraph: the line is indented, or set in another size, or the one before it ended
    short of the page's right margin (``margin``: where the longest text line ends), or a gap larger than a line lies
    between them."""
    size = max(1.0, line.height)
    if line.x0 - prev.x0 > 1.5 * size:
        return True
    if max(size, prev.height) > FONT_STEP * max(1.0, min(size, prev.height)):
        return True  # another font size: a title after the page's information line, a heading
    if prev.x1 < margin - 2 * size:
        return True
    return not new_page and line.top - (prev.top + prev.height) > 1.2 * size


def _flush(doc: Document, lines: list[Line], page: str) -> None:
    if not lines:
        return
    text = ""
    for line in lines:
        t = line.text.strip()
        if text and text[-1].isascii() and text[-1].isalnum() and t[:1].isascii() and t[:1].isalnum():
            text += " "
        text += t
    if text:
        doc.blocks.append(Paragraph(text, page))
