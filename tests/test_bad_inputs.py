"""Files that cannot be used (exit 2, a one-line Chinese reason, no traceback) and cells that hold
something other than a number (findings that quote what was found and point at the cell)."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import run_nianbao
from toolkit import spec
from toolkit.app import read_report
from toolkit.errors import UnusableFile
from toolkit.rules import check
from toolkit.workbook import layout

from wbedit import patch_part, set_cells, sheet_part

POS = layout.positions()
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    from toolkit.app import new_workbook
    from toolkit.sample import sample_data
    return new_workbook(tmp_path_factory.mktemp("bad") / "filled.xlsx", data=sample_data())


def _marker(new: str):
    def change(xml: bytes) -> bytes:
        assert spec.TEMPLATE_MARKER.encode() in xml
        return xml.replace(spec.TEMPLATE_MARKER.encode(), new.encode())
    return change


def _drop_name(name: str):
    def change(xml: bytes) -> bytes:
        text, n = re.subn(rf'<definedName name="{name}">[^<]*</definedName>', "", xml.decode())
        assert n == 1
        return text.encode()
    return change


def _with_dtd(xml: bytes) -> bytes:
    lol = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
           '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>')
    head, _, rest = xml.partition(b"?>")
    return head + b"?>" + lol.encode() + rest.replace(b"<t>", b"<t>&lol2;", 1)


def _old_format_workbook(path: Path, strings: list[str]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表二"
    for i, s in enumerate(strings, 1):
        ws.cell(i, 1, s)
        ws.cell(i, 2, 0)
    wb.save(path)
    return path


def make_bad_files(folder: Path, filled: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, a phrase its refusal must contain)."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, tuple[Path, str]] = {}

    def add(name: str, path: Path, phrase: str) -> None:
        out[name] = (path, phrase)

    p = folder / "文本.xlsx"
    p.write_text("这不是工作簿", encoding="utf-8")
    add("not a workbook", p, "不是 Excel 工作簿")
    p = folder / "空.xlsx"
    p.write_bytes(b"")
    add("empty file", p, "文件是空的（0 字节）")
    p = folder / "文件夹.xlsx"
    p.mkdir()
    add("folder", p, "文件夹")
    add("missing", folder / "不存在.xlsx", "找不到文件")

    import msoffcrypto.format.ooxml
    p = folder / "加密.xlsx"
    with filled.open("rb") as src, p.open("wb") as dst:
        msoffcrypto.format.ooxml.OOXMLFile(src).encrypt("密码123", dst)
    add("encrypted", p, "加密")

    p = folder / "foreign.xlsx"
    openpyxl.Workbook().save(p)
    add("foreign xlsx", p, "没有找到模板标记")
    add("2019 format", _old_format_workbook(folder / "2019.xlsx", [
        "第二十条第（一）项", "信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量", "规章"]),
        "2019年旧版格式")
    add("2019 规范性文件", _old_format_workbook(folder / "2019b.xlsx", ["信息内容", "规范性文件"]),
        "2019年旧版格式")
    add("older template", patch_part(filled, folder / "v0.xlsx", "xl/sharedStrings.xml",
                                     _marker(f"NIANBAO:{spec.FORMAT_ID}:v0")), "请用 nianbao new 生成新模板")
    add("newer template", patch_part(filled, folder / "v9.xlsx", "xl/sharedStrings.xml",
                                     _marker(f"NIANBAO:{spec.FORMAT_ID}:v9")), "请升级 nianbao")
    add("other format", patch_part(filled, folder / "fmt.xlsx", "xl/sharedStrings.xml",
                                   _marker("NIANBAO:GOV-AR-2019:v1")), "GOV-AR-2019")
    add("names missing", patch_part(filled, folder / "names.xlsx", "xl/workbook.xml",
                                    _drop_name("NB_t3_new_natural")), "NB_t3_new_natural")
    data = filled.read_bytes()
    p = folder / "损坏.xlsx"
    p.write_bytes(data[: len(data) // 2])
    add("corrupt zip", p, "已损坏")
    add("DTD in workbook.xml", patch_part(filled, folder / "dtd.xlsx", "xl/workbook.xml",
                                          lambda x: _with_dtd(x) if b"<t>" in x else
                                          x.replace(b"?>", b"?><!DOCTYPE x [<!ENTITY a \"b\">]>", 1)),
        "DTD")
    add("billion laughs in strings", patch_part(filled, folder / "lol.xlsx", "xl/sharedStrings.xml",
                                                _with_dtd), "DTD")
    p = folder / "broken-xml.xlsx"
    patch_part(filled, p, "xl/workbook.xml", lambda x: x[: len(x) // 2])
    add("truncated XML", p, "XML 已损坏")
    p = folder / "plain.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("readme.txt", "hello")
    add("zip, not a workbook", p, "不是 Excel 工作簿")
    p = folder / "bomb.xlsx"
    with zipfile.ZipFile(filled) as zin, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename == "xl/sharedStrings.xml":
                with zout.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
                    chunk = b" " * (1 << 20)
                    for _ in range(65):
                        fh.write(chunk)
            else:
                zout.writestr(info, zin.read(info))
    add("zip bomb part", p, "过大")
    for suffix, phrase in ((".ods", "在 LibreOffice 或 WPS 中打开，“另存为”Excel 工作簿（.xlsx）"),
                           (".csv", "CSV 文本表格")):
        p = folder / f"其他{suffix}"
        p.write_bytes(b"x")
        add(f"{suffix} file", p, phrase)
    p = folder / "其他.docx"  # published reports are imported; a damaged one is refused with its reason
    p.write_bytes(b"x")
    add(".docx file", p, "无法作为 Word 文档")
    p = folder / "bad.json"
    p.write_text("{\"format\": ", encoding="utf-8")
    add("bad JSON", p, "JSON 数据文件格式错误")
    p = folder / "wrong-format.json"
    p.write_text('{"format": "GOV-AR-2019"}', encoding="utf-8")
    add("JSON of another format", p, "format 应为")
    p = folder / "unknown.json"
    p.write_text('{"format": "GOV-AR-2021", "t3.new.naturel": 1}', encoding="utf-8")
    add("JSON unknown key", p, "t3.new.naturel")
    p = folder / "nan.json"
    p.write_text('{"format": "GOV-AR-2021", "t3.new.natural": NaN, "t2.fees.amount": Infinity}',
                 encoding="utf-8")
    add("JSON NaN", p, "t3.new.natural")
    return out


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory, filled) -> dict[str, tuple[Path, str]]:
    return make_bad_files(tmp_path_factory.mktemp("bad") / "files", filled)


@pytest.fixture(scope="module")
def xls_file(tmp_path_factory, filled) -> Path:
    """A real Excel 97-2003 file (OLE compound document), written by LibreOffice."""
    from lo import convert
    out = convert(filled, "xls:MS Excel 97", tmp_path_factory.mktemp("xls"))
    assert out.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    return out


BAD_NAMES = ["not a workbook", "empty file", "folder", "missing", "encrypted", "foreign xlsx",
             "2019 format", "2019 规范性文件", "older template", "newer template", "other format",
             "names missing", "corrupt zip", "DTD in workbook.xml", "billion laughs in strings",
             "truncated XML", "zip, not a workbook", "zip bomb part", ".ods file", ".csv file",
             ".docx file", "bad JSON", "JSON of another format", "JSON unknown key", "JSON NaN"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_unusable_file_is_refused_with_its_reason(bad_files, name):
    path, phrase = bad_files[name]
    with pytest.raises(UnusableFile) as exc:
        read_report(path)
    message = str(exc.value)
    assert phrase in message and CJK.search(message) and "\n" not in message


@pytest.mark.parametrize("name", BAD_NAMES)
def test_cli_exit_2_one_line_no_traceback(bad_files, name):
    path, phrase = bad_files[name]
    proc = run_nianbao("check", str(path))
    assert proc.returncode == 2, proc
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert len(lines) == 1 and phrase in lines[0] and lines[0].startswith("【无法读取】")


def test_cli_json_reports_each_unusable_file(bad_files):
    import json
    proc = run_nianbao("check", "--json", *(str(bad_files[n][0]) for n in BAD_NAMES))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    results = json.loads(proc.stdout)
    assert len(results) == len(BAD_NAMES)
    for name, obj in zip(BAD_NAMES, results):
        assert obj["file"] == str(bad_files[name][0])
        assert obj["status"] == "unusable" and bad_files[name][1] in obj["reason"], name


@pytest.mark.parametrize("suffix", [".xls", ".xlsx"])
def test_real_xls_refused(tmp_path, xls_file, suffix):
    """An .xls, whether named .xls or renamed .xlsx, is refused by name and by content."""
    target = tmp_path / f"旧版{suffix}"
    target.write_bytes(xls_file.read_bytes())
    with pytest.raises(UnusableFile, match=r"97-2003"):
        read_report(target)
    proc = run_nianbao("check", str(target))
    assert proc.returncode == 2 and "97-2003" in proc.stdout and "Traceback" not in proc.stderr


def test_all_bad_files_at_once(bad_files, filled):
    """Several files: each reported, the exit code is the worst."""
    paths = [str(bad_files[n][0]) for n in ("foreign xlsx", "encrypted", "corrupt zip")]
    proc = run_nianbao("check", str(filled), *paths)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stdout.count("【无法读取】") == 3 and "【通过】" in proc.stdout


# --- bad cells ------------------------------------------------------------------------------

# key: (what is typed, problem kind, the finding's ``found`` as the user would read it, the hint)
BAD_CELLS = {
    "t3.new.natural": ("5件", "text", "5件", "应只填写阿拉伯数字5"),
    "t3.new.business": ("五", "text", "五", "应只填写阿拉伯数字5"),
    "t3.new.research": ("/", "placeholder", "/", "没有发生的填0"),
    "t3.new.nonprofit": ("-", "placeholder", "-", "没有发生的填0"),
    "t3.new.legal": ("无", "placeholder", "无", "没有发生的填0"),
    "t3.granted.natural": (dt.datetime(2022, 3, 1), "date", "日期2022-03-01", "日期"),
    "t3.granted.business": (True, "bool", "TRUE", "应填写数字"),
    "t3.granted.research": ("=1+1", "formula", "=1+1", "不要填写公式"),
    "t4.review.upheld": ("—", "placeholder", "—", "没有发生的填0"),
    "t2.penalty.decisions": ("5 件", "text", "5 件", "应只填写阿拉伯数字5"),
}
NORMALISED = {"t3.granted.nonprofit": (" ５ ", 5), "t3.granted.legal": ("１２", 12),
              "t2.fees.amount": ("  1.5  ", 1.5), "t3.granted.other_org": ("０", 0)}


@pytest.fixture(scope="module")
def bad_cells_report(tmp_path_factory, filled):
    path = tmp_path_factory.mktemp("cells") / "cells.xlsx"
    set_cells(filled, path, {**{k: v for k, (v, *_) in BAD_CELLS.items()},
                             **{k: v for k, (v, _) in NORMALISED.items()}})
    return read_report(path)


@pytest.mark.parametrize("key", list(BAD_CELLS))
def test_bad_cell_is_a_finding_quoting_it(bad_cells_report, key):
    raw, kind, found, hint = BAD_CELLS[key]
    assert bad_cells_report.problems[key].kind == kind
    findings = [f for f in check(bad_cells_report).findings if f.keys == (key,) and f.rule == "E1"]
    assert len(findings) == 1, findings
    f = findings[0]
    assert f.cell == POS[key] and f.severity == "error"
    assert f.found == found and f"“{found}”" in f.message and hint in f.message
    assert spec.FIELDS[key].col_label in f.message and spec.FIELDS[key].row_label in f.message


@pytest.mark.parametrize("key", list(NORMALISED))
def test_full_width_digits_and_spaces_normalised(bad_cells_report, key):
    assert bad_cells_report.values[key] == NORMALISED[key][1]
    assert key not in bad_cells_report.problems
    assert bad_cells_report.raw[key] == NORMALISED[key][0]  # what was typed is kept as found
    # ...and the user is told: the workbook's own SUM formulas do not count text
    told = [f for f in check(bad_cells_report).findings if f.keys == (key,)]
    assert [(f.rule, f.severity) for f in told] == [("E1", "warning")], told
    assert "文字" in told[0].message and told[0].found == NORMALISED[key][0]


def test_no_other_findings_than_the_bad_cells(bad_cells_report):
    result = check(bad_cells_report)
    involved = {k for f in result.findings for k in f.keys}
    assert {f.rule for f in result.errors} == {"E1"}
    assert involved <= set(BAD_CELLS) | set(NORMALISED) | {"text.on_request", "t3.total.total"}


def _cell_xml(book: Path, key: str, new_cell: str) -> Path:
    """Replace the key's <c> element in the sheet XML (as other programs write cells)."""
    p = POS[key]
    part = sheet_part(book, p.sheet)

    def change(xml: bytes) -> bytes:
        text = xml.decode()
        m = re.search(rf'<c r="{p.a1}"( s="\d+")?( t="\w+")?(/>|>.*?</c>)', text)
        assert m, p.a1
        return text.replace(m.group(0), new_cell.format(r=p.a1, s=m.group(1) or ""), 1).encode()

    return patch_part(book, book, part, change)


@pytest.mark.parametrize("xml_cell, kind, quote", [
    ('<c r="{r}"{s} t="inlineStr"><is><t>５件</t></is></c>', "text", "５件"),
    ('<c r="{r}"{s} t="inlineStr"><is><r><t>1</t></r><r><t>2</t></r></is></c>', None, 12),
    ('<c r="{r}"{s} t="b"><v>1</v></c>', "bool", "TRUE"),
    ('<c r="{r}"{s} t="str"><f>1+2</f><v>3</v></c>', "formula", "=1+2"),
    ('<c r="{r}"{s} t="e"><v>#N/A</v></c>', "text", "#N/A"),
    ('<c r="{r}"{s}><v>  </v></c>', "blank", "空白"),
    ('<c r="{r}"{s}/>', "blank", "空白"),
    ('<c r="{r}"{s}><v>INF</v></c>', "text", "inf"),
])
def test_cells_as_other_programs_write_them(tmp_path, filled, xml_cell, kind, quote):
    book = tmp_path / "x.xlsx"
    book.write_bytes(filled.read_bytes())
    _cell_xml(book, "t3.partial.natural", xml_cell)
    report = read_report(book)
    if kind is None:
        assert report.values["t3.partial.natural"] == quote and not report.problems
        return
    assert report.problems["t3.partial.natural"].kind == kind
    f = next(f for f in check(report).errors if f.keys == ("t3.partial.natural",))
    assert f.rule == "E1" and f.cell == POS["t3.partial.natural"]
    assert quote in f.message or (kind == "blank" and f.found == quote and "未填写" in f.message)


# --- reasons that name the file and say it in Chinese (tester's F8, F9, F26) ---------------------

ENGLISH_WORDS = re.compile(r"Error|Exception|NotFound|[Dd]ocument|empty|[A-Z][a-z]+[A-Z]")  # library words


@pytest.mark.parametrize("args, missing", [
    (["new", "x.xlsx", "--data", "nonexist.json"], "nonexist.json"),
    (["new", "x.xlsx", "--from", "nonexist.docx"], "nonexist.docx"),
    (["export", "nonexist.xlsx"], "nonexist.xlsx"),
    (["import", "nonexist.docx"], "nonexist.docx"),
    (["build", "nonexist.json"], "nonexist.json"),
])
def test_a_missing_file_is_named(tmp_path, args, missing):
    proc = run_nianbao(*args, cwd=tmp_path)
    assert proc.returncode == 2
    assert f"{missing}：找不到文件" in proc.stderr + proc.stdout, proc.stderr
    assert not (tmp_path / "x.xlsx").exists()


def _roster(path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.append(["单位名称", "邮箱"])
    wb.active.append(["城北街道", "cb@example.gov.cn"])
    wb.save(path)
    return path


def test_reasons_are_chinese_without_library_words(tmp_path):
    (tmp_path / "empty.html").write_bytes(b"")
    (tmp_path / "empty.docx").write_bytes(b"")
    (tmp_path / "blank.html").write_bytes(b"   \n")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really")
    expected = {"empty.html": "文件是空的", "empty.docx": "文件是空的", "blank.html": "网页中没有内容",
                "broken.docx": "文件已损坏，或不是 Word 文档"}
    for name, phrase in expected.items():
        proc = run_nianbao("import", tmp_path / name, "-o", "-")
        assert proc.returncode == 2 and phrase in proc.stderr, proc.stderr
        assert not ENGLISH_WORDS.search(proc.stderr.replace(str(tmp_path / name), "")), proc.stderr
    (tmp_path / "adir").mkdir()
    proc = run_nianbao("import", tmp_path / "adir")
    assert proc.returncode == 2 and "文件夹" in proc.stderr and "已跳过" not in proc.stderr
    # a spreadsheet that is not a report (the roster) is "not a report", as any other kind is
    proc = run_nianbao("import", _roster(tmp_path / "名单.xlsx"), "-o", "-")
    assert proc.returncode == 2 and "这不是政府信息公开工作年度报告" in proc.stderr, proc.stderr


def test_json_saved_as_gbk_is_read_and_format_reason_is_tidy(tmp_path, sample):
    import json
    gbk = tmp_path / "gbk.json"
    gbk.write_bytes(json.dumps({"format": spec.FORMAT_ID, **sample}, ensure_ascii=False).encode("gbk"))
    assert read_report(gbk).values["meta.unit"] == sample["meta.unit"]
    wrong = tmp_path / "fmt.json"
    wrong.write_text('{"format": "GOV-AR-2019"}', encoding="utf-8")
    with pytest.raises(UnusableFile, match="format 应为“GOV-AR-2021”，实为“GOV-AR-2019”"):
        read_report(wrong)


def test_a_word_report_without_its_extension_is_read_as_word(tmp_path, sample):
    from toolkit.app import build_report, new_workbook
    book = new_workbook(tmp_path / "data.xlsx", data=sample)
    docx = build_report(book, tmp_path / "report.docx", force=True).docx
    noext = tmp_path / "报告"
    noext.write_bytes(docx.read_bytes())
    proc = run_nianbao("import", noext, "-o", tmp_path / "out.json")
    assert proc.returncode == 0, proc.stderr
    assert read_report(tmp_path / "out.json").values["t3.new.natural"] == sample["t3.new.natural"]
    assert read_report(noext).values["t3.new.natural"] == sample["t3.new.natural"]  # check reads it too


@pytest.mark.parametrize("suffix, program", [(".ods", "LibreOffice"), (".et", "WPS")])
def test_other_spreadsheet_formats_say_how_to_fix(tmp_path, suffix, program):
    path = tmp_path / f"甲街道{suffix}"
    path.write_bytes(b"x")
    proc = run_nianbao("check", path)
    assert proc.returncode == 2
    assert program in proc.stdout and "“另存为”Excel 工作簿（.xlsx）" in proc.stdout, proc.stdout


def test_opendocument_renamed_as_a_workbook_says_what_it_is(tmp_path):
    """An .ods saved by LibreOffice and renamed .xlsx (or .xlsm), as users do to pass an "only .xlsx"
    upload form: check and import say it is an OpenDocument file and how to save it as .xlsx; collect
    converts it as it converts an .ods, and its row says so (tester's G2)."""
    from lo import convert

    from toolkit.app import new_workbook
    from toolkit.sample import sample_data
    ods = convert(new_workbook(tmp_path / "甲街道.xlsx", data=sample_data()), "ods", tmp_path / "ods")
    inbox = tmp_path / "收件"
    inbox.mkdir()
    for suffix in (".xlsx", ".xlsm"):
        renamed = inbox / f"乙街道{suffix}"
        renamed.write_bytes(ods.read_bytes())
        for command in ("check", "import"):
            proc = run_nianbao(command, renamed, *(("-o", "-") if command == "import" else ()))
            said = proc.stdout + proc.stderr
            assert proc.returncode == 2 and "这是 OpenDocument 表格格式（.ods）的文件" in said, said
            assert f"扩展名改成了 {suffix}" in said and "“另存为”Excel 工作簿（.xlsx）" in said, said
    (inbox / "乙街道.xlsm").unlink()
    proc = run_nianbao("collect", inbox, "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = list(openpyxl.load_workbook(tmp_path / "out" / "汇总状态.xlsx").active.iter_rows(values_only=True))
    row = next(r for r in rows if "乙街道.xlsx" in r)
    assert "通过" in row and any("转换自.ods" in str(c) for c in row), row


@pytest.mark.parametrize(("typed", "advice"), [
    ("500元", "500元应填写0.05"), ("3千元", "3千元应填写0.3"), ("12345元", "12345元应填写1.2345"),
    ("1,234.5元", "1234.5元应填写约0.1235"), ("0元", "0元应填写0"), ("2.5万元", "应只填写阿拉伯数字2.5（本栏单位已是万元）")])
def test_fees_typed_with_a_unit_are_converted_to_wan_yuan_in_the_advice(typed, advice):
    """An amount typed with 元 in the 万元 column: following the advice must not publish it 10,000×
    too large (tester's G14); counts keep the plain advice (5件 → 5)."""
    from toolkit.values import parse_number
    problem = parse_number(typed, spec.FIELDS["t2.fees.amount"])[1]
    assert problem is not None and problem.rule == "E1" and advice in problem.hint, problem
    assert "应只填写阿拉伯数字500" not in problem.hint
    assert parse_number("500元", spec.FIELDS["t3.new.natural"])[1].hint == "应只填写阿拉伯数字500，不要带单位或文字"


def test_fees_pasted_as_yuan_in_calc(tmp_path, filled):
    """"500元" pasted into 表二's 收费金额 in LibreOffice (validation lets pasted text through)."""
    from lo import calc_edit, typed
    book = calc_edit(filled, tmp_path / "yuan.xlsx", typed({"t2.fees.amount": "500元"}))
    found = [f for f in check(read_report(book)).findings if f.keys == ("t2.fees.amount",)]
    assert [f.rule for f in found] == ["E1"] and "500元应填写0.05" in found[0].message, found
