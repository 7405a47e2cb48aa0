"""One content, one verdict, whichever program saved the workbook last (issue 10).

E8 is decided by the formulas, not by the results saved with them: LibreOffice and Excel cache
totals whose SUM skipped a number typed as text, openpyxl caches nothing, nianbao caches what the
formulas show. A table whose rows were inserted or deleted is one E8 error, not one per formula.

The workbooks of tests/fixtures/libreoffice/ were saved by LibreOffice Calc driven through UNO
(scripts/make_lo_fixtures.py), so the reader's tests need no LibreOffice; the tests marked
``uno`` make the same edits live (tests/uno_calc.py, run by /usr/bin/python3).
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, run_nianbao
from lo import calc_edit, delete_rows, insert_rows, move_sheet, rename_sheet, typed
from wbedit import patch_part, set_cells, sheet_part

from toolkit import spec
from toolkit.app.check import check_file
from toolkit.app.workbook import new_workbook
from toolkit.rules import check
from toolkit.source import read_report
from toolkit.workbook import layout
from toolkit.workbook.structure import locate

sys.path.insert(0, str(ROOT / "scripts"))
from make_lo_fixtures import TEXT_NUMBERS, sample_inputs  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "libreoffice"
POS = layout.positions()


def findings(path: Path) -> list[tuple]:
    return [(f.rule, f.severity, f.keys, f.cell, f.message, f.expected, f.found)
            for f in check(read_report(path)).findings]


def note_texts(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [c.comment.text for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.comment]


@pytest.fixture(scope="module")
def sample_book(tmp_path_factory) -> Path:
    return new_workbook(tmp_path_factory.mktemp("sample") / "sample.xlsx", data=sample_inputs())


@pytest.fixture(scope="module")
def text_number_books(tmp_path_factory, sample_book) -> dict[str, Path]:
    """The same content (the sample with "5件" and a full-width "２" in 表三), saved by each program."""
    tmp = tmp_path_factory.mktemp("text")
    books = {
        # XlsxWriter caches what the formulas show: the SUMs skip the text
        "nianbao": new_workbook(tmp / "nianbao.xlsx", data={**sample_inputs(), **TEXT_NUMBERS}),
        # openpyxl keeps formulas and drops every cached result
        "openpyxl": set_cells(sample_book, tmp / "openpyxl.xlsx", TEXT_NUMBERS),
        "libreoffice": FIXTURES / "text_numbers.xlsx",
    }
    # checked once by nianbao (written back: marks, notes, results sheet), then read again
    written = shutil.copy(books["nianbao"], tmp / "written_back.xlsx")
    check_file(written)
    books["written_back"] = Path(written)
    return books


def test_text_numbers_give_e1_only(text_number_books):
    found = findings(text_number_books["nianbao"])
    assert [(f[0], f[1], f[2]) for f in found] == [
        ("E1", "error", ("t3.new.natural",)), ("E1", "warning", ("t3.other_no_correction.natural",))]
    # the warning says the totals will be right once the text is a number
    assert "合计就会计入它" in found[1][4]


@pytest.mark.parametrize("saver", ["openpyxl", "libreoffice", "written_back"])
def test_same_content_same_findings_whoever_saved_it(text_number_books, saver):
    assert findings(text_number_books[saver]) == findings(text_number_books["nianbao"])


def test_libreoffice_cached_the_totals_its_sum_shows():
    """The fixture really holds LibreOffice's results: the 自然人 column total skips "２"."""
    report = read_report(FIXTURES / "text_numbers.xlsx")
    cached = report.raw["t3.total.natural"].cached
    assert cached == 3 and report.values["t3.total.natural"] == 5  # 3 + "２"
    assert report.raw["t3.other_no_correction.total"].cached == 0
    assert report.values["t3.other_no_correction.total"] == 2
    assert report.broken_formulas == {} and report.stale_totals == {}


def _set_cached(src: Path, dst: Path, changes: dict[str, int]) -> Path:
    """Rewrite the results saved with these totals' formulas (formulas untouched)."""
    def change(xml: bytes) -> bytes:
        text = xml.decode()
        for key, shown in changes.items():
            a1 = POS[key].a1
            text, n = re.subn(rf'(<c r="{a1}"[^>]*><f>[^<]*</f><v>)[^<]*(</v>)', rf"\g<1>{shown}\g<2>", text)
            assert n == 1, key
        return text.encode()
    return patch_part(src, dst, sheet_part(src, POS[next(iter(changes))].sheet), change)


def test_stale_totals_are_one_warning_per_table(tmp_path, sample_book):
    """Results saved without recalculating (formulas intact, results old): the data are sound,
    so the check passes with one warning for the table, naming how to recalculate."""
    stale = _set_cached(sample_book, tmp_path / "stale.xlsx", {"t3.new.total": 9, "t3.total.natural": 1})
    result = check(read_report(stale))
    assert result.passed
    e8 = [f for f in result.findings if f.rule == "E8"]
    assert len(e8) == 1 and e8[0].severity == "warning"
    assert set(e8[0].keys) == {"t3.new.total", "t3.total.natural"}
    assert "重新计算" in e8[0].message and "2个合计单元格" in e8[0].message
    assert [f for f in result.findings if f.rule != "E8"] == check(read_report(sample_book)).findings


def test_overwritten_total_is_still_an_error(tmp_path, sample_book):
    """A total whose formula was replaced by a number is E8, whatever the cache says."""
    book = set_cells(sample_book, tmp_path / "over.xlsx", {"t3.new.total": 9})
    e8 = [f for f in check(read_report(book)).findings if f.rule == "E8"]
    assert [(f.severity, f.keys) for f in e8] == [("error", ("t3.new.total",))]


@pytest.mark.parametrize("name, what", [("row_inserted.xlsx", "在「（一）予以公开」行上方插入了1行"),
                                        ("row_deleted.xlsx", "删除了「（三）不予公开·8.属于行政查询事项」行")])
def test_structure_change_is_one_finding(tmp_path, name, what):
    book = shutil.copy(FIXTURES / name, tmp_path / name)
    found = check(read_report(book)).findings
    assert [(f.rule, f.severity, f.table) for f in found] == [("E8", "error", "表三")]
    assert what in found[0].message and "nianbao new" in found[0].message
    # exit 1 (a finding), not 2 (a refused file); written back, and read alike afterwards
    proc = run_nianbao("check", book)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "已写回" in proc.stdout
    assert [f.message for f in check(read_report(book)).findings] == [found[0].message]


def test_table_moved_as_a_whole_is_not_a_change():
    """Rows inserted above a table move its cells and formulas alike: nothing to report. A
    cell moved within a table (a row inserted in it) is a change; so is a deleted first-sheet row."""
    t4 = layout.SHEET_OF_TABLE["t4"]
    targets = {k: p.moved(rows=2) if p.sheet == t4 else p for k, p in POS.items()}
    pos, changes = locate(targets)
    assert changes == []
    assert layout.formulas_at(pos)["t4.review.total"] == layout.formulas()["t4.review.total"].replace(
        str(POS["t4.review.total"].row + 1), str(POS["t4.review.total"].row + 3))
    p = POS["t4.review.pending"]
    targets["t4.review.pending"] = p.moved(rows=2, cols=1)
    targets["meta.phone"] = None
    _, changes = locate(targets)
    assert [(c.table, c.what) for c in changes] == [
        ("表四", "在「尚未审结」列左侧插入了1列"), ("基本信息和正文", "删除了「联系电话」所在的行")]


def test_sample_typed_in_calc_reads_as_the_sample():
    """Every input of the sample typed into a blank template in LibreOffice Calc."""
    report = read_report(FIXTURES / "sample_typed.xlsx")
    from toolkit.sample import sample_data
    expected = {k: v for k, v in sample_data().items() if v is not None}
    assert report.filled() == expected
    assert report.problems == {} and report.broken_formulas == {} and report.stale_totals == {}


# --- live LibreOffice, through UNO ---------------------------------------------------------------

@pytest.fixture(scope="module")
def calc_text_numbers(tmp_path_factory, sample_book) -> Path:
    tmp = tmp_path_factory.mktemp("uno")
    return calc_edit(sample_book, tmp / "typed.xlsx", typed(TEXT_NUMBERS))


@pytest.fixture(scope="module")
def calc_round_trip(tmp_path_factory, calc_text_numbers) -> dict[str, Path]:
    """Typed in Calc, checked (written back), fixed in Calc, checked again."""
    tmp = tmp_path_factory.mktemp("round")
    book = Path(shutil.copy(calc_text_numbers, tmp / "unit.xlsx"))
    first = run_nianbao("check", book)  # written back: marks and notes on the two cells
    fixed = calc_edit(book, tmp / "fixed.xlsx", typed({"t3.new.natural": 5, "t3.other_no_correction.natural": 2}))
    second = run_nianbao("check", fixed)
    return {"book": book, "first": first, "fixed": fixed, "second": second}


def test_uno_text_numbers_give_e1_only_then_pass(calc_round_trip, text_number_books, calc_text_numbers):
    assert findings(calc_text_numbers) == findings(text_number_books["nianbao"])
    first = calc_round_trip["first"]
    assert first.returncode == 1 and "E8" not in first.stdout, first.stdout
    assert len(note_texts(calc_round_trip["book"])) == 2
    second = calc_round_trip["second"]
    assert second.returncode == 0, second.stdout
    shown = openpyxl.load_workbook(calc_round_trip["fixed"])[layout.SHEET_MAIN][layout.a1(layout.ROW_RESULT, 1)].value
    assert "通过" in shown


def test_uno_no_note_of_ours_left_after_passing(calc_round_trip):
    """LibreOffice re-saved our notes (author blank, text in runs): write-back still knows them."""
    assert note_texts(calc_round_trip["fixed"]) == []


def test_uno_row_insert_is_one_finding(tmp_path, sample_book):
    book = calc_edit(sample_book, tmp_path / "ins.xlsx", insert_rows("t3.partial.natural"))
    found = check(read_report(book)).findings
    assert [(f.rule, f.severity) for f in found] == [("E8", "error")]
    assert "在「（二）部分公开" in found[0].message


def test_uno_row_delete_in_table_two_is_one_finding(tmp_path, sample_book):
    book = calc_edit(sample_book, tmp_path / "del.xlsx", delete_rows("t2.penalty.decisions"))
    found = check(read_report(book)).findings
    assert [(f.rule, f.severity, f.table) for f in found] == [("E8", "error", "表二")]
    assert "删除了「行政处罚」行" in found[0].message


def test_uno_renamed_and_moved_sheets_are_named_as_they_are_now(tmp_path, sample_book):
    """Sheets renamed and moved in Calc (the structure is not protected): every place a finding
    names, in the console, --json, the results sheet's links and the notes, is on a sheet the
    workbook has now (F39: E3 named '表三 依申请公开'!D34, a dead link)."""
    import json
    t3, t4 = layout.SHEET_OF_TABLE["t3"], layout.SHEET_OF_TABLE["t4"]
    book = calc_edit(sample_book, tmp_path / "renamed.xlsx",
                     typed({"t3.carry_forward.natural": 3, "t4.review.upheld": "/"}),
                     rename_sheet(t3, "表三"), move_sheet(t4, 0), rename_sheet(t4, "复议诉讼"))
    proc = run_nianbao("check", book, "--json")
    assert proc.returncode == 1, proc.stderr
    found = json.loads(proc.stdout)["findings"]
    assert {f["rule"] for f in found} == {"E1", "E3"}
    verdict = layout.t3_check_cells()["natural"][1]
    assert next(f["cell"] for f in found if f["rule"] == "E3") == f"表三!{verdict.a1}"
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames[0] == "复议诉讼" and t3 not in wb.sheetnames
    places = {f["cell"].split("!")[0].strip("'") for f in found}
    assert places == {"表三", "复议诉讼"}
    links = [c.hyperlink.location for row in wb[layout.SHEET_RESULTS].iter_rows() for c in row if c.hyperlink]
    assert len(links) == len(found) and all(link.split("!")[0].strip("'") in wb.sheetnames for link in links)
    assert any(c.comment for row in wb["表三"].iter_rows() for c in row)  # the notes on the renamed sheet


def test_uno_full_fill_of_the_sample(tmp_path, sample_book):
    """The sample typed into a blank template in Calc: the same data and verdict as the original."""
    blank = new_workbook(tmp_path / "blank.xlsx")
    book = calc_edit(blank, tmp_path / "typed.xlsx", typed(sample_inputs()))
    original = read_report(sample_book)
    assert read_report(book).values == original.values
    assert findings(book) == findings(sample_book)


@pytest.mark.parametrize("name", ["text_numbers.xlsx", "row_inserted.xlsx", "row_deleted.xlsx"])
def test_live_book_judges_like_the_file(name):
    """The Excel button's reader (xlwings, here its fake) finds the same structure changes and
    gives the same findings as the file reader."""
    import fake_xlwings as fx

    from toolkit.excel.live import read_live
    live = check(read_live(fx.Book(FIXTURES / name))).findings
    assert [f.to_dict() for f in live] == [f.to_dict() for f in check(read_report(FIXTURES / name)).findings]


@pytest.mark.parametrize("rename", [True, False], ids=["renamed", "copy-name-kept"])
def test_uno_sheets_replaced_by_their_copies_keep_their_data(tmp_path, sample_book, rename):
    """Every sheet replaced by a copy of itself in Calc (the workbook's names of its cells become
    #REF!, the copy holds sheet-local copies of them, as in Excel): the data is read from the copy's
    cells, nothing is E8, write-back works (tester's G1)."""
    from lo import replace_by_copy
    changed = {"t2.normative.issued": 3, "t3.new.natural": 7, "t3.unable_not_held.natural": 2, "t4.review.upheld": 4,
               "text.problems": "复制后的工作表中写的内容"}
    book = calc_edit(sample_book, tmp_path / "copies.xlsx", typed(changed),
                     *(replace_by_copy(s, rename) for s in (layout.SHEET_MAIN, *layout.SHEET_OF_TABLE.values())))
    from toolkit.ooxml.package import Package
    from toolkit.ooxml.workbook import Book
    with Package.open(book) as pkg:  # the edit did what a user's does to the names
        assert Book.load(pkg).names[layout.defined_name("t3.new.natural")] == "#REF!"
    report = read_report(book)
    expected = {**read_report(sample_book).values, **changed}
    assert report.structure == []
    assert {k: report.values[k] for k in spec.INPUT_KEYS} == {k: expected[k] for k in spec.INPUT_KEYS}
    found = check(report).findings
    assert "E8" not in {f.rule for f in found}, [f.message for f in found]
    import fake_xlwings as fx  # the Excel button reads the open book the same way

    from toolkit.excel.live import read_live
    assert [f.to_dict() for f in check(read_live(fx.Book(book))).findings] == [f.to_dict() for f in found]
    proc = run_nianbao("check", book)
    assert "E8" not in proc.stdout and "写回" in proc.stdout, proc.stdout + proc.stderr
    assert read_report(book).filled() == report.filled()


def test_uno_totals_pasted_as_values_the_advice_moves_the_data(tmp_path, sample_book):
    """表三's totals overwritten with their own values in Calc (last year's table pasted as values):
    one E8 for the table naming them all (not one line per total), every cell of them marked, and its
    advice (export, then new --data) gives a fresh workbook that passes, with no number retyped
    (tester's G21)."""
    totals = {k: read_report(sample_book).values[k] for k in spec.COMPUTED_KEYS if k.startswith("t3.")}
    book = calc_edit(sample_book, tmp_path / "甲街道.xlsx", typed(totals))
    proc = run_nianbao("check", "--no-write-back", book)
    assert proc.returncode == 1 and proc.stdout.count("E8") == 1, proc.stdout
    assert f"表三有{len(totals)}个合计单元格（J7、" in proc.stdout  # the first six named, then 等
    assert "等）的公式被替换为数字（如表三「一、" in proc.stdout
    assert "这些数字都等于各项之和，数据本身没有问题" in proc.stdout  # so moving them loses nothing
    advice = "nianbao export 甲街道.xlsx -o 甲街道.json，再 nianbao new 甲街道（新）.xlsx --data 甲街道.json"
    assert advice in proc.stdout and "不必重新录入" in proc.stdout
    report = read_report(book)
    [e8] = [f for f in check(report).findings if f.rule == "E8"]
    assert set(e8.keys) == set(totals) and set(e8.cells) == {report.cells[k] for k in totals}
    marked = shutil.copy(book, tmp_path / "标记.xlsx")
    assert run_nianbao("check", marked).returncode == 1
    ws = {s.title: s for s in openpyxl.load_workbook(marked)}
    assert all(ws[report.cells[k].sheet][report.cells[k].a1].comment for k in totals)  # each total has its note
    assert run_nianbao("export", book, "-o", tmp_path / "甲街道.json").returncode == 0
    assert run_nianbao("new", tmp_path / "甲街道（新）.xlsx", "--data", tmp_path / "甲街道.json").returncode == 0
    fresh = read_report(tmp_path / "甲街道（新）.xlsx")
    assert check(fresh).passed and fresh.values == read_report(sample_book).values
