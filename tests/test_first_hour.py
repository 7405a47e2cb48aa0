"""Small things a new user trips over in the first hour (issue 11), each tried as the user does."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import repo_env, run_nianbao
from docx import Document
from openpyxl import load_workbook

from toolkit.collect import STATUS_FILE, collect
from toolkit.gui.model import Launcher
from toolkit.rules import check
from toolkit.rules.engine import SEVERITY_ORDER, TABLE_ORDER
from toolkit.writeback import BACKUP_DIR


def test_closed_pipe_does_not_skip_the_write_back(sample_xlsx):
    # `nianbao check FILE | head -1`: the reader is gone before we print; the work goes on.
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run([sys.executable, "-m", "toolkit", "check", str(sample_xlsx)], stdout=write,
                              stderr=subprocess.PIPE, text=True, env=repo_env(), timeout=300)
    finally:
        os.close(write)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert (sample_xlsx.parent / BACKUP_DIR / sample_xlsx.name).exists()  # written back (the backup shows it)
    assert load_workbook(sample_xlsx, read_only=True)  # and still a workbook


def test_export_dash_writes_to_standard_output(sample_xlsx, tmp_path):
    proc = run_nianbao("export", sample_xlsx, "-o", "-", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["meta.unit"] == "锦屏街道"
    assert not (tmp_path / "-").exists()


def test_collect_of_a_missing_folder_stops_before_creating_anything(tmp_path):
    out = tmp_path / "OUT"
    proc = run_nianbao("collect", tmp_path / "不存在的文件夹", "-o", out)
    assert proc.returncode == 2
    assert "找不到" in proc.stderr and "不存在的文件夹" in proc.stderr
    assert not out.exists()


def test_status_title_without_a_year_has_no_hole(tmp_path):
    bad = tmp_path / "in" / "坏.xlsx"
    bad.parent.mkdir()
    bad.write_bytes(b"not a workbook")
    collect([bad.parent], tmp_path / "out", unit="某区政务公开科", workers=1)
    title = load_workbook(tmp_path / "out" / STATUS_FILE, read_only=True).worksheets[0]["A1"].value
    assert title == "某区政务公开科政府信息公开工作年度报告 报送情况"


def test_gui_with_a_relative_path_puts_the_report_beside_the_workbook(sample_xlsx, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    monkeypatch.chdir(sample_xlsx.parent)
    la = Launcher(opener=lambda path: None)
    la.choose(sample_xlsx.name)  # `nianbao gui 锦屏街道2022.xlsx`
    la.run()
    assert la.ok is True, la.status
    assert la.report.parent == sample_xlsx.parent and la.report.is_file()
    assert not list(home.iterdir())


def test_build_refuses_a_word_file_without_variables(sample_xlsx, tmp_path):
    last_year = tmp_path / "去年报告.docx"
    doc = Document()
    doc.add_paragraph("锦屏街道2021年政府信息公开工作年度报告")
    doc.add_paragraph("本年新收政府信息公开申请5件。")
    doc.save(last_year)
    out = tmp_path / "报告.docx"
    proc = run_nianbao("build", sample_xlsx, "--template", last_year, "-o", out)
    assert proc.returncode == 2
    assert "没有任何变量" in proc.stderr and "去年报告.docx" in proc.stderr
    assert not out.exists()


def test_findings_in_a_stable_order_errors_first(tmp_path, sample):
    # mistakes in 表四 (E1), 表三 (E3) and 表二 (E2) and a warning (W3): listed by severity, then as
    # the form goes (table, row, column), not by rule
    from toolkit import spec
    from toolkit.app import read_report
    data = {k: v for k, v in sample.items() if k in spec.INPUT_KEYS}
    data.update({"t4.review.upheld": "/", "t3.carry_forward.natural": 1, "t2.rules.issued": -1,
                 "meta.unit_level": "乡镇街道", "t2.rules.in_force": 2})
    path = tmp_path / "多处错误.json"
    path.write_text(json.dumps({"format": spec.FORMAT_ID, **data}, ensure_ascii=False), encoding="utf-8")
    runs = [check(read_report(path)).findings for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]
    order = [(SEVERITY_ORDER[f.severity], TABLE_ORDER.index(f.table)) for f in runs[0]]
    assert order == sorted(order), [(f.severity, f.table, f.rule) for f in runs[0]]
    errors = [(f.table, f.rule) for f in runs[0] if f.severity == "error"]
    assert errors.index(("表二", "E2")) < errors.index(("表三", "E3")) < errors.index(("表四", "E1")), errors
    assert runs[0][-1].severity == "warning"
    e3 = [f.column for f in runs[0] if f.rule == "E3"]
    columns = [label for _, label in spec.T3_COLUMNS]
    assert e3 == sorted(e3, key=columns.index) and len(e3) >= 2  # 自然人, then 总计
