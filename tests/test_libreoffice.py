"""Real LibreOffice (headless) opens our workbooks, recalculates them (the profile in tests/lo.py
recalculates on load, and the files are saved without cached results first, so it must), and its
totals and live check cells agree with Python's verdict. Workbooks saved by LibreOffice (straight
xlsx -> xlsx, and through its own format xlsx -> ods -> xlsx) read back with the same data."""

from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from toolkit import spec
from toolkit.app import new_workbook, read_report
from toolkit.rules import check
from toolkit.workbook import layout

from lo import convert_many, require_soffice
from wbedit import strip_cached

POS = layout.positions()
# (LibreOffice 7.4 reads an escaped "_x005F_x0041_" as "_x0041_": that text alone is left out.)
TEXTS = {
    "text.other": "  前后有空格的段落。\n第二段：字面的 _x0041_ 与 _x005F_，表情😀，扩展汉字𠀀。\n\n=SUM(A1) 不是公式  ",
    "meta.contact": "张三",
    "meta.phone": "0851-12345678",
    "meta.date": "2023-01-20",
}


def balanced_data(seed: int) -> dict[str, object]:
    """The sample's texts with random numbers that satisfy every rule (E3-E6)."""
    from toolkit.sample import sample_data
    rnd = random.Random(seed)
    data = {k: v for k, v in sample_data().items() if k in spec.INPUT_KEYS}
    data.update(TEXTS)
    for key in spec.INPUT_KEYS:
        if key.startswith(("t2.", "t4.")) and spec.FIELDS[key].is_number:
            data[key] = rnd.randint(0, 30)
    data["t2.fees.amount"] = 12.3456
    data["t2.rules.issued"] = data["t2.rules.repealed"] = data["t2.rules.in_force"] = 0  # W3
    for col in spec.T3_APPLICANT_COLUMNS:
        # none closed for unpaid fees: W6 would want section 六 to talk about fees
        results = {r: 0 if r == "other_no_fee" else rnd.randint(0, 9) for r in spec.T3_RESULT_KEYS}
        data.update({f"t3.{r}.{col}": v for r, v in results.items()})
        total = sum(results.values())
        forward = rnd.randint(0, 5)
        carried = rnd.randint(0, total + forward)
        data[f"t3.carry_forward.{col}"] = forward
        data[f"t3.carried_over.{col}"] = carried
        data[f"t3.new.{col}"] = total + forward - carried
    return data


def _fix_text_claims(data: dict[str, object]) -> dict[str, object]:
    """The sample's section 一 quotes its numbers: take them out of the random data's way."""
    data["text.on_request"] = "我街道依法办理依申请公开。"
    data["text.proactive"] = "我街道在政府信息公开平台上主动公开政府信息。"
    return data


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> dict[str, dict[str, Path]]:
    require_soffice()
    folder = tmp_path_factory.mktemp("lo")
    balanced = _fix_text_claims(balanced_data(2022))
    unbalanced = dict(balanced)
    unbalanced["t3.carry_forward.natural"] += 1  # 自然人 and 总计 columns off by one
    unbalanced["t3.carried_over.legal"] += 2  # 法律服务机构 and 总计
    unbalanced["t3.carried_over.research"] += 1  # the 总计 column balances out to +2
    unbalanced["t3.carry_forward.research"] += 1  # 科研机构 balanced again by the same
    out: dict[str, dict[str, Path]] = {}
    for name, data in (("balanced", balanced), ("unbalanced", unbalanced)):
        made = new_workbook(folder / f"{name}-made.xlsx", data=data)
        # formulas without cached results, so LibreOffice has to compute
        stripped = strip_cached(made, folder / f"{name}.xlsx")
        out[name] = {"made": made, "stripped": stripped}
    stripped = [out[n]["stripped"] for n in out]
    for name, lo_file in zip(out, convert_many(stripped, "xlsx", folder / "lo-xlsx")):
        out[name]["lo"] = lo_file
    odss = convert_many(stripped, "ods", folder / "lo-ods")
    for name, lo_file in zip(out, convert_many(odss, "xlsx", folder / "lo-ods-xlsx")):
        out[name]["lo_ods"] = lo_file
    return out


def test_stripped_files_hold_no_cached_totals(workbooks):
    for name, files in workbooks.items():
        with zipfile.ZipFile(files["stripped"]) as z:
            for part in z.namelist():
                if part.startswith("xl/worksheets/sheet"):
                    xml = z.read(part).decode()
                    assert "<f>" in xml or part != "xl/worksheets/sheet3.xml"
                    assert not re.search(r"</f>\s*<v>", xml), (name, part)


def _python_verdict(path: Path):
    report = read_report(path)
    result = check(report)
    unbalanced = {spec.FIELDS[k].col_label for f in result.findings if f.rule == "E3"
                  for k in f.keys[:1]}
    return report, result, unbalanced


@pytest.mark.parametrize("name", ["balanced", "unbalanced"])
def test_libreoffice_totals_and_live_checks_agree_with_python(workbooks, name):
    report, result, unbalanced = _python_verdict(workbooks[name]["made"])
    assert bool(unbalanced) == (name == "unbalanced")
    if name == "unbalanced":
        assert unbalanced == {"自然人", "法律服务机构", "总计"}
    wb = openpyxl.load_workbook(workbooks[name]["lo"], data_only=True)
    for key in spec.COMPUTED_KEYS:
        p = POS[key]
        assert wb[p.sheet][p.a1].value == report.values[key], key
    for col_key, (diff, verdict) in layout.t3_check_cells().items():
        label = dict(spec.T3_COLUMNS)[col_key]
        shown = wb[verdict.sheet][verdict.a1].value
        assert shown == (layout.UNBALANCED if label in unbalanced else layout.BALANCED), col_key
        v = {r: report.values[f"t3.{r}.{col_key}"] for r in ("new", "carried_over", "total", "carry_forward")}
        assert wb[diff.sheet][diff.a1].value == (v["new"] + v["carried_over"]) - (v["total"] + v["carry_forward"])
    live = wb[layout.SHEET_MAIN][layout.a1(layout.ROW_LIVE, 1)].value
    assert live.startswith("✗" if unbalanced else "✓") and live.endswith("：0 个")
    title = wb[layout.SHEET_MAIN][layout.a1(layout.ROW_TITLE, 0)].value
    assert title == spec.title(report.values)
    for table_id in layout.SHEET_OF_TABLE:
        status = layout.table_status_cell(table_id)
        assert wb[status.sheet][status.a1].value.startswith("未填写的数字单元格：0 个；填写了非数字内容的单元格：0 个")


@pytest.mark.parametrize("via", ["lo", "lo_ods"])
@pytest.mark.parametrize("name", ["balanced", "unbalanced"])
def test_workbook_saved_by_libreoffice_reads_back(workbooks, name, via):
    report, result, _ = _python_verdict(workbooks[name]["made"])
    again = read_report(workbooks[name][via])
    assert again.values == report.values
    assert again.problems == {} and again.broken_formulas == {}  # LibreOffice's totals agree
    assert again.values["text.other"] == TEXTS["text.other"]
    result_again = check(again)
    assert [(f.rule, f.keys, f.cell, f.expected, f.found) for f in result_again.findings] == \
           [(f.rule, f.keys, f.cell, f.expected, f.found) for f in result.findings]


def test_libreoffice_keeps_the_protection(workbooks):
    wb = openpyxl.load_workbook(workbooks["balanced"]["lo"])
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
    for key in spec.INPUT_KEYS:
        p = POS[key]
        assert not wb[p.sheet][p.a1].protection.locked, key
    for key in spec.COMPUTED_KEYS:
        p = POS[key]
        assert wb[p.sheet][p.a1].protection.locked, key
