"""The Excel door: the macro workbook (its VBA read back with oletools), and the button's entry
point run against tests/fake_xlwings.py (a book backed by a real file), compared with what the
command line finds and writes for the same file."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

import fake_xlwings as fx
from conftest import require_module
from wbedit import set_cells

from toolkit.app import check_file, new_workbook
from toolkit.excel import vba
from toolkit.excel.button import main
from toolkit.excel.live import read_live
from toolkit.workbook import layout


def macro_text(xlsm: bytes | Path) -> dict[str, str]:
    """module name -> VBA source of a macro workbook, read back with oletools (a test dependency)."""
    from oletools.olevba import VBA_Parser
    data = xlsm.read_bytes() if isinstance(xlsm, Path) else xlsm
    parser = VBA_Parser("workbook.xlsm", data=data)
    try:
        return {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()

require_module("xlwings", "xlwings (pip install -e .[excel]) ships the VBA module")
require_module("pyopenvba", "pyOpenVBA (pip install -e .[excel]) adds our module")

AWKWARD_NAME = "附件1：2024年XX县.xlsm"  # a name the xlwings quickstart macro cannot import


@pytest.fixture
def sample_xlsm(tmp_path, sample) -> Path:
    return new_workbook(tmp_path / AWKWARD_NAME, data=sample)


@pytest.fixture
def faulty_xlsm(tmp_path, sample) -> Path:
    """Errors on the first sheet (a text part missing) and in table 三 (E3), a warning or two."""
    data = dict(sample)
    data["text.proactive"] = None
    data["t3.new.natural"] = data["t3.new.natural"] + 3
    from toolkit import spec
    for k in spec.COMPUTED_KEYS:  # totals are the workbook's formulas
        data.pop(k, None)
    return new_workbook(tmp_path / AWKWARD_NAME, data=data)


def _vml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".vml"))


def test_xlsm_macro_calls_the_fixed_entry_point(sample_xlsm):
    macros = macro_text(sample_xlsm)
    assert "xlwings" in macros and "Function RunPython" in macros["xlwings"]
    assert f'RunPython "{vba.ENTRY_COMMAND}"' in macros[vba.MODULE_NAME]
    assert f"Sub {vba.MACRO_NAME}()" in macros[vba.MODULE_NAME]
    # the quickstart's macro, which imports a module named after the workbook, is gone
    assert vba.SAMPLE_MODULE not in macros
    assert not any('RunPython "import " & ' in code for code in macros.values())
    # the command imports and names a real function
    namespace: dict = {}
    exec(vba.ENTRY_COMMAND.split(";")[0], namespace)
    assert callable(namespace["nianbao_button"].main)
    # the button is bound to that macro, on the first sheet
    vml = _vml(sample_xlsm)
    assert f"<x:FmlaMacro>[0]!{vba.MACRO_NAME}</x:FmlaMacro>" in vml
    assert vba.BUTTON_CAPTION in vml
    with zipfile.ZipFile(sample_xlsm) as z:
        assert "macroEnabled" in z.read("[Content_Types].xml").decode()
        rels = z.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
        assert "vmlDrawing" in rels


def test_xlsm_checks_like_xlsx(tmp_path, sample, sample_xlsm):
    xlsx = new_workbook(tmp_path / "same.xlsx", data=sample)
    a, b = check_file(sample_xlsm), check_file(xlsx)
    assert a.report.values == b.report.values
    assert [f.to_dict() for f in a.findings] == [f.to_dict() for f in b.findings]


def test_button_and_macros_survive_write_back(faulty_xlsm):
    from toolkit.writeback.patch import render
    result = check_file(faulty_xlsm)
    assert any(f.cell is not None and f.cell.sheet == layout.SHEET_MAIN for f in result.errors)  # a note on sheet 1
    before_vba = zipfile.ZipFile(faulty_xlsm).read("xl/vbaProject.bin")
    out = faulty_xlsm.with_name("written.xlsm")
    out.write_bytes(render(faulty_xlsm.read_bytes(), result, name=faulty_xlsm.name).content)
    assert zipfile.ZipFile(out).read("xl/vbaProject.bin") == before_vba
    vml = _vml(out)
    assert f"<x:FmlaMacro>[0]!{vba.MACRO_NAME}</x:FmlaMacro>" in vml
    assert 'ObjectType="Note"' in vml
    assert f'RunPython "{vba.ENTRY_COMMAND}"' in macro_text(out)[vba.MODULE_NAME]


def test_live_book_reads_like_the_file(tmp_path, sample_xlsx):
    """Typed values, problems, broken formulas and findings: the same through xlwings."""
    from toolkit import spec
    total = next(k for k in spec.COMPUTED_KEYS if k.startswith("t3."))
    edited = set_cells(sample_xlsx, tmp_path / "edited.xlsx", {
        "t3.new.natural": "/", "t2.rules.issued": "5件", "meta.year": "2022年",
        "t4.review.total": None, total: 7, "meta.date": "2023-01-20"})
    live = read_live(fx.Book(edited))
    file = check_file(edited).report
    assert live.origin == "live"
    assert live.values == file.values
    assert live.problems == file.problems and live.problems
    assert live.broken_formulas == file.broken_formulas and live.broken_formulas
    assert live.cells == file.cells
    from toolkit.rules import check
    assert [f.to_dict() for f in check(live).findings] == [f.to_dict() for f in check_file(edited).findings]


def _sheet_rows(wb, sheet: str, first: int) -> list[tuple]:
    ws = wb[sheet]
    return [tuple(c for c in row) for row in ws.iter_rows(min_row=first, values_only=True)
            if any(v is not None for v in row)]


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_button_writes_the_same_results_as_the_command_line(tmp_path, faulty_xlsm, platform, monkeypatch):
    """On Windows and on macOS (where sheet.api is appscript, not COM: tester's G6) alike."""
    import types

    from toolkit.excel import apply
    from toolkit.writeback.patch import render
    monkeypatch.setattr(apply, "sys", types.SimpleNamespace(platform=platform), raising=False)
    book = fx.Book(faulty_xlsm, platform=platform)
    outcome = main(book)
    result = check_file(faulty_xlsm)
    # the same findings, one message box that says how many errors and where to look
    assert [f.to_dict() for f in outcome.result.findings] == [f.to_dict() for f in result.findings]
    assert len(book.app.alerts) == 1
    alert = book.app.alerts[0]
    assert alert["mode"] == "critical" and f"有 {len(result.errors)} 个错误" in alert["prompt"]
    assert "校验结果" in alert["prompt"] and outcome.report is None
    assert book.app.screen_updating is True
    # Excel saves; then the file holds what the command line would have written
    saved = tmp_path / "saved.xlsm"
    book.save(saved)
    cli = tmp_path / "cli.xlsm"
    cli.write_bytes(render(faulty_xlsm.read_bytes(), result, name=faulty_xlsm.name).content)
    a, b = openpyxl.load_workbook(saved), openpyxl.load_workbook(cli)
    first = layout.RESULTS_HEADER_ROW + 2
    link_col = 5
    rows_a, rows_b = _sheet_rows(a, layout.SHEET_RESULTS, first), _sheet_rows(b, layout.SHEET_RESULTS, first)
    assert len(rows_a) == len(result.findings) == len(rows_b)
    def strip(rows):  # the link column aside; an empty text and an empty cell look alike
        return [tuple(None if v == "" else v for v in r[:link_col] + r[link_col + 1:]) for r in rows]
    assert strip(rows_a) == strip(rows_b)
    for ra, rb in zip(rows_a, rows_b):  # the link: a HYPERLINK formula here, a cell link there
        assert ra[link_col].startswith('=HYPERLINK("#') and ra[link_col].endswith(f',"{rb[link_col]}")')
    for sheet in layout.SHEETS[:-2]:  # verdict, marks and notes on every value sheet
        wa, wb_ = a[sheet], b[sheet]
        cells_a = {(c.coordinate, c.value) for row in wa.iter_rows() for c in row if c.value is not None}
        cells_b = {(c.coordinate, c.value) for row in wb_.iter_rows() for c in row if c.value is not None}
        diff = {x for x in cells_a ^ cells_b if not str(x[1]).startswith(("✗", "✓"))}
        assert not diff, sheet
        notes_a = {(c.coordinate, c.comment.text) for row in wa.iter_rows() for c in row if c.comment}
        notes_b = {(c.coordinate, c.comment.text) for row in wb_.iter_rows() for c in row if c.comment}
        assert notes_a == notes_b
    # protection is back on every sheet written, and the user's values are all there
    assert all(a[s].protection.sheet for s in layout.SHEETS)
    assert check_file(saved).report.values == result.report.values  # (openpyxl drops cached results)


def test_button_twice_replaces_its_own_notes_and_rows(tmp_path, faulty_xlsm):
    book = fx.Book(faulty_xlsm)
    first = main(book)
    second = main(book)
    saved = tmp_path / "twice.xlsm"
    book.save(saved)
    wb = openpyxl.load_workbook(saved)
    rows = _sheet_rows(wb, layout.SHEET_RESULTS, layout.RESULTS_HEADER_ROW + 2)
    assert len(rows) == len(second.result.findings) == len(first.result.findings)
    noted = {(s, c.coordinate) for s in layout.SHEETS for row in wb[s].iter_rows() for c in row
             if c.comment}
    assert noted and {(n.sheet, n.a1) for n in second.plan.notes} == noted


def test_button_on_a_workbook_that_is_not_ours(tmp_path):
    path = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "某县2024年报"
    wb.save(path)
    book = fx.Book(path)
    outcome = main(book)
    assert outcome.mode == "critical" and "不是 nianbao 标准模板" in outcome.message
    assert "Traceback" not in book.app.alerts[0]["prompt"]


def _docx_text(path: Path) -> list[str]:
    import docx
    d = docx.Document(path)
    return [p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells]


def test_button_passed_builds_the_report_next_to_the_workbook(tmp_path, sample_xlsm):
    outcome = main(fx.Book(sample_xlsm))
    assert outcome.result.passed, outcome.message
    assert outcome.mode == "info", outcome.message
    assert outcome.report.parent == sample_xlsm.parent and outcome.report.is_file()
    assert outcome.report.name == "锦屏街道2022年政府信息公开工作年度报告.docx"
    assert str(outcome.report) in outcome.message
    # the same report as `nianbao build` makes from the same file
    from toolkit.app import build_report
    cli = build_report(sample_xlsm, tmp_path / "cli.docx").docx
    assert _docx_text(outcome.report) == _docx_text(cli)
    assert any("锦屏" in t for t in _docx_text(cli))
