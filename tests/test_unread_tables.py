"""Published reports whose tables could not be read (tester4 G15): tables pasted as pictures, as
many sites publish them. Nothing in their numbers was checked, so the verdict is not 通过: 未能审核表格
when none of the three tables was read, 部分审核 when some were; no E-finding is invented for the
numbers not read (prefer silence to a false alarm), and the exit code is 1 (README). A report built
from such data would print the tables blank: not built, a draft with --force."""

from __future__ import annotations

import io
import json

import openpyxl
from conftest import run_nianbao
from docgen import write_docx
from docx import Document
from docx.shared import Cm
from PIL import Image, ImageDraw

from toolkit import spec


def _picture() -> io.BytesIO:
    """A screenshot of a table, as it is pasted into the report (any picture does: it has no text)."""
    img = Image.new("RGB", (600, 200), "white")
    draw = ImageDraw.Draw(img)
    for y in range(0, 200, 25):
        draw.line([(0, y), (600, y)], fill="black")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    buf.seek(0)
    return buf


def tables_as_pictures(path, data: dict, which: tuple[int, ...]):
    """Our Word report with the tables numbered ``which`` (0 表二, 1 表三, 2 表四; 表二's blocks are
    one table) replaced by a picture each, as python-docx (like Word) pastes one."""
    write_docx(path, data)
    doc = Document(str(path))
    for i, table in enumerate(list(doc.tables)):
        if i not in which:
            continue
        para = doc.add_paragraph()
        para.add_run().add_picture(_picture(), width=Cm(15))
        table._tbl.addprevious(para._p)
        table._tbl.getparent().remove(table._tbl)
    doc.save(str(path))
    return path


def test_reports_whose_tables_are_pictures_are_not_passed(tmp_path, sample):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_docx(inbox / "完整.docx", sample)
    tables_as_pictures(inbox / "图片.docx", dict(sample, **{"meta.unit": "某某镇人民政府"}), (0, 1, 2))
    tables_as_pictures(inbox / "表四图片.docx", dict(sample, **{"meta.unit": "某某乡人民政府"}), (2,))

    proc = run_nianbao("import", inbox / "图片.docx", "-o", tmp_path / "图片.json")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stdout.startswith("【未能审核表格】某某镇人民政府 2022") and "0 个错误" in proc.stdout
    assert "没有找到表三（三、收到和处理政府信息公开申请情况），其中各项未读取，不作检查" in proc.stdout
    # the JSON keeps what was not read: checked again, it says the same, not 166 "未填写"
    data = json.loads((tmp_path / "图片.json").read_text(encoding="utf-8"))
    assert data["unread"] == list(spec.TABLE_INPUT_KEYS)
    proc = run_nianbao("check", tmp_path / "图片.json", inbox / "表四图片.docx")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "【未能审核表格】某某镇人民政府 2022" in proc.stdout and "E1" not in proc.stdout
    assert "原文件中没有读到的表格数值：表二全部，表三全部，表四全部" in proc.stdout
    assert "【部分审核】某某乡人民政府 2022" in proc.stdout and "表四全部" in proc.stdout
    assert json.loads(run_nianbao("check", "--json", tmp_path / "图片.json").stdout)["status"] == "tables_unread"

    # a report built from it would print its tables blank: refused, and with --force a draft
    proc = run_nianbao("build", tmp_path / "图片.json", "-o", tmp_path / "图片.docx")
    assert proc.returncode == 1 and not (tmp_path / "图片.docx").exists(), proc.stdout + proc.stderr
    n = len(spec.TABLE_INPUT_KEYS)
    assert f"表格中有{n}项数值没有读到（未能审核表格），未生成报告" in proc.stderr
    proc = run_nianbao("build", tmp_path / "图片.json", "-o", tmp_path / "图片.docx", "--html", "--force")
    assert proc.returncode == 1 and "已生成草稿" in proc.stdout, proc.stdout + proc.stderr
    draft = Document(str(tmp_path / "图片.docx")).paragraphs[0].text
    assert draft.startswith(f"草稿：数据未通过校验（未能审核表格：表格中有{n}项数值没有读到），不得作为正式报告公开")
    assert "草稿：数据未通过校验（未能审核表格" in (tmp_path / "图片.html").read_text(encoding="utf-8")

    out = tmp_path / "out"
    proc = run_nianbao("audit", inbox, "-o", out)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    # (完整: 有提示, W13: the three share their texts)
    assert "共 3 份报告：未能审核表格 1，部分审核 1，有提示 1" in proc.stdout
    rows = {r[0].rsplit("/", 1)[-1]: r for r in openpyxl.load_workbook(out / "审核结果.xlsx")["审核结果"]
            .iter_rows(min_row=2, values_only=True)}
    assert {name: (r[4], r[5]) for name, r in rows.items()} == {
        "图片.docx": ("未能审核表格", 0), "表四图片.docx": ("部分审核", 0), "完整.docx": ("有提示", 0)}
    assert "没有找到表四" in rows["表四图片.docx"][7]
    found = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert found["counts"]["tables_unread"] == 1 and found["counts"]["partly_checked"] == 1
    # no finding invented for what was not read
    assert {f["rule"] for file in found["files"] for f in file["findings"]} == {"W13"}

    # collect: the imported data of a report whose tables are pictures is listed and its workbook
    # asked for, as a Word report sent alone is; never summed (its blanks are not the unit's zeros)
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "图片.json").write_bytes((tmp_path / "图片.json").read_bytes())
    proc = run_nianbao("collect", batch, "-o", tmp_path / "汇总")
    assert "通过 1" not in proc.stdout, proc.stdout + proc.stderr
    status = openpyxl.load_workbook(next((tmp_path / "汇总").glob("汇总状态*.xlsx")))
    rows = [r for ws in status for r in ws.iter_rows(values_only=True) if r and "图片.json" in str(r)]
    assert rows and any("仅报送Word" in str(r) for r in rows), rows


def test_the_check_window_neither_passes_nor_builds_a_report_whose_tables_are_pictures(tmp_path, sample):
    from toolkit.gui.model import Launcher
    doc = tables_as_pictures(tmp_path / "图片.docx", sample, (0, 1, 2))
    la = Launcher(opener=lambda p: None)
    la.choose(doc)
    la.run()
    assert la.ok is False and la.report is None, la.status
    assert la.status.startswith("【未能审核表格】图片.docx：0 个错误") and "未生成 Word 报告" in la.status
    assert not list(tmp_path.glob("*年度报告*.docx"))
