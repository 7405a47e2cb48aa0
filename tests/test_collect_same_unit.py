"""One unit under two names is not summed twice (issue 14: 疑似同一单位). Without --unit or a roster,
"城北街道" and "某某区城北街道办事处" are suspected (one is the other with a region before it), as are
two units whose tables are the same in every cell; with a roster, a name not on it that is a roster
name with a region before it is held, not summed beside it. --same settles it. Names that only
share a tail without a region (东城北街道 / 城北街道) and small all-zero units stay apart."""

from __future__ import annotations

import random
from pathlib import Path

from toolkit import spec
from toolkit.collect import collect
from toolkit.collect.samplebatch import random_values
from toolkit.workbook.build import build_workbook

YEAR = 2024


def _write(inbox: Path, file: str, values: dict) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / file).write_bytes(build_workbook(values))


def _twins(tmp_path: Path, first: str, second: str, *, same_data: bool) -> Path:
    rng = random.Random(5)
    values = random_values(rng, first, YEAR)
    inbox = tmp_path / "收件"
    _write(inbox, "1.xlsx", values)
    other = dict(values) if same_data else random_values(rng, second, YEAR)
    other["meta.unit"] = second
    _write(inbox, "2.xlsx", other)
    return inbox


def _by_unit(s) -> dict[str, object]:
    return {f.unit: f for f in s.files}


def test_a_name_with_a_region_before_another_is_suspected_without_roster(tmp_path):
    inbox = _twins(tmp_path, "城北街道", "某某区城北街道办事处", same_data=False)
    s = collect([inbox], tmp_path / "out", workers=1)
    rows = _by_unit(s)
    assert {f.status for f in s.files} == {"疑似同一单位"} and s.summary_path is None and s.exit_code == 1
    assert "--same \"城北街道=某某区城北街道办事处\"" in rows["城北街道"].note
    settled = collect([inbox], tmp_path / "out2", workers=1, same=["城北街道=某某区城北街道办事处"])
    assert settled.count("通过") == 1 and settled.count("被替代") == 1 and settled.summary_path is not None


def test_identical_tables_under_unrelated_names_are_suspected(tmp_path):
    inbox = _twins(tmp_path, "甲街道办事处", "乙镇人民政府", same_data=True)
    s = collect([inbox], tmp_path / "out", workers=1)
    assert {f.status for f in s.files} == {"疑似同一单位"}, [(f.unit, f.status, f.note) for f in s.files]
    assert "表格数据与“乙镇人民政府”的完全相同" in _by_unit(s)["甲街道办事处"].note


def test_a_roster_name_with_a_region_before_it_is_held_not_summed_beside_it(tmp_path):
    inbox = _twins(tmp_path, "城北街道", "某某区城北街道办事处", same_data=True)
    roster = tmp_path / "名单.csv"
    roster.write_text("单位名称,邮箱\n城北街道,cb@x.cn\n甲街道,jia@x.cn\n", encoding="utf-8")
    s = collect([inbox], tmp_path / "out", workers=1, roster=roster)
    rows = _by_unit(s)
    assert rows["城北街道"].status == "通过"  # the roster's own unit is summed once
    assert rows["某某区城北街道办事处"].status == "疑似同一单位"
    assert rows["某某区城北街道办事处"].roster.startswith("名单外（与名单中的单位名称相近）")
    assert rows["甲街道"].status == "未报送" and s.exit_code == 1
    # a roster name only written there with the region: the unit that sent 乙街道 is not reminded
    roster.write_text("单位名称,邮箱\n某某区城北街道,cb@x.cn\n", encoding="utf-8")
    only = tmp_path / "只有城北"
    _write(only, "城北.xlsx", random_values(random.Random(3), "城北街道", YEAR))
    s = collect([only], tmp_path / "out2", workers=1, roster=roster)
    assert [f.status for f in s.files] == ["疑似同一单位", "未报送"], [(f.unit, f.note) for f in s.files]
    assert not s.files[1].draft and "无法确定是否为此单位" in s.files[1].note


def test_names_sharing_a_tail_without_a_region_and_small_zero_units_stay_apart(tmp_path):
    rng = random.Random(8)
    inbox = tmp_path / "收件"
    _write(inbox, "a.xlsx", random_values(rng, "东城北街道", YEAR))
    _write(inbox, "b.xlsx", random_values(rng, "城北街道", YEAR))
    zeros = {k: 0 for k in spec.INPUT_KEYS if spec.FIELDS[k].is_number}
    base = random_values(rng, "丙街道", YEAR)
    _write(inbox, "c.xlsx", {**base, **zeros})
    _write(inbox, "d.xlsx", {**base, **zeros, "meta.unit": "丁街道"})
    s = collect([inbox], tmp_path / "out", workers=1)
    assert [f.status for f in s.files] == ["通过"] * 4, [(f.unit, f.status, f.note) for f in s.files]
