"""The standard workbook's structure, read back with openpyxl (an independent reader): sheets,
protection, what is unlocked, data validation, defined names, formulas, live check cells, the
hidden marker; and the committed template equals what the specification builds."""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter, range_boundaries

from toolkit import spec
from toolkit.workbook import build, layout
from toolkit.workbook.build import build_workbook, write_workbook

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "workbook_templates" / "年报填报模板.xlsx"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("wb") / "blank.xlsx"
    write_workbook(path)
    return path


@pytest.fixture(scope="module")
def wb(built):
    return openpyxl.load_workbook(built)


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    from toolkit.sample import sample_data
    path = tmp_path_factory.mktemp("wb") / "sample.xlsx"
    write_workbook(path, sample_data())
    return openpyxl.load_workbook(path)


def expand(ref: str) -> set[str]:
    """'D7:F8' -> {'D7', 'E7', ...}."""
    c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
    return {f"{get_column_letter(c)}{r}" for c in range(c1, c2 + 1) for r in range(r1, r2 + 1)}


def merged_with(ws, coord: str) -> set[str]:
    for rng in ws.merged_cells.ranges:
        if coord in expand(str(rng)):
            return expand(str(rng))
    return {coord}


def rgb(color) -> str:
    return (color.rgb or "")[-6:].upper() if color is not None else ""


# --- sheets, protection, marker ---------------------------------------------------------------

def test_sheets_in_order_and_marker_very_hidden(wb):
    assert wb.sheetnames == list(layout.SHEETS)
    states = {ws.title: ws.sheet_state for ws in wb.worksheets}
    assert states.pop(layout.SHEET_MARKER) == "veryHidden"
    assert set(states.values()) == {"visible"}
    marker = wb.defined_names[layout.MARKER_NAME].attr_text
    sheet, cell = marker.rsplit("!", 1)
    assert sheet.strip("'") == layout.SHEET_MARKER
    assert wb[layout.SHEET_MARKER][cell.replace("$", "")].value == spec.TEMPLATE_MARKER


def test_every_sheet_protected_and_structure_locked(built, wb):
    for ws in wb.worksheets:
        assert ws.protection.sheet is True, ws.title
    assert wb.security is not None and wb.security.lockStructure
    xml = zipfile.ZipFile(built).read("xl/workbook.xml").decode()
    # schema order: workbookProtection comes before bookViews (Excel refuses the file otherwise)
    assert xml.index('<workbookProtection lockStructure="1"/>') < xml.index("<bookViews>")


def test_only_input_cells_unlocked_and_coloured(wb):
    pos = layout.positions()
    expected: dict[str, set[str]] = {name: set() for name in wb.sheetnames}
    for key in spec.INPUT_KEYS:
        p = pos[key]
        expected[p.sheet] |= merged_with(wb[p.sheet], p.a1)
    for ws in wb.worksheets:
        unlocked = {c.coordinate for row in ws.iter_rows() for c in row if not c.protection.locked}
        assert unlocked == expected[ws.title], ws.title
        for coord in unlocked:
            cell = ws[coord]
            if isinstance(cell, openpyxl.cell.cell.MergedCell):
                continue  # openpyxl shows a merged range's style on its first cell only
            assert cell.fill.fill_type == "solid" and rgb(cell.fill.fgColor) == build.INPUT_FILL[1:]
    for key in spec.COMPUTED_KEYS:
        cell = wb[pos[key].sheet][pos[key].a1]
        assert cell.protection.locked
        assert rgb(cell.fill.fgColor) == build.COMPUTED_FILL[1:], key
        assert rgb(cell.fill.fgColor) != build.INPUT_FILL[1:]


# --- data validation ----------------------------------------------------------------------------

def _validations(ws) -> dict[str, object]:
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            for coord in expand(rng):
                assert coord not in out, f"two validations on {ws.title}!{coord}"
                out[coord] = dv
    return out


def _stops(dv) -> None:
    assert dv.errorStyle in (None, "stop")  # OOXML default: stop (rejects the entry)
    assert dv.showErrorMessage is True
    assert CJK.search(dv.error or "") and CJK.search(dv.errorTitle or "")


def test_data_validation_on_number_inputs(wb):
    pos = layout.positions()
    by_sheet = {name: _validations(wb[name]) for name in wb.sheetnames}
    validated = set()
    for key in spec.INPUT_KEYS:
        f, p = spec.FIELDS[key], pos[key]
        if not f.is_number:
            continue
        dv = by_sheet[p.sheet].get(p.a1)
        assert dv is not None, key
        validated.add((p.sheet, p.a1))
        _stops(dv)
        if f.kind == "int":
            assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0"), key
            assert "整数" in dv.error
        else:
            assert dv.type == "custom"
            formula = dv.formula1.replace(" ", "")
            assert f"ISNUMBER({p.a1})" in formula and f"{p.a1}>=0" in formula
            assert f"ROUND({p.a1},{spec.FEES_DECIMALS})={p.a1}" in formula
            assert "万元" in dv.error and f"{spec.FEES_DECIMALS}位小数" in dv.error
    # no validation on anything but inputs (a validation on a computed cell would be pointless)
    inputs = {(pos[k].sheet, pos[k].a1) for k in spec.INPUT_KEYS}
    for name, cells in by_sheet.items():
        assert {(name, c) for c in cells} <= inputs


def test_data_validation_on_metadata(wb):
    pos = layout.positions()
    dvs = _validations(wb[layout.SHEET_MAIN])
    year = dvs[pos["meta.year"].a1]
    _stops(year)
    assert (year.type, year.operator or "between") == ("whole", "between")
    level = dvs[pos["meta.unit_level"].a1]
    _stops(level)
    assert level.type == "list"
    assert level.formula1.strip('"').split(",") == list(spec.UNIT_LEVELS)


# --- names and formulas ---------------------------------------------------------------------

NAME_SYNTAX = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
LOOKS_LIKE_A1 = re.compile(r"^[A-Za-z]{1,3}[0-9]+$")
LOOKS_LIKE_R1C1 = re.compile(r"^[RrCc]([0-9]*|[Rr][0-9]*[Cc][0-9]*)$")


def test_every_key_has_a_valid_workbook_scoped_name(wb, built):
    pos = layout.positions()
    names = dict(wb.defined_names.items())
    for ws in wb.worksheets:  # workbook scope: no sheet-local copies
        assert not ws.defined_names, ws.title
    seen = set()
    for key in spec.KEYS:
        name = layout.defined_name(key)
        assert NAME_SYNTAX.match(name) and len(name) <= 255, name
        assert not LOOKS_LIKE_A1.match(name) and not LOOKS_LIKE_R1C1.match(name)
        assert name.lower() not in seen  # Excel names are case-insensitive
        seen.add(name.lower())
        assert names[name].attr_text == pos[key].ref, key
        assert names[name].localSheetId is None
    # our own reader resolves each name to the same cell
    from toolkit.ooxml.package import Package
    from toolkit.ooxml.workbook import Book
    with Package.open(built) as pkg:
        book = Book.load(pkg)
        for key in spec.KEYS:
            assert book.resolve(layout.defined_name(key)) == pos[key]
    for extra in (layout.MARKER_NAME, layout.RESULT_SUMMARY_NAME, layout.LIVE_STATUS_NAME,
                  layout.RESULTS_NAME, *(f"NB_check_t3_{c}" for c, _ in spec.T3_COLUMNS)):
        assert NAME_SYNTAX.match(extra) and extra in names


def _sum_cells(formula: str) -> list[str]:
    m = re.fullmatch(r"=SUM\(([A-Z0-9:,$]+)\)", formula)
    assert m, formula
    cells: list[str] = []
    for part in m.group(1).split(","):
        cells.extend(sorted(expand(part)))
    return cells


def test_totals_are_locked_formulas_over_their_terms(wb):
    pos = layout.positions()
    for key in spec.COMPUTED_KEYS:
        p = pos[key]
        cell = wb[p.sheet][p.a1]
        assert cell.value == layout.formulas()[key], key
        terms = _sum_cells(cell.value)
        assert len(terms) == len(set(terms))  # no cell counted twice
        want = {pos[t].a1 for t in spec.FIELDS[key].computed_from}
        assert set(terms) == want and {pos[t].sheet for t in spec.FIELDS[key].computed_from} == {p.sheet}
        assert cell.protection.locked
    for key in spec.INPUT_KEYS:
        v = wb[pos[key].sheet][pos[key].a1].value
        assert not (isinstance(v, str) and v.startswith("=")), key


def test_live_check_cells(wb):
    ws = wb[layout.SHEET_OF_TABLE["t3"]]
    pos = layout.positions()
    verdicts = []
    for col_key, (diff, verdict) in layout.t3_check_cells().items():
        d, v = ws[diff.a1].value, ws[verdict.a1].value
        cells = {r: pos[f"t3.{r}.{col_key}"].a1 for r in ("new", "carried_over", "total", "carry_forward")}
        assert d.replace(" ", "") == (f"=({cells['new']}+{cells['carried_over']})-"
                                      f"({cells['total']}+{cells['carry_forward']})")
        assert v == f'=IF({diff.a1}=0,"{layout.BALANCED}","{layout.UNBALANCED}")'
        assert ws[diff.a1].protection.locked and ws[verdict.a1].protection.locked
        assert diff.row > pos[f"t3.carry_forward.{col_key}"].row  # beside (below) the table
        verdicts.append(verdict.a1)
    # green / red conditional formats over the verdict cells
    rules = {}
    for cf in ws.conditional_formatting:
        if set(verdicts) <= expand(str(cf.sqref)):
            for r in cf.rules:
                rules[r.formula[0]] = (r.type, r.operator, rgb(r.dxf.fill.bgColor))
    assert rules == {f'"{layout.UNBALANCED}"': ("cellIs", "equal", build.BAD_FILL[1:]),
                     f'"{layout.BALANCED}"': ("cellIs", "equal", build.OK_FILL[1:])}
    # the first sheet's live verdict over all tables
    main = wb[layout.SHEET_MAIN]
    live = main[layout.a1(layout.ROW_LIVE, 1)].value
    assert live == layout.live_status_formula() and "COUNTIF" in live
    starts = {r.text for cf in main.conditional_formatting
              if layout.a1(layout.ROW_LIVE, 1) in expand(str(cf.sqref)) for r in cf.rules}
    assert starts == {"✓", "✗"}


def test_value_cells_coloured_by_their_mark_cells(wb):
    """Write-back only sets numbers in the hidden mark cells: each value cell has a rule for it."""
    pos = layout.positions()
    for key in spec.KEYS:
        p = pos[key]
        ws = wb[p.sheet]
        mark = layout.mark_of(p)
        assert ws[mark.a1].value == layout.MARK_NONE and ws[mark.a1].protection.locked
        assert _hidden_in_group(ws, mark.col), (key, mark.a1)
        formulas = set()
        for cf in ws.conditional_formatting:
            if p.a1 in expand(str(cf.sqref)):
                first = str(cf.sqref).split(":")[0]
                r0, c0 = openpyxl.utils.cell.coordinate_to_tuple(first)
                for r in cf.rules:
                    # the rule's formula is relative to the range's first cell: shift it to p
                    m = re.fullmatch(r"([A-Z]+)(\d+)=(\d)", r.formula[0])
                    assert m, r.formula
                    mr, mc = openpyxl.utils.cell.coordinate_to_tuple(m.group(1) + m.group(2))
                    at = f"{get_column_letter(mc + p.col + 1 - c0)}{mr + p.row + 1 - r0}"
                    formulas.add((at, int(m.group(3))))
        assert formulas == {(mark.a1, layout.MARK_ERROR), (mark.a1, layout.MARK_WARNING)}, key


def _hidden_in_group(ws, col: int) -> bool:
    """openpyxl stores a run of hidden columns under its first column letter."""
    for dim in ws.column_dimensions.values():
        if dim.min and dim.max and dim.min <= col + 1 <= dim.max and dim.hidden:
            return True
    return False


# --- layout like the official tables ---------------------------------------------------------

@pytest.mark.parametrize("table", spec.TABLES, ids=lambda t: t.id)
def test_tables_laid_out_like_the_official_table(wb, table):
    ws = wb[layout.SHEET_OF_TABLE[table.id]]
    assert ws["A1"].value == table.title
    merged = {str(r) for r in ws.merged_cells.ranges}
    for cell in table.cells:
        p = layout.table_cell(table, cell)
        if cell.text:
            assert ws[p.a1].value == cell.text
        if cell.rowspan > 1 or cell.colspan > 1:
            last = layout.a1(p.row + cell.rowspan - 1, p.col + cell.colspan - 1)
            assert f"{p.a1}:{last}" in merged, cell
        else:
            assert not any(p.a1 in expand(m) for m in merged), cell
    for c in table.value_cells:
        assert layout.positions()[c.key] == layout.table_cell(table, c)


def test_first_sheet_instructions_metadata_and_texts(filled):
    from toolkit.sample import sample_data
    data = sample_data()
    ws = filled[layout.SHEET_MAIN]
    help_cell = ws[layout.a1(layout.ROW_HELP, 1)]
    assert help_cell.value == build.INSTRUCTIONS and len(CJK.findall(help_cell.value)) > 100
    assert help_cell.alignment.wrap_text
    assert ws[layout.a1(layout.ROW_TITLE, 0)].value.startswith("=")
    pos = layout.positions()
    for f in spec.META:
        assert ws.cell(pos[f.key].row + 1, 1).value.startswith(f.label)
    # width of the merged text cells in characters (a CJK character is two width units)
    width = sum(ws.column_dimensions[get_column_letter(c + 1)].width or 8.43
                for c in range(layout.MAIN_VALUE_COL, layout.MAIN_LAST_COL + 1))
    per_line = width / 2
    for part in spec.TEXT_PARTS:
        p = pos[part.key]
        assert ws.cell(p.row + 1, 1).value.startswith(spec.TEXT_LABELS[part.key])
        cell = ws[p.a1]
        assert cell.value == data[part.key]
        assert cell.alignment.wrap_text and cell.alignment.vertical == "top"
        assert merged_with(ws, p.a1) == expand(f"{p.a1}:{layout.a1(p.row, layout.MAIN_LAST_COL)}")
        lines = sum(max(1, math.ceil(len(par) / per_line)) for par in data[part.key].split("\n"))
        assert ws.row_dimensions[p.row + 1].height >= min(409, 14 * lines), part.key


# --- the committed template ---------------------------------------------------------------

def snapshot(path: Path) -> dict:
    """What a workbook is, for comparison: content, names, protection, validation, formats."""
    wb = openpyxl.load_workbook(path)
    out = {"lockStructure": bool(wb.security and wb.security.lockStructure),
           "names": {n: d.attr_text for n, d in wb.defined_names.items()}, "sheets": {}}
    for ws in wb.worksheets:
        prot = ws.protection
        out["sheets"][ws.title] = {
            "state": ws.sheet_state,
            "protection": (prot.sheet, prot.selectLockedCells, prot.selectUnlockedCells,
                           prot.formatCells, prot.insertRows, prot.deleteRows, prot.autoFilter),
            "cells": {c.coordinate: (c.value, c.protection.locked, c.number_format,
                                     rgb(c.fill.fgColor), bool(c.alignment.wrap_text))
                      for row in ws.iter_rows() for c in row if c.value is not None or c.has_style},
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validation": sorted((str(dv.sqref), dv.type, dv.operator, dv.formula1, dv.formula2,
                                  dv.errorStyle, dv.showErrorMessage, dv.errorTitle, dv.error,
                                  dv.promptTitle, dv.prompt)
                                 for dv in ws.data_validations.dataValidation),
            "conditional": sorted((str(cf.sqref), r.type, r.operator, tuple(r.formula), r.text or "")
                                  for cf in ws.conditional_formatting for r in cf.rules),
            "hidden_columns": sorted(k for k, d in ws.column_dimensions.items() if d.hidden),
        }
    return out


def test_committed_template_matches_the_specification(built):
    assert TEMPLATE.exists(), "run: python scripts/build_templates.py"
    committed, fresh = snapshot(TEMPLATE), snapshot(built)
    hint = "the committed template is out of date: run python scripts/build_templates.py"
    assert committed["names"] == fresh["names"], hint
    assert committed["lockStructure"] == fresh["lockStructure"], hint
    assert list(committed["sheets"]) == list(fresh["sheets"]), hint
    for name, sheet in fresh["sheets"].items():
        for part, value in sheet.items():
            assert committed["sheets"][name][part] == value, f"{hint} ({name}: {part})"


def test_snapshot_notices_a_change(built, tmp_path):
    """The comparison above is not vacuous: a changed label or validation is seen."""
    changed = tmp_path / "changed.xlsx"
    wb = openpyxl.load_workbook(built)
    ws = wb[layout.SHEET_OF_TABLE["t3"]]
    ws["D4"].value = "改过的标题"
    wb.save(changed)
    assert snapshot(changed)["sheets"][ws.title]["cells"] != snapshot(built)["sheets"][ws.title]["cells"]


def test_build_is_deterministic_in_content():
    a, b = build_workbook({"meta.unit": "甲"}), build_workbook({"meta.unit": "甲"})
    za, zb = zipfile.ZipFile(__import__("io").BytesIO(a)), zipfile.ZipFile(__import__("io").BytesIO(b))
    for name in za.namelist():
        if name != "docProps/core.xml":  # holds the creation time
            assert za.read(name) == zb.read(name), name
