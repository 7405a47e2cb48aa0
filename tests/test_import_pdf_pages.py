"""Word reports printed to PDF by LibreOffice, with their tables broken over pages wherever the
text before them makes the break fall.

Word lets a table row break across pages (its default): a row's label then continues on the next
page, and the grids of the two pages may differ in their label columns (the group label 三、本年度
办理结果 drawn beside the rows on one page, its cell split on the next). A 表三 with a flat header
(总计 first, as units that retype it print it) or an extra 备注 column keeps its columns on every
page. Every value must be read where it was printed: none shifted, none lost.
"""

from __future__ import annotations

import pytest
from docgen import Variant, write_docx

from toolkit import spec
from toolkit.importers import import_file

TABLE_KEYS = [k for k in spec.KEYS if k.startswith(("t2.", "t3.", "t4."))]
TOTAL_FIRST = ("total", *(key for key, _ in spec.T3_COLUMNS if key != "total"))
LAYOUTS = {"default": Variant(), "extra-column": Variant(extra_column="备注"),
           "total-first": Variant(t3_columns=TOTAL_FIRST),
           # without ruling lines: the columns are placed by the header's text above the numbers
           "total-first-borderless": Variant(t3_columns=TOTAL_FIRST, borders=False)}
FILLER = "本机关坚持以公开为常态、不公开为例外，持续推进决策、执行、管理、服务、结果公开。"


def distinct(sample: dict) -> dict:
    """Every table value its own (a value read from a neighbour's column shows)."""
    # (表四's two-digit counts: its fifteen narrow columns wrap a longer number without borders)
    return {**sample, **{k: (i + 1 if not k.startswith("t4.") else i % 90 + 10) for i, k in enumerate(TABLE_KEYS)},
            "t2.fees.amount": 12.34}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> list[tuple[str, dict, object]]:
    from lo import convert_many

    from toolkit.sample import sample_data
    folder = tmp_path_factory.mktemp("pages")
    cases = []
    short = {p.key: f"本机关{p.key.split('.')[1]}情况良好。" for p in spec.TEXT_PARTS}  # 表二 on page 1
    for n in range(0, 10, 2):  # lines of text before the tables: the page breaks fall on other rows
        data = {**distinct(sample_data()), **short}
        data["text.overview"] += "".join("\n" + FILLER for _ in range(n))
        for name, variant in LAYOUTS.items():
            cases.append((f"{name}-{n}", data, write_docx(folder / f"{name}-{n}.docx", data, variant)))
    pdfs = convert_many([src for _, _, src in cases], "pdf", folder / "out")
    return [(name, data, pdf) for (name, data, _), pdf in zip(cases, pdfs, strict=True)]


def test_tables_broken_over_pages_read_whole(pdfs):
    for name, data, pdf in pdfs:
        imported = import_file(pdf)
        assert [(k, data[k], imported.raw.get(k)) for k in TABLE_KEYS if imported.raw.get(k) != data[k]] == [], name
        # (表三's header rows broken over a page may leave it read by position: said, values right)
        assert [n for n in imported.notes if "备注" not in n and "按位置读取" not in n] == [], (name, imported.notes)


def test_long_counts_wrapped_in_table_three_without_borders_are_not_half_read(tmp_path, sample):
    """A 市's five-digit counts in a Word 表三 without ruling lines: LibreOffice wraps them in their
    cells (1130 over 3). Such a number is never read as its first line (the last row's neither):
    the rows are left unread and said, every other value read."""
    from lo import convert_many
    data = distinct(sample)
    wide = {**data, **{k: 10003 + 13 * i for i, k in enumerate(k for k in TABLE_KEYS if k.startswith("t3."))}}
    one_column = {**data, **{f"t3.{key}.total": 20000 + i for i, (key, _) in enumerate(spec.T3_ROWS)}}
    cases = [(wide, write_docx(tmp_path / "wide.docx", wide, Variant(borders=False))),
             (one_column, write_docx(tmp_path / "total.docx", one_column, Variant(borders=False)))]
    for (values, _), pdf in zip(cases, convert_many([src for _, src in cases], "pdf", tmp_path / "out"), strict=True):
        imported = import_file(pdf)
        assert [(k, values[k], imported.raw[k]) for k in TABLE_KEYS
                if k in imported.raw and imported.raw[k] != values[k]] == [], pdf.name
        unread = [k for k in TABLE_KEYS if k not in imported.raw]
        assert unread and all(k.startswith("t3.") for k in unread), pdf.name
        assert any(n.startswith("表三没有表格线") for n in imported.notes), (pdf.name, imported.notes)
        assert not any(n.startswith("没有找到表三") for n in imported.notes), (pdf.name, imported.notes)
