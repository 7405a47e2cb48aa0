"""Where the value cells of a filled workbook are, and whether a table's structure was changed.

The reader finds every key's cell by its defined name. A spreadsheet program moves a name with
its cell when rows or columns are inserted or deleted, and turns it into ``#REF!`` when its cell
is deleted; so by comparing where the names point with the template's layout we can tell, per
table, that rows or columns were inserted or deleted, and say it once (rule E8) instead of once
per formula the change moved. A table moved as a whole (a row inserted above it) is still
intact: its cells keep their places relative to each other and its formulas agree with them.
"""

from __future__ import annotations

from .. import spec
from ..report import StructureChange
from . import layout
from .layout import CellPos


def lost_cell(name_text: str) -> bool:
    """Whether a defined name's formula says its cell was deleted (``#REF!``, as Excel, WPS and
    LibreOffice write it); another unresolvable name is not ours and makes the file unusable."""
    return "#REF!" in name_text.upper()


def locate(targets: dict[str, CellPos | None]) -> tuple[dict[str, CellPos], list[StructureChange]]:
    """key -> its cell, or None where the key's name lost its cell (``#REF!``) ->
    (key -> its cell, the structure changes found, one per table or first sheet)."""
    expected = layout.positions()
    if targets == expected:  # the template's own places, as in nearly every workbook
        return dict(targets), []  # type: ignore[arg-type]  # (equal to expected: no None)
    pos = {key: p for key, p in targets.items() if p is not None}
    changes = []
    for table in spec.TABLES:
        keys = tuple(c.key for c in table.value_cells)
        change = _table_change(table, keys, pos, expected)
        if change:
            changes.append(change)
    main_keys = tuple(k for k in spec.KEYS if expected[k].sheet == layout.SHEET_MAIN)
    deleted = tuple(k for k in main_keys if k in targets and targets[k] is None)
    if deleted:
        # Rows of the first sheet may move freely (nothing sums them); a deleted one is lost.
        what = "删除了" + "、".join(f"「{spec.FIELDS[k].label}」" for k in deleted) + "所在的行"
        changes.append(StructureChange("基本信息和正文", what, deleted, deleted))
    return pos, changes


def _table_change(table: spec.Table, keys: tuple[str, ...], pos: dict[str, CellPos],
                  expected: dict[str, CellPos]) -> StructureChange | None:
    deleted = tuple(k for k in keys if k not in pos)
    present = [k for k in keys if k in pos]
    parts = []
    if deleted:
        parts.append(_deleted_text(table, deleted))
    focus = ""
    if present:
        base = _offset(pos[present[0]], expected[present[0]])
        moved = [k for k in present if _offset(pos[k], expected[k]) != base or pos[k].sheet != pos[present[0]].sheet]
        if moved:
            focus = moved[0]
            (frow, fcol), (brow, bcol) = _offset(pos[focus], expected[focus]), base
            drow, dcol = frow - brow, fcol - bcol
            f = spec.FIELDS[focus]
            if drow > 0:
                parts.append(f"在「{f.row_path}」行上方插入了{drow}行")
            elif drow < 0 and not deleted:
                parts.append(f"删除了「{f.row_path}」行上方的{-drow}行")
            if dcol > 0:
                parts.append(f"在「{f.col_label}」列左侧插入了{dcol}列")
            elif dcol < 0 and not deleted:
                parts.append(f"删除了「{f.col_label}」列左侧的{-dcol}列")
            if not parts:
                parts.append("单元格被移动")
        else:
            focus = present[0]
    if not parts:
        return None
    return StructureChange(table.short, "，".join(parts), keys, deleted, focus)


def _offset(found: CellPos, expected: CellPos) -> tuple[int, int]:
    return found.row - expected.row, found.col - expected.col


def _deleted_text(table: spec.Table, deleted: tuple[str, ...]) -> str:
    """Name the deleted rows (or columns) by their labels, as the table shows them."""
    gone = set(deleted)
    if len(gone) == len(table.value_cells):
        return "全部填报单元格被删除（整个表格或工作表被删除）"
    rows: dict[str, list[str]] = {}
    cols: dict[str, list[str]] = {}
    for c in table.value_cells:
        f = spec.FIELDS[c.key]
        rows.setdefault(f.row_path, []).append(c.key)
        cols.setdefault(f.col_label, []).append(c.key)
    for lines, word in ((rows, "行"), (cols, "列")):
        whole = [label for label, ks in lines.items() if gone.issuperset(ks)]
        if whole and sum(len(lines[label]) for label in whole) == len(gone):
            more = f"等{len(whole)}" if len(whole) > 3 else ""
            return "删除了" + "、".join(f"「{label}」" for label in whole[:3]) + more + word
    return f"删除了{len(gone)}个填报单元格（如{spec.describe(deleted[0])}）"
