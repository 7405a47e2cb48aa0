"""汇总状态.xlsx as the district prints it for its leader: A4 landscape, one page wide, the header
row on every page, and only the columns a reader needs (单位 … 报告年度), so the text is printed at
a readable size. Printed to PDF by LibreOffice and measured with pdfplumber."""

from __future__ import annotations

import random

import openpyxl
import pdfplumber
from lo import convert, require_soffice

from toolkit.collect import collect
from toolkit.collect.samplebatch import random_values
from toolkit.workbook.build import build_workbook

YEAR = 2024


def test_status_list_prints_readably(tmp_path):
    inbox = tmp_path / "收件" / "一个很长的文件夹名称用来让路径列变得很宽很宽很宽很宽很宽很宽很宽"
    inbox.mkdir(parents=True)
    rng = random.Random(3)
    for i in range(8):
        unit = f"某某区第{i}街道办事处"
        (inbox / f"{unit}.xlsx").write_bytes(build_workbook(random_values(
            rng, unit, YEAR, error="carry_forward" if i % 3 == 0 else None)))
    s = collect([inbox], tmp_path / "out", workers=1)
    ws = openpyxl.load_workbook(s.status_path)["报送状态"]
    assert ws.print_area in ("'报送状态'!$A$1:$G$11", "报送状态!$A$1:$G$11"), ws.print_area
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0  # one page wide
    assert ws.print_title_rows == "$3:$3"

    require_soffice()
    pdf = convert(s.status_path, "pdf", tmp_path / "pdf")
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        sizes = [c["size"] for c in page.chars if c["text"].strip()]
        text = page.extract_text() or ""
    assert page.width > page.height  # landscape
    assert min(sizes) >= 6.5, min(sizes)  # 10 pt text scaled, still readable
    assert "主要问题" in text and "很长的文件夹名称" not in text  # paths are not printed
