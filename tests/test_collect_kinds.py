"""The wrong kind of file (issue 14 item 6a): a workbook saved as .xls or WPS .et is converted by
LibreOffice and checked as usual (the row says so); without LibreOffice the row says what to do.
A unit that sent only its report document (Word, web page) has it imported and checked, its row
saying 仅报送Word: not summed (its printed numbers may not add up), and asked for the workbook.
Real files: the .xls is made by LibreOffice in the test, the .et is such an .xls renamed (WPS's
own format is BIFF like it), the Word report is nianbao's own."""

from __future__ import annotations

import json
import random
import shutil
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from conftest import run_nianbao
from lo import convert_many

from toolkit import office, spec
from toolkit.collect import collect
from toolkit.collect.samplebatch import random_values
from toolkit.source import read_report
from toolkit.web.page import render_page
from toolkit.word.build import render_report
from toolkit.workbook.build import build_workbook

YEAR = 2024
NUMBERS = [k for k in spec.INPUT_KEYS if spec.FIELDS[k].is_number]


def _mail(sender: str, name: str, attachments: list[tuple[str, bytes]], msgid: str) -> bytes:
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = f"{name} <{sender}>"
    msg["To"] = "zwgk@example.gov.cn"
    msg["Subject"] = f"{name}{YEAR}年报"
    msg["Date"] = "Tue, 14 Jan 2025 10:00:00 +0800"
    msg["Message-ID"] = msgid
    msg.set_content("请查收。")
    for fname, data in attachments:
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=fname)
    return msg.as_bytes()


def _rows(s) -> dict[str, object]:
    return {f.file_name: f for f in s.files}


@pytest.fixture(scope="module")
def old_formats(tmp_path_factory):
    """Two units' workbooks saved by LibreOffice as .xls (Excel 97), one of them renamed .et."""
    root = tmp_path_factory.mktemp("kinds")
    rng = random.Random(61)
    good = random_values(rng, "甲局", YEAR)
    bad = random_values(rng, "乙局", YEAR, error="carry_forward")
    src = root / "src"
    src.mkdir()
    (src / "甲局.xlsx").write_bytes(build_workbook(good))
    (src / "乙局.xlsx").write_bytes(build_workbook(bad))
    xls = convert_many([src / "甲局.xlsx", src / "乙局.xlsx"], "xls:MS Excel 97", root / "xls")
    return root, good, bad, xls


def test_xls_and_et_are_converted_and_checked(old_formats, tmp_path):
    root, good, bad, (good_xls, bad_xls) = old_formats
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(good_xls, inbox / "甲局年报.xls")
    (inbox / "乙局.eml").write_bytes(_mail("yi@x.cn", "乙局", [("乙局年报.et", bad_xls.read_bytes())], "<y@x.cn>"))
    s = collect([inbox], tmp_path / "out", workers=1)
    rows = _rows(s)
    jia, yi = rows["甲局年报.xls"], rows["乙局年报.et"]
    assert jia.status == "通过" and "已由LibreOffice转换自.xls" in jia.note, (jia.status, jia.note)
    assert yi.status == "有错误" and "已由LibreOffice转换自.et" in yi.note, yi.note
    assert {f.rule for f in yi.findings if f.severity == "error"} == {"E3"}  # its seeded error, nothing else
    assert Path(jia.path).suffix == ".xlsx" and "_收件" in jia.path  # the converted copy is kept
    assert Path(yi.returned).name == "乙局（退回修改）.xlsx"  # returned as the standard workbook
    summed = read_report(s.summary_path).values
    assert {k: summed[k] for k in NUMBERS} == {k: good[k] for k in NUMBERS}
    assert (inbox / "甲局年报.xls").read_bytes() == good_xls.read_bytes()  # the input untouched


def test_without_libreoffice_the_row_says_what_to_do(old_formats, tmp_path, monkeypatch):
    _, _, _, (good_xls, _) = old_formats
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(good_xls, inbox / "甲局.xls")
    shutil.copy(good_xls, inbox / "甲局副本.et")
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    s = collect([inbox], tmp_path / "out", workers=1)
    assert s.exit_code == 2 and s.summary_path is None
    for row in s.files:
        assert row.status == "无法读取" and "另存为" in row.note and "LibreOffice" in row.note, row.note
    assert "（.xls）" in _rows(s)["甲局.xls"].note and "（.et）" in _rows(s)["甲局副本.et"].note


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Word and web reports of two units, rendered by nianbao from their workbooks."""
    root = tmp_path_factory.mktemp("word")
    rng = random.Random(62)
    out = {}
    for unit in ("丙街道办事处", "丁局"):
        values = random_values(rng, unit, YEAR)
        book = root / f"{unit}.xlsx"
        book.write_bytes(build_workbook(values))
        report = read_report(book)
        out[unit] = (values, book, render_report(report), render_page(report))
    return out


def test_a_unit_that_sent_only_its_word_report(reports, tmp_path):
    inbox = tmp_path / "in"
    (inbox / "丁局").mkdir(parents=True)
    bing_values, _, bing_docx, _ = reports["丙街道办事处"]
    ding_values, ding_book, ding_docx, ding_html = reports["丁局"]
    (inbox / "丙街道.eml").write_bytes(_mail("bing@x.cn", "丙街道", [("丙街道年报.docx", bing_docx)], "<b@x.cn>"))
    (inbox / "丁局" / "丁局年报.html").write_text(ding_html, encoding="utf-8")  # a folder with no workbook
    # the same unit's workbook with its Word report in one e-mail: the workbook is the report
    (inbox / "丁局补报.eml").write_bytes(_mail("ding@x.cn", "丁局", [("丁局.xlsx", ding_book.read_bytes()),
                                                                     ("丁局.docx", ding_docx)], "<d@x.cn>"))
    out = tmp_path / "out"
    proc = run_nianbao("collect", inbox, "-o", out, "--unit", "某某区政务公开科", "--workers", "1")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    rows = {Path(f["file"].split(" › ")[-1]).name: f for f in data["files"]}
    assert set(rows) == {"丙街道年报.docx", "丁局年报.html", "丁局.xlsx"}, sorted(rows)  # 丁局.docx not taken
    bing = rows["丙街道年报.docx"]
    assert bing["status"] == "word_only" and bing["status_text"] == "仅报送Word", bing
    assert "未计入汇总" in bing["reason"] and bing["unit"] == "丙街道办事处"
    ding_page = rows["丁局年报.html"]
    assert ding_page["status"] == "superseded" and "以工作簿为准" in ding_page["reason"]
    assert rows["丁局.xlsx"]["status"] == "passed"
    summed = read_report(out / "汇总数据.xlsx").values  # 丁局's workbook alone: the Word report not summed
    assert {k: summed[k] for k in NUMBERS} == {k: ding_values[k] for k in NUMBERS}
    eml = out / "退回" / "丙街道办事处（请重新报送）.eml"
    draft = BytesParser(policy=policy.default).parsebytes(eml.read_bytes())
    assert draft["To"].addresses[0].addr_spec == "bing@x.cn" and draft["In-Reply-To"] == "<b@x.cn>"
    body = draft.get_body().get_content()
    assert "丙街道年报.docx" in body and "标准填报工作簿" in body, body
    assert bing["draft"].endswith("丙街道办事处（请重新报送）.eml")
