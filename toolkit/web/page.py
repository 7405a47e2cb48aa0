"""The web page of a report: the view model from the specification, rendered by one Jinja2 template.

Every table row of the page is a row of the official grid (``spec.Table.cells``), every merged cell
keeps its rowspan and colspan, so the page draws the tables exactly as the national format (and
the Word report, built from the same grid) does. Header cells and row labels are ``<th>``; each
value cell names its headers (``headers`` = the ids of its column headers and row labels), which
is how a screen reader reads a table with two-level headers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import jinja2

from .. import __version__, spec
from ..report import Report
from ..rules import CheckResult
from ..word.context import Paragraphs, display_values

TEMPLATE = "report.html.j2"
DRAFT_SUFFIX = "（草稿）"


@dataclass(frozen=True)
class Cell:
    """One cell of a web page's table, with its header associations."""

    tag: str  # "th" or "td"
    text: str
    rowspan: int = 1
    colspan: int = 1
    scope: str = ""  # th: col, colgroup, row, rowgroup
    id: str = ""
    headers: str = ""  # td: the ids of its header cells, space-separated
    kind: str = ""  # a class: "label" (a row label read from the left), "group", "corner"


@dataclass(frozen=True)
class PageTable:
    """One of the three tables as a web page lays it out."""

    id: str
    caption: str
    head: tuple[tuple[Cell, ...], ...]  # the header rows that repeat (thead)
    body: tuple[tuple[Cell, ...], ...]


def _cell_id(table: spec.Table, cell: spec.GridCell) -> str:
    return f"{table.id}-r{cell.row + 1}c{cell.col + 1}"


@cache
def _headers_of(table: spec.Table) -> dict[tuple[int, int], tuple[str, ...]]:
    """(row, col) of each value cell -> the ids of the cells that head it.

    Column headers: the run of header rows directly above the value's block of rows (table 二
    has a header row per block); row labels: the label cells on its row to its left."""
    header_rows = {c.row for c in table.cells if c.role == "header"}
    found: dict[tuple[int, int], tuple[str, ...]] = {}
    for v in table.value_cells:
        above = v.row - 1
        while above >= 0 and above not in header_rows:
            above -= 1
        top = above
        while top >= 0 and top in header_rows:
            top -= 1
        ids = [_cell_id(table, c) for c in table.cells
               if c.role == "header" and top < c.row <= above
               and c.col <= v.col < c.col + c.colspan]
        ids += [_cell_id(table, c) for c in table.cells
                if c.role == "label" and c.row <= v.row < c.row + c.rowspan and c.col < v.col]
        found[(v.row, v.col)] = tuple(ids)
    return found


def _caption(table: spec.Table) -> str:
    section = next(s for s in spec.SECTIONS if s.content == table.id)
    return f"{table.short}　{section.heading.split('、', 1)[-1]}"


def page_table(table: spec.Table, shown: dict[str, object]) -> PageTable:
    """A table of the page: the official grid, filled with the values as the report shows them."""
    headers = _headers_of(table)
    value_cols = {c.col for c in table.value_cells}
    rows: list[list[Cell]] = [[] for _ in range(table.n_rows)]
    for c in sorted(table.cells, key=lambda c: (c.row, c.col)):
        if c.key:
            rows[c.row].append(Cell("td", str(shown[c.key]), c.rowspan, c.colspan,
                                    headers=" ".join(headers[(c.row, c.col)])))
        elif c.role == "header":
            # 表三's corner: the note above the row labels, not the header of any value
            corner = c.rowspan > 1 and not value_cols & set(range(c.col, c.col + c.colspan))
            rows[c.row].append(Cell("th", c.text, c.rowspan, c.colspan, scope="colgroup" if c.colspan > 1 else "col",
                                    id=_cell_id(table, c), kind="corner" if corner else ""))
        else:
            group = c.rowspan > 1
            rows[c.row].append(Cell("th", c.text, c.rowspan, c.colspan, scope="rowgroup" if group else "row",
                                    id=_cell_id(table, c), kind="group" if group else "label"))
    frozen = tuple(tuple(r) for r in rows)
    return PageTable(table.id, _caption(table), frozen[:table.header_rows], frozen[table.header_rows:])


def page_tables(shown: dict[str, object]) -> dict[str, PageTable]:
    return {t.id: page_table(t, shown) for t in spec.TABLES}


@cache
def _template() -> jinja2.Template:
    source = resources.files(__package__).joinpath("templates").joinpath(TEMPLATE).read_text(encoding="utf-8")
    # Autoescaping: a unit name or a text with <, & or {{ is shown as typed, never as markup.
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    return env.from_string(source)


def render_page(report: Report, draft: CheckResult | None = None) -> str:
    """The report's web page (HTML text). ``draft``: the check result of data with errors, when
    the page is built anyway: it then says so above the title."""
    shown = display_values(report)
    title = spec.title(report.values)
    sections = []
    for section in spec.SECTIONS:
        parts = []
        if section.content == "text":
            for part in spec.section_parts(section.number):
                paras: Paragraphs = shown[part.key]  # type: ignore[assignment]
                if not part.heading and not paras:
                    continue  # the optional opening paragraph, as in the Word report
                parts.append({"heading": part.heading, "paragraphs": [p for p in paras if p]})
        sections.append({"id": f"s{spec.SECTIONS.index(section) + 1}", "heading": section.heading,
                         "parts": parts,
                         "table": page_table(spec.TABLE_BY_ID[section.content], shown)
                         if section.content != "text" else None})
    return _template().render(
        title=title, draft=(draft.not_final if draft is not None else ""), draft_suffix=DRAFT_SUFFIX,
        sections=sections, unit=shown["meta.unit"], date=shown["meta.date"],
        format_name=spec.FORMAT_NAME, generator=f"nianbao {__version__}")
