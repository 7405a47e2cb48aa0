"""The report's web page (``nianbao build --html``): structure, data read back from its tables,
escaping, and the page in a real browser (headless Chromium) at desktop and phone widths."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import html5lib
import pytest
from chromium import DESKTOP, PHONE, Browser
from conftest import run_nianbao

from toolkit import spec
from toolkit.app import read_report
from toolkit.web import render_page
from toolkit.word.context import display_values

XHTML = "{http://www.w3.org/1999/xhtml}"
ODD_UNIT = "<b>甲&乙</b>{{x}}"


@pytest.fixture
def sample_json(tmp_path, sample) -> Path:
    path = tmp_path / "锦屏街道2022.json"
    data = {"format": spec.FORMAT_ID, **sample, "meta.date": "2023-01-20"}
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


@pytest.fixture
def page(sample_json) -> str:
    return render_page(read_report(sample_json))


def _tree(html: str):
    return html5lib.parse(html, treebuilder="lxml", namespaceHTMLElements=True)


def _all(tree, tag: str) -> list:
    return tree.findall(f".//{XHTML}{tag}")


def _text(el) -> str:
    return "".join(el.itertext()).strip()


def table_grid(table) -> dict[tuple[int, int], tuple[object, int, int]]:
    """The HTML table algorithm: (row, col) of each cell's top-left slot -> (cell, rowspan, colspan),
    every slot a spanning cell covers being taken."""
    taken: set[tuple[int, int]] = set()
    cells = {}
    rows = [tr for section in table for tr in (section if section.tag != f"{XHTML}tr" else [section])
            if tr.tag == f"{XHTML}tr"]
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr:
            while (r, c) in taken:
                c += 1
            rowspan, colspan = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
            cells[(r, c)] = (cell, rowspan, colspan)
            taken |= {(r + i, c + j) for i in range(rowspan) for j in range(colspan)}
            c += colspan
    return cells


def read_tables(html: str) -> dict[str, object]:
    """key -> the text of its cell, found by position in the page's tables (what an importer of
    the page does), and every header/label checked against the official grid."""
    tree = _tree(html)
    tables = {t.get("id"): t for t in _all(tree, "table")}
    found: dict[str, object] = {}
    for table in spec.TABLES:
        grid = table_grid(tables[table.id])
        assert len(grid) == len(table.cells), table.id
        for cell in table.cells:
            el, rowspan, colspan = grid[(cell.row, cell.col)]
            assert (rowspan, colspan) == (cell.rowspan, cell.colspan), (table.id, cell)
            if cell.key:
                assert el.tag == f"{XHTML}td"
                found[cell.key] = _text(el)
            else:
                assert el.tag == f"{XHTML}th" and _text(el) == cell.text, (table.id, cell)
    return found


# --- structure ---------------------------------------------------------------------------------

def test_page_structure(page, sample_json):
    tree = _tree(page)
    root = tree.getroot()
    assert root.get("lang") == "zh-CN"
    assert page.startswith("<!DOCTYPE html>")
    assert _all(tree, "meta")[0].get("charset") == "utf-8"
    title = spec.title(read_report(sample_json).values)
    assert [_text(h) for h in _all(tree, "h1")] == [title] and _text(_all(tree, "title")[0]) == title
    assert [_text(h) for h in _all(tree, "h2")] == [s.heading for s in spec.SECTIONS]
    assert [_text(h) for h in _all(tree, "h3")] == [p.heading for p in spec.TEXT_PARTS if p.heading]
    tables = _all(tree, "table")
    assert [t.get("id") for t in tables] == [t.id for t in spec.TABLES]
    for table in tables:
        assert len(table.findall(f"{XHTML}caption")) == 1
        for th in table.iter(f"{XHTML}th"):
            assert th.get("scope") in ("col", "colgroup", "row", "rowgroup") and th.get("id")
        ids = {th.get("id") for th in table.iter(f"{XHTML}th")}
        for td in table.iter(f"{XHTML}td"):
            assert td.get("headers") and set(td.get("headers").split()) <= ids
    # the header rows that repeat are the thead of 表三 and 表四
    for table in spec.TABLES:
        thead = tree.find(f".//{XHTML}table[@id='{table.id}']/{XHTML}thead")
        assert (len(thead) if thead is not None else 0) == table.header_rows


def test_self_contained_without_script(page):
    tree = _tree(page)
    assert not _all(tree, "script") and not _all(tree, "link") and not _all(tree, "img")
    assert len(_all(tree, "style")) == 1
    assert not re.search(r"\bon[a-z]+\s*=|javascript:|@import|url\(|https?://|src=", page, re.IGNORECASE)
    style = _text(_all(tree, "style")[0])
    assert "@media print" in style and "overflow-x: auto" in style


def test_tables_give_back_the_data(page, sample_json):
    shown = display_values(read_report(sample_json))
    found = read_tables(page)
    assert found == {k: str(shown[k]) for k in found}
    assert set(found) == {c.key for t in spec.TABLES for c in t.value_cells}
    assert found["t3.new.natural"] == "5" and found["t2.fees.amount"] == str(shown["t2.fees.amount"])


def test_text_as_typed_is_never_markup(tmp_path, sample):
    data = {"format": spec.FORMAT_ID, **sample, "meta.unit": ODD_UNIT, "meta.date": "2023-01-20",
            "text.other": "第一段 a<b & c>d {{ t3.new.natural }} {% if 1 %}"}
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    html = render_page(read_report(path))
    tree = _tree(html)
    assert _text(_all(tree, "h1")[0]) == f"{ODD_UNIT}2022年政府信息公开工作年度报告"
    assert not _all(tree, "b")
    assert "&lt;b&gt;甲&amp;乙&lt;/b&gt;{{x}}" in html
    assert "第一段 a<b & c>d {{ t3.new.natural }} {% if 1 %}" in [_text(p) for p in _all(tree, "p")]
    assert ODD_UNIT in [_text(p) for p in _all(tree, "p")]  # the 落款


# --- in the browser ------------------------------------------------------------------------------

def _artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("NIANBAO_ARTIFACTS") or tmp_path) / "web"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _not_blank(png: Path) -> None:
    from PIL import Image
    with Image.open(png) as im:
        gray = im.convert("L")
        low, high = gray.getextrema()
        dark = sum(gray.histogram()[:128])
    assert high - low > 128, f"{png} is blank"
    assert dark > 0.002 * gray.width * gray.height, f"{png} has almost no text"


TABLE_WIDTHS = ("[...document.querySelectorAll('table')].map(t => ({id: t.id,"
                " width: t.getBoundingClientRect().width, box: t.parentElement.clientWidth,"
                " scroll: t.parentElement.scrollWidth}))")
PAGE_WIDTH = "[innerWidth, document.documentElement.scrollWidth]"

# Every element with text of its own: its colour and the first opaque background behind it.
COLOURS = """[...document.querySelectorAll('body *')].filter(e =>
  [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())).map(e => {
    let b = e, bg = 'rgba(0, 0, 0, 0)';
    while (b) { bg = getComputedStyle(b).backgroundColor;
      if (!/rgba\\(.*, 0\\)$/.test(bg)) break; b = b.parentElement; }
    return {tag: e.tagName, color: getComputedStyle(e).color, background: b ? bg : 'rgb(255, 255, 255)'};
})"""


def _luminance(rgb: str) -> float:
    parts = [float(x) for x in re.findall(r"[\d.]+", rgb)]
    assert len(parts) == 3 or parts[3] == 1, f"translucent colour {rgb}"

    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = map(channel, parts[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_formula():
    assert round(contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)"), 1) == 21.0
    assert round(contrast("rgb(118, 118, 118)", "rgb(255, 255, 255)"), 2) == 4.54


def test_page_in_the_browser(tmp_path, sample_json):
    from toolkit.app import build_reports
    run = build_reports([sample_json], tmp_path / "out.docx", html=True)
    html = run.items[0].html
    assert html == tmp_path / "out.html" and run.exit_code == 0
    artifacts = _artifacts(tmp_path)
    with Browser() as browser:
        browser.open(html, *DESKTOP)
        assert browser.evaluate("document.title") == spec.title(read_report(sample_json).values)
        inner, scroll = browser.evaluate(PAGE_WIDTH)
        assert scroll <= inner, "the page scrolls sideways at desktop width"
        for t in browser.evaluate(TABLE_WIDTHS):
            assert t["width"] <= t["box"] + 0.5 and t["scroll"] <= t["box"], t  # the tables fit
        low = [(c, contrast(c["color"], c["background"])) for c in browser.evaluate(COLOURS)]
        assert low and not [x for x in low if x[1] < 4.5], [x for x in low if x[1] < 4.5][:5]
        _not_blank(browser.screenshot(artifacts / "desktop.png"))

        browser.open(html, *PHONE, mobile=True)
        inner, scroll = browser.evaluate(PAGE_WIDTH)
        assert scroll <= inner, "the page itself must not scroll sideways on a phone"
        widths = {t["id"]: t for t in browser.evaluate(TABLE_WIDTHS)}
        assert widths["t3"]["scroll"] > widths["t3"]["box"], "表三 should scroll, not squeeze"
        assert browser.evaluate("getComputedStyle(document.querySelector('.table-wrap')).overflowX") == "auto"
        _not_blank(browser.screenshot(artifacts / "phone.png"))

        # printed on A4, the tables fit the page
        browser.page("Emulation.setEmulatedMedia", media="print")
        browser.open(html, 794, 1123)
        for t in browser.evaluate(TABLE_WIDTHS):
            assert t["width"] <= t["box"] + 0.5, t
        browser.page("Emulation.setEmulatedMedia", media="")


# --- the command -----------------------------------------------------------------------------------

def test_build_many_with_html(tmp_path, sample):
    def write(name: str, **changes: object) -> Path:
        path = tmp_path / name
        path.write_text(json.dumps({"format": spec.FORMAT_ID, **sample, **changes}, ensure_ascii=False),
                        "utf-8")
        return path

    a = write("a.json")
    b = write("b.json", **{"meta.unit": ODD_UNIT})
    same = write("c.json")  # 锦屏街道 2022 again
    broken = tmp_path / "broken.json"
    broken.write_text("{", "utf-8")
    out = tmp_path / "报告"
    proc = run_nianbao("build", a, broken, b, same, "--html", "-o", out)
    assert proc.returncode == 1, proc.stderr
    names = sorted(p.name for p in out.iterdir())
    unit_b = "_b_甲&乙__b_{{x}}2022年政府信息公开工作年度报告"
    assert names == sorted([f"{unit_b}.docx", f"{unit_b}.html",
                            "锦屏街道2022年政府信息公开工作年度报告.docx",
                            "锦屏街道2022年政府信息公开工作年度报告.html"]), names
    assert "broken.json" in proc.stderr and "c.json" in proc.stderr and "同一机关" in proc.stderr
    assert "共4个文件：生成2份报告，2个有问题" in proc.stdout
    html = (out / f"{unit_b}.html").read_text("utf-8")
    assert "&lt;b&gt;甲&amp;乙&lt;/b&gt;{{x}}" in html

    # several inputs and -o a .docx: refused, nothing written
    proc = run_nianbao("build", a, b, "-o", tmp_path / "x.docx")
    assert proc.returncode == 2 and "文件夹" in proc.stderr


def test_nianbao_import_reads_the_page_back(tmp_path, sample):
    from toolkit.importers import import_file
    data = {**sample, "meta.date": "2023-01-20"}
    page = tmp_path / "page.html"
    path = tmp_path / "data.json"
    path.write_text(json.dumps({"format": spec.FORMAT_ID, **data}, ensure_ascii=False), "utf-8")
    page.write_text(render_page(read_report(path)), "utf-8")
    imported = import_file(page)
    values = imported.report(str(page)).values
    assert [(k, data.get(k), values.get(k)) for k in spec.KEYS
            if k != "meta.unit_level" and data.get(k) != values.get(k)] == []
    assert imported.notes == []


def test_a_forced_draft_page_says_so(tmp_path, sample):
    from toolkit.app import build_reports
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": spec.FORMAT_ID, **sample, "t3.new.natural": "/"},
                               ensure_ascii=False), "utf-8")
    refused = build_reports([path], html=True)
    assert refused.exit_code == 1 and refused.items[0].docx is None and not list(tmp_path.glob("*.html"))
    run = build_reports([path], html=True, force=True)
    page = run.items[0].html.read_text("utf-8")
    assert run.items[0].html.name.endswith("（草稿）.html") and run.exit_code == 1
    tree = _tree(page)
    assert _text(_all(tree, "p")[0]).startswith("草稿：数据未通过校验")
    assert _text(_all(tree, "title")[0]).endswith("（草稿）")
    assert read_tables(page)["t3.new.natural"] == "/"  # shown as typed
