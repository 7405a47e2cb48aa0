"""PDF reports whose tables have no ruling lines: cells only positioned (pdflayout).

Each variant is generated here, as agencies make them: a Word report whose tables have no borders
printed to PDF by LibreOffice (labels wrapped over many lines in narrow columns, cells aligned at
the top, in the middle or at the bottom, page numbers and a running header, table 三 split over
two pages and into two tables with an extra column), and a web page without borders printed by
headless Chromium (cells that almost touch, a narrow paper where every header wraps). The values
read must be the printed ones (blank stays blank, ``5件`` stays text) and say where they were read;
what cannot be placed without doubt is said, never guessed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docgen import Variant, html_page, write_docx

from toolkit import spec
from toolkit.importers import import_file
from toolkit.importers.tables import value_text

TABLE_KEYS = [k for k in spec.KEYS if k.startswith(("t2.", "t3.", "t4."))]
BLANKS = {"t3.new.natural": "5件", "t3.new.business": "", "t2.fees.amount": "/", "t3.granted.total": "",
          "t4.review.upheld": "", "t2.rules.repealed": ""}

LO_VARIANTS = {
    "top-page-numbers": Variant(borders=False, page_numbers="- {n} -", header_text="锦屏街道政务公开"),
    "middle": Variant(borders=False, valign="center", page_numbers="第{n}页 共{total}页"),
    "bottom-split-blank": Variant(borders=False, valign="bottom", split_t3_at=8, extra_column="备注", cells=BLANKS),
    "remarks": Variant(borders=False, extra_column="备注", extra_text="详见说明", valign="center"),
    "repeated-header": Variant(borders=False, repeat_header=True, page_numbers="{n}"),
}
COLLAPSED = Variant(borders=False, collapse_other=True, valign="center")
# numbering printed otherwise: （1） for 1., none for 一、 and （一）
RENUMBERED = {label: (f"（{label[0]}）{label[2:]}" if label[:1].isdigit() else re.sub(r"^(（.）|.、)", "", label))
              for _, label in spec.T3_ROWS}
CHROME_VARIANTS = {
    "page": (Variant(borders=False), {}),
    "narrow-blank": (Variant(borders=False, cells=BLANKS), {"paperWidth": 5.0}),
}


def assert_sources(imported) -> None:
    """Every value says where it was read: page, table, row, column."""
    for key in TABLE_KEYS:
        assert re.fullmatch(r"第\d+页 " + re.escape(spec.describe(key)), imported.sources[key]), key


def printed(data: dict, variant: Variant, key: str) -> object:
    return value_text(variant.cells[key]) if key in variant.cells else data[key]


def mismatches(data: dict, variant: Variant, imported) -> list:
    return [(k, printed(data, variant, k), imported.raw.get(k)) for k in TABLE_KEYS
            if imported.raw.get(k) != printed(data, variant, k)]


@pytest.fixture(scope="module")
def lo_pdfs(tmp_path_factory) -> dict[str, Path]:
    from lo import convert_many

    from toolkit.sample import sample_data
    folder = tmp_path_factory.mktemp("lopdf")
    data = sample_data()
    variants = {**LO_VARIANTS, "collapsed": COLLAPSED, "renumbered": Variant(borders=False, relabel=RENUMBERED),
                "no-headings": Variant(borders=False, valign="center")}
    sources = [write_docx(folder / f"{name}.docx", data, v) for name, v in variants.items()]
    _drop_table_headings(sources[-1])
    return dict(zip(variants, convert_many(sources, "pdf", folder / "out"), strict=True))


def _drop_table_headings(path: Path) -> None:
    """The headings 二、三、四 taken out: the tables are then found by their own header texts."""
    import docx
    document = docx.Document(str(path))
    headings = {s.heading for s in spec.SECTIONS if s.content != "text"}
    for p in document.paragraphs:
        if p.text in headings:
            p._element.getparent().remove(p._element)
    document.save(str(path))


@pytest.fixture(scope="module")
def chrome_pdfs(tmp_path_factory) -> dict[str, Path]:
    from chromium import Browser, require_chromium

    from toolkit.sample import sample_data
    require_chromium()
    folder = tmp_path_factory.mktemp("chromepdf")
    data = sample_data()
    out = {}
    variants = {**CHROME_VARIANTS, "word-split": (Variant(borders=False, split_t3_at=5), {}),
                "bordered-word": (Variant(split_t3_at=5, extra_column="备注"), {})}
    with Browser() as browser:
        for name, (variant, options) in variants.items():
            page = folder / f"{name}.html"
            page.write_bytes(html_page(data, variant, chrome=False, word=name.endswith("word") or name == "word-split"))
            out[name] = browser.print_pdf(page, folder / f"{name}.pdf", footer="第{n}页 共{total}页", **options)
    return out


@pytest.mark.parametrize("name", list(LO_VARIANTS))
def test_word_tables_without_borders(lo_pdfs, sample, name):
    variant = LO_VARIANTS[name]
    imported = import_file(lo_pdfs[name])
    assert mismatches(sample, variant, imported) == []
    assert not [n for n in imported.notes if "表" in n and "备注" not in n], imported.notes
    assert_sources(imported)
    # table 三 runs over two pages (its labels wrap over up to eleven lines); each value keeps its own
    pages = {imported.sources[k].split()[0] for k in TABLE_KEYS if k.startswith("t3.")}
    assert len(pages) >= 2
    # the text around the tables is still read, section by section
    assert imported.raw["text.other"] == sample["text.other"]


def test_collapsed_other_row_without_borders(lo_pdfs, sample):
    """（六）其他处理 printed as one row: read into 3.其他, its two other sub-rows blank, and said."""
    imported = import_file(lo_pdfs["collapsed"])
    siblings = [k for k in TABLE_KEYS if k.startswith(("t3.other_no_correction.", "t3.other_no_fee."))]
    assert mismatches(sample, COLLAPSED, imported) == [(k, sample[k], "") for k in siblings]
    assert any("（六）其他处理" in n and "3.其他" in n for n in imported.notes)


@pytest.mark.parametrize("name", list(CHROME_VARIANTS))
def test_web_page_printed_without_borders(chrome_pdfs, sample, name):
    variant, _ = CHROME_VARIANTS[name]
    imported = import_file(chrome_pdfs[name])
    assert mismatches(sample, variant, imported) == []
    assert not [n for n in imported.notes if "表" in n], imported.notes
    assert_sources(imported)


def test_columns_in_doubt_are_said_not_guessed(chrome_pdfs, sample):
    """Table 三 split into two web tables, the second without a header, whose numbers touch
    (``0000000``): its rows cannot be split into columns. They are said; nothing is invented."""
    imported = import_file(chrome_pdfs["word-split"])
    assert any("无法确定各数对应哪一列" in n for n in imported.notes)
    wrong = [(k, v) for k, v in imported.raw.items() if k in TABLE_KEYS and v not in ("", sample[k])]
    assert wrong == []
    assert imported.raw["t3.new.natural"] == sample["t3.new.natural"]  # the first part is read


def test_row_labels_numbered_otherwise(lo_pdfs, sample):
    """（1）属于国家秘密, 予以公开 without （一）, 本年新收… without 一、: rows found by their words."""
    assert RENUMBERED["1.属于国家秘密"] == "（1）属于国家秘密" and RENUMBERED["（一）予以公开"] == "予以公开"
    assert mismatches(sample, Variant(), import_file(lo_pdfs["renumbered"])) == []


def test_tables_without_their_section_headings(lo_pdfs, sample):
    """Headings 二、三、四 missing: each table is found by its own header text, and read."""
    imported = import_file(lo_pdfs["no-headings"])
    assert mismatches(sample, Variant(), imported) == []


def test_web_page_printed_with_borders(chrome_pdfs, sample):
    """Printed with borders (ruling lines), Word markup, table 二 over two pages, table 三 split in
    two with an extra column: the ruled reader, each part found by its labels."""
    imported = import_file(chrome_pdfs["bordered-word"])
    assert mismatches(sample, Variant(), imported) == []
    assert imported.notes == ["表三多出的列“备注”不是本格式的列，未读取"]


def test_ruled_tables_do_not_run_the_layout_reader(monkeypatch, tmp_path, sample):
    """Where every table has ruling lines, the layout reader is not even called."""
    from lo import convert

    from toolkit.importers import pdflayout
    from toolkit.sample import sample_data
    pdf = convert(write_docx(tmp_path / "ruled.docx", sample_data()), "pdf", tmp_path)

    def forbidden(*args, **kwargs):
        raise AssertionError("layout reader called on ruled tables")
    monkeypatch.setattr(pdflayout, "read_tables", forbidden)
    assert mismatches(sample, Variant(), import_file(pdf)) == []


@pytest.mark.parametrize("borders", ["collapsed", "boxes"])
def test_our_bordered_web_page_printed_by_chromium(tmp_path, sample, borders):
    """`nianbao build --html` printed by Chromium. Collapsed borders: every side of every cell's
    border is a path of its own, so a side under a merged cell (表二's 本年处理决定数量 over three
    columns, 表三's 三、本年度办理结果 over 23 rows) touches no crossing line; 一 has a 1.8 pt box.
    Separate borders (a government site's ``border=1``): each cell stroked as one rectangle. Every
    value (all distinct, none 0) and every text is read back as built."""
    import json

    from chromium import Browser, require_chromium

    from toolkit.app import build_reports
    require_chromium()
    data = {**sample, **{k: 3 + 7 * i for i, k in enumerate(TABLE_KEYS)}, "t2.fees.amount": 12.34}
    source = tmp_path / "data.json"
    source.write_text(json.dumps({"format": spec.FORMAT_ID, **data}, ensure_ascii=False), "utf-8")
    page = build_reports([source], tmp_path / "report.docx", html=True, force=True).items[0].html
    assert page is not None
    if borders == "boxes":
        html = page.read_text("utf-8")
        page.write_text(html.replace("</head>", "<style>table{border-collapse:separate!important;"
                                               "border-spacing:0!important}td,th{border:1px solid #000!important}"
                                               "</style></head>", 1), "utf-8")
    with Browser() as browser:
        pdf = browser.print_pdf(page, tmp_path / "report.pdf")
    imported = import_file(pdf)
    keys = TABLE_KEYS + [k for k in spec.KEYS if k.startswith("text.")]
    assert [(k, data[k], imported.raw.get(k)) for k in keys if imported.raw.get(k) != data[k]] == []
    assert imported.notes == []
