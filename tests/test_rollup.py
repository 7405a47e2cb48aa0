"""Roll-up (issue 14 item 5): a city collects its districts' 汇总数据.xlsx as units. Two levels,
from generated workbooks: units -> each district's summary -> the city's summary, which equals the
sum of every district's units that passed. A summary is marked as one (a document property that
LibreOffice keeps when it saves), and collected one level up its empty text is no error."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import run_nianbao
from lo import calc_edit, typed
from ooxml_audit import audit_errors

from toolkit import spec
from toolkit.collect import collect
from toolkit.collect.samplebatch import random_values, sums
from toolkit.rules import check
from toolkit.source import read_report
from toolkit.workbook.build import build_workbook

YEAR = 2024
CITY = "某某市人民政府办公室"
DISTRICTS = {"甲区人民政府办公室": ("甲区教育局", "甲区城东街道办事处", "甲区卫生健康局"),
             "乙区人民政府办公室": ("乙区民政局", "乙区城西街道办事处")}
NUMBERS = [k for k in spec.INPUT_KEYS if spec.FIELDS[k].is_number]


@pytest.fixture(scope="module")
def districts(tmp_path_factory):
    """Each district's batch collected: (district -> its output folder, the values of the units
    that passed, over all districts)."""
    root = tmp_path_factory.mktemp("rollup")
    rng = random.Random(2024)
    passed: list[dict[str, object]] = []
    outs = {}
    for district, units in DISTRICTS.items():
        inbox = root / district / "收件"
        inbox.mkdir(parents=True)
        for unit in units:
            values = random_values(rng, unit, YEAR)
            (inbox / f"{unit}.xlsx").write_bytes(build_workbook(values))
            passed.append(values)
        # a unit with an error is returned, not summed, at either level
        (inbox / "有错误.xlsx").write_bytes(build_workbook(random_values(rng, f"{district[:2]}错误局", YEAR,
                                                                         error="carry_forward")))
        out = root / district / "汇总"
        s = collect([inbox], out, unit=district, workers=1)
        assert s.count("通过") == len(units) and s.summary_path is not None
        outs[district] = out
    return root, outs, passed


def _status(out: Path) -> dict[str, dict]:
    wb = openpyxl.load_workbook(out / "汇总状态.xlsx", read_only=True)
    rows = list(wb["报送状态"].iter_rows(values_only=True))
    return {r[0]: dict(zip(rows[2], r, strict=False)) for r in rows[3:]}


def test_a_summary_is_marked_and_its_empty_text_is_expected_only_one_level_up(districts):
    _, outs, _ = districts
    report = read_report(outs["甲区人民政府办公室"] / "汇总数据.xlsx")
    assert report.summary_of == "3个单位之和"
    own = check(report)  # the district's own check: the text is still to be written (build refuses)
    assert {f.rule for f in own.errors} == {"E7"} and all(k.startswith("text.") for f in own.errors for k in f.keys)
    assert check(report, rollup=True).passed  # the city's batch: a unit like any other
    unit = read_report(next((outs["甲区人民政府办公室"].parent / "收件").glob("甲区教育局.xlsx")))
    assert unit.summary_of is None


def test_city_summary_is_the_sum_of_every_districts_units(districts, tmp_path):
    _, outs, passed = districts
    inbox = tmp_path / "市收件"
    inbox.mkdir()
    for district, out in outs.items():
        shutil.copy(out / "汇总数据.xlsx", inbox / f"{district}汇总.xlsx")
    city = tmp_path / "市汇总"
    proc = run_nianbao("collect", inbox, "-o", city, "--unit", CITY, "--workers", "1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = _status(city)
    assert set(rows) == set(DISTRICTS)
    for row in rows.values():
        assert row["状态"] == "通过" and row["错误数"] == 0 and "下级汇总数据" in row["主要问题"], row
    total = read_report(city / "汇总数据.xlsx")
    expected = sums(passed)
    assert {k: total.values[k] for k in NUMBERS} == expected
    assert total.summary_of == "2个单位之和" and total.values["meta.unit"] == CITY
    data = json.loads((city / "findings.json").read_text(encoding="utf-8"))
    assert all(not f["findings"] or {x["rule"] for x in f["findings"]} <= {"W6"} for f in data["files"]), data


def test_a_summary_lists_its_units_and_one_level_up_none_is_summed_twice(districts, tmp_path):
    """G24: a unit that reports to its district and to the city as well is inside the district's
    summary already: the city sums it once; the city's own summary lists every unit below it."""
    root, outs, passed = districts
    jia = outs["甲区人民政府办公室"] / "汇总数据.xlsx"
    assert sorted(read_report(jia).summary_units) == sorted(DISTRICTS["甲区人民政府办公室"])
    assert audit_errors(jia) == []
    inbox = tmp_path / "市收件"
    inbox.mkdir()
    for district, out in outs.items():
        shutil.copy(out / "汇总数据.xlsx", inbox / f"{district}汇总.xlsx")
    shutil.copy(root / "甲区人民政府办公室" / "收件" / "甲区教育局.xlsx", inbox / "甲区教育局（直接报市）.xlsx")
    s = collect([inbox], tmp_path / "市汇总", unit=CITY, workers=1)
    rows = {f.file_name: f for f in s.files}
    direct = rows["甲区教育局（直接报市）.xlsx"]
    assert direct.status == "被替代" and "已计入下级汇总数据“甲区人民政府办公室”" in direct.note, direct
    assert s.exit_code == 0 and s.count("通过") == 2
    total = read_report(s.summary_path)
    assert {k: total.values[k] for k in NUMBERS} == sums(passed)  # each unit once
    assert set(total.summary_units) == {u for units in DISTRICTS.values() for u in units}
    # a district that summed a unit of another district too: the two summaries overlap, neither is summed
    other = tmp_path / "丙区收件"
    other.mkdir()
    shutil.copy(root / "甲区人民政府办公室" / "收件" / "甲区教育局.xlsx", other)
    (other / "丙区民政局.xlsx").write_bytes(build_workbook(random_values(random.Random(7), "丙区民政局", YEAR)))
    bing = collect([other], tmp_path / "丙区汇总", unit="丙区人民政府办公室", workers=1)
    shutil.copy(bing.summary_path, inbox / "丙区汇总.xlsx")
    (inbox / "甲区教育局（直接报市）.xlsx").unlink()
    s = collect([inbox], tmp_path / "市汇总2", unit=CITY, workers=1)
    rows = {f.file_name: f for f in s.files}
    for name in ("甲区人民政府办公室汇总.xlsx", "丙区汇总.xlsx"):
        assert rows[name].status == "疑似同一单位" and "都汇总了甲区教育局" in rows[name].note, rows[name]
    assert rows["乙区人民政府办公室汇总.xlsx"].status == "通过" and s.exit_code == 1


def test_summary_saved_by_libreoffice_is_still_one(districts, tmp_path):
    """The district opens its summary in LibreOffice Calc, writes a part of its text, saves it as
    .xlsx (through UNO, as a person would): the mark is kept, and the city sums it."""
    _, outs, passed = districts
    inbox = tmp_path / "市收件"
    inbox.mkdir()
    src = outs["乙区人民政府办公室"] / "汇总数据.xlsx"
    calc_edit(src, inbox / "乙区汇总（LibreOffice）.xlsx",
              typed({"text.overview": "本区各单位认真贯彻落实条例，现将全区情况汇总报告如下。"}))
    saved = read_report(inbox / "乙区汇总（LibreOffice）.xlsx")
    assert saved.summary_of == "2个单位之和"
    assert sorted(saved.summary_units) == sorted(DISTRICTS["乙区人民政府办公室"])  # the list survives the save
    assert saved.values["text.overview"].startswith("本区各单位")
    shutil.copy(outs["甲区人民政府办公室"] / "汇总数据.xlsx", inbox / "甲区汇总.xlsx")
    s = collect([inbox], tmp_path / "市汇总", unit=CITY, workers=1)
    assert s.exit_code == 0 and s.count("通过") == 2, [(f.status, f.note, f.findings) for f in s.files]
    total = read_report(s.summary_path)
    assert {k: total.values[k] for k in NUMBERS} == sums(passed)


def test_districts_summaries_without_a_name_are_two_units(tmp_path):
    """Two districts ran collect without --unit: both summaries are named 汇总. They are not one
    unit's re-sent copies: both are summed, each row says to write the district's name."""
    from toolkit.collect.summary import DEFAULT_SUMMARY_UNIT, write_summary
    inbox = tmp_path / "in"
    inbox.mkdir()
    rng = random.Random(3)
    units = [random_values(rng, f"单位{i}", YEAR) for i in range(2)]
    for i, v in enumerate(units):
        nums = tuple(v.get(k) for k in spec.NUMBER_KEYS)
        write_summary(inbox / f"{i}.xlsx", {f"u{i}": nums}, unit=DEFAULT_SUMMARY_UNIT, year=YEAR)
    s = collect([inbox], tmp_path / "out", unit=CITY, workers=1)
    assert s.count("通过") == 2 and all("基本信息" in f.note for f in s.files), [f.note for f in s.files]
    total = read_report(s.summary_path)
    assert {k: total.values[k] for k in NUMBERS} == sums(units)
