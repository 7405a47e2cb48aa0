"""Write a check's results into the open workbook through xlwings: the same plan that
``nianbao check`` patches into a file (toolkit.writeback.plan), a second applier for it.

Excel then saves as it always does, so nothing typed since the last save is lost. Our sheets are
protected without a password: each sheet written is unprotected, written and protected again.
xlwings calls used (tests/fake_xlwings.py implements exactly these): ``book.sheets[name]``,
``book.app.screen_updating``, sheet protection through ``sheet.api`` (xlwings has no protection
API of its own: ``.api`` is Excel's native object, COM on Windows, AppleScript through appscript
on macOS, so ``_SheetLock`` speaks each one's words), ``sheet.range(address)``, ``sheet.used_range.last_cell.row``,
``range.value = ...``, ``range.clear()``, ``range.copy(destination)``, ``range.note``
(``.text``, ``.delete()``) and ``range.add_note(text)``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from ..ooxml.cells import CellPos, area
from ..rules import CheckResult
from ..workbook import layout
from ..writeback.plan import NOTE_AUTHOR, Plan, Write, build_plan, layout_resolver

OUR_NOTE = NOTE_AUTHOR + " 校验"  # how our notes begin (plan.Note.text); a user's are never touched


def _text(value: object) -> object:
    """A value as Excel must keep it: text stays text (a leading apostrophe stops Excel from
    reading "=5+3" as a formula or "0012" as a number; Excel does not show it)."""
    return "'" + value if isinstance(value, str) and value else value


def _link(w: Write) -> str:
    """A link that jumps to a cell, as a formula every spreadsheet program follows."""
    target = w.link.ref.replace('"', '""') if w.link else ""
    shown = str(w.value or "").replace('"', '""')
    return f'=HYPERLINK("#{target}","{shown}")'


def _row_runs(writes: list[Write]) -> list[list[Write]]:
    """Writes of one sheet as runs of adjacent cells along a row: one call to Excel per run."""
    runs: list[list[Write]] = []
    for w in sorted(writes, key=lambda w: (w.row, w.col)):
        if runs and runs[-1][-1].row == w.row and runs[-1][-1].col == w.col - 1:
            runs[-1].append(w)
        else:
            runs.append([w])
    return runs


def _style_boxes(writes: list[Write]) -> list[tuple[str, str]]:
    """(style, 'B4:B9') rectangles, column by column, of the writes that carry a format."""
    boxes: list[tuple[str, str]] = []
    cells = sorted((w for w in writes if w.style != "keep"), key=lambda w: (w.col, w.row))
    start = prev = None
    ends: list[Write | None] = [*cells, None]
    for w in ends:
        if prev is not None and (w is None or w.col != prev.col or w.row != prev.row + 1
                                 or w.style != prev.style):
            assert start is not None
            boxes.append((prev.style, area(start.row, start.col, prev.row, prev.col)))
            start = None
        if w is not None:
            start = start or w
        prev = w
    return boxes


class _SheetLock:
    """Excel's protection of one sheet, through its native object: the COM names on Windows
    (``ProtectContents``, ``Unprotect``, ``Protect``), the AppleScript dictionary's on macOS, as
    xlwings' appscript exposes it (``protect_contents.get()``, ``unprotect``, ``protect_worksheet``).
    xlwings itself picks its macOS engine by ``sys.platform``, and so does this."""

    def __init__(self, sheet: Any) -> None:
        self.api = sheet.api
        self.mac = sys.platform == "darwin"

    def is_on(self) -> bool:
        return bool(self.api.protect_contents.get() if self.mac else self.api.ProtectContents)

    def off(self) -> None:
        if self.mac:
            self.api.unprotect(password="")
        else:
            self.api.Unprotect("")

    def on(self, allow_filtering: bool) -> None:
        if self.mac:
            self.api.protect_worksheet(password="", drawing_objects=True, worksheet_contents=True,
                                       scenarios=True, allow_filtering=allow_filtering)
        else:
            self.api.Protect(Password="", DrawingObjects=True, Contents=True, Scenarios=True,
                             AllowFiltering=allow_filtering)


def apply_plan(book: Any, plan: Plan, value_cells: Sequence[CellPos] = ()) -> None:
    """Apply a write-back plan to an open book. ``value_cells`` are where notes of an
    earlier run may sit (the report's cells): those are removed before the new ones are added."""
    by_sheet = plan.by_sheet()
    touched = list(dict.fromkeys([*by_sheet, *(s for s, _ in plan.clear_from),
                                  *(n.sheet for n in plan.notes),
                                  *(p.sheet for p in value_cells)]))
    app = book.app
    app.screen_updating = False
    protected: dict[str, bool] = {}
    try:
        for name in touched:
            lock = _SheetLock(book.sheets[name])
            protected[name] = lock.is_on()
            if protected[name]:
                lock.off()
        for name, first in plan.clear_from:
            sheet = book.sheets[name]
            last = max(sheet.used_range.last_cell.row, first + 1)
            ncols = len(layout.RESULTS_COLUMNS)
            sheet.range(area(first, 0, last - 1, ncols - 1)).clear()
        marker = book.sheets[layout.SHEET_MARKER]
        for name, writes in by_sheet.items():
            sheet = book.sheets[name]
            for style, box in _style_boxes(writes):
                proto = layout.style_prototype(style)
                marker.range(proto.a1).copy(sheet.range(box))
            for run in _row_runs(writes):
                values = [_link(w) if w.link else _text(w.value) for w in run]
                sheet.range(area(run[0].row, run[0].col, run[0].row, run[-1].col)).value = [values]
        for p in value_cells:
            note = book.sheets[p.sheet].range(p.a1).note
            if note is not None and note.text.startswith(OUR_NOTE):
                note.delete()
        for n in plan.notes:
            rng = book.sheets[n.sheet].range(n.a1)
            if rng.note is None:  # a note the user wrote stays, and ours is left out
                if hasattr(rng, "add_note"):
                    rng.add_note(n.text)
                else:  # xlwings before Range.add_note: Excel's own call (Windows)
                    rng.api.AddComment(n.text)
    finally:
        for name, was in protected.items():
            if was:
                _SheetLock(book.sheets[name]).on(allow_filtering=(name == layout.SHEET_RESULTS))
        app.screen_updating = True


def write_results(book: Any, result: CheckResult,
                  targets: dict[str, CellPos | None] | None = None) -> Plan:
    """Build the plan for ``result`` (its report read from ``book``) and apply it. ``targets``
    (defined name -> its cell, from live.name_targets) places the verdict and the results
    list where the book's own names point, as the file applier does."""
    def resolve(name: str) -> CellPos | None:
        if targets and targets.get(name):
            return targets[name]
        return layout_resolver(name)

    plan = build_plan(result, resolve=resolve)
    apply_plan(book, plan, list(result.report.cells.values()))
    return plan
