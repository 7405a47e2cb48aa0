"""Where a finding points: a workbook's cell (``CellPos``) or an imported document's place (text),
kept apart in the report and the finding, and spelt the same way as before in every output."""

from __future__ import annotations

import json
import pickle

from toolkit import spec
from toolkit.collect.returns import cell_words
from toolkit.ooxml.cells import CellPos
from toolkit.output import render_findings, result_json
from toolkit.report import Report
from toolkit.rules import RULE_BY_ID, check
from toolkit.rules.engine import Context, Finding, finding
from toolkit.sample import sample_data
from toolkit.workbook import layout
from toolkit.writeback.plan import build_plan

NEW, TOTAL = "t3.new.natural", "t3.total.natural"
PAGE = "第4页 " + spec.describe(NEW)  # an importer's place of a value
RULE = RULE_BY_ID["E4"]


def _report(origin, **where) -> Report:
    return Report.from_raw(sample_data(), "r", origin, **where)


def _finding(report: Report) -> Finding:
    return finding(Context(report), RULE, "示例", (NEW, TOTAL), expected=1, found=2)


def test_a_workbook_finding_carries_cells_and_prints_them_as_before():
    pos = layout.positions()
    f = _finding(_report("workbook", cells=dict(pos)))
    assert f.cell == pos[NEW] == CellPos("表三 依申请公开", 6, 3)
    assert f.cells == (pos[NEW], pos[TOTAL]) and (f.source, f.sources) == ("", ())
    assert f.where == "'表三 依申请公开'!D7"
    d = f.to_dict()
    assert list(d) == ["rule", "severity", "message", "keys", "table", "row", "column", "cell", "cells",
                       "expected", "found"]
    assert d["cell"] == "'表三 依申请公开'!D7" and d["cells"] == ["'表三 依申请公开'!D7", "'表三 依申请公开'!D30"]
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d  # plain JSON
    assert "（'表三 依申请公开'!D7）" in "\n".join(render_findings([f]))
    assert cell_words(f) == "“表三 依申请公开”工作表 D7 单元格"


def test_a_document_finding_carries_the_place_it_was_printed():
    f = _finding(_report("document", sources={NEW: PAGE, TOTAL: "第5页 表三"}))
    assert f.cell is None and f.cells == ()
    assert (f.source, f.sources, f.where) == (PAGE, (PAGE, "第5页 表三"), PAGE)
    d = f.to_dict()
    assert d["cell"] == PAGE and d["cells"] == [PAGE, "第5页 表三"]
    assert f"（{PAGE}）" in "\n".join(render_findings([f]))
    assert cell_words(f) == f"{PAGE} 单元格"


def test_json_data_has_no_place():
    f = _finding(_report("json"))
    assert (f.cell, f.cells, f.source, f.where) == (None, (), "", "")
    assert (f.to_dict()["cell"], f.to_dict()["cells"]) == ("", [])
    assert "（" not in render_findings([f])[1] and cell_words(f) == ""


def test_report_keeps_cells_and_document_places_apart():
    doc = _report("document", sources={NEW: PAGE})
    assert doc.cells == {} and doc.sources == {NEW: PAGE}
    book = _report("workbook", cells={NEW: layout.positions()[NEW]})
    assert book.sources == {} and book.cells[NEW].a1 == "D7"


def test_e3_points_at_the_balance_line_in_a_workbook_and_at_the_value_in_a_document():
    data = dict(sample_data())
    data[NEW] = int(data[NEW]) + 7  # 一 + 二 no longer equals 三 + 四
    line = layout.t3_check_cells()["natural"][1]
    [e3] = [f for f in check(Report.from_raw(data, "r", "workbook", cells=dict(layout.positions()))).findings
            if f.rule == "E3" and NEW in f.keys]
    assert e3.cell == line and e3.row == layout.T3_CHECK_LABEL and e3.to_dict()["cell"] == str(line)
    [e3] = [f for f in check(Report.from_raw(data, "r", "document", sources={NEW: PAGE})).findings
            if f.rule == "E3" and NEW in f.keys]
    assert e3.cell is None and e3.where == PAGE  # not a workbook's cell: a document has none


def test_findings_travel_between_processes_and_json_output_is_text():
    f = _finding(_report("workbook", cells=dict(layout.positions())))
    assert pickle.loads(pickle.dumps(f)) == f  # collect's workers send findings back
    result = check(_report("workbook", cells=dict(layout.positions())))
    json.dumps(result_json(result), ensure_ascii=False)  # no CellPos left for json to trip on


def test_write_back_plan_takes_positions_as_they_are():
    pos = layout.positions()
    report = _report("workbook", cells=dict(pos))
    f = _finding(report)
    result = check(report)
    result.findings = [f]
    plan = build_plan(result)
    marks = {(w.sheet, w.row, w.col): w.value for w in plan.writes if w.style == "keep"}
    for p in (pos[NEW], pos[TOTAL]):
        m = layout.mark_of(p)
        assert marks[(m.sheet, m.row, m.col)] == layout.MARK_ERROR
    assert [(n.sheet, n.row, n.col) for n in plan.notes] == [(p.sheet, p.row, p.col) for p in sorted(f.cells)]
    [link] = [w for w in plan.writes if w.link is not None]
    assert link.link == pos[NEW] and link.value == "'表三 依申请公开'!D7"
