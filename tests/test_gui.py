"""The desktop launcher: its logic without a display (toolkit.gui.model), and once for real
under Xvfb: the window starts, loads the sample and lists its findings."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import openpyxl
import pytest

from conftest import require, require_module
from wbedit import set_cells

from toolkit.app import check_file
from toolkit.gui.model import Launcher
from toolkit.workbook import layout


@pytest.fixture
def faulty(tmp_path, sample_xlsx) -> Path:
    return set_cells(sample_xlsx, tmp_path / "有错误.xlsx",
                     {"t3.new.natural": "/", "t2.rules.issued": "5件"})


def test_launcher_checks_writes_back_and_lists(faulty):
    opened: list[Path] = []
    la = Launcher(opener=opened.append)
    la.choose(faulty)
    la.run()
    expected = check_file(faulty)  # after write-back the file still reads the same
    assert la.ok is False and la.report is None
    assert [r.cell for r in la.rows] == [f.where for f in expected.findings]
    assert [r.message for r in la.rows] == [f.message for f in expected.findings]
    assert f"{len(expected.errors)} 个错误" in la.status and "未生成 Word 报告" in la.status
    # the results went into the workbook, as nianbao check writes them
    wb = openpyxl.load_workbook(faulty)
    rows = [r for r in wb[layout.SHEET_RESULTS].iter_rows(
        min_row=layout.RESULTS_HEADER_ROW + 2, values_only=True) if any(r)]
    assert len(rows) == len(expected.findings)
    detail = la.detail(0)
    f = expected.findings[0]
    assert f"表格：{f.table}" in detail and f"单元格：{f.where}" in detail and f.message in detail
    la.open_results()
    la.open_report()  # no report: nothing opens
    assert opened == [faulty]


def test_launcher_passed_builds_the_report(sample_xlsx):
    opened: list[Path] = []
    la = Launcher(opener=opened.append)
    la.choose(sample_xlsx)
    la.run()
    assert la.ok is True, la.status
    assert la.report.parent == sample_xlsx.parent and la.report.is_file()
    assert la.report.name == "锦屏街道2022年政府信息公开工作年度报告.docx"
    assert "校验通过" in la.status and str(la.report) in la.status
    la.open_report()
    assert opened == [la.report]


def test_launcher_unusable_file_is_a_message(tmp_path):
    bad = tmp_path / "旧表.xls"
    bad.write_bytes(b"not a workbook")
    la = Launcher(opener=lambda p: None)
    la.choose(bad)
    la.run()
    assert la.ok is False and not la.rows and "无法校验" in la.status and ".xls" in la.status
    la2 = Launcher()
    la2.run()
    assert "请先选择文件" in la2.status


def test_launcher_leaves_an_open_workbook_alone(faulty):
    lock = faulty.with_name("~$" + faulty.name)
    lock.write_bytes(b"")
    before = faulty.read_bytes()
    la = Launcher(opener=lambda p: None)
    la.choose(faulty)
    la.run()
    assert la.rows and la.results_in is None and "正在被 Excel、WPS 或 LibreOffice 打开" in la.status
    assert faulty.read_bytes() == before


def _free_display() -> int:
    for n in range(90, 140):
        if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists():
            return n
    raise RuntimeError("no free X display number")


@pytest.fixture
def xvfb():
    require(shutil.which("Xvfb"), "Xvfb is not installed (apt-get install xvfb)")
    n = _free_display()
    proc = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if Path(f"/tmp/.X11-unix/X{n}").exists():
            break
        time.sleep(0.05)
    yield f":{n}"
    proc.terminate()
    proc.wait(timeout=10)


def test_window_under_xvfb_shows_the_findings(xvfb, faulty, tmp_path):
    tk = require_module("tkinter", "tkinter is not installed (apt-get install python3-tk)")
    from toolkit.gui.window import Window
    root = tk.Tk(screenName=xvfb)
    try:
        la = Launcher(opener=lambda p: None)
        window = Window(root, la)
        assert window.run_button.instate(["disabled"])  # nothing chosen yet
        la.choose(faulty)
        window.refresh()
        window.on_run()
        root.update()
        items = window.tree.get_children()
        assert len(items) == len(la.rows) > 0
        assert window.tree.item(items[0])["values"][5] == la.rows[0].cell
        assert "个错误" in window.status["text"]
        assert window.results_button.instate(["!disabled"])
        assert window.report_button.instate(["disabled"])
        shot = os.environ.get("NIANBAO_SCREENSHOT")  # a picture to look at, when asked for
        if shot and shutil.which("xwd"):
            root.update()
            time.sleep(0.3)
            subprocess.run(["xwd", "-root", "-display", xvfb, "-out", shot], check=True)
    finally:
        root.destroy()
