"""Files of kinds nianbao does not read (a .rar, a .7z, an Outlook .msg, a .doc, a note) found in the
input folders of collect and audit: each is a row saying why it was not read, its unit named where
the file's name tells it, never silently left out (a roster unit that sent a .7z is not 未报送)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from test_district import _mail as district_mail
from test_district import _parse

from toolkit.app.audit import audit
from toolkit.collect import collect
from toolkit.collect.samplebatch import random_values
from toolkit.source import read_report
from toolkit.word.build import render_report
from toolkit.workbook.build import build_workbook

YEAR = 2024
# The first bytes of each kind, as WinRAR, 7-Zip and Office write them (the rest does not matter:
# these files are recognised by their name's suffix and are never opened)
RAR = b"Rar!\x1a\x07\x01\x00" + bytes(64)
SEVEN_Z = b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(64)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # .doc, .wps, .msg: OLE compound files


def _mail(sender: str, name: str, attachments: list[tuple[str, bytes]]) -> bytes:
    return district_mail(sender, name, f"{name}{YEAR}年报", attachments, "Tue, 14 Jan 2025 10:00:00 +0800",
                         f"<{sender}>")


def _rows(s) -> dict[str, object]:
    return {f.file_name: f for f in s.files if f.origin}


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("unread")
    box = root / "收件"
    box.mkdir()
    rng = random.Random(12)
    (box / "B区第1街道.xlsx").write_bytes(build_workbook(random_values(rng, "B区第1街道", YEAR)))
    (box / "甲街道年报.rar").write_bytes(RAR)
    (box / "甲街道.eml").write_bytes(_mail("jia@x.gov.cn", "甲街道", [("甲街道年报.rar", RAR)]))
    (box / "乙街道.7z").write_bytes(SEVEN_Z)
    (box / "城北街道年报.msg").write_bytes(OLE)
    (box / "附件1：某某区丙街道2024年报.doc").write_bytes(OLE)
    (box / "丁街道年报.wps").write_bytes(OLE)
    (box / "说明.txt").write_text("各单位报送情况说明", encoding="utf-8")
    return box


@pytest.fixture(scope="module")
def roster(inbox) -> Path:
    path = inbox.parent / "名单.csv"
    path.write_text("单位名称,邮箱\n甲街道,jia@x.gov.cn\n乙街道办事处,yi@x.gov.cn\nB区第1街道,b1@x.gov.cn\n"
                    "城北街道,cb@x.gov.cn\n丙街道,bing@x.gov.cn\n戊街道,wu@x.gov.cn\n", encoding="utf-8")
    return path


def test_every_file_in_the_folder_has_a_row_naming_its_unit(inbox, roster, tmp_path):
    s = collect([inbox], tmp_path / "out", roster=roster, workers=1)
    rows = _rows(s)
    assert set(rows) == {"B区第1街道.xlsx", "甲街道年报.rar", "甲街道.eml", "乙街道.7z", "城北街道年报.msg",
                         "附件1：某某区丙街道2024年报.doc", "丁街道年报.wps", "说明.txt"}, list(rows)
    seven = rows["乙街道.7z"]
    assert seven.status == "无法读取" and seven.unit == "乙街道办事处", seven
    assert "7-Zip" in seven.note and ".zip" in seven.note and "按文件名对应" in seven.roster
    doc = rows["附件1：某某区丙街道2024年报.doc"]
    assert doc.status == "无法读取" and doc.unit == "丙街道" and "Word 97-2003" in doc.note
    msg = rows["城北街道年报.msg"]
    assert msg.status == "无法读取" and msg.unit == "城北街道" and "另存为”.eml" in msg.note
    assert rows["丁街道年报.wps"].status == "无法读取" and rows["丁街道年报.wps"].unit is None  # not on the roster
    assert rows["说明.txt"].status == "其他文件" and "未读取" in rows["说明.txt"].note
    # only the unit that sent nothing at all is chased
    missing = [f.unit for f in s.files if f.status == "未报送"]
    assert missing == ["戊街道"], missing
    assert s.exit_code == 1
    assert any("不是本程序能读取的报表" in n and "乙街道.7z" in n for n in s.notes), s.notes


def test_units_that_sent_what_cannot_be_read_are_asked_to_send_again(inbox, roster, tmp_path):
    s = collect([inbox], tmp_path / "out", roster=roster, workers=1)
    drafts = {p.name: _parse(p) for p in (tmp_path / "out" / "退回").glob("*.eml")}
    assert set(drafts) == {"乙街道办事处（请重新报送）.eml", "丙街道（请重新报送）.eml", "甲街道（请重新报送）.eml",
                           "戊街道（催报）.eml"}, list(drafts)
    seven = drafts["乙街道办事处（请重新报送）.eml"]
    assert seven["To"].addresses[0].addr_spec == "yi@x.gov.cn"
    body = seven.get_body().get_content()
    assert "乙街道.7z" in body and ".zip" in body
    # 甲 sent the .rar by e-mail and it was saved to the folder too: one draft, the reason said once
    jia = drafts["甲街道（请重新报送）.eml"].get_body().get_content()
    assert jia.count("只能解压 .zip") == 1, jia
    # the district's own saved .msg is the district's to open: named (no 催报), no draft to the unit
    assert not any(name.startswith("城北街道") for name in drafts)
    assert len(s.returns) == 4


def test_without_a_roster_a_file_beside_its_units_workbook_is_no_error(tmp_path):
    box = tmp_path / "收件"
    box.mkdir()
    rng = random.Random(3)
    (box / "甲街道.xlsx").write_bytes(build_workbook(random_values(rng, "甲街道办事处", YEAR)))
    (box / "甲街道年报.rar").write_bytes(RAR)
    (box / "说明.txt").write_text("说明", encoding="utf-8")
    s = collect([box], tmp_path / "out", workers=1)
    rows = _rows(s)
    assert rows["甲街道年报.rar"].status == "其他文件" and rows["甲街道年报.rar"].unit == "甲街道办事处"
    assert "甲街道.xlsx" in rows["甲街道年报.rar"].note and "以其为准" in rows["甲街道年报.rar"].note
    assert rows["说明.txt"].status == "其他文件"
    assert s.exit_code == 0 and "其他文件 2" in s.line(), s.line()
    (box / "乙街道.7z").write_bytes(SEVEN_Z)  # a unit not otherwise in the batch: its report was not read
    s = collect([box], tmp_path / "out2", workers=1)
    assert _rows(s)["乙街道.7z"].status == "无法读取" and s.exit_code == 1
    found = json.loads((tmp_path / "out2" / "findings.json").read_text(encoding="utf-8"))
    assert {f["status"] for f in found["files"]} == {"passed", "other_file", "unusable"}


def test_unreadable_workbook_from_a_folder_is_its_units_not_a_reminder(tmp_path):
    box = tmp_path / "收件"
    box.mkdir()
    rng = random.Random(4)
    (box / "甲街道.xlsx").write_bytes(build_workbook(random_values(rng, "甲街道", YEAR)))
    (box / "乙街道2024年报.xlsx").write_bytes(b"PK\x03\x04 damaged")
    (box / "甲街道（旧）.xlsx").write_bytes(b"PK\x03\x04 damaged")  # a broken extra copy of a unit that reported
    names = tmp_path / "名单.csv"
    names.write_text("单位名称,邮箱\n甲街道,jia@x.gov.cn\n乙街道,yi@x.gov.cn\n", encoding="utf-8")
    s = collect([box], tmp_path / "out", roster=names, workers=1)
    rows = _rows(s)
    assert rows["乙街道2024年报.xlsx"].unit == "乙街道" and rows["乙街道2024年报.xlsx"].status == "无法读取"
    assert not [f for f in s.files if f.status == "未报送"]
    drafts = sorted(p.name for p in (tmp_path / "out" / "退回").glob("*.eml"))
    assert drafts == ["乙街道（请重新报送）.eml"], drafts


def test_a_workbook_whose_suffix_a_mail_program_dropped_is_read(tmp_path):
    box = tmp_path / "收件"
    box.mkdir()
    (box / "甲街道年报").write_bytes(build_workbook(random_values(random.Random(5), "甲街道", YEAR)))
    s = collect([box], tmp_path / "out", workers=1)
    assert [(f.unit, f.status) for f in s.files] == [("甲街道", "通过")]


def test_audit_lists_reports_it_cannot_read(tmp_path):
    box = tmp_path / "已发布"
    box.mkdir()
    book = tmp_path / "甲.xlsx"
    book.write_bytes(build_workbook(random_values(random.Random(6), "某某县人民政府办公室", YEAR)))
    (box / "某某县人民政府办公室2024年报.docx").write_bytes(render_report(read_report(book)))
    (box / "丙街道年报.doc").write_bytes(OLE)
    (box / "丁街道年报.wps").write_bytes(OLE)
    (box / "甲街道年报.rar").write_bytes(RAR)
    (box / "乙街道.7z").write_bytes(SEVEN_Z)
    (box / "网站截图.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(32))
    s = audit([box], tmp_path / "out", workers=1)
    by_file = {Path(r.origin).name: r for r in s.rows}
    assert len(by_file) == 6, list(by_file)
    for name in ("丙街道年报.doc", "丁街道年报.wps", "甲街道年报.rar", "乙街道.7z"):
        assert by_file[name].status == "无法读取" and by_file[name].reason, by_file[name]
    assert "另存为”Word 文档（.docx）" in by_file["丙街道年报.doc"].reason
    assert "解压后" in by_file["甲街道年报.rar"].reason
    assert by_file["网站截图.png"].status == "其他文件"
    assert s.exit_code == 1 and s.line().startswith("共 5 份报告：") and "无法读取 4" in s.line(), s.line()
    assert "另有1个其他文件" in s.line()


def test_a_unit_that_sent_last_years_workbook_is_asked_for_this_years(tmp_path):
    """G16: 年度不符 is no 未报送 (no 催报), but the unit must still be asked for this year's workbook;
    not when it sent this year's too (in another e-mail). The roster kept in the inbox is not a row."""
    box = tmp_path / "收件"
    box.mkdir()
    rng = random.Random(16)
    (box / "锦屏街道.xlsx").write_bytes(build_workbook(random_values(rng, "锦屏街道", YEAR - 2)))
    (box / "B区第1街道.xlsx").write_bytes(build_workbook(random_values(rng, "B区第1街道", YEAR)))
    (box / "乙街道旧.eml").write_bytes(_mail("yi@x.gov.cn", "乙街道", [
        ("乙街道.xlsx", build_workbook(random_values(rng, "乙街道", YEAR - 1)))]))
    (box / "乙街道新.eml").write_bytes(_mail("yi@x.gov.cn", "乙街道", [
        ("乙街道2024.xlsx", build_workbook(random_values(rng, "乙街道", YEAR)))]))
    (box / "丙街道.eml").write_bytes(_mail("bing@other.cn", "丙街道", [
        ("丙街道.xlsx", build_workbook(random_values(rng, "丙街道", YEAR - 1)))]))
    names = box / "名单.csv"
    names.write_text("单位名称,邮箱\n锦屏街道,jp@x.gov.cn\nB区第1街道,b1@x.gov.cn\n乙街道,yi@x.gov.cn\n"
                     "丙街道,bing@x.gov.cn\n", encoding="utf-8")
    s = collect([box], tmp_path / "out", roster=names, workers=1)
    rows = _rows(s)
    assert "名单.csv" not in rows and "未报送" not in s.line()
    assert rows["锦屏街道.xlsx"].status == rows["丙街道.xlsx"].status == "年度不符"
    drafts = {p.name: _parse(p) for p in (tmp_path / "out" / "退回").glob("*.eml")}
    assert set(drafts) == {"锦屏街道（请重新报送）.eml", "丙街道（请重新报送）.eml"}, list(drafts)
    jp = drafts["锦屏街道（请重新报送）.eml"]
    assert jp["To"].addresses[0].addr_spec == "jp@x.gov.cn" and "2024" in str(jp["Subject"])
    body = jp.get_body().get_content()
    assert "锦屏街道.xlsx" in body and "2022年度" in body and "请报送2024年度的工作簿" in body, body
    assert drafts["丙街道（请重新报送）.eml"]["To"].addresses[0].addr_spec == "bing@x.gov.cn"  # the roster's
    assert len(s.returns) == 2 and rows["锦屏街道.xlsx"].draft
    # without a roster: the e-mailed one answers its e-mail
    s = collect([box / "丙街道.eml", box / "B区第1街道.xlsx"], tmp_path / "out2", workers=1)
    (draft,) = (tmp_path / "out2" / "退回").glob("*.eml")
    mail = _parse(draft)
    assert mail["To"].addresses[0].addr_spec == "bing@other.cn" and mail["In-Reply-To"] == "<bing@other.cn>"
