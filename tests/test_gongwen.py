"""The Word report reads like a 公文 on paper: checked on the pages of LibreOffice's PDF.

Reports whose text is longer or shorter by a few lines put every heading, table and the 落款 at
every height of a page, some at a page's foot: none may be stranded there. The title is on at
most two lines, broken only after the unit's name; a table's header rows repeat on a new page and
its first rows stay with its heading; the 落款 stays together and with the last lines of text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import lo
import pytest
from conftest import require_module

from toolkit import spec
from toolkit.app import build_reports
from toolkit.word.context import chinese_date
from toolkit.word.layout import title_lines

pdfplumber = require_module("pdfplumber", "pdfplumber reads the PDF's pages")

DATE = "2023-01-20"
LONG_UNIT = "某某市某某区人民政府办公室"
DISTRICT = "某某省某某市某某区人民政府办公室政务公开科"  # a unit's name longer than a title line
PAGE_NUMBER = re.compile(r"^—\d+—$")


@dataclass
class Variant:
    name: str
    data: dict


def _variants(sample: dict) -> list[Variant]:
    base = {"format": spec.FORMAT_ID, **sample, "meta.date": DATE}
    found = [Variant("sample", base), Variant("long-unit", {**base, "meta.unit": LONG_UNIT})]
    # k more lines of text before the tables: each heading, table and the 落款 moves down by k lines
    for k in range(1, 22, 2):
        extra = "\n".join(f"第{i + 1}项补充说明。" for i in range(k))
        found.append(Variant(f"plus{k}", {**base, "text.overview": f"{base['text.overview']}\n{extra}"}))
    # the district's summary report (汇总数据 of collect: the same template), short texts
    summary = {**base, "meta.unit": DISTRICT, "meta.unit_level": "政府"}
    for part in spec.TEXT_PARTS:
        summary[part.key] = "本区各单位汇总情况见下表。" if part.required else None
    found.append(Variant("summary", summary))
    return found


@dataclass
class Pdf:
    variant: Variant
    pages: list[list[str]]  # per page, its lines without blanks, page numbers left out
    title_lines: list[str]

    def where(self, line: str) -> list[tuple[int, int]]:
        return [(p, i) for p, lines in enumerate(self.pages) for i, text in enumerate(lines) if text == line]

    def page_of_start(self, prefix: str) -> int:
        hits = [p for p, lines in enumerate(self.pages) for text in lines if text.startswith(prefix)]
        assert hits, f"{self.variant.name}: no line starts with {prefix}"
        return hits[0]


def _read(pdf_path: Path, variant: Variant) -> Pdf:
    pages = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            lines = [re.sub(r"\s+", "", line) for line in (page.extract_text() or "").splitlines()]
            pages.append([line for line in lines if line and not PAGE_NUMBER.match(line)])
        big = [c for c in pdf.pages[0].chars if c["size"] >= 20]  # the title: 二号, 22 pt
        rows: dict[int, str] = {}
        for c in sorted(big, key=lambda c: (round(c["top"]), c["x0"])):
            rows[round(c["top"])] = rows.get(round(c["top"]), "") + c["text"]
    return Pdf(variant, pages, [rows[top] for top in sorted(rows)])


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> list[Pdf]:
    lo.require_soffice()
    from toolkit.sample import sample_data
    folder = tmp_path_factory.mktemp("gongwen")
    variants = _variants(sample_data())
    sources = []
    for v in variants:
        path = folder / f"{v.name}.json"
        path.write_text(json.dumps(v.data, ensure_ascii=False), "utf-8")
        sources.append(path)
    # each variant into a folder of its own: several have the same unit and year
    for s in sources:
        (folder / s.stem).mkdir()
    runs = [build_reports([s], folder / s.stem / "r.docx") for s in sources]
    from toolkit.word.pdf import to_pdfs
    docs = [r.items[0].docx for r in runs]
    assert all(docs), [r.items[0].refused for r in runs]
    outcomes = to_pdfs([(d, d.with_suffix(".pdf")) for d in docs])  # one LibreOffice for all
    assert not [o.problem for o in outcomes if o.problem]
    return [_read(o.pdf, v) for o, v in zip(outcomes, variants, strict=True)]


def test_title_is_broken_only_where_a_person_would(pdfs):
    for pdf in pdfs:
        unit, year = pdf.variant.data["meta.unit"], pdf.variant.data["meta.year"]
        title = spec.title(pdf.variant.data)
        assert "".join(pdf.title_lines) == title, pdf.title_lines
        expected = title_lines(unit, year)
        assert pdf.title_lines == expected, (pdf.variant.name, pdf.title_lines)
        if unit != DISTRICT:
            assert len(pdf.title_lines) <= 2
        if len(pdf.title_lines) > 1:  # broken after the unit's name, never inside a word
            assert pdf.title_lines[-1] == f"{year}年政府信息公开工作年度报告"
    assert [p.title_lines for p in pdfs if p.variant.name == "sample"] == [[spec.title(pdfs[0].variant.data)]]


def test_title_lines_rule():
    assert title_lines("锦屏街道", 2022) == ["锦屏街道2022年政府信息公开工作年度报告"]
    assert title_lines(LONG_UNIT, 2022) == [LONG_UNIT, "2022年政府信息公开工作年度报告"]
    assert title_lines(DISTRICT, 2024) == ["某某省某某市某某区人民政府办公室", "政务公开科",
                                           "2024年政府信息公开工作年度报告"]


def test_no_heading_at_the_foot_of_a_page(pdfs):
    for pdf in pdfs:
        for section in spec.SECTIONS:
            hits = pdf.where(section.heading)
            assert len(hits) == 1, (pdf.variant.name, section.heading, hits)
            page, i = hits[0]
            assert i + 1 < len(pdf.pages[page]), \
                f"{pdf.variant.name}: {section.heading} is the last line of page {page + 1}"


def test_tables_start_with_their_heading_and_repeat_their_header(pdfs):
    for pdf in pdfs:
        for table in spec.TABLES:
            heading_page = pdf.where(table.title)[0][0]
            # its first row label (表四 has none: its first header)
            labels = [c for c in table.cells if c.role == "label"] or list(table.cells)
            first = min(labels, key=lambda c: (c.row, c.col))
            assert pdf.page_of_start(first.text) == heading_page, (pdf.variant.name, table.id)
        # 表三 over two pages: its header rows again at the top of the second
        t3 = spec.TABLE_BY_ID["t3"]
        labels = [c.text for c in t3.cells if c.role == "label" and c.rowspan == 1]
        pages = {p for p, lines in enumerate(pdf.pages) for line in lines
                 if any(line.startswith(label) for label in labels)}
        top = next(c.text for c in t3.cells if c.role == "header" and c.col > 0)  # 申请人情况
        for p in pages:
            assert top in pdf.pages[p], (pdf.variant.name, p + 1)


def test_signature_stays_together_and_with_the_text(pdfs):
    for pdf in pdfs:
        unit, date = pdf.variant.data["meta.unit"], chinese_date(DATE)
        (page, i), = pdf.where(unit)[-1:]
        assert pdf.where(date) == [(page, i + 1)], pdf.variant.name
        assert i > 0, f"{pdf.variant.name}: the 落款 is alone at the top of page {page + 1}"
        last_text = pdf.variant.data["text.other"].splitlines()[-1]
        assert pdf.pages[page][i - 1] and last_text.endswith(pdf.pages[page][i - 1][-4:]), \
            (pdf.variant.name, pdf.pages[page][i - 1])
