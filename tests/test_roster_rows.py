"""Roster rows as offices write them: two addresses in one cell (; ， 、 and spaces), a unit without
邮箱 (reported), a trailing 合计 row and the template's own example rows (ignored, with a note)."""

from __future__ import annotations

import random
from email import policy
from email.parser import BytesParser

import openpyxl
import pytest

from toolkit.collect import collect, roster
from toolkit.collect.samplebatch import random_values
from toolkit.errors import BadData
from toolkit.workbook.build import build_workbook

YEAR = 2024


@pytest.mark.parametrize("cell", ["bing@x.cn;bing2@x.cn", "bing@x.cn，bing2@x.cn", "bing@x.cn、 bing2@x.cn",
                                  "bing@x.cn bing2@x.cn", "bing@x.cn; bing2@x.cn;"])
def test_two_addresses_in_one_cell_are_both_the_drafts_recipients(tmp_path, cell):
    names = tmp_path / "名单.csv"
    names.write_text(f"单位名称,邮箱\n甲街道,jia@x.cn\n丙街道,\"{cell}\"\n", encoding="utf-8")
    inbox = tmp_path / "收件"
    inbox.mkdir()
    (inbox / "甲.xlsx").write_bytes(build_workbook(random_values(random.Random(1), "甲街道", YEAR)))
    s = collect([inbox], tmp_path / "out", roster=names, workers=1)
    missing = next(f for f in s.files if f.unit == "丙街道")
    msg = BytesParser(policy=policy.default).parse(open(missing.draft, "rb"))
    assert [a.addr_spec for a in msg["To"].addresses] == ["bing@x.cn", "bing2@x.cn"]
    assert roster.load(names).by_email("bing2@x.cn").name == "丙街道"


def test_a_bad_address_beside_a_good_one_is_refused_with_its_row(tmp_path):
    names = tmp_path / "名单.csv"
    names.write_text("单位名称,邮箱\n甲街道,jia@x.cn;not-an-email\n", encoding="utf-8")
    with pytest.raises(BadData, match="第2行“甲街道”的邮箱不是有效地址：“not-an-email”"):
        roster.load(names)


def test_total_rows_and_the_templates_examples_are_ignored_and_missing_addresses_said(tmp_path):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(roster.template_bytes())  # the template, units added below its examples
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws.append(["甲街道", "jia@x.cn"])
    ws.append(["丁街道", ""])
    ws.append([])
    ws.append(["合计", "2个单位"])
    ws.append(["说明：本表由政务公开科维护"])
    wb.save(path)
    r = roster.load(path)
    assert [e.name for e in r.entries] == ["甲街道", "丁街道"]
    said = "\n".join(r.notes)
    assert "第2行“（示例）城北街道办事处”是模板中的示例" in said and "第3行“（示例）区教育局”是模板中的示例" in said
    assert "第7行“合计”是合计或说明行" in said and "第8行“说明：本表由政务公开科维护”是合计或说明行" in said
    assert "1个单位没有邮箱（第5行“丁街道”）" in said
    # a 序号 column saying 合计 beside a name cell "2个单位"
    csv = tmp_path / "名单.csv"
    csv.write_text("序号,单位名称,邮箱\n1,甲街道,jia@x.cn\n合计,2个单位,\n", encoding="utf-8")
    assert [e.name for e in roster.load(csv).entries] == ["甲街道"]
    inbox = tmp_path / "收件"
    inbox.mkdir()
    (inbox / "甲.xlsx").write_bytes(build_workbook(random_values(random.Random(1), "甲街道", YEAR)))
    s = collect([inbox], tmp_path / "out", roster=path, workers=1)
    assert [f.unit for f in s.files] == ["甲街道", "丁街道"]
    assert any("没有邮箱" in n for n in s.notes) and any("模板中的示例" in n for n in s.notes)
