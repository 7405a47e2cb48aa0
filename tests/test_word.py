"""The Word report: golden comparison with the published report, merged cells, escaping, strict
templates, drafts and overwrite protection. (PDF and demo: tests/test_demo.py.)"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from conftest import REFERENCE, run_nianbao, run_python, shared_text
from toolkit import spec
from toolkit.errors import UnusableFile
from toolkit.report import Report
from toolkit.app import build_report
from toolkit.errors import ChecksFailed, TemplateProblem
from toolkit.word import render_report
from toolkit.word.build import is_untouched_report
from toolkit.word.render import PACKAGED_TEMPLATE

BOOKMARK = "[bookmark: _GoBack]"


# --- reading documents back -------------------------------------------------------------------

def docx_blocks(doc) -> list[tuple[str, object]]:
    """The document in order: ("p", text) for paragraphs, ("table", rows of cell texts) for
    tables. A merged cell is one cell (one w:tc) in each row it covers, as Word stores it; the
    rows it continues into show an empty cell, as the reference's extraction does."""
    blocks: list[tuple[str, object]] = []
    for el in doc.element.body:
        if el.tag == qn("w:p"):
            blocks.append(("p", Paragraph(el, doc).text))
        elif el.tag == qn("w:tbl"):
            rows = [["\n".join(Paragraph(p, doc).text for p in tc.findall(qn("w:p")))
                     for tc in tr.tc_lst] for tr in el.tr_lst]
            blocks.append(("table", rows))
    return blocks


def reference_blocks(text: str) -> list[tuple[str, object]]:
    """The reference text in the same form: a line starting with a tab is a table cell, an empty
    line ends a table row, any other line is a paragraph."""
    blocks: list[tuple[str, object]] = []
    table = row = None
    for line in text.splitlines():
        if line.startswith("\t"):
            if table is None:
                table = []
                blocks.append(("table", table))
            if row is None:
                row = []
                table.append(row)
            row.append(line[1:])
        elif not line.strip():
            row = None
        else:
            table = row = None
            blocks.append(("p", line))
    return blocks


def normal(blocks):
    """The only normalisations: blanks at the edges of a paragraph or cell, empty paragraphs,
    and the Word bookmark artefact ``[bookmark: _GoBack]`` of the reference's extraction."""
    out = []
    for kind, content in blocks:
        if kind == "p":
            text = content.replace(BOOKMARK, "").strip()
            if text:
                out.append(("p", text))
        else:
            out.append(("table", [[c.replace(BOOKMARK, "").strip() for c in row] for row in content]))
    return out


def sample_report(sample: dict, **changes) -> Report:
    return Report.from_raw({**sample, **changes}, "sample.json", "json")


def open_docx(data: bytes):
    return Document(io.BytesIO(data))


@pytest.fixture
def sample_json(tmp_path, sample) -> Path:
    path = tmp_path / "锦屏街道2022.json"
    path.write_text(json.dumps({"format": spec.FORMAT_ID, **sample}, ensure_ascii=False), "utf-8")
    return path


# --- golden ---------------------------------------------------------------------------------

def test_sample_reproduces_the_published_report(sample_xlsx):
    """The sample workbook renders, read back paragraph by paragraph and cell by cell, to the
    published report (../shared/reference)."""
    built = build_report(sample_xlsx)
    assert built.docx.name == "锦屏街道2022年政府信息公开工作年度报告.docx"
    ours = normal(docx_blocks(Document(built.docx)))
    ref = normal(reference_blocks(shared_text(REFERENCE)))
    # The one deliberate difference: the published title omits 工作 (a real-world mistake); the
    # format's title is required.
    assert ref[0] == ("p", "锦屏街道2022年政府信息公开年度报告")
    assert ours[0] == ("p", "锦屏街道2022年政府信息公开工作年度报告")
    assert ours[0][1] == spec.title({"meta.unit": "锦屏街道", "meta.year": 2022})
    assert len(ours) == len(ref)
    for i, (mine, theirs) in enumerate(zip(ours[1:], ref[1:]), 1):
        assert mine == theirs, f"block {i} differs"


def _grid(tbl) -> dict[tuple[int, int], object]:
    grid = {}
    for r, tr in enumerate(tbl.tr_lst):
        col = 0
        for tc in tr.tc_lst:
            grid[(r, col)] = tc
            col += tc.grid_span
    return grid


def test_tables_have_the_official_merged_cells(sample):
    doc = open_docx(render_report(sample_report(sample)))
    tables = doc.element.body.findall(qn("w:tbl"))
    assert len(tables) == len(spec.TABLES) == 3
    for table, tbl in zip(spec.TABLES, tables):
        grid = _grid(tbl)
        assert len(tbl.tr_lst) == table.n_rows, table.id
        for tr in tbl.tr_lst:
            assert sum(tc.grid_span for tc in tr.tc_lst) == table.n_cols, table.id
        for cell in table.cells:
            tc = grid[(cell.row, cell.col)]
            where = f"{table.id} ({cell.row},{cell.col}) {cell.text or cell.key}"
            assert tc.grid_span == cell.colspan, where
            if cell.rowspan > 1:
                assert tc.vMerge == "restart", where
                for r in range(cell.row + 1, cell.row + cell.rowspan):
                    cont = grid[(r, cell.col)]
                    assert cont.vMerge == "continue" and cont.grid_span == cell.colspan, where
            else:
                assert tc.vMerge is None, where
            below = grid.get((cell.row + cell.rowspan, cell.col))
            assert below is None or below.vMerge != "continue", where
    # the official shapes: table 三 25 rows × 7 value columns, table 四 15 columns
    t3, t4 = spec.TABLE_BY_ID["t3"], spec.TABLE_BY_ID["t4"]
    assert t3.n_rows - t3.header_rows == 25 and t3.n_cols - 3 == 7
    assert t4.n_cols == 15


def test_every_key_of_the_tables_is_rendered_in_its_cell(sample):
    """Each value cell shows its own key's value (distinct numbers, so a swap would show)."""
    values = {k: i + 1 for i, k in enumerate(spec.NUMBER_KEYS)}
    report = Report.from_raw({**sample, **values}, "x.json", "json")
    doc = open_docx(render_report(report))
    for table, tbl in zip(spec.TABLES, doc.element.body.findall(qn("w:tbl"))):
        grid = _grid(tbl)
        for cell in table.value_cells:
            text = "".join(t.text or "" for t in grid[(cell.row, cell.col)].iter(qn("w:t")))
            assert text == str(report.values[cell.key]), cell.key


# --- text -----------------------------------------------------------------------------------

def test_texts_become_paragraphs_and_characters_stay_as_typed(sample):
    tricky = 'A&B <b>加粗</b> "双引号" ‘单引号’ 5 > 3 😀 {{ t3.new.total }} {% if %}'
    report = sample_report(
        sample,
        **{"text.proactive": "第一段。\n\n　　第二段，全角空格缩进。\r\n第三段\t制表符。",
           "text.problems": tricky,
           "text.other": "（一）主动公开情况不在此部分。\x0b下一行\x00",
           "meta.unit": "A&B<街道>"})
    doc = open_docx(render_report(report))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "A&B<街道>2022年政府信息公开工作年度报告"
    i = texts.index("（一）主动公开情况。第一段。")
    assert texts[i + 1:i + 3] == ["第二段，全角空格缩进。", "第三段\t制表符。"]
    # the continuation paragraphs keep the body formatting (not the heading's run style)
    assert doc.paragraphs[i + 1].runs[0].style.name != "二级标题"
    assert tricky in texts
    assert "（一）主动公开情况不在此部分。" in texts and "下一行" in texts
    # the 二级 heading is a run of its own, in the 楷体 style
    heading_run = doc.paragraphs[i].runs[0]
    assert heading_run.text == "（一）主动公开情况。" and heading_run.style.name == "二级标题"


def test_heading_typed_again_is_not_repeated_and_empty_overview_disappears(sample):
    report = sample_report(sample, **{"text.on_request": "（二）依申请公开情况：收到申请5件。",
                                      "text.overview": ""})
    texts = [p.text for p in open_docx(render_report(report)).paragraphs]
    assert "（二）依申请公开情况。收到申请5件。" in texts
    assert texts[1] == "一、总体情况"
    assert texts[2].startswith("（一）主动公开情况。")  # no empty paragraph where the overview was


def test_signature_only_with_a_report_date(sample):
    texts = [p.text for p in open_docx(render_report(sample_report(sample))).paragraphs]
    assert texts[-1].startswith("2022年，我街道依据")
    dated = sample_report(sample, **{"meta.date": "2023-01-20"})
    texts = [p.text for p in open_docx(render_report(dated)).paragraphs if p.text]
    assert texts[-2:] == ["锦屏街道", "2023年1月20日"]


@pytest.mark.parametrize(("typed", "printed"), [
    ("2023.3.20", "2023年3月20日"), ("2023/3/20", "2023年3月20日"), ("2023-3-20", "2023年3月20日"),
    ("2023．03．05", "2023年3月5日"), (" 2023.3.20 ", "2023年3月20日"), ("2023年3月20日", "2023年3月20日"),
    ("二〇二三年三月二十日", "二〇二三年三月二十日"), ("2023年3月", "2023年3月"), ("2023.3.20前", "2023.3.20前"),
    ("2023.2.30", "2023.2.30")])
def test_signature_date_in_the_official_form(typed, printed):
    """A date in digits that W11 reads is printed 年月日 (GB/T 9704); anything else as typed."""
    from toolkit.word.context import chinese_date
    assert chinese_date(typed) == printed


def test_signature_date_typed_with_dots_in_calc(tmp_path, sample):
    """报告日期 typed as 2023.3.20 in LibreOffice (it stays text): the Word 落款 and the web page say
    2023年3月20日, the workbook and its export keep what was typed (tester's G11)."""
    from lo import calc_edit, typed

    from toolkit.app import new_workbook
    book = calc_edit(new_workbook(tmp_path / "blank.xlsx", data=sample), tmp_path / "dots.xlsx",
                     typed({"meta.date": "2023.3.20"}))
    proc = run_nianbao("build", book, "-o", tmp_path / "r.docx", "--html")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    texts = [p.text for p in Document(str(tmp_path / "r.docx")).paragraphs if p.text]
    assert texts[-2:] == ["锦屏街道", "2023年3月20日"]
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "2023年3月20日" in page and "2023.3.20" not in page
    assert json.loads(run_nianbao("export", book).stdout)["meta.date"] == "2023.3.20"


def test_fees_keep_their_decimals(sample):
    doc = open_docx(render_report(sample_report(sample, **{"t2.fees.amount": 1.25})))
    t2 = doc.tables[0]
    assert t2.rows[-1].cells[-1].text == "1.25"


# --- typography ---------------------------------------------------------------------------------

def test_official_page_and_fonts():
    doc = Document(PACKAGED_TEMPLATE)
    s = doc.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    assert [round(x.mm) for x in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] \
        == [37, 35, 28, 26]

    def east_asian(style):
        return style.element.rPr.rFonts.get(qn("w:eastAsia"))

    styles = doc.styles
    assert east_asian(styles["Normal"]) == "仿宋_GB2312" and styles["Normal"].font.size.pt == 16
    assert east_asian(styles["公文标题"]) == "方正小标宋简体" and styles["公文标题"].font.size.pt == 22
    assert east_asian(styles["一级标题"]) == "黑体"
    assert east_asian(styles["二级标题"]) == "楷体_GB2312"
    assert east_asian(styles["表格文字"]) == "仿宋_GB2312" and styles["表格文字"].font.size.pt < 16
    ind = styles["Normal"].element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"
    # page numbers: a PAGE field in the odd and the even footer
    for footer in (s.footer, s.even_page_footer):
        assert "PAGE" in "".join(t.text for t in footer._element.iter(qn("w:instrText")))
    # Word's fallbacks for the government fonts
    with zipfile.ZipFile(PACKAGED_TEMPLATE) as z:
        fonts = z.read("word/fontTable.xml").decode()
    assert re.search(r'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>', fonts)


# --- templates ----------------------------------------------------------------------------------

def _template_with(tmp_path: Path, text: str) -> Path:
    doc = Document(PACKAGED_TEMPLATE)
    doc.add_paragraph(text)
    path = tmp_path / "mine.docx"
    doc.save(path)
    return path


@pytest.mark.parametrize("variable, named", [
    ("{{ t3.new.natual }}", "t3.new.natual"),          # misspelt key
    ("{{ meta.unitname }}", "meta.unitname"),           # unknown key
    ("{{ t3.new }}", "t3.new"),                          # a group, not a value
    ("{{ title }}", "title"),                            # a name the specification does not know
    ("{% for x in t9.rows %}{{ x }}{% endfor %}", "t9.rows"),
])
def test_template_with_unknown_variable_is_refused_with_its_name(tmp_path, sample_json,
                                                                 variable, named):
    template = _template_with(tmp_path, variable)
    with pytest.raises(TemplateProblem, match=re.escape(named)) as info:
        build_report(sample_json, tmp_path / "out.docx", template=template)
    assert not (tmp_path / "out.docx").exists()
    if named == "t3.new.natual":
        assert "t3.new.natural" in str(info.value)  # suggests the right key


def test_template_syntax_error_is_a_clear_message(tmp_path, sample_json):
    template = _template_with(tmp_path, "{% if meta.unit %}没有结束")
    with pytest.raises(TemplateProblem, match="语法错误：{% if %} 没有结束：缺少 {% endif %}"):
        build_report(sample_json, tmp_path / "out.docx", template=template)


@pytest.mark.parametrize("marks, words", [
    ("{% if %}", "标记中缺少内容"),
    ("{{ meta.unit ", "标记没有结束：缺少“}}”或“%}”"),
    ("{% foo %}", "不认识的标记 {% foo %}"),
    ("{% if meta.unit %}{% endfor %}", "{% endfor %} 放错了位置或写错了"),
    ("{{ t3.new.naturel }}", "（是否应为 t3.new.natural？）"),
])
def test_a_bad_template_is_said_once_before_any_data_in_chinese(tmp_path, sample_json, marks, words):
    """The template is every input's problem: said once, before any workbook is read, exit 2, in
    Chinese (tester's F23); no input is called unreadable and nothing is written."""
    template = _template_with(tmp_path, marks)
    missing = tmp_path / "nonexist.xlsx"
    proc = run_nianbao("build", sample_json, missing, "-o", tmp_path / "out", "--template", template)
    assert proc.returncode == 2
    assert proc.stdout == "" and proc.stderr.count("\n") == 1, proc.stdout + proc.stderr
    assert proc.stderr.startswith(f"nianbao：Word 模板 {template.name} ") and words in proc.stderr, proc.stderr
    assert not re.search(r"[Ee]xpected|Jinja|[Ee]ncountered|token|got|end of", proc.stderr), proc.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_restyled_template_still_renders(tmp_path, sample_json):
    """An office changes the fonts by hand (here: body 宋体 四号, headings 微软雅黑) and loops over
    paragraphs itself: the report still renders, with their styles."""
    doc = Document(PACKAGED_TEMPLATE)
    for name, font, size in (("Normal", "宋体", 14), ("一级标题", "微软雅黑", 16)):
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.element.rPr.rFonts.set(qn("w:eastAsia"), font)
    doc.add_paragraph("{%p for para in text.other %}")
    doc.add_paragraph("附：{{ para }}")
    doc.add_paragraph("{%p endfor %}")
    template = tmp_path / "本单位模板.docx"
    doc.save(template)
    built = build_report(sample_json, tmp_path / "out.docx", template=template)
    out = Document(built.docx)
    assert out.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    texts = [p.text for p in out.paragraphs]
    assert "附：2022年，我街道依据《政府信息公开信息处理费管理办法》，未收取过任何信息处理费。" in texts
    assert texts[0] == "锦屏街道2022年政府信息公开工作年度报告"


def test_not_a_docx_template(tmp_path, sample_json):
    bad = tmp_path / "t.docx"
    bad.write_text("not a zip")
    with pytest.raises(TemplateProblem, match="不是 Word 文档"):
        build_report(sample_json, tmp_path / "out.docx", template=bad)


# --- checks, drafts and overwriting -------------------------------------------------------------

def _with_errors(tmp_path: Path, sample: dict) -> Path:
    data = {"format": spec.FORMAT_ID, **sample, "t3.new.natural": "/", "t3.new.total": 5}
    path = tmp_path / "有错误.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def test_errors_block_the_build(tmp_path, sample):
    source = _with_errors(tmp_path, sample)
    with pytest.raises(ChecksFailed) as info:
        build_report(source)
    assert info.value.result.errors
    assert not list(tmp_path.glob("*.docx"))


def test_force_builds_a_visible_draft(tmp_path, sample):
    source = _with_errors(tmp_path, sample)
    built = build_report(source, force=True)
    assert built.draft and built.docx.name == "锦屏街道2022年政府信息公开工作年度报告（草稿）.docx"
    doc = Document(built.docx)
    assert doc.paragraphs[0].text.startswith("草稿：数据未通过校验")
    assert doc.paragraphs[1].text == "锦屏街道2022年政府信息公开工作年度报告"
    assert "草稿" in doc.sections[0].header.paragraphs[0].text
    assert "草稿" in doc.sections[0].even_page_header.paragraphs[0].text
    # what was typed in the bad cell is shown as typed
    assert doc.tables[1].rows[3].cells[3].text == "/"


def test_rebuild_overwrites_an_untouched_report_but_not_an_edited_one(tmp_path, sample_json):
    out = tmp_path / "报告.docx"
    build_report(sample_json, out)
    assert is_untouched_report(out)
    build_report(sample_json, out)  # untouched: rebuilt without asking

    doc = Document(out)
    doc.add_paragraph("本单位补充的一段。")
    doc.save(out)
    assert not is_untouched_report(out)
    with pytest.raises(UnusableFile, match="被修改过"):
        build_report(sample_json, out)
    assert "本单位补充的一段。" in [p.text for p in Document(out).paragraphs]
    built = build_report(sample_json, out, force=True)
    assert "本单位补充的一段。" not in [p.text for p in Document(out).paragraphs]
    # --force replaced it, but the edited version is kept in nianbao备份 (as check keeps a workbook)
    assert built.backup == tmp_path / "nianbao备份" / out.name
    assert "本单位补充的一段。" in [p.text for p in Document(built.backup).paragraphs]
    assert build_report(sample_json, out, force=True).backup is None  # untouched since: no new copy
    assert "本单位补充的一段。" in [p.text for p in Document(built.backup).paragraphs]


def test_build_force_of_an_edited_draft_keeps_the_edit_and_says_so(tmp_path, sample):
    """--force both makes a draft of data with errors and replaces an edited report: refreshing
    a draft someone worked on never loses their work (tester's F18)."""
    bad = _with_errors(tmp_path, sample)
    first = run_nianbao("build", str(bad), "--force")
    draft = next(tmp_path.glob("*（草稿）.docx"))
    assert "草稿" in first.stdout and "备份" not in first.stdout
    doc = Document(draft)
    doc.add_paragraph("手工补写的一段。")
    doc.save(draft)
    again = run_nianbao("build", str(bad), "--force")
    assert again.returncode == 1, again.stderr
    backup = tmp_path / "nianbao备份" / draft.name
    assert f"已备份到：{backup}" in again.stdout
    assert "手工补写的一段。" in [p.text for p in Document(backup).paragraphs]
    assert "手工补写的一段。" not in [p.text for p in Document(draft).paragraphs]


def test_never_overwrites_a_report_open_in_word(tmp_path, sample_json):
    out = tmp_path / "锦屏街道2022年政府信息公开工作年度报告.docx"
    build_report(sample_json, out)
    lock = tmp_path / ("~$" + out.name[2:])
    lock.write_bytes(b"")
    with pytest.raises(UnusableFile, match="正在 Word/WPS 中打开"):
        build_report(sample_json, out, force=True)


def test_output_must_be_docx(tmp_path, sample_json):
    with pytest.raises(UnusableFile, match=r"\.docx"):
        build_report(sample_json, tmp_path / "report.doc")


# --- the template files -------------------------------------------------------------------------

def test_committed_templates_equal_what_the_script_builds():
    from toolkit.word.template import build_template, docx_parts
    built = docx_parts(build_template())
    root = Path(__file__).resolve().parent.parent
    for path in (root / "word_templates" / "annual_report.docx", PACKAGED_TEMPLATE):
        committed = docx_parts(path.read_bytes())
        assert committed.keys() == built.keys(), path
        for name in built:
            assert committed[name] == built[name], f"{path.name}:{name} is out of date: run " \
                                                   "python scripts/build_word_template.py"


def test_template_variables_are_exactly_specification_keys():
    from toolkit.word.render import prepare, template_variables
    prepared = prepare()
    used = set()
    for source in prepared.sources.values():
        read, _ = template_variables(prepared.env.parse(source))
        used |= read
    # every value of the format is in the template (meta.contact/phone are not printed)
    expected = set(spec.KEYS) - {"meta.unit_level", "meta.contact", "meta.phone"}
    assert expected <= used <= set(spec.KEYS)


# --- the command --------------------------------------------------------------------------------

def test_cli_build_exit_codes(tmp_path, sample, sample_json):
    ok = run_nianbao("build", str(sample_json))
    assert ok.returncode == 0, ok.stderr
    assert "已生成 Word 报告" in ok.stdout
    assert (tmp_path / "锦屏街道2022年政府信息公开工作年度报告.docx").exists()

    bad = _with_errors(tmp_path, sample)
    refused = run_nianbao("build", str(bad))
    assert refused.returncode == 1 and "--force" in refused.stderr and "表三" in refused.stdout
    draft = run_nianbao("build", str(bad), "--force")
    assert draft.returncode == 1 and "草稿" in draft.stdout

    template = _template_with(tmp_path, "{{ t3.new.natual }}")
    lint = run_nianbao("build", str(sample_json), "-o", str(tmp_path / "x.docx"), "--template",
                   str(template))
    assert lint.returncode == 2 and "t3.new.natual" in lint.stderr and "Traceback" not in lint.stderr


def test_check_does_not_load_word_libraries():
    code = ("import sys; from toolkit.cli import main; import contextlib, io\n"
            "with contextlib.redirect_stdout(io.StringIO()): main(['rules'])\n"
            "print(sorted(m for m in ('docxtpl', 'docx', 'jinja2') if m in sys.modules))")
    out = run_python("-c", code)
    assert out.stdout.strip() == "[]", out.stderr
