"""collect run again into the same output folder, as a district office does when a late unit
reports: what the office wrote into 汇总数据.xlsx (its 正文, typed in LibreOffice as README tells
it to) is kept in the new summary and the old file is backed up into nianbao备份/; nothing the
office wrote is lost silently."""

from __future__ import annotations

import random
from pathlib import Path

from conftest import run_nianbao
from lo import calc_edit, typed

from toolkit import spec
from toolkit.collect.samplebatch import random_values
from toolkit.source import read_report
from toolkit.workbook.build import build_workbook

YEAR = 2024
PROBLEMS = "区里写的问题段落：一是……二是……"


def _inbox(root: Path, units: tuple[str, ...], seed: int = 7) -> Path:
    inbox = root / "收件"
    inbox.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for unit in units:
        (inbox / f"{unit}.xlsx").write_bytes(build_workbook(random_values(rng, unit, YEAR)))
    return inbox


def test_rerun_keeps_the_text_typed_into_the_summary_and_backs_it_up(tmp_path):
    inbox = _inbox(tmp_path, ("甲街道办事处", "乙街道办事处"))
    out = tmp_path / "汇总"
    first = run_nianbao("collect", inbox, "-o", out)
    assert first.returncode == 0, first.stderr
    summary = out / "汇总数据.xlsx"
    typed_copy = calc_edit(summary, tmp_path / "typed.xlsx",
                           typed({"text.problems": PROBLEMS, "meta.unit": "某某区人民政府办公室",
                                  "meta.contact": "张三"}))
    summary.write_bytes(typed_copy.read_bytes())

    # a late unit reports; the office runs collect again into the same folder
    rng = random.Random(99)
    (inbox / "丙街道办事处.xlsx").write_bytes(build_workbook(random_values(rng, "丙街道办事处", YEAR)))
    again = run_nianbao("collect", inbox, "-o", out)
    assert again.returncode == 0, again.stderr
    report = read_report(summary)
    assert report.values["text.problems"] == PROBLEMS
    assert report.values["meta.unit"] == "某某区人民政府办公室" and report.values["meta.contact"] == "张三"
    assert report.summary_of == "3个单位之和"
    backup = read_report(out / "nianbao备份" / "汇总数据.xlsx")
    assert backup.values["text.problems"] == PROBLEMS and backup.summary_of == "2个单位之和"
    assert "已保留原有汇总数据.xlsx中填写的1段正文" in again.stderr and "nianbao备份" in again.stderr
    assert "已保留上次填写的1段正文" in again.stdout

    # --unit given now is the user's word for the 机关名称; the text stays
    third = run_nianbao("collect", inbox, "-o", out, "--unit", "某某区政务公开办")
    assert third.returncode == 0, third.stderr
    report = read_report(summary)
    assert report.values["meta.unit"] == "某某区政务公开办" and report.values["text.problems"] == PROBLEMS


def test_summary_not_made_again_still_backs_up_what_the_office_wrote(tmp_path):
    inbox = _inbox(tmp_path, ("甲街道办事处",))
    out = tmp_path / "汇总"
    assert run_nianbao("collect", inbox, "-o", out).returncode == 0
    summary = out / "汇总数据.xlsx"
    values = dict(read_report(summary).values)
    values.update({"text.problems": PROBLEMS})
    kept = {k: v for k, v in values.items() if k in spec.INPUT_KEYS}
    summary.write_bytes(build_workbook(kept, summary_of="1个单位之和"))
    (inbox / "甲街道办事处.xlsx").unlink()  # nothing passes now: no summary this time
    (inbox / "乙街道办事处.xlsx").write_bytes(build_workbook(random_values(random.Random(1), "乙街道办事处", YEAR,
                                                                          error="carry_forward")))
    again = run_nianbao("collect", inbox, "-o", out)
    assert again.returncode == 1
    assert not summary.exists()  # not this batch's summary
    assert read_report(out / "nianbao备份" / "汇总数据.xlsx").values["text.problems"] == PROBLEMS
    assert "已备份到" in again.stderr


def test_a_summary_of_another_year_is_backed_up_not_carried(tmp_path):
    inbox = _inbox(tmp_path, ("甲街道办事处",))
    out = tmp_path / "汇总"
    out.mkdir()
    old = {"meta.unit": "某某区", "meta.year": YEAR - 1, "text.problems": PROBLEMS}
    (out / "汇总数据.xlsx").write_bytes(build_workbook(old, summary_of="5个单位之和"))
    again = run_nianbao("collect", inbox, "-o", out)
    assert again.returncode == 0, again.stderr
    assert read_report(out / "汇总数据.xlsx").values["text.problems"] is None
    assert read_report(out / "nianbao备份" / "汇总数据.xlsx").values["meta.year"] == YEAR - 1
    assert f"是{YEAR - 1}年度的" in again.stderr


def test_an_earlier_output_folder_inside_the_inputs_is_not_collected(tmp_path):
    inbox = _inbox(tmp_path, ("甲街道办事处", "乙街道办事处"))
    rng = random.Random(4)
    (inbox / "丙街道办事处.xlsx").write_bytes(build_workbook(random_values(rng, "丙街道办事处", YEAR,
                                                                          error="carry_forward")))
    old = run_nianbao("collect", inbox, "-o", inbox / "汇总")  # OUTDIR inside the input folder
    assert old.returncode == 1 and list((inbox / "汇总" / "退回").glob("*.eml"))
    draft = next((inbox / "汇总" / "退回").glob("*.eml"))
    (inbox / "转存的草稿.eml").write_bytes(draft.read_bytes())  # a draft saved among the inputs
    again = run_nianbao("collect", inbox, "-o", tmp_path / "另一个输出")
    assert again.returncode == 1, again.stderr
    assert "共 3 个文件" in again.stdout and "通过 2" in again.stdout, again.stdout
    assert "已跳过 nianbao 以前生成的输出文件夹和邮件草稿" in again.stderr and "转存的草稿.eml" in again.stderr
    assert str(inbox / "汇总") in again.stderr
    assert read_report(tmp_path / "另一个输出" / "汇总数据.xlsx").summary_of == "2个单位之和"
    # the output folder given as an input: its summary only (a city's roll-up)
    city = run_nianbao("collect", inbox / "汇总", "-o", tmp_path / "市")
    assert city.returncode == 0 and "共 1 个文件" in city.stdout, city.stdout + city.stderr
    assert read_report(tmp_path / "市" / "汇总数据.xlsx").summary_of == "1个单位之和"


def test_outputs_written_into_the_input_folder_itself_leave_its_units_collected(tmp_path):
    inbox = _inbox(tmp_path, ("甲街道办事处", "乙街道办事处"))
    assert run_nianbao("collect", inbox, "-o", inbox).returncode == 0  # OUTDIR = the input folder
    again = run_nianbao("collect", inbox, "-o", tmp_path / "另一个输出")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "共 2 个文件" in again.stdout and "通过 2" in again.stdout, again.stdout
    assert "汇总状态.xlsx" in again.stderr and "汇总数据.xlsx" in again.stderr
    assert read_report(tmp_path / "另一个输出" / "汇总数据.xlsx").summary_of == "2个单位之和"
