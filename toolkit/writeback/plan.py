"""What write-back writes: a check result turned into plain cell writes, notes and result rows.

The plan knows the standard workbook's layout (where marks, the verdict and the results go) but
nothing of the file format: ``patch`` applies it to an .xlsx file by editing its parts, the Excel
add-in applies the same plan to a live book through xlwings. Cells are located through the report
(``Report.cells``, read by defined names) and through a resolver for our other defined names, so
that a workbook whose rows a user moved is still marked where its values are.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from .. import __version__
from ..output import verdict
from ..rules.engine import SEVERITY_WORD, CheckResult, Finding
from ..values import show
from ..workbook import layout
from ..workbook.layout import CellPos

# "keep": the cell keeps the format it has; the others are layout.RESULT_STYLES
Style = Literal["keep", "result_error", "result_warning", "result_text", "result_link"]
Value = str | int | float | None

NOTE_AUTHOR = "nianbao"  # our notes are found (and replaced) by this author; never a user's
NOTE_MAX = 240  # characters of one finding in a note: a note is a pointer, the sheet has the rest
SHOWN_MAX = 200  # characters of an expected/found value shown in the results sheet


class _At:
    """The position of a write or note, spelt the ways its appliers use it."""

    __slots__ = ()
    cell: CellPos

    @property
    def sheet(self) -> str:
        return self.cell.sheet

    @property
    def row(self) -> int:
        return self.cell.row

    @property
    def col(self) -> int:
        return self.cell.col

    @property
    def a1(self) -> str:
        return self.cell.a1


# Writes and notes are named tuples (with ``_At``'s names for their cell), not frozen dataclasses:
# every write-back makes these classes, and a frozen dataclass compiles six methods, ~0.6 ms.
class _Write(NamedTuple):
    cell: CellPos
    value: Value
    style: Style = "keep"
    link: CellPos | None = None


class Write(_Write, _At):
    """Set one cell to a value; ``link`` makes it jump to a cell."""

    __slots__ = ()


class _Note(NamedTuple):
    cell: CellPos
    text: str
    severity: str  # the worst of the findings it tells


class Note(_Note, _At):
    """A short note on a cell named by findings (an Excel/WPS/LibreOffice comment)."""

    __slots__ = ()


@dataclass(eq=False)  # (compared by identity: one method fewer to compile at each start)
class Plan:
    """Everything write-back puts in a workbook, format-free.

    ``clear_from`` are (sheet, first row): rows from there down are ours and are emptied before
    ``writes`` are applied (the results list of the previous run). ``notes`` replace every note
    of the previous run (NOTE_AUTHOR)."""

    writes: list[Write] = field(default_factory=list)
    clear_from: list[tuple[str, int]] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    summary: str = ""

    def by_sheet(self) -> dict[str, list[Write]]:
        out: dict[str, list[Write]] = {}
        for w in self.writes:
            out.setdefault(w.sheet, []).append(w)
        return out


Resolver = Callable[[str], CellPos | None]


def layout_resolver(name: str) -> CellPos | None:
    """Our defined names where the template puts them (for a book whose names are not read)."""
    fixed = {layout.RESULT_SUMMARY_NAME: CellPos(layout.SHEET_MAIN, layout.ROW_RESULT, 1),
             layout.RESULTS_NAME: CellPos(layout.SHEET_RESULTS, layout.RESULTS_HEADER_ROW, 0)}
    return fixed.get(name)


def summary_text(result: CheckResult, checked_at: _dt.datetime) -> str:
    """The verdict line: starts with ✓ or ✗ (the template's conditional format colours by it)."""
    n_err, n_warn = len(result.errors), len(result.warnings)
    when = f"{checked_at:%Y-%m-%d %H:%M} 校验，nianbao {__version__}"
    if result.passed:
        tail = "，提示的单元格已标橙，详见“校验结果”工作表" if n_warn else ""
        return f"✓ {verdict(result)}：0 个错误，{n_warn} 个提示{tail}（{when}）"
    return (f"✗ {verdict(result)}：{n_err} 个错误，{n_warn} 个提示；出错的单元格已标红"
            f"{'（提示标橙）' if n_warn else ''}，详见“校验结果”工作表（{when}）")


def _shown(value: object) -> Value:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = show(value)
    return text if len(text) <= SHOWN_MAX else text[:SHOWN_MAX] + "…"


def _short(text: str) -> str:
    return text if len(text) <= NOTE_MAX else text[:NOTE_MAX] + "…"


def build_plan(result: CheckResult, *, resolve: Resolver = layout_resolver,
               checked_at: _dt.datetime | None = None) -> Plan:
    """The plan for one checked workbook: every mark (0 where nothing is wrong, so a fixed cell
    loses its colour), the verdict on the first sheet and the results sheet, one results row per
    finding (errors first, as the engine sorts them) and one note per marked cell."""
    checked_at = checked_at or _dt.datetime.now().replace(microsecond=0)
    plan = Plan(summary=summary_text(result, checked_at))
    report = result.report

    # Marks: every value cell's mark, the worst severity of the findings that name it.
    level: dict[CellPos, int] = dict.fromkeys(report.cells.values(), layout.MARK_NONE)
    told: dict[CellPos, list[Finding]] = {}
    for f in result.findings:
        mark = layout.MARK_ERROR if f.severity == "error" else layout.MARK_WARNING
        for p in dict.fromkeys(f.cells or ((f.cell,) if f.cell is not None else ())):
            level[p] = max(level.get(p, layout.MARK_NONE), mark)
            told.setdefault(p, []).append(f)
    for p in sorted(level):
        plan.writes.append(Write(layout.mark_of(p), level[p]))
    for p in sorted(told):
        fs = told[p]
        text = "\n".join(f"【{SEVERITY_WORD[f.severity]} {f.rule}】{_short(f.message)}" for f in fs)
        worst = "error" if any(f.severity == "error" for f in fs) else "warning"
        plan.notes.append(Note(p, f"{NOTE_AUTHOR} 校验：\n{text}", worst))

    # The verdict on the first sheet.
    where = resolve(layout.RESULT_SUMMARY_NAME)
    if where is not None:
        plan.writes.append(Write(where, plan.summary))

    # The results sheet: the verdict under the title, then one row per finding under the headers.
    header = resolve(layout.RESULTS_NAME)
    if header is not None:
        sheet, first = header.sheet, header.row + 1
        plan.writes.append(Write(header.moved(rows=-1), plan.summary))  # the line above
        plan.clear_from.append((sheet, first))
        for i, f in enumerate(result.findings):
            row = first + i
            target = f.cell
            values: list[Value] = [SEVERITY_WORD[f.severity], f.rule, f.table, f.row, f.column,
                                   str(target) if target is not None else None, _shown(f.expected),
                                   _shown(f.found), f.message]
            for c, v in enumerate(values):
                style: Style = "result_text"
                if c == 0:
                    style = "result_error" if f.severity == "error" else "result_warning"
                link = None
                if c == 5 and target is not None:
                    style, link = "result_link", target
                plan.writes.append(Write(CellPos(sheet, row, header.col + c), v, style, link))
    return plan
