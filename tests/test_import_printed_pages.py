"""Web pages printed to PDF by a browser ("打印 → 另存为 PDF"), as reviewers collect them.

The browser prints its own header and footer on every page (the date and the page's title at the
top, the address and n/m at the bottom, unless the user turns them off) and the page's own
chrome: a CMS's list of other units' reports beside the article, the article's information line
(发布时间… 【字体：大 中 小】) right above the title, the site's footer (主办单位… ICP备…) after the
落款. None of it is the report: 机关名称 is the title's, section 六's text ends before the 落款,
and every value and text reads back as built. Real prints by headless Chromium, in landscape and
portrait, of our own page and of generated CMS pages.
"""

from __future__ import annotations

import json

import pytest
from docgen import Variant, html_page

from toolkit import spec
from toolkit.importers import import_file

TEXT_KEYS = [p.key for p in spec.TEXT_PARTS]
TABLE_KEYS = [k for k in spec.KEYS if k.startswith(("t2.", "t3.", "t4."))]
DATE = "2023年1月20日"


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, tuple[dict, object]]:
    """name -> (the data, the imported print). Browser header and footer on (the default) or off."""
    from chromium import Browser, require_chromium

    from toolkit.app import build_reports
    from toolkit.sample import sample_data
    require_chromium()
    folder = tmp_path_factory.mktemp("printed")
    data = sample_data()
    official = dict(data, **{"meta.unit": "某某县人民政府办公室", "meta.date": "2023-01-20"})
    source = folder / "data.json"
    source.write_text(json.dumps({"format": spec.FORMAT_ID, **official}, ensure_ascii=False), "utf-8")
    ours = build_reports([source], folder / "report.docx", html=True, force=True).items[0].html
    assert ours is not None
    pages = {"ours": (official, ours)}
    for name, variant, options in (("cms", Variant(date=DATE), {}),
                                   ("cms-two-lines", Variant(date=DATE, title_style="two-lines"), {"word": True}),
                                   ("cms-year-first", Variant(date=DATE, title_style="year-first"), {})):
        page = folder / f"{name}.html"
        # paragraphs indented, as Chinese pages set them (a full line ending a page before an
        # unindented paragraph cannot be told from one running on)
        page.write_bytes(html_page(data, variant, cms=True, encoding="gb18030", **options)
                         .replace(b"</head>", b"<style>p{text-indent:2em}</style></head>", 1))
        pages[name] = (data, page)
    out = {}
    with Browser() as browser:
        for name, (values, page) in pages.items():
            for edges in (True, False):
                for landscape in (False, True):
                    pdf = folder / f"{name}-{edges}-{landscape}.pdf"
                    browser.print_pdf(page, pdf, displayHeaderFooter=edges, landscape=landscape)
                    out[pdf.stem] = (values, pdf)
    return out


def test_printed_pages_read_as_their_report(printed):
    for name, (data, pdf) in printed.items():
        imported = import_file(pdf)
        assert imported.raw.get("meta.unit") == data["meta.unit"], name
        assert imported.raw.get("meta.year") == data["meta.year"], name
        assert imported.raw.get("meta.date") == "2023-01-20", name
        assert [(k, imported.raw.get(k)) for k in TEXT_KEYS] == [(k, data[k]) for k in TEXT_KEYS], name
        wrong = [k for k in TABLE_KEYS if imported.raw.get(k) != data[k]]
        if any(n.startswith("没有找到表四") for n in imported.notes):
            # 表四's header rows broken over a page (not a repeated <thead>): the two parts have
            # different columns and are not joined; said, and its cells are not judged
            wrong = [k for k in wrong if not (k.startswith("t4.") and k not in imported.raw)]
        assert wrong == [], name


# --- official-document layouts (red heads) and running headers, in Word and LibreOffice's PDF ------

DOCUMENT_VARIANTS = {
    # the report as a 红头文件: organ mark and document number above the title, 附注 and 版记 after the 落款
    "red-head": Variant(red_head=True, date=DATE),
    "red-head-two-lines": Variant(red_head=True, date="二〇二三年一月二十日", title_style="two-lines"),
    # the unit on its own line above 2023年…年度报告, and the same name in the running header (G20)
    "two-lines-header": Variant(title_style="two-lines", header_text="锦屏街道", date=DATE),
    "two-lines-header-numbers": Variant(title_style="two-lines", header_text="锦屏街道", page_numbers="- {n} -",
                                        date=DATE),
}


def test_official_document_layouts_and_running_headers(tmp_path, sample):
    """The 落款's date is the report's date (not the 版记's 印发 date); the organ mark, the document
    number, the 附注 and the 版记 are in no text and no name; a title line equal to the running
    header is the title's. Word files, web pages and LibreOffice's PDFs."""
    from docgen import write_docx
    from lo import convert_many
    sources = {name: write_docx(tmp_path / f"{name}.docx", sample, v) for name, v in DOCUMENT_VARIANTS.items()}
    for name, variant in DOCUMENT_VARIANTS.items():
        page = tmp_path / f"{name}.html"
        page.write_bytes(html_page(sample, variant))
        sources[f"{name}.html"] = page
    pdfs = convert_many([s for n, s in sources.items() if not n.endswith(".html")], "pdf", tmp_path / "out")
    for src in [*sources.values(), *pdfs]:
        imported = import_file(src)
        assert imported.raw.get("meta.unit") == sample["meta.unit"], src.name
        assert imported.raw.get("meta.date") == "2023-01-20", src.name
        assert [(k, imported.raw.get(k)) for k in TEXT_KEYS] == [(k, sample[k]) for k in TEXT_KEYS], src.name
