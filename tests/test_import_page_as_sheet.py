"""A published web page opened in a spreadsheet and saved as .xlsx: the whole report on one sheet.

Reviewers and 政务公开科 staff open a saved report page in Calc (Excel and WPS: 打开网页 → 另存为)
and send it on as a workbook. The sheet then holds the site's chrome in A1, the title, the
headings and paragraphs in column A, and the three tables with merged header cells, with no
empty row between the parts; Calc lays the columns of every table on the sheet's one set of
columns, so each cell of a table is spread (merged) over several sheet columns. It is read as the
same report as the page: title, sections, texts and every value, and nothing said that is not so.
Real files: generated pages (tests/docgen.py) converted by LibreOffice's "HTML (StarCalc)" filter.
"""

from __future__ import annotations

import pytest
from docgen import Variant, html_page

from toolkit import spec
from toolkit.importers import import_file
from toolkit.report import Report
from toolkit.rules import check

TEXT_KEYS = [p.key for p in spec.TEXT_PARTS]
TABLE_KEYS = [k for k in spec.KEYS if k.startswith(("t2.", "t3.", "t4."))]
DATE = "2023年1月20日"
TOTAL_FIRST = ("total", *(key for key, _ in spec.T3_COLUMNS if key != "total"))

# name -> (the page's variant, html_page's options, the notes expected)
PAGES = {
    "plain": (Variant(), {}, []),
    "dated-captions": (Variant(date=DATE, captions=True), {}, []),
    "t2-tables": (Variant(t2_tables=True), {}, []),
    "two-lines": (Variant(title_style="two-lines", date=DATE), {}, []),
    "year-first-arabic": (Variant(title_style="year-first", heading_style="1、", part_style="aspects"), {}, []),
    "word-markup": (Variant(date=DATE), {"word": True}, []),
    "cms-gbk": (Variant(part_style="long"), {"cms": True, "encoding": "gb18030"}, []),
    "extra-column": (Variant(extra_column="备注"), {}, ["表三多出的列“备注”不是本格式的列，未读取"]),
    "t3-split": (Variant(split_t3_at=6), {}, []),
    "total-first": (Variant(t3_columns=TOTAL_FIRST, loose_labels=True), {}, []),
    "t4-turned": (Variant(t4_layout="turned"), {}, []),
    "t4-turned-two": (Variant(t4_layout="turned-two"), {}, []),
    # 表四's header rows, then the table again (a table continued after its header): one grid here
    "t4-split": (Variant(t4_layout="split"), {}, []),
    # headings run into their paragraphs (一、总体情况2022年，…), also after the last table
    "run-in": (Variant(run_in_headings=True), {}, []),
    "red-head": (Variant(red_head=True, date=DATE), {}, []),
    "no-chrome": (Variant(borders=False), {"chrome": False}, []),
}


def consistent_distinct(sample: dict) -> dict:
    """The sample with table values that differ from their neighbours and still balance (every
    total the sum of its parts), so that a value read from another column shows and no rule fires."""
    data = dict(sample)
    applicants = [key for key, _ in spec.T3_COLUMNS if key != "total"]
    rows = [key for key, _ in spec.T3_ROWS]
    results = rows[rows.index("granted"):rows.index("total")]
    for c, col in enumerate(applicants):
        for r, row in enumerate(results):
            data[f"t3.{row}.{col}"] = (r * 7 + c * 3) % 11
        data[f"t3.total.{col}"] = sum(data[f"t3.{row}.{col}"] for row in results)
        data[f"t3.carried_over.{col}"] = c + 1
        data[f"t3.carry_forward.{col}"] = c + 2
        data[f"t3.new.{col}"] = data[f"t3.total.{col}"] + data[f"t3.carry_forward.{col}"] - c - 1
    for row in rows:
        data[f"t3.{row}.total"] = sum(data[f"t3.{row}.{col}"] for col in applicants)
    for g, (group, _) in enumerate(spec.T4_GROUPS):
        parts = [g * 10 + i + 1 for i in range(4)]
        data.update({f"t4.{group}.{col}": v for (col, _), v in zip(spec.T4_COLUMNS[:-1], parts, strict=True)})
        data[f"t4.{group}.total"] = sum(parts)
    for i, key in enumerate(k for k in TABLE_KEYS if k.startswith("t2.") and k != "t2.fees.amount"):
        data[key] = 20 + i
    data["t2.rules.in_force"] = data["t2.rules.issued"] + 30  # (in force: at least this year's)
    data["t2.normative.in_force"] = data["t2.normative.issued"] + 30
    data["t2.fees.amount"] = 12.34
    return data


@pytest.fixture(scope="module")
def sheets(tmp_path_factory) -> tuple[dict, dict]:
    """(the data, name -> the page saved as .xlsx by Calc)."""
    from lo import convert_many

    from toolkit.sample import sample_data
    data = consistent_distinct(sample_data())
    assert [f.rule for f in check(Report.from_raw(data, "data", "json")).findings if f.severity == "error"] == []
    folder = tmp_path_factory.mktemp("page-sheets")
    pages = []
    for name, (variant, options, _) in PAGES.items():
        page = folder / f"{name}.html"
        page.write_bytes(html_page(data, variant, **options))
        pages.append(page)
    books = convert_many(pages, "xlsx", folder / "xlsx", infilter="HTML (StarCalc)")
    return data, {page.stem: book for page, book in zip(pages, books, strict=True)}


def test_web_page_saved_as_workbook_reads_as_the_page(sheets):
    data, books = sheets
    for name, book in books.items():
        variant, _, notes = PAGES[name]
        imported = import_file(book)
        assert imported.kind == "电子表格", name
        assert (imported.raw.get("meta.unit"), imported.raw.get("meta.year")) == (data["meta.unit"], data["meta.year"])
        assert imported.raw.get("meta.date") == ("2023-01-20" if variant.date else None), name
        # every text as written: the site's footer (主办单位… ICP备…) is not section 六's
        assert [(k, imported.raw.get(k)) for k in TEXT_KEYS] == [(k, data[k]) for k in TEXT_KEYS], name
        assert [(k, data[k], imported.raw.get(k)) for k in TABLE_KEYS if imported.raw.get(k) != data[k]] == [], name
        assert imported.notes == notes, name
        # where each value was read: the sheet's cell
        assert imported.sources["t3.total.total"].startswith("工作表“"), name
        findings = check(imported.report(book.name)).findings
        assert [(f.rule, f.message) for f in findings if f.severity == "error"] == [], name


def test_tester_web_page_saved_as_workbook(sheets):
    """The workbook as the tester made it (tester4 G22): h_plain.html of tests/docgen.py, site
    chrome, numbers read back from the cells, 表三's header spread over 19 sheet columns."""
    data, books = sheets
    imported = import_file(books["plain"])
    assert imported.sections == {s.number: s.heading for s in spec.SECTIONS}
    assert not any("没有找到" in n for n in imported.notes)
