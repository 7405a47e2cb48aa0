"""Importing published reports: our own Word report and generated variants of what agencies publish."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from conftest import run_nianbao
from docgen import TEXT_STYLES, Variant, html_page, write_docx

from toolkit import spec
from toolkit.errors import UnusableFile
from toolkit.importers import import_file
from toolkit.importers.document import Document, Grid, GridBuilder
from toolkit.importers.tables import read_document


def differences(data: dict, imported) -> list:
    report = imported.report("x")
    return [(k, data.get(k), report.values.get(k)) for k in spec.KEYS
            if k != "meta.unit_level" and data.get(k) != report.values.get(k)]


@pytest.fixture
def our_docx(tmp_path, sample) -> Path:
    return build_report_docx(tmp_path, sample)


def build_report_docx(tmp_path: Path, data: dict) -> Path:
    from toolkit.app import build_report, new_workbook
    book = new_workbook(tmp_path / "data.xlsx", data=data)
    built = build_report(book, tmp_path / "report.docx", force=True)
    return built.docx


def test_our_word_report_reads_back_exactly(our_docx, sample):
    imported = import_file(our_docx)
    assert differences(sample, imported) == []
    assert imported.notes == []
    assert imported.sources["t3.partial.natural"] == spec.describe("t3.partial.natural")
    assert imported.raw["meta.unit_level"] == "乡镇街道"  # 锦屏街道: the name says it


@pytest.mark.parametrize("variant", [
    Variant(extra_column="备注"),
    Variant(split_t3_at=10),
    Variant(split_t3_at=3, extra_column="备注"),
    Variant(font="仿宋_GB2312"),
    Variant(wrapper="layout-table"),  # the whole report in one cell of a borderless table
    Variant(wrapper="content-control"),  # the body inside a content control (内容控件) of a template
], ids=["extra-column", "split", "split-extra-column", "font", "layout-table", "content-control"])
def test_word_variants(tmp_path, sample, variant):
    imported = import_file(write_docx(tmp_path / "v.docx", sample, variant))
    assert differences(sample, imported) == []


def numbered_like_rows(sample: dict) -> dict:
    """The sample with every value of table 三 equal to its row's number (1.属于国家秘密 -> 1): small
    counts are what real reports print most, and a value must never be taken for the label's numbering."""
    data = dict(sample)
    for key in spec.KEYS:
        if key.startswith("t3."):
            m = re.match(r"\d+", spec.FIELDS[key].row_path.split("·")[-1])
            data[key] = int(m.group()) if m else 2
    return data


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_value_equal_to_its_rows_number_is_kept(tmp_path, sample, kind):
    data = numbered_like_rows(sample)
    if kind == "docx":
        path = write_docx(tmp_path / "v.docx", data)
    else:
        path = tmp_path / "v.html"
        path.write_bytes(html_page(data))
    assert differences(data, import_file(path)) == []


def test_cells_kept_as_printed(tmp_path, sample):
    variant = Variant(cells={"t3.new.natural": "5件", "t3.new.business": "", "t3.granted.total": "/",
                             "t2.rules.issued": " 1 2 ", "t4.review.upheld": "—"}, date="2023年1月20日")
    imported = import_file(write_docx(tmp_path / "v.docx", sample, variant))
    assert imported.raw["t3.new.natural"] == "5件"
    assert imported.raw["t3.new.business"] == ""  # blank stays blank, never 0
    assert imported.raw["t3.granted.total"] == "/"
    assert imported.raw["t4.review.upheld"] == "—"
    assert imported.raw["t2.rules.issued"] == 12
    assert imported.raw["meta.date"] == "2023-01-20"
    report = imported.report("v.docx")
    assert {"t3.new.natural", "t3.new.business", "t3.granted.total"} <= set(report.problems)
    assert report.values["t3.new.business"] is None


def test_huge_printed_number_is_a_finding_not_a_crash(tmp_path, sample):
    # int() refuses more than 4300 digits: a pasted digit string must reach the cell rules (E2).
    digits = "9" * 5000
    imported = import_file(write_docx(tmp_path / "v.docx", sample, Variant(cells={"t3.new.natural": digits})))
    assert imported.raw["t3.new.natural"] == digits
    report = imported.report("v.docx")
    assert report.problems["t3.new.natural"].rule == "E2"


def test_collapsed_other_row(tmp_path, sample):
    imported = import_file(write_docx(tmp_path / "v.docx", sample, Variant(collapse_other=True)))
    for col, _ in spec.T3_COLUMNS:
        assert imported.raw[f"t3.other_other.{col}"] == sample[f"t3.other_other.{col}"]
        assert imported.raw[f"t3.other_no_correction.{col}"] == ""
        assert imported.raw[f"t3.other_no_fee.{col}"] == ""
    assert any("（六）其他处理" in n and "3.其他" in n for n in imported.notes)


def test_old_format_and_non_reports_refused(tmp_path, sample):
    with pytest.raises(UnusableFile, match="2019"):
        import_file(write_docx(tmp_path / "old.docx", sample, Variant(old_format=True)))
    import docx
    letter = docx.Document()
    letter.add_paragraph("关于召开2024年度工作会议的通知")
    letter.add_paragraph("各单位：定于下周召开会议。")
    letter.save(str(tmp_path / "letter.docx"))
    with pytest.raises(UnusableFile, match="不是政府信息公开工作年度报告"):
        import_file(tmp_path / "letter.docx")


def test_import_command(tmp_path, sample):
    src = write_docx(tmp_path / "某某街道.docx", sample, Variant(cells={"t3.new.natural": "5件"}))
    proc = run_nianbao("import", src)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "5件" in proc.stdout and "表三" in proc.stdout
    data = json.loads((tmp_path / "某某街道.json").read_text(encoding="utf-8"))
    assert data["format"] == spec.FORMAT_ID
    assert data["t3.new.natural"] == "5件"
    assert data["sources"]["t3.new.natural"] == spec.describe("t3.new.natural")
    # check on the imported JSON names the place where each value was read
    proc = run_nianbao("check", tmp_path / "某某街道.json", "--json")
    findings = json.loads(proc.stdout)["findings"]
    assert any(f["cell"] == spec.describe("t3.new.natural") for f in findings)
    # an existing output is not replaced without --force
    proc = run_nianbao("import", src)
    assert proc.returncode == 2 and "--force" in proc.stderr
    # -o -: the JSON alone on standard output, the findings on standard error
    proc = run_nianbao("import", src, "-o", "-")
    assert json.loads(proc.stdout)["meta.year"] == sample["meta.year"]
    assert "5件" in proc.stderr


def test_import_to_workbook_keeps_printed_totals_said(tmp_path, sample):
    from toolkit.app import read_report
    bad_total = sample["t3.total.natural"] + 1
    src = write_docx(tmp_path / "r.docx", sample, Variant(cells={"t3.total.natural": str(bad_total)}))
    proc = run_nianbao("import", src, "-o", tmp_path / "r.xlsx")
    assert proc.returncode == 1
    assert f"印的是{bad_total}" in proc.stdout
    report = read_report(tmp_path / "r.xlsx")
    assert report.values["t3.total.natural"] == sample["t3.total.natural"]
    assert report.values["t3.new.natural"] == sample["t3.new.natural"]


def test_unusable_documents_exit_2(tmp_path, sample):
    (tmp_path / "broken.docx").write_bytes(b"not a zip")
    proc = run_nianbao("import", tmp_path / "broken.docx")
    assert proc.returncode == 2 and "Word" in proc.stderr
    src = write_docx(tmp_path / "old.docx", sample, Variant(old_format=True))
    proc = run_nianbao("import", src)
    assert proc.returncode == 2 and "2019" in proc.stderr


# --- web pages ----------------------------------------------------------------------------------

@pytest.mark.parametrize("options", [
    {}, {"word": True}, {"encoding": "gbk"}, {"encoding": "gb18030", "word": True},
    {"encoding": "gbk", "meta_charset": False, "word": True}, {"chrome": False},
], ids=["utf8", "word-markup", "gbk-meta", "gb18030-word", "gbk-detected", "bare"])
@pytest.mark.parametrize("variant", [Variant(), Variant(split_t3_at=5, extra_column="备注")],
                         ids=["plain", "split-extra"])
def test_web_pages(tmp_path, sample, options, variant):
    page = tmp_path / "report.html"
    page.write_bytes(html_page(sample, variant, **options))
    imported = import_file(page)
    assert differences(sample, imported) == []
    # page chrome (menus, breadcrumbs, the site's footer) is not read into the text
    assert "版权所有" not in imported.raw["text.other"]


@pytest.mark.parametrize("encoding, declared", [("gbk", "utf-8"), ("utf-8", "gb2312")],
                         ids=["gbk-bytes-utf8-meta", "utf8-bytes-gb2312-meta"])
def test_web_page_whose_meta_charset_is_wrong(tmp_path, sample, encoding, declared):
    """Sites often declare one charset and serve another (the HTTP header wins in the browser; the
    saved page keeps the wrong meta): the bytes decide."""
    page = html_page(sample, encoding=encoding)
    page = page.replace(f"charset={encoding}".encode("ascii"), f"charset={declared}".encode("ascii"))
    assert f"charset={declared}".encode("ascii") in page
    (tmp_path / "report.html").write_bytes(page)
    assert differences(sample, import_file(tmp_path / "report.html")) == []


def test_web_page_collapsed_row_and_signature(tmp_path, sample):
    page = tmp_path / "report.htm"
    page.write_bytes(html_page(sample, Variant(collapse_other=True, date="2023年1月20日"), word=True, encoding="gbk"))
    imported = import_file(page)
    assert imported.raw["meta.date"] == "2023-01-20"
    assert imported.raw["t3.other_no_fee.total"] == ""
    assert any("3.其他" in n for n in imported.notes)
    assert imported.raw["text.other"] == sample["text.other"]


def test_mhtml(tmp_path, sample):
    import quopri
    html = html_page(sample, encoding="gb18030")
    body = quopri.encodestring(html).decode("ascii")
    archive = ("MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"B\"\r\n\r\n--B\r\n"
               "Content-Type: text/html; charset=\"gb18030\"\r\nContent-Transfer-Encoding: quoted-printable\r\n"
               f"Content-Location: http://example/\r\n\r\n{body}\r\n--B--\r\n")
    (tmp_path / "page.mhtml").write_text(archive, encoding="ascii")
    assert differences(sample, import_file(tmp_path / "page.mhtml")) == []


def test_libreoffice_html_of_our_report(tmp_path, our_docx, sample):
    from lo import convert
    page = convert(our_docx, "html", tmp_path / "html")
    assert differences(sample, import_file(page)) == []


def test_our_published_web_page_reads_back_exactly(tmp_path, sample):
    """The page `nianbao build --html` writes for a website gives back the data it was made from."""
    from toolkit.app import build_reports, new_workbook
    book = new_workbook(tmp_path / "data.xlsx", data=sample)
    run = build_reports([book], tmp_path / "report.docx", html=True)
    page = run.items[0].html
    assert page is not None and page.exists()
    imported = import_file(page)
    assert differences(sample, imported) == []
    assert imported.notes == []


# --- PDF ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pdf_variants(tmp_path_factory) -> dict[str, Path]:
    """Our report and generated agency-style Word reports, each printed to PDF by LibreOffice
    once (one LibreOffice run for all of them)."""
    from lo import convert_many

    from toolkit.sample import sample_data
    folder = tmp_path_factory.mktemp("pdf")
    data = sample_data()
    sources = {
        "ours": build_report_docx(folder, data),
        "split-extra": write_docx(folder / "split-extra.docx", data, Variant(split_t3_at=8, extra_column="备注")),
        "collapsed-blank": write_docx(folder / "collapsed-blank.docx", data, Variant(
            collapse_other=True, cells={"t3.new.natural": "5件", "t3.new.business": "", "t2.fees.amount": "/"},
            date="2023年1月20日")),
        "old": write_docx(folder / "old.docx", data, Variant(old_format=True)),
    }
    pdfs = convert_many(list(sources.values()), "pdf", folder / "out")
    return {name: pdf for name, pdf in zip(sources, pdfs, strict=True)}


def test_pdf_of_our_report(pdf_variants, sample):
    imported = import_file(pdf_variants["ours"])
    assert differences(sample, imported) == []  # wrapped labels, a table over two pages, page numbers
    assert imported.notes == []
    assert imported.sources["t3.partial.natural"].startswith("第")
    assert imported.sources["t3.partial.natural"].endswith(spec.describe("t3.partial.natural"))


def test_pdf_variants(pdf_variants, sample):
    assert differences(sample, import_file(pdf_variants["split-extra"])) == []
    imported = import_file(pdf_variants["collapsed-blank"])
    assert imported.raw["t3.new.natural"] == "5件"
    assert imported.raw["t3.new.business"] == ""
    assert imported.raw["t2.fees.amount"] == "/"
    assert imported.raw["t3.other_no_fee.natural"] == ""
    assert imported.raw["meta.date"] == "2023-01-20"
    assert any("3.其他" in n for n in imported.notes)
    with pytest.raises(UnusableFile, match="2019"):
        import_file(pdf_variants["old"])


def test_scanned_pdf_refused(tmp_path, pdf_variants):
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(pdf_variants["ours"]))
    images = [pdf[i].render(scale=1).to_pil().convert("RGB") for i in range(2)]
    images[0].save(tmp_path / "scan.pdf", save_all=True, append_images=images[1:])
    proc = run_nianbao("import", tmp_path / "scan.pdf")
    assert proc.returncode == 2
    assert "扫描件" in proc.stderr and "OCR" in proc.stderr


# --- audit and new --from -------------------------------------------------------------------------

def test_audit_batch(tmp_path, sample, pdf_variants):
    import zipfile

    import openpyxl
    other = dict(sample, **{"meta.unit": "某某镇人民政府", "t3.new.natural": sample["t3.new.natural"] + 1})
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_docx(inbox / "jinping.docx", sample)
    (inbox / "town.html").write_bytes(html_page(other, word=True, encoding="gbk"))
    (inbox / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    write_docx(inbox / "old.docx", sample, Variant(old_format=True))
    with zipfile.ZipFile(tmp_path / "more.zip", "w") as zf:
        zf.write(pdf_variants["ours"], "锦屏街道.pdf")
    out = tmp_path / "out"
    proc = run_nianbao("audit", inbox, tmp_path / "more.zip", "-o", out, "--workers", "2")
    assert proc.returncode == 1, proc.stdout + proc.stderr  # errors and unreadable files
    book = out / "审核结果.xlsx"
    wb = openpyxl.load_workbook(book)
    rows = {r[0]: r for r in wb["审核结果"].iter_rows(min_row=2, values_only=True)}
    status = {Path(k).name: r[4] for k, r in rows.items()}
    assert status["town.html"] == "有错误"  # its new applications no longer add up
    assert status["broken.pdf"] == "无法读取"
    assert status["old.docx"] == "旧格式"
    assert status["jinping.docx"] == "有提示"  # the same unit and year twice (the zip's PDF)
    assert rows[str(inbox / "town.html")][3] == "网页"
    findings = list(wb["全部问题"].iter_rows(min_row=2, values_only=True))
    town = [f for f in findings if f[0].endswith("town.html") and f[3] == "错误"]
    assert town and all(f[8] for f in town)  # where each was read in the original
    assert any(f[4] == "重复" for f in findings)
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert {f["status"] for f in data["files"]} == {"errors", "unreadable", "old_format", "warnings"}
    assert sorted(p.name for p in (out / "数据").iterdir()) == ["jinping.json", "town.json", "锦屏街道.json"]


def test_audit_says_what_of_nianbao_it_skipped(tmp_path, sample):
    """A draft e-mail collect wrote (X-Unsent), saved among the reports: audit leaves it out and
    says so on screen, as collect does (it left it out silently)."""
    from email.message import EmailMessage
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    report = write_docx(inbox / "锦屏街道.docx", sample)
    draft = EmailMessage()
    draft["X-Unsent"] = "1"
    draft["Subject"] = "【退回修改】锦屏街道年度报告"
    draft.set_content("请修改后重新报送。")
    draft.add_attachment(report.read_bytes(), maintype="application", subtype="octet-stream",
                         filename="锦屏街道（退回修改）.docx")
    (inbox / "退回通知.eml").write_bytes(draft.as_bytes())
    proc = run_nianbao("audit", inbox, "-o", tmp_path / "out")
    assert "共 1 份报告" in proc.stdout, proc.stdout + proc.stderr
    assert "已跳过 nianbao 以前生成的输出文件夹和邮件草稿" in proc.stderr and "退回通知.eml" in proc.stderr


def test_audit_exit_codes(tmp_path, sample):
    folder = tmp_path / "ok"
    folder.mkdir()
    write_docx(folder / "a.docx", sample)
    assert run_nianbao("audit", folder, "-o", tmp_path / "o1").returncode == 0
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.pdf").write_bytes(b"nothing")
    proc = run_nianbao("audit", bad, "-o", tmp_path / "o2")
    assert proc.returncode == 2


@pytest.mark.parametrize("command, verb", [("audit", "审核"), ("collect", "汇总")])
def test_a_mistyped_input_is_refused_before_any_output(tmp_path, command, verb):
    """audit checks its inputs as collect does: a typo is no "1 份报告", and no folder is made."""
    proc = run_nianbao(command, tmp_path / "nonexist", "-o", tmp_path / "out")
    assert proc.returncode == 2
    assert f"找不到要{verb}的文件或文件夹：{tmp_path / 'nonexist'}。请检查路径，未生成任何输出" in proc.stderr
    assert not (tmp_path / "out").exists() and proc.stdout == ""


def test_audit_file_name_in_gbk_bytes(tmp_path, sample):
    """A Windows archive unpacked on UOS/Kylin leaves names in GBK bytes (lone surrogates in Python):
    the 审核结果.xlsx and findings.json are still written."""
    import os
    folder = tmp_path / "in"
    folder.mkdir()
    write_docx(Path(os.fsdecode(os.fsencode(folder) + b"/\xb5\xa5\xce\xbb.docx")), sample)
    proc = run_nianbao("audit", folder, "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "out" / "审核结果.xlsx").exists()
    json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))


def test_audit_refuses_a_second_run_and_an_open_output(tmp_path, sample):
    """audit's OUTDIR as collect's (collect.outdir): one run at a time, 审核结果.xlsx open in Excel
    found before the batch."""
    from toolkit.app.audit import audit
    from toolkit.collect.outdir import RunLock
    from toolkit.errors import OutputBlocked
    folder = tmp_path / "in"
    folder.mkdir()
    write_docx(folder / "a.docx", sample)
    out = tmp_path / "out"
    out.mkdir()
    with RunLock(out, "audit"):
        with pytest.raises(OutputBlocked, match="另一个 nianbao audit"):
            audit([folder], out, workers=1)
    (out / "~$审核结果.xlsx").write_bytes(b"")
    with pytest.raises(OutputBlocked, match="审核结果.xlsx 正被"):
        audit([folder], out, workers=1)
    (out / "~$审核结果.xlsx").unlink()
    assert audit([folder], out, workers=1).exit_code == 0


def test_audit_copies_across_units(tmp_path, sample):
    """W13 over the batch: another unit's report whose section 五 is this one's."""
    folder = tmp_path / "in"
    folder.mkdir()
    write_docx(folder / "a.docx", sample)
    copied = dict(sample, **{"meta.unit": "某某街道", "text.other": "本年度未收取信息处理费。"})
    write_docx(folder / "b.docx", copied)
    from toolkit.app.audit import audit
    summary = audit([folder], tmp_path / "out", workers=1)
    w13 = [f for r in summary.rows for f in r.findings if f.rule == "W13"]
    assert any("五、存在的主要问题及改进情况" in f.message for f in w13)
    assert not any("六、其他需要报告的事项" in f.message for f in w13)


def test_new_from_last_years_report(tmp_path, sample):
    from toolkit.app import check_file, read_report
    last = dict(sample, **{f"t3.carry_forward.{c}": i + 1 for i, c in enumerate(spec.T3_APPLICANT_COLUMNS)})
    last["t3.carry_forward.total"] = sum(range(1, 7))
    src = write_docx(tmp_path / "去年.docx", last)
    proc = run_nianbao("new", tmp_path / "今年.xlsx", "--from", src)
    assert proc.returncode == 0, proc.stderr
    report = read_report(tmp_path / "今年.xlsx")
    assert report.values["meta.unit"] == sample["meta.unit"]
    assert report.values["meta.unit_level"] == "乡镇街道"
    assert report.values["meta.year"] == sample["meta.year"] + 1
    for i, col in enumerate(spec.T3_APPLICANT_COLUMNS):
        assert report.values[f"t3.carried_over.{col}"] == i + 1
    assert report.values["t3.carried_over.total"] == 21
    assert all(not report.values.get(k) for k in spec.TEXT_KEYS)  # texts left empty
    import zipfile
    props = zipfile.ZipFile(tmp_path / "今年.xlsx").read("docProps/custom.xml").decode("utf-8")
    assert "去年.docx" in props
    # check --previous with that report: the carried-over applications agree (W1)
    result = check_file(tmp_path / "今年.xlsx", tmp_path / "去年.docx")
    assert not [f for f in result.findings if f.rule == "W1"]


@pytest.mark.parametrize("what", ["audit", "new"])
def test_written_workbooks_pass_openxml_audit(tmp_path, sample, what):
    import shutil
    import subprocess
    tool = shutil.which("openxml-audit")
    from conftest import require
    require(tool, "openxml-audit is not installed (pip install openxml-audit)")
    src = write_docx(tmp_path / "r.docx", sample)
    if what == "audit":
        run_nianbao("audit", src, "-o", tmp_path / "out")
        book = tmp_path / "out" / "审核结果.xlsx"
    else:
        run_nianbao("new", tmp_path / "n.xlsx", "--from", src)
        book = tmp_path / "n.xlsx"
    proc = subprocess.run([tool, str(book)], capture_output=True, text=True, timeout=120)
    assert "Errors: 0" in proc.stdout, proc.stdout[-2000:]


# --- spreadsheets and plain text ----------------------------------------------------------------

def test_reference_text_of_a_real_report(sample):
    """The bundled real report (锦屏街道 2022), as a converter wrote its text: one cell per line."""
    from conftest import REFERENCE, shared_text
    shared_text(REFERENCE)
    imported = import_file(REFERENCE)
    assert differences(sample, imported) == []


def test_text_with_rows_on_lines(tmp_path, sample):
    from docgen import body
    lines = []
    for kind, content in body(sample, Variant(cells={"t3.granted.business": ""})):
        if kind == "table":
            for row in content:
                lines.append("  ".join(text for text, _, _ in row if text))
        else:
            lines.append(str(content))
    (tmp_path / "r.txt").write_text("\n".join(lines), encoding="gb18030")
    imported = import_file(tmp_path / "r.txt")
    report = imported.report("r.txt")
    assert report.values["t3.new.total"] == sample["t3.new.total"]
    assert report.values["t4.review.total"] == sample["t4.review.total"]
    # the row with a blank cell cannot be split into columns: said, not guessed
    assert imported.raw.get("t3.granted.natural") is None
    assert any("（一）予以公开" in n and "无法对应到各列" in n for n in imported.notes)


@pytest.mark.parametrize("config", ["s2t", "s2hk", "s2twp"])
@pytest.mark.parametrize("kind", ["docx", "html", "txt"])
def test_report_in_traditional_characters(tmp_path, sample, config, kind):
    """A report as a site's 繁體 version or Word's 简转繁 gives it (OpenCC: characters only, Hong
    Kong forms, or Taiwan phrases: 政府資訊公開, 行政規範性檔案): read as the simplified report, said
    once; its texts come back exactly where only the characters were converted."""
    import docx
    from opencc_purepy import OpenCC
    convert = OpenCC(config).convert
    if kind == "docx":
        src = write_docx(tmp_path / "r.docx", sample)
        word = docx.Document(str(src))
        paragraphs = list(word.paragraphs) + [p for t in word.tables for row in t.rows for c in row.cells
                                              for p in c.paragraphs]
        for p in paragraphs:
            for run in p.runs:
                run.text = convert(run.text)
        word.save(str(src))
    elif kind == "html":
        src = tmp_path / "r.html"
        src.write_text(convert(html_page(sample).decode("utf-8")), encoding="utf-8")
    else:
        from docgen import text_report
        src = tmp_path / "r.txt"
        src.write_text(convert(text_report(sample)), encoding="utf-8")
    imported = import_file(src)
    assert [d for d in differences(sample, imported) if not d[0].startswith("text.")] == []
    assert imported.sections == {s.number: s.heading for s in spec.SECTIONS}
    if config != "s2twp":
        assert differences(sample, imported) == []
    assert [n for n in imported.notes if "繁体字" in n] == [imported.notes[0]] and len(imported.notes) == 1


def test_simplified_reports_are_not_converted(sample):
    """A simplified report, even one read incompletely, is never converted (乾元镇 stays 乾元镇)."""
    from toolkit.importers.traditional import is_traditional
    from toolkit.importers.text import parse_text
    from conftest import REFERENCE, shared_text
    text = shared_text(REFERENCE)
    assert not is_traditional(parse_text(text))
    assert not is_traditional(parse_text(text.replace("锦屏街道", "乾元镇").replace("五、", "")))


@pytest.mark.parametrize("zero", ["〇", "零", "O", "Ｏ"])
def test_years_written_with_any_zero(tmp_path, sample, zero):
    """二〇二二年 in the title and the 落款 as Word documents type it: 〇, 零, or a Latin (or
    full-width) O for 〇 (二O二二年 was not read: no year, no date, W11 off)."""
    year = "二" + zero + "二二"
    title = f"{sample['meta.unit']}{year}年政府信息公开工作年度报告"
    src = write_docx(tmp_path / "r.docx", sample, Variant(title=title, date=f"二{zero}二三年一月二十日"))
    imported = import_file(src)
    assert (imported.raw["meta.unit"], imported.raw["meta.year"]) == (sample["meta.unit"], 2022)
    assert imported.raw["meta.date"] == "2023-01-20"


def test_units_own_spreadsheet(tmp_path, sample):
    import docx
    import openpyxl
    src = write_docx(tmp_path / "r.docx", sample, Variant(extra_column="备注"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "年报表格"
    ws.cell(1, 1, spec.title(sample))
    r = 3
    for table in docx.Document(str(src)).tables:
        for row in table.rows:
            for j, cell in enumerate(row.cells):
                ws.cell(r, j + 1, int(cell.text) if cell.text.isdigit() else cell.text)
            r += 1
        r += 1
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    wb.save(tmp_path / "own.xlsx")
    proc = run_nianbao("import", tmp_path / "own.xlsx", "-o", tmp_path / "own.json")
    data = json.loads((tmp_path / "own.json").read_text(encoding="utf-8"))
    assert data["t3.new.natural"] == sample["t3.new.natural"]
    assert data["sources"]["t3.new.natural"].startswith("工作表“年报表格”")
    assert all(data[k] == sample[k] for k in spec.NUMBER_KEYS)
    assert "备注" in proc.stdout  # the extra column is said


def _own_sheet(path: Path, data: dict, titles: str) -> Path:
    """The report's tables typed into a unit's own sheet, as units retype them: ``titles`` says how
    a cell spanning columns is written: "merged" (merged cells), "first" (its text in the first
    cell only, centred across the selection, nothing merged: an unmerged copy), "middle" (table
    四's group titles typed into the middle column of their group, for the look)."""
    import openpyxl
    from docgen import _layout, table_rows
    from openpyxl.styles import Alignment
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "年报表格"
    ws.cell(1, 1, spec.title(data))
    top = 3
    for table in spec.TABLES:
        ws.cell(top, 1, table.title)
        placed, _ = _layout(table_rows(table, data, Variant()))
        for r, c, text, rs, cs in placed:
            row, col = top + 1 + r, 1 + c
            group_title = table.id == "t4" and text in {label for _, label in spec.T4_GROUPS}
            if titles == "middle" and group_title and cs == 5:
                col += 2
            ws.cell(row, col, int(text) if text.isdigit() else text)
            if titles == "merged" and (rs > 1 or cs > 1):
                ws.merge_cells(start_row=row, start_column=col, end_row=row + rs - 1, end_column=col + cs - 1)
            elif titles == "first" and cs > 1:
                ws.cell(row, col).alignment = Alignment(horizontal="centerContinuous")
        top += 2 + max(r + rs for r, _, _, rs, _ in placed)
    wb.save(path)
    return path


@pytest.mark.parametrize("titles", ["merged", "first", "middle"])
def test_units_own_spreadsheet_with_unmerged_titles(tmp_path, sample, titles):
    """表四's group titles not merged over their five columns (F21: 12 of 15 values were blank):
    a title stands over its group; every value lands in its own column (all 15 distinct)."""
    data = dict(sample) | {c.key: i + 1 for i, c in enumerate(spec.TABLE_BY_ID["t4"].value_cells)}
    imported = import_file(_own_sheet(tmp_path / "own.xlsx", data, titles))
    assert [d for d in differences(data, imported) if d[0] in spec.NUMBER_KEYS] == []
    assert not [n for n in imported.notes if "只有表格" not in n]


def test_units_own_spreadsheet_without_a_group_title_says_so(tmp_path, sample):
    """A group whose title is missing altogether: its columns are said and left unread, never
    guessed and never judged blank (E1)."""
    import openpyxl

    from toolkit.rules import check
    data = dict(sample) | {c.key: i + 1 for i, c in enumerate(spec.TABLE_BY_ID["t4"].value_cells)}
    path = _own_sheet(tmp_path / "own.xlsx", data, "first")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "复议后起诉")
    cell.value = None
    wb.save(path)
    imported = import_file(path)
    assert all(k not in imported.raw for k in imported.unread)
    assert sorted(imported.unread) == sorted(c.key for c in spec.TABLE_BY_ID["t4"].value_cells
                                             if c.role == "input" and c.key.startswith("t4.suit_after_review."))
    assert "t4.suit_after_review.total" not in imported.raw
    assert imported.raw["t4.suit_direct.total"] == data["t4.suit_direct.total"]
    assert any("表四有5列" in n and "复议后起诉" in n for n in imported.notes), imported.notes
    assert not [f for f in check(imported.report(str(path))).findings if f.rule == "E1"]


def test_units_own_spreadsheet_of_tables_only_is_judged_on_its_tables(tmp_path, sample):
    """A unit's own sheet of the three tables, each under its heading with no empty row between
    (F22): the headings are read as headings (not "not found" on a data cell), and the text a
    spreadsheet of tables does not hold is no error (E7) and no hint (W6); said once. A sheet
    that does hold text is judged as a whole report."""
    import openpyxl

    from toolkit.rules import check
    path = _own_sheet(tmp_path / "own.xlsx", sample, "merged")
    imported = import_file(path)
    assert imported.sections == {s.number: s.heading for s in spec.SECTIONS if s.content != "text"}
    found = check(imported.report(str(path))).findings
    assert [(f.rule, f.message) for f in found] == []
    assert any("只有表格" in n for n in imported.notes), imported.notes

    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws.insert_rows(2, 2)
    ws.cell(2, 1, spec.SECTIONS[0].heading)
    ws.cell(3, 1, "（一）主动公开情况。本年主动公开政府信息220条。")
    wb.save(tmp_path / "with_text.xlsx")
    imported = import_file(tmp_path / "with_text.xlsx")
    assert not any("只有表格" in n for n in imported.notes)
    e7 = [f.message for f in check(imported.report("with_text.xlsx")).findings if f.rule == "E7"]
    assert any("（二）依申请公开情况" in m for m in e7) and any("章节标题「五、" in m for m in e7)
    assert not any("章节标题「二、" in m for m in e7)


def test_tables_only_json_is_judged_as_its_spreadsheet(tmp_path, sample):
    """The JSON imported from a spreadsheet of the tables says so (``tables_only``): check of it
    gives what the import gave (no E7 on the text it never held); a wrong flag is refused."""
    path = _own_sheet(tmp_path / "own.xlsx", sample, "merged")
    imported = run_nianbao("import", path, "-o", tmp_path / "own.json")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    data = json.loads((tmp_path / "own.json").read_text(encoding="utf-8"))
    assert data["tables_only"] is True and "sections" not in data
    checked = run_nianbao("check", tmp_path / "own.json")
    assert checked.returncode == 0 and "E7" not in checked.stdout, checked.stdout
    data["tables_only"] = "yes"
    (tmp_path / "bad.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    refused = run_nianbao("check", tmp_path / "bad.json")
    assert refused.returncode == 2 and "tables_only" in refused.stdout + refused.stderr


def test_missing_section_is_e7(tmp_path, sample):
    import docx

    from toolkit.rules import check
    src = write_docx(tmp_path / "r.docx", sample)
    word = docx.Document(str(src))
    for p in word.paragraphs:
        if p.text == spec.SECTIONS[4].heading:
            p.text = "五、下一步工作打算"  # renamed beyond recognition
    word.save(str(src))
    report = import_file(src).report(str(src))
    e7 = [f for f in check(report).findings if f.rule == "E7"]
    assert any(spec.SECTIONS[4].heading in f.message and "章节标题" in f.message for f in e7)
    ours = import_file(write_docx(tmp_path / "ok.docx", sample)).report("ok")
    assert not [f for f in check(ours).findings if f.rule == "E7"]


def test_sections_carried_in_the_json(tmp_path, sample):
    """The headings found go into the JSON (``sections``), so E7 judges the JSON as it judged the
    document; JSON without them (typed in, or imported by an older nianbao) stays valid."""
    import docx
    src = write_docx(tmp_path / "r.docx", sample)
    word = docx.Document(str(src))
    for p in word.paragraphs:
        if p.text == spec.SECTIONS[4].heading:
            p.text = "五、下一步工作打算"
    word.save(str(src))
    assert run_nianbao("import", src, "-o", tmp_path / "r.json").returncode == 1
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["sections"] == {s.number: s.heading for s in spec.SECTIONS if s.number != "五"}
    proc = run_nianbao("check", tmp_path / "r.json", "--json")
    e7 = [f for f in json.loads(proc.stdout)["findings"] if f["rule"] == "E7"]
    assert any(spec.SECTIONS[4].heading in f["message"] for f in e7)
    del data["sections"]
    (tmp_path / "old.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    proc = run_nianbao("check", tmp_path / "old.json", "--json")
    assert not [f for f in json.loads(proc.stdout)["findings"] if "章节标题" in f["message"]]
    data["sections"] = ["一"]
    (tmp_path / "bad.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    proc = run_nianbao("check", tmp_path / "bad.json")
    assert proc.returncode == 2 and "sections" in proc.stdout + proc.stderr


# --- variants of published reports: headings, titles, labels, text as crawlers flatten it ---------

REAL_VARIANTS = {
    "official": Variant(),
    # 1、总体情况 (正阳街道), the year first in the title (乡镇), captions above the tables, labels typed
    # with ASCII brackets and 1、, 商业 企业 with a space, an extra 合计 row under table 三
    "arabic-loose": Variant(heading_style="1、", title_style="year-first", captions=True, loose_labels=True,
                            total_row=True, date="2023年1月20日", part_style="aspects"),
    # headings and parts as lines without numbers (bold, or numbered by Word's list numbering); the
    # unit on its own line above the title
    "plain-headings": Variant(heading_style="", title_style="two-lines", date="二〇二三年一月二十日",
                              part_style="bare"),
    # （一）-numbered sections, parts on lines of their own (（一）主动公开); a title broken after 政府
    # (西咸新区 pages); table 二 as four small tables, one per 第二十条 block
    "bracket-wrapped": Variant(heading_style="（一）", title_style="wrapped", part_style="short", t2_tables=True),
    # 第一部分 headings; zeros printed as - and / (E1 names them), a blank cell
    "parts-placeholders": Variant(heading_style="第一部分 ", cells={
        "t2.rules.issued": "-", "t4.review.upheld": "/", "t3.granted.business": ""}),
    # each text section's heading run into its first paragraph (一、总体情况2022年，我街道…)
    "run-in": Variant(run_in_headings=True),
}
PLACEHOLDERS = {"t2.rules.issued": "-", "t4.review.upheld": "/", "t3.granted.business": ""}


def expected_differences(variant: Variant) -> set[str]:
    return set(variant.cells) | ({"meta.date"} if variant.date else set())


@pytest.mark.parametrize("name", list(REAL_VARIANTS))
@pytest.mark.parametrize("kind", ["docx", "html", "word-html"])
def test_published_variants(tmp_path, sample, name, kind):
    from docgen import heading_text
    variant = REAL_VARIANTS[name]
    if kind == "docx":
        src = write_docx(tmp_path / "v.docx", sample, variant)
    else:
        src = tmp_path / "v.html"
        src.write_bytes(html_page(sample, variant, word=kind == "word-html", encoding="gbk"))
    imported = import_file(src)
    assert {k for k, _, _ in differences(sample, imported)} == expected_differences(variant)
    assert imported.sections == {s.number: heading_text(s, variant.heading_style) for s in spec.SECTIONS}
    if variant.date:
        assert imported.raw["meta.date"] == "2023-01-20"
    for key, printed in variant.cells.items():
        assert imported.raw[key] == printed  # kept as printed, for E1 to name
    assert [n for n in imported.notes if "合计" not in n] == []


@pytest.mark.parametrize("style", TEXT_STYLES)
@pytest.mark.parametrize("name", list(REAL_VARIANTS))
def test_text_variants(tmp_path, sample, style, name):
    """Text as converters, crawlers and copy-paste flatten the tables. Where a blank cell leaves
    no trace (a cell per line, or cells apart by spaces), its row cannot be split: said, not
    guessed, and its cells are not judged blank."""
    from docgen import text_report

    from toolkit.rules import check
    variant = REAL_VARIANTS[name]
    (tmp_path / "r.txt").write_text(text_report(sample, variant, style), encoding="gb18030")
    imported = import_file(tmp_path / "r.txt")
    expected = expected_differences(variant)
    traceless = style in ("cells", "spaces", "space") and "t3.granted.business" in variant.cells
    if traceless:
        expected |= {f"t3.granted.{c}" for c, _ in spec.T3_COLUMNS}
        assert any("（一）予以公开" in n and "无法对应到各列" in n for n in imported.notes)
    assert {k for k, _, _ in differences(sample, imported)} == expected
    report = imported.report("r.txt")
    e1 = {f.keys[0] for f in check(report).findings if f.rule == "E1"}
    assert e1 == {k for k in variant.cells if not (traceless and k.startswith("t3.granted."))}


def test_table_three_in_another_column_order(tmp_path, sample):
    """Word and web pages map table 三's columns by their labels, in any order; a text cannot
    (its header lists the labels, not the columns), so it says so and reads nothing of table 三."""
    from docgen import text_report

    from toolkit.rules import check
    data = dict(sample, **{f"t3.new.{c}": i + 1 for i, c in enumerate(spec.T3_APPLICANT_COLUMNS)})
    data["t3.new.total"] = 21
    flat = tuple(key for key, _ in spec.T3_COLUMNS)
    for order in (flat, ("total", *flat[:-1])):
        variant = Variant(t3_columns=order)
        assert differences(data, import_file(write_docx(tmp_path / "v.docx", data, variant))) == []
        (tmp_path / "v.html").write_bytes(html_page(data, variant))
        assert differences(data, import_file(tmp_path / "v.html")) == []
        (tmp_path / "v.txt").write_text(text_report(data, variant, "pipe-rows"), encoding="utf-8")
        imported = import_file(tmp_path / "v.txt")
        if order == flat:
            assert differences(data, imported) == []
        else:
            assert any("顺序不同" in n and "表三未读取" in n for n in imported.notes)
            assert all(k not in imported.raw for k in spec.KEYS if k.startswith("t3."))
            assert not check(imported.report("v.txt")).findings  # nothing judged that was not read


def test_text_of_a_printed_table_four(tmp_path, sample):
    """Text taken from a PDF: table 四's header broken into one-character-wide lines (结果↵维持),
    its fifteen numbers on one line apart by single spaces: read by their count and order."""
    from docgen import text_report
    data = dict(sample, **{"t4.review.upheld": 2, "t4.review.total": 2})
    text = text_report(data, Variant(), "spaces")
    head, rest = text.split(spec.SECTIONS[3].heading + "\n", 1)
    tail = rest[rest.index(spec.SECTIONS[4].heading):]
    values = " ".join(str(data[c.key]) for c in spec.TABLE_BY_ID["t4"].value_cells)
    table = ("行政复议 行政诉讼\n未经复议直接起诉 复议后起诉\n结果 结果 其他 尚未 总\n"
             "维持 纠正 结果 审结 计 结果 结果 其他 尚未 总 结果 结果 其他 尚未 总\n"
             f"维持 纠正 结果 审结 计 维持 纠正 结果 审结 计\n{values}\n")
    (tmp_path / "r.txt").write_text(head + spec.SECTIONS[3].heading + "\n" + table + tail, encoding="utf-8")
    assert differences(data, import_file(tmp_path / "r.txt")) == []


def test_text_with_a_damaged_byte_stays_utf8(tmp_path, sample):
    """A UTF-8 text with a stray byte (a download cut and resumed) is read as UTF-8, that byte
    replaced; GB18030, which accepts almost any bytes, would misread every character."""
    from docgen import text_report
    data = text_report(sample, Variant(), "pipe-cells").encode("utf-8")
    cut = data.index("二、主动公开".encode()) - 1
    (tmp_path / "r.txt").write_bytes(data[:cut] + b"\xff" + data[cut:])
    imported = import_file(tmp_path / "r.txt")
    assert [k for k, _, _ in differences(sample, imported)] == ["text.oversight"]  # the byte's paragraph
    assert imported.raw["text.oversight"] == sample["text.oversight"] + "\ufffd"


# --- what import says about what it did not read (F28, F11) -----------------------------------------

def _reference_text() -> str:
    from conftest import REFERENCE, shared_text
    return shared_text(REFERENCE)


@pytest.mark.parametrize("unit, year, note", [
    (None, None, "机关名称和年度未读取（可用 --unit、--year 给出）"), ("锦屏街道", None, "年度未读取（可用 --year 给出）"),
    (None, 2022, "机关名称未读取（可用 --unit 给出）"), ("锦屏街道", 2022, None)])
def test_no_title_note_names_only_what_options_did_not_give(tmp_path, unit, year, note):
    from toolkit.app.importing import read_any
    untitled = tmp_path / "notitle.txt"
    untitled.write_text(_reference_text().split("\n", 1)[1], encoding="utf-8")
    notes = [n for n in read_any(untitled, unit=unit, year=year).notes if "标题" in n]
    assert notes == ([f"没有找到“××××年政府信息公开工作年度报告”样式的标题，{note}"] if note else []), notes


def test_blank_cells_beyond_those_listed_point_to_check_json(tmp_path):
    """The console lists five blank cells a table and counts the rest: it says where the rest are,
    and a document or JSON has no results sheet and import has no --json."""
    from toolkit.app.importing import data_object, read_any
    from toolkit.output import render_result
    from toolkit.rules import check
    (tmp_path / "r.txt").write_text(_reference_text(), encoding="utf-8")
    data = data_object(read_any(tmp_path / "r.txt"))
    data.update({f"t3.granted.{c}": None for c in spec.T3_APPLICANT_COLUMNS})  # seven cells left blank
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    shown = render_result(check(read_any(path).report))
    assert "另有" in shown and "（全部可用 nianbao check 文件 --json 列出）" in shown, shown
    assert "校验结果”工作表" not in shown


def _collapsed_other(text: str) -> str:
    """The reference with （六）其他处理 printed as one row, as real 2023 and 2024 reports do: its
    label on the 1. sub-row's numbers (2 0 0 0 0 0 2), the 2. and 3. sub-rows not printed."""
    import re
    text, n = re.subn(r"\n\t1\.申请人无正当理由[^\n]*", "", text)
    text, m = re.subn(r"\n\n\t\n\t\n\t2\.申请人逾期未按收费[^\n]*(\n\t\d+){7}\n\n\t\n\t\n\t3\.其他(\n\t\d+){7}", "",
                      text)
    assert (n, m) == (1, 1)
    return text


def test_collapsed_other_row_is_no_error_and_its_json_checks_alike(tmp_path):
    """F10: a collapsed （六）其他处理 row is read into 3.其他 and said once; the two sub-rows the report
    never printed are no E1 each, in the import and in `check` of the JSON it wrote."""
    from toolkit.app.importing import import_report, read_any
    from toolkit.rules import check
    src = tmp_path / "collapsed.txt"
    src.write_text(_collapsed_other(_reference_text()), encoding="utf-8")
    outcome = import_report(src, tmp_path / "collapsed.json")
    assert any("只印了一行" in n for n in outcome.result.notes), outcome.result.notes
    assert outcome.source.report.values["t3.other_other.natural"] == 2
    assert [f.message for f in outcome.result.findings] == []
    again = check(read_any(tmp_path / "collapsed.json").report)
    assert (len(again.errors), len(again.warnings)) == (len(outcome.result.errors), len(outcome.result.warnings))
    # a JSON whose 2. sub-row alone is blank did not collapse anything: its blanks are told
    data = json.loads((tmp_path / "collapsed.json").read_text(encoding="utf-8"))
    data.update({f"t3.other_no_correction.{c}": 0 for c in spec.T3_APPLICANT_COLUMNS})
    (tmp_path / "half.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    blanks = {f.keys[0] for f in check(read_any(tmp_path / "half.json").report).errors if f.rule == "E1"}
    assert blanks == {f"t3.other_no_fee.{c}" for c in spec.T3_APPLICANT_COLUMNS}




def _t4_grid(spread: int) -> Grid:
    """表四 as a browser lays out a page whose 总计 cells span ``1 + spread`` columns (LibreOffice's
    and Word's HTML export: 2, the group titles one column wider): the header rows, the values."""
    builder = GridBuilder()
    labels = [label for _, label in spec.T4_COLUMNS]
    builder.add_row([("行政复议", 2, 5), ("行政诉讼", 1, 10 + spread)])
    builder.add_row([("未经复议直接起诉", 1, 5 + spread), ("复议后起诉", 1, 5)])
    builder.add_row([(x, 1, 1) for x in labels[:-1]] + [("总计", 1, 1 + spread)] + [(x, 1, 1) for x in labels * 2])
    builder.add_row([(str(v), 1, 1) for v in (9, 1, 7, 0)] + [("17", 1, 1 + spread)]
                    + [(str(v), 1, 1) for v in (3, 4, 2, 3, 12, 6, 6, 7, 1, 20)])
    return builder.grid()


def test_table_four_cell_spread_over_two_columns_counts_once():
    """A 总计 spread over two grid columns is read once, at its first column: 12 stays 12."""
    imported = read_document(Document("网页", [_t4_grid(1)]))
    assert (imported.raw["t4.review.total"], imported.raw["t4.suit_direct.total"]) == (17, 12)
    assert imported.raw["t4.suit_after_review.total"] == 20


def test_table_four_titles_drawn_one_column_short_are_read_by_their_groups():
    """A printed page whose 行政复议 is drawn over four columns and 行政诉讼, 未经复议直接起诉 over the
    fifth (a browser gave the column no width; a government page printed by Chromium, F5): the
    five labels under each title are one group, in the official order; the title over most of a
    group's columns is its title. Every value read, nothing said (two E1 before)."""
    grid = _t4_grid(0)
    for row in grid.rows[:2]:
        row[4] = row[5]
    imported = read_document(Document("PDF", [grid]))
    assert (imported.raw["t4.review.total"], imported.raw["t4.suit_direct.total"]) == (17, 12)
    assert imported.raw["t4.suit_direct.upheld"] == 3
    assert not [n for n in imported.notes if "表四" in n]


def test_table_four_column_under_two_headings_is_said_not_guessed():
    """The same page with a group whose labels are not the official five (尚未审结 missing under
    行政复议): the 总计 drawn under 行政诉讼 is 未经复议直接起诉's second 总计 column; neither is taken,
    it is said, and the cells are not judged blank."""
    from toolkit.rules import check
    grid = _t4_grid(0)
    for row in grid.rows[:2]:
        row[4] = row[5]
    grid.rows[2][3] = dataclasses.replace(grid.rows[2][3], text="")
    imported = read_document(Document("PDF", [grid]))
    assert "t4.suit_direct.total" not in imported.raw
    assert imported.raw["t4.suit_direct.upheld"] == 3
    assert any("未经复议直接起诉" in n and "两列" in n for n in imported.notes), imported.notes
    e1 = {f.keys[0] for f in check(imported.report("x")).findings if f.rule == "E1"}
    assert "t4.suit_direct.total" not in e1


def test_word_report_with_unaccepted_tracked_changes_and_content_controls(tmp_path, sample):
    """A report edited in Writer with 修订 on and saved unaccepted, values in content controls (内容控件):
    read as the final view shows it (F32). Before, python-docx's text skipped w:ins and inline w:sdt."""
    from lo import writer_edit
    printed = {"t2.licensing.decisions": "7301", "t3.partial.natural": "7311", "t4.review.upheld": "7321",
               "t2.penalty.decisions": "7331", "t3.new.business": "7341", "t4.suit_direct.total": "7351",
               "t2.coercion.decisions": "7361"}
    src = write_docx(tmp_path / "r.docx", sample, Variant(cells=printed))
    sentence = "主动公开政府信息220条"
    assert sentence in sample["text.proactive"]
    edited = writer_edit(src, tmp_path / "edited.docx",
                         {"tracked_replace": {"find": "7301", "replace": "7302"}},
                         {"tracked_replace": {"find": "7311", "replace": "15"}},
                         {"tracked_replace": {"find": "7321", "replace": "0"}},
                         {"tracked_replace": {"find": sentence, "replace": "主动公开政府信息225条"}},
                         {"content_control": {"find": "7331"}},
                         {"content_control": {"find": "7341"}},
                         {"content_control": {"find": "7351"}},
                         {"content_control": {"find": "7361", "placeholder": "单击或点击此处输入文字。"}})
    import zipfile
    xml = zipfile.ZipFile(edited).read("word/document.xml").decode("utf-8")
    assert "<w:ins " in xml and "<w:delText>7301</w:delText>" in xml and "<w:sdt>" in xml
    expected = dict(sample) | {k: int(v) for k, v in printed.items()} | {
        "t2.licensing.decisions": 7302, "t3.partial.natural": 15, "t4.review.upheld": 0,
        "t2.coercion.decisions": None,  # a control showing its placeholder holds nothing typed
        "text.proactive": sample["text.proactive"].replace(sentence, "主动公开政府信息225条")}
    imported = import_file(edited)
    assert differences(expected, imported) == []


def test_a_site_footer_of_many_lines_is_cut_whole_and_never_the_reports_text():
    """A saved page's footer (tester4 G22) may run to six lines or more; it is cut from its first
    marked line, and the walk up stops at the report's own last sentence."""
    from toolkit.importers.document import Paragraph
    from toolkit.importers.tables import _without_signature
    text = ["本机关2024年度无其他需要报告的事项。"]
    footer = ["网站地图 | 联系我们", "主办单位：某某区人民政府办公室", "承办单位：某某区大数据中心",
              "地址：某某路1号 邮编：100000", "网站标识码：3300000001", "浙ICP备12345678号",
              "浙公网安备 33000002000001号", "技术支持：某某科技有限公司"]
    out = [p.text for p in _without_signature([Paragraph(t) for t in text + footer])]
    assert out == text  # (网站地图, short and unmarked, goes as the 落款 would)
    # a marked line above the report's last sentence is the report's own text
    body = ["本网站主办单位：某某区人民政府办公室负责内容保障。", "二、其他事项。"]
    assert [p.text for p in _without_signature([Paragraph(t) for t in body])] == body
