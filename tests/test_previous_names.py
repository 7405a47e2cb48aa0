"""Last year's report found when the unit writes its name differently this year (城南街道 in 2023,
城南街道办事处 or 某某区城南街道办事处 in 2024), as the roster matches names, in collect, audit and
check; never a guess between two alike; and a report with no data of last year says so."""

from __future__ import annotations

import random
from pathlib import Path

from toolkit.app.audit import audit
from toolkit.app.check import check_file
from toolkit.collect import collect
from toolkit.collect.samplebatch import random_values
from toolkit.previous import PreviousYear
from toolkit.source import read_report
from toolkit.word.build import render_report
from toolkit.workbook.build import build_workbook

COLUMNS = ("natural", "business", "research", "nonprofit", "legal", "other_org")


def _pair(rng: random.Random, this_name: str, last_name: str) -> tuple[dict, dict]:
    """This year's and last year's values, last year's carry-forward one more than this year's
    carried-over in every column (seven W1 when they are compared)."""
    this, last = random_values(rng, this_name, 2024), random_values(rng, last_name, 2023)
    for col in COLUMNS:
        last[f"t3.carry_forward.{col}"] = this[f"t3.carried_over.{col}"] + 1
    return this, last


def _batch(tmp_path: Path) -> tuple[Path, Path]:
    rng = random.Random(13)
    cur, prev = tmp_path / "2024", tmp_path / "2023"
    cur.mkdir(), prev.mkdir()
    for i, (now, then) in enumerate((("城南街道办事处", "城南街道"), ("某某区城北街道办事处", "城北街道"),
                                     ("区教育局", "区教育局"), ("新设街道", None),
                                     # the same name but for its suffix, before one with a region added
                                     ("东城街道", "东城街道办事处"))):
        this, last = _pair(rng, now, then or "别的局")
        (cur / f"{i}.xlsx").write_bytes(build_workbook(this))
        if then:
            (prev / f"{i}.xlsx").write_bytes(build_workbook(last))
    (prev / "x.xlsx").write_bytes(build_workbook(_pair(rng, "x", "某某区东城街道")[1]))
    return cur, prev


def test_collect_finds_last_year_under_a_name_written_differently(tmp_path):
    cur, prev = _batch(tmp_path)
    s = collect([cur], tmp_path / "out", previous=[prev], workers=1)
    rows = {f.unit: f for f in s.files}
    w1 = {u: sum(1 for x in f.findings if x.rule == "W1") for u, f in rows.items()}
    assert w1 == {"城南街道办事处": 7, "某某区城北街道办事处": 7, "区教育局": 7, "新设街道": 0, "东城街道": 7}, w1
    assert "按相近的机关名称“城南街道”对应" in rows["城南街道办事处"].note
    assert "没有“新设街道”的报告" in rows["新设街道"].note and "未作跨年度校验" in rows["新设街道"].note
    assert "上年数据" not in rows["区教育局"].note  # found by its name as written: nothing to say
    assert any("1份工作簿没有用上年数据" in n for n in s.notes), s.notes


def test_two_alike_last_year_are_not_guessed_between(tmp_path):
    rng = random.Random(1)
    files = []
    for name in ("某某区东城街道", "某某县东城街道"):
        files.append(tmp_path / f"{name}.xlsx")
        files[-1].write_bytes(build_workbook(random_values(rng, name, 2023)))
    found, why = PreviousYear.load(files).find("东城街道办事处")
    assert found is None and "无法确定" in why and "某某区东城街道" in why


def test_audit_and_check_use_the_same_matching(tmp_path):
    rng = random.Random(3)
    this, last = _pair(rng, "城南街道办事处", "城南街道")
    cur, prev = tmp_path / "2024", tmp_path / "2023"
    cur.mkdir(), prev.mkdir()
    book = tmp_path / "本年.xlsx"
    book.write_bytes(build_workbook(this))
    (cur / "城南街道办事处2024年报.docx").write_bytes(render_report(read_report(book)))
    (prev / "城南2023.xlsx").write_bytes(build_workbook(last))
    (prev / "丙局.xlsx").write_bytes(build_workbook(random_values(rng, "丙局", 2023)))
    s = audit([cur], tmp_path / "out", previous=[prev], workers=1)
    rows = {r.unit: r for r in s.rows}
    assert sum(1 for x in rows["城南街道办事处"].findings if x.rule == "W1") == 7
    assert any("按相近的机关名称" in n for n in rows["城南街道办事处"].notes)
    # check, with last year's files of several units, and with the one file
    several = PreviousYear.load([prev / "城南2023.xlsx", prev / "丙局.xlsx"])
    result = check_file(book, several)
    assert sum(1 for x in result.findings if x.rule == "W1") == 7, result.notes
    result = check_file(book, prev / "城南2023.xlsx")
    assert sum(1 for x in result.findings if x.rule == "W1") == 7, result.notes
    # a unit with no report last year is told so in check too
    new = tmp_path / "新设.xlsx"
    new.write_bytes(build_workbook(random_values(rng, "新设街道", 2024)))
    result = check_file(new, several)
    assert any("没有“新设街道”的报告" in n for n in result.notes), result.notes


def test_a_region_stripped_is_no_tail_of_another_regions_name(tmp_path):
    """甲区人民政府办公室 (甲区 a region shared by the batch, stripped) is not 乙区人民政府办公室 with a
    region before it: neither the roster, nor the batch without one, nor last year's data take
    them for one unit."""
    from toolkit.collect.roster import NEAR, OUTSIDE, load
    names = tmp_path / "名单.csv"
    names.write_text("单位名称,邮箱\n甲区人民政府办公室,a@x.cn\n甲区教育局,b@x.cn\n某某区城北街道,c@x.cn\n",
                     encoding="utf-8")
    roster = load(names)
    assert roster.match("乙区人民政府办公室").how == OUTSIDE
    assert roster.match("城北街道办事处").how == NEAR  # a region before it, as written: still near
    rng = random.Random(8)
    box = tmp_path / "收件"
    box.mkdir()
    for name in ("甲区人民政府办公室", "甲区教育局", "乙区人民政府办公室"):
        (box / f"{name}.xlsx").write_bytes(build_workbook(random_values(rng, name, 2024)))
    s = collect([box], tmp_path / "out", workers=1)
    assert [f.status for f in s.files] == ["通过"] * 3, [(f.unit, f.note) for f in s.files]
    files = []
    for name in ("甲区人民政府办公室", "甲区教育局"):
        files.append(tmp_path / f"{name}2023.xlsx")
        files[-1].write_bytes(build_workbook(random_values(rng, name, 2023)))
    found, why = PreviousYear.load(files).find("乙区人民政府办公室")
    assert found is None and "没有“乙区人民政府办公室”的报告" in why
