"""Table 四 as published reports print it: continued on the next page after its header, turned to
fit a portrait page, or found but impossible to place.

A printed 表四 whose header rows end a page and whose value row follows on the next page under
the repeated header (Chromium repeats a <thead>; Word a heading row) is one table: its values
are read from the continuation. A turned 表四 (结果维持 … 总计 as rows, the three groups as
columns) is read by its labels. And a 表四 that is found but whose cells cannot be placed says so
in a note and leaves them unread: never 15 blank cells and 15 false "未填写" errors.
"""

from __future__ import annotations

import json

import pytest
from docgen import Variant, html_page, text_report, write_docx

from toolkit import spec
from toolkit.importers import import_file
from toolkit.rules import check

T4_KEYS = [c.key for c in spec.TABLE_BY_ID["t4"].value_cells]


def distinct_t4(sample: dict) -> dict:
    """The sample with every 表四 value its own (a value read from the wrong column shows)."""
    data = dict(sample)
    for g, (group, _) in enumerate(spec.T4_GROUPS):
        parts = [g * 10 + i + 1 for i in range(4)]
        data.update({f"t4.{group}.{col}": v for (col, _), v in zip(spec.T4_COLUMNS[:-1], parts, strict=True)})
        data[f"t4.{group}.total"] = sum(parts)
    return data


def t4_read(imported) -> list:
    return [(k, imported.raw.get(k)) for k in T4_KEYS]


def t4_errors(imported, name: str) -> list:
    return [f.rule for f in check(imported.report(name)).findings if f.keys and f.keys[0].startswith("t4.")]


LAYOUTS = ["split", "turned", "turned-two"]


@pytest.mark.parametrize("kind", ["docx", "html", "word-html"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_table_four_continued_or_turned(tmp_path, sample, kind, layout):
    data = distinct_t4(sample)
    variant = Variant(t4_layout=layout)
    if kind == "docx":
        src = write_docx(tmp_path / "r.docx", data, variant)
    else:
        src = tmp_path / "r.html"
        src.write_bytes(html_page(data, variant, word=kind == "word-html"))
    imported = import_file(src)
    assert t4_read(imported) == [(k, data[k]) for k in T4_KEYS]
    assert imported.notes == []


def test_table_four_continued_or_turned_in_libreoffice_pdfs(tmp_path, sample):
    from lo import convert_many
    data = distinct_t4(sample)
    sources = [write_docx(tmp_path / f"{layout}-{borders}.docx", data, Variant(t4_layout=layout, borders=borders))
               for layout in LAYOUTS for borders in (True, False)]
    for pdf in convert_many(sources, "pdf", tmp_path / "out"):
        imported = import_file(pdf)
        if pdf.stem.startswith("turned") and pdf.stem.endswith("False"):
            # a small turned table without ruling lines is not laid out as a table: said, not judged
            assert any(n.startswith("没有找到表四") for n in imported.notes), (pdf.name, imported.notes)
            assert t4_errors(imported, pdf.name) == [], pdf.name
            continue
        assert t4_read(imported) == [(k, data[k]) for k in T4_KEYS], pdf.name
        assert not [n for n in imported.notes if "表四" in n], (pdf.name, imported.notes)


def test_long_counts_wrapped_in_narrow_columns_without_borders(tmp_path, sample):
    """A Word 表四 without ruling lines on a portrait page: its fifteen columns are so narrow that
    LibreOffice wraps a three- or four-digit count (10 over 0); the other cells top-, centre- or
    bottom-aligned beside it. Each count is read whole (100, not 10), never a part of it."""
    from lo import convert_many
    counts = {"three": [100 + 7 * i for i in range(15)], "mixed": [[5, 120, 7, 1234, 33][i % 5] for i in range(15)]}
    sources = []
    for name, values in counts.items():
        data = {**sample, **dict(zip(T4_KEYS, values, strict=True))}
        for valign in ("", "center", "bottom"):
            sources.append((data, write_docx(tmp_path / f"{name}-{valign or 'top'}.docx", data,
                                             Variant(borders=False, valign=valign))))
    pdfs = convert_many([src for _, src in sources], "pdf", tmp_path / "out")
    for (data, _), pdf in zip(sources, pdfs, strict=True):
        imported = import_file(pdf)
        assert t4_read(imported) == [(k, data[k]) for k in T4_KEYS], pdf.name
        assert not [n for n in imported.notes if "表四" in n], (pdf.name, imported.notes)


@pytest.mark.parametrize("css", [
    "#t4 tbody tr:first-child{break-before:page}",  # the header rows end a page
    "@page{size:A4 landscape;margin:10mm} body{zoom:0.8} #t4 tbody tr:first-child{break-before:page}",
])
def test_our_page_printed_with_table_four_header_ending_a_page(tmp_path, sample, css):
    """`nianbao build --html` printed by Chromium where 表四's header rows end a page: Chromium
    prints its <thead> again on the next page, over the value row."""
    from chromium import Browser, require_chromium

    from toolkit.app import build_reports
    require_chromium()
    data = distinct_t4(sample)
    source = tmp_path / "data.json"
    source.write_text(json.dumps({"format": spec.FORMAT_ID, **data}, ensure_ascii=False), "utf-8")
    page = build_reports([source], tmp_path / "report.docx", html=True, force=True).items[0].html
    assert page is not None
    page.write_text(page.read_text("utf-8").replace("</head>", f"<style>{css}</style></head>", 1), "utf-8")
    with Browser() as browser:
        pdf = browser.print_pdf(page, tmp_path / "report.pdf")
    imported = import_file(pdf)
    assert t4_read(imported) == [(k, data[k]) for k in T4_KEYS]
    assert imported.sources["t4.review.upheld"].startswith(f"第{imported.sources['t4.review.upheld'][1]}页")
    assert imported.notes == []


def test_table_four_found_but_not_placed_is_said_never_blank(tmp_path, sample):
    """表四 found whose values cannot be placed: in a text, turned (a text has no columns to turn);
    in Word, a header alone without its value row; a group heading misspelled (未经复议直接起述),
    so its five columns have no group. Each says so in a note; none gives an E1 for a cell not read."""
    data = distinct_t4(sample)
    (tmp_path / "turned.txt").write_text(text_report(data, Variant(t4_layout="turned"), "tabs"), encoding="utf-8")
    header_only = write_docx(tmp_path / "header-only.docx", data, Variant(t4_layout="split"))
    _drop_last_table(header_only)
    typo = Variant(relabel={"未经复议直接起诉": "未经复议直接起述"})
    misspelled = write_docx(tmp_path / "misspelled.docx", data, typo)
    for src, unread in ((tmp_path / "turned.txt", T4_KEYS), (header_only, T4_KEYS),
                        (misspelled, [k for k in T4_KEYS if k.startswith("t4.suit_direct.")])):
        imported = import_file(src)
        assert [k for k in T4_KEYS if k not in imported.raw] == unread, src.name
        assert [n for n in imported.notes if n.startswith(("表四", "找到了表四")) or "在表四中" in n], src.name
        assert t4_errors(imported, src.name) == [], src.name
        read = [k for k in T4_KEYS if k not in unread]
        assert [imported.raw[k] for k in read] == [data[k] for k in read], src.name


def _drop_last_table(path) -> None:
    """The value part of a split 表四 taken out: the header rows are all the document has of it."""
    import docx
    document = docx.Document(str(path))
    last = document.tables[-1]._tbl
    last.getparent().remove(last)
    document.save(str(path))
