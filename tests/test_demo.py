"""``nianbao demo`` end to end, with the real LibreOffice: the sample workbook, its check, the
results written back, the Word report and its PDF (text and embedded fonts)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from docx import Document

from conftest import run_nianbao
from lo import require_soffice, require_tool
from toolkit import spec
from toolkit.sample import sample_data

TITLE = "锦屏街道2022年政府信息公开工作年度报告"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """One run of ``nianbao demo DIR`` (one LibreOffice conversion) for the whole module."""
    require_soffice()
    folder = tmp_path_factory.mktemp("demo") / "年报示例"
    proc = run_nianbao("demo", folder)
    return proc, folder


def test_demo_makes_workbook_checks_writes_back_and_builds(demo):
    proc, folder = demo
    assert proc.returncode == 0, proc.stdout + proc.stderr
    workbook = folder / "锦屏街道2022年报数据.xlsx"
    docx, pdf = folder / f"{TITLE}.docx", folder / f"{TITLE}.pdf"
    for path in (workbook, docx, pdf):
        assert path.exists(), path
        assert str(path) in proc.stdout  # says where it put each file
    assert "【通过】" in proc.stdout and "写回" in proc.stdout
    assert Document(docx).paragraphs[0].text == TITLE
    from toolkit.workbook.layout import SHEET_RESULTS
    from openpyxl import load_workbook
    assert SHEET_RESULTS in load_workbook(workbook, read_only=True).sheetnames


def test_demo_again_keeps_the_workbook_and_rebuilds(demo, tmp_path):
    proc, folder = demo
    from toolkit.app import run_demo
    again = run_demo(folder, pdf=False)
    assert again.reused and again.exit_code == 0 and again.done.report is not None


def _pdf_text(pdf: Path) -> str:
    require_tool("pdftotext")
    # -raw: the order LibreOffice wrote the text in, cell after cell (the layout mode interleaves
    # the lines of neighbouring cells that wrap).
    out = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True)
    return re.sub(r"\s+", "", out.stdout)


def test_pdf_has_the_tables_labels_and_numbers(demo):
    _, folder = demo
    text = _pdf_text(folder / f"{TITLE}.pdf")
    assert TITLE in text
    for section in spec.SECTIONS:
        assert section.heading in text
    for table in spec.TABLES:
        for cell in table.cells:
            if cell.text:
                assert cell.text in text, (table.id, cell.text)
    data = sample_data()
    # each row of table 三 as printed: its label, then its seven numbers
    for key, label in spec.T3_ROWS:
        numbers = "".join(str(data[f"t3.{key}.{c}"]) for c, _ in spec.T3_COLUMNS)
        assert label + numbers in text, key
    t4 = "".join(str(data[f"t4.{g}.{c}"]) for g, _ in spec.T4_GROUPS for c, _ in spec.T4_COLUMNS)
    assert "总计" + t4 in text
    assert "主动公开政府信息220条" in text


def test_pdf_embeds_cjk_serif_and_sans_fonts(demo):
    """仿宋/宋体/楷体/小标宋 come out as Noto Serif CJK, 黑体 as Noto Sans CJK: no Latin
    fallback font (DejaVu) for Chinese text."""
    _, folder = demo
    out = subprocess.run([require_tool("pdffonts"), str(folder / f"{TITLE}.pdf")],
                         capture_output=True, text=True).stdout
    names = [line.split()[0] for line in out.splitlines()[2:] if line.strip()]
    assert names
    families = {re.sub(r"^[A-Z]{6}\+", "", n).split("-")[0] for n in names}
    assert all(f.startswith(("NotoSerifCJK", "NotoSansCJK")) for f in families), families
    assert any(f.startswith("NotoSerifCJK") for f in families)
    assert any(f.startswith("NotoSansCJK") for f in families)
